"""Every list filter of every back-office list answers with the right rows — for every role
that reads the list, every filter and every option the page offers, in the list and in the
CSV export. The filters and their options are read from the running app's views."""

import csv
import io
import json
import re
from datetime import date
from urllib.parse import urlencode

import pytest
from flask_admin.contrib.sqla import filters as sqla
from sqlalchemy import select

from admin_app.demo.loader import USERS
from admin_app.extensions import db
from admin_app.permissions import TABLE
from models import Registrant, RegistrantStatus
from tests.builders.registration import make_registrant
from tests.support import login
from views import filters as ours
from views.base import AppModelView

INVALID_JA = "無効なフィルター値"  # Flask-Admin's flash for a value it cannot use
ROW_ID = re.compile(r"details/\?id=(\d+)")
# Lists without a details page link each row to the record's own page.
ROW_LINKS = {"booking": re.compile(r"/admin/reservation/booking/\?id=(\d+)")}
TEXT_FILTERS = (
    sqla.FilterLike,
    sqla.FilterNotLike,
    sqla.FilterEqual,
    sqla.FilterNotEqual,
    sqla.FilterInList,
    sqla.FilterNotInList,
)
DEMO_LOGIN_OF_ROLE = {role: login_id for login_id, *_, role, _ in reversed(USERS)}


def filtered_views(app) -> list[AppModelView]:
    admin = app.extensions["admin"][0]
    return [v for v in admin._views if isinstance(v, AppModelView) and v._filters]


def readers(endpoint: str) -> list[str]:
    """One demo login per role that the permission table lets read the list."""
    allow = TABLE[f"{endpoint}.index_view"].allow
    assert not isinstance(allow, str), "a list of records is never public"
    return sorted(DEMO_LOGIN_OF_ROLE[role] for role in allow if role in DEMO_LOGIN_OF_ROLE)


def row_ids(html: str, endpoint: str | None = None) -> list[int]:
    pattern = ROW_LINKS.get(endpoint or "", ROW_ID)
    return list(dict.fromkeys(int(i) for i in pattern.findall(html)))


# Lists that open on current rows only; the rest is a filter away.
PAST_ROWS = {"registrant": [f"flt0_5={s}" for s in ("expired", "withdrawn", "erased")]}


def visible_rows(client, endpoint: str, past: bool = True) -> set[int]:
    """Every row the user may see: the unfiltered list page after page, and (`past`) the past
    rows a list shows only when filtered for them."""
    seen: set[int] = set()
    for query in ["", *(PAST_ROWS.get(endpoint, []) if past else [])]:
        for page in range(100):
            url = f"/admin/{endpoint}/?page={page}&{query}"
            ids = row_ids(client.get(url).get_data(as_text=True), endpoint)
            if not set(ids) - seen:  # beyond the last page: the last page again
                break
            seen |= set(ids)
        else:
            raise AssertionError("more pages than expected")
    return seen


def _raw(value):
    return getattr(value, "value", value)


def matches(flt, sent: str, actual) -> bool:
    """What the filter promises, written down independently of how it is done."""
    actual = _raw(actual)
    if isinstance(flt, sqla.FilterEmpty):
        return (actual is None) == (sent == "1")
    if isinstance(flt, ours.EnumNotInList):
        return actual is None or actual not in sent.split(",")
    if isinstance(flt, ours.EnumInList):
        return actual in sent.split(",")
    if isinstance(flt, ours.EnumNotEqual):
        return actual is not None and actual != sent
    if isinstance(flt, ours.EnumEqual):
        return actual == sent
    if isinstance(flt, TEXT_FILTERS):
        return text_matches(flt, sent, actual)
    if isinstance(flt, ours.DateNotBetween | ours.DateBetween):
        low, high = (date.fromisoformat(d) for d in sent.split(" to "))
        inside = actual is not None and low <= actual <= high
        return inside if type(flt) is ours.DateBetween else actual is not None and not inside
    day = date.fromisoformat(sent)
    if actual is None:
        return False
    return {
        ours.DateEqual: actual == day,
        ours.DateNotEqual: actual != day,
        ours.DateGreater: actual > day,
        ours.DateSmaller: actual < day,
    }[type(flt)]


def text_matches(flt, sent: str, actual) -> bool:
    """A text filter (a related room's name): contains, equals, one of — and their opposites,
    which leave out rows without a value as SQL does."""
    if actual is None:
        return False
    wanted = (
        sent.split(",") if isinstance(flt, sqla.FilterInList | sqla.FilterNotInList) else [sent]
    )
    if isinstance(flt, sqla.FilterLike | sqla.FilterNotLike):
        found = sent.lower() in actual.lower()
    else:
        found = actual in wanted
    return (
        not found
        if isinstance(flt, sqla.FilterNotLike | sqla.FilterNotEqual | sqla.FilterNotInList)
        else found
    )


def values_to_send(flt, view, dates: list) -> list[str]:
    """Every option the page offers (and for a list filter, two at once); for a date or text
    filter, values taken from the rows so that some rows fall on either side."""
    options = [str(v) for v, _ in (flt.get_options(view) or [])]
    if isinstance(flt, ours.EnumInList | ours.EnumNotInList):
        return [*options, ",".join(options[:2])]
    if options:
        return options
    if isinstance(flt, TEXT_FILTERS):
        known = sorted(set(dates)) or ["x"]
        if isinstance(flt, sqla.FilterInList | sqla.FilterNotInList):
            return [",".join(known[:2])]
        return [known[len(known) // 2]]
    known = sorted(set(dates)) or [date(2026, 4, 1)]
    low, mid = known[0], known[len(known) // 2]
    if isinstance(flt, ours.DateBetween | ours.DateNotBetween):
        return [f"{low.isoformat()} to {mid.isoformat()}"]
    return [mid.isoformat()]


def export_first_column(response) -> list[str]:
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    return [row[0] for row in rows[1:]]


def filtered_values(view, flt) -> dict[int, object]:
    """Each record's value of a filter's column, through the filter's joins (room.name)."""
    query = select(view.model.id, flt.column).select_from(view.model)
    for join in view._filter_joins.get(getattr(flt, "key_name", flt.column), []):
        query = query.outerjoin(join)
    return {row[0]: row[1] for row in db.session.execute(query)}


@pytest.mark.slow
def test_every_filter_and_option_answers_with_the_right_rows_for_every_reader(app, full_demo):
    checked = 0
    for view in filtered_views(app):
        with app.app_context():
            records = {r.id: r for r in db.session.scalars(select(view.model))}
            first_export = view._export_columns[0][0] if view._export_columns else None
            values = {
                (i, arg): value
                for arg, (_, flt) in view._filter_args.items()
                for i, value in filtered_values(view, flt).items()
            }
            # What the CSV shows in its first column (through the view's export formatters).
            labels = (
                {i: str(view.get_export_value(r, first_export)) for i, r in records.items()}
                if first_export
                else {}
            )
        for login_id in readers(view.endpoint):
            client = app.test_client()
            assert login(client, login_id).status_code == 302
            visible = visible_rows(client, view.endpoint)
            opening = visible_rows(client, view.endpoint, past=False)
            assert visible, f"{login_id} sees no {view.endpoint} rows: nothing to filter"
            exports = TABLE[f"{view.endpoint}.export"].allow
            may_export = not isinstance(exports, str) and any(
                DEMO_LOGIN_OF_ROLE.get(role) == login_id for role in exports
            )
            for arg, (_, flt) in view._filter_args.items():
                dates = [values[(i, arg)] for i in opening if values[(i, arg)] is not None]
                answers = set()
                for sent in values_to_send(flt, view, dates):
                    query = urlencode({f"flt0_{arg}": sent})
                    response = client.get(f"/admin/{view.endpoint}/?{query}")
                    where = f"{login_id} {view.endpoint} {flt.name} {flt.operation()} {sent!r}"
                    assert response.status_code == 200, where
                    html = response.get_data(as_text=True)
                    assert INVALID_JA not in html, where
                    # Other filters than the status keep to the rows the list opens on.
                    rows = visible if getattr(flt.column, "key", None) == "status" else opening
                    expected = {i for i in rows if matches(flt, sent, values[(i, arg)])}
                    shown = set(row_ids(html, view.endpoint))
                    assert shown <= expected, where
                    assert len(shown) == min(len(expected), view.page_size), where
                    answers.add(frozenset(expected))
                    if may_export:
                        exported = client.get(f"/admin/{view.endpoint}/export/csv/?{query}")
                        assert exported.status_code == 200, where
                        assert sorted(export_first_column(exported)) == sorted(
                            labels[i] for i in expected
                        ), where
                    checked += 1
                # The filter really filters: its options do not all give the same rows.
                assert len(answers) > 1 or len(values_to_send(flt, view, dates)) == 1, (
                    f"{view.endpoint} {flt.name} {flt.operation()} never narrows the list"
                )
    assert checked > 200  # every view, filter and option above was requested


def test_the_reproduced_request_lists_current_registrations_only(app, full_demo):
    """staff1: status equals 有効, exactly as the filter UI sends it (was a 500 KeyError)."""
    with app.app_context():
        expired = db.session.scalar(
            select(Registrant.id).where(Registrant.name == "期限切れ合唱団")
        )
    client = app.test_client()
    login(client, "staff1")
    current = client.get("/admin/registrant/?flt0_5=active")
    assert current.status_code == 200
    ids = row_ids(current.get_data(as_text=True))
    assert ids and expired not in ids
    with app.app_context():
        assert all(db.session.get(Registrant, i).status == RegistrantStatus.ACTIVE for i in ids)
    lapsed = client.get("/admin/registrant/?flt0_5=expired").get_data(as_text=True)
    assert expired in row_ids(lapsed)
    exported = client.get("/admin/registrant/export/csv/?flt0_5=active")
    assert exported.status_code == 200
    assert "期限切れ合唱団" not in exported.get_data(as_text=True)


def test_enum_options_show_japanese_labels_and_send_stored_values(app, full_demo):
    client = app.test_client()
    login(client, "staff1")
    html = client.get("/admin/registrant/").get_data(as_text=True)
    # The filter menus the page's script builds: {group label: [{operation, options}, ...]}.
    groups = json.loads(html.split('id="filter-groups-data" class="d-none">')[1].split("</div>")[0])
    status = {
        tuple(o)
        for f in groups["状態"]
        if f["options"] and f["operation"] == "等しい"
        for o in f["options"]
    }
    assert status == {
        ("pending", "確認待ち"),
        ("active", "有効"),
        ("expired", "期限切れ"),
        ("withdrawn", "廃止"),
        ("erased", "消去済み"),
    }
    kinds = {tuple(o) for f in groups["種別"] if f["operation"] == "等しい" for o in f["options"]}
    assert kinds == {("individual", "個人"), ("group", "団体（サークル）")}


@pytest.mark.parametrize(
    "value",
    [
        "nonsense",
        "ACTIVE",
        "1899-12-31",
        "9999-01-01",
        "2026-04-01 to 2025-04-01",
        "active,nonsense",
    ],
)
def test_a_value_no_option_offers_is_refused_with_a_message_never_a_500(app, full_demo, value):
    client = app.test_client()
    login(client, "staff1")
    unfiltered = row_ids(client.get("/admin/registrant/").get_data(as_text=True))
    for arg in ("5", "8", "9", "10", "12", "14"):  # status =, in, not in; expiry =, >, between
        response = client.get(f"/admin/registrant/?{urlencode({f'flt0_{arg}': value})}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert INVALID_JA in html, (arg, value)
        assert row_ids(html) == unfiltered  # listed as if the bad filter were not there


def test_the_registrant_list_opens_on_current_registrations_and_history_is_a_filter_away(
    app, full_demo
):
    with app.app_context():
        expired = db.session.scalar(
            select(Registrant.id).where(Registrant.name == "期限切れ合唱団")
        )
        erased = make_registrant(name="消去予定の会")
        db.session.get(Registrant, erased).status = RegistrantStatus.ERASED
        db.session.get(Registrant, erased).name = None
        db.session.commit()
    client = app.test_client()
    login(client, "staff1")
    html = client.get("/admin/registrant/").get_data(as_text=True)
    shown = row_ids(html)
    assert shown and expired not in shown and erased not in shown
    assert "（消去済み）" not in html
    with app.app_context():
        assert {db.session.get(Registrant, i).status for i in shown} <= {
            RegistrantStatus.ACTIVE,
            RegistrantStatus.PENDING,
        }
    assert expired in row_ids(
        client.get("/admin/registrant/?flt0_5=expired").get_data(as_text=True)
    )
    assert erased in row_ids(client.get("/admin/registrant/?flt0_5=erased").get_data(as_text=True))
    # A record of the past still opens from its link.
    assert client.get(f"/admin/registrant/details/?id={expired}").status_code == 200


def test_a_page_beyond_the_last_shows_the_last_page(app, full_demo):
    client = app.test_client()
    login(client, "it1")
    first = row_ids(client.get("/admin/room/").get_data(as_text=True), "room")
    beyond = client.get("/admin/room/?page=998")
    assert beyond.status_code == 200
    assert first and row_ids(beyond.get_data(as_text=True), "room") == first
    assert "999" not in beyond.get_data(as_text=True).split("<tbody", 1)[0][-3000:]
