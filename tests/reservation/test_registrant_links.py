"""What reservations answer for registrations: a 廃止 (withdrawal) is refused while the
registrant holds future bookings, listed; erasure keeps bookings for statistics without their
purpose."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from admin_app.extensions import db
from models import Booking, NoticeState, Registrant, RegistrantStatus
from models.clock import now_utc, today_local
from models.registration.change_notice import (
    WITHDRAWAL_BLOCKERS,
    ChangeNotice,
    NoticeError,
    NoticeType,
    ReceivedVia,
    confirm_notice,
    receive,
)
from models.registration.erasure import ERASERS, erase_registrant
from models.reservation.registrants import erase_booking_purposes, withdrawal_problem
from models.reservation.rules import cancel
from tests.builders.registration import make_entered_notice
from tests.builders.reservation import HALL, make_booker, make_booking, registrant, soon, staff


@pytest.fixture
def ctx(app, demo):
    with app.app_context():
        yield


def withdraw(rid: int) -> ChangeNotice:
    return receive(
        registrant(rid),
        staff(),
        notice_type=NoticeType.WITHDRAWAL,
        received_on=today_local(),
        via=ReceivedVia.COUNTER,
    )


def test_both_lists_name_the_reservation_domain():
    assert withdrawal_problem in WITHDRAWAL_BLOCKERS
    assert erase_booking_purposes in ERASERS


def test_a_withdrawal_is_refused_while_future_bookings_remain_listing_them(ctx):
    rid = make_booker()
    day = soon(12)
    first = make_booking(rid, day=day, slot="night")
    make_booking(rid, HALL, day + timedelta(days=1), "am", people=40)
    past = make_booking(rid, day=today_local() + timedelta(days=1), slot="pm")
    db.session.get(Booking, past).day = today_local() - timedelta(days=3)  # used already
    db.session.commit()
    with pytest.raises(NoticeError) as caught:
        withdraw(rid)
    assert str(caught.value) == (
        "この登録者には今後の予約があるため受け付けられません。先に予約を取り消してください："
        f"{day.isoformat()} 中央公民館 第1会議室 18:00–21:00、"
        f"{(day + timedelta(days=1)).isoformat()} 中央公民館 多目的ホール（全面） 9:00–12:00"
    )
    db.session.rollback()
    # A change notice is not a withdrawal; cancelled bookings refuse nothing.
    receive(
        registrant(rid),
        staff(),
        notice_type=NoticeType.CHANGE,
        received_on=today_local(),
        via=ReceivedVia.COUNTER,
    )
    db.session.rollback()
    for booking in db.session.scalars(select(Booking).where(Booking.day >= today_local())):
        cancel(booking, "廃止のため", by=staff(), now=now_utc())
    db.session.commit()
    assert withdraw(rid).notice_type == NoticeType.WITHDRAWAL
    assert db.session.get(Booking, first).state.value == "cancelled"


def test_a_booking_made_after_the_withdrawal_was_received_refuses_its_confirmation(ctx):
    rid = make_booker()
    notice_id = make_entered_notice(rid, values={}, notice_type="withdrawal")
    make_booking(rid, day=soon(5))
    chief = staff("chief1")
    with pytest.raises(NoticeError, match="今後の予約があるため"):
        confirm_notice(db.session.get(ChangeNotice, notice_id), chief)
    db.session.rollback()
    assert db.session.get(ChangeNotice, notice_id).state == NoticeState.ENTERED
    assert registrant(rid).status == RegistrantStatus.ACTIVE


def test_erasure_keeps_bookings_for_statistics_without_their_purpose(ctx):
    rid, other = make_booker(), make_booker(name="別の会")
    mine = make_booking(rid, day=soon(5), purpose="定期練習（代表 山田）")
    theirs = make_booking(other, day=soon(6), purpose="総会")
    erase_registrant(registrant(rid), date(2030, 4, 1))
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(Booking, mine)
    assert kept.purpose is None and kept.registrant_id == rid
    assert (kept.people, kept.fee, kept.day) == (10, kept.table_fee, soon(5))
    assert db.session.get(Booking, theirs).purpose == "総会"
    assert db.session.get(Registrant, rid).status == RegistrantStatus.ERASED
