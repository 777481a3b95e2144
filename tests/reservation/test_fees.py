"""Fees 使用料 in integer yen (models/reservation/fees.py): the table by slot and tier, 市外 and
admission multipliers, 減免 with its reason kept, rounding down to 10 yen, the amount stored
with the booking, and refunds 還付 by days before use."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import delete

from admin_app.extensions import db
from models import Booking, BookingState, Reduction
from models.clock import now_utc, today_local
from models.registration.school import FeeTier
from models.reservation.fees import RoomFee, compute, refund_percent, table_fee
from models.reservation.rooms import slot_of
from models.reservation.rules import cancel, record_payment
from tests.builders.reservation import (
    at,
    make_booker,
    make_booking,
    room,
    set_fees,
    soon,
    staff,
)

SPORTS = {"facility_name": "スポーツセンター", "by": "staff2"}
GYM = "第1体育室"


@pytest.fixture
def ctx(app, demo):
    with app.app_context():
        for name in (GYM, "卓球室"):  # this test's own tables, not the demo's
            db.session.execute(
                delete(RoomFee).where(RoomFee.room_id == room(name, "スポーツセンター").id)
            )
        set_fees(room(GYM, "スポーツセンター"), {"am": 1650, "pm": 2000, "night": 2400})
        set_fees(room(GYM, "スポーツセンター"), {"am": 800}, FeeTier.STUDENT)
        set_fees(room(GYM, "スポーツセンター"), {"am": 400}, FeeTier.CHILD)
        yield


def booked(registrant_id: int, **options) -> Booking:
    return db.session.get(
        Booking,
        make_booking(
            registrant_id,
            GYM,
            options.pop("day", soon()),
            options.pop("slot", "am"),
            **SPORTS,
            **options,
        ),
    )


def test_integer_yen_rounded_down_to_ten_yen_once():
    assert compute(1650, 100, 100, 0) == 1650
    assert compute(1650, 150, 100, 0) == 2470  # 2,475 → 2,470
    assert compute(1650, 150, 200, 0) == 4950
    assert compute(1650, 150, 200, 50) == 2470  # 2,475 → 2,470 (rounded once, at the end)
    assert compute(1655, 100, 100, 50) == 820  # 827.5 → 820
    assert compute(1650, 150, 200, 100) == 0


def test_groups_pay_the_general_tier_individuals_by_age_on_the_day_of_use(ctx):
    group = make_booker("スポーツセンター", name="卓球の会")
    assert (booked(group).fee, booked(group, slot="pm").tier) == (1650, FeeTier.ADULT)
    day = soon()
    for n, (birth, tier, fee) in enumerate(
        (
            (day - relativedelta(years=40), FeeTier.ADULT, 1650),
            (day - relativedelta(years=16), FeeTier.STUDENT, 800),
            (day - relativedelta(years=9), FeeTier.CHILD, 400),
        ),
        start=1,
    ):
        person = make_booker("スポーツセンター", "individual", name="個人", birth_date=birth)
        booking = booked(person, day=day + timedelta(days=n))
        assert (booking.tier, booking.table_fee, booking.fee) == (tier, fee, fee)
    # A tier without its own row pays the general one (afternoon has no student row).
    student = make_booker(
        "スポーツセンター", "individual", name="生徒", birth_date=day - relativedelta(years=16)
    )
    assert booked(student, day=day + timedelta(days=1), slot="pm").fee == 2000


def test_non_residents_pay_half_again_and_admission_doubles(ctx):
    resident = make_booker("スポーツセンター", name="市内の会")
    outsider = make_booker("スポーツセンター", name="市外の会", non_resident=True)
    plain, with_admission = booked(resident), booked(resident, slot="pm", admission=True)
    assert (plain.fee, with_admission.fee) == (1650, 4000)
    assert (with_admission.admission_percent, with_admission.non_resident_percent) == (200, 100)
    away = booked(outsider, day=soon(11))
    assert (away.non_resident, away.non_resident_percent, away.fee) == (True, 150, 2470)
    assert booked(outsider, day=soon(11), slot="pm", admission=True).fee == 6000


def test_multipliers_come_from_the_facility_else_the_app_config(app, ctx):
    outsider = make_booker("スポーツセンター", name="市外の会", non_resident=True)
    assert app.config["RESERVATION_NON_RESIDENT_PERCENT"] == 150
    app.config["RESERVATION_NON_RESIDENT_PERCENT"] = 200
    try:
        assert booked(outsider).fee == 3300
        facility = room(GYM, "スポーツセンター").facility
        facility.non_resident_fee_percent, facility.admission_fee_percent = 130, 300
        db.session.commit()
        assert booked(outsider, slot="pm", admission=True).fee == 7800  # 2000 × 1.3 × 3
    finally:
        app.config["RESERVATION_NON_RESIDENT_PERCENT"] = 150


def test_reductions_keep_their_reason_and_a_free_booking_is_confirmed_at_once(ctx):
    group = make_booker("スポーツセンター", name="障害者スポーツの会")
    half = booked(group, reduction=Reduction.DISABILITY_GROUP)
    assert (half.fee, half.table_fee, half.reduction, half.reduction_percent) == (
        820,
        1650,
        Reduction.DISABILITY_GROUP,
        50,
    )
    assert half.state == BookingState.PROVISIONAL
    free = booked(group, slot="pm", reduction=Reduction.CITY_EVENT)
    assert (free.fee, free.reduction_percent, free.state) == (0, 100, BookingState.CONFIRMED)
    assert free.paid_at is not None and free.paid_by.login == "staff2"


def test_the_stored_fee_does_not_change_with_the_table(ctx):
    booking = booked(make_booker("スポーツセンター"))
    set_fees(room(GYM, "スポーツセンター"), {"am": 9990})
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).fee == 1650


def test_combined_slots_cost_their_own_row_else_their_parts_hourly_the_hour_row(ctx):
    gym = room(GYM, "スポーツセンター")
    assert table_fee(gym, slot_of(gym, "am_pm"), FeeTier.ADULT) == 3650
    assert table_fee(gym, slot_of(gym, "all_day"), FeeTier.ADULT) == 6050
    set_fees(gym, {"all_day": 5000})
    assert table_fee(gym, slot_of(gym, "all_day"), FeeTier.ADULT) == 5000
    table_tennis = room("卓球室", "スポーツセンター")
    set_fees(table_tennis, {"hour": 300, "h20": 500})
    assert table_fee(table_tennis, slot_of(table_tennis, "h10-13"), FeeTier.ADULT) == 900
    assert table_fee(table_tennis, slot_of(table_tennis, "h19-21"), FeeTier.ADULT) == 800


@pytest.mark.parametrize(
    ("days_before", "by_city", "percent"),
    [
        (30, False, 100),
        (45, False, 100),
        (29, False, 50),
        (7, False, 50),
        (6, False, 0),
        (0, False, 0),
        (3, True, 100),
    ],
)
def test_refund_by_days_before_use(days_before, by_city, percent):
    day = date(2027, 3, 1)
    assert refund_percent(day, day - timedelta(days=days_before), by_city) == percent


def test_a_cancellation_records_the_refund_of_what_was_paid(ctx):
    group = make_booker("スポーツセンター", name="卓球の会")
    today = today_local()
    far, near, close = (
        booked(group, day=today + timedelta(days=d), slot="pm") for d in (40, 20, 3)
    )
    unpaid = booked(group, day=today + timedelta(days=40), slot="night")
    for booking in (far, near, close):
        record_payment(booking, by=staff("staff2"), now=now_utc())
    db.session.commit()
    for booking in (far, near, close, unpaid):
        cancel(booking, "利用者の都合", by=staff("staff2"), now=at(today, 12))
    db.session.commit()
    assert [(b.refund_percent, b.refund) for b in (far, near, close, unpaid)] == [
        (100, 2000),
        (50, 1000),
        (0, 0),
        (None, None),
    ]
    assert near.cancelled_by.login == "staff2" and not near.cancelled_by_city


def test_a_closure_by_the_city_refunds_everything(ctx):
    booking = booked(make_booker("スポーツセンター"), day=soon(3))
    record_payment(booking, by=staff("staff2"), now=now_utc())
    cancel(booking, "台風による臨時休館", by=staff("staff2"), now=now_utc(), by_city=True)
    db.session.commit()
    assert (booking.refund_percent, booking.refund, booking.cancelled_by_city) == (100, 1650, True)
