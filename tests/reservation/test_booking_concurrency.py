"""Never twice, at model level: many threads, each with its own session (its own app context),
book at the same moment on the test database (a file on SQLite, a server on PostgreSQL).
Exactly one booking of a slot; a hall against its half, one; a registrant at the cap, never
over it. Every loser gets a BookingError with a Japanese message — no other exception.

(Over real HTTP with several gunicorn workers: the reservation screens' tests.)"""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from admin_app.extensions import db
from models import Booking, BookingHold
from models.clock import now_utc, today_local
from models.reservation.rules import BookingError, book
from tests.builders.reservation import HALF_A, HALL, PURPOSE, make_booker, registrant, room, staff

THREADS = 20


def race(app, attempts: list[dict]) -> Counter:
    """Run one book() per attempt, all released together; count outcomes by message."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(spec: dict) -> None:
        with app.app_context():
            barrier.wait(30)  # no connection held while waiting: the pool has fewer
            try:
                book(
                    registrant(spec["registrant"]),
                    room(spec["room"]),
                    spec["day"],
                    spec["slot"],
                    people=spec.get("people", 10),
                    purpose=PURPOSE,
                    by=staff(),
                    now=now_utc(),
                )
                db.session.commit()
                result = "booked"
            except BookingError as error:
                db.session.rollback()
                result = str(error)
            except Exception as error:  # noqa: BLE001 — anything else is the failure we test for
                db.session.rollback()
                result = f"UNEXPECTED {type(error).__name__}: {error}"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(spec,)) for spec in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(outcomes) == len(attempts)
    return Counter(outcomes)


def registrants(app, n: int) -> list[int]:
    with app.app_context():
        return [make_booker(name=f"競争の会{i}") for i in range(n)]


def active_holds(app) -> list[tuple]:
    with app.app_context():
        return list(
            db.session.execute(
                select(BookingHold.room_id, BookingHold.day, BookingHold.slot, func.count())
                .where(BookingHold.active)
                .group_by(BookingHold.room_id, BookingHold.day, BookingHold.slot)
            )
        )


@pytest.mark.slow
def test_parallel_booking_of_one_slot_books_it_once(app, demo):
    people = registrants(app, 5)
    day = today_local() + timedelta(days=9)
    outcomes = race(
        app,
        [
            {"registrant": people[i % 5], "room": "第1会議室", "day": day, "slot": "am"}
            for i in range(THREADS)
        ],
    )
    assert outcomes == Counter({"booked": 1, "この枠は既に予約されています。": THREADS - 1})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 1
    assert [row[3] for row in active_holds(app)] == [1]


@pytest.mark.slow
def test_parallel_booking_of_a_hall_and_its_half_books_once(app, demo):
    people = registrants(app, 4)
    day = today_local() + timedelta(days=9)
    outcomes = race(
        app,
        [
            {
                "registrant": people[i % 4],
                "room": HALL if i % 2 else HALF_A,
                "day": day,
                "slot": "all_day" if i % 2 else "pm",
                "people": 50,
            }
            for i in range(THREADS)
        ],
    )
    assert outcomes == Counter({"booked": 1, "この枠は既に予約されています。": THREADS - 1})
    assert {row[3] for row in active_holds(app)} == {1}


@pytest.mark.slow
def test_parallel_booking_at_the_cap_is_not_exceeded(app, demo):
    (rid,) = registrants(app, 1)
    first = (today_local() + relativedelta(months=1)).replace(day=1)
    attempts = [
        {"registrant": rid, "room": name, "day": first + timedelta(days=n), "slot": "am"}
        for n in range(6)
        for name in ("第1会議室", "第2会議室")
    ]
    outcomes = race(app, attempts)
    assert outcomes["booked"] == 4
    assert sum(outcomes.values()) == len(attempts)
    assert all("上限の4件" in message for message in outcomes if message != "booked")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Booking)) == 4
