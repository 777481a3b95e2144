"""gunicorn settings for `make serve` (production): `gunicorn -c python:admin_app.gunicorn_config`.

Everything that differs per host comes from the environment:
  PORT (5000), HOST (127.0.0.1; 0.0.0.0 when a load balancer on another host reaches it),
  WEB_CONCURRENCY worker processes (2 × CPUs + 1, at most 8), GUNICORN_THREADS per worker (4),
  GUNICORN_TIMEOUT seconds (60), GUNICORN_KEEPALIVE seconds an idle connection stays open (75).
The configuration is checked here, in the master, before any worker starts: a deployment that
is not production-grade (see admin_app.config.production_problems) stops with the reasons.
Migrations are never run here: `flask db upgrade` is a step of its own (and /readyz answers 503
until the database is at head).
"""

import os
import sys

from admin_app.config import ConfigurationError, config_for


def _int(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        sys.exit(f"{name} must be a positive whole number, not {text!r}")
    return int(text)


try:
    config_for(os.environ)()
except ConfigurationError as error:
    sys.exit(str(error))

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{_int('PORT', 5000)}"
workers = _int("WEB_CONCURRENCY", min(2 * (os.cpu_count() or 1) + 1, 8))
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread"
timeout = _int("GUNICORN_TIMEOUT", 60)
# Longer than a load balancer's idle timeout for the connections it reuses (nginx's upstream
# keepalive_timeout and most balancers: 60 s), so that the balancer closes an idle connection
# first. gunicorn's default, 2 s, closes it while the next request may be on its way: that
# request fails (RemoteDisconnected; a 502 at the balancer) — seen by bench/locust_load.py.
keepalive = _int("GUNICORN_KEEPALIVE", 75)
graceful_timeout = 30
# Our own request log (admin_app.request_log) writes one line per request; no second one.
accesslog = None
errorlog = "-"
# gunicorn trusts X-Forwarded-Proto from 127.0.0.1 by default; only TRUSTED_PROXIES (ProxyFix in
# the app) decides what forwarded headers mean.
forwarded_allow_ips = ""
# Request lines and headers of a modest size (gunicorn's defaults, stated).
limit_request_line = 8190
limit_request_fields = 100
