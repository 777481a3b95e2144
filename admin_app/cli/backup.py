"""flask commands for backups: `flask backup create FILE`, `flask backup restore FILE`."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from admin_app import backup as backups
from admin_app.extensions import db

backup = AppGroup("backup", help="Back the database up to a file; restore it.")


def _refused(error: backups.BackupError) -> None:
    click.echo(f"Refused: {error}", err=True)
    sys.exit(1)


@backup.command("create")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def create_command(file: Path) -> None:
    """Back the whole database up into FILE (a new file). Keep AUDIT_CHAIN_KEY elsewhere."""
    try:
        summary = backups.create(db.engine, file)
    except backups.BackupError as error:
        _refused(error)
    click.echo(f"Backed up {summary} to {file}")


@backup.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def restore_command(file: Path) -> None:
    """Restore FILE into the configured database, which must be empty (no tables)."""
    try:
        summary = backups.restore(db.engine, file)
    except backups.BackupError as error:
        _refused(error)
    click.echo(f"Restored {summary} from {file}")
    click.echo("Next: flask audit verify (with the same AUDIT_CHAIN_KEY) and flask db upgrade.")


COMMANDS = ((None, backup),)
