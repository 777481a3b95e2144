"""The access log for chiefs: who may read, pivots, flags, sign-offs, triggers, the chain."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from admin_app.extensions import db
from models import AccessAction, AccessLog, LogReview, Role, StaffUser
from models.access_log.review import Findings
from models.clock import now_utc, today_local
from tests.builders import section_id, user_id
from tests.builders.access_log import record_review, write
from tests.builders.staff import make_user, sports_chief


def log_page(client, **params) -> str:
    response = client.get("/admin/access_log/", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    "login_id", ["staff1", "staff2", "it1", "contractor1", "auditor1", "records1"]
)
def test_nobody_but_a_chief_reads_the_log_and_the_attempt_is_logged(app, login_as, login_id):
    client = login_as(login_id)
    assert client.get("/admin/access_log/").status_code == 403
    with app.app_context():
        last = db.session.scalars(select(AccessLog).order_by(AccessLog.id.desc())).first()
        assert (last.endpoint, last.action, last.user_id) == (
            "access_log.index",
            AccessAction.DENIED,
            user_id(login_id),
        )


def test_a_chief_reads_only_their_own_sections_rows(app, login_as):
    write(app, "staff1", "KOMINKAN", record="111")
    write(app, "staff2", "SPORTS", record="222")
    html = log_page(login_as("chief1")).split('data-testid="log"')[1]
    assert "山田 花子" in html and 'data-record="111"' in html
    assert "佐藤 健一" not in html and 'data-record="222"' not in html
    html = log_page(sports_chief(app))
    assert 'data-record="222"' in html and 'data-record="111"' not in html


def test_rows_belong_to_the_section_at_the_time_they_were_written(app, login_as):
    """A person who moves on keeps their old rows in the old section's log."""
    write(app, "staff1", "KOMINKAN", record="333")
    with app.app_context():
        db.session.scalar(
            select(StaffUser).where(StaffUser.login == "staff1")
        ).section_id = section_id("SPORTS")
        db.session.commit()
    assert 'data-record="333"' in log_page(login_as("chief1"))


def test_outside_the_terminal_allow_list_even_a_chief_gets_403(app, login_as, monkeypatch):
    client = login_as("chief1")
    monkeypatch.setitem(app.config, "LOG_REVIEW_NETWORKS", "10.20.0.0/16")
    assert client.get("/admin/access_log/").status_code == 403
    monkeypatch.setitem(app.config, "LOG_REVIEW_NETWORKS", "10.20.0.0/16, 127.0.0.0/8")
    assert client.get("/admin/access_log/").status_code == 200


def test_the_two_pivots_and_the_filters(app, login_as):
    with app.app_context():
        make_user("staff9", Role.FACILITY_STAFF, "KOMINKAN")
    write(app, "staff1", "KOMINKAN", record="500")
    write(app, "staff9", "KOMINKAN", record="500")
    write(app, "staff9", "KOMINKAN", record="501", endpoint="registrant.edit_view")
    write(app, "staff9", "KOMINKAN", record="500", endpoint="facility.details_view")
    client = login_as("chief1")
    with app.app_context():
        staff9 = user_id("staff9")
    person = log_page(client, user=staff9)  # everything one person opened
    assert person.count('data-row="') == 3
    assert "山田 花子" not in person.split('data-testid="log"')[1]
    record = log_page(client, record="500", record_screen="registrant")  # everyone, one record
    body = record.split('data-testid="log"')[1]
    assert body.count('data-row="') == 2 and "山田 花子" in body and "施設 詳細" not in body
    edits = log_page(client, action="edit", screen="registrant.edit_view")
    assert edits.split('data-testid="log"')[1].count('data-row="') == 0
    assert (
        log_page(client, screen="registrant.edit_view")
        .split('data-testid="log"')[1]
        .count('data-row="')
        == 1
    )
    today = today_local().isoformat()  # the filter takes Japan calendar days
    assert log_page(client, **{"from": "2020-01-01", "to": "2020-01-31"}).count('data-row="') == 0
    assert log_page(client, **{"from": today, "to": today, "user": staff9}).count('data-row="') == 3


def test_keyset_pages_walk_back_in_time(app, login_as):
    write(app, "staff1", "KOMINKAN", record="7", count=120)
    client = login_as("chief1")
    seen, params = [], {}
    for _ in range(4):
        html = log_page(client, **params)
        seen += [
            int(x)
            for x in html.split('data-row="')[1:]
            and [p.split('"')[0] for p in html.split('data-row="')[1:]]
        ]
        if "before=" not in html:
            break
        params = {
            "before": html.split("before=")[1]
            .split("&")[0]
            .split('"')[0]
            .replace("%3A", ":")
            .replace("%2B", "+")
        }
    assert len(seen) == len(set(seen)) and len(seen) >= 120
    assert seen == sorted(seen, reverse=True)


def test_flags_outside_hours_export_denied_and_bulk(app, login_as):
    saturday = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)  # Sat 12:00 in Tokyo
    night = datetime(2026, 11, 26, 13, 30, tzinfo=UTC)  # Thu 22:30 in Tokyo
    weekday = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # Thu 11:00 in Tokyo
    write(app, "staff1", "KOMINKAN", record="1", at=saturday)
    write(app, "staff1", "KOMINKAN", record="2", at=night)
    write(
        app,
        "staff1",
        "KOMINKAN",
        record="3",
        at=weekday,
        action=AccessAction.EXPORT,
        endpoint="registrant.export",
    )
    write(
        app,
        "staff1",
        "KOMINKAN",
        record="4",
        at=weekday + timedelta(minutes=1),
        action=AccessAction.DENIED,
        endpoint="staff_user.index_view",
    )
    write(
        app,
        "staff1",
        "KOMINKAN",
        record="5",
        at=datetime(2026, 11, 25, 1, 5, tzinfo=UTC),
        count=101,
    )  # Wed 10:05 in Tokyo: 101 detail views within one hour
    write(
        app,
        "staff1",
        "KOMINKAN",
        record="6",
        at=datetime(2026, 11, 24, 1, 5, tzinfo=UTC),
        count=100,
    )  # 100 is not more than 100
    html = log_page(login_as("chief1"), **{"from": "2026-11-24", "to": "2026-11-28"})

    def flags_of(record):
        rows = [
            r
            for r in html.split('data-testid="log"')[1].split("<tr ")[1:]
            if f'data-record="{record}"' in r
        ]
        return {f.split('"')[0] for r in rows for f in r.split('data-flag="')[1:]}

    assert flags_of("1") == {"outside_hours"} and flags_of("2") == {"outside_hours"}
    assert flags_of("3") == {"export"} and flags_of("4") == {"denied"}
    assert flags_of("5") == {"bulk"} and flags_of("6") == set()


def test_review_sign_off_is_recorded_and_cannot_be_changed(app, login_as):
    client = login_as("chief1")
    week = {"period_from": "2026-11-16", "period_to": "2026-11-22", "findings": "noted"}
    response = record_review(client, app, **week, follow_redirects=True)
    assert "所見の内容を記入してください" in response.get_data(as_text=True)
    record_review(client, app, **week, findings_text="夜間の大量閲覧を本人に確認")
    with app.app_context():
        review = db.session.scalars(select(LogReview).order_by(LogReview.id.desc())).first()
        assert review.findings_text == "夜間の大量閲覧を本人に確認"
        assert review.reviewer.login == "chief1" and review.findings == Findings.NOTED
        for statement in ("UPDATE log_review SET findings_text = 'x'", "DELETE FROM log_review"):
            with pytest.raises(DBAPIError), db.engine.begin() as conn:
                conn.execute(text(statement))
        assert db.session.get(LogReview, review.id).findings_text == "夜間の大量閲覧を本人に確認"


def test_a_chief_cannot_sign_off_another_section(app, login_as):
    html = record_review(
        login_as("chief1"),
        app,
        "SPORTS",
        period_from="2026-11-16",
        period_to="2026-11-22",
        follow_redirects=True,
    ).get_data(as_text=True)
    with app.app_context():
        sports = section_id("SPORTS")
    assert "所属課: 選択肢が正しくありません" in html
    with app.app_context():
        assert db.session.scalar(select(LogReview.id).where(LogReview.section_id == sports)) is None


def test_review_status_due_weekly_overdue_after_a_month(app, login_as):
    with app.app_context():
        chief = db.session.scalar(select(StaffUser).where(StaffUser.login == "chief1"))
        now = now_utc()
        for code, days in (("KOMINKAN", 3), ("SPORTS", 10), ("SOMU", 40)):
            db.session.add(
                LogReview(
                    section_id=section_id(code),
                    reviewer=chief,
                    period_from=date(2026, 1, 1),
                    period_to=date(2026, 1, 7),
                    findings=Findings.NONE,
                    recorded_at=now - timedelta(days=days),
                )
            )
        db.session.commit()
    html = login_as("auditor1").get("/admin/log_review/").get_data(as_text=True)
    statuses = dict(
        (row.split('<th scope="row">')[1].split("<")[0], row.split('data-status="')[1][:7])
        for row in html.split('data-testid="statuses"')[1].split("</tbody>")[0].split("<tr ")[1:]
    )
    assert statuses["公民館"].startswith("done")
    assert statuses["市民スポーツ課"].startswith("due")
    assert statuses["総務課"].startswith("overdue") and statuses["情報システム課"].startswith(
        "overdue"
    )  # never reviewed
    assert "所見" in html and "Access log of" not in html
    out = app.test_cli_runner().invoke(args=["jobs", "daily"]).output
    assert "sections with an overdue log review: 3" in out and "総務課" in out
    assert "公民館 (" not in out


def test_the_log_table_refuses_update_and_delete(app, login_as):
    login_as("staff1").get("/admin/facility/")
    with app.app_context():
        for statement in ("UPDATE access_log SET status = 200", "DELETE FROM access_log"):
            with pytest.raises(DBAPIError) as error, db.engine.begin() as conn:
                conn.execute(text(statement))
            assert "append-only" in str(error.value)
        if db.engine.dialect.name == "postgresql":
            with pytest.raises(DBAPIError), db.engine.begin() as conn:
                conn.execute(text("TRUNCATE access_log"))


def test_no_search_terms_or_form_values_in_the_log(app, demo_registrants, login_as):
    client = login_as("staff1")
    client.get("/admin/registrant/", query_string={"search": "ヤマダハナコ"})
    with app.app_context():
        dump = " ".join(str(v) for r in db.session.execute(select(AccessLog)).all() for v in r)
    assert "ヤマダ" not in dump and "search" not in dump
