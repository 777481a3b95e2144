"""App factories for gunicorn in the benchmarks (never used by a deployment)."""

from admin_app import create_app
from admin_app.config import Config


def create(audit: bool = True):
    """The normal app; with audit=False the access log is switched off, to measure its cost."""
    class BenchConfig(Config):
        AUDIT_ENABLED = audit

    return create_app(BenchConfig)
