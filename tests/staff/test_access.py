"""models.staff.access: one Access per person and moment, computed once per request."""

from datetime import date, timedelta

import pytest
from flask_login import login_user, logout_user
from sqlalchemy import event, select

from admin_app.extensions import db
from admin_app.security import current_access
from models import AccessLog, Facility, Role, RoleAssignment, Section, StaffStatus, StaffUser
from models.clock import today_local
from models.staff.access import NO_ACCESS, Access, access_of
from tests.builders import PASSWORD
from tests.builders.staff import add_role, make_user
from tests.support import login


def person(login_id: str) -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.login == login_id))


def section_facilities(code: str) -> set[int]:
    return set(db.session.scalars(select(Facility.id).join(Section).where(Section.code == code)))


@pytest.fixture
def constructions(monkeypatch):
    """The user ids of every Access built while the test runs."""
    built: list[int | None] = []
    original = Access.__init__

    def counting(self, *args, **kwargs):
        built.append(kwargs.get("user_id"))
        original(self, *args, **kwargs)

    monkeypatch.setattr(Access, "__init__", counting)
    return built


@pytest.mark.parametrize(
    ("login_id", "url"),
    [
        ("chief1", "/admin/registrant/"),  # scope of list and count, bulk actions, confirm rights
        ("staff1", "/admin/registrant/"),
        ("chief1", "/admin/"),  # dashboard: roles, assignments, facilities, awaiting, grants
        ("chief1", "/admin/change_notice/"),
        ("chief1", "/admin/access_log/"),
        ("it1", "/admin/it_dashboard/"),
    ],
)
def test_access_is_computed_once_per_request(
    app, login_as, demo_registrants, constructions, login_id, url
):
    client = login_as(login_id)
    with app.app_context():
        user_id = person(login_id).id
    constructions.clear()
    response = client.get(url)
    assert response.status_code == 200
    assert constructions == [user_id]
    constructions.clear()
    assert client.get(url).status_code == 200  # the next request builds its own
    assert constructions == [user_id]


def test_a_login_builds_one_access_and_logs_the_section(app, client, demo, constructions):
    assert login(client, "chief1").status_code == 302
    with app.app_context():
        chief = person("chief1")
        assert constructions == [chief.id]
        row = db.session.scalar(
            select(AccessLog).where(AccessLog.endpoint == "auth.login", AccessLog.method == "POST")
        )
        assert (row.user_id, row.section_id) == (chief.id, chief.section_id)


def counter_staff_and_it(login_id: str) -> int:
    """A counter clerk who is also an IT administrator; returns the IT grant's id."""
    user_id = make_user(login_id, Role.FACILITY_STAFF)
    return add_role(user_id, Role.IT_ADMIN, "JOHO", date(2026, 4, 1))


def end_yesterday(grant_id: int) -> None:
    db.session.get(RoleAssignment, grant_id).valid_to = today_local() - timedelta(days=1)
    db.session.commit()


def test_a_role_ending_mid_session_takes_effect_on_the_next_request(app, client, demo):
    with app.app_context():
        it_grant = counter_staff_and_it("both1")
    login(client, "both1", PASSWORD)
    assert client.get("/admin/staff_user/").status_code == 200
    with app.app_context():
        end_yesterday(it_grant)
    assert client.get("/admin/staff_user/").status_code == 403  # the same session, IT gone
    assert client.get("/admin/registrant/").status_code == 200  # still counter staff


def test_no_access_outlives_its_request(app, client, demo):
    """Even where an application context is kept across requests (g with it, as in tests)."""
    with app.app_context():
        it_grant = counter_staff_and_it("both2")
        login(client, "both2", PASSWORD)
        assert client.get("/admin/staff_user/").status_code == 200
        end_yesterday(it_grant)
        assert client.get("/admin/staff_user/").status_code == 403


def test_login_and_logout_within_a_request_change_whose_access_it_is(app, demo):
    with app.test_request_context():
        assert current_access() is NO_ACCESS
        chief, it = person("chief1"), person("it1")
        login_user(chief)
        assert current_access().user_id == chief.id and current_access().has(Role.SECTION_CHIEF)
        login_user(it)
        assert current_access().user_id == it.id and current_access().roles == {Role.IT_ADMIN}
        logout_user()
        assert current_access() is NO_ACCESS


def test_what_a_chief_a_clerk_and_a_confirmer_may_do(app, demo):
    with app.app_context():
        kominkan = db.session.scalar(select(Section).where(Section.code == "KOMINKAN"))
        central = db.session.scalar(select(Facility).where(Facility.name == "中央公民館"))
        chief, clerk = access_of(person("chief1")), access_of(person("staff1"))
        assert chief.roles == {Role.SECTION_CHIEF} and chief.section_id == kominkan.id
        assert chief.facility_ids == section_facilities("KOMINKAN")
        assert chief.chief_sections == {kominkan.id} == chief.confirm_sections
        assert chief.is_chief_of(kominkan.id) and chief.may_confirm_for(kominkan.id)
        assert clerk.facility_ids == {central.id} and clerk.serves(central.id)
        assert not clerk.chief_sections and not clerk.confirm_sections
        assert not clerk.sees_every_section and access_of(person("auditor1")).sees_every_section
        confirmer = make_user("confirmer9", Role.FACILITY_STAFF)
        db.session.get(StaffUser, confirmer).assignments[0].designated_confirmer = True
        mine = access_of(db.session.get(StaffUser, confirmer))
        assert mine.confirm_sections == {kominkan.id} and not mine.chief_sections
        assert mine.facility_ids == section_facilities("KOMINKAN")  # no facility named


def test_an_unusable_id_has_no_roles_and_says_why(app, demo):
    with app.app_context():
        chief = person("chief1")
        chief.status = StaffStatus.SUSPENDED
        access = access_of(chief)
        assert access.roles == frozenset() and not access.chief_sections
        assert not access.confirm_sections
        assert access.refusal_reasons == ("このIDは停止中です。",)
        # The counter it served is still its own (a paper form it received stays received).
        assert access.facility_ids == section_facilities("KOMINKAN")
        db.session.rollback()
        pending = make_user("pending1", role_from=date(2030, 4, 1))
        assert access_of(db.session.get(StaffUser, pending)).refusal_reasons == (
            "本日有効な権限の割当がありません。",
        )


def test_access_of_reads_the_assignments_in_a_few_queries(app, demo):
    with app.app_context():
        chief = person("chief1")
        clerk = person("staff1")
        statements = []
        listen = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            access_of(chief)
            chief_queries = len(statements)
            statements.clear()
            access_of(clerk)
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
        # assignments, their facilities, the facilities of whole sections
        assert chief_queries <= 3 and len(statements) <= 3
