"""flask commands for staff IDs: the import of HR's personnel transfers."""

import sys

import click
from flask.cli import with_appcontext

from admin_app.extensions import db
from admin_app.imports.transfers import import_transfers


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


COMMANDS = (("import", import_transfers_command),)
