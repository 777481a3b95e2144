"""Benchmark: the occupancy report 利用状況 over a year of bookings — the computation alone
(models.reservation.occupancy) and the page, its chart and its CSV through the real app.

Builds its own database with bench/reservation.py's data set (N bookings, default 50,000,
three years back, every facility, every state; temporary SQLite or BENCH_DATABASE_URL for
PostgreSQL, which is EMPTIED), then prints the median and 95th percentile for twelve months
of 中央公民館 (the divided hall) and スポーツセンター (hourly rooms).

    .venv/bin/python bench/occupancy.py [N]
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import bench_database, built_app, timed  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
REPEAT = 10


def main() -> None:
    bench_database("bench-occupancy-")
    from bench.reservation import build

    app = built_app(lambda a: build(a, N), f"{N:,} bookings")
    from dateutil.relativedelta import relativedelta
    from sqlalchemy import func, select

    from admin_app.extensions import db
    from models import Booking, Facility
    from models.clock import today_local
    from models.reservation.occupancy import months_between, occupancy
    from tests.support import login

    with app.app_context():
        last = today_local().replace(day=1) - relativedelta(months=1)
        first = last - relativedelta(months=11)
        months = months_between(first, last)
        for name in ("中央公民館", "スポーツセンター"):
            facility = db.session.scalar(select(Facility).where(Facility.name == name))
            in_year = db.session.scalar(
                select(func.count())
                .select_from(Booking)
                .where(Booking.facility_id == facility.id, Booking.day.between(first, last))
            )
            samples = []
            for _ in range(REPEAT):
                started = time.perf_counter()
                occupancy(facility, months)
                samples.append((time.perf_counter() - started) * 1000)
            samples.sort()
            print(
                f"  occupancy() {name}, 12 months, {in_year:,} bookings: "
                f"median {statistics.median(samples):.0f} ms, max {samples[-1]:.0f} ms"
            )
            facility_id = facility.id
            client = app.test_client()
            login(client, "auditor1")
            query = f"facility_id={facility_id}&first={first:%Y-%m}&last={last:%Y-%m}"
            for what, url in (
                ("page", f"/admin/occupancy/?{query}"),
                ("chart", f"/admin/occupancy/chart.svg?kind=rate&{query}"),
                ("csv", f"/admin/occupancy/csv?{query}"),
            ):
                median, p95 = timed(client, url, REPEAT)
                print(f"  {what:5} {name}: median {median:.0f} ms, p95 {p95:.0f} ms")


if __name__ == "__main__":
    main()
