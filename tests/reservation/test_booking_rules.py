"""Booking at the counter (models/reservation/rules.py): slots and their parts, divided halls,
the database's own refusal of a second active hold, and every refusal with its Japanese
message, its field and nothing saved."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from admin_app.extensions import db
from models import Booking, BookingHold, BookingState, Closure, ClosureKind
from models.clock import now_utc, today_local
from models.reservation.closures import add_closure
from models.reservation.fees import RoomFee
from models.reservation.rules import (
    BookingError,
    BookingNotAllowed,
    SlotTaken,
    book,
    book_series,
    cancel,
    expire_unpaid,
    payment_deadline,
    record_payment,
)
from tests.builders.registration import make_registrant
from tests.builders.reservation import (
    HALF_A,
    HALF_B,
    HALL,
    PURPOSE,
    at,
    counts,
    make_booker,
    make_booking,
    next_weekday,
    registrant,
    room,
    soon,
    staff,
)


@pytest.fixture
def ctx(app, demo):
    with app.app_context():
        yield


def holds_of(booking_id: int) -> list[tuple[str, str, bool]]:
    return [
        (h.room.name, h.slot, h.active)
        for h in db.session.scalars(
            select(BookingHold)
            .where(BookingHold.booking_id == booking_id)
            .order_by(BookingHold.room_id, BookingHold.starts)
        )
    ]


def refused(
    registrant_id: int,
    room_name: str = "第1会議室",
    day: date | None = None,
    slot: str = "am",
    error=BookingError,
    facility_name: str = "中央公民館",
    **options,
) -> BookingError:
    """The booking is refused with `error`; nothing was saved and the session is usable."""
    before = counts()
    options = {"people": 10, "purpose": PURPOSE, "by": staff(), "now": now_utc()} | options
    with pytest.raises(error) as caught:
        book(
            registrant(registrant_id),
            room(room_name, facility_name),
            day or soon(),
            slot,
            **options,
        )
    db.session.commit()  # whatever the session still holds
    assert counts() == before
    return caught.value


# --- slots, parts, halls ------------------------------------------------------------------------


def test_a_booking_is_provisional_holds_its_slot_and_has_a_deadline(ctx):
    rid = make_booker()
    day = soon(20)
    booking = db.session.get(Booking, make_booking(rid, day=day))
    assert booking.state == BookingState.PROVISIONAL and booking.is_active
    assert booking.facility.name == "中央公民館" and booking.created_by.login == "staff1"
    assert booking.deadline == today_local() + timedelta(days=7)
    assert holds_of(booking.id) == [("第1会議室", "am", True)]
    assert counts() == (1, 1, 1)


def test_the_deadline_is_never_later_than_the_day_before_use(ctx):
    facility_room = room("第1会議室")
    today = date(2026, 12, 1)
    assert payment_deadline(facility_room, today, date(2026, 12, 30)) == date(2026, 12, 8)
    assert payment_deadline(facility_room, today, date(2026, 12, 5)) == date(2026, 12, 4)
    assert payment_deadline(facility_room, today, date(2026, 12, 2)) == today
    assert payment_deadline(facility_room, today, today) == today  # paid at once


def test_combined_slots_hold_their_parts_and_block_them(ctx):
    rid, other = make_booker(), make_booker(name="別の会")
    day = soon()
    whole_day = make_booking(rid, day=day, slot="all_day")
    assert holds_of(whole_day) == [
        ("第1会議室", "am", True),
        ("第1会議室", "pm", True),
        ("第1会議室", "night", True),
    ]
    for slot in ("am", "pm", "night", "am_pm", "all_day"):
        error = refused(other, day=day, slot=slot, error=SlotTaken)
        assert str(error) == "この枠は既に予約されています。" and error.field == "slot"
    # 午前・午後 leaves 夜間 free, and 夜間 then blocks 全日.
    morning_afternoon = make_booking(rid, day=day + timedelta(days=1), slot="am_pm")
    assert [s for _, s, _ in holds_of(morning_afternoon)] == ["am", "pm"]
    make_booking(other, day=day + timedelta(days=1), slot="night")
    refused(other, day=day + timedelta(days=1), slot="all_day", error=SlotTaken)


def test_the_whole_hall_blocks_both_halves_and_either_half_blocks_the_whole(ctx):
    rid, other = make_booker(), make_booker(name="別の会")
    day = soon()
    whole = make_booking(rid, HALL, day, "am", people=100)
    assert holds_of(whole) == [(HALF_A, "am", True), (HALF_B, "am", True)]
    refused(other, HALF_A, day, "am", error=SlotTaken)
    refused(other, HALF_B, day, "all_day", error=SlotTaken)
    make_booking(other, HALF_A, day, "pm")  # the afternoon is free
    refused(rid, HALL, day, "am_pm", error=SlotTaken)
    make_booking(rid, HALF_B, day, "pm")  # the two halves go to two bookings
    refused(rid, HALL, day, "pm", error=SlotTaken)


def test_hourly_rooms_book_by_the_hour_and_runs_of_hours(ctx):
    rid = make_booker("スポーツセンター", "individual", birth_date=date(1980, 5, 5))
    other = make_booker("スポーツセンター", name="別の会")
    day = soon()
    run = make_booking(rid, "卓球室", day, "h10-12", facility_name="スポーツセンター", by="staff2")
    assert [s for _, s, _ in holds_of(run)] == ["h10", "h11"]
    refused(
        other,
        "卓球室",
        day,
        "h11",
        facility_name="スポーツセンター",
        by=staff("staff2"),
        error=SlotTaken,
    )
    make_booking(other, "卓球室", day, "h12", facility_name="スポーツセンター", by="staff2")
    for code in ("am", "h08", "h21", "h12-12", "h20-22", "x"):
        error = refused(
            other, "卓球室", day, code, facility_name="スポーツセンター", by=staff("staff2")
        )
        assert error.field == "slot" and str(error) == "この室場にはその利用区分がありません。"
    assert refused(rid, "第1会議室", day, "h10").field == "slot"  # a standard room


def test_a_cancelled_booking_frees_its_slot(ctx):
    rid, other = make_booker(), make_booker(name="別の会")
    day = soon()
    whole = db.session.get(Booking, make_booking(rid, HALL, day, "all_day", people=100))
    cancel(whole, "行事の中止", by=staff(), now=now_utc())
    db.session.commit()
    assert holds_of(whole.id) == [(HALF_A, s, False) for s in ("am", "pm", "night")] + [
        (HALF_B, s, False) for s in ("am", "pm", "night")
    ]
    assert whole.state == BookingState.CANCELLED and whole.cancel_reason == "行事の中止"
    make_booking(other, HALF_A, day, "am")
    make_booking(other, HALL, day, "night", people=100)


def test_the_database_itself_refuses_a_second_active_hold(ctx):
    rid = make_booker()
    day = soon()
    first = db.session.get(Booking, make_booking(rid, day=day))
    unit = room("第1会議室")
    row = {
        "booking_id": first.id,
        "room_id": unit.id,
        "day": day,
        "slot": "am",
        "starts": first.holds[0].starts,
        "ends": first.holds[0].ends,
    }
    with pytest.raises(IntegrityError):
        db.session.execute(insert(BookingHold).values(**row, active=True))
    db.session.rollback()
    db.session.execute(insert(BookingHold).values(**row, active=False))  # history is fine
    db.session.commit()
    with pytest.raises(IntegrityError):  # nor can an old row come back to life beside it
        db.session.execute(update(BookingHold).where(~BookingHold.active).values(active=True))
    db.session.rollback()


@pytest.mark.postgres_only
def test_postgresql_also_refuses_overlapping_spans_under_other_codes(ctx):
    """The exclusion constraint: a room switched to hourly cannot be double-booked by code."""
    rid = make_booker()
    day = soon()
    first = db.session.get(Booking, make_booking(rid, day=day))
    hold = first.holds[0]
    with pytest.raises(IntegrityError, match="ex_booking_hold_overlap"):
        db.session.execute(
            insert(BookingHold).values(
                booking_id=first.id,
                room_id=hold.room_id,
                day=day,
                slot="h10",
                active=True,
                starts=hold.starts + timedelta(hours=1),
                ends=hold.starts + timedelta(hours=2),
            )
        )
    db.session.rollback()


# --- refusals -----------------------------------------------------------------------------------


def test_staff_of_another_facility_cannot_book(ctx):
    error = refused(make_booker(), by=staff("staff2"), error=BookingNotAllowed)
    assert str(error) == "この施設の担当ではありません。" and error.field == "room"


@pytest.mark.parametrize(
    ("builder", "message"),
    [
        (lambda: make_registrant(confirmed=False), "この登録は最終確認前のため、予約できません。"),
        (lambda: make_registrant("萩山公民館"), "この登録者はこの施設の利用登録をしていません。"),
    ],
)
def test_only_confirmed_registrants_of_the_facility_book(ctx, builder, message):
    error = refused(builder(), by=staff("chief1"))
    assert str(error) == message and error.field == "registrant"


def test_the_registration_must_be_current_on_the_day_of_use(ctx):
    start = today_local() - relativedelta(years=3) + timedelta(days=5)
    rid = make_booker(registered_on=start)
    expires = registrant(rid).expires_on
    make_booking(rid, day=expires)  # its last day
    error = refused(rid, day=expires + timedelta(days=1))
    assert str(error) == f"利用日に登録が有効ではありません（有効期限 {expires.isoformat()}）。"
    assert error.field == "registrant"


def test_people_and_purpose(ctx):
    rid = make_booker()
    error = refused(rid, people=31)
    assert (str(error), error.field) == ("この室場の定員は30人です。", "people")
    assert refused(rid, people=0).field == "people"
    assert str(refused(rid, purpose=" \u200b ")) == "利用目的を入力してください。"
    assert refused(rid, purpose="練習\x00").field == "purpose"
    assert refused(rid, purpose="あ" * 201).field == "purpose"
    make_booking(rid, people=30, purpose="あ" * 200)


def test_not_in_the_past(ctx):
    rid = make_booker()
    error = refused(rid, day=today_local() - timedelta(days=1))
    assert (str(error), error.field) == ("利用日時が過ぎています。", "day")
    tomorrow = today_local() + timedelta(days=1)
    assert refused(rid, day=tomorrow, slot="am", now=at(tomorrow, 9)).field == "day"
    make_booking(rid, day=tomorrow, slot="pm", now=at(tomorrow, 12))  # the afternoon is ahead


def test_residents_book_two_months_ahead_non_residents_one(ctx):
    today = today_local()
    resident = make_booker("スポーツセンター", name="市内の会")
    outsider = make_booker("スポーツセンター", name="市外の会", non_resident=True)
    two, one = today + relativedelta(months=2), today + relativedelta(months=1)
    sports = {"facility_name": "スポーツセンター", "by": "staff2"}
    make_booking(resident, "第1体育室", two, "am", **sports)
    error = refused(
        resident,
        "第1体育室",
        two + timedelta(days=1),
        "am",
        facility_name="スポーツセンター",
        by=staff("staff2"),
    )
    assert (str(error), error.field) == (
        f"この登録者が予約できるのは{two.isoformat()}までです。",
        "day",
    )
    make_booking(outsider, "第1体育室", one, "am", **sports)
    refused(
        outsider,
        "第1体育室",
        one + timedelta(days=1),
        "am",
        facility_name="スポーツセンター",
        by=staff("staff2"),
    )
    room("第1体育室", "スポーツセンター").facility.booking_months_ahead_non_resident = 2
    db.session.commit()
    make_booking(outsider, "第1体育室", one + timedelta(days=1), "am", **sports)


def test_a_closed_day_is_refused_with_its_reason(ctx):
    rid = make_booker()
    monday = next_weekday(0, today_local() + timedelta(days=1))
    add_closure(
        room("第1会議室").facility,
        ClosureKind.WEEKLY,
        "休館日（毎週月曜日）",
        by=staff("chief1"),
        weekday=0,
    )
    db.session.commit()
    error = refused(rid, day=monday)
    assert (str(error), error.field) == ("利用できません（休館日（毎週月曜日））。", "day")
    make_booking(rid, day=monday + timedelta(days=1))


def test_at_most_n_bookings_per_registrant_per_facility_per_month(ctx):
    rid, other = make_booker(), make_booker(name="別の会")
    first = (today_local() + relativedelta(months=1)).replace(day=1)
    ids = [make_booking(rid, day=first + timedelta(days=n)) for n in range(4)]
    error = refused(rid, day=first + timedelta(days=10))
    assert str(error) == (
        f"この登録者は{first.strftime('%Y-%m')}にこの施設の予約が上限の4件あります。"
    )
    assert error.field == "registrant"
    make_booking(other, day=first + timedelta(days=10))  # another registrant
    make_booking(rid, "和室", first + relativedelta(months=1))  # another month
    cancel(db.session.get(Booking, ids[0]), "都合により", by=staff(), now=now_utc())
    db.session.commit()
    make_booking(rid, day=first + timedelta(days=10), slot="pm")  # a cancelled one: not counted
    refused(rid, "和室", first + timedelta(days=11))
    room("和室").facility.booking_cap_per_month = 5
    db.session.commit()
    make_booking(rid, "和室", first + timedelta(days=11))


def test_a_slot_without_a_fee_is_refused(ctx):
    db.session.execute(delete(RoomFee).where(RoomFee.room_id == room("第2会議室").id))
    db.session.commit()
    error = refused(make_booker(), "第2会議室")
    assert error.field == "slot"
    assert str(error) == (
        "この室場・区分の使用料が設定されていません。先に使用料表を設定してください。"
    )


# --- payment, expiry ----------------------------------------------------------------------------


def test_payment_confirms_a_provisional_booking_once(ctx):
    booking = db.session.get(Booking, make_booking(make_booker()))
    record_payment(booking, by=staff(), now=now_utc())
    db.session.commit()
    assert booking.state == BookingState.CONFIRMED and booking.paid_by.login == "staff1"
    with pytest.raises(BookingError, match="納付を記録できるのは仮予約だけです"):
        record_payment(booking, by=staff(), now=now_utc())
    with pytest.raises(BookingNotAllowed):
        record_payment(booking, by=staff("staff2"), now=now_utc())


def test_unpaid_bookings_expire_after_their_deadline_and_free_the_slot(ctx):
    rid, other = make_booker(), make_booker(name="別の会")
    day = soon(20)
    unpaid = db.session.get(Booking, make_booking(rid, day=day))
    paid = db.session.get(Booking, make_booking(rid, day=day, slot="pm"))
    record_payment(paid, by=staff(), now=now_utc())
    db.session.commit()
    assert expire_unpaid(unpaid.deadline) == []  # due on its deadline, not yet expired
    expired = expire_unpaid(unpaid.deadline + timedelta(days=1))
    db.session.commit()
    assert [b.id for b in expired] == [unpaid.id]
    assert unpaid.state == BookingState.EXPIRED and unpaid.cancelled_at is not None
    assert unpaid.cancel_reason == (
        f"納付期限（{unpaid.deadline.isoformat()}）までに使用料の納付がありませんでした。"
    )
    assert unpaid.cancelled_by_id is None and paid.state == BookingState.CONFIRMED
    assert expire_unpaid(unpaid.deadline + timedelta(days=1)) == []  # idempotent
    make_booking(other, day=day)  # the slot is free again
    with pytest.raises(BookingError, match="既に取消済みまたは期限切れ"):
        cancel(unpaid, "重複", by=staff(), now=now_utc())


def test_the_daily_job_expires_unpaid_bookings(app, demo):
    from admin_app.jobs import run_daily

    with app.app_context():
        booking_id = make_booking(make_booker(), day=soon(20))
        deadline = db.session.get(Booking, booking_id).deadline
        report = run_daily(deadline + timedelta(days=1))
        assert "bookings expired unpaid: 1" in "\n".join(report)
        db.session.expire_all()
        assert db.session.get(Booking, booking_id).state == BookingState.EXPIRED


# --- weekly series ------------------------------------------------------------------------------


def test_a_weekly_series_books_each_occurrence_and_reports_the_refused(ctx):
    rid = make_booker()
    tuesday = next_weekday(1, today_local() + timedelta(days=1))
    closed = tuesday + timedelta(weeks=2)
    add_closure(
        room("第1会議室").facility,
        ClosureKind.PERIOD,
        "施設点検",
        by=staff("chief1"),
        starts_on=closed,
        ends_on=closed,
    )
    db.session.commit()
    result = book_series(
        registrant(rid),
        room("和室"),
        tuesday,
        tuesday + timedelta(weeks=4),
        "night",
        people=8,
        purpose="句会",
        by=staff(),
        now=now_utc(),
    )
    db.session.commit()
    booked = {b.day for b in result.bookings}
    assert closed not in booked and len(booked) <= 4
    assert result.refused[0] == (closed, "利用できません（施設点検）。")
    assert len({b.series_id for b in result.bookings}) == 1
    assert len(result.bookings) + len(result.refused) == 5
    # Each occurrence is a booking of its own, cancelled alone.
    cancel(result.bookings[0], "欠席", by=staff(), now=now_utc())
    db.session.commit()
    assert [b.state for b in result.bookings[1:]] == [BookingState.PROVISIONAL] * (
        len(result.bookings) - 1
    )


def test_a_series_none_of_which_can_be_booked_saves_nothing(ctx):
    rid = make_booker()
    monday = next_weekday(0)
    add_closure(
        room("第1会議室").facility, ClosureKind.WEEKLY, "休館日", by=staff("chief1"), weekday=0
    )
    db.session.commit()
    before = counts()
    with pytest.raises(BookingError, match="いずれの日も予約できませんでした"):
        book_series(
            registrant(rid),
            room("第1会議室"),
            monday,
            monday + timedelta(weeks=2),
            "am",
            people=5,
            purpose=PURPOSE,
            by=staff(),
            now=now_utc(),
        )
    db.session.commit()
    assert counts() == before
    with pytest.raises(BookingError, match="最終日は初日より前"):
        book_series(
            registrant(rid),
            room("第1会議室"),
            monday,
            monday - timedelta(days=1),
            "am",
            people=5,
            purpose=PURPOSE,
            by=staff(),
            now=now_utc(),
        )
    assert db.session.scalar(select(Closure.reason)) == "休館日"
