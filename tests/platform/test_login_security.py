"""Contractor gate, lockout, throttling, security events, and the stale-ID report."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from admin_app.extensions import db
from models import (
    ContractorCompany,
    SecurityEvent,
    SecurityEventKind,
    StaffStatus,
    StaffUser,
    TrainingRecord,
)
from models.clock import today_local
from tests.support import csrf_token, login

BAD_JA = "ログインIDまたはパスワードが正しくありません。"
LOCKED_JA = "失敗が続いたため、しばらくログインを制限しています"


def events(app, kind) -> list[SecurityEvent]:
    with app.app_context():
        rows = db.session.scalars(select(SecurityEvent).where(SecurityEvent.kind == kind)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def lapse(reason: str) -> None:
    contractor = db.session.scalar(select(StaffUser).where(StaffUser.login == "contractor1"))
    company = contractor.contractor_company
    today = today_local()
    if reason == "training":
        for record in db.session.scalars(
            select(TrainingRecord).where(TrainingRecord.user_id == contractor.id)
        ):
            record.trained_on = today - relativedelta(months=12) - timedelta(days=1)
    elif reason == "privacy_mark":
        company.privacy_mark_expires_on = today - timedelta(days=1)
    elif reason == "contract":
        company.contract_to = today - timedelta(days=1)
    elif reason == "unapproved_subcontractor":
        sub = db.session.scalar(
            select(ContractorCompany).where(ContractorCompany.parent_id.is_not(None))
        )
        sub.approved_on, sub.approved_by_id = None, None
        contractor.contractor_company = sub
    db.session.commit()


@pytest.mark.parametrize(
    "reason,text",
    [
        ("training", "研修"),
        ("privacy_mark", "プライバシーマーク"),
        ("contract", "契約期間外"),
        ("unapproved_subcontractor", "再委託が市に承認されていません"),
    ],
)
def test_contractor_gate_refuses_login_and_tells_only_it(app, demo, client, reason, text):
    assert login(client, "contractor1").status_code == 302
    assert client.get("/admin/system_health/").status_code == 200
    with app.app_context():
        lapse(reason)
    # The existing session stops at once ...
    response = client.get("/admin/system_health/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # ... a new login gets the generic message, never the reason ...
    response = login(client, "contractor1")
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert BAD_JA in html and text not in html
    # ... and IT sees why.
    (refused,) = events(app, SecurityEventKind.LOGIN_REFUSED)
    assert text in refused.detail
    it = app.test_client()
    login(it, "it1")
    report = it.get("/admin/it_dashboard/").get_data(as_text=True)
    lapsed = report.split('data-testid="contractor_lapsed"')[1].split("</table>")[0]
    assert "contractor1" in lapsed and "contractor2" in lapsed
    with app.app_context():
        uid = db.session.scalar(select(StaffUser.id).where(StaffUser.login == "contractor1"))
    assert text in it.get(f"/admin/staff_user/details/?id={uid}").get_data(as_text=True)


def attempt(client, login_id, password):
    return login(client, login_id, password)


@pytest.mark.parametrize("login_id", ["staff1", "nobody-at-all"])
def test_five_failures_lock_the_account_for_15_minutes_same_for_unknown(
    app, demo, client, login_id
):
    start = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(4):
            response = attempt(client, login_id, "wrong-password-xyz")
            assert response.status_code == 401 and BAD_JA in response.get_data(as_text=True)
            clock.shift(timedelta(minutes=1))
        fifth = attempt(client, login_id, "wrong-password-xyz")
        assert fifth.status_code == 429 and LOCKED_JA in fifth.get_data(as_text=True)
        # Locked: even the right password is not accepted, with the same answer.
        right = attempt(client, login_id, "demo-password-2026")
        assert right.status_code == 429 and LOCKED_JA in right.get_data(as_text=True)
        clock.shift(timedelta(minutes=14))
        assert attempt(client, login_id, "demo-password-2026").status_code == 429
        clock.shift(timedelta(minutes=2))
        expected = 302 if login_id == "staff1" else 401
        assert attempt(client, login_id, "demo-password-2026").status_code == expected
    assert len(events(app, SecurityEventKind.LOGIN_FAILED)) == 4 + (expected == 401)
    assert len(events(app, SecurityEventKind.LOCKOUT)) == 1
    assert len(events(app, SecurityEventKind.LOCKED_ATTEMPT)) == 2


def test_failures_spread_over_more_than_15_minutes_do_not_lock(app, demo, client):
    start = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(8):
            assert attempt(client, "staff1", "wrong-password-xyz").status_code == 401
            clock.shift(timedelta(minutes=4))
        assert attempt(client, "staff1", "demo-password-2026").status_code == 302


def test_one_address_is_throttled_across_accounts(app, demo, client, monkeypatch):
    start = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        statuses = [
            attempt(client, f"guess{n}", "wrong-password-xyz").status_code for n in range(31)
        ]
    assert statuses[:30] == [401] * 30 and statuses[30] == 429
    assert len(events(app, SecurityEventKind.THROTTLED)) == 1


def test_it_dashboard_counts_security_events_per_day(app, login_as):
    client = login_as("it1")
    other = app.test_client()
    for _ in range(3):
        attempt(other, "staff1", "wrong-password-xyz")
    html = client.get("/admin/it_dashboard/").get_data(as_text=True)
    table = html.split('data-testid="security-events"')[1].split("</table>")[0]
    today_row = table.split("<tbody>")[1].split("</tr>")[0]
    assert f"{today_local().month}月{today_local().day}日" in today_row
    assert ">3<" in today_row  # three failed logins today


def test_stale_report_lists_and_suspends_in_one_click(app, login_as):
    client = login_as("it1")
    html = client.get("/admin/it_dashboard/").get_data(as_text=True)
    unused = html.split('data-testid="unused"')[1].split("</table>")[0]
    assert "olduser1" in unused and "staff1" not in unused
    token = csrf_token(html)
    with app.app_context():
        old = db.session.scalar(select(StaffUser.id).where(StaffUser.login == "olduser1"))
    response = client.post(
        f"/admin/staff_user/lifecycle/?id={old}",
        data={
            "action": "suspend",
            "reason": "90日以上未使用",
            "next": "/admin/it_dashboard/",
            "csrf_token": token,
        },
    )
    assert response.headers["Location"] == "/admin/it_dashboard/"
    with app.app_context():
        assert db.session.get(StaffUser, old).status == StaffStatus.SUSPENDED
    # Redirects stay on this site.
    response = client.post(
        f"/admin/staff_user/lifecycle/?id={old}",
        data={
            "action": "reactivate",
            "reason": "x",
            "next": "https://evil.example/",
            "csrf_token": token,
        },
    )
    assert response.headers["Location"].startswith("/admin/staff_user/details/")


def test_no_security_event_stores_a_typed_password(app, demo, client):
    attempt(client, "staff1", "my-secret-guess-123")
    with app.app_context():
        dump = " ".join(
            str(v) for row in db.session.execute(select(SecurityEvent)).all() for v in row
        )
        assert db.session.scalar(select(func.count()).select_from(SecurityEvent)) == 1
    assert "my-secret-guess-123" not in dump
