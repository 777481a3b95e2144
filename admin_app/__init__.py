"""The application factory."""

import os

from flask import Flask, has_request_context, request, session
from flask_babel import get_locale
from werkzeug.middleware.proxy_fix import ProxyFix

from admin_app.config import ROOT, Config, config_for
from admin_app.database import include_object, render_migration_item
from admin_app.extensions import babel, cache, csrf, db, migrate


def select_locale() -> str:
    """?lang=xx switches language for the rest of the session; Japanese by default."""
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and jobs speak Japanese
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    wanted = request.args.get("lang")
    if wanted in languages:
        session["lang"] = wanted
    chosen = session.get("lang")
    return chosen if chosen in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def create_app(config_class: type[Config] | None = None) -> Flask:
    """The app for `config_class`, or for the environment's APP_ENV (gunicorn, flask CLI)."""
    app = Flask(__name__, template_folder="../templates", instance_relative_config=False)
    app.config.from_object((config_class or config_for(os.environ))())
    app.config.setdefault("ADMIN_URL", "/admin")

    from admin_app.error_pages import init_error_pages
    from admin_app.input_guard import init_input_guard
    from admin_app.request_log import init_request_log

    # First of all: time and name the request, then refuse NUL before CSRF, login or any view.
    init_request_log(app)
    init_input_guard(app)
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(ROOT / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_item,
        include_object=include_object,
    )
    # Babel before any admin view exists: Flask-Admin pages need it to render.
    babel.init_app(
        app, locale_selector=select_locale, default_translation_directories="translations"
    )
    csrf.init_app(app)
    cache.init_app(app)
    app.jinja_env.globals["get_locale"] = get_locale

    from admin_app import database, formatting, headers
    from admin_app.audit import init_audit
    from admin_app.cli import register_cli
    from admin_app.login_guard import init_login_guard
    from admin_app.security import init_security
    from views import register_views

    database.configure_engine(app)
    init_login_guard(app)
    # Headers before the access log: after-request hooks run in reverse, so the headers are
    # set on whatever the log answers too (its fail-closed 503 included).
    headers.init_headers(app)
    init_audit(app)
    init_security(app)
    formatting.init_formatting(app)
    register_views(app)
    register_cli(app)
    init_error_pages(app)
    _trust_proxies(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, the client's address, scheme and host come from
    their X-Forwarded-* headers (outermost, so the access log, the login throttle and
    LOG_REVIEW_NETWORKS all see the client); with none, those headers are ignored."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )
