"""Checkpoints of the log's lanes leave the server (a file, each printed sign-off), so that a
cut tail is found even when the head was moved back to the new last row — the attack that
needs no key and that the chain alone cannot see."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from admin_app.audit import chain_key
from admin_app.audit_checkpoints import current_checkpoint
from admin_app.extensions import db
from models import AccessLog, AccessLogHead, LogReview, Section
from models.access_log.chain import GENESIS, LANES, row_hash
from models.access_log.checkpoint import Checkpoint, parse, signed_line
from models.append_only import create_statements, drop_statements
from tests.builders.access_log import record_review
from tests.builders.staff import sports_chief
from tests.support import csrf_token


def cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def staff_rows(login_as, n=8):
    client = login_as("staff1")
    for _ in range(n):
        client.get("/admin/facility/")


def lane_rows(app) -> tuple[int, list[AccessLog]]:
    """The lane the test process writes on, and its rows in order."""
    with app.app_context():
        rows = db.session.scalars(select(AccessLog).order_by(AccessLog.id)).all()
        lane = rows[-1].lane
        return lane, [r for r in rows if r.lane == lane]


def tamper(app, *statements, tables=("access_log",)):
    """What someone with the database (and no key) can do: lift the triggers, change rows."""
    with app.app_context(), db.engine.begin() as conn:
        dialect = conn.dialect.name
        for table in tables:
            for statement in drop_statements(dialect, table):
                conn.execute(text(statement))
        for statement in statements:
            conn.execute(text(statement), {})
        for table in tables:
            for statement in create_statements(dialect, table):
                conn.execute(text(statement))


def file_checkpoint(app, tmp_path, monkeypatch) -> Path:
    path = tmp_path / "checkpoints.txt"
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_FILE", str(path))
    result = cli(app, "audit", "checkpoint")
    assert result.exit_code == 0, result.output
    return path


def sign_off(app, login_as) -> int:
    response = record_review(login_as("chief1"), app)
    assert response.status_code == 302
    with app.app_context():
        return db.session.scalar(select(func.max(LogReview.id)))


def checkpointed_id(line: str, lane: int, app) -> int:
    return parse(line, chain_key_of(app)).heads[lane][0]


def chain_key_of(app) -> bytes:
    with app.app_context():
        return chain_key()


# --- the five kinds of tampering ------------------------------------------------------------


def change(rows, lane):
    return [f"UPDATE access_log SET status = 500 WHERE id = {rows[2].id}"]


def insert(rows, lane):
    last = rows[-1]
    forged = "f" * 64
    return [
        "INSERT INTO access_log (id, lane, at, user_id, section_id, endpoint, record_ids, "
        "action, method, remote_addr, status, prev_hash, row_hash) VALUES "
        f"({last.id + 1000}, {lane}, '{last.at.isoformat()}', NULL, NULL, "
        f"'registrant.details_view', '1', 'view', 'GET', '127.0.0.1', 200, "
        f"'{last.row_hash}', '{forged}')",
        f"UPDATE access_log_head SET last_id = {last.id + 1000}, last_hash = '{forged}' "
        f"WHERE id = {lane}",
    ]


def delete_middle(rows, lane):
    return [f"DELETE FROM access_log WHERE id = {rows[2].id}"]


def delete_tail(rows, lane):
    return [f"DELETE FROM access_log WHERE id >= {rows[-3].id}"]


def delete_tail_and_rewind_head(rows, lane):
    """The reproduced attack: the head moved back to the new last row (id and hash)."""
    new_last = rows[-4]
    return [
        f"DELETE FROM access_log WHERE id >= {rows[-3].id}",
        f"UPDATE access_log_head SET last_id = {new_last.id}, "
        f"last_hash = '{new_last.row_hash}' WHERE id = {lane}",
    ]


TAMPERING = [change, insert, delete_middle, delete_tail, delete_tail_and_rewind_head]


@pytest.mark.parametrize("kind", TAMPERING, ids=lambda f: f.__name__)
def test_each_tampering_is_caught_with_a_checkpoint_file(
    app, login_as, tmp_path, monkeypatch, kind
):
    staff_rows(login_as)
    path = file_checkpoint(app, tmp_path, monkeypatch)
    assert cli(app, "audit", "verify", "--checkpoint", str(path)).exit_code == 0
    lane, rows = lane_rows(app)
    tamper(app, *kind(rows, lane))
    result = cli(app, "audit", "verify", "--checkpoint", str(path))
    assert result.exit_code != 0
    assert f"lane {lane}" in result.output and "BROKEN" in result.output


@pytest.mark.parametrize("kind", TAMPERING, ids=lambda f: f.__name__)
def test_each_tampering_is_caught_by_plain_verify_from_a_sign_off(app, login_as, kind):
    staff_rows(login_as)
    review_id = sign_off(app, login_as)
    lane, rows = lane_rows(app)
    tamper(app, *kind(rows, lane))
    result = cli(app, "audit", "verify")
    assert result.exit_code != 0
    assert f"lane {lane}" in result.output and "BROKEN" in result.output
    if kind is delete_tail_and_rewind_head:  # only the sign-off's checkpoint sees this one
        assert f"(sign-off {review_id})" in result.output


def test_a_cut_tail_with_the_head_rewound_passes_the_chain_but_not_the_checkpoint(
    app, login_as, tmp_path, monkeypatch
):
    staff_rows(login_as)
    path = file_checkpoint(app, tmp_path, monkeypatch)
    line = path.read_text().strip()
    lane, rows = lane_rows(app)
    cut = checkpointed_id(line, lane, app)
    assert cut == rows[-1].id
    tamper(app, *delete_tail_and_rewind_head(rows, lane))
    plain = cli(app, "audit", "verify")
    assert plain.exit_code == 0 and plain.output.startswith("OK ")  # the hole in the chain
    result = cli(app, "audit", "verify", "--checkpoint", str(path))
    assert result.exit_code == 1
    assert f"lane {lane}: row {cut} is missing" in result.output
    assert f"the lane now ends at row {rows[-4].id}" in result.output
    assert f"{path} line 1" in result.output


def test_rows_rewritten_with_the_key_still_break_the_checkpoint(
    app, login_as, tmp_path, monkeypatch
):
    """Even with the key (it is in the server's environment) the past cannot be rewritten:
    the chain can be rebuilt, the checkpoint kept off the server cannot."""
    staff_rows(login_as)
    path = file_checkpoint(app, tmp_path, monkeypatch)
    lane, rows = lane_rows(app)
    key = chain_key_of(app)
    statements, prev = [], rows[1].row_hash
    for row in rows[2:]:
        values = {
            c: getattr(row, c)
            for c in (
                "id",
                "at",
                "user_id",
                "section_id",
                "endpoint",
                "record_ids",
                "action",
                "method",
                "remote_addr",
                "status",
            )
        }
        if row is rows[2]:
            values["status"] = 500
        digest = row_hash(key, prev, values)
        statements.append(
            f"UPDATE access_log SET status = {values['status']}, "
            f"prev_hash = '{prev}', row_hash = '{digest}' WHERE id = {row.id}"
        )
        prev = digest
    statements.append(f"UPDATE access_log_head SET last_hash = '{prev}' WHERE id = {lane}")
    tamper(app, *statements)
    assert cli(app, "audit", "verify").exit_code == 0  # the chain was rebuilt
    result = cli(app, "audit", "verify", "--checkpoint", str(path))
    assert result.exit_code == 1
    assert f"lane {lane}: row {rows[-1].id} was changed or rewritten" in result.output


def test_a_checkpoint_holds_while_the_log_grows(app, login_as, tmp_path, monkeypatch):
    staff_rows(login_as, n=3)
    path = file_checkpoint(app, tmp_path, monkeypatch)
    staff_rows(login_as, n=3)
    sign_off(app, login_as)
    staff_rows(login_as, n=2)
    result = cli(app, "audit", "verify", "--checkpoint", str(path))
    assert result.exit_code == 0, result.output
    with app.app_context():
        n = db.session.scalar(select(func.count(AccessLog.id)))
    # The file's two (the command's, the sign-off's copy) and the sign-off's own.
    assert len(path.read_text().splitlines()) == 2
    assert result.output.strip() == f"OK {n} rows; 3 checkpoints hold"


def test_a_forged_checkpoint_line_is_reported(app, login_as, tmp_path, monkeypatch):
    staff_rows(login_as)
    path = file_checkpoint(app, tmp_path, monkeypatch)
    line = path.read_text().strip()
    lane, rows = lane_rows(app)
    # Someone who cut the log writes a checkpoint line that names the new last row.
    forged = line.replace(
        f" {lane}:{rows[-1].id}:{rows[-1].row_hash} ", f" {lane}:{rows[-4].id}:{rows[-4].row_hash} "
    )
    assert forged != line
    path.write_text(f"# checkpoints of the access log\n{forged}\nnot a checkpoint\n")
    result = cli(app, "audit", "verify", "--checkpoint", str(path))
    assert result.exit_code == 1
    assert f"({path} line 2): forged" in result.output
    assert f"({path} line 3): unreadable" in result.output


def test_a_forged_checkpoint_in_a_sign_off_is_reported_and_shown(app, login_as):
    staff_rows(login_as)
    review_id = sign_off(app, login_as)
    with app.app_context():
        line = db.session.get(LogReview, review_id).checkpoint
    forged = line[:-1] + ("0" if line[-1] != "0" else "1")
    tamper(
        app,
        f"UPDATE log_review SET checkpoint = '{forged}' WHERE id = {review_id}",
        tables=("log_review",),
    )
    result = cli(app, "audit", "verify")
    assert result.exit_code == 1 and f"(sign-off {review_id}): forged" in result.output
    page = login_as("chief1").get(f"/admin/log_review/print/?id={review_id}")
    assert 'data-testid="checkpoint-invalid"' in page.get_data(as_text=True)


def test_an_empty_checkpoint_file_is_not_a_pass(app, login_as, tmp_path):
    staff_rows(login_as, n=2)
    path = tmp_path / "empty.txt"
    path.write_text("\n# nothing yet\n")
    result = cli(app, "audit", "verify", "--checkpoint", str(path))
    assert result.exit_code == 1 and "no checkpoint lines" in result.output


# --- taking checkpoints ---------------------------------------------------------------------


def test_audit_checkpoint_prints_one_signed_line_of_every_lane_and_appends_it(
    app, login_as, tmp_path, monkeypatch
):
    staff_rows(login_as, n=3)
    path = tmp_path / "city" / "checkpoints.txt"
    path.parent.mkdir()
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_FILE", str(path))
    first = cli(app, "audit", "checkpoint")
    with app.app_context():
        heads = {h.id: (h.last_id, h.last_hash) for h in db.session.scalars(select(AccessLogHead))}
    staff_rows(login_as, n=1)
    second = cli(app, "audit", "checkpoint")
    assert first.exit_code == 0 and second.exit_code == 0
    lines = first.stdout.splitlines()
    assert len(lines) == 1
    checkpoint = parse(lines[0], chain_key_of(app))
    assert checkpoint.heads == heads and sorted(heads) == list(range(1, LANES + 1))
    assert any(digest != GENESIS for _, digest in heads.values())
    assert path.read_text().splitlines() == [lines[0], second.stdout.strip()]
    assert f"appended to {path}" in first.output


def test_audit_checkpoint_without_a_file_only_prints(app, login_as, monkeypatch):
    staff_rows(login_as, n=1)
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_FILE", "")
    result = cli(app, "audit", "checkpoint")
    assert result.exit_code == 0 and "AUDIT_CHECKPOINT_FILE is not set" in result.output
    assert len(result.stdout.splitlines()) == 1


def test_a_checkpoint_file_that_cannot_be_written_fails_the_command(
    app, login_as, tmp_path, monkeypatch
):
    staff_rows(login_as, n=1)
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_FILE", str(tmp_path))  # a directory
    result = cli(app, "audit", "checkpoint")
    assert result.exit_code == 1 and "NOT appended" in result.output
    assert result.stdout.startswith("FBO-LOG-CHECKPOINT/1 ")  # the line is still printed


def test_the_daily_job_writes_a_checkpoint(app, login_as, tmp_path, monkeypatch):
    staff_rows(login_as, n=2)
    path = tmp_path / "checkpoints.txt"
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_FILE", str(path))
    result = cli(app, "jobs", "daily")
    assert result.exit_code == 0, result.output
    assert f"access log checkpoint (checkpoint appended to {path})" in result.output
    (line,) = path.read_text().splitlines()
    assert line in result.output
    parse(line, chain_key_of(app))  # signed with the app's key


# --- the sign-off keeps its checkpoint ------------------------------------------------------


def test_a_sign_off_records_the_checkpoint_of_its_moment_and_shows_it_to_print(
    app, login_as, tmp_path, monkeypatch
):
    path = tmp_path / "checkpoints.txt"
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_FILE", str(path))
    staff_rows(login_as, n=3)
    review_id = sign_off(app, login_as)
    lane, rows = lane_rows(app)
    with app.app_context():
        line = db.session.get(LogReview, review_id).checkpoint
    checkpoint = parse(line, chain_key_of(app))
    # The chief's own GET of the sign-off page was the last row before the POST.
    assert checkpoint.heads[lane] == (rows[-2].id, rows[-2].row_hash)
    assert rows[-2].endpoint == "log_review.index" and rows[-1].endpoint == "log_review.record"
    assert path.read_text().strip() == line  # also appended to the city's file
    client = login_as("chief1")
    listing = client.get("/admin/log_review/").get_data(as_text=True)
    assert f"/admin/log_review/print/?id={review_id}" in listing
    page = client.get(f"/admin/log_review/print/?id={review_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and line in html
    assert (
        "アクセスログ点検記録" in html and "data-print" in html
    )  # the print button (bound by csp.js)
    assert f"<td>{lane}</td><td>{rows[-2].id}</td>" in html


def test_the_recorded_review_goes_straight_to_its_printable_checkpoint(app, login_as):
    html = record_review(login_as("chief1"), app, follow_redirects=True).get_data(as_text=True)
    assert "チェックポイントを印刷し" in html and 'data-testid="checkpoint"' in html


def test_another_sections_sign_off_is_not_printable_and_the_try_is_flagged(app, login_as):
    from models import AccessAction

    review_id = sign_off(app, login_as)
    other = sports_chief(app)
    assert other.get(f"/admin/log_review/print/?id={review_id}").status_code == 404
    assert other.get("/admin/log_review/print/?id=999999").status_code == 404
    with app.app_context():
        rows = db.session.scalars(
            select(AccessLog)
            .where(AccessLog.endpoint == "log_review.print_view")
            .order_by(AccessLog.id)
        ).all()
    assert [(r.record_ids, r.action, r.status) for r in rows] == [
        (str(review_id), AccessAction.DENIED, 404),
        ("999999", AccessAction.VIEW, 404),
    ]
    assert login_as("auditor1").get(f"/admin/log_review/print/?id={review_id}").status_code == 403


def test_a_line_typed_back_from_a_printed_copy_is_read_whatever_its_spacing(
    app, login_as, tmp_path
):
    """From paper, each printed line break becomes a space (or two): the line still reads,
    and still holds — while a typing error in it is still reported (unreadable, or forged)."""
    staff_rows(login_as, n=3)
    review_id = sign_off(app, login_as)
    with app.app_context():
        line = db.session.get(LogReview, review_id).checkpoint
    typed = tmp_path / "typed.txt"
    typed.write_text("  ".join(line.split(" ")) + " \n")
    result = cli(app, "audit", "verify", "--checkpoint", str(typed))
    assert result.exit_code == 0, result.output
    assert "2 checkpoints hold" in result.output
    assert " 2:" in line  # every lane's head is on the line
    typed.write_text(line.replace(" 2:", " 2 :", 1) + "\n")  # a space typed too many
    result = cli(app, "audit", "verify", "--checkpoint", str(typed))
    assert result.exit_code == 1 and "unreadable: not a checkpoint line" in result.output
    typed.write_text(line.replace("hmac=", "hmac=0", 1)[:-1] + "\n")  # a digit typed wrong
    result = cli(app, "audit", "verify", "--checkpoint", str(typed))
    assert result.exit_code == 1 and "forged: " in result.output


# --- what verify says when nothing, or less than before, holds the end of the log ------------


def test_verify_without_any_checkpoint_says_that_a_cut_end_cannot_be_seen(app, login_as):
    """The reproduced attack before any checkpoint: the chain still links up, so verify says
    OK — and now also that this OK cannot cover the end of the log."""
    staff_rows(login_as)
    lane, rows = lane_rows(app)
    tamper(app, *delete_tail_and_rewind_head(rows, lane))
    result = cli(app, "audit", "verify")
    assert result.exit_code == 0 and result.stdout.startswith("OK ")
    assert "WARNING no checkpoint was checked" in result.stderr
    assert "--checkpoint FILE" in result.stderr


def an_earlier_line() -> str:
    """A checkpoint line signed with the key, as taken an hour ago (call in an app context)."""
    checkpoint = parse(current_checkpoint(), chain_key())
    return signed_line(
        Checkpoint(checkpoint.at - timedelta(hours=1), checkpoint.heads), chain_key()
    )


def sign_off_row(app, review_id: int) -> AccessLog:
    with app.app_context():
        return db.session.scalars(
            select(AccessLog).where(AccessLog.endpoint == "log_review.record")
        ).one()


@pytest.mark.parametrize("how", ["deleted", "checkpoint removed", "checkpoint replaced"])
def test_a_sign_off_removed_with_its_checkpoint_is_caught_by_the_log_row_that_recorded_it(
    app, login_as, how
):
    staff_rows(login_as, n=3)
    with app.app_context():
        older = an_earlier_line()
    staff_rows(login_as, n=2)
    review_id = sign_off(app, login_as)
    assert sign_off_row(app, review_id).record_ids == str(review_id)
    staff_rows(login_as, n=2)  # the sign-off's log row is not at the end of its lane
    assert cli(app, "audit", "verify").exit_code == 0
    statement = {
        "deleted": f"DELETE FROM log_review WHERE id = {review_id}",
        "checkpoint removed": f"UPDATE log_review SET checkpoint = NULL WHERE id = {review_id}",
        # A real line, signed with the key, from an earlier moment: it still holds.
        "checkpoint replaced": f"UPDATE log_review SET checkpoint = '{older}' "
        f"WHERE id = {review_id}",
    }[how]
    tamper(app, statement, tables=("log_review",))
    result = cli(app, "audit", "verify")
    assert result.exit_code == 1
    assert f"BROKEN checkpoint (sign-off {review_id}, log row " in result.output
    assert ("is missing" if how == "deleted" else "not the one taken") in result.output


def test_ids_added_to_the_sign_off_url_neither_break_nor_fool_verify(app, login_as):
    """The sign-off's log row names only the sign-off it created: a chief who adds ?id= of
    another sign-off (or of nothing) to the URL cannot raise a false alarm or crash verify."""
    first = sign_off(app, login_as)
    client = login_as("chief1")
    page = client.get("/admin/log_review/").get_data(as_text=True)
    with app.app_context():
        kominkan = db.session.scalar(select(Section.id).where(Section.code == "KOMINKAN"))
    for query in (f"?id={first}", "?id=99999999999999999999", "?rowid=7"):
        assert (
            client.post(
                f"/admin/log_review/record/{query}",
                data={
                    "section": kominkan,
                    "period_from": "2026-01-05",
                    "period_to": "2026-01-09",
                    "findings": "none",
                    "csrf_token": csrf_token(page),
                },
            ).status_code
            == 302
        )
    with app.app_context():
        named = db.session.scalars(
            select(AccessLog.record_ids)
            .where(AccessLog.endpoint == "log_review.record")
            .order_by(AccessLog.id)
        ).all()
        reviews = db.session.scalars(
            select(LogReview.id).where(LogReview.id >= first).order_by(LogReview.id)
        ).all()
    assert named == [str(i) for i in reviews] and len(reviews) == 4
    result = cli(app, "audit", "verify")
    assert result.exit_code == 0 and result.output.startswith("OK "), result.output
