"""Access-log builders: rows appended to the chain as if requests had been served."""

from admin_app.audit import chain_key
from admin_app.extensions import db
from models import AccessAction
from models.access_log.chain import append
from models.clock import now_utc
from tests.builders import section_id, user_id
from tests.support import token


def write(
    app,
    login_id: str,
    section_code: str,
    endpoint: str = "registrant.details_view",
    record: str | None = None,
    action: AccessAction = AccessAction.VIEW,
    status: int = 200,
    *,
    at=None,
    count: int = 1,
) -> None:
    """`count` log rows of `login_id` (of section `section_code`) at `endpoint`."""
    with app.app_context():
        for _ in range(count):
            append(
                db.engine,
                chain_key(),
                {
                    "at": at or now_utc(),
                    "user_id": user_id(login_id),
                    "section_id": section_id(section_code),
                    "endpoint": endpoint,
                    "record_ids": record,
                    "action": action,
                    "method": "GET",
                    "remote_addr": "127.0.0.1",
                    "status": status,
                },
            )


def record_review(
    client,
    app,
    section_code: str = "KOMINKAN",
    *,
    period_from="2026-01-05",
    period_to="2026-01-09",
    findings: str = "none",
    findings_text: str = "",
    follow_redirects: bool = False,
):
    """The logged-in chief records a log review (a sign-off) over HTTP; returns the response."""
    with app.app_context():
        section = section_id(section_code)
    return client.post(
        "/admin/log_review/record/",
        data={
            "section": section,
            "period_from": period_from,
            "period_to": period_to,
            "findings": findings,
            "findings_text": findings_text,
            "csrf_token": token(client, "/admin/log_review/"),
        },
        follow_redirects=follow_redirects,
    )
