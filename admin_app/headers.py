"""Response headers: nothing from the back office is cached; pages cannot be framed; every
response carries a Content-Security-Policy whose scripts need this request's nonce; HSTS where
the deployment is HTTPS (HSTS_SECONDS)."""

import secrets

from flask import Flask, Response, current_app, g, request

from admin_app.permissions import rule_for

# Scripts: our own files and inline code carrying this response's nonce — never other inline
# code, event-handler attributes or javascript: URLs. Nothing is embedded, nothing frames us.
CSP = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self'; "
    "img-src 'self' data:; "
    "font-src 'self'; "
    "connect-src 'self'; "
    "form-action 'self'; "
    "object-src 'none'; "
    "base-uri 'none'; "
    "frame-ancestors 'none'"
)


def csp_nonce() -> str:
    """This request's nonce (one per response; Flask-Admin's csp_nonce_generator, and
    `csp_nonce()` in our templates)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


# Flask-Admin's templates hold a few inline event handlers and javascript: links, which the
# policy blocks (the browser reports each as a violation). They are renamed here, so the page
# never offers them, and admin_app/static/csp.js binds the same behaviour from a file.
INLINE_HANDLERS = ((' onclick="', ' data-onclick="'), ('href="javascript:void(0)"', 'href="#"'))


def defuse_inline_handlers(response: Response) -> None:
    if response.mimetype != "text/html" or response.direct_passthrough:
        return
    html = response.get_data(as_text=True)
    if " onclick=" not in html and "javascript:" not in html:
        return
    for old, new in INLINE_HANDLERS:
        html = html.replace(old, new)
    response.set_data(html)


def secure_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    # A response that brings its own policy keeps it (an SVG chart served as an image).
    response.headers.setdefault("Content-Security-Policy", CSP.format(nonce=csp_nonce()))
    defuse_inline_handlers(response)
    if seconds := current_app.config["HSTS_SECONDS"]:
        response.headers["Strict-Transport-Security"] = f"max-age={seconds}; includeSubDomains"
    rule = rule_for(request.endpoint)
    if rule is None or rule.action is not None:  # back office, login, or unknown
        response.headers["Cache-Control"] = "no-store"
    return response


def init_headers(app: Flask) -> None:
    app.after_request(secure_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
