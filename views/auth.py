"""Login and logout."""

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from admin_app.extensions import db
from admin_app.security import authenticate
from models.clock import now_utc
from models.staff import StaffSession

bp = Blueprint("auth", __name__)

BAD_LOGIN = _l("The login ID or password is incorrect.")


class LoginForm(FlaskForm):
    login = StringField(_l("Login ID"), validators=[InputRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=128)])


class LogoutForm(FlaskForm):
    pass


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host) may follow a login."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") \
                and not target.startswith("//"):
            return target
    return url_for("admin.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.login.data, form.password.data)
        if user is not None:
            session.clear()  # nothing from before the login survives it
            StaffSession.start(user)
            user.last_login_at = now_utc()
            db.session.commit()
            login_user(user)
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(BAD_LOGIN)
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
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
