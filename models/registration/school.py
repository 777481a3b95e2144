"""The Japanese school year: grades and fee tiers derived from a birth date.

A child enters 小学1年 in the April after turning 6 and 中学1年 six years later. Someone born
on 1 April reaches their birthday age legally on 31 March, so belongs to the earlier year.
"""

import enum
from datetime import date


class FeeTier(enum.StrEnum):
    CHILD = "child"  # 小学生以下
    STUDENT = "student"  # 中学生・高校生
    ADULT = "adult"  # 一般


def fiscal_year(day: date) -> int:
    """The school/fiscal year (April to March) a day falls in."""
    return day.year if day.month >= 4 else day.year - 1


def first_grade_year(birth: date) -> int:
    """The fiscal year in which a child born on `birth` enters 小学1年."""
    return birth.year + 6 if (birth.month, birth.day) <= (4, 1) else birth.year + 7


def school_year_number(birth: date, on: date) -> int:
    """1 = 小学1年 … 6 = 小学6年, 7 = 中学1年 … 12 = 高校3年; ≤0 before school."""
    return fiscal_year(on) - first_grade_year(birth) + 1


def school_grade_label(birth: date, on: date) -> str:
    n = school_year_number(birth, on)
    if n <= 0:
        return "未就学"
    if n <= 6:
        return f"小学{n}年"
    if n <= 9:
        return f"中学{n - 6}年"
    if n <= 12:
        return f"高校{n - 9}年相当"
    return "一般"


def fee_tier(birth: date, on: date) -> FeeTier:
    n = school_year_number(birth, on)
    if n <= 6:
        return FeeTier.CHILD
    if n <= 12:
        return FeeTier.STUDENT
    return FeeTier.ADULT
