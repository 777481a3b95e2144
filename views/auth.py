"""Login and logout."""

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from admin_app.extensions import db
from admin_app.login_guard import guard, record_failed_login
from admin_app.security import authenticate, hash_password, safe_next, user_password_matches
from models.clock import now_utc
from models.errors import InputError
from models.staff.accounts import StaffSession
from models.staff.lifecycle import change_password as change_own_password
from models.staff.security_event import SecurityEventKind, security_event
from views.forms import AppForm

bp = Blueprint("auth", __name__)

BAD_LOGIN = _l("The login ID or password is incorrect.")
TOO_MANY = _l(
    "Too many failed attempts. Logging in is suspended for a while; please try again in 15 minutes."
)


class LoginForm(AppForm):
    login = StringField(_l("Login ID"), validators=[InputRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=128)])


class LogoutForm(AppForm):
    """No fields: the POST carries only the CSRF token."""


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    if form.validate_on_submit():
        address, typed = request.remote_addr, form.login.data
        refusal = (
            SecurityEventKind.THROTTLED
            if guard().address_throttled(address)
            else SecurityEventKind.LOCKED_ATTEMPT
            if guard().account_locked(typed)
            else None
        )
        if refusal is not None:
            security_event(refusal, remote_addr=address)
            form.password.errors.append(TOO_MANY)
            return render_template("auth/login.html", form=form), 429
        user = authenticate(typed, form.password.data)
        if user is not None:
            guard().succeeded(typed)
            session.clear()  # nothing from before the login survives it
            StaffSession.start(user)
            user.last_login_at = now_utc()
            db.session.commit()
            login_user(user)
            session.permanent = True
            return redirect(safe_next(request.args.get("next"), url_for("admin.index")))
        locked = record_failed_login(typed, address)
        form.password.errors.append(TOO_MANY if locked else BAD_LOGIN)
        return render_template("auth/login.html", form=form), 429 if locked else 401
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["GET", "POST"])
def logout() -> ResponseReturnValue:
    form = LogoutForm()
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if request.method == "POST" and form.validate_on_submit():
        session_row = StaffSession.find_active(current_user.session_token or "")
        if session_row is not None:
            session_row.end("logout")
            db.session.commit()
        logout_user()
        session.clear()
        return redirect(url_for("auth.login", logged_out=1))
    return render_template("auth/logout.html", form=form)


class PasswordForm(AppForm):
    current = PasswordField(_l("Current password"), validators=[InputRequired(), Length(max=128)])
    new = PasswordField(
        _l("New password"),
        validators=[InputRequired()],
        description=_l(
            "12 to 128 characters. Any characters; a passphrase "
            "of several words is easy to remember."
        ),
    )
    repeat = PasswordField(_l("New password (again)"), validators=[InputRequired()])


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    """Change one's own password (required at first login); other sessions end."""
    form = PasswordForm()
    if form.validate_on_submit():
        if form.new.data != form.repeat.data:
            form.repeat.errors.append(_l("The two new passwords differ."))
        else:
            session_row = g.get("staff_session")
            try:
                change_own_password(
                    current_user,
                    form.new.data,
                    hash_password,
                    user_password_matches,
                    form.current.data,
                    session_row.id if session_row else None,
                )
            except InputError as error:
                (form.current if error.field == "current" else form.new).errors.append(str(error))
            else:
                db.session.commit()
                flash(_l("Your password was changed. Your other sessions were ended."), "success")
                return redirect(url_for("admin.index"))
    return render_template("auth/password.html", form=form, first=current_user.must_change_password)
