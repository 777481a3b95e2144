"""Reservation commands: none yet (unpaid bookings expire in `flask jobs daily`)."""

import click

COMMANDS: tuple[tuple[str | None, click.Command], ...] = ()
