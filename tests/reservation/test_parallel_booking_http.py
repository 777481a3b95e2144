"""Never twice, over real HTTP: the counter's booking form posted by many clerks at the same
moment to four gunicorn worker processes on the test database (SQLite: four writers on one
file; PostgreSQL: four servers' connections). One free slot is booked once and every other
clerk sees 「この枠は既に予約されています。」 at the form; a whole hall against its half, once,
the holds never overlapping; a registrant one short of the monthly cap ends exactly at it.
No request answers 5xx.

(The same races without HTTP, thread by thread on the services: test_booking_concurrency.)"""

import threading
from collections import Counter
from datetime import date, timedelta

import pytest
import requests
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from admin_app.extensions import db
from models import Booking, BookingHold, Facility
from models.clock import today_local
from models.reservation.booking import ACTIVE_STATES
from tests.builders.reservation import (
    HALF_A,
    HALF_B,
    HALL,
    make_booker,
    make_booking,
    next_weekday,
    registrant,
    room,
)
from tests.support import csrf_token, gunicorn, session_for

TUESDAY = 1
SLOT_TAKEN = "この枠は既に予約されています。"
BOOKED = "/admin/reservation/booking/?id="


@pytest.fixture
def counter(app, demo):
    """The app in four gunicorn worker processes on the test database."""
    with gunicorn(app, 4) as base:
        yield base


def numbers(app, n: int, name: str) -> list[str]:
    """The 登録番号 of n new registrants of 中央公民館, each free to book."""
    with app.app_context():
        return [
            registrant(make_booker(name=f"{name}{i}の会")).registration_number for i in range(n)
        ]


def room_ids(app, *names: str) -> list[int]:
    with app.app_context():
        return [room(name).id for name in names]


def race(base: str, attempts: list[dict]) -> list[requests.Response]:
    """Each attempt (room_id, day, slot, registration_number) is a clerk of its own: logged
    in, the booking form open with its CSRF token; then all press 予約 at the same moment."""
    prepared = []
    for attempt in attempts:
        clerk = session_for(base, "staff1")
        url = (
            f"{base}/admin/reservation/book/?room_id={attempt['room_id']}"
            f"&day={attempt['day'].isoformat()}&slot={attempt['slot']}"
        )
        form = clerk.get(url, timeout=60)
        assert form.status_code == 200, (url, form.status_code)
        data = {
            "csrf_token": csrf_token(form.text),
            "registration_number": attempt["registration_number"],
            "people": "10",
            "purpose": "合唱の練習",
            "reduction": "",
            "repeat_until": "",
            "step": "book",
        }
        prepared.append((clerk, url, data))
    barrier = threading.Barrier(len(prepared))
    responses: list[requests.Response | None] = [None] * len(prepared)

    def press(i: int) -> None:
        clerk, url, data = prepared[i]
        barrier.wait(60)
        responses[i] = clerk.post(url, data=data, allow_redirects=False, timeout=120)

    threads = [threading.Thread(target=press, args=(i,)) for i in range(len(prepared))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    assert all(r is not None for r in responses), "a clerk never got an answer"
    return responses


def outcomes(responses: list[requests.Response], refusal: str) -> Counter:
    """booked (302 to the booking's page), refused (200, the form with `refusal`), or the
    status and a piece of whatever else came back."""
    seen: Counter = Counter()
    for response in responses:
        if response.status_code == 302 and BOOKED in response.headers.get("Location", ""):
            seen["booked"] += 1
        elif response.status_code == 200 and refusal in response.text:
            seen["refused"] += 1
        else:
            seen[f"{response.status_code} {response.text[-300:]}"] += 1
    return seen


def booked_id(responses: list[requests.Response]) -> int:
    (winner,) = [r for r in responses if r.status_code == 302]
    return int(winner.headers["Location"].split(BOOKED)[1])


def active_bookings(*where) -> list[Booking]:
    return db.session.scalars(
        select(Booking).where(Booking.state.in_(ACTIVE_STATES), *where).order_by(Booking.id)
    ).all()


def active_holds() -> list[tuple[int, date, str, int]]:
    """(unit room, day, part slot, booking) of every active hold."""
    return [
        tuple(row)
        for row in db.session.execute(
            select(BookingHold.room_id, BookingHold.day, BookingHold.slot, BookingHold.booking_id)
            .where(BookingHold.active)
            .order_by(BookingHold.room_id, BookingHold.slot)
        )
    ]


@pytest.mark.slow
def test_parallel_booking_of_one_slot_over_http_books_it_once(app, counter):
    day = next_weekday(TUESDAY, today_local() + timedelta(days=7))
    (first,) = room_ids(app, "第1会議室")
    people = numbers(app, 50, "同時予約")
    responses = race(
        counter,
        [
            {"room_id": first, "day": day, "slot": "am", "registration_number": number}
            for number in people
        ],
    )
    assert outcomes(responses, SLOT_TAKEN) == Counter({"booked": 1, "refused": 49})
    with app.app_context():
        (booking,) = active_bookings()
        assert (booking.id, booking.room_id, booking.day, booking.slot) == (
            booked_id(responses),
            first,
            day,
            "am",
        )
        assert booking.registrant.registration_number in people
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 1
        assert active_holds() == [(first, day, "am", booking.id)]


@pytest.mark.slow
def test_parallel_booking_of_a_whole_hall_and_its_half_over_http_books_once(app, counter):
    day = next_weekday(TUESDAY, today_local() + timedelta(days=7))
    hall, half_a, half_b = room_ids(app, HALL, HALF_A, HALF_B)
    people = numbers(app, 50, "ホール同時予約")
    responses = race(
        counter,
        [
            {
                "room_id": hall if i % 2 else half_a,
                "day": day,
                "slot": "am",
                "registration_number": number,
            }
            for i, number in enumerate(people)
        ],
    )
    assert outcomes(responses, SLOT_TAKEN) == Counter({"booked": 1, "refused": 49})
    with app.app_context():
        (booking,) = active_bookings()
        assert booking.id == booked_id(responses)
        held = active_holds()
        # The whole holds both halves; a half, itself only. Never one unit twice.
        units = [half_a, half_b] if booking.room_id == hall else [half_a]
        assert held == [(unit, day, "am", booking.id) for unit in units]
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 1


@pytest.mark.slow
def test_parallel_booking_by_a_registrant_one_short_of_the_cap_ends_at_the_cap(app, counter):
    cap = 5
    month = (today_local() + relativedelta(months=1)).replace(day=1)
    days = [month + timedelta(days=n) for n in range(14) if (month + timedelta(days=n)).weekday()]
    with app.app_context():
        facility = db.session.scalar(select(Facility).where(Facility.name == "中央公民館"))
        facility.booking_cap_per_month = cap
        db.session.commit()
        rid = make_booker(name="上限間近の会")
        number = registrant(rid).registration_number
        for day in days[: cap - 1]:
            make_booking(rid, "第2会議室", day, "night")
    first, second = room_ids(app, "第1会議室", "第2会議室")
    free = [(r, day, slot) for day in days for r in (first, second) for slot in ("am", "pm")]
    responses = race(
        counter,
        [
            {"room_id": r, "day": day, "slot": slot, "registration_number": number}
            for r, day, slot in free[:20]
        ],
    )
    assert outcomes(responses, f"上限の{cap}件") == Counter({"booked": 1, "refused": 19})
    with app.app_context():
        bookings = active_bookings(Booking.registrant_id == rid)
        assert len(bookings) == cap
        assert all(b.day.replace(day=1) == month for b in bookings)
        assert booked_id(responses) in {b.id for b in bookings}
