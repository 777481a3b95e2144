"""The error pages (400, 403, 404, 405, 413, 500, 503): a staff member on a staff page gets
them in the back office's layout, with its menu; everyone else — the public site, anyone not
logged in — gets the public site's page, so nobody sees the menu without logging in."""

from collections.abc import Callable

from flask import Flask, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_admin import Admin, BaseView, expose
from flask_login import current_user

from admin_app.permissions import PUBLIC, rule_for


class _ErrorView(BaseView):
    """Only lends Flask-Admin's page context (menu, theme, nonce) to the error template: it is
    never added to the Admin, so it has no endpoint and no menu item."""

    @expose("/")
    def index(self) -> ResponseReturnValue:  # Flask-Admin wants one; never routed
        abort(404)


def in_back_office() -> bool:
    """Is this request a logged-in staff member's, to a staff URL (under ADMIN_URL, or an
    endpoint the permission table does not open to the public)?"""
    if not current_user.is_authenticated or current_user.must_change_password:
        return False  # the menu is no one's who may not use it yet
    admin_url = current_app.config["ADMIN_URL"]
    if request.path == admin_url or request.path.startswith(admin_url + "/"):
        return True
    rule = rule_for(request.endpoint) if request.endpoint else None
    return rule is not None and rule.allow != PUBLIC


def error_page(status: int, **context: object) -> str:
    """The page for `status` (`message`, `reason`: what the person should know), in the
    layout that suits the request."""
    try:
        if in_back_office():
            admins: list[Admin] = current_app.extensions.get("admin", [])
            view = _ErrorView(name=None)
            view.admin = admins[0]
            return view.render("admin/error.html", status=status, **context)
    except Exception:  # a broken database must not turn the error page itself into a 500
        current_app.logger.exception("back-office error page failed; the public one instead")
    return render_template("errors/error.html", status=status, **context)


def init_error_pages(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    def page(status: int) -> Callable[[Exception], ResponseReturnValue]:
        def handler(error: Exception) -> ResponseReturnValue:
            return error_page(status), status

        return handler

    for status in (400, 403, 404, 405, 413, 500, 503):
        app.register_error_handler(status, page(status))
    app.register_error_handler(CSRFError, page(400))
