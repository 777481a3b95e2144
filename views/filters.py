"""List filters of every back-office list (AppModelView.filter_converter).

Our enum columns store the members' values (models.types.str_enum), and the filter UI sends
those values; Flask-Admin's own enum filters look members up by name and fail with a
KeyError. These compare values, offer the Japanese labels of views/labels.py, and treat an
unknown value (or a date outside 1900 .. a century ahead) as an invalid filter: Flask-Admin
then flashes "invalid filter value" and lists without it.
"""

from collections.abc import Sequence
from datetime import date
from enum import Enum
from typing import Any

from flask_admin.contrib.sqla import filters as sqla
from flask_admin.model.filters import convert
from sqlalchemy import Column

from models.typed_input import date_problem
from views.labels import choices


class _ByValue:
    """Turns the sent value into the member whose value it is (ValueError when none is)."""

    def _on_column_resolved(self) -> None:
        super()._on_column_resolved()
        self.enum_class = self.column.type.enum_class

    def member(self, value: str) -> Enum:
        return self.enum_class(value)


class EnumEqual(_ByValue, sqla.FilterEqual):
    def clean(self, value: str) -> Enum:
        return self.member(value)


class EnumNotEqual(_ByValue, sqla.FilterNotEqual):
    def clean(self, value: str) -> Enum:
        return self.member(value)


class EnumInList(_ByValue, sqla.FilterInList):
    def clean(self, value: str) -> list[Enum]:
        return [self.member(v) for v in super().clean(value)]


class EnumNotInList(_ByValue, sqla.FilterNotInList):
    def clean(self, value: str) -> list[Enum]:
        return [self.member(v) for v in super().clean(value)]


def _in_range(day: date) -> date:
    problem = date_problem(day)
    if problem:
        raise ValueError(problem)
    return day


class _DateInRange:
    def clean(self, value: str) -> date:
        return _in_range(super().clean(value))


class _DatesInRange:
    def clean(self, value: str) -> list[date]:
        return [_in_range(day) for day in super().clean(value)]

    def validate(self, value: str) -> bool:
        try:
            self.clean(value)
        except ValueError:
            return False
        return super().validate(value)


class DateEqual(_DateInRange, sqla.DateEqualFilter):
    pass


class DateNotEqual(_DateInRange, sqla.DateNotEqualFilter):
    pass


class DateGreater(_DateInRange, sqla.DateGreaterFilter):
    pass


class DateSmaller(_DateInRange, sqla.DateSmallerFilter):
    pass


class DateBetween(_DatesInRange, sqla.DateBetweenFilter):
    pass


class DateNotBetween(_DatesInRange, sqla.DateNotBetweenFilter):
    pass


class AppFilterConverter(sqla.FilterConverter):
    enum = (EnumEqual, EnumNotEqual, sqla.EnumFilterEmpty, EnumInList, EnumNotInList)
    date_filters = (
        DateEqual,
        DateNotEqual,
        DateGreater,
        DateSmaller,
        DateBetween,
        DateNotBetween,
        sqla.FilterEmpty,
    )

    @convert("enum")
    def conv_enum(
        self,
        column: Column,
        name: str,
        options: Sequence[tuple[str, object]] | None = None,
        **kwargs: Any,
    ) -> list[sqla.BaseSQLAFilter]:
        enum_class = column.type.enum_class
        if enum_class is None:  # a plain string enum: nothing to translate
            return super().conv_enum(column, name, options, **kwargs)
        return [f(column, name, options or choices(enum_class), **kwargs) for f in self.enum]
