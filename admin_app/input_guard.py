"""The first check of every request: a NUL character anywhere in what was sent — path, query,
form (names and values), uploaded file names, JSON — is refused with a Japanese 400 page before
CSRF, login, permissions, any view or the database sees it (PostgreSQL text cannot hold NUL,
and no person types one). A POST to the login page carrying one counts as a failed login."""

from typing import Any

from flask import Flask, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from admin_app.error_pages import error_page

NUL = "\x00"


def _holds_nul(value: object) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(v) for v in value)
    return False


def _multi_holds_nul(multi: MultiDict[str, Any]) -> bool:
    return any(NUL in key or any(_holds_nul(v) for v in values) for key, values in multi.lists())


def carries_nul() -> bool:
    if NUL in request.path or _multi_holds_nul(request.args):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    # Werkzeug parses forms silently: a malformed body is an empty form, never an error here.
    if _multi_holds_nul(request.form):
        return True
    if any(NUL in key or NUL in (f.filename or "") for key, f in request.files.items(multi=True)):
        return True
    return request.is_json and _holds_nul(request.get_json(silent=True))


def refuse_nul() -> ResponseReturnValue | None:
    if not carries_nul():
        return None
    if request.endpoint == "auth.login" and request.method == "POST":
        from admin_app.login_guard import record_failed_login

        typed = request.form.get("login", "").replace(NUL, "")[:64]
        record_failed_login(typed, request.remote_addr)
    return error_page(
        400,
        reason=gettext(
            "The request contains a character that cannot be entered (NUL). Nothing was processed."
        ),
    ), 400


def init_input_guard(app: Flask) -> None:
    app.before_request(refuse_nul)
