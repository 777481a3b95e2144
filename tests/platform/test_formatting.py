from datetime import date

from admin_app.formatting import jdate, jdate_wareki, wareki


def test_japanese_dates_and_era_boundaries():
    assert jdate(date(2026, 11, 26)) == "2026年11月26日"
    assert wareki(date(2026, 11, 26)) == "令和8年11月26日"
    assert wareki(date(2019, 5, 1)) == "令和元年5月1日"
    assert wareki(date(2019, 4, 30)) == "平成31年4月30日"
    assert wareki(date(1989, 1, 8)) == "平成元年1月8日"
    assert wareki(date(1989, 1, 7)) == "昭和64年1月7日"
    assert jdate_wareki(date(2014, 4, 1)) == "2014年4月1日（平成26年4月1日）"
    assert jdate(None) == ""
