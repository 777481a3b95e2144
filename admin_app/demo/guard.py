"""Demo data never reach a production database, whichever loader is called."""

from flask import current_app


class DemoRefused(RuntimeError):
    """Demo data (published logins, made-up residents) in a production database."""


def refuse_in_production() -> None:
    if current_app.config["APP_ENV"] == "production":
        raise DemoRefused(
            "Demo data are never loaded in production (APP_ENV=production): its logins share "
            "a published password. Create the first administrator with `flask create-admin`."
        )
