"""The public availability calendar 空き状況: never anything of who booked; ○ turns × on the very
next request after a booking (and back after a cancellation or an expiry), 休 for a closure,
fees current; 304 while nothing changed; bad input a Japanese 400/404, never a 500; English."""

import re
from datetime import date, datetime

import pytest
import time_machine
from sqlalchemy import select

from admin_app.extensions import db
from models import Booking, ClosureKind, Facility
from models.clock import JST
from models.registration.school import FeeTier
from models.reservation.closures import add_closure
from models.reservation.draw import open_lottery
from models.reservation.fees import set_fee
from models.reservation.grid import rooms_of
from models.reservation.lottery import Calendar
from models.reservation.rules import cancel, expire_unpaid
from tests.builders.reservation import make_booker, make_booking, registrant, room, staff

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=JST)  # a Thursday
DAY = date(2026, 12, 8)  # a Tuesday, within the horizon (2 months)
MONTH = "2026-12"


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def meeting_room(app, demo, at_now) -> int:
    with app.app_context():
        return room("第1会議室").id


def month_page(client, room_id: int, month: str = MONTH, **headers):
    return client.get(f"/availability/rooms/{room_id}?month={month}", headers=headers)


def cell(html: str, day: date, slot: str) -> str:
    """The state of one cell, as the page marks it."""
    row = html[html.index(f'data-day="{day.isoformat()}"') :]
    found = re.search(rf'<td data-state="(\w+)" data-slot="{slot}">', row[: row.index("</tr>")])
    assert found, (day, slot)
    return found[1]


def words(html: str, day: date, slot: str) -> str:
    """What a screen reader reads in one cell."""
    row = html[html.index(f'data-day="{day.isoformat()}"') :]
    found = re.search(
        rf'data-slot="{slot}">'
        r'<span aria-hidden="true">([^<]+)</span><span class="sr-only">([^<]+)</span>',
        row[: row.index("</tr>")],
    )
    assert found, (day, slot)
    return f"{found[1]} {found[2]}"


def test_nothing_of_who_booked_appears_on_any_page(app, client, meeting_room):
    secrets = ["秘匿の会ZQ7", "代表者ヒトクXK3", "090-7777-1313", "秘密の目的PV9"]
    with app.app_context():
        rid = make_booker(name=secrets[0], representative_name=secrets[1], phone=secrets[2])
        number = registrant(rid).registration_number
        make_booking(rid, day=DAY, slot="am", purpose=secrets[3])
        make_booking(rid, "多目的ホール（全面）", day=DAY, slot="all_day", purpose=secrets[3])
        facility = db.session.scalar(select(Facility).where(Facility.name == "中央公民館"))
        rooms = [r.id for r in rooms_of(facility.id)]
        months = ["", "2026-11", "2026-12", "2027-01"]
        urls = ["/", "/availability", f"/availability/{facility.id}"] + [
            f"/availability/rooms/{r}?month={m}" for r in rooms for m in months
        ]
    pages = {}
    for lang in ("ja", "en"):
        for url in urls:
            joiner = "&" if "?" in url else "?"
            response = client.get(f"{url}{joiner}lang={lang}")
            assert response.status_code == 200, url
            pages[(lang, url)] = response.get_data(as_text=True)
    assert len(pages) == 2 * (3 + 4 * len(rooms))
    for (lang, url), html in pages.items():
        for secret in [*secrets, number]:
            assert secret not in html, (secret, lang, url)
    # …and yet the bookings show: the room's 午前 and the whole hall's day are taken.
    html = pages[("ja", f"/availability/rooms/{meeting_room}?month=2026-12")]
    assert words(html, DAY, "am") == "× 予約済み"


def test_a_booking_shows_on_the_next_request_and_a_cancellation_frees_it(app, client, meeting_room):
    before = month_page(client, meeting_room)
    assert before.status_code == 200
    assert cell(before.get_data(as_text=True), DAY, "am") == "free"
    assert words(before.get_data(as_text=True), DAY, "am") == "○ 空き"
    etag = before.headers["ETag"]
    # Nothing changed: the browser's copy is current.
    again = month_page(client, meeting_room, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""

    with app.app_context():
        booking = make_booking(make_booker(), day=DAY, slot="am")
    after = month_page(client, meeting_room, **{"If-None-Match": etag})
    assert after.status_code == 200
    html = after.get_data(as_text=True)
    assert cell(html, DAY, "am") == "taken"
    assert cell(html, DAY, "pm") == "free"

    with app.app_context():
        cancel(db.session.get(Booking, booking), "都合により", by=staff())
        db.session.commit()
    freed = month_page(client, meeting_room, **{"If-None-Match": after.headers["ETag"]})
    assert freed.status_code == 200
    assert cell(freed.get_data(as_text=True), DAY, "am") == "free"


def test_a_half_of_the_hall_booked_takes_the_whole_and_not_the_other_half(
    app, client, meeting_room
):
    with app.app_context():
        make_booking(make_booker(), "多目的ホール 半面A", day=DAY, slot="pm")
        ids = {
            name: room(name).id
            for name in ("多目的ホール（全面）", "多目的ホール 半面A", "多目的ホール 半面B")
        }
    states = {
        name: cell(month_page(client, rid).get_data(as_text=True), DAY, "pm")
        for name, rid in ids.items()
    }
    assert states == {
        "多目的ホール（全面）": "taken",
        "多目的ホール 半面A": "taken",
        "多目的ホール 半面B": "free",
    }


def test_an_expired_booking_frees_the_slot(app, client, meeting_room):
    with app.app_context():
        booking = make_booking(make_booker(), day=DAY, slot="night")
        deadline = db.session.get(Booking, booking).deadline
    assert cell(month_page(client, meeting_room).get_data(as_text=True), DAY, "night") == "taken"
    with time_machine.travel(datetime(2026, 12, 5, 9, 0, tzinfo=JST), tick=False):
        assert deadline < date(2026, 12, 5)
        with app.app_context():
            assert expire_unpaid(date(2026, 12, 5))
            db.session.commit()
        html = month_page(client, meeting_room).get_data(as_text=True)
    assert cell(html, DAY, "night") == "free"


def test_a_closure_shows_as_closed_without_its_reason(app, client, meeting_room):
    with app.app_context():
        facility = room("第1会議室").facility
        add_closure(
            facility,
            ClosureKind.WORKS,
            "空調工事（担当 山田XY4）",
            by=staff(),
            starts_on=DAY,
            ends_on=DAY,
        )
        db.session.commit()
    html = month_page(client, meeting_room).get_data(as_text=True)
    assert [cell(html, DAY, s) for s in ("am", "pm", "night")] == ["closed"] * 3
    assert words(html, DAY, "am") == "休 休館・使用不可"
    assert "空調工事" not in html and "山田XY4" not in html
    assert cell(html, date(2026, 12, 9), "am") == "free"


def test_past_slots_and_the_fee_table(app, client, meeting_room):
    with app.app_context():
        set_fee(room("第1会議室"), "am", FeeTier.ADULT, 1230)
        db.session.commit()
    html = month_page(client, meeting_room, month="2026-11").get_data(as_text=True)
    # 12:00 on the 26th: 午前 is over, 午後 not yet.
    assert cell(html, date(2026, 11, 25), "night") == "past"
    assert cell(html, date(2026, 11, 26), "am") == "past"
    assert cell(html, date(2026, 11, 26), "pm") == "free"
    assert "午前（9:00–12:00）" in html and "夜間（18:00–21:00）" in html
    fees = html[html.index('data-testid="fee-table"') :]
    assert re.search(r"午前（9:00–12:00）</th><td>1,230</td>", fees)
    assert "一般" in fees and "中学生・高校生" in fees and "小学生以下" in fees
    # A later fee change shows on the next request.
    with app.app_context():
        set_fee(room("第1会議室"), "am", FeeTier.ADULT, 1540)
        db.session.commit()
    html = month_page(client, meeting_room, month="2026-11").get_data(as_text=True)
    assert "<td>1,540</td>" in html and "<td>1,230</td>" not in html


def test_past_slots_follow_the_hour_even_from_the_cache(app, client, meeting_room):
    page = month_page(client, meeting_room, month="2026-11")
    assert cell(page.get_data(as_text=True), date(2026, 11, 26), "pm") == "free"
    with time_machine.travel(datetime(2026, 11, 26, 13, 0, tzinfo=JST), tick=False):
        later = month_page(
            client, meeting_room, month="2026-11", **{"If-None-Match": page.headers["ETag"]}
        )
        assert later.status_code == 200
        assert cell(later.get_data(as_text=True), date(2026, 11, 26), "pm") == "past"


def test_a_lottery_month_shows_lottery_until_first_come_booking_opens(app, client, meeting_room):
    with app.app_context():
        make_booking(make_booker(), day=date(2027, 1, 12), slot="am")  # booked before
        hall = room("第1会議室")
        open_lottery(
            hall.facility_id,
            [hall],
            Calendar(
                month=date(2027, 1, 1),
                opens_on=date(2026, 11, 20),
                closes_on=date(2026, 11, 30),
                draws_on=date(2026, 12, 1),
                first_come_on=date(2026, 12, 3),
                confirm_by=date(2026, 12, 10),
            ),
            by=staff(),
        )
        db.session.commit()
    html = month_page(client, meeting_room, month="2027-01").get_data(as_text=True)
    assert words(html, date(2027, 1, 12), "pm") == "抽選 抽選"
    assert cell(html, date(2027, 1, 12), "am") == "taken"  # a booking shows as taken
    other = month_page(client, room_id_of(app, "第2会議室"), month="2027-01")
    assert cell(other.get_data(as_text=True), date(2027, 1, 12), "pm") == "free"
    with time_machine.travel(datetime(2026, 12, 3, 9, 0, tzinfo=JST), tick=False):
        html = month_page(client, meeting_room, month="2027-01").get_data(as_text=True)
    assert cell(html, date(2027, 1, 12), "pm") == "free"


def room_id_of(app, name: str) -> int:
    with app.app_context():
        return room(name).id


def test_navigation_months_and_links(app, client, meeting_room):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/availability"' in home and "空き状況" in home
    listing = client.get("/availability").get_data(as_text=True)
    with app.app_context():
        central = room("第1会議室").facility_id
    assert f'href="/availability/{central}"' in listing and "中央公民館" in listing
    rooms = client.get(f"/availability/{central}").get_data(as_text=True)
    assert f'href="/availability/rooms/{meeting_room}"' in rooms and "定員" in rooms
    this_month = client.get(f"/availability/rooms/{meeting_room}").get_data(as_text=True)
    assert "2026年11月" in this_month and "前の月" not in this_month
    assert "?month=2026-12" in this_month
    last = month_page(client, meeting_room, month="2027-01").get_data(as_text=True)
    assert "次の月" not in last and "?month=2026-12" in last
    for symbol, words_ in (
        ("○", "空き"),
        ("×", "予約済み"),
        ("抽選", "抽選"),
        ("休", "休館・使用不可"),
    ):
        assert re.search(rf'aria-hidden="true">{symbol}</span> {words_}</li>', this_month)
    assert '<th scope="col">' in this_month and '<th scope="row">26日（木）</th>' in this_month


def test_english(client, meeting_room):
    html = month_page(client, meeting_room, month="2026-12&lang=en").get_data(as_text=True)
    assert 'lang="en"' in html and "Room availability" in html
    assert words(html, DAY, "am") == "○ Available"
    assert "Legend" in html and "Fees (yen)" in html


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/availability/999999", 404),
        ("/availability/0", 404),
        ("/availability/99999999999", 404),
        ("/availability/rooms/999999", 404),
        ("/availability/rooms/{room}?month=abc", 400),
        ("/availability/rooms/{room}?month=2026-13", 400),
        ("/availability/rooms/{room}?month=0000-01", 400),
        ("/availability/rooms/{room}?month=2026-1", 400),
        ("/availability/rooms/{room}?month=2027-02", 404),  # beyond the horizon
        ("/availability/rooms/{room}?month=2099-01", 404),
        ("/availability/rooms/{room}?month=2026-10", 404),  # gone
        ("/availability/rooms/999999?month=abc", 400),
    ],
)
def test_bad_input_is_a_japanese_page_never_a_500(client, meeting_room, url, status):
    response = client.get(url.format(room=meeting_room))
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert 'lang="ja"' in html
    title = "ページが見つかりません" if status == 404 else "要求を処理できませんでした"
    assert title in html
