"""Demo lotteries 抽選 at 中央公民館: one whose applications closed yesterday, waiting for the
chief's draw (the daily job would draw it tomorrow), and one taking applications now — entered
at the counter through the lottery's rules (models.reservation.draw)."""

import random
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from admin_app.extensions import db
from models.clock import JST
from models.organisation import Facility
from models.registration.registrant import Registrant, RegistrantStatus
from models.reservation.draw import apply, open_lottery
from models.reservation.lottery import Calendar
from models.reservation.rules import BookingError
from models.staff.accounts import StaffUser

FACILITY = "中央公民館"
ROOMS = ("多目的ホール（全面）", "第1会議室")
PURPOSES = ("定期演奏会", "発表会", "総会", "講演会", "合同練習")
# (months ahead, applications open … first-come booking opens, as days from today, how many)
LOTTERIES = ((2, (-10, -1, 1, 3, 10), 14), (3, (-2, 5, 6, 8, 15), 5))


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), JST)


def load_demo_lotteries(today: date, rng: random.Random) -> int:
    """Two lottery months with applications; the number of applications entered."""
    facility = db.session.scalar(select(Facility).where(Facility.name == FACILITY))
    chief = db.session.scalar(select(StaffUser).where(StaffUser.login == "chief1"))
    clerk = db.session.scalar(select(StaffUser).where(StaffUser.login == "staff1"))
    if facility is None or chief is None or clerk is None:
        return 0
    rooms = [room for room in facility.rooms if room.name in ROOMS]
    entered = 0
    for months, offsets, count in LOTTERIES:
        month = today.replace(day=1) + relativedelta(months=months)
        opens, closes, draws, first_come, confirm = (today + timedelta(days=d) for d in offsets)
        lottery = open_lottery(
            facility.id,
            rooms,
            Calendar(month, opens, closes, draws, first_come, confirm),
            by=chief,
            now=_at(opens, 9),
        )
        applicants = list(
            db.session.scalars(
                select(Registrant)
                .where(
                    Registrant.facility_id == facility.id,
                    Registrant.status == RegistrantStatus.ACTIVE,
                    Registrant.expires_on > month + relativedelta(months=1),
                )
                .order_by(Registrant.id)
                .limit(8)
            )
        )
        # The second weekend of the month, mornings and afternoons: several groups want the
        # same slots.
        weekends = [
            month + timedelta(days=n)
            for n in range(7, 28)  # past the new-year closure
            if (month + timedelta(days=n)).weekday() >= 5
        ][:2]
        when = _at(min(closes, today))  # within the application period
        for _ in range(count):
            room = rng.choice(rooms)
            try:
                apply(
                    lottery,
                    rng.choice(applicants),
                    room,
                    rng.choice(weekends),
                    rng.choice(("am", "pm")),
                    people=max(5, room.capacity // rng.choice((2, 3))),
                    purpose=rng.choice(PURPOSES),
                    by=clerk,
                    now=when,
                )
                entered += 1
            except BookingError:  # the same slot twice, over the cap, closed: not entered
                continue
    return entered
