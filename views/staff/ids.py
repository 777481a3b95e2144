"""Back-office screens for staff IDs (IT section only); their grants are in views.staff.grants."""

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_admin import expose
from flask_admin.contrib.sqla.fields import QuerySelectField, QuerySelectMultipleField
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import DateField, Form, HiddenField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from admin_app.extensions import db
from admin_app.security import current_access, hash_password, safe_next
from models.clock import today_local
from models.errors import InputError
from models.organisation import Facility, Section
from models.staff.access import access_of
from models.staff.accounts import Role, StaffKind, StaffUser
from models.staff.contractor import ContractorCompany
from models.staff.events import StaffEvent
from models.staff.grants import enter_grant
from models.staff.lifecycle import (
    check_employee_number,
    issue_id,
    reactivate,
    reset_password,
    revoke,
    suspend,
)
from models.staff.password_handout import hand_second_half, may_hand_second_half, open_handout
from models.staff.separation import refuse_self
from views.base import AppModelView
from views.forms import LOGIN_FORMAT, AppForm
from views.labels import choices, enum_formatter, label
from views.outcome import committed
from views.staff.grants import approver_text, describe_event, event_by


class IssueForm(AppForm):
    login = StringField(_l("Login ID"), validators=[InputRequired(), LOGIN_FORMAT])
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=100)])
    employee_number = StringField(_l("Employee number"), validators=[Optional(), Length(max=20)])
    kind = SelectField(_l("Kind"), choices=choices(StaffKind))
    section = QuerySelectField(
        _l("Section"),
        query_factory=lambda: db.session.scalars(select(Section).order_by(Section.code)).all(),
        get_label="name",
    )
    contractor_company = QuerySelectField(
        _l("Contractor company"),
        allow_blank=True,
        blank_text="—",
        query_factory=lambda: db.session.scalars(
            select(ContractorCompany).order_by(ContractorCompany.name)
        ).all(),
        get_label="name",
    )
    role = SelectField(_l("Role"), choices=choices(Role))
    facilities = QuerySelectMultipleField(
        _l("Facilities"),
        query_factory=lambda: db.session.scalars(select(Facility).order_by(Facility.id)).all(),
        get_label="name",
        description=_l("Facility staff only; leave empty for the whole section."),
    )
    valid_from = DateField(_l("Valid from"), validators=[InputRequired()], default=today_local)


class ReasonForm(AppForm):
    action = HiddenField(validators=[InputRequired()])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=300)])


class SecondHalfForm(AppForm):
    """No fields: the POST carries only the CSRF token."""


LIFECYCLE = {"suspend": suspend, "reactivate": reactivate, "revoke": revoke}


class StaffUserView(AppModelView):
    list_template = "admin/staff_user_list.html"  # with the link to issue an ID
    details_template = "admin/staff_user_details.html"
    column_list = [
        "login",
        "name",
        "employee_number",
        "kind",
        "section",
        "status",
        "valid_from",
        "valid_to",
        "last_login_at",
    ]
    column_details_list = column_list + ["created_at"]  # grants: their own table below
    column_default_sort = "login"
    column_searchable_list = ["login", "name", "employee_number"]
    column_filters = ["status", "kind"]
    # Status, validity and passwords change only through the lifecycle steps (with events).
    form_columns = ["name", "employee_number", "contractor_company"]
    column_labels = {
        "login": _l("Login ID"),
        "name": _l("Name"),
        "employee_number": _l("Employee number"),
        "kind": _l("Kind"),
        "section": _l("Section"),
        "status": _l("Status"),
        "valid_from": _l("Valid from"),
        "valid_to": _l("Valid to"),
        "last_login_at": _l("Last login"),
        "assignments": _l("Role assignments"),
        "created_at": _l("Issued at"),
        "contractor_company": _l("Contractor company"),
    }
    column_formatters = {"kind": enum_formatter, "status": enum_formatter}
    column_formatters_detail = column_formatters

    @expose("/issue/", methods=("GET", "POST"))
    def issue(self) -> str:
        """Issue an ID: the first password is random, shown once here, changed at first login."""
        form = IssueForm()
        if form.validate_on_submit():
            user = StaffUser(
                login=form.login.data,
                name=form.name.data.strip(),
                employee_number=form.employee_number.data or None,
                kind=StaffKind(form.kind.data),
                section=form.section.data,
                contractor_company=form.contractor_company.data,
                valid_from=form.valid_from.data,
            )
            try:
                password = issue_id(user, current_user, hash_password, Role(form.role.data))
                # The role is a grant like any other: pending when it needs a second person.
                grant = enter_grant(
                    user,
                    Role(form.role.data),
                    form.section.data,
                    form.valid_from.data,
                    actor=current_user,
                    facilities=form.facilities.data or [],
                )
                db.session.commit()
            except (InputError, IntegrityError) as error:
                db.session.rollback()
                field = getattr(error, "field", None)
                target = form[field] if field and field in form else form.login
                target.errors.append(
                    str(error)
                    if isinstance(error, InputError)
                    else gettext("This login ID exists (IDs are never reused).")
                )
            else:
                return self.render(
                    "admin/staff_issued.html",
                    user=user,
                    password=password,
                    grant=grant,
                    half=user.password_hash is None,
                )
        return self.render("admin/staff_issue.html", form=form)

    @expose("/lifecycle/", methods=("POST",))
    def lifecycle(self) -> ResponseReturnValue:
        """Suspend, reactivate or revoke, with a reason; sessions end at once."""
        user = self.get_one(request.args.get("id", ""))
        form = ReasonForm()
        step = LIFECYCLE.get(form.action.data) if form.validate_on_submit() else None
        if step is None:
            abort(400)
        try:
            step(user, current_user, form.reason.data)
            db.session.commit()
            flash(
                gettext("%(login)s: %(status)s.", login=user.login, status=label(user.status)),
                "success",
            )
        except InputError as error:
            db.session.rollback()
            flash(str(error), "error")
        return redirect(safe_next(request.form.get("next"), url_for(".details_view", id=user.id)))

    @expose("/reset-password/", methods=("POST",))
    def reset_password(self) -> ResponseReturnValue:
        user = self.get_one(request.args.get("id", ""))
        try:
            password = reset_password(user, current_user, hash_password)
        except InputError as error:
            flash(str(error), "error")
            return redirect(url_for(".details_view", id=user.id))
        db.session.commit()
        return self.render(
            "admin/staff_issued.html",
            user=user,
            password=password,
            reset=True,
            half=user.password_hash is None,
        )

    @expose("/second-half/", methods=("POST",))
    def second_half(self) -> ResponseReturnValue:
        """A second IT administrator hands out the second half of a password (shown once)."""
        user = self.get_one(request.args.get("id", ""))
        if not SecondHalfForm().validate_on_submit():
            abort(400)
        outcome = committed(lambda: hand_second_half(user, current_user, hash_password))
        if outcome.refusal:
            return outcome.refusal
        if not outcome.ok:
            return redirect(url_for(".details_view", id=user.id))
        return self.render(
            "admin/staff_issued.html", user=user, password=outcome.value, second=True
        )

    def update_model(self, form: Form, model: StaffUser) -> bool:
        try:  # nobody edits their own ID (its employee number tells who issues whose ID)
            refuse_self(current_user, model, "edit their own ID", field="name")
            form.employee_number.data = check_employee_number(
                model, form.employee_number.data, current_user
            )
        except InputError as error:
            target = form.employee_number if error.field == "employee_number" else form.name
            target.errors = [*target.errors, str(error)]
            return False
        return super().update_model(form, model)

    def render(self, template: str, **kwargs: Any) -> str:
        kwargs.setdefault("label", label)
        kwargs.setdefault("reason_form", ReasonForm())
        kwargs.setdefault("approver", approver_text)
        if template == self.details_template and "model" in kwargs:
            user = kwargs["model"]
            kwargs["handout"] = open_handout(user)
            kwargs["may_hand_second_half"] = may_hand_second_half(user, current_access())
            kwargs["second_half_form"] = SecondHalfForm()
            kwargs["events"] = db.session.scalars(
                select(StaffEvent)
                .where(StaffEvent.user_id == user.id)
                .order_by(StaffEvent.at.desc(), StaffEvent.id.desc())
            ).all()
            kwargs["refusals"] = list(access_of(user).refusal_reasons)
            kwargs["grants"] = sorted(user.assignments, key=lambda a: (a.valid_from, a.id))
            kwargs["describe"] = describe_event
            kwargs["event_by"] = event_by
        return super().render(template, **kwargs)
