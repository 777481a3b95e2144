"""Benchmark: the public availability calendar 空き状況 under gunicorn, against a bare "hello"
route of the same app on the same server (target: the month page at least half of hello's
rate, like the circle pages: bench/public_site.py).

Builds its own database (temporary SQLite, or BENCH_DATABASE_URL for PostgreSQL) with the
reservations benchmark's data (bench/reservation.py: the demo organisation and its closed days,
N bookings, default 50,000, in every state), serves the app with gunicorn (BENCH_WORKERS,
default 4) and loads each URL with wrk in interleaved rounds. Also prints each page's first,
uncached answer.

    .venv/bin/python bench/availability.py [--bookings 50000]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import bench_database, built_app  # noqa: E402


def subjects(app) -> dict[str, int | str]:
    """The facility and rooms the pages show: the standard room with the most bookings to come,
    and an hourly room."""
    from dateutil.relativedelta import relativedelta
    from sqlalchemy import func, select

    from admin_app.extensions import db
    from models import BookingHold, Room, SlotPattern
    from models.clock import today_local

    with app.app_context():
        busiest = db.session.execute(
            select(BookingHold.room_id, func.count())
            .join(Room, Room.id == BookingHold.room_id)
            .where(
                BookingHold.active,
                BookingHold.day >= today_local(),
                Room.slot_pattern == SlotPattern.STANDARD,
            )
            .group_by(BookingHold.room_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()[0]
        room = db.session.get(Room, busiest)
        hourly = db.session.scalar(
            select(Room.id).where(Room.slot_pattern == SlotPattern.HOURLY).limit(1)
        )
        month = today_local().replace(day=1)
        following = month + relativedelta(months=1)
        return {
            "facility": room.facility_id,
            "room": room.id,
            "hourly": hourly,
            "next": following.strftime("%Y-%m"),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bookings", type=int, default=50_000)
    args = parser.parse_args()
    bench_database("bench-availability-")
    from bench.load import against_hello, served
    from bench.reservation import build

    app = built_app(lambda a: build(a, args.bookings), f"{args.bookings:,} bookings")
    s = subjects(app)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with served("bench.served:create(hello=True)", url) as base:
        targets = {
            "hello": f"{base}/hello",
            "/circles (reference)": f"{base}/circles",
            "/availability": f"{base}/availability",
            "/availability/<facility>": f"{base}/availability/{s['facility']}",
            "month (this; key by hour)": f"{base}/availability/rooms/{s['room']}",
            "month (next)": f"{base}/availability/rooms/{s['room']}?month={s['next']}",
            "month (hourly room)": f"{base}/availability/rooms/{s['hourly']}",
        }
        against_hello(targets, app.config["SQLALCHEMY_DATABASE_URI"])


if __name__ == "__main__":
    main()
