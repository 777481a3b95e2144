"""The Japanese school-year rule behind the fee tier: 1 April and 2 April boundaries."""

from datetime import date

import pytest

from models.registration.school import FeeTier, fee_tier, school_grade_label, school_year_number


@pytest.mark.parametrize(
    "birth,on,grade",
    [
        # Born 1 April 2014: the earlier school year, so 中学1年 from 1 April 2026.
        (date(2014, 4, 1), date(2026, 3, 31), "小学6年"),
        (date(2014, 4, 1), date(2026, 4, 1), "中学1年"),
        # Born 2 April 2014: the later year, so still 小学6年 throughout fiscal 2026.
        (date(2014, 4, 2), date(2026, 4, 1), "小学6年"),
        (date(2014, 4, 2), date(2027, 3, 31), "小学6年"),
        (date(2014, 4, 2), date(2027, 4, 1), "中学1年"),
        # Born in March: same school year as the April-1st child of the previous calendar year.
        (date(2014, 3, 31), date(2026, 4, 1), "中学1年"),
        (date(2020, 4, 2), date(2026, 4, 1), "未就学"),
        (date(2019, 4, 2), date(2026, 4, 1), "小学1年"),
    ],
)
def test_school_grade_boundaries(birth, on, grade):
    assert school_grade_label(birth, on) == grade


def test_fee_tier_changes_when_junior_high_school_begins():
    birth = date(2014, 4, 2)
    assert fee_tier(birth, date(2027, 3, 31)) == FeeTier.CHILD
    assert fee_tier(birth, date(2027, 4, 1)) == FeeTier.STUDENT
    assert fee_tier(birth, date(2033, 3, 31)) == FeeTier.STUDENT  # 高校3年
    assert fee_tier(birth, date(2033, 4, 1)) == FeeTier.ADULT


def test_year_numbers_run_one_to_twelve():
    birth = date(2010, 6, 15)
    assert school_year_number(birth, date(2017, 4, 1)) == 1
    assert school_year_number(birth, date(2028, 4, 1)) == 12
