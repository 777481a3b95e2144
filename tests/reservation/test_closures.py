"""Closed days and blackouts (models/reservation/closures.py), each with the reason staff see."""

from datetime import date, timedelta

import pytest

from admin_app.extensions import db
from models import ClosureKind
from models.errors import InputError
from models.reservation.closures import add_closure, closed_rooms, closure_reason, closures_of
from models.reservation.rooms import slot_of
from models.reservation.rules import BookingError
from tests.builders.reservation import (
    HALF_A,
    HALF_B,
    HALL,
    closures,
    make_booker,
    make_booking,
    next_weekday,
    room,
    soon,
    staff,
)


@pytest.fixture
def ctx(app, demo):
    with app.app_context():
        yield


def close(kind: ClosureKind, reason: str, **values):
    closure = add_closure(room("第1会議室").facility, kind, reason, by=staff("chief1"), **values)
    db.session.commit()
    return closure


def test_every_monday(ctx):
    close(ClosureKind.WEEKLY, "休館日（毎週月曜日）", weekday=0)
    meeting = room("第1会議室")
    assert closure_reason(meeting, date(2027, 1, 11)) == "休館日（毎週月曜日）"  # a Monday
    assert closure_reason(meeting, date(2027, 1, 12)) is None
    assert (
        closure_reason(room("ホール"), date(2027, 1, 18), slot_of(meeting, "night"))
        == "休館日（毎週月曜日）"
    )
    assert closure_reason(room("集会室", "萩山公民館"), date(2027, 1, 11)) is None


def test_the_third_wednesday_of_every_month(ctx):
    close(ClosureKind.MONTHLY, "休館日（第3水曜日）", weekday=2, nth=3)
    meeting = room("第1会議室")
    closed = [
        d
        for d in (date(2027, 1, 1) + timedelta(days=n) for n in range(90))
        if closure_reason(meeting, d)
    ]
    assert closed == [date(2027, 1, 20), date(2027, 2, 17), date(2027, 3, 17)]


def test_year_end_range_every_year(ctx):
    close(
        ClosureKind.PERIOD,
        "年末年始",
        starts_on=date(2026, 12, 28),
        ends_on=date(2027, 1, 4),
        yearly=True,
    )
    meeting = room("第1会議室")
    for year in (2026, 2030):
        assert closure_reason(meeting, date(year, 12, 27)) is None
        assert closure_reason(meeting, date(year, 12, 28)) == "年末年始"
        assert closure_reason(meeting, date(year, 12, 31)) == "年末年始"
        assert closure_reason(meeting, date(year + 1, 1, 1)) == "年末年始"
        assert closure_reason(meeting, date(year + 1, 1, 4)) == "年末年始"
        assert closure_reason(meeting, date(year + 1, 1, 5)) is None


def test_a_single_date_and_a_period_once(ctx):
    close(ClosureKind.PERIOD, "館内消毒", starts_on=date(2027, 2, 10), ends_on=date(2027, 2, 10))
    close(
        ClosureKind.PERIOD, "選挙の投票所", starts_on=date(2027, 4, 10), ends_on=date(2027, 4, 11)
    )
    meeting = room("第1会議室")
    assert [
        closure_reason(meeting, d)
        for d in (date(2027, 2, 9), date(2027, 2, 10), date(2027, 4, 11), date(2028, 2, 10))
    ] == [None, "館内消毒", "選挙の投票所", None]


def test_works_close_a_room_the_halls_it_belongs_to_and_its_parts(ctx):
    first = soon(5)
    add_closure(
        room(HALF_A).facility,
        ClosureKind.WORKS,
        "床の改修工事",
        by=staff("chief1"),
        room=room(HALF_A),
        starts_on=first,
        ends_on=first + timedelta(days=6),
    )
    add_closure(
        room(HALL).facility,
        ClosureKind.WORKS,
        "空調工事",
        by=staff("chief1"),
        room=room("第2会議室"),
        starts_on=first,
        ends_on=first,
        slot="night",
    )
    db.session.commit()
    assert closure_reason(room(HALF_A), first) == "床の改修工事"
    assert closure_reason(room(HALL), first + timedelta(days=6)) == "床の改修工事"
    assert closure_reason(room(HALF_B), first) is None
    assert closure_reason(room("第1会議室"), first) is None
    second = room("第2会議室")
    assert closure_reason(second, first, slot_of(second, "pm")) is None
    assert closure_reason(second, first, slot_of(second, "all_day")) == "空調工事"
    assert closed_rooms(
        closures_of(second.facility_id), [room(HALL), second, room(HALF_B)], first
    ) == {room(HALL).id: "床の改修工事", second.id: "空調工事"}
    rid = make_booker()
    with pytest.raises(BookingError, match="床の改修工事"):
        make_booking(rid, HALL, first, "am", people=50)
    db.session.rollback()
    make_booking(rid, HALF_B, first, "am")
    make_booking(rid, "第2会議室", first, "pm")
    with pytest.raises(BookingError, match="空調工事"):
        make_booking(rid, "第2会議室", first, "night")


def test_a_closure_is_checked_when_added(ctx):
    facility = room("第1会議室").facility
    cases = [
        ({"kind": ClosureKind.WEEKLY, "reason": "休館日"}, "weekday"),
        ({"kind": ClosureKind.MONTHLY, "reason": "休館日", "weekday": 2, "nth": 6}, "nth"),
        (
            {"kind": ClosureKind.PERIOD, "reason": "点検", "starts_on": date(2027, 1, 2)},
            "starts_on",
        ),
        (
            {
                "kind": ClosureKind.WORKS,
                "reason": "工事",
                "starts_on": date(2027, 1, 2),
                "ends_on": date(2027, 1, 1),
            },
            "ends_on",
        ),
        ({"kind": ClosureKind.WEEKLY, "reason": "  ", "weekday": 0}, "reason"),
        (
            {
                "kind": ClosureKind.WEEKLY,
                "reason": "休館日",
                "weekday": 0,
                "room": room("集会室", "萩山公民館"),
            },
            "room",
        ),
    ]
    for values, field in cases:
        kind, reason = values.pop("kind"), values.pop("reason")
        with pytest.raises(InputError) as caught:
            add_closure(facility, kind, reason, by=staff("chief1"), **values)
        assert caught.value.field == field
    assert closures() == 0
    assert next_weekday(0, date(2027, 1, 11)) == date(2027, 1, 18)
