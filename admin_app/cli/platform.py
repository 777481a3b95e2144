"""flask commands for the whole application: demo data, demo logins and the daily job."""

import sys
from datetime import datetime

import click
from flask.cli import AppGroup, with_appcontext

from admin_app.cli.access_log import keep_checkpoint
from admin_app.demo import loader as demo_data
from admin_app.jobs import run_daily
from models.clock import today_local
from models.typed_input import date_problem


def _refuse_in_production() -> None:
    try:
        demo_data.refuse_in_production()
    except demo_data.DemoRefused as refused:
        click.echo(f"Refused: {refused}", err=True)
        sys.exit(1)


@click.command("demo-data")
@click.option(
    "--if-empty", is_flag=True, help="Load only when the database has no organisation yet."
)
@with_appcontext
def demo_data_command(if_empty: bool) -> None:
    """Load the demo organisation and one login per role (idempotent; never in production)."""
    _refuse_in_production()
    if if_empty and not demo_data.is_empty():
        click.echo("Database already has data; demo data not loaded.")
        return
    added = demo_data.load_demo_data()
    click.echo("Demo data: " + ", ".join(f"{k} +{v}" for k, v in added.items()))


@click.command("demo-logins")
@with_appcontext
def demo_logins_command() -> None:
    """Print the demo logins (demo only: never use this password in production)."""
    _refuse_in_production()
    click.echo(f"Demo logins (password for all: {demo_data.DEMO_PASSWORD}, demo only):")
    sections = {code: name for code, name, _ in demo_data.SECTIONS}
    for login, name, _, _, section, role, facilities in demo_data.USERS:
        where = ", ".join(facilities) if facilities else sections[section]
        click.echo(f"  {login:<12} {role.value:<20} {where}  ({name})")


jobs = AppGroup("jobs", help="Scheduled jobs.")


@jobs.command("daily")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Run as of this date (default: today in Japan).",
)
def daily_command(day: datetime | None) -> None:
    """Apply transfers, expire registrations, erase personal data after the grace period,
    list overdue log reviews, write a checkpoint of the access log."""
    if day and (problem := date_problem(day)):
        raise click.BadParameter(problem, param_hint="--date")
    on = day.date() if day else today_local()
    click.echo(f"daily job for {on.isoformat()}")
    for line in run_daily(on):
        click.echo(line)
    checkpoint, kept = keep_checkpoint()  # the log's anchor off the server, once a day
    click.echo(f"access log checkpoint ({kept}):\n  {checkpoint}")


COMMANDS = ((None, demo_data_command), (None, demo_logins_command), (None, jobs))
