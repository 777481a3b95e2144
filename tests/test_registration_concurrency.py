"""A chief who corrects an entry and confirms it in two tabs at the same moment: the correction
and the confirmation never interleave — over real HTTP, one request held at the worst point
while the other runs. Either the chief corrected it (then someone else confirms it), or it was
confirmed first (then the correction is refused, the address unchanged)."""

import threading

import pytest
from sqlalchemy import select

from admin_app.demo_data import DEMO_PASSWORD
from admin_app.extensions import db
from models import Registrant, RegistrantHistory, RegistrantStatus, StaffUser
from tests.builders import make_registrant
from tests.conftest import csrf_token
from tests.test_change_notice_concurrency import session_for
from tests.test_registration_trail import edit_data

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
        corrected_by = set(db.session.scalars(select(RegistrantHistory.changed_by_id).where(
            RegistrantHistory.registrant_id == rid)))
        return registrant.status, registrant.confirmed_by_id, registrant.address, corrected_by


@pytest.mark.parametrize("first", ["correction", "confirmation"])
def test_a_correction_and_a_confirmation_by_the_same_chief_never_interleave(
        app, live_server, monkeypatch, first):
    import models.registration_trail as trail
    import views.registration as screens

    with app.app_context():
        rid = make_registrant(name="競合の会", confirmed=False, entered_by="staff1")
        chief1 = db.session.scalar(select(StaffUser.id).where(StaffUser.login == "chief1"))
    editor = session_for(live_server, "chief1", DEMO_PASSWORD)
    confirmer = session_for(live_server, "chief1", DEMO_PASSWORD)
    data = edit_data(editor.get(f"{live_server}/admin/registrant/edit/?id={rid}").text,
                     address=CORRECTED)
    token = csrf_token(confirmer.get(f"{live_server}/admin/registrant/details/?id={rid}").text)
    statuses: dict[str, int] = {}

    def correct():
        statuses["correction"] = editor.post(
            f"{live_server}/admin/registrant/edit/?id={rid}", data=data,
            allow_redirects=False, timeout=30).status_code

    def confirm():
        statuses["confirmation"] = confirmer.post(
            f"{live_server}/admin/registrant/confirm/?id={rid}", data={"csrf_token": token},
            allow_redirects=False, timeout=30).status_code

    # The first request stops just before it writes; the second runs meanwhile.
    reached, release = (hold_at(monkeypatch, screens, "record_changes") if first == "correction"
                        else hold_at(monkeypatch, trail, "confirmation_problems"))
    steps = {"correction": correct, "confirmation": confirm}
    held = threading.Thread(target=steps[first])
    held.start()
    assert reached.wait(5)
    other = threading.Thread(target=steps["confirmation" if first == "correction"
                                          else "correction"])
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
            RegistrantStatus.PENDING, None, CORRECTED, {chief1})
