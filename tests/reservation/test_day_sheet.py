"""The counter's day: the day sheet 当日利用一覧 lists one facility's active bookings of a day
(who, how many, what for, 仮予約/本予約, paid or not) on a page to print, only to the
facility's own staff; the dashboard lists provisional bookings due within two days to the
staff of their facility."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from admin_app.extensions import db
from models import Booking, Facility
from models.clock import today_local
from models.reservation.rules import cancel, record_payment
from tests.builders.reservation import make_booker, make_booking, registrant, soon, staff


def facility_id(name: str = "中央公民館") -> int:
    return db.session.scalar(select(Facility.id).where(Facility.name == name))


def sheet(client, day, name: str = "中央公民館"):
    with client.application.app_context():
        fid = facility_id(name)
    return client.get(f"/admin/reservation/day/?facility_id={fid}&day={day.isoformat()}")


@pytest.fixture
def day_bookings(app, demo):
    """On one day: at 中央公民館 a provisional morning booking, a paid evening one and a
    cancelled afternoon one; at スポーツセンター a booking of its own."""
    day = soon(12)
    with app.app_context():
        choir = make_booker(name="東村山合唱団")
        band = make_booker(name="本町吹奏楽団")
        gone = make_booker(name="取消した会")
        sports = make_booker("スポーツセンター", name="卓球愛好会")
        make_booking(choir, "第1会議室", day, "am", people=12, purpose="合唱の練習")
        paid = make_booking(band, "第1会議室", day, "night", people=30, purpose="定期演奏会の練習")
        record_payment(db.session.get(Booking, paid), by=staff())
        cancelled = make_booking(gone, "第1会議室", day, "pm")
        cancel(db.session.get(Booking, cancelled), "都合により", by=staff())
        make_booking(sports, "卓球室", day, "h10", facility_name="スポーツセンター", by="staff2")
        db.session.commit()
        numbers = {
            key: registrant(rid).registration_number
            for key, rid in (("choir", choir), ("band", band), ("gone", gone), ("sports", sports))
        }
    return day, numbers


def test_the_day_sheet_lists_the_facilitys_active_bookings_by_room_and_slot(login_as, day_bookings):
    day, numbers = day_bookings
    response = sheet(login_as("staff1"), day)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "当日利用一覧" in html
    assert f"{day.year}年{day.month}月{day.day}日" in html
    assert "2件" in html
    table = html.split('data-testid="day-sheet"', 1)[1]
    # Morning before evening; who (number and name), people, purpose, state and payment.
    morning, evening = table.index("東村山合唱団"), table.index("本町吹奏楽団")
    assert morning < evening
    assert numbers["choir"] in table and numbers["band"] in table
    assert "午前（9:00–12:00）" in table and "夜間（18:00–21:00）" in table
    assert "合唱の練習" in table and "定期演奏会の練習" in table
    assert ">12<" in table and ">30<" in table
    choir_row = table[morning:evening]
    assert "仮予約" in choir_row and "未納" in choir_row
    band_row = table[evening:]
    assert "本予約" in band_row and "納付済み" in band_row
    # Not the cancelled booking, nor another facility's.
    assert "取消した会" not in html and numbers["gone"] not in html
    assert "卓球愛好会" not in html and numbers["sports"] not in html
    # A page to print: the print button (bound by csp.js) and the print stylesheet.
    assert "data-print" in html and "print.css" in html


def test_another_day_is_chosen_and_an_empty_day_says_so(login_as, day_bookings):
    day, _ = day_bookings
    client = login_as("staff1")
    html = sheet(client, day + timedelta(days=1)).get_data(as_text=True)
    assert "この日の予約はありません。" in html and "東村山合唱団" not in html
    today = client.get("/admin/reservation/day/").get_data(as_text=True)
    shown = today_local()
    assert f"{shown.year}年{shown.month}月{shown.day}日" in today  # today by default


def test_the_grid_and_the_menu_link_to_the_day_sheet(login_as, day_bookings):
    grid = login_as("staff1").get("/admin/reservation/").get_data(as_text=True)
    assert 'data-testid="day-sheet-link"' in grid
    assert "当日利用一覧（印刷）" in grid
    assert "/admin/reservation/day/?facility_id=" in grid


def test_another_facilitys_staff_get_404_and_other_roles_403(login_as, client, day_bookings):
    day, numbers = day_bookings
    other = sheet(login_as("staff2"), day)  # スポーツセンター's counter
    assert other.status_code == 404
    assert numbers["choir"] not in other.get_data(as_text=True)
    # Their own facility's sheet shows their own booking only.
    own = sheet(client, day, "スポーツセンター").get_data(as_text=True)
    assert "卓球愛好会" in own and "東村山合唱団" not in own
    client.post("/logout")
    assert sheet(login_as("records1"), day).status_code == 403


# --- the dashboard ---------------------------------------------------------------------------


@pytest.fixture
def deadlines(app, demo):
    """Two provisional bookings of 中央公民館: one to be paid by tomorrow, one in 5 days; a
    paid one due tomorrow too."""
    today = today_local()
    with app.app_context():
        soon_due = make_booking(make_booker(name="期限間近の会"), "第1会議室", soon(15), "am")
        later = make_booking(make_booker(name="期限先の会"), "第1会議室", soon(15), "pm")
        paid = make_booking(make_booker(name="納付済みの会"), "第1会議室", soon(15), "night")
        for booking_id, deadline in ((soon_due, 1), (later, 5), (paid, 1)):
            db.session.get(Booking, booking_id).deadline = today + timedelta(days=deadline)
        record_payment(db.session.get(Booking, paid), by=staff())
        db.session.commit()
    return soon_due, later


def test_the_dashboard_lists_provisional_bookings_due_within_two_days(login_as, deadlines):
    soon_due, later = deadlines
    html = login_as("staff1").get("/admin/").get_data(as_text=True)
    assert "納付期限が2日以内の仮予約" in html
    listed = html.split('data-testid="deadlines"', 1)[1].split("</table>", 1)[0]
    assert "期限間近の会" in listed
    assert f"/admin/reservation/booking/?id={soon_due}" in listed
    assert "期限先の会" not in listed and f"id={later}" not in listed
    assert "納付済みの会" not in listed


def test_the_dashboard_shows_them_only_to_the_facilitys_staff(login_as, client, deadlines):
    html = login_as("staff2").get("/admin/").get_data(as_text=True)
    assert "納付期限が2日以内の仮予約" in html  # a counter role: the section is there ...
    assert "期限間近の会" not in html  # ... without another facility's bookings
    client.post("/logout")
    records = login_as("records1").get("/admin/").get_data(as_text=True)
    assert "納付期限が2日以内の仮予約" not in records
