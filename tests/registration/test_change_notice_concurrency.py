"""Two people confirm the same notice at the same moment, over real HTTP: applied once."""

import threading

import pytest
from sqlalchemy import func, select

from admin_app.demo.loader import DEMO_PASSWORD
from admin_app.extensions import db
from models import ChangeNotice, NoticeState, Registrant, RegistrantHistory, Role, StaffUser
from tests.builders import PASSWORD
from tests.builders.registration import make_entered_notice, make_registrant
from tests.builders.staff import make_user
from tests.support import csrf_token, session_for

ROUNDS = 3


def click(session, url, token, barrier, statuses) -> None:
    """Both people press 確定 at the same moment."""
    barrier.wait()
    response = session.post(
        url, data={"action": "confirm", "csrf_token": token}, allow_redirects=False, timeout=30
    )
    statuses.append(response.status_code)


@pytest.mark.slow
def test_concurrent_confirmation_applies_exactly_once(app, live_server):
    with app.app_context():
        uid = make_user("confirmer1", Role.FACILITY_STAFF, "KOMINKAN")
        db.session.get(StaffUser, uid).assignments[0].designated_confirmer = True
        db.session.commit()
    chief = session_for(live_server, "chief1", DEMO_PASSWORD)
    confirmer = session_for(live_server, "confirmer1", PASSWORD)
    for round_number in range(ROUNDS):
        with app.app_context():
            rid = make_registrant(name=f"同時確認{round_number}の会", name_kana="ドウジカクニン")
            notice_id = make_entered_notice(rid, values={"phone": f"090-5555-{round_number:04d}"})
        url = f"{live_server}/admin/change_notice/details/?id={notice_id}"
        tokens = {s: csrf_token(s.get(url, timeout=10).text) for s in (chief, confirmer)}
        barrier = threading.Barrier(2)
        statuses: list[int] = []
        decide_url = f"{live_server}/admin/change_notice/decide/?id={notice_id}"
        threads = [
            threading.Thread(target=click, args=(s, decide_url, tokens[s], barrier, statuses))
            for s in (chief, confirmer)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert statuses == [302, 302]
        pages = [s.get(url, timeout=10).text for s in (chief, confirmer)]
        succeeded = [p for p in pages if f"N-{round_number + 1:06d} を確定し" in p]
        refused = [p for p in pages if "既に他の職員が処理しました" in p]
        assert (len(succeeded), len(refused)) == (1, 1), round_number
        with app.app_context():
            history = db.session.scalar(
                select(func.count())
                .select_from(RegistrantHistory)
                .where(RegistrantHistory.notice_id == notice_id)
            )
            notice = db.session.get(ChangeNotice, notice_id)
            phone = db.session.get(Registrant, rid).phone
        assert history == 1
        assert notice.state == NoticeState.CONFIRMED
        assert phone == f"090-5555-{round_number:04d}"


def test_a_chief_cannot_confirm_values_they_entered_in_another_tab_meanwhile(
    app, live_server, monkeypatch
):
    """chief1 presses 確定 on staff1's entry; while that request runs, chief1 returns the notice
    and enters other values in a second tab. The confirmation must not apply chief1's own
    entry (the four-eyes rule is checked with the claim, not before it)."""
    import models.registration.change_notice as notices

    with app.app_context():
        rid = make_registrant(name="二重入力の会", name_kana="ニジュウニュウリョク")
        notice_id = make_entered_notice(rid, values={"phone": "090-1111-2222"})
        before = db.session.get(Registrant, rid).phone
    tab1 = session_for(live_server, "chief1", DEMO_PASSWORD)
    tab2 = session_for(live_server, "chief1", DEMO_PASSWORD)
    url = f"{live_server}/admin/change_notice/details/?id={notice_id}"
    token1, token2 = (
        csrf_token(tab1.get(url, timeout=10).text),
        csrf_token(tab2.get(url, timeout=10).text),
    )
    reached, release = threading.Event(), threading.Event()
    original = notices.now_utc

    def held():
        if not reached.is_set():  # the confirmation's clock: stop there once
            reached.set()
            release.wait(5)
        return original()

    monkeypatch.setattr(notices, "now_utc", held)
    statuses: list[int] = []
    confirm = threading.Thread(
        target=lambda: statuses.append(
            tab1.post(
                f"{live_server}/admin/change_notice/decide/?id={notice_id}",
                data={"action": "confirm", "csrf_token": token1},
                allow_redirects=False,
                timeout=30,
            ).status_code
        )
    )
    confirm.start()
    assert reached.wait(5)
    decide_url = f"{live_server}/admin/change_notice/decide/?id={notice_id}"
    assert (
        tab2.post(
            decide_url,
            data={"action": "return", "reason": "電話番号の再確認", "csrf_token": token2},
            allow_redirects=False,
            timeout=30,
        ).status_code
        == 302
    )
    enter_url = f"{live_server}/admin/change_notice/enter/?id={notice_id}"
    token = csrf_token(tab2.get(enter_url, timeout=10).text)
    assert (
        tab2.post(
            enter_url,
            data={"phone": "090-9999-9999", "csrf_token": token},
            allow_redirects=False,
            timeout=30,
        ).status_code
        == 302
    )
    release.set()
    confirm.join()
    assert statuses == [302]
    with app.app_context():
        notice = db.session.get(ChangeNotice, notice_id)
        assert (notice.state, notice.entered_by.login) == (
            NoticeState.ENTERED,
            "chief1",
        )  # waits for someone other than chief1
        assert db.session.get(Registrant, rid).phone == before
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(RegistrantHistory)
                .where(RegistrantHistory.notice_id == notice_id)
            )
            == 0
        )
