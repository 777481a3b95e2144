"""Benchmark: a lottery month's draw — applications entered through the rules, then the draw
(lots, caps, a provisional booking per win, result mails to the outbox) and its replay check.

Builds its own database (temporary SQLite, or BENCH_DATABASE_URL for PostgreSQL, which is
EMPTIED): the demo organisation and registrants, one lottery month of 中央公民館 over all its
rooms, N applications (default 1,000; each registrant at most 5, on the month's weekends,
so most slots are contested), and prints how long entering, drawing and verifying took.

    .venv/bin/python bench/lottery.py [N]
"""

import random
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import bench_database, built_app  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000


def when(day: date) -> datetime:
    from models.clock import JST

    return datetime.combine(day, clock_time(10), JST)


def build(app) -> None:
    from sqlalchemy import select

    from admin_app.demo.loader import load_demo_data
    from admin_app.extensions import db
    from bench.reservation import add_registrants
    from models import Facility
    from models.clock import today_local

    load_demo_data(with_registrants=False)
    facility = db.session.scalar(select(Facility).where(Facility.name == "中央公民館"))
    add_registrants([facility], today_local())
    db.session.commit()


def main() -> None:
    bench_database("bench-lottery-")
    app = built_app(build, "the demo organisation and 400 registrants at 中央公民館")
    from dateutil.relativedelta import relativedelta
    from sqlalchemy import select

    from admin_app.extensions import db
    from models import Facility, Registrant, StaffUser
    from models.clock import today_local
    from models.reservation.draw import LotteryError, apply, draw, open_lottery, verify
    from models.reservation.lottery import Calendar, Outcome
    from models.reservation.rules import BookingError

    with app.app_context():
        today = today_local()
        facility = db.session.scalar(select(Facility).where(Facility.name == "中央公民館"))
        staff = {u.login: u for u in db.session.scalars(select(StaffUser))}
        month = today.replace(day=1) + relativedelta(months=4)
        calendar = Calendar(
            month,
            today,
            today + timedelta(days=5),
            today + timedelta(days=6),
            today + timedelta(days=8),
            today + timedelta(days=15),
        )
        lottery = open_lottery(
            facility.id, facility.rooms, calendar, by=staff["chief1"], now=when(today)
        )
        registrants = list(
            db.session.scalars(
                select(Registrant).where(
                    Registrant.facility_id == facility.id,
                    Registrant.expires_on > month + relativedelta(months=1),
                    Registrant.confirmed_at.is_not(None),
                )
            )
        )
        weekends = [
            month + timedelta(days=n)
            for n in range(7, 28)
            if (month + timedelta(days=n)).weekday() >= 5
        ]
        rng = random.Random(15)
        rooms = [r for r in facility.rooms if not r.children and r.slot_pattern == "standard"]
        started, entered, tries = time.perf_counter(), 0, 0
        while entered < N and tries < N * 4:
            tries += 1
            try:
                apply(
                    lottery,
                    rng.choice(registrants),
                    rng.choice(rooms),
                    rng.choice(weekends),
                    rng.choice(("am", "pm", "night")),
                    people=5,
                    purpose="練習",
                    by=staff["staff1"],
                    now=when(today + timedelta(days=1)),
                )
                db.session.commit()
                entered += 1
            except (LotteryError, BookingError):  # the same slot twice, over 5: not entered
                db.session.rollback()
        entering = time.perf_counter() - started
        print(
            f"  {entered:,} applications from {len(registrants)} registrants, "
            f"{len(rooms)} rooms × {len(weekends)} weekend days × 3 slots: "
            f"{entering:.1f} s ({entering / max(entered, 1) * 1000:.1f} ms each)"
        )
        started = time.perf_counter()
        decided = draw(lottery, by=None, now=when(calendar.draws_on))
        db.session.commit()
        drawing = time.perf_counter() - started
        won = sum(1 for a in decided if a.outcome == Outcome.WON)
        capped = sum(1 for a in decided if a.outcome == Outcome.CAPPED)
        print(
            f"  draw: {drawing * 1000:.0f} ms — {won} won, {capped} passed over (cap), "
            f"{len(decided) - won - capped} lost or void"
        )
        started = time.perf_counter()
        differences = verify(lottery)
        print(
            f"  replay check: {(time.perf_counter() - started) * 1000:.0f} ms, "
            f"{len(differences)} differences"
        )


if __name__ == "__main__":
    main()
