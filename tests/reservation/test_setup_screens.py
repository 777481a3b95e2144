"""The screens that set reservations up, over HTTP: IT gives a room its slot pattern, the room
it divides and its fee table (the counter's quote uses them); IT sets a facility's booking
rules; counter staff add and delete their facility's closed days 休館日 (the grid shows them,
the bookings they fall on are reported, never cancelled). Bad input is refused in Japanese at
its field with nothing saved; another facility's closures stay out of sight."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from admin_app.extensions import db
from models import Booking, BookingState, Closure, ClosureKind, Facility, Room, RoomFee
from models.errors import InputError
from models.organisation import SlotPattern
from models.registration.school import FeeTier
from models.reservation.closures import add_closure
from models.reservation.fees import set_fee
from tests.builders import facility_id, facility_id_of
from tests.builders.reservation import (
    HALF_A,
    HALL,
    make_booker,
    make_booking,
    next_weekday,
    registrant,
    room,
    soon,
    staff,
)
from tests.support import count, csrf_token

TUESDAY, WEDNESDAY, THURSDAY = 1, 2, 3
CENTRAL, SPORTS = "中央公民館", "スポーツセンター"


def post_form(client, url: str, data: dict):
    """Post a form at `url` with the CSRF token of the page there."""
    page = client.get(url)
    assert page.status_code == 200, url
    return client.post(url, data={**data, "csrf_token": csrf_token(page.get_data(as_text=True))})


def field_errors(html: str, field: str) -> str:
    """The markup of a form field's block (Flask-Admin puts its errors there)."""
    match = re.search(
        rf'<div class="form-group[^"]*"[^>]*>(?:(?!<div class="form-group).)*?'
        rf'(?:name|id)="{re.escape(field)}".*?'
        r'(?=<div class="form-group|<legend|inline-field-template|</form>)',
        html,
        re.S,
    )
    assert match, f"no field {field}"
    return match.group(0)


def room_id(name: str, facility: str = CENTRAL) -> int:
    return room(name, facility).id


def rooms_and_fees() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Room)),
        db.session.scalar(select(func.count()).select_from(RoomFee)),
    )


# --- rooms: slot pattern, division, fee table ---------------------------------------------------


def new_room(client, app, **fields):
    data = {
        "facility": str(facility_id_of(app, CENTRAL)),
        "name": "音楽スタジオ",
        "capacity": "12",
        "slot_pattern": "hourly",
        **fields,
    }
    return post_form(client, "/admin/room/new/", data)


def test_it_makes_a_room_hourly_with_a_fee_and_the_counter_quote_uses_it(app, login_as):
    it = login_as("it1")
    response = new_room(
        it,
        app,
        **{"fees-0-slot": "hour", "fees-0-tier": "adult", "fees-0-amount": "1200"},
    )
    assert response.status_code == 302
    with app.app_context():
        studio = room("音楽スタジオ")
        assert studio.slot_pattern == SlotPattern.HOURLY
        assert [(f.slot, f.tier, f.amount) for f in studio.fees] == [("hour", FeeTier.ADULT, 1200)]
        studio_id = studio.id
        number = registrant(make_booker(name="東村山バンド")).registration_number
    details = it.get(f"/admin/room/details/?id={studio_id}").get_data(as_text=True)
    table = details.split('data-testid="fee-table"')[1].split("</table>")[0]
    assert "時間あたり" in table and "1,200" in table
    # The counter: two hours, 10:00–12:00, cost twice the hour row.
    staff1 = login_as("staff1")
    day = next_weekday(TUESDAY)
    url = f"/admin/reservation/book/?room_id={studio_id}&day={day.isoformat()}&slot=h10-12"
    quote = post_form(
        staff1,
        url,
        {"registration_number": number, "people": "5", "purpose": "練習", "step": "quote"},
    )
    assert re.search(r'data-testid="fee">2,400\s*円', quote.get_data(as_text=True))
    grid = staff1.get(
        f"/admin/reservation/?facility_id={facility_id_of(app, CENTRAL)}&start={day.isoformat()}"
    ).get_data(as_text=True)
    assert f'data-room="{studio_id}" data-day="{day.isoformat()}" data-slot="h20"' in grid


def test_a_room_can_be_part_only_of_a_room_of_its_own_facility(app, login_as):
    it = login_as("it1")
    with app.app_context():
        sports_hall = room_id("第1体育室", SPORTS)
        before = rooms_and_fees()
    response = new_room(it, app, slot_pattern="standard", parent=str(sports_hall))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "同じ施設の室場を選んでください。" in field_errors(html, "parent")
    with app.app_context():
        assert rooms_and_fees() == before
        assert room("音楽スタジオ") is None


def test_a_room_cannot_be_part_of_itself_or_of_its_own_part(app, login_as):
    it = login_as("it1")
    with app.app_context():
        hall, half = room_id(HALL), room_id(HALF_A)
    url = f"/admin/room/edit/?id={hall}"
    form = {"name": HALL, "capacity": "120", "slot_pattern": "standard"}
    for parent, message in (
        (hall, "室場を、その室場自身の一部にはできません。"),
        (half, "この室場を、その一部である室場の一部にはできません。"),
    ):
        response = post_form(it, url, {**form, "parent": str(parent)})
        assert response.status_code == 200
        assert message in field_errors(response.get_data(as_text=True), "parent")
        with app.app_context():
            assert room(HALL).parent_id is None


def test_the_division_rules_hold_outside_the_screens_too(app, demo):
    """The flush guard: a parent set in code is refused with the same message."""
    with app.app_context():
        half = room(HALF_A)
        half.parent = room("第1体育室", SPORTS)
        with pytest.raises(InputError, match="同じ施設"):
            db.session.flush()
        db.session.rollback()
        hall = room(HALL)
        hall.parent_id = room(HALF_A).id
        with pytest.raises(InputError, match="その一部である室場"):
            db.session.flush()
        db.session.rollback()
        with pytest.raises(InputError, match="この室場の利用区分の種類にありません"):
            set_fee(room("第1会議室"), "hour", FeeTier.ADULT, 100)
        assert room(HALL).parent_id is None and room(HALF_A).parent_id == room(HALL).id


def test_switching_a_room_to_hourly_needs_its_old_fee_rows_gone(app, login_as):
    """Its standard rows would never be charged again: refused until deleted in the save."""
    it = login_as("it1")
    with app.app_context():
        meeting = room("第2会議室")
        rid, fee_ids = meeting.id, [f.id for f in meeting.fees]
        before = rooms_and_fees()
    url = f"/admin/room/edit/?id={rid}"
    form = {"name": "第2会議室", "capacity": "24", "slot_pattern": "hourly"}
    new_row = {"fees-99-slot": "hour", "fees-99-tier": "adult", "fees-99-amount": "500"}
    refused = post_form(it, url, {**form, **new_row})
    assert refused.status_code == 200
    assert "この利用区分の種類にない" in field_errors(
        refused.get_data(as_text=True), "slot_pattern"
    )
    with app.app_context():
        assert room("第2会議室").slot_pattern == SlotPattern.STANDARD
        assert rooms_and_fees() == before
    deleting = {}
    for i, fee_id in enumerate(fee_ids):
        deleting |= {f"fees-{i}-id": str(fee_id), f"del-fees-{i}": "y"}
    done = post_form(it, url, {**form, **deleting, **new_row})
    assert done.status_code == 302
    with app.app_context():
        meeting = room("第2会議室")
        assert meeting.slot_pattern == SlotPattern.HOURLY
        assert [(f.slot, f.amount) for f in meeting.fees] == [("hour", 500)]


def test_a_booked_room_keeps_its_slot_pattern(app, login_as):
    with app.app_context():
        make_booking(make_booker(name="東村山合唱団"), "第1会議室", soon(), "am")
        rid = room_id("第1会議室")
    it = login_as("it1")
    response = post_form(
        it,
        f"/admin/room/edit/?id={rid}",
        {"name": "第1会議室", "capacity": "30", "slot_pattern": "hourly"},
    )
    assert response.status_code == 200
    assert "予約があるため" in field_errors(response.get_data(as_text=True), "slot_pattern")
    with app.app_context():
        assert room("第1会議室").slot_pattern == SlotPattern.STANDARD


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ({"slot": "am", "tier": "adult", "amount": "-1"}, "amount", "0 以上"),
        ({"slot": "am", "tier": "adult", "amount": ""}, "amount", "必須"),
        ({"slot": "h10", "tier": "adult", "amount": "300"}, "slot", "利用区分の種類にありません"),
        ({"slot": "dawn", "tier": "adult", "amount": "300"}, "slot", "選択肢"),
    ],
)
def test_a_bad_fee_row_is_refused_at_its_field_and_nothing_is_saved(
    app, login_as, row, field, message
):
    it = login_as("it1")
    with app.app_context():
        before = rooms_and_fees()
    data = {f"fees-0-{k}": v for k, v in row.items()}
    response = new_room(it, app, slot_pattern="standard", **data)
    assert response.status_code == 200
    assert message in field_errors(response.get_data(as_text=True), f"fees-0-{field}")
    with app.app_context():
        assert rooms_and_fees() == before


def test_the_same_slot_and_tier_twice_is_refused(app, login_as):
    it = login_as("it1")
    with app.app_context():
        before = rooms_and_fees()
    rows = {
        "fees-0-slot": "am",
        "fees-0-tier": "adult",
        "fees-0-amount": "1000",
        "fees-1-slot": "am",
        "fees-1-tier": "adult",
        "fees-1-amount": "900",
    }
    response = new_room(it, app, slot_pattern="standard", **rows)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "既に料金表にあります" in field_errors(html, "fees-1-slot")
    with app.app_context():
        assert rooms_and_fees() == before


def test_the_room_details_show_the_pattern_the_division_and_the_fee_table(app, login_as):
    with app.app_context():
        hall, half = room(HALL), room(HALF_A)
        hall_id = hall.id
        amounts = {(f.slot, f.tier): f.amount for f in hall.fees}
        half_id = half.id
    client = login_as("staff1")  # readers see it too
    html = client.get(f"/admin/room/details/?id={hall_id}").get_data(as_text=True)
    assert "午前・午後・夜間" in html
    assert "多目的ホール 半面A" in html and "多目的ホール 半面B" in html
    table = html.split('data-testid="fee-table"')[1].split("</table>")[0]
    assert "午前（9:00–12:00）" in table and "全日（9:00–21:00）" in table
    assert f"{amounts[('am', FeeTier.ADULT)]:,}" in table
    assert f"{amounts[('all_day', FeeTier.CHILD)]:,}" in table
    half_page = client.get(f"/admin/room/details/?id={half_id}").get_data(as_text=True)
    assert HALL in half_page


# --- facilities: the booking rules ---------------------------------------------------------


def facility_form(facility: Facility, **settings) -> dict:
    return {
        "name": facility.name,
        "kind": facility.kind,
        "eligibility_rule": facility.eligibility_rule.value,
        "eligibility_check_required": "y",
        "address": facility.address,
        "phone": facility.phone,
        "booking_months_ahead": "2",
        "booking_months_ahead_non_resident": "1",
        "booking_cap_per_month": "4",
        "payment_days": "7",
        "non_resident_fee_percent": "",
        "admission_fee_percent": "",
        **settings,
    }


def test_it_sets_a_facilitys_booking_rules_and_the_details_show_them(app, login_as):
    it = login_as("it1")
    with app.app_context():
        central = db.session.get(Facility, facility_id(CENTRAL))
        form = facility_form(
            central,
            booking_months_ahead="3",
            booking_months_ahead_non_resident="2",
            booking_cap_per_month="6",
            payment_days="10",
            non_resident_fee_percent="120",
        )
        fid = central.id
    response = post_form(it, f"/admin/facility/edit/?id={fid}", form)
    assert response.status_code == 302
    with app.app_context():
        central = db.session.get(Facility, fid)
        assert (
            central.booking_months_ahead,
            central.booking_months_ahead_non_resident,
            central.booking_cap_per_month,
            central.payment_days,
            central.non_resident_fee_percent,
            central.admission_fee_percent,
        ) == (3, 2, 6, 10, 120, None)
    html = it.get(f"/admin/facility/details/?id={fid}").get_data(as_text=True)
    assert "予約できる期間（市内、か月先まで）" in html and "120%" in html
    assert "既定（200%）" in html  # admission: the config default


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("booking_months_ahead", "13", "1〜12の数値を入力してください。"),
        ("booking_months_ahead", "", "1〜12の数値を入力してください。"),
        ("booking_months_ahead_non_resident", "0", "1〜12の数値を入力してください。"),
        ("booking_cap_per_month", "32", "1〜31の数値を入力してください。"),
        ("payment_days", "0", "1〜30の数値を入力してください。"),
        ("non_resident_fee_percent", "99", "100〜300の数値を入力してください。"),
        ("admission_fee_percent", "301", "100〜300の数値を入力してください。"),
    ],
)
def test_a_booking_rule_out_of_range_is_refused_at_its_field(app, login_as, name, value, message):
    it = login_as("it1")
    with app.app_context():
        central = db.session.get(Facility, facility_id(CENTRAL))
        form = facility_form(central, **{name: value})
        fid, before = central.id, getattr(central, name)
    response = post_form(it, f"/admin/facility/edit/?id={fid}", form)
    assert response.status_code == 200
    assert message in field_errors(response.get_data(as_text=True), name)
    with app.app_context():
        assert getattr(db.session.get(Facility, fid), name) == before


# --- closures: the 休館日 screen -------------------------------------------------------------


def closure_form(app, **fields) -> dict:
    return {
        "facility": str(facility_id_of(app, CENTRAL)),
        "kind": "weekly",
        "room": "",
        "weekday": "",
        "nth": "",
        "starts_on": "",
        "ends_on": "",
        "slot": "",
        "reason": "臨時休館（設備点検）",
        **fields,
    }


def grid_cell(client, app, room_name: str, day: date, slot: str) -> str:
    html = client.get(
        f"/admin/reservation/?facility_id={facility_id_of(app, CENTRAL)}&start={day.isoformat()}"
    ).get_data(as_text=True)
    with app.app_context():
        rid = room_id(room_name)
    match = re.search(
        rf'<td class="[a-z]+" data-room="{rid}" data-day="{day.isoformat()}" '
        rf'data-slot="{slot}" data-state="[a-z]+">.*?</td>',
        html,
        re.S,
    )
    assert match, (room_name, day, slot)
    return match.group(0)


def test_staff_add_a_closure_the_grid_shows_it_and_its_bookings_are_reported(app, login_as):
    wednesday = next_weekday(WEDNESDAY)
    with app.app_context():
        booked = make_booking(make_booker(name="東村山合唱団"), "第1会議室", wednesday, "pm")
    client = login_as("staff1")
    assert 'data-state="free"' in grid_cell(client, app, "和室", wednesday, "am")
    response = post_form(client, "/admin/closure/new/", closure_form(app, weekday="2"))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    warning = page.split("alert-warning")[1].split("</div>")[0]
    assert "1件" in warning and "第1会議室" in warning and 'href="/admin/booking/"' in warning
    closed = grid_cell(client, app, "和室", wednesday, "am")
    assert 'data-state="closed"' in closed and "臨時休館（設備点検）" in closed
    listed = client.get("/admin/closure/").get_data(as_text=True)
    assert "毎週水曜日" in listed and "臨時休館（設備点検）" in listed
    with app.app_context():
        # Reported, not cancelled: staff cancel it (by the city, full refund).
        assert db.session.get(Booking, booked).state == BookingState.PROVISIONAL
        closure = db.session.scalar(select(Closure).where(Closure.reason.like("臨時休館%")))
        assert (closure.kind, closure.weekday, closure.created_by.login) == (
            ClosureKind.WEEKLY,
            2,
            "staff1",
        )


def test_a_closure_on_no_booking_warns_of_nothing(app, login_as):
    client = login_as("staff1")
    day = soon(20)
    response = post_form(
        client,
        "/admin/closure/new/",
        closure_form(
            app,
            kind="works",
            room=str(app_room(app, "調理実習室")),
            starts_on=day.isoformat(),
            ends_on=day.isoformat(),
            slot="night",
            reason="ガス設備の工事",
        ),
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "alert-warning" not in page
    night = grid_cell(client, app, "調理実習室", day, "night")
    assert 'data-state="closed"' in night and "ガス設備の工事" in night
    assert 'data-state="free"' in grid_cell(client, app, "調理実習室", day, "am")


def app_room(app, name: str, facility: str = CENTRAL) -> int:
    with app.app_context():
        return room_id(name, facility)


def test_the_list_says_when_in_words(app, login_as):
    client = login_as("staff1")
    for fields in (
        {"kind": "monthly", "weekday": "1", "nth": "2", "reason": "月例点検"},
        {
            "kind": "period",
            "starts_on": "2026-12-28",
            "ends_on": "2027-01-04",
            "yearly": "y",
            "reason": "年末年始（テスト）",
        },
        {"kind": "period", "starts_on": "2027-02-11", "ends_on": "2027-02-11", "reason": "式典"},
    ):
        assert (
            post_form(client, "/admin/closure/new/", closure_form(app, **fields)).status_code == 302
        )
    listed = client.get("/admin/closure/").get_data(as_text=True)
    assert "第2火曜日" in listed
    assert "2026年12月28日〜2027年1月4日（毎年）" in listed
    assert "2027年2月11日" in listed and "2027年2月11日〜" not in listed


def central_closure(app) -> int:
    with app.app_context():
        closure = add_closure(
            db.session.get(Facility, facility_id(CENTRAL)),
            ClosureKind.PERIOD,
            "中央の臨時休館",
            by=staff("staff1"),
            starts_on=soon(5),
            ends_on=soon(6),
        )
        db.session.commit()
        return closure.id


def test_another_facilitys_staff_neither_see_nor_delete_its_closures(app, login_as):
    cid = central_closure(app)
    with app.app_context():
        add_closure(
            db.session.get(Facility, facility_id(SPORTS)),
            ClosureKind.MONTHLY,
            "休館日（第3水曜日）",
            by=staff("staff2"),
            weekday=WEDNESDAY,
            nth=3,
        )
        db.session.commit()
    client = login_as("staff2")  # スポーツセンター
    listed = client.get("/admin/closure/").get_data(as_text=True)
    assert "中央の臨時休館" not in listed
    assert "休館日（第3水曜日）" in listed and "第3水曜日" in listed  # its own facility's
    assert client.get(f"/admin/closure/details/?id={cid}").status_code == 404
    token = csrf_token(listed)
    assert (
        client.post("/admin/closure/delete/", data={"id": cid, "csrf_token": token}).status_code
        == 404
    )
    client.post(
        "/admin/closure/action/",
        data={"action": "delete", "rowid": [str(cid)], "csrf_token": token},
    )
    with app.app_context():
        assert db.session.get(Closure, cid) is not None
    # staff2's form offers only its own facility and rooms.
    form = client.get("/admin/closure/new/").get_data(as_text=True)
    assert SPORTS in form and CENTRAL not in form and "第1会議室" not in form


def test_staff_delete_their_closure_and_the_day_opens_again(app, login_as):
    cid = central_closure(app)
    client = login_as("staff1")
    day = soon(5)
    assert 'data-state="closed"' in grid_cell(client, app, "和室", day, "am")
    details = client.get(f"/admin/closure/details/?id={cid}").get_data(as_text=True)
    assert "中央の臨時休館" in details and "施設全体" in details and "山田 花子" in details
    response = client.post(
        "/admin/closure/delete/", data={"id": cid, "csrf_token": csrf_token(details)}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Closure, cid) is None
    assert 'data-state="free"' in grid_cell(client, app, "和室", day, "am")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "weekly", "weekday": ""}, "weekday", "曜日を選んでください。"),
        ({"kind": "monthly", "weekday": "2"}, "nth", "第何週か（第1〜第5）を選んでください。"),
        ({"kind": "period"}, "starts_on", "初日と最終日を入力してください。"),
        (
            {"kind": "works", "starts_on": "2027-03-10", "ends_on": "2027-03-01"},
            "ends_on",
            "最終日は初日より前にできません。",
        ),
        ({"weekday": "2", "reason": ""}, "reason", "理由を入力してください。"),
        ({"weekday": "2", "reason": "\u200b\u200b"}, "reason", "理由"),
        ({"weekday": "9"}, "weekday", "選択肢が正しくありません。"),
        ({"weekday": "²"}, "weekday", "選択"),
        ({"kind": "yearly"}, "kind", "選択肢が正しくありません。"),
        ({"weekday": "2", "slot": "h99"}, "slot", "選択肢が正しくありません。"),
        ({"starts_on": "2027-02-30", "kind": "period"}, "starts_on", "日付"),
    ],
)
def test_bad_closure_input_is_refused_in_japanese_at_its_field(
    app, login_as, fields, field, message
):
    client = login_as("staff1")
    before = count(app, Closure)
    response = post_form(client, "/admin/closure/new/", closure_form(app, **fields))
    assert response.status_code == 200
    assert message in field_errors(response.get_data(as_text=True), field)
    assert count(app, Closure) == before


def test_a_room_or_facility_not_served_is_refused(app, login_as):
    before = count(app, Closure)
    staff1 = login_as("staff1")
    sports = str(facility_id_of(app, SPORTS))
    refused = post_form(
        staff1, "/admin/closure/new/", closure_form(app, facility=sports, weekday="2")
    )
    assert "選択肢が正しくありません。" in field_errors(refused.get_data(as_text=True), "facility")
    # chief1 serves both 公民館: a room of 萩山公民館 cannot close 中央公民館.
    chief = login_as("chief1")
    other_room = str(app_room(app, "集会室", "萩山公民館"))
    response = post_form(
        chief, "/admin/closure/new/", closure_form(app, weekday="2", room=other_room)
    )
    assert response.status_code == 200
    assert "この室場は別の施設のものです。" in field_errors(response.get_data(as_text=True), "room")
    assert count(app, Closure) == before


def test_a_closure_slot_must_be_one_of_the_rooms_slots(app, login_as):
    client = login_as("staff1")
    before = count(app, Closure)
    response = post_form(
        client,
        "/admin/closure/new/",
        closure_form(app, weekday="2", room=str(app_room(app, "和室")), slot="h10"),
    )
    assert response.status_code == 200
    assert "この室場にはその利用区分がありません。" in field_errors(
        response.get_data(as_text=True), "slot"
    )
    assert count(app, Closure) == before


def test_a_closure_keeps_only_the_values_of_its_kind(app, demo):
    with app.app_context():
        closure = add_closure(
            db.session.get(Facility, facility_id(CENTRAL)),
            ClosureKind.WEEKLY,
            "毎週木曜",
            by=None,
            weekday=THURSDAY,
            nth=2,
            starts_on=date(2027, 1, 1),
            ends_on=date(2027, 1, 2),
            yearly=True,
        )
        assert (closure.nth, closure.starts_on, closure.ends_on, closure.yearly) == (
            None,
            None,
            None,
            False,
        )
        assert closure.covers_day(next_weekday(THURSDAY) + timedelta(days=7))
