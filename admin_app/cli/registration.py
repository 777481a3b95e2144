"""flask commands for registrations: the field inventory and the import of paper forms."""

import json
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from admin_app.extensions import db
from admin_app.imports.registrants import import_registrants
from models.registration.inventory import ITEMS
from models.staff.accounts import StaffUser

T = TypeVar("T")


@click.command("inventory")
@click.option("--json", "as_json", is_flag=True, help="Print as a JSON list.")
@with_appcontext
def inventory_command(as_json: bool) -> None:
    """The personal-data inventory (個人情報項目一覧)."""
    if as_json:
        click.echo(json.dumps([i.as_dict() for i in ITEMS], ensure_ascii=False, indent=2))
        return
    for item in ITEMS:
        d = item.as_dict()
        click.echo(
            f"{d['field']:<22} {d['storage']:<6} {'必須' if d['required'] else '任意'}"
            f"  {d['label']}"
        )


def _progress(rows: Iterable[T]) -> Iterator[T]:
    """The rows, with a progress bar on a terminal."""
    if not sys.stderr.isatty():
        yield from rows
        return
    with click.progressbar(rows, label="checking", file=sys.stderr) as bar:
        yield from bar


@click.command("registrants")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--entered-by",
    "login",
    required=True,
    help="Login of the counter staff member entering them (the trail's 入力者).",
)
@click.option("--dry-run", is_flag=True, help="Check every row; import nothing.")
@with_appcontext
def import_registrants_command(path: str, login: str, dry_run: bool) -> None:
    """Import registrants from CSV (UTF-8 or Shift_JIS) as entries waiting for confirmation;
    all or nothing."""
    user = db.session.scalar(select(StaffUser).where(StaffUser.login == login))
    if user is None:
        click.echo(f"entered-by: no staff ID {login!r}; nothing imported.")
        sys.exit(1)
    with open(path, "rb") as f:
        raw = f.read()
    result = import_registrants(raw, user, dry_run=dry_run, progress=_progress)
    for error in result.errors:
        click.echo(error)
    if result.errors:
        click.echo(f"{len(result.errors)} problems in {result.rows} rows; nothing imported.")
        sys.exit(1)
    if not dry_run:
        db.session.commit()
    verb = "checked (dry run)" if dry_run else "imported"
    click.echo(
        f"{result.rows} rows {verb}; {result.imported} registrants imported, "
        f"waiting for confirmation by the section chief or a designated confirmer."
    )


COMMANDS = ((None, inventory_command), ("import", import_registrants_command))
