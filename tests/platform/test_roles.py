"""Each demo role sees exactly the screens its role allows, and only its own facilities' rows."""

import re

import pytest
from sqlalchemy import func, select

from admin_app.extensions import db
from models import Facility, Room, Section

MENU = {
    "/admin/section/": "課",
    "/admin/facility/": "施設",
    "/admin/room/": "室場",
    "/admin/staff_user/": "職員ID",
    "/admin/role_assignment/": "権限の割当",
    "/admin/system_health/": "システム状態",
    "/admin/registrant/": "登録者",
    "/admin/inventory/": "個人情報項目一覧",
}

COUNTER_MENU = {"/admin/facility/", "/admin/room/", "/admin/registrant/", "/admin/inventory/"}
ALLOWED = {
    "staff1": COUNTER_MENU,
    "staff2": COUNTER_MENU,
    "chief1": COUNTER_MENU,
    "it1": set(MENU) - {"/admin/registrant/"},
    "contractor1": {"/admin/system_health/", "/admin/inventory/"},
    "records1": {"/admin/inventory/"},
    "auditor1": {"/admin/section/", "/admin/facility/", "/admin/room/", "/admin/inventory/"},
}


def menu_links(html: str) -> set[str]:
    nav = html.split('id="admin-navbar-collapse"', 1)[1].split("</nav>", 1)[0]
    return {href for href in re.findall(r'href="([^"?]+)"', nav) if href in MENU}


@pytest.mark.parametrize("login_id", sorted(ALLOWED))
def test_menu_shows_only_what_the_role_allows(login_as, login_id):
    client = login_as(login_id)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert menu_links(response.get_data(as_text=True)) == ALLOWED[login_id]


@pytest.mark.parametrize("login_id", sorted(ALLOWED))
def test_screens_outside_the_role_answer_403(login_as, login_id):
    client = login_as(login_id)
    for url in MENU:
        expected = 200 if url in ALLOWED[login_id] else 403
        assert client.get(url).status_code == expected, (login_id, url)


def test_facility_staff_list_only_their_own_facility(app, login_as):
    html = login_as("staff1").get("/admin/facility/").get_data(as_text=True)
    assert "中央公民館" in html
    assert "萩山公民館" not in html and "スポーツセンター" not in html


def test_chief_sees_every_facility_of_the_section_and_no_other(login_as):
    html = login_as("chief1").get("/admin/facility/").get_data(as_text=True)
    for name in ("中央公民館", "萩山公民館", "富士見公民館", "秋津公民館"):
        assert name in html
    assert "スポーツセンター" not in html


def test_scoping_holds_for_details_and_counts(app, login_as):
    with app.app_context():
        sports = db.session.scalar(select(Facility.id).where(Facility.name == "スポーツセンター"))
        sports_room = db.session.scalar(select(Room.id).where(Room.facility_id == sports))
        central = db.session.scalar(select(Facility.id).where(Facility.name == "中央公民館"))
        central_rooms = db.session.scalar(
            select(func.count()).select_from(Room).where(Room.facility_id == central)
        )
        all_rooms = db.session.scalar(select(func.count()).select_from(Room))
    assert 0 < central_rooms < all_rooms
    client = login_as("staff1")
    other = client.get(f"/admin/facility/details/?id={sports}")
    assert other.status_code == 404
    assert "スポーツセンター" not in other.get_data(as_text=True)
    assert client.get(f"/admin/room/details/?id={sports_room}").status_code == 404
    assert client.get(f"/admin/room/edit/?id={sports_room}").status_code == 403
    rooms_page = client.get("/admin/room/").get_data(as_text=True)
    # The list's record count is that of the user's facility, not of the whole table.
    assert re.search(r'class="nav-link active">一覧 \((\d+)\)</a>', rooms_page).group(1) == str(
        central_rooms
    )
    assert "第1体育室" not in rooms_page


def test_staff_cannot_edit_or_delete_organisation(app, login_as):
    client = login_as("chief1")
    with app.app_context():
        section_id = db.session.scalar(select(Section.id).where(Section.code == "KOMINKAN"))
        facility_id = db.session.scalar(select(Facility.id).where(Facility.name == "中央公民館"))
    assert client.get(f"/admin/facility/edit/?id={facility_id}").status_code == 403
    assert client.get(f"/admin/section/edit/?id={section_id}").status_code == 403


def test_it_admin_never_sees_a_delete_button_for_staff_ids(login_as):
    html = login_as("it1").get("/admin/staff_user/").get_data(as_text=True)
    assert "/admin/staff_user/delete/" not in html
