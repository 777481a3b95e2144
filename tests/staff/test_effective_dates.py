"""Permissions follow effective-dated assignments at the moment of each request."""

from datetime import UTC, date, datetime

import time_machine

from admin_app.extensions import db
from models import Role, StaffUser
from models.staff.access import access_of
from tests.builders import PASSWORD
from tests.builders.staff import add_role, make_user
from tests.support import login

# 2026-12-01 00:00 in Tokyo is 2026-11-30 15:00 UTC.
BEFORE_MIDNIGHT = datetime(2026, 11, 30, 14, 59, 59, tzinfo=UTC)
MIDNIGHT = datetime(2026, 11, 30, 15, 0, 0, tzinfo=UTC)


def test_a_transfer_takes_effect_at_midnight_tokyo_on_every_request(app, client, demo):
    """Staff of 公民館 until 30 Nov, IT from 1 Dec: no job runs, the request decides."""
    with app.app_context():
        user_id = make_user("mover1", role_to=date(2026, 11, 30))
        add_role(user_id, Role.IT_ADMIN, "JOHO", date(2026, 12, 1))
    with time_machine.travel(BEFORE_MIDNIGHT, tick=False):
        login(client, "mover1", PASSWORD)
        assert client.get("/admin/facility/").status_code == 200
        assert client.get("/admin/staff_user/").status_code == 403
    with time_machine.travel(MIDNIGHT, tick=False):
        assert client.get("/admin/staff_user/").status_code == 200
        assert client.get("/admin/facility/").status_code == 200  # IT reads organisation
        assert client.get("/admin/room/").status_code == 200


def test_assignment_ending_yesterday_gives_no_access_today(app, client, demo):
    with app.app_context():
        make_user("leaver1", role_to=date(2026, 11, 30))
    with time_machine.travel(BEFORE_MIDNIGHT, tick=False):
        login(client, "leaver1", PASSWORD)
        assert client.get("/admin/facility/").status_code == 200
    with time_machine.travel(MIDNIGHT, tick=False):
        # No valid role left: the session is refused and the login page is shown.
        response = client.get("/admin/facility/")
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_roles_computed_from_dates(app, demo):
    with app.app_context():
        user_id = make_user("future2", role_from=date(2026, 12, 1))
        user = db.session.get(StaffUser, user_id)
        assert access_of(user, BEFORE_MIDNIGHT).roles == frozenset()
        assert access_of(user, MIDNIGHT).roles == {Role.FACILITY_STAFF}
