from datetime import UTC, date, datetime

from admin_app.formatting import jdate, jdate_wareki, sdate, sdate_text, sdatetime, wareki


def test_japanese_dates_and_era_boundaries():
    assert jdate(date(2026, 11, 26)) == "2026年11月26日"
    assert wareki(date(2026, 11, 26)) == "令和8年11月26日"
    assert wareki(date(2019, 5, 1)) == "令和元年5月1日"
    assert wareki(date(2019, 4, 30)) == "平成31年4月30日"
    assert wareki(date(1989, 1, 8)) == "平成元年1月8日"
    assert wareki(date(1989, 1, 7)) == "昭和64年1月7日"
    assert jdate_wareki(date(2014, 4, 1)) == "2014年4月1日（平成26年4月1日）"
    assert jdate(None) == ""


def test_lists_and_records_write_days_with_slashes_and_times_in_japan_time():
    assert sdate(date(2026, 11, 6)) == "2026/11/06"
    # 12:46 UTC is 21:46 in Japan; seconds and the offset are noise to staff.
    assert sdatetime(datetime(2026, 11, 26, 12, 46, 22, 243610, tzinfo=UTC)) == "2026/11/26 21:46"
    assert sdatetime(datetime(2026, 11, 26, 15, 30, tzinfo=UTC)) == "2026/11/27 00:30"
    assert sdate_text("2026-04-01") == "2026/04/01"
    assert sdate_text("在住") == "在住" and sdate_text(None) == ""
