"""The counter's reservation screens over HTTP: the grid shows free, held and closed cells with
who booked (to the facility's staff only), a free cell books through the form with the fee
shown first, a booking is paid, cancelled with its refund and printed as a permit, and
another facility's staff get 404 for every one of those pages."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from admin_app.extensions import db
from models import Booking, BookingState, ClosureKind, Facility
from models.clock import today_local
from models.reservation.closures import add_closure
from tests.builders.registration import make_registrant
from tests.builders.reservation import (
    HALF_A,
    HALL,
    make_booker,
    make_booking,
    next_weekday,
    registrant,
    room,
    soon,
    staff,
)
from tests.support import csrf_token

TUESDAY = 1


def facility_id(name: str = "中央公民館") -> int:
    return db.session.scalar(select(Facility.id).where(Facility.name == name))


def cell(html: str, room_id: int, day, slot: str) -> str:
    """The <td> of one grid cell (its whole markup)."""
    match = re.search(
        rf'<td class="[a-z]+" data-room="{room_id}" data-day="{day.isoformat()}" '
        rf'data-slot="{slot}" data-state="[a-z]+">.*?</td>',
        html,
        re.S,
    )
    assert match, f"no cell {room_id} {day} {slot}"
    return match.group(0)


def close(kind: ClosureKind, reason: str, **when) -> None:
    """A closure of 中央公民館 added by staff1, committed."""
    add_closure(db.session.get(Facility, facility_id()), kind, reason, by=staff(), **when)
    db.session.commit()


def booking_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Booking))


def book_form(client, room_id: int, day, slot: str, **fields):
    url = f"/admin/reservation/book/?room_id={room_id}&day={day.isoformat()}&slot={slot}"
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "csrf_token": csrf_token(page.get_data(as_text=True)),
        "people": "10",
        "purpose": "合唱の練習",
        "reduction": "",
        "repeat_until": "",
        "step": "book",
        **fields,
    }
    return client.post(url, data=data)


@pytest.fixture
def booker(app, demo):
    with app.app_context():
        rid = make_booker(name="東村山合唱団")
        return rid, registrant(rid).registration_number


def test_the_grid_shows_free_held_and_closed_cells_with_who_booked(app, login_as, booker):
    rid, number = booker
    day = next_weekday(TUESDAY)
    with app.app_context():
        make_booking(rid, "第1会議室", day, "am")
        close(ClosureKind.PERIOD, "空調工事", room=room("第2会議室"), starts_on=day, ends_on=day)
        first, second = room("第1会議室").id, room("第2会議室").id
    client = login_as("staff1")
    html = client.get(
        f"/admin/reservation/?facility_id={facility_id_of(app)}&start={day.isoformat()}"
    ).get_data(as_text=True)
    held = cell(html, first, day, "am")
    assert 'data-state="provisional"' in held
    assert number in held and "東村山合唱団" in held
    assert 'data-state="free"' in cell(html, first, day, "pm")
    assert f"/admin/reservation/book/?room_id={first}" in cell(html, first, day, "pm")
    closed = cell(html, second, day, "am")
    assert 'data-state="closed"' in closed and "空調工事" in closed


def facility_id_of(app, name: str = "中央公民館") -> int:
    with app.app_context():
        return facility_id(name)


def test_the_month_grid_and_a_whole_hall_held_by_its_half(app, login_as, booker):
    rid, _ = booker
    day = next_weekday(TUESDAY, soon(3))
    with app.app_context():
        make_booking(rid, HALF_A, day, "pm", people=5)
        hall = room(HALL).id
    client = login_as("staff1")
    html = client.get(
        f"/admin/reservation/?facility_id={facility_id_of(app)}&period=month&start={day.isoformat()}"
    ).get_data(as_text=True)
    assert 'data-state="provisional"' in cell(html, hall, day, "pm")
    assert html.count('data-day="') >= 28 * 3


def test_booking_a_free_slot_shows_the_fee_then_books_provisionally(app, login_as, booker):
    rid, number = booker
    day = next_weekday(TUESDAY)
    with app.app_context():
        first = room("第1会議室").id
    client = login_as("staff1")
    quote = book_form(client, first, day, "am", registration_number=number, step="quote")
    assert quote.status_code == 200
    page = quote.get_data(as_text=True)
    assert 'data-testid="fee"' in page and "円" in page
    with app.app_context():
        assert booking_count() == 0  # the fee shown, nothing booked yet
    done = book_form(client, first, day, "am", registration_number=number)
    assert done.status_code == 302
    with app.app_context():
        booking = db.session.scalar(select(Booking))
        assert booking.state == BookingState.PROVISIONAL and booking.registrant_id == rid
        assert done.headers["Location"].endswith(f"/admin/reservation/booking/?id={booking.id}")


@pytest.mark.parametrize(
    ("case", "fields", "message"),
    [
        ("unknown number", {"registration_number": "99999999"}, "登録番号"),
        ("over capacity", {"people": "100000"}, "この室場の定員は30人です"),
        ("no purpose", {"purpose": ""}, "利用目的"),
        ("no people", {"people": ""}, "人数"),
    ],
)
def test_bad_input_is_refused_at_the_field_and_nothing_is_saved(
    app, login_as, booker, case, fields, message
):
    _, number = booker
    with app.app_context():
        first = room("第1会議室").id
    client = login_as("staff1")
    response = book_form(
        client, first, next_weekday(TUESDAY), "am", **{"registration_number": number, **fields}
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert booking_count() == 0


def test_a_past_day_a_closed_day_and_a_taken_slot_are_refused_in_japanese(app, login_as, booker):
    rid, number = booker
    day = next_weekday(TUESDAY)
    with app.app_context():
        first = room("第1会議室").id
        make_booking(rid, "第1会議室", day, "am")
        close(ClosureKind.WEEKLY, "休館日（毎週月曜日）", weekday=0)
    client = login_as("staff1")
    past = book_form(
        client, first, today_local() - timedelta(days=1), "am", registration_number=number
    )
    assert "利用日時が過ぎています" in past.get_data(as_text=True)
    monday = next_weekday(0)
    closed = book_form(client, first, monday, "am", registration_number=number)
    assert (
        closed.status_code == 200
        and "利用できません（休館日（毎週月曜日））" in closed.get_data(as_text=True)
    )
    other = make_other_booker(app)
    taken = book_form(client, first, day, "am", registration_number=other)
    assert "この枠は既に予約されています" in taken.get_data(as_text=True)
    with app.app_context():
        assert booking_count() == 1


def make_other_booker(app) -> str:
    with app.app_context():
        return registrant(make_booker(name="第二合唱団")).registration_number


def test_payment_confirms_and_the_permit_prints_with_the_addressee(app, login_as, booker):
    rid, number = booker
    day = next_weekday(TUESDAY)
    with app.app_context():
        bid = make_booking(rid, "第1会議室", day, "am")
    client = login_as("staff1")
    assert client.get(f"/admin/reservation/permit/?id={bid}").status_code == 404  # unpaid
    page = client.get(f"/admin/reservation/booking/?id={bid}").get_data(as_text=True)
    paid = client.post(f"/admin/reservation/pay/?id={bid}", data={"csrf_token": csrf_token(page)})
    assert paid.status_code == 302
    with app.app_context():
        assert db.session.get(Booking, bid).state == BookingState.CONFIRMED
    permit = client.get(f"/admin/reservation/permit/?id={bid}").get_data(as_text=True)
    assert "使用許可書" in permit and "東村山市" in permit and number in permit
    assert "令和" in permit and "第1会議室" in permit


def test_cancelling_needs_a_reason_and_records_the_refund(app, login_as, booker):
    rid, _ = booker
    with app.app_context():
        bid = make_booking(rid, "第1会議室", soon(40), "am")
    client = login_as("staff1")
    page = client.get(f"/admin/reservation/cancel/?id={bid}").get_data(as_text=True)
    token = csrf_token(page)
    refused = client.post(f"/admin/reservation/cancel/?id={bid}", data={"csrf_token": token})
    assert refused.status_code == 200 and "理由" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Booking, bid).state == BookingState.PROVISIONAL
    done = client.post(
        f"/admin/reservation/cancel/?id={bid}",
        data={"csrf_token": token, "reason": "日程の変更"},
    )
    assert done.status_code == 302
    with app.app_context():
        booking = db.session.get(Booking, bid)
        assert booking.state == BookingState.CANCELLED and booking.cancel_reason == "日程の変更"


def test_another_facilitys_staff_get_404_and_never_see_the_booking(app, login_as, booker):
    rid, number = booker
    day = next_weekday(TUESDAY)
    with app.app_context():
        bid = make_booking(rid, "第1会議室", day, "am")
        first = room("第1会議室").id
    client = login_as("staff2")  # スポーツセンター
    for url in (
        f"/admin/reservation/booking/?id={bid}",
        f"/admin/reservation/permit/?id={bid}",
        f"/admin/reservation/cancel/?id={bid}",
        f"/admin/reservation/?facility_id={facility_id_of(app)}",
        f"/admin/reservation/book/?room_id={first}&day={day.isoformat()}&slot=pm",
    ):
        assert client.get(url).status_code == 404, url
    assert number not in client.get("/admin/booking/").get_data(as_text=True)
    export = client.get("/admin/booking/export/csv/")
    assert export.status_code == 200 and number not in export.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Booking, bid).state == BookingState.PROVISIONAL


def test_the_booking_list_and_its_csv_show_the_facilitys_bookings(app, login_as, booker):
    rid, number = booker
    with app.app_context():
        make_booking(rid, "第1会議室", next_weekday(TUESDAY), "am")
    client = login_as("staff1")
    assert number in client.get("/admin/booking/").get_data(as_text=True)
    export = client.get("/admin/booking/export/csv/")
    assert export.status_code == 200 and number in export.get_data(as_text=True)


def test_the_registrants_page_lists_its_bookings(app, login_as, booker):
    rid, _ = booker
    day = next_weekday(TUESDAY)
    with app.app_context():
        bid = make_booking(rid, "第1会議室", day, "pm")
    page = login_as("staff1").get(f"/admin/registrant/details/?id={rid}").get_data(as_text=True)
    listed = page[page.index('data-testid="registrant-bookings"') :]
    assert f"/admin/reservation/booking/?id={bid}" in listed
    assert "第1会議室" in listed and "午後" in listed and "仮予約" in listed
    everything = login_as("staff1").get(f"/admin/reservation/registrant/?id={rid}")
    assert f"/admin/reservation/booking/?id={bid}" in everything.get_data(as_text=True)
    other = login_as("staff2").get(f"/admin/reservation/registrant/?id={rid}")
    assert other.status_code == 404


def make_unconfirmed(app) -> str:
    with app.app_context():
        return registrant(make_registrant(name="未確認の会", confirmed=False)).registration_number


def other_facilitys_number(app) -> str:
    with app.app_context():
        return registrant(make_booker("スポーツセンター", name="他施設の会")).registration_number


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("unconfirmed", "最終確認前のため、予約できません"),
        ("other facility", "この登録番号の利用登録者は、この施設にはいません"),
        ("beyond the horizon", "予約できるのは"),
        ("cap reached", "上限"),
    ],
)
def test_who_and_when_are_refused_in_japanese_with_nothing_saved(
    app, login_as, booker, case, message
):
    rid, number = booker
    day = next_weekday(TUESDAY)
    with app.app_context():
        first = room("第1会議室").id
    if case == "unconfirmed":
        number = make_unconfirmed(app)
    elif case == "other facility":
        number = other_facilitys_number(app)
    elif case == "beyond the horizon":
        day = next_weekday(TUESDAY, today_local() + timedelta(days=120))
    elif case == "cap reached":
        with app.app_context():
            db.session.get(Facility, facility_id()).booking_cap_per_month = 1
            db.session.commit()
            make_booking(rid, "第2会議室", day, "night")
    with app.app_context():
        before = booking_count()
    response = book_form(login_as("staff1"), first, day, "am", registration_number=number)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert booking_count() == before


def test_a_weekly_series_books_each_date_and_one_can_be_cancelled_alone(app, login_as, booker):
    rid, number = booker
    day = next_weekday(TUESDAY)
    with app.app_context():
        first = room("第1会議室").id
    client = login_as("staff1")
    until = (day + timedelta(days=14)).isoformat()
    quote = book_form(
        client, first, day, "night", registration_number=number, repeat_until=until, step="quote"
    )
    assert "× 3" in quote.get_data(as_text=True)  # three dates, the total shown
    done = book_form(client, first, day, "night", registration_number=number, repeat_until=until)
    assert done.status_code == 302
    with app.app_context():
        series = db.session.scalars(select(Booking).order_by(Booking.day)).all()
        assert [b.day for b in series] == [day + timedelta(days=7 * i) for i in range(3)]
        assert len({b.series_id for b in series}) == 1
        middle = series[1].id
    page = client.get(f"/admin/reservation/cancel/?id={middle}").get_data(as_text=True)
    client.post(
        f"/admin/reservation/cancel/?id={middle}",
        data={"csrf_token": csrf_token(page), "reason": "会場の都合"},
    )
    with app.app_context():
        states = [b.state for b in db.session.scalars(select(Booking).order_by(Booking.day))]
    assert states == [BookingState.PROVISIONAL, BookingState.CANCELLED, BookingState.PROVISIONAL]


def test_a_full_reduction_is_free_and_confirmed_at_once(app, login_as, booker):
    _, number = booker
    with app.app_context():
        first = room("第1会議室").id
    client = login_as("staff1")
    done = book_form(
        client,
        first,
        next_weekday(TUESDAY),
        "am",
        registration_number=number,
        reduction="city_event",
    )
    assert done.status_code == 302
    with app.app_context():
        booking = db.session.scalar(select(Booking))
        assert booking.fee == 0 and booking.state == BookingState.CONFIRMED
        assert booking.reduction.value == "city_event"


def test_names_and_reasons_in_the_grid_are_escaped(app, login_as, demo):
    day = next_weekday(TUESDAY)
    with app.app_context():
        rid = make_booker(name="<b>太字の会</b>")
        make_booking(rid, "第1会議室", day, "am")
        close(ClosureKind.PERIOD, "<i>点検</i>", room=room("第2会議室"), starts_on=day, ends_on=day)
    html = (
        login_as("staff1")
        .get(f"/admin/reservation/?facility_id={facility_id_of(app)}&start={day.isoformat()}")
        .get_data(as_text=True)
    )
    assert "&lt;b&gt;太字の会&lt;/b&gt;" in html and "<b>太字の会" not in html
    assert "&lt;i&gt;点検&lt;/i&gt;" in html and "<i>点検" not in html
