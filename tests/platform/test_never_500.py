"""No 500 from any byte: every endpoint of the app, as anonymous and as each demo role, with a
NUL in each parameter it reads and in each field of each form it posts (a Japanese 400, nothing
changed), and with other bytes nobody types (never a 500). Runs on SQLite and PostgreSQL.

The parameters an endpoint reads are observed, not listed: a first, plain request records
every query parameter the app asks for."""

import re
from urllib.parse import urlencode

import pytest
from flask import request, url_for
from sqlalchemy import func, select
from werkzeug.datastructures import ImmutableMultiDict

from admin_app.demo.loader import USERS
from admin_app.extensions import db
from admin_app.permissions import allows
from tests.builders import facility_id
from tests.support import csrf_token, login

NUL = "a\x00b"
NUL_JA = "入力できない文字（NUL）が含まれているため、処理しませんでした。"
HOSTILE = [
    "\x01\x1b[31m",
    "\u202e\u200b",
    "-1",
    "99999999999999999999",
    "0001-01-01",
    "9999-12-31",
    "1899-12-31 to 2999-01-01",
    "x" * 2000,
    # A digit to str.isdigit() that int() refuses; a keyset cursor whose time leaves
    # the calendar once in UTC, and one whose id is beyond any id.
    "²",
    "0001-01-01T00:00:00+14:00_1",
    "2026-01-01T00:00:00_99999999999999999999",
]
ROLE_OF = {login_id: role for login_id, *_, role, _ in USERS}
WALKERS = [None, "staff1", "chief1", "it1", "contractor1", "records1", "auditor1"]
# Rows the walk itself writes (its requests are logged, its logins counted and sessions kept).
WRITTEN_BY_THE_WALK = {
    "access_log",
    "access_log_head",
    "security_event",
    "login_attempt",
    "staff_session",
    "public_version",
}
# Endpoints whose URL names a record: the parameter carrying it.
RECORD_PARAM = {
    "registrant_id": ("change_notice.receive",),
    "facility_id": ("registrant.blank_form",),
}
ID_ENDPOINTS = (
    "details_view",
    "edit_view",
    "delete_view",
    "print_view",
    "lifecycle",
    "reset_password",
    "second_half",
    "change_notice.details",
    "change_notice.enter",
    "change_notice.decide",
    "change_notice.print_view",
)
# Where the form of an endpoint that only takes POSTs is found.
FORM_HOST = {
    "lifecycle": "details_view",
    "reset_password": "details_view",
    "second_half": "details_view",
    "decide": "details",
    "record": "index",
    "action_view": "index_view",
    "delete_view": "details_view",
    "ajax_update": "index_view",
}
# Sent when the host page shows no form to this user (the names our POST-only views read).
GENERIC_FIELDS = ["action", "id", "next", "reason", "rowid", "url"]
FORM_FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')

read_params: set[str] = set()


class RecordingArgs(ImmutableMultiDict):
    """request.args that notes every parameter the app asks for."""

    def get(self, key, default=None, type=None):
        read_params.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        read_params.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        read_params.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        read_params.add(key)
        return super().__contains__(key)


def answer(client, method: str, url: str, **kwargs) -> tuple[int, str]:
    """Status and body of a request; the response is closed (static files are streamed)."""
    with client.open(url, method=method, **kwargs) as response:
        return response.status_code, response.get_data(as_text=True)


def record_reads() -> None:
    request.__dict__["args"] = RecordingArgs(request.args)


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables
            if t.name not in WRITTEN_BY_THE_WALK
        }


def reachable(endpoint: str, login_id: str | None) -> bool:
    if login_id is None:
        return True  # anonymous tries everything (and is sent to the login)
    return allows(endpoint, frozenset({ROLE_OF[login_id]}), True)


def first_id(client, url: str, pattern: str = r"details/\?id=(\d+)") -> str:
    match = re.search(pattern, answer(client, "GET", url)[1])
    return match.group(1) if match else "1"


class Walk:
    def __init__(self, app, client, login_id):
        self.app, self.client, self.login_id = app, client, login_id
        admin = app.extensions["admin"][0]
        self.filter_args = {
            v.endpoint: [f"flt0_{a}" for a in (v._filter_args or {})]
            for v in admin._views
            if hasattr(v, "_filter_args")
        }
        self.ids: dict[str, str] = {}

    def record_id(self, endpoint: str) -> str:
        view = endpoint.split(".")[0]
        if view not in self.ids:
            if view == "change_notice":
                self.ids[view] = first_id(self.client, "/admin/change_notice/")
            else:
                self.ids[view] = first_id(self.client, f"/admin/{view}/")
        return self.ids[view]

    def url(self, endpoint: str, **query) -> str:
        rule = next(self.app.url_map.iter_rules(endpoint))
        values = {
            "export_type": "csv",
            "filename": "site.css",
            "circle_id": 1,
            "entry_id": 1,
            "facility_id": 1,
            "room_id": 1,
        }
        if endpoint == "admin.static":
            values["filename"] = "admin/js/helpers.js"
        args = {a: values[a] for a in rule.arguments}
        if endpoint.endswith(ID_ENDPOINTS):
            args["id"] = self.record_id(endpoint)
        if endpoint in RECORD_PARAM["registrant_id"]:
            args["registrant_id"] = self.record_id("registrant.index_view")
        if endpoint in RECORD_PARAM["facility_id"]:
            with self.app.app_context():
                from models import StaffUser
                from models.staff.access import access_of

                user = db.session.scalar(
                    select(StaffUser).where(StaffUser.login == (self.login_id or ""))
                )
                ids = sorted(access_of(user).facility_ids) if user else []
            args["facility_id"] = str(ids[0]) if ids else "1"
        with self.app.test_request_context():
            base = url_for(endpoint, **args)
        extra = urlencode(query)
        return f"{base}{'&' if '?' in base else '?'}{extra}" if extra else base

    def get_params(self, endpoint: str) -> set[str]:
        read_params.clear()
        assert answer(self.client, "GET", self.url(endpoint))[0] < 500, endpoint
        view = endpoint.split(".")[0]
        listed = (
            self.filter_args.get(view, []) if endpoint.endswith(("index_view", "export")) else []
        )
        return set(read_params) | set(listed)

    def form(self, endpoint: str) -> tuple[list[str], str]:
        """The fields of the endpoint's form and a CSRF token of this session."""
        suffix = endpoint.split(".")[1]
        host = (
            endpoint
            if "GET" in next(self.app.url_map.iter_rules(endpoint)).methods
            else f"{endpoint.split('.')[0]}.{FORM_HOST.get(suffix, 'index_view')}"
        )
        html = (
            answer(self.client, "GET", self.url(host))[1]
            if host in {r.endpoint for r in self.app.url_map.iter_rules()}
            else ""
        )
        if 'name="csrf_token"' not in html:
            html += answer(self.client, "GET", "/login")[1]
        fields = sorted(set(FORM_FIELD.findall(html)) - {"csrf_token"}) or GENERIC_FIELDS
        return fields, csrf_token(html)


def nul_is_refused_everywhere(
    walk: Walk, client, endpoints: list[str], rules: dict
) -> tuple[int, int]:
    """A NUL in each parameter a GET reads and each field a POST form has: a Japanese 400.
    Returns how many parameters and fields were checked."""
    get_checked = post_checked = 0
    for endpoint in endpoints:
        if "GET" in rules[endpoint]:
            for param in sorted(walk.get_params(endpoint)):
                status, html = answer(client, "GET", walk.url(endpoint, **{param: NUL}))
                assert status == 400 and NUL_JA in html, (endpoint, param)
                get_checked += 1
        if "POST" in rules[endpoint]:
            fields, token = walk.form(endpoint)
            for field in fields:
                status, html = answer(
                    client, "POST", walk.url(endpoint), data={field: NUL, "csrf_token": token}
                )
                assert status == 400 and NUL_JA in html, (endpoint, field)
                post_checked += 1
    return get_checked, post_checked


def hostile_values_never_500(walk: Walk, client, endpoints: list[str], rules: dict) -> None:
    """Control characters, bidi marks, huge numbers, invalid UTF-8: never a 500."""
    for endpoint in endpoints:
        if "GET" in rules[endpoint]:
            for param in sorted(walk.get_params(endpoint)):
                for value in HOSTILE:
                    status, _ = answer(client, "GET", walk.url(endpoint, **{param: value}))
                    assert status < 500, (endpoint, param, value)
                url = walk.url(endpoint)
                status, _ = answer(
                    client, "GET", f"{url}{'&' if '?' in url else '?'}{param}=%FF%FE%ED%A0%80"
                )
                assert status < 500, (endpoint, param, "invalid UTF-8")
        if "POST" in rules[endpoint] and endpoint != "auth.logout":
            fields, token = walk.form(endpoint)
            for field in fields:
                for value in HOSTILE[:3]:
                    status, _ = answer(
                        client, "POST", walk.url(endpoint), data={field: value, "csrf_token": token}
                    )
                    assert status < 500, (endpoint, field, value)


@pytest.mark.slow
@pytest.mark.parametrize("login_id", WALKERS, ids=lambda v: v or "anonymous")
def test_no_byte_in_any_parameter_or_field_gives_a_500(app, full_demo, new_app, login_id):
    other = new_app()
    other.before_request_funcs.setdefault(None, []).insert(0, record_reads)
    client = other.test_client()
    if login_id:
        assert login(client, login_id).status_code == 302
    walk = Walk(other, client, login_id)
    endpoints = [
        e for e in sorted(r.endpoint for r in other.url_map.iter_rules()) if reachable(e, login_id)
    ]
    rules = {r.endpoint: r.methods for r in other.url_map.iter_rules()}
    before = counts(app)
    get_checked, post_checked = nul_is_refused_everywhere(walk, client, endpoints, rules)
    assert counts(app) == before  # nothing a NUL request touched was saved
    assert get_checked > 0 and post_checked > 0
    hostile_values_never_500(walk, client, endpoints, rules)


# --- ids nobody's record has, in bulk actions and in ids of POST-only screens ---------------

# "²" and "١" pass str.isdigit() (int() refuses the first); the others cannot name a record.
BAD_IDS = ["²", "١", "99999999999999999999", "-1", "0", "1e3", " 7", "abc"]


def bulk_actions(app) -> list[tuple[str, str, str]]:
    """(view, action, a demo login allowed to run it) for every bulk action of every list."""
    from admin_app.permissions import TABLE

    found = []
    for view in app.extensions["admin"][0]._views:
        for name in getattr(view, "_actions_data", {}):
            allow = TABLE[f"{view.endpoint}.action_view:{name}"].allow
            runners = sorted(
                login_id
                for login_id, role in ROLE_OF.items()
                if not isinstance(allow, str) and role in allow
            )
            if runners:
                found.append((view.endpoint, name, runners[0]))
    return found


def rows_of(app, endpoint: str) -> list[tuple]:
    with app.app_context():
        view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == endpoint)
        table = view.model.__table__
        return [tuple(r) for r in db.session.execute(select(table).order_by(*table.primary_key))]


def test_bulk_actions_with_ids_no_record_can_have_change_nothing_and_never_give_a_500(
    app, full_demo
):
    actions = bulk_actions(app)
    assert {(v, a) for v, a, _ in actions} >= {
        ("registrant", "renew"),
        ("registrant", "confirm_registration"),
        ("registrant", "confirm_activity"),
        ("talent_entry", "renew"),
        ("talent_entry", "confirm_activity"),
        ("talent_entry", "delete"),
    }
    for endpoint, name, login_id in actions:
        client = app.test_client()
        assert login(client, login_id).status_code == 302
        before = rows_of(app, endpoint)
        token = csrf_token(answer(client, "GET", f"/admin/{endpoint}/")[1])
        status, _ = answer(
            client,
            "POST",
            f"/admin/{endpoint}/action/",
            data={"action": name, "rowid": BAD_IDS, "csrf_token": token},
        )
        assert status == 302, (endpoint, name)
        assert rows_of(app, endpoint) == before, (endpoint, name)


def test_a_bulk_delete_of_talent_bank_entries_works_on_every_database(app, full_demo):
    """Flask-Admin's own delete action compared the ids as text: PostgreSQL refused the query
    and the page flashed the raw database error instead of deleting anything."""
    from models import TalentEntry

    with app.app_context():
        own = db.session.scalars(
            select(TalentEntry.id)
            .where(TalentEntry.facility_id == facility_id("中央公民館"))
            .order_by(TalentEntry.id)
            .limit(2)
        ).all()
        total = db.session.scalar(select(func.count()).select_from(TalentEntry))
    assert len(own) == 2
    client = app.test_client()
    login(client, "staff1")
    token = csrf_token(answer(client, "GET", "/admin/talent_entry/")[1])
    response = client.post(
        "/admin/talent_entry/action/",
        data={"action": "delete", "rowid": [str(i) for i in own] + ["²"], "csrf_token": token},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 レコードが正常に削除されました" in html
    assert "失敗" not in html and "SQL" not in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TalentEntry)) == total - 2
        assert not db.session.scalars(select(TalentEntry.id).where(TalentEntry.id.in_(own))).all()


@pytest.mark.parametrize(
    "login_id,url",
    [
        ("it2", "/admin/grants/decide/?id=%C2%B2"),
        ("it2", "/admin/grants/decide-batch/?id=%C2%B2"),
        ("it2", "/admin/grants/decide/?id=99999999999999999999"),
        ("staff1", "/admin/registrant/confirm/?id=%C2%B2"),
        ("it1", "/admin/staff_user/lifecycle/?id=%C2%B2"),
        ("staff1", "/admin/change_notice/decide/?id=%C2%B2"),
    ],
)
def test_an_id_no_record_can_have_in_a_post_only_screen_is_a_404(app, full_demo, login_id, url):
    client = app.test_client()
    login(client, login_id)
    before = counts(app)
    token = csrf_token(answer(client, "GET", "/admin/")[1])
    status, _ = answer(client, "POST", url, data={"action": "approve", "csrf_token": token})
    assert status == 404
    assert counts(app) == before
