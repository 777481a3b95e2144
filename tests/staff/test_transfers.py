"""Personnel transfers: effective at 00:00 Asia/Tokyo on every request, applied by the job."""

from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import select

from admin_app.extensions import db
from models import (
    GrantState,
    PersonnelTransfer,
    RoleAssignment,
    StaffEvent,
    StaffEventKind,
    StaffStatus,
    StaffUser,
)
from tests.builders import facility_id
from tests.builders.staff import HR_HEADER, decide, grant_id
from tests.support import csrf_token, login

REGISTERED = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
BEFORE = datetime(2026, 11, 30, 14, 59, 59, tzinfo=UTC)  # 23:59:59 on 30 Nov in Tokyo
AFTER = datetime(2026, 11, 30, 15, 0, 0, tzinfo=UTC)  # 00:00:00 on 1 Dec in Tokyo


def register(client, app, **fields):
    page = client.get("/admin/personnel_transfer/register/").get_data(as_text=True)
    with app.app_context():
        staff1 = db.session.scalar(select(StaffUser.id).where(StaffUser.login == "staff1"))
        sports = facility_id("スポーツセンター")
    data = {
        "user": staff1,
        "kind": "move",
        "effective_on": "2026-12-01",
        "new_section": "5",
        "new_role": "facility_staff",
        "facilities": [sports],
        "note": "12月1日付異動",
        "csrf_token": csrf_token(page),
    }
    data.update(fields)
    return client.post("/admin/personnel_transfer/register/", data=data)


def of(login_id: str):
    """Transfers of one person (the demo data has one of its own, for staff2)."""
    return select(PersonnelTransfer).join(PersonnelTransfer.user).where(StaffUser.login == login_id)


def facilities_seen(client) -> set[str]:
    html = client.get("/admin/facility/").get_data(as_text=True)
    return {n for n in ("中央公民館", "萩山公民館", "スポーツセンター") if n in html}


def test_move_takes_effect_at_midnight_on_every_request_without_any_job(app, demo, client):
    with time_machine.travel(REGISTERED, tick=False):
        it = app.test_client()
        login(it, "it1")
        response = register(it, app)
        assert response.status_code == 302
        # The receiving section's chief approves the new grant.
        chief2 = app.test_client()
        login(chief2, "chief2")
        assert decide(chief2, grant_id(app, "staff1", GrantState.PENDING)).status_code == 302
    with time_machine.travel(BEFORE, tick=False):
        login(client, "staff1")
        assert facilities_seen(client) == {"中央公民館"}
    with time_machine.travel(AFTER, tick=False):
        # The same session, no job run: the old section's access is gone at 00:00.
        assert facilities_seen(client) == {"スポーツセンター"}
    with app.app_context():
        transfer = db.session.scalar(of("staff1"))
        assert transfer.applied_at is None  # nothing ran, yet permissions already follow
        user = db.session.scalar(select(StaffUser).where(StaffUser.login == "staff1"))
        assert user.section.code == "KOMINKAN"  # home section is the job's to record
    runner = app.test_cli_runner()
    with time_machine.travel(AFTER, tick=False):
        out = runner.invoke(args=["jobs", "daily", "--date", "2026-12-01"]).output
        assert "staff1 move 2026-12-01" in out
        assert (
            "transfers applied: 0"
            in runner.invoke(args=["jobs", "daily", "--date", "2026-12-01"]).output
        )  # idempotent
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.login == "staff1"))
        assert user.section.code == "SPORTS"
        kinds = list(
            db.session.scalars(
                select(StaffEvent.kind).where(StaffEvent.user_id == user.id).order_by(StaffEvent.id)
            )
        )
        assert kinds == [
            StaffEventKind.GRANT_SET_UP,
            StaffEventKind.TRANSFER_REGISTERED,
            StaffEventKind.GRANT_ENDED,
            StaffEventKind.GRANT_ENTERED,
            StaffEventKind.GRANT_APPROVED,
            StaffEventKind.TRANSFER_APPLIED,
        ]
        ends = sorted(
            (a.valid_from, a.valid_to)
            for a in db.session.scalars(
                select(RoleAssignment).where(RoleAssignment.user_id == user.id)
            )
        )
        assert ends == [(date(2026, 4, 1), date(2026, 11, 30)), (date(2026, 12, 1), None)]


def test_a_leaver_cannot_log_in_from_midnight_and_the_job_revokes(app, demo, client):
    with time_machine.travel(REGISTERED, tick=False):
        it = app.test_client()
        login(it, "it1")
        register(it, app, kind="leave", new_section="", new_role="", facilities=[])
    with time_machine.travel(BEFORE, tick=False):
        assert login(client, "staff1").status_code == 302
        assert client.get("/admin/facility/").status_code == 200
    with time_machine.travel(AFTER, tick=False):
        response = client.get("/admin/facility/")
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        assert login(client, "staff1").status_code == 401
        out = app.test_cli_runner().invoke(args=["jobs", "daily"]).output
        assert "staff1 leave 2026-12-01" in out
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.login == "staff1"))
        assert user.status == StaffStatus.REVOKED and user.valid_to == date(2026, 11, 30)


def test_a_date_in_the_past_is_refused(app, demo, client):
    with time_machine.travel(REGISTERED, tick=False):
        login(client, "it1")
        html = register(client, app, effective_on="2026-11-01").get_data(as_text=True)
    assert "発令日に過去の日付は指定できません" in html
    with app.app_context():
        assert db.session.scalar(of("staff1")) is None


def run_import(app, tmp_path, text: str, *args, encoding="utf-8"):
    path = tmp_path / "transfers.csv"
    path.write_bytes(text.encode(encoding))
    return app.test_cli_runner().invoke(args=["import", "transfers", str(path), *args])


def test_import_transfers_all_or_nothing_with_row_errors(app, demo, tmp_path):
    with time_machine.travel(REGISTERED, tick=False):
        result = run_import(
            app,
            tmp_path,
            HR_HEADER
            + "staff1,異動,2026-12-01,SPORTS,facility_staff,スポーツセンター,\n"
            + "nobody,異動,2026-12-01,SPORTS,facility_staff,,\n"
            + "chief1,昇格,2026/13/01,XX,boss,存在しない館,\n",
        )
        assert result.exit_code == 1
        lines = result.output.splitlines()
        assert "row 3: login: このログインIDは登録されていません。" in lines
        assert any(line.startswith("row 4: kind: 種別は") for line in lines)
        assert "row 4: effective_on: 発令日は YYYY-MM-DD で入力してください。" in lines
        assert "row 4: section_code: 課コードが登録されていません。" in lines
        assert "row 4: role: 権限コードが正しくありません。" in lines
        assert "row 4: facilities: 施設「存在しない館」が登録されていません。" in lines
        with app.app_context():
            assert db.session.scalar(of("staff1")) is None
            ends = db.session.scalars(
                select(RoleAssignment.valid_to)
                .join(RoleAssignment.user)
                .where(StaffUser.login.in_(("staff1", "chief1")))
            ).all()
            assert ends == [None, None]  # nothing changed
        good = (
            HR_HEADER
            + "staff1,異動,2026-12-01,SPORTS,facility_staff,スポーツセンター,\n"
            + "records1,退職,2027-03-31,,,,定年退職\n"
        )
        assert (
            "checked (dry run)"
            in run_import(app, tmp_path, good, "--dry-run", encoding="cp932").output
        )
        with app.app_context():
            assert db.session.scalar(of("staff1")) is None
        result = run_import(app, tmp_path, good, encoding="cp932")
        assert result.exit_code == 0 and "2 transfers imported" in result.output
    with app.app_context():
        assert db.session.scalar(of("staff1")).effective_on == date(2026, 12, 1)
        assert db.session.scalar(of("records1")).kind.value == "leave"


def test_upload_screen_previews_then_imports(app, login_as):
    import io

    client = login_as("it1")
    page = client.get("/admin/personnel_transfer/upload/").get_data(as_text=True)
    bad = (HR_HEADER + "nobody,異動,2099-12-01,SPORTS,facility_staff,,\n").encode()
    html = client.post(
        "/admin/personnel_transfer/upload/",
        data={"file": (io.BytesIO(bad), "t.csv"), "csrf_token": csrf_token(page)},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "row 2: login: このログインIDは登録されていません。" in html
    assert "何も取り込んでいません" in html
    good = (HR_HEADER + "staff1,異動,2099-12-01,SPORTS,facility_staff,スポーツセンター,\n").encode()
    html = client.post(
        "/admin/personnel_transfer/upload/",
        data={"file": (io.BytesIO(good), "t.csv"), "csrf_token": csrf_token(page)},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "この1件を取り込む" in html
    with app.app_context():
        assert db.session.scalar(of("staff1")) is None  # preview only
    content = html.split('name="content" value="')[1].split('"')[0]
    response = client.post(
        "/admin/personnel_transfer/upload/",
        data={"content": content, "csrf_token": csrf_token(html)},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(of("staff1")).effective_on == date(2099, 12, 1)
