"""flask commands: demo data and the demo logins."""

import click
from flask import Flask
from flask.cli import AppGroup

from admin_app.demo import loader as demo_data


def register_cli(app: Flask) -> None:
    register_domain_cli(app)
    register_staff_cli(app)
    register_audit_cli(app)

    @app.cli.command("demo-data")
    @click.option("--if-empty", is_flag=True,
                  help="Load only when the database has no organisation yet.")
    def demo_data_command(if_empty: bool) -> None:
        """Load the demo organisation and one login per role (idempotent)."""
        if if_empty and not demo_data.is_empty():
            click.echo("Database already has data; demo data not loaded.")
            return
        added = demo_data.load_demo_data()
        click.echo("Demo data: " + ", ".join(f"{k} +{v}" for k, v in added.items()))

    @app.cli.command("demo-logins")
    def demo_logins_command() -> None:
        """Print the demo logins (demo only: never use this password in production)."""
        click.echo(f"Demo logins (password for all: {demo_data.DEMO_PASSWORD}, demo only):")
        sections = {code: name for code, name, _ in demo_data.SECTIONS}
        for login, name, _, _, section, role, facilities in demo_data.USERS:
            where = ", ".join(facilities) if facilities else sections[section]
            click.echo(f"  {login:<12} {role.value:<20} {where}  ({name})")


def register_domain_cli(app: Flask) -> None:
    import json
    import sys

    from admin_app.imports.registrants import import_registrants
    from admin_app.jobs import run_daily
    from models.clock import today_local
    from models.registration.inventory import ITEMS

    @app.cli.command("inventory")
    @click.option("--json", "as_json", is_flag=True, help="Print as a JSON list.")
    def inventory_command(as_json: bool) -> None:
        """The personal-data inventory (個人情報項目一覧)."""
        if as_json:
            click.echo(json.dumps([i.as_dict() for i in ITEMS], ensure_ascii=False, indent=2))
            return
        for item in ITEMS:
            d = item.as_dict()
            click.echo(f"{d['field']:<22} {d['storage']:<6} {'必須' if d['required'] else '任意'}"
                       f"  {d['label']}")

    jobs = AppGroup("jobs", help="Scheduled jobs.")
    app.cli.add_command(jobs)

    @jobs.command("daily")
    @click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="Run as of this date (default: today in Japan).")
    def daily_command(day) -> None:
        """Apply transfers, expire registrations, erase personal data after the grace period,
        list overdue log reviews, write a checkpoint of the access log."""
        from models.typed_input import date_problem

        if day and (problem := date_problem(day)):
            raise click.BadParameter(problem, param_hint="--date")
        on = day.date() if day else today_local()
        click.echo(f"daily job for {on.isoformat()}")
        for line in run_daily(on):
            click.echo(line)
        checkpoint, kept = keep_checkpoint()  # the log's anchor off the server, once a day
        click.echo(f"access log checkpoint ({kept}):\n  {checkpoint}")

    imports = AppGroup("import", help="Import data from CSV files.")
    app.cli.add_command(imports)

    @imports.command("registrants")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--entered-by", "login", required=True,
                  help="Login of the counter staff member entering them (the trail's 入力者).")
    @click.option("--dry-run", is_flag=True, help="Check every row; import nothing.")
    def import_registrants_command(path: str, login: str, dry_run: bool) -> None:
        """Import registrants from CSV (UTF-8 or Shift_JIS) as entries waiting for confirmation;
        all or nothing."""
        from sqlalchemy import select

        from admin_app.extensions import db
        from models.staff.accounts import StaffUser

        user = db.session.scalar(select(StaffUser).where(StaffUser.login == login))
        if user is None:
            click.echo(f"entered-by: no staff ID {login!r}; nothing imported.")
            sys.exit(1)
        with open(path, "rb") as f:
            raw = f.read()

        def progress(rows):
            if not sys.stderr.isatty():
                yield from rows
                return
            with click.progressbar(rows, label="checking", file=sys.stderr) as bar:
                yield from bar

        result = import_registrants(raw, user, dry_run=dry_run, progress=progress)
        for error in result.errors:
            click.echo(error)
        if result.errors:
            click.echo(f"{len(result.errors)} problems in {result.rows} rows; nothing imported.")
            sys.exit(1)
        if not dry_run:
            db.session.commit()
        verb = "checked (dry run)" if dry_run else "imported"
        click.echo(f"{result.rows} rows {verb}; {result.imported} registrants imported, "
                   f"waiting for confirmation by the section chief or a designated confirmer.")


def register_staff_cli(app: Flask) -> None:
    import sys

    from admin_app.extensions import db
    from admin_app.imports.transfers import import_transfers

    imports = app.cli.commands["import"]

    @imports.command("transfers")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--dry-run", is_flag=True, help="Check every row; import nothing.")
    def import_transfers_command(path: str, dry_run: bool) -> None:
        """Import HR's personnel transfers from CSV (UTF-8 or Shift_JIS); all or nothing."""
        with open(path, "rb") as f:
            result = import_transfers(f.read(), actor=None, dry_run=dry_run)
        for error in result.errors:
            click.echo(error)
        if result.errors:
            click.echo(f"{len(result.errors)} problems in {len(result.rows)} rows; "
                       "nothing imported.")
            sys.exit(1)
        if not dry_run:
            db.session.commit()
        verb = "checked (dry run)" if dry_run else "imported"
        click.echo(f"{len(result.rows)} transfers {verb}.")


def register_audit_cli(app: Flask) -> None:
    import sys

    from sqlalchemy import select

    from admin_app.audit import chain_key
    from admin_app.extensions import db
    from models.access_log.chain import verify
    from models.access_log.checkpoint import check, missing_sign_offs
    from models.access_log.review import LogReview

    audit = AppGroup("audit", help="The access log.")
    app.cli.add_command(audit)

    @audit.command("verify")
    @click.option("--checkpoint", "files", multiple=True,
                  type=click.Path(exists=True, dir_okay=False),
                  help="A file of checkpoint lines (from `audit checkpoint`, the daily job or "
                       "printed sign-offs) that the log must still pass through. Repeatable.")
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
            result = verify(conn, chain_key(), progress=progress)
            lines += [(f"sign-off {review_id}", line) for review_id, line in conn.execute(
                select(LogReview.id, LogReview.checkpoint).where(
                    LogReview.checkpoint.is_not(None)).order_by(LogReview.id))]
            checked, problems = check(conn, chain_key(), lines)
            problems += missing_sign_offs(conn, chain_key())
        if sys.stderr.isatty():
            click.echo("", err=True)
        if result.ok and not problems and not empty:
            extra = (f" ({result.unchained} rows from before the chain began)"
                     if result.unchained else "")
            held = f"; {checked} checkpoints hold" if checked else ""
            click.echo(f"OK {result.rows} rows{extra}{held}")
            if not checked:  # the reproduced attack (cut tail, head rewound) also reads OK
                click.echo("WARNING no checkpoint was checked: rows cut from the end of the "
                           "log cannot be seen. Run with --checkpoint FILE (the city's copy).",
                           err=True)
            return
        if not result.ok:
            click.echo(f"BROKEN at row {result.broken_id}: {result.problem} "
                       f"({result.rows} rows verified before it)")
        for problem in problems:
            click.echo(f"BROKEN {problem}")
        for path in empty:
            click.echo(f"BROKEN {path}: no checkpoint lines in the file")
        if result.ok:
            click.echo(f"{result.rows} rows link up, but {len(problems) + len(empty)} "
                       f"checkpoint problems: the log was cut or rewritten")
        sys.exit(1)

    @audit.command("checkpoint")
    def checkpoint_command() -> None:
        """Print a checkpoint of the log (time, every lane's last id and hash, HMAC) and
        append it to AUDIT_CHECKPOINT_FILE when set. Keep it off the server."""
        line, kept = keep_checkpoint()
        click.echo(line)
        click.echo(kept, err=True)


def checkpoint_lines(path: str):
    """(source, line) for each non-blank, non-comment line of a checkpoint file."""
    with open(path, "rb") as f:
        for number, raw in enumerate(f, start=1):
            line = raw.decode("utf-8", errors="replace").strip()
            if line and not line.startswith("#"):
                yield f"{path} line {number}", line


def keep_checkpoint() -> tuple[str, str]:
    """Take a checkpoint and append it to AUDIT_CHECKPOINT_FILE if set: (line, what was done).
    Exits 1 (after printing the line) when the file cannot be written."""
    import sys

    from admin_app.audit_checkpoints import append_to_file, checkpoint_file, current_checkpoint

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
    return line, (f"checkpoint appended to {path}" if path else
                  "AUDIT_CHECKPOINT_FILE is not set: keep this line off the server")
