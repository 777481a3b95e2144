"""flask commands for the access log: verify its chain and checkpoints, take a checkpoint."""

import sys
from collections.abc import Iterator

import click
from flask.cli import AppGroup
from sqlalchemy import select

from admin_app.audit import chain_keys
from admin_app.audit_checkpoints import append_to_file, checkpoint_file, current_checkpoint
from admin_app.extensions import db
from models.access_log.chain import VerifyResult, verify
from models.access_log.checkpoint import check, missing_sign_offs
from models.access_log.review import LogReview

audit = AppGroup("audit", help="The access log.")


@audit.command("verify")
@click.option(
    "--checkpoint",
    "files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="A file of checkpoint lines (from `audit checkpoint`, the daily job or "
    "printed sign-offs) that the log must still pass through. Repeatable.",
)
def verify_command(files: tuple[str, ...]) -> None:
    """Walk the access log's hash chain and check the checkpoints (the file's and those
    stored with review sign-offs); exit non-zero at the first broken row or any checkpoint
    that does not hold."""

    def progress(n: int) -> None:
        if sys.stderr.isatty():
            click.echo(f"\r{n:,} rows checked", nl=False, err=True)

    lines, empty = [], []
    for path in files:
        found = list(checkpoint_lines(path))
        lines += found
        if not found:
            empty.append(path)
    with db.engine.connect() as conn:
        result = verify(conn, chain_keys(), progress=progress)
        lines += [
            (f"sign-off {review_id}", line)
            for review_id, line in conn.execute(
                select(LogReview.id, LogReview.checkpoint)
                .where(LogReview.checkpoint.is_not(None))
                .order_by(LogReview.id)
            )
        ]
        checked, problems = check(conn, chain_keys(), lines)
        problems += missing_sign_offs(conn, chain_keys())
    if sys.stderr.isatty():
        click.echo("", err=True)
    if result.ok and not problems and not empty:
        _report_ok(result, checked)
        return
    _report_broken(result, problems, empty)
    sys.exit(1)


def _report_ok(result: VerifyResult, checked: int) -> None:
    extra = f" ({result.unchained} rows from before the chain began)" if result.unchained else ""
    held = f"; {checked} checkpoints hold" if checked else ""
    click.echo(f"OK {result.rows} rows{extra}{held}")
    if not checked:  # the reproduced attack (cut tail, head rewound) also reads OK
        click.echo(
            "WARNING no checkpoint was checked: rows cut from the end of the "
            "log cannot be seen. Run with --checkpoint FILE (the city's copy).",
            err=True,
        )


def _report_broken(result: VerifyResult, problems: list[str], empty: list[str]) -> None:
    if not result.ok:
        click.echo(
            f"BROKEN at row {result.broken_id}: {result.problem} "
            f"({result.rows} rows verified before it)"
        )
    for problem in problems:
        click.echo(f"BROKEN {problem}")
    for path in empty:
        click.echo(f"BROKEN {path}: no checkpoint lines in the file")
    if result.ok:
        click.echo(
            f"{result.rows} rows link up, but {len(problems) + len(empty)} "
            f"checkpoint problems: the log was cut or rewritten"
        )


@audit.command("checkpoint")
def checkpoint_command() -> None:
    """Print a checkpoint of the log (time, every lane's last id and hash, HMAC) and
    append it to AUDIT_CHECKPOINT_FILE when set. Keep it off the server."""
    line, kept = keep_checkpoint()
    click.echo(line)
    click.echo(kept, err=True)


def checkpoint_lines(path: str) -> Iterator[tuple[str, str]]:
    """(source, line) for each non-blank, non-comment line of a checkpoint file."""
    with open(path, "rb") as f:
        for number, raw in enumerate(f, start=1):
            line = raw.decode("utf-8", errors="replace").strip()
            if line and not line.startswith("#"):
                yield f"{path} line {number}", line


def keep_checkpoint() -> tuple[str, str]:
    """Take a checkpoint and append it to AUDIT_CHECKPOINT_FILE if set: (line, what was done).
    Exits 1 (after printing the line) when the file cannot be written."""
    try:
        line = current_checkpoint()
    except RuntimeError as error:  # the lanes' heads are incomplete: the log itself is broken
        click.echo(f"no checkpoint taken: {error}", err=True)
        sys.exit(1)
    try:
        path = append_to_file(line)
    except OSError as error:
        click.echo(line)
        click.echo(f"checkpoint NOT appended to {checkpoint_file()}: {error}", err=True)
        sys.exit(1)
    return line, (
        f"checkpoint appended to {path}"
        if path
        else "AUDIT_CHECKPOINT_FILE is not set: keep this line off the server"
    )


COMMANDS = ((None, audit),)
