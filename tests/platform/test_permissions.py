"""Deny by default: every endpoint is classified in the one permission table."""

import pytest

from admin_app.permissions import TABLE
from tests.support import login


def test_every_endpoint_of_the_app_is_classified(app):
    unclassified = sorted({rule.endpoint for rule in app.url_map.iter_rules()} - set(TABLE))
    assert unclassified == [], f"missing from admin_app/permissions/<domain>.py: {unclassified}"


def test_every_bulk_action_of_every_admin_view_is_classified(app):
    admin = app.extensions["admin"][0]
    missing = [
        f"{view.endpoint}.action_view:{name}"
        for view in admin._views
        for name, _ in getattr(view, "_actions", [])
        if f"{view.endpoint}.action_view:{name}" not in TABLE
    ]
    assert missing == []


def test_the_table_names_no_endpoint_that_does_not_exist(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    stale = sorted(e for e in TABLE if e.split(":")[0] not in endpoints)
    assert stale == []


def test_an_endpoint_nobody_classified_is_denied_even_to_it_admin(demo, new_app):
    app = new_app()

    @app.route("/admin/forgotten")
    def forgotten():
        return "secret"

    client = app.test_client()
    login(client, "it1")
    response = client.get("/admin/forgotten")
    assert response.status_code == 403
    assert "secret" not in response.get_data(as_text=True)


def test_repeated_app_creation_builds_independent_admins(new_app):
    first, second = new_app(), new_app()
    assert first.extensions["admin"][0] is not second.extensions["admin"][0]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/facility/",
        "/admin/staff_user/",
        "/admin/system_health/",
        "/admin/section/details/?id=1",
    ],
)
def test_anonymous_back_office_requests_go_to_the_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
