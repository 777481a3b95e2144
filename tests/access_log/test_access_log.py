"""One access-log row per back-office request, written centrally, with no typed values."""

from sqlalchemy import func, select

from admin_app.extensions import db
from models import AccessAction, AccessLog, Facility, Section, StaffUser
from tests.support import csrf_token, login


def rows(app) -> list[AccessLog]:
    with app.app_context():
        return db.session.scalars(select(AccessLog).order_by(AccessLog.id)).all()


def test_bad_login_writes_a_denied_row_without_the_password(app, client, demo):
    login(client, "staff1", "secret-guess-9876")
    (row,) = [r for r in rows(app) if r.method == "POST"]
    assert row.endpoint == "auth.login"
    assert row.action == AccessAction.DENIED
    assert row.status == 401 and row.user_id is None
    assert row.remote_addr == "127.0.0.1"
    with app.app_context():
        dump = " ".join(str(v) for r in db.session.execute(select(AccessLog)).all() for v in r)
    assert "secret-guess-9876" not in dump and "staff1" not in dump


def test_login_and_each_request_write_exactly_one_row(app, client, demo):
    login(client, "staff1")
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.login == "staff1"))
        user_id, section_id = user.id, user.section_id
        facility_id = db.session.scalar(select(Facility.id).where(Facility.name == "中央公民館"))
    before = len(rows(app))
    client.get("/admin/facility/")
    client.get(f"/admin/facility/details/?id={facility_id}")
    new = rows(app)[before:]
    assert [(r.endpoint, r.action, r.status) for r in new] == [
        ("facility.index_view", AccessAction.LIST, 200),
        ("facility.details_view", AccessAction.VIEW, 200),
    ]
    assert all(r.user_id == user_id and r.section_id == section_id for r in new)
    assert new[1].record_ids == str(facility_id)
    login_row = next(r for r in rows(app) if r.action == AccessAction.LOGIN)
    assert login_row.user_id == user_id and login_row.status == 302


def test_forbidden_screen_is_logged_as_denied(app, login_as):
    login_as("staff1").get("/admin/staff_user/")
    row = rows(app)[-1]
    assert (row.endpoint, row.action, row.status) == (
        "staff_user.index_view",
        AccessAction.DENIED,
        403,
    )


def test_anonymous_back_office_request_is_logged_as_denied(app, client):
    client.get("/admin/facility/")
    row = rows(app)[-1]
    assert (row.endpoint, row.action, row.status, row.user_id) == (
        "facility.index_view",
        AccessAction.DENIED,
        302,
        None,
    )


def test_edit_is_logged_with_record_id_but_not_the_values(app, login_as):
    client = login_as("it1")
    with app.app_context():
        section = db.session.scalar(select(Section).where(Section.code == "KYODO"))
        section_id = section.id
    page = client.get(f"/admin/section/edit/?id={section_id}").get_data(as_text=True)
    client.post(
        f"/admin/section/edit/?id={section_id}",
        data={
            "code": "KYODO",
            "name": "市民協働課（改称テスト）",
            "authority": "mayor",
            "csrf_token": csrf_token(page),
        },
    )
    view_row, edit_row = rows(app)[-2:]
    assert (view_row.action, edit_row.action) == (AccessAction.VIEW, AccessAction.EDIT)
    assert edit_row.record_ids == str(section_id)
    with app.app_context():
        dump = " ".join(str(v) for r in db.session.execute(select(AccessLog)).all() for v in r)
    assert "改称テスト" not in dump


def test_public_pages_and_assets_are_not_back_office_rows(app, client, demo):
    before = len(rows(app))
    for url in ("/", "/healthz", "/static/site.css"):
        client.get(url).close()
    assert len(rows(app)) == before  # the public site is not the back office


def test_unknown_back_office_url_is_logged(app, login_as):
    login_as("staff1").get("/admin/no-such-screen/")
    row = rows(app)[-1]
    assert row.status == 404 and row.endpoint == "-"


def test_every_request_counts_reads_included(app, login_as):
    client = login_as("chief1")
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(AccessLog))
    for _ in range(5):
        client.get("/admin/room/")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AccessLog)) == before + 5


def test_junk_in_an_id_is_not_copied_into_the_log(app, login_as):
    client = login_as("it1")
    client.get("/admin/section/details/?id=%00drop")
    client.get("/admin/section/details/?id=山田花子")
    assert [r.record_ids for r in rows(app)[-2:]] == ["?", "?"]
