"""Bad input: a Japanese message at the field, nothing saved, never a 500."""

from sqlalchemy import select

from admin_app.extensions import db
from models import Facility, Room, Section
from tests.support import count, csrf_token


def first_id(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(model.id).limit(1))


def post_new(client, path: str, **fields):
    """Post Flask-Admin's create form at `path` with these fields (and the page's CSRF token)."""
    page = client.get(path).get_data(as_text=True)
    return client.post(path, data={**fields, "csrf_token": csrf_token(page)})


def test_room_with_zero_capacity_is_refused_with_a_japanese_message(app, login_as):
    client = login_as("it1")
    facility_id = first_id(app, Facility)
    before = count(app, Room)
    response = post_new(
        client, "/admin/room/new/", facility=facility_id, name="新しい部屋", capacity="0"
    )
    assert response.status_code == 200
    assert "数値は 1 以上, 2000 以下でなければいけません。" in response.get_data(as_text=True)
    assert count(app, Room) == before


def test_duplicate_section_code_is_refused_at_the_field_in_japanese(app, login_as):
    client = login_as("it1")
    before = count(app, Section)
    response = post_new(
        client, "/admin/section/new/", code="SOMU", name="重複課", authority="mayor"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "既に存在します" in html
    assert "レコードの作成に失敗しました" in html
    assert "UNIQUE" not in html and "duplicate key" not in html and "IntegrityError" not in html
    assert count(app, Section) == before


def test_bad_phone_number_gets_the_japanese_hint(app, login_as):
    client = login_as("it1")
    before = count(app, Facility)
    response = post_new(
        client,
        "/admin/facility/new/",
        section=first_id(app, Section),
        name="新施設",
        kind="集会所",
        eligibility_rule="residents_only",
        eligibility_check_required="y",
        phone="abc",
    )
    assert "電話番号はハイフン付きで入力してください" in response.get_data(as_text=True)
    assert count(app, Facility) == before


def test_absurd_ids_never_give_a_500(login_as):
    client = login_as("it1")
    for url in (
        "/admin/section/details/?id=abc",
        "/admin/room/details/?id=99999999999999999999",
        "/admin/facility/details/?id=" + "9" * 500,
    ):
        assert client.get(url).status_code in (302, 404), url
    assert client.get("/admin/section/edit/?id=%00").status_code == 400  # NUL: refused first
