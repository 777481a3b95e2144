"""Bad input: a Japanese message at the field, nothing saved, never a 500."""

from sqlalchemy import select

from admin_app.extensions import db
from models import Facility, Room, Section
from tests.support import count, csrf_token


def test_room_with_zero_capacity_is_refused_with_a_japanese_message(app, login_as):
    client = login_as("it1")
    with app.app_context():
        facility_id = db.session.scalar(select(Facility.id).limit(1))
    before = count(app, Room)
    page = client.get("/admin/room/new/").get_data(as_text=True)
    response = client.post("/admin/room/new/", data={
        "facility": facility_id, "name": "新しい部屋", "capacity": "0",
        "csrf_token": csrf_token(page)})
    assert response.status_code == 200
    assert "数値は 1 以上, 2000 以下でなければいけません。" in response.get_data(as_text=True)
    assert count(app, Room) == before


def test_duplicate_section_code_is_refused_at_the_field_in_japanese(app, login_as):
    client = login_as("it1")
    before = count(app, Section)
    page = client.get("/admin/section/new/").get_data(as_text=True)
    response = client.post("/admin/section/new/", data={
        "code": "SOMU", "name": "重複課", "authority": "mayor", "csrf_token": csrf_token(page)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "既に存在します" in html
    assert "レコードの作成に失敗しました" in html
    assert "UNIQUE" not in html and "duplicate key" not in html and "IntegrityError" not in html
    assert count(app, Section) == before


def test_bad_phone_number_gets_the_japanese_hint(app, login_as):
    client = login_as("it1")
    with app.app_context():
        section_id = db.session.scalar(select(Section.id).limit(1))
    before = count(app, Facility)
    page = client.get("/admin/facility/new/").get_data(as_text=True)
    response = client.post("/admin/facility/new/", data={
        "section": section_id, "name": "新施設", "kind": "集会所",
        "eligibility_rule": "residents_only", "eligibility_check_required": "y",
        "phone": "abc", "csrf_token": csrf_token(page)})
    assert "電話番号はハイフン付きで入力してください" in response.get_data(as_text=True)
    assert count(app, Facility) == before


def test_absurd_ids_never_give_a_500(login_as):
    client = login_as("it1")
    for url in ("/admin/section/details/?id=abc", "/admin/room/details/?id=99999999999999999999",
                "/admin/facility/details/?id=" + "9" * 500):
        assert client.get(url).status_code in (302, 404), url
    assert client.get("/admin/section/edit/?id=%00").status_code == 400  # NUL: refused first
