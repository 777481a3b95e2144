"""Demo data for the access log: review sign-offs, so the chiefs' review page has a history."""

from datetime import timedelta

from sqlalchemy import select

from admin_app.extensions import db
from models.access_log.review import Findings, LogReview
from models.clock import now_utc, today_local
from models.organisation import Section
from models.staff.accounts import StaffUser


def load_demo_access_log() -> dict[str, int]:
    """The review sign-offs (not counted in the summary)."""
    load_demo_reviews()
    return {}


def load_demo_reviews() -> int:
    """chief1 reviewed the 公民館 log three days ago (and six weeks before that)."""
    if db.session.scalar(select(LogReview.id).limit(1)) is not None:
        return 0
    chief = db.session.scalar(select(StaffUser).where(StaffUser.login == "chief1"))
    kominkan = db.session.scalar(select(Section).where(Section.code == "KOMINKAN"))
    if chief is None or kominkan is None:
        return 0
    today, now = today_local(), now_utc()
    for days_ago, findings, text in (
        (45, Findings.NOTED, "夜間の一覧表示が多い職員に確認済み"),
        (3, Findings.NONE, None),
    ):
        db.session.add(
            LogReview(
                section=kominkan,
                reviewer=chief,
                period_from=today - timedelta(days=days_ago + 7),
                period_to=today - timedelta(days=days_ago),
                findings=findings,
                findings_text=text,
                recorded_at=now - timedelta(days=days_ago),
            )
        )
    db.session.flush()
    return 2
