"""The central access-log hook: one row per back-office request, written by nobody else."""

import re
from typing import NoReturn

from flask import Flask, Response, abort, current_app, g, request
from flask_login import current_user

from admin_app.extensions import db
from admin_app.permissions import TABLE, rule_for
from admin_app.security import current_access
from models.access_log.chain import append
from models.access_log.entries import AccessAction
from models.clock import now_utc

# Request values that name records (never form contents).
RECORD_ID_KEYS = ("id", "rowid")
# Screens whose row names only the record they created (log_record_created): nothing a
# request adds to its URL can make the row name another record.
NAMES_WHAT_IT_CREATES = frozenset({"log_review.record"})
MAX_RECORD_IDS = 200
SAFE_ID = re.compile(r"[0-9A-Za-z_.-]{1,40}")


def remember_user() -> None:
    """Who made the request, before a login or logout changes it."""
    rule = rule_for(request.endpoint)
    if rule is not None and rule.action is None:
        return
    # Who and which section, taken while the user is freshly loaded (no extra queries later).
    g.audit_who = _who() if current_user.is_authenticated else None


def _who() -> tuple[int, int | None]:
    return current_user.id, current_access().section_id


def _record_ids() -> str | None:
    if request.endpoint in NAMES_WHAT_IT_CREATES:
        return ",".join(g.get("created_record_ids", [])) or None
    ids: list[str] = [str(v) for k, v in (request.view_args or {}).items() if k.endswith("id")]
    ids += [
        v
        for key in request.args
        if key == "id" or key.endswith("_id")
        for v in request.args.getlist(key)
    ]
    if (
        request.method == "POST"
        and request.endpoint
        and request.endpoint.endswith(("delete_view", "action_view", "ajax_update"))
    ):
        for key in RECORD_ID_KEYS + ("pk",):
            ids += request.form.getlist(key)
    # Keep what looks like an id; anything else typed into the URL is not recorded.
    ids = [i if SAFE_ID.fullmatch(i) else "?" for i in ids]
    return ",".join(ids)[:MAX_RECORD_IDS] or None


def logged_endpoint() -> str:
    """The endpoint a row names. A bulk action names its action as well
    ("talent_entry.action_view:delete"): the log then shows which one, with the table's
    screen name, and a bulk deletion is logged as a deletion."""
    endpoint = request.endpoint or "-"
    if endpoint.endswith(".action_view") and request.method == "POST":
        named = f"{endpoint}:{request.form.get('action', '')}"
        if named in TABLE:
            return named
    return endpoint


def _action(response: Response, endpoint: str) -> AccessAction | None:
    rule = rule_for(endpoint)
    if rule is not None and rule.action is None:
        return None  # public site and static assets are not back-office requests
    if request.endpoint is None and not request.path.startswith(current_app.config["ADMIN_URL"]):
        return None
    if (
        g.get("access_denied")
        or g.get("out_of_scope")
        or response.status_code in (401, 403)
        or rule is None
    ):
        return AccessAction.DENIED
    return rule.action_for(request.method)


def log_record_created(record_id: int) -> None:
    """This request created the record: the log row of a screen in NAMES_WHAT_IT_CREATES
    names it (a sign-off, so that `audit verify` can tell when one was deleted —
    models.access_log.checkpoint.missing_sign_offs)."""
    g.created_record_ids = [*g.get("created_record_ids", []), str(record_id)]


def mark_out_of_scope() -> None:
    """This request asked for a record outside the user's scope: its log row says 拒否."""
    g.out_of_scope = True


def not_found(out_of_scope: bool) -> NoReturn:
    """404 for a record the user may not see, whether it is absent or outside their scope
    (the same answer: nothing leaks); the log row of one outside their scope says 拒否."""
    if out_of_scope:
        mark_out_of_scope()
    abort(404)


def write_access_log(response: Response) -> Response:
    endpoint = logged_endpoint()
    action = _action(response, endpoint)
    if action is None:
        return response
    if not current_app.config["AUDIT_ENABLED"]:
        return response
    who = g.get("audit_who")
    if current_user.is_authenticated and who is None:  # just logged in
        who = _who()
    user_id, section_id = who or (None, None)
    row = {
        "at": now_utc(),
        "user_id": user_id,
        "section_id": section_id,
        "endpoint": endpoint[:120],
        "record_ids": _record_ids(),
        "action": action,
        "method": request.method[:8],
        "remote_addr": request.remote_addr,
        "status": response.status_code,
    }
    try:
        # Its own short transaction: the row is kept even when the view rolled back.
        append(db.engine, chain_key(), row)
    except Exception:
        current_app.logger.exception("access log write failed")
        # Fail closed: what cannot be recorded is not shown.
        return Response(
            "アクセス記録を書き込めないため表示できません。", status=503, mimetype="text/plain"
        )
    return response


def chain_key() -> bytes:
    """The key new rows and checkpoints are signed with."""
    return current_app.config["AUDIT_CHAIN_KEY"].encode()


def chain_keys() -> tuple[bytes, ...]:
    """Every key the log was signed with, oldest first: AUDIT_CHAIN_OLD_KEYS, then the current
    one. What reads the log (verify, checkpoints) accepts them; what writes uses chain_key()."""
    old = [k.strip() for k in current_app.config["AUDIT_CHAIN_OLD_KEYS"].split(",") if k.strip()]
    return (*(k.encode() for k in old), chain_key())


def init_audit(app: Flask) -> None:
    app.config.setdefault("ADMIN_URL", "/admin")
    app.before_request(remember_user)
    app.after_request(write_access_log)
