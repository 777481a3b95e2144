"""A chief who corrects an entry and confirms it in two tabs at the same moment: the correction
and the confirmation never interleave — over real HTTP, one request held at the worst point
while the other runs. Either the chief corrected it (then someone else confirms it), or it was
confirmed first (then the correction is refused, the address unchanged)."""

import threading

import pytest
from sqlalchemy import func, select

from admin_app.demo.loader import DEMO_PASSWORD
from admin_app.extensions import db
from models import Registrant, RegistrantHistory, RegistrantStatus, StaffUser
from tests.builders import PASSWORD
from tests.builders.registration import designated_confirmer, edit_data, make_registrant
from tests.builders.staff import make_user
from tests.support import csrf_token, gunicorn, session_for

ADDRESS = "東村山市本町1丁目2番3号"
CORRECTED = "東村山市本町9丁目9番"


def hold_at(monkeypatch, module, name: str):
    """Make `module.name` wait (at most 3 s) until released: (reached, release) events."""
    reached, release = threading.Event(), threading.Event()
    original = getattr(module, name)

    def held(*args, **kwargs):
        reached.set()
        release.wait(3)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, held)
    return reached, release


def outcome(app, rid: int) -> tuple:
    with app.app_context():
        registrant = db.session.get(Registrant, rid)
        corrected_by = set(
            db.session.scalars(
                select(RegistrantHistory.changed_by_id).where(
                    RegistrantHistory.registrant_id == rid
                )
            )
        )
        return registrant.status, registrant.confirmed_by_id, registrant.address, corrected_by


@pytest.mark.slow
@pytest.mark.parametrize("first", ["correction", "confirmation"])
def test_a_correction_and_a_confirmation_by_the_same_chief_never_interleave(
    app, live_server, monkeypatch, first
):
    import models.registration.trail as trail
    import views.registration.registrants as screens

    with app.app_context():
        rid = make_registrant(name="競合の会", confirmed=False, entered_by="staff1")
        chief1 = db.session.scalar(select(StaffUser.id).where(StaffUser.login == "chief1"))
    editor = session_for(live_server, "chief1", DEMO_PASSWORD)
    confirmer = session_for(live_server, "chief1", DEMO_PASSWORD)
    data = edit_data(
        editor.get(f"{live_server}/admin/registrant/edit/?id={rid}").text, address=CORRECTED
    )
    token = csrf_token(confirmer.get(f"{live_server}/admin/registrant/details/?id={rid}").text)
    statuses: dict[str, int] = {}

    def correct():
        statuses["correction"] = editor.post(
            f"{live_server}/admin/registrant/edit/?id={rid}",
            data=data,
            allow_redirects=False,
            timeout=30,
        ).status_code

    def confirm():
        statuses["confirmation"] = confirmer.post(
            f"{live_server}/admin/registrant/confirm/?id={rid}",
            data={"csrf_token": token},
            allow_redirects=False,
            timeout=30,
        ).status_code

    # The first request stops just before it writes; the second runs meanwhile.
    reached, release = (
        hold_at(monkeypatch, screens, "record_changes")
        if first == "correction"
        else hold_at(monkeypatch, trail, "confirmation_problems")
    )
    steps = {"correction": correct, "confirmation": confirm}
    held = threading.Thread(target=steps[first])
    held.start()
    assert reached.wait(5)
    other = threading.Thread(
        target=steps["confirmation" if first == "correction" else "correction"]
    )
    other.start()
    other.join(1.5)
    release.set()
    held.join()
    other.join()
    assert all(status in (200, 302, 403) for status in statuses.values()), statuses
    status, confirmed_by, address, corrected_by = outcome(app, rid)
    if status == RegistrantStatus.ACTIVE:  # confirmed: by chief1, who then corrected nothing
        assert (confirmed_by, address, corrected_by) == (chief1, ADDRESS, set())
    else:  # corrected by chief1, who therefore could not confirm it
        assert (status, confirmed_by, address, corrected_by) == (
            RegistrantStatus.PENDING,
            None,
            CORRECTED,
            {chief1},
        )


# --- two people press the same button at the same moment, in two worker processes ------------

ROUNDS = 3
ALREADY = "確認待ちではありません（確定済みか、他の職員が処理しました）"


def at_once(sessions, url: str, data: dict, tokens: dict) -> list[int]:
    """Every session POSTs `data` (with its CSRF token) to `url` at the same moment."""
    barrier = threading.Barrier(len(sessions))
    statuses: list[int] = []

    def press(session):
        data_of_session = data | {"csrf_token": tokens[id(session)]}
        barrier.wait()
        statuses.append(
            session.post(url, data=data_of_session, allow_redirects=False, timeout=60).status_code
        )

    threads = [threading.Thread(target=press, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def flashes(session, base: str, url: str) -> str:
    return session.get(f"{base}{url}", timeout=30).text


@pytest.fixture
def workers(app, demo):
    """The app in two gunicorn worker processes on the test database (SQLite: two writers)."""
    with gunicorn(app, 2) as base:
        yield base


@pytest.mark.slow
def test_two_confirmers_at_once_in_two_workers_confirm_once_and_see_no_error(app, workers):

    confirmer = designated_confirmer(app)
    people = [
        session_for(workers, "chief1", DEMO_PASSWORD),
        session_for(workers, confirmer, PASSWORD),
    ]
    for round_number in range(ROUNDS):
        with app.app_context():
            rid = make_registrant(
                name=f"同時確定{round_number}の会", confirmed=False, entered_by="staff1"
            )
            number = db.session.get(Registrant, rid).registration_number
        details = f"/admin/registrant/details/?id={rid}"
        tokens = {id(s): csrf_token(s.get(f"{workers}{details}", timeout=30).text) for s in people}
        statuses = at_once(people, f"{workers}/admin/registrant/confirm/?id={rid}", {}, tokens)
        assert statuses == [302, 302], (round_number, statuses)
        pages = [flashes(s, workers, details) for s in people]
        done = [p for p in pages if f"登録 {number} を確定しました" in p]
        refused = [p for p in pages if ALREADY in p]
        assert (len(done), len(refused)) == (1, 1), round_number
        with app.app_context():
            registrant = db.session.get(Registrant, rid)
            assert registrant.status == RegistrantStatus.ACTIVE
            assert registrant.confirmed_by.login in ("chief1", confirmer)


@pytest.mark.slow
def test_two_approvers_at_once_in_two_workers_decide_a_grant_once(app, workers):
    from datetime import date

    from models import GrantState, Role, RoleAssignment, Section, StaffEvent, StaffEventKind
    from models.staff.grants import enter_grant

    with app.app_context():
        make_user("chief9", Role.SECTION_CHIEF, "KOMINKAN")  # a second chief of 公民館
    people = [
        session_for(workers, "chief1", DEMO_PASSWORD),
        session_for(workers, "chief9", PASSWORD),
    ]
    for round_number in range(ROUNDS):
        with app.app_context():
            grantee = db.session.get(
                StaffUser, make_user(f"newclerk{round_number}", Role.AUDITOR, "SOMU")
            )
            it1 = db.session.scalar(select(StaffUser).where(StaffUser.login == "it1"))
            kominkan = db.session.scalar(select(Section).where(Section.code == "KOMINKAN"))
            grant = enter_grant(grantee, Role.FACILITY_STAFF, kominkan, date(2026, 4, 1), actor=it1)
            db.session.commit()
            grant_id = grant.id
        tokens = {
            id(s): csrf_token(s.get(f"{workers}/admin/grants/", timeout=30).text) for s in people
        }
        statuses = at_once(
            people,
            f"{workers}/admin/grants/decide/?id={grant_id}",
            {"action": "approve", "reason": ""},
            tokens,
        )
        assert statuses == [302, 302], (round_number, statuses)
        pages = [flashes(s, workers, "/admin/grants/") for s in people]
        assert sum("承認しました" in p for p in pages) == 1, round_number
        with app.app_context():
            assert db.session.get(RoleAssignment, grant_id).state == GrantState.APPROVED
            assert (
                db.session.scalar(
                    select(func.count())
                    .select_from(StaffEvent)
                    .where(
                        StaffEvent.kind == StaffEventKind.GRANT_APPROVED,
                        StaffEvent.details["assignment_id"].as_integer() == grant_id,
                    )
                )
                == 1
            )
