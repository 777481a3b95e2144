"""App factories for gunicorn in the benchmarks (never used by a deployment)."""

from admin_app import create_app
from admin_app.config import Config


def create(audit: bool = True, hello: bool = False):
    """The normal app; audit=False switches the access log off (to measure its cost);
    hello=True adds a bare public "hello" route (the yardstick for the public pages)."""

    class BenchConfig(Config):
        AUDIT_ENABLED = audit

    app = create_app(BenchConfig)
    if hello:
        from admin_app.permissions import PUBLIC, TABLE, Rule

        TABLE["bench_hello"] = Rule(PUBLIC, None)
        app.add_url_rule("/hello", "bench_hello", lambda: "hello")
    return app
