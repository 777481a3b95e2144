"""Authentication, sessions and the deny-by-default gate in front of every endpoint."""

from datetime import timedelta

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, abort, current_app, g, redirect, request, request_started, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from admin_app.extensions import db, login_manager
from admin_app.permissions import PUBLIC, SEES_ALL_FACILITIES, allows, rule_for
from models.clock import now_utc
from models.staff.access import NO_ACCESS, Access, access_of
from models.staff.accounts import StaffSession, StaffUser
from models.staff.password_handout import handout_matches
from models.staff.security_event import SecurityEventKind, security_event

LAST_SEEN_GRANULARITY = timedelta(minutes=1)


def password_hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
        type=Type.ID,
    )


def hash_password(password: str) -> str:
    return password_hasher().hash(password)


def authenticate(login: str, password: str) -> StaffUser | None:
    """The user if the login exists, the password matches and the ID may be used now.

    An unknown login costs the same hash verification as a known one, so timing does
    not tell which logins exist. A refused ID's reasons go to the security log for IT only.
    """
    user = db.session.scalar(select(StaffUser).where(StaffUser.login == login.strip()))
    if user is None:
        verify_password(_dummy_hash(), password)
        return None
    if not user_password_matches(user, password):
        return None
    access = access_of(user)
    if access.refusal_reasons:
        security_event(
            SecurityEventKind.LOGIN_REFUSED,
            user_id=user.id,
            remote_addr=request.remote_addr,
            detail="; ".join(access.refusal_reasons)[:300],
        )
        return None
    g.access = access  # the rest of the login request, once the user is logged in
    hasher = password_hasher()
    if user.password_hash and hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user


def verify_password(stored: str, password: str) -> bool:
    try:
        return password_hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def user_password_matches(user: StaffUser, password: str) -> bool:
    """The ID's own password, or — until its holder sets one — both halves of the password
    two IT administrators handed out (models.staff.password_handout)."""
    if user.password_hash:
        return verify_password(user.password_hash, password)
    return handout_matches(user, password, verify_password)


def _dummy_hash() -> str:
    cached = current_app.extensions.get("dummy_password_hash")
    if cached is None:
        cached = hash_password("not-a-password-of-anyone")
        current_app.extensions["dummy_password_hash"] = cached
    return cached


@login_manager.user_loader
def load_user(token: str) -> StaffUser | None:
    """Refuse at once a login whose session ended, idled out, or whose ID is no longer usable."""
    session_row = StaffSession.find_active(token)
    if session_row is None:
        return None
    now = now_utc()
    user = session_row.user
    if now - session_row.last_seen_at > current_app.config["SESSION_IDLE_TIMEOUT"]:
        session_row.end("idle_timeout")
        db.session.commit()
        return None
    access = access_of(user, now)
    if access.refusal_reasons:  # suspended, revoked, transferred out, contractor gate
        session_row.end("id_not_usable")
        db.session.commit()
        return None
    if now - session_row.last_seen_at > LAST_SEEN_GRANULARITY:
        session_row.last_seen_at = now
        db.session.commit()
    user.session_token = token
    g.staff_session = session_row
    g.access = access  # the request's, computed while checking the ID
    return user


def current_access() -> Access:
    """What the current user may do in this request: computed once (by the user loader) and
    kept on g; a login or logout within the request changes whose it is."""
    if not current_user.is_authenticated:
        return NO_ACCESS
    access = g.get("access")
    if access is None or access.user_id != current_user.id:
        access = g.access = access_of(current_user._get_current_object())
    return access


def forget_access(sender: Flask, **extra) -> None:
    """Every request starts without one (g may outlive a request where an outer application
    context is kept, as in tests)."""
    g.pop("access", None)


def allowed(endpoint: str) -> bool:
    """May the current user reach this endpoint? (Menus, buttons and the gate all ask this.)"""
    return allows(endpoint, current_access().roles, current_user.is_authenticated)


def enforce_permissions() -> ResponseReturnValue | None:
    """Before every request: classified endpoints only; anonymous staff pages go to the login."""
    endpoint = request.endpoint
    if endpoint is None:
        return None  # not routed: Flask answers 404
    rule = rule_for(endpoint)
    if rule is not None and rule.allow == PUBLIC:
        return None
    if rule is not None and not current_user.is_authenticated:
        g.access_denied = True
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if not allowed(endpoint):
        abort(403)
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and endpoint not in PASSWORD_CHANGE_ALLOWS
    ):
        return redirect(url_for("auth.change_password"))
    return None


# What a person who must change their first password may still reach.
PASSWORD_CHANGE_ALLOWS = frozenset(
    {"auth.change_password", "auth.logout", "static", "admin.static"}
)


def init_security(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = None  # server-side session rows do this job
    request_started.connect(forget_access, app)
    app.before_request(enforce_permissions)


def visible_facility_ids() -> set[int] | None:
    """Facilities whose records the current user may see; None means every facility."""
    access = current_access()
    return None if access.has(*SEES_ALL_FACILITIES) else set(access.facility_ids)


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this site (no scheme, no host) may be redirected to."""
    from urllib.parse import urlsplit

    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
        ):
            return target
    return default


def from_review_terminal() -> bool:
    """Is this request from a registered terminal (LOG_REVIEW_NETWORKS), if any are set?"""
    import ipaddress

    networks = [
        n.strip() for n in current_app.config["LOG_REVIEW_NETWORKS"].split(",") if n.strip()
    ]
    if not networks:
        return True
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(n, strict=False) for n in networks)
