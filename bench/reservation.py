"""Benchmark: reservations at 50,000 bookings — the availability grid, a registrant's bookings,
and booking at the counter by 8 clerks at once, over real HTTP against gunicorn.

Builds its own database — a temporary SQLite file, or the PostgreSQL database given by
--database-url (or BENCH_DATABASE_URL), which is EMPTIED and migrated — with the demo
organisation and its closed days, 400 registrants per facility and N bookings (default
50,000) with their BookingHold rows, inserted in bulk: three years back to the booking
horizon, every facility and room (the divided hall and the hourly rooms too), in every state
(cancelled and expired ones hold nothing), never two active holds on one unit, never over a
registrant's monthly cap, never on a closed day. Then serves the app with gunicorn
(BENCH_WORKERS, default 4) and prints, per page, the median and 95th percentile of REPEAT
GETs by one logged-in clerk (and the SQL statements the page runs), and the booking POST
under 8 clerks at once, each in its own session, each booking distinct free slots.

    .venv/bin/python bench/reservation.py [--database-url URL] [--bookings 50000]
"""

import argparse
import os
import random
import statistics
import sys
import threading
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import analyze, bench_database, built_app, timed  # noqa: E402

REGISTRANTS = 400  # per facility
WALK_INS = 200  # 中央公民館 registrants without bookings: the clerks book for them
CLERKS, POSTS = 8, 20  # clerks at once, bookings each
YEARS_BACK = 3
FILL = 0.7  # chance that a part slot of a room is tried on a day
BATCH = 5_000
PURPOSES = ["定例練習", "月例会", "発表会のリハーサル", "総会", "講座", "役員会", "交流会"]
TARGETS = {"grid": 100.0, "registrant": 50.0}  # median ms


@dataclass
class Plan:
    """The rows to insert and what the generator keeps track of."""

    bookings: list[dict] = field(default_factory=list)
    holds: list[dict] = field(default_factory=list)
    held: set[tuple[int, date, str]] = field(default_factory=set)  # active (unit, day, part)
    in_month: Counter = field(default_factory=Counter)  # (registrant, year, month) active
    states: Counter = field(default_factory=Counter)


@dataclass
class Place:
    """A facility as the generator sees it."""

    id: int
    clerk_id: int
    cap: int
    rooms: list  # Room rows (wholes, parts, plain rooms)
    closures: list
    registrants: list[int]
    fees: dict[int, dict]  # room id → fee_table(room)


# --- the data set -----------------------------------------------------------------------------


def build(app, n: int) -> None:
    from sqlalchemy import select

    from admin_app.demo.loader import load_demo_data
    from admin_app.demo.reservation import load_demo_closures
    from admin_app.extensions import db
    from models import Facility, StaffUser
    from models.clock import today_local

    load_demo_data(with_registrants=False)
    today = today_local()
    users = {u.login: u for u in db.session.scalars(select(StaffUser))}
    load_demo_closures(today, users["chief1"])
    db.session.flush()
    facilities = db.session.scalars(select(Facility).order_by(Facility.id)).all()
    numbers = add_registrants(facilities, today)
    places = [place_of(f, numbers[f.id], users) for f in facilities]
    plan = plan_bookings(places, today, n, random.Random(13))
    insert_plan(plan)
    db.session.commit()
    analyze()
    held = sum(1 for row in plan.holds if row["active"])
    print(
        f"  {len(plan.bookings):,} bookings ({dict(plan.states)}), "
        f"{len(plan.holds):,} holds ({held:,} active)"
    )


def add_registrants(facilities, today: date) -> dict[int, list[int]]:
    """REGISTRANTS confirmed registrants per facility (WALK_INS more at the first), current
    over the whole period; their ids by facility, the walk-ins last."""
    from sqlalchemy import insert, select

    from admin_app.extensions import db
    from models import Registrant, RegistrationCounter
    from models.clock import now_utc

    rows, counters = [], Counter()
    confirmed = now_utc()
    for f in facilities:
        for i in range(REGISTRANTS + (WALK_INS if f is facilities[0] else 0)):
            counters[f.number_prefix] += 1
            rows.append(
                {
                    "facility_id": f.id,
                    "kind": "group",
                    "number_series": f.number_prefix,
                    "registration_number": f"{f.number_prefix}-{counters[f.number_prefix]:06d}",
                    "status": "active",
                    "confirmed_at": confirmed,
                    "registered_on": today - timedelta(days=365 * YEARS_BACK + 60),
                    "expires_on": today + timedelta(days=365 * 2),
                    "name": f"{f.name}利用団体{i}",
                    "name_kana": "リヨウダンタイ",
                    "representative_name": "代表 太郎",
                    "representative_kana": "ダイヒョウ タロウ",
                    "postal_code": "1890014",
                    "address": "東村山市本町1丁目",
                    "phone": f"042-393-{i:04d}",
                    "phone_digits": f"042393{i:04d}",
                }
            )
    db.session.execute(insert(Registrant), rows)
    for series, last in counters.items():
        db.session.merge(RegistrationCounter(series=series, last_value=last))
    found: dict[int, list[int]] = {f.id: [] for f in facilities}
    for rid, fid in db.session.execute(
        select(Registrant.id, Registrant.facility_id).order_by(Registrant.id)
    ):
        found[fid].append(rid)
    return found


def place_of(facility, registrants: list[int], users: dict) -> Place:
    from models.reservation.closures import closures_of
    from models.reservation.fees import fee_table
    from models.staff.access import access_of

    clerk = next((u for u in users.values() if access_of(u).serves(facility.id)), users["staff1"])
    return Place(
        id=facility.id,
        clerk_id=clerk.id,
        cap=facility.booking_cap_per_month,
        rooms=list(facility.rooms),
        closures=closures_of(facility.id),
        registrants=registrants[:REGISTRANTS],  # never the walk-ins
        fees={room.id: fee_table(room) for room in facility.rooms},
    )


def plan_bookings(places: list[Place], today: date, n: int, rng: random.Random) -> Plan:
    """Day by day from the booking horizon backwards until n bookings are planned."""
    from dateutil.relativedelta import relativedelta

    from models.reservation.closures import closed_rooms

    plan = Plan()
    day = today + relativedelta(months=2)
    first = today - timedelta(days=365 * YEARS_BACK)
    while len(plan.bookings) < n and day >= first:
        for place in places:
            closed = closed_rooms(place.closures, place.rooms, day)
            rooms = [r for r in place.rooms if r.id not in closed]
            rng.shuffle(rooms)
            for room in rooms:
                for slot in tried_slots(room, rng):
                    add_booking(plan, place, room, day, slot, today, rng)
        day -= timedelta(days=1)
    del plan.bookings[n:]
    kept = {b["id"] for b in plan.bookings}
    plan.holds = [h for h in plan.holds if h["booking_id"] in kept]
    plan.states = Counter(b["state"].value for b in plan.bookings)
    return plan


def tried_slots(room, rng: random.Random) -> list:
    """The slots a day's counter tries for a room: combined slots now and then, each part
    at FILL; a whole hall less often than its halves; hourly rooms in runs of 1–3 hours."""
    from models.organisation import SlotPattern
    from models.reservation.rooms import hourly_run, slot_of

    if room.slot_pattern == SlotPattern.HOURLY:
        runs, hour = [], 9
        while hour < 21:
            if rng.random() < FILL * 0.6:
                end = min(21, hour + rng.choice((1, 2, 2, 3)))
                runs.append(slot_of(room, hourly_run(hour, end)))
                hour = end
            else:
                hour += 1
        return runs
    scale = 0.3 if room.children else 1.0
    roll = rng.random()
    if roll < 0.08 * scale:
        return [slot_of(room, "all_day")]
    if roll < 0.15 * scale:
        return [slot_of(room, "am_pm"), slot_of(room, "night")]
    return [slot_of(room, code) for code in ("am", "pm", "night") if rng.random() < FILL * scale]


def add_booking(plan: Plan, place: Place, room, day: date, slot, today: date, rng) -> None:
    """One booking of the slot unless a unit is held or no registrant is under the cap."""
    from models.reservation.rooms import units_of

    keys = [(u.id, day, p.code) for u in units_of(room) for p in slot.part_slots]
    if any(k in plan.held for k in keys):
        return
    state = pick_state(day, today, rng)
    active = state in ("provisional", "confirmed")
    registrant = pick_registrant(plan, place, day, rng) if active else rng.choice(place.registrants)
    if registrant is None:
        return
    booking = booking_row(len(plan.bookings) + 1, place, room, day, slot, today, state, rng)
    booking["registrant_id"] = registrant
    plan.bookings.append(booking)
    if active:
        plan.held.update(keys)
        plan.in_month[(registrant, day.year, day.month)] += 1
    for unit in sorted(units_of(room), key=lambda r: r.id):
        for part in slot.part_slots:
            plan.holds.append(
                {
                    "id": len(plan.holds) + 1,
                    "booking_id": booking["id"],
                    "room_id": unit.id,
                    "day": day,
                    "slot": part.code,
                    "active": active,
                    "starts": part.starts_on(day),
                    "ends": part.ends_on(day),
                }
            )


def pick_state(day: date, today: date, rng: random.Random) -> str:
    roll = rng.random()
    if day < today:
        return "confirmed" if roll < 0.88 else "cancelled" if roll < 0.96 else "expired"
    return "provisional" if roll < 0.45 else "confirmed" if roll < 0.9 else "cancelled"


def pick_registrant(plan: Plan, place: Place, day: date, rng: random.Random) -> int | None:
    """A registrant of the facility under its monthly cap; the facility's first registrant
    (the benchmark's "regular") whenever it can, so that it has as many bookings as allowed."""
    candidates = [place.registrants[0]] + [rng.choice(place.registrants) for _ in range(10)]
    for rid in candidates:
        if plan.in_month[(rid, day.year, day.month)] < place.cap:
            return rid
    return None


def booking_row(
    booking_id: int, place: Place, room, day: date, slot, today: date, state: str, rng
) -> dict:
    """A booking as rules.book and the later steps would have left it (without the holds)."""
    from models import BookingState
    from models.clock import JST
    from models.registration.school import FeeTier
    from models.reservation.fees import table_fee

    booked_on = min(today, day - timedelta(days=rng.randint(1, 55)))
    deadline = max(booked_on, min(booked_on + timedelta(days=7), day - timedelta(days=1)))
    if state == "provisional" and deadline < today:
        state = "confirmed"  # the daily job would have expired it otherwise
    created = datetime.combine(booked_on, clock(10, rng.randrange(60)), JST).astimezone(UTC)
    fee = table_fee(room, slot, FeeTier.ADULT, place.fees[room.id])
    row = {
        "id": booking_id,
        "facility_id": place.id,
        "room_id": room.id,
        "day": day,
        "slot": slot.code,
        "state": BookingState(state),
        "people": max(1, room.capacity // rng.choice((2, 3, 4))),
        "purpose": rng.choice(PURPOSES),
        "admission": False,
        "tier": FeeTier.ADULT,
        "non_resident": False,
        "table_fee": fee,
        "non_resident_percent": 100,
        "admission_percent": 100,
        "reduction": None,
        "reduction_percent": 0,
        "fee": fee,
        "deadline": deadline,
        "paid_at": None,
        "paid_by_id": None,
        "cancelled_at": None,
        "cancelled_by_id": None,
        "cancel_reason": None,
        "cancelled_by_city": False,
        "refund_percent": None,
        "refund": None,
        "created_by_id": place.clerk_id,
        "created_at": created,
    }
    if state == "confirmed":
        row |= {"paid_at": created + timedelta(hours=2), "paid_by_id": place.clerk_id}
    elif state == "cancelled":  # before paying
        row |= {
            "cancelled_at": created + timedelta(hours=5),
            "cancelled_by_id": place.clerk_id,
            "cancel_reason": "利用者の都合",
        }
    elif state == "expired":
        row |= {
            "cancelled_at": datetime.combine(deadline + timedelta(days=1), clock(0, 30), JST),
            "cancel_reason": f"納付期限（{deadline.isoformat()}）までに納付がありませんでした。",
        }
    return row


def insert_plan(plan: Plan) -> None:
    """Bulk insert with the ids planned; PostgreSQL's sequences then follow them."""
    from sqlalchemy import insert, text

    from admin_app.extensions import db
    from models import Booking, BookingHold

    for model, rows in ((Booking, plan.bookings), (BookingHold, plan.holds)):
        for start in range(0, len(rows), BATCH):
            db.session.execute(insert(model), rows[start : start + BATCH])
        if db.engine.dialect.name == "postgresql":
            table = model.__tablename__
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            )


# --- what is measured -------------------------------------------------------------------------


@dataclass
class Subjects:
    """What the pages are asked about, read from the built database."""

    central: int  # 中央公民館
    sports: int  # スポーツセンター (hourly rooms)
    regular: "Person"  # the registrant of 中央公民館 with the most bookings
    typical: "Person"  # one with the median number
    booking: int  # one booking of the regular's
    free: list[tuple[int, date, str]]  # free cells the clerks book
    walk_ins: list[str]  # registration numbers without bookings


@dataclass
class Person:
    id: int
    number: str  # 登録番号
    bookings: int


def subjects(app) -> Subjects:
    from dateutil.relativedelta import relativedelta
    from sqlalchemy import func, select

    from admin_app.extensions import db
    from models import Booking, BookingHold, Facility, Registrant
    from models.clock import today_local
    from models.reservation.closures import closed_rooms, closures_of

    with app.app_context():
        ids = dict(db.session.execute(select(Facility.name, Facility.id)).all())
        central = db.session.get(Facility, ids["中央公民館"])
        by_count = db.session.execute(
            select(Booking.registrant_id, Registrant.registration_number, func.count())
            .join(Registrant, Registrant.id == Booking.registrant_id)
            .where(Booking.facility_id == central.id)
            .group_by(Booking.registrant_id, Registrant.registration_number)
            .order_by(func.count().desc(), Booking.registrant_id)
        ).all()
        regular, typical = Person(*by_count[0]), Person(*by_count[len(by_count) // 2])
        booking = db.session.scalar(
            select(Booking.id).where(Booking.registrant_id == regular.id).limit(1)
        )
        rooms = [r for r in central.rooms if not r.parent_id and not r.children]
        today = today_local()
        first, last = today + timedelta(days=1), today + relativedelta(months=2)
        held = set(
            db.session.execute(
                select(BookingHold.room_id, BookingHold.day, BookingHold.slot).where(
                    BookingHold.active, BookingHold.day.between(first, last)
                )
            ).all()
        )
        closures = closures_of(central.id)
        free = [
            (room.id, day, slot)
            for day in (first + timedelta(days=i) for i in range((last - first).days + 1))
            for room in rooms
            if room.id not in closed_rooms(closures, [room], day)
            for slot in ("am", "pm", "night")
            if (room.id, day, slot) not in held
        ]
        walk_ins = walk_in_numbers(central.id)
    random.Random(5).shuffle(free)
    return Subjects(central.id, ids["スポーツセンター"], regular, typical, booking, free, walk_ins)


def walk_in_numbers(facility_id: int) -> list[str]:
    from sqlalchemy import select

    from admin_app.extensions import db
    from models import Booking, Registrant

    return db.session.scalars(
        select(Registrant.registration_number)
        .where(
            Registrant.facility_id == facility_id,
            ~select(Booking.id).where(Booking.registrant_id == Registrant.id).exists(),
        )
        .order_by(Registrant.id)
    ).all()


def pages(s: Subjects) -> dict[str, tuple[str, str, str]]:
    """Name → (url, which target applies, the clerk who asks: staff2 serves the sports
    centre)."""
    from dateutil.relativedelta import relativedelta

    from models.clock import today_local

    month = (today_local() + relativedelta(months=1)).replace(day=1).isoformat()
    grid = "/admin/reservation/?facility_id={}&period={}&start={}"
    central_month = grid.format(s.central, "month", month)
    sports_month = grid.format(s.sports, "month", month)
    central_week = grid.format(s.central, "week", today_local())
    return {
        "grid: month, 中央公民館 (next month)": (central_month, "grid", "staff1"),
        "grid: month, スポーツセンター (hourly)": (sports_month, "grid", "staff2"),
        "grid: week, 中央公民館": (central_week, "grid", "staff1"),
        f"registrant's booking list ({s.regular.bookings} bookings)": (
            f"/admin/reservation/registrant/?id={s.regular.id}",
            "registrant",
            "staff1",
        ),
        f"registrant's booking list ({s.typical.bookings} bookings)": (
            f"/admin/reservation/registrant/?id={s.typical.id}",
            "registrant",
            "staff1",
        ),
        f"registrant details, latest 20 ({s.regular.bookings})": (
            f"/admin/registrant/details/?id={s.regular.id}",
            "",
            "staff1",
        ),
        f"booking list: search 登録番号 ({s.regular.bookings})": (
            f"/admin/booking/?search={s.regular.number}",
            "",
            "staff1",
        ),
        "booking list: first page": ("/admin/booking/", "", "staff1"),
        "booking details": (f"/admin/reservation/booking/?id={s.booking}", "", "staff1"),
    }


def statements(app, urls: list[tuple[str, str]]) -> list[int]:
    """SQL statements each page (url, login) runs, in-process."""
    from sqlalchemy import event

    from admin_app.extensions import db
    from tests.support import logged_in

    clients = {login: logged_in(app, login) for login in {login for _, login in urls}}
    counts = []
    with app.app_context():
        engine = db.engine
    seen = [0]

    def count(*args) -> None:
        seen[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        for url, login in urls:
            client = clients[login]
            client.get(url)  # warm: what a first request loads once per process
            seen[0] = 0
            assert client.get(url).status_code == 200, url
            counts.append(seen[0])
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return counts


def clerks_booking(base: str, s: Subjects) -> list[float]:
    """CLERKS threads, each its own logged-in session, each POSTing POSTS bookings of distinct
    free cells for distinct registrants, started together; the POST times in ms."""
    import requests  # noqa: F401 — the sessions are requests'

    from tests.support import csrf_token, session_for

    if len(s.free) < CLERKS * POSTS or len(s.walk_ins) < CLERKS * POSTS:
        sys.exit("not enough free cells or walk-in registrants for the clerks")
    sessions = [session_for(base, "staff1") for _ in range(CLERKS)]
    barrier = threading.Barrier(CLERKS)
    times: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def clerk(k: int) -> None:
        session = sessions[k]
        barrier.wait(60)
        for i in range(POSTS):
            room_id, day, slot = s.free[k * POSTS + i]
            url = f"{base}/admin/reservation/book/?room_id={room_id}&day={day}&slot={slot}"
            token = csrf_token(session.get(url, timeout=60).text)
            data = {
                "csrf_token": token,
                "registration_number": s.walk_ins[k * POSTS + i],
                "people": "10",
                "purpose": "定例練習",
                "reduction": "",
                "repeat_until": "",
                "step": "book",
            }
            started = time.perf_counter()
            response = session.post(url, data=data, allow_redirects=False, timeout=60)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                times.append(elapsed)
                if response.status_code != 302:
                    failures.append(f"{response.status_code} {url}")

    threads = [threading.Thread(target=clerk, args=(k,)) for k in range(CLERKS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        sys.exit(f"{len(failures)} bookings failed, e.g. {failures[:3]}")
    return times


def pad(text: str, width: int) -> str:
    """`text` left-aligned in `width` columns of a terminal (a kanji takes two)."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - used)


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL database to EMPTY and use")
    parser.add_argument("--bookings", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=30, help="GETs per page")
    args = parser.parse_args()
    if args.database_url:
        os.environ["BENCH_DATABASE_URL"] = args.database_url
    bench_database("bench-reservation-")
    from bench.load import WORKERS, served
    from tests.support import session_for

    app = built_app(lambda a: build(a, args.bookings), f"{args.bookings:,} bookings")
    s = subjects(app)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    listed = pages(s)
    counts = statements(app, [(u, login) for u, _, login in listed.values()])
    rows = []
    with served("bench.served:create()", url) as base:
        clerks = {login: session_for(base, login) for _, _, login in listed.values()}
        for name, (page, target, login) in listed.items():
            clerk = clerks[login]
            for _ in range(2 * WORKERS):  # every worker has rendered it once
                assert clerk.get(f"{base}{page}", timeout=60).status_code == 200, page
            median, high = timed(clerk, f"{base}{page}", repeat=args.repeat)
            rows.append((name, median, high, TARGETS.get(target)))
        posts = clerks_booking(base, s)
    dialect = url.split(":")[0]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"\ngunicorn {WORKERS} workers, {dialect}, one clerk, {args.repeat} GETs per page; "
        f"{os.cpu_count()} CPUs, load average {load}"
    )
    print(f"{'page':<40} {'median ms':>10} {'p95 ms':>8} {'SQL':>5}  target (median)")
    for (name, median, high, target), n in zip(rows, counts, strict=True):
        verdict = (
            ""
            if target is None
            else f"< {target:.0f} ms " + ("ok" if median < target else "MISSED")
        )
        print(f"{pad(name, 40)} {median:>10.1f} {high:>8.1f} {n:>5}  {verdict}")
    print(
        f"{'booking POST, ' + str(CLERKS) + ' clerks at once':<40} "
        f"{statistics.median(posts):>10.1f} {p95(posts):>8.1f}        "
        f"({len(posts)} bookings, max {max(posts):.0f} ms)"
    )
    with app.app_context():
        from admin_app.extensions import db

        db.engine.dispose()


if __name__ == "__main__":
    main()
