"""flask commands: demo data and the demo logins."""

import click
from flask import Flask

from admin_app import demo_data


def register_cli(app: Flask) -> None:
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
        for login, name, _, _, section, role, facilities in demo_data.USERS:
            where = ", ".join(facilities) if facilities else section
            click.echo(f"  {login:<12} {role.value:<20} {where}  ({name})")
