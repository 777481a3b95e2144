"""Response headers: nothing from the back office is cached; pages cannot be framed."""

from flask import Flask, Response, request

from admin_app.permissions import rule_for


def secure_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    rule = rule_for(request.endpoint)
    if rule is None or rule.action is not None:  # back office, login, or unknown
        response.headers["Cache-Control"] = "no-store"
    return response


def init_headers(app: Flask) -> None:
    app.after_request(secure_headers)
