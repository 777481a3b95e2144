"""The occupancy report (models/reservation/occupancy.py, views/reservation/occupancy.py): its
figures match counts made here by hand from a small set of bookings — full day, parts, the
divided hall, a closure, a cancellation by staff and by the city, an expired booking, a 市外
booking, a 減免 booking — and the page, its chart and its CSV are scoped to the reader."""

import calendar
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, select

from admin_app.extensions import db
from models import Booking, Closure, ClosureKind, Facility
from models.clock import today_local
from models.registration.school import FeeTier
from models.reservation.closures import add_closure
from models.reservation.fees import Reduction, compute
from models.reservation.occupancy import months_between, occupancy
from models.reservation.rules import cancel, expire_unpaid, record_payment
from tests.builders.reservation import (
    HALF_A,
    HALF_B,
    HALL,
    at,
    make_booker,
    make_booking,
    room,
    set_fees,
    staff,
)

MEETING = "第1会議室"


def month() -> date:
    """Next month: every booking below is made five days before it starts."""
    return today_local().replace(day=1) + relativedelta(months=1)


def central() -> Facility:
    return db.session.scalar(select(Facility).where(Facility.name == "中央公民館"))


@pytest.fixture
def booked(app, demo):
    """The hand-built set; returns what a person would count on paper."""
    with app.app_context():
        db.session.execute(delete(Closure))  # only the closure below
        db.session.commit()
        m = month()
        made_at = at(m - timedelta(days=5))
        resident = make_booker()
        other = make_booker(name="第二合唱団")  # the monthly cap is per registrant
        outsider = make_booker(non_resident=True, name="市外の合唱団")

        def book(room_name, day, slot, who=resident, **options):
            return make_booking(
                who, room_name, m + timedelta(days=day - 1), slot, now=made_at, **options
            )

        # Expired first: the daily job would expire every unpaid booking of the month.
        book(MEETING, 20, "am")
        expire_unpaid(m + timedelta(days=3), now=at(m + timedelta(days=3)))
        full_day = book(MEETING, 2, "all_day")  # 3 part slots
        book(MEETING, 3, "am", outsider)  # 1 part slot, 市外
        # 市外 and 減免 50 % on 1,650 yen: 2,475 → 2,470 without 減免, 1,237 → 1,230 charged.
        set_fees(room(MEETING), {"night": 1650})
        reduced = book(MEETING, 4, "night", outsider, reduction=Reduction.SOCIAL_EDUCATION)
        book(HALL, 5, "am_pm", other)  # 2 part slots of the hall, 4 unit cells
        book(HALF_A, 6, "pm", other)  # 1 part slot of half A
        by_staff = book(MEETING, 7, "pm")
        by_city = book(MEETING, 8, "pm", other)
        cancel(db.session.get(Booking, by_staff), "日程の変更", by=staff(), now=made_at)
        cancel(db.session.get(Booking, by_city), "臨時休館", by=staff(), now=made_at, by_city=True)
        record_payment(db.session.get(Booking, full_day), by=staff(), now=made_at)
        # Works on half B on days 10 and 11: closes half B and, through it, the hall.
        add_closure(
            central(),
            ClosureKind.WORKS,
            "床の改修工事",
            by=staff(),
            room=room(HALF_B),
            starts_on=m + timedelta(days=9),
            ends_on=m + timedelta(days=10),
        )
        db.session.commit()
        r = db.session.get(Booking, reduced)
        yield {
            "days": calendar.monthrange(m.year, m.month)[1],
            "reduced_yen": compute(r.table_fee, r.non_resident_percent, r.admission_percent, 0)
            - r.fee,
        }


def test_figures_match_the_hand_count(app, booked):
    days = booked["days"]
    with app.app_context():
        report = occupancy(central(), [month()])
        m = month()
        meeting, hall, half_a, half_b = (room(n) for n in (MEETING, HALL, HALF_A, HALF_B))
        row = report.row(meeting, m)
        assert (row.available, row.closed) == (3 * days, 0)
        assert row.booked == 3 + 1 + 1  # the full day, the 市外 morning, the 減免 evening
        assert (row.confirmed, row.provisional) == (3, 2)
        assert (row.resident, row.non_resident) == (3, 2)
        assert row.by_tier[FeeTier.ADULT] == 5
        assert row.rate == round(100 * 5 / (3 * days), 1)
        assert (row.reduced, row.reduced_yen) == (1, booked["reduced_yen"])
        assert booked["reduced_yen"] == 2470 - 1230  # rounded as the fee rules round
        assert (row.cancelled_by_staff, row.cancelled_by_city, row.expired) == (1, 1, 1)
        # The hall's booking counts for the hall only; the works close half B and the hall.
        assert (report.row(hall, m).booked, report.row(hall, m).available) == (2, 3 * days - 6)
        assert (report.row(half_a, m).booked, report.row(half_a, m).available) == (1, 3 * days)
        assert (report.row(half_b, m).booked, report.row(half_b, m).available) == (0, 3 * days - 6)
        # The facility line is floor time: units only (the halves, not the hall), each once.
        units = [r for r in report.rooms if not r.children]
        total = report.totals[m]
        assert total.available == sum(3 * days for _ in units) - 6
        assert total.booked == 5 + 2 * 2 + 1  # the meeting room, both halves × 2, half A
        assert (total.cancelled_by_staff, total.expired, total.non_resident) == (1, 1, 2)
        assert (total.reduced, total.reduced_yen) == (1, booked["reduced_yen"])
        # Another month has nothing booked.
        later = occupancy(central(), [m + relativedelta(months=1)])
        assert later.row(meeting, m + relativedelta(months=1)).booked == 0


def test_months_are_checked(app):
    with app.app_context():
        with pytest.raises(Exception, match="開始月"):
            months_between(date(2026, 5, 1), date(2026, 4, 1))
        assert len(months_between(date(2025, 11, 1), date(2026, 2, 1))) == 4


def page(client, **args):
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return client.get(f"/admin/occupancy/?{query}")


def test_the_page_shows_the_rooms_and_its_chart_is_an_image(login_as, booked, app):
    client = login_as("staff1")
    m = month().strftime("%Y-%m")
    html = page(client, first=m, last=m).get_data(as_text=True)
    assert "利用状況" in html and "第1会議室" in html and "床の改修工事" not in html
    assert f'data-testid="occupancy-{m}"' in html
    with app.app_context():
        meeting = room(MEETING).id
    assert f'data-row="{meeting}"' in html
    chart = client.get(f"/admin/occupancy/chart.svg?kind=rate&first={m}&last={m}")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    assert chart.data.lstrip().startswith(b"<?xml") and "第1会議室".encode() in chart.data
    assert b"kozea.github.io" not in chart.data  # pygal's script from a CDN is left out
    assert "default-src 'none'" in chart.headers["Content-Security-Policy"]
    assert client.get("/admin/occupancy/chart.svg?kind=nope").status_code == 404


def test_csv_has_a_bom_and_japanese_headers(login_as, booked):
    client = login_as("chief1")
    m = month().strftime("%Y-%m")
    response = client.get(f"/admin/occupancy/csv?first={m}&last={m}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("utf-8-sig")
    header = text.splitlines()[0].split(",")
    assert header[:5] == ["月", "室場", "利用可能コマ数", "休館コマ数", "予約コマ数"]
    assert header[5] == "稼働率（％）"
    assert "減免額（円）" in header and "取消（市）" in header
    meeting = next(line for line in text.splitlines() if ",第1会議室," in line)
    assert meeting.split(",")[4] == "5"


def test_another_facilitys_staff_see_nothing_of_it(login_as, booked, app):
    with app.app_context():
        facility_id = central().id
    client = login_as("staff2")  # スポーツセンター
    assert page(client, facility_id=facility_id).status_code == 404
    assert client.get(f"/admin/occupancy/csv?facility_id={facility_id}").status_code == 404
    assert (
        client.get(f"/admin/occupancy/chart.svg?kind=rate&facility_id={facility_id}").status_code
        == 404
    )
    own = page(client).get_data(as_text=True)
    assert "スポーツセンター" in own and "中央公民館" not in own


def test_the_auditor_reads_every_facility(login_as, booked, app):
    with app.app_context():
        facility_id = central().id
    html = page(login_as("auditor1"), facility_id=facility_id).get_data(as_text=True)
    assert "第1会議室" in html and "スポーツセンター" in html  # the choice of every facility


def test_it_does_not_read_the_report(login_as, booked):
    assert page(login_as("it1")).status_code == 403


def test_bad_input_is_a_japanese_message_or_404_never_500(login_as, booked):
    client = login_as("staff1")
    for bad in ("2026-13", "abc", "2026-1", "'; drop"):
        response = page(client, first=bad)
        assert response.status_code == 200
        assert "月は YYYY-MM の形で入力してください。" in response.get_data(as_text=True)
    response = page(client, first="2020-01", last="2026-01")
    assert "24か月以内で選んでください。" in response.get_data(as_text=True)
    assert page(client, facility_id="999999").status_code == 404
    assert page(client, facility_id="x").status_code == 404
    assert client.get("/admin/occupancy/csv?first=zz").status_code == 200
