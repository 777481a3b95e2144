"""flask commands, by domain: each admin_app/cli/<domain>.py lists its COMMANDS as
(group, command) pairs — group None for a top-level command (or a group of its own), or the
name of a group several domains share (`flask import …`); register_cli adds them to the app."""

import click
from flask import Flask
from flask.cli import AppGroup

from admin_app.cli import access_log, backup, platform, registration, reservation, staff

Commands = tuple[tuple[str | None, click.Command], ...]

# Groups that several domains add commands to.
SHARED_GROUPS = {"import": "Import data from CSV files."}

# Add your domain here: (domain, the COMMANDS of admin_app/cli/<domain>.py).
DOMAINS: tuple[tuple[str, Commands], ...] = (
    ("platform", platform.COMMANDS),
    ("staff", staff.COMMANDS),
    ("registration", registration.COMMANDS),
    ("public", ()),  # no commands of its own
    ("reservation", reservation.COMMANDS),
    ("access_log", access_log.COMMANDS),
    ("platform", backup.COMMANDS),
)


def register_cli(app: Flask) -> None:
    groups = {name: AppGroup(name, help=text) for name, text in SHARED_GROUPS.items()}
    for group in groups.values():
        app.cli.add_command(group)
    for _, commands in DOMAINS:
        for group_name, command in commands:
            (groups[group_name] if group_name else app.cli).add_command(command)
