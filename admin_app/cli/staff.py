"""flask commands for staff IDs: the first IT administrator, the import of HR's personnel
transfers."""

import sys

import click
from flask.cli import with_appcontext

from admin_app.extensions import db
from admin_app.imports.transfers import import_transfers
from admin_app.security import hash_password
from models.errors import InputError
from models.staff.bootstrap import create_first_admin


@click.command("transfers")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row; import nothing.")
@with_appcontext
def import_transfers_command(path: str, dry_run: bool) -> None:
    """Import HR's personnel transfers from CSV (UTF-8 or Shift_JIS); all or nothing."""
    with open(path, "rb") as f:
        result = import_transfers(f.read(), actor=None, dry_run=dry_run)
    for error in result.errors:
        click.echo(error)
    if result.errors:
        click.echo(f"{len(result.errors)} problems in {len(result.rows)} rows; nothing imported.")
        sys.exit(1)
    if not dry_run:
        db.session.commit()
    verb = "checked (dry run)" if dry_run else "imported"
    click.echo(f"{len(result.rows)} transfers {verb}.")


@click.command("create-admin")
@click.argument("login")
@click.option("--name", required=True, help="The administrator's name (氏名).")
@click.option("--section", "section_code", required=True, help="Their section's code.")
@click.option("--section-name", default=None, help="Create the section with this name.")
@click.option("--force", is_flag=True, help="Even though an active IT administrator exists.")
@click.option("--reason", default=None, help="Why (required with --force; recorded).")
@with_appcontext
def create_admin_command(
    login: str,
    name: str,
    section_code: str,
    section_name: str | None,
    force: bool,
    reason: str | None,
) -> None:
    """Create the first IT administrator with a one-time password (changed at first login)."""
    try:
        user, password = create_first_admin(
            login, name, section_code, hash_password, section_name, force, reason
        )
    except InputError as refused:
        db.session.rollback()
        click.echo(f"Refused: {refused}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"IT administrator {user.login} ({user.name}) created in {user.section.name}.")
    click.echo(f"One-time password (shown once; must be changed at first login): {password}")


COMMANDS = ((None, create_admin_command), ("import", import_transfers_command))
