"""Grants of roles: IT enters and narrows them (role assignments), a second person approves or
refuses them (the pending lists on the dashboards). Every rule is in models.staff.grants."""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_admin import BaseView, expose
from flask_admin.contrib.sqla.fields import QuerySelectMultipleField
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import BooleanField, DateField, Field, Form, HiddenField, StringField
from wtforms.validators import AnyOf, InputRequired, Length, Optional, ValidationError

from admin_app.extensions import db
from admin_app.formatting import sdate_text
from admin_app.security import allowed, current_access, safe_next
from models.clock import today_local
from models.errors import InputError
from models.organisation import Facility
from models.staff.access import Access
from models.staff.accounts import GrantState, Role, RoleAssignment, StaffStatus, StaffUser
from models.staff.events import StaffEvent
from models.staff.grants import (
    approve,
    approving_chiefs,
    enter_grant,
    narrow,
    pending_for,
    pending_grants,
    refuse,
)
from models.staff.transfer import (
    TransferBatch,
    approve_batch,
    may_decide_batch,
    pending_batches,
    refuse_batch,
)
from models.typed_input import query_id
from views.base import AppModelView
from views.forms import AdminForm, AppForm
from views.labels import choices, enum_formatter, label
from views.outcome import committed

Record = TypeVar("Record", RoleAssignment, TransferBatch)


def _not_before(start_field: str) -> Callable[[Form, Field], None]:
    def check(form: Form, field: Field) -> None:
        start = form[start_field].data
        if field.data and start and field.data < start:
            raise ValidationError(_l("The end date must not be before the start date."))

    return check


# --- what the ID's page and the pending lists say ---------------------------------------------


def describe_event(event: StaffEvent) -> str:
    """A grant event's role, section, facilities and dates, in words."""
    d = event.details or {}
    if "role" not in d:
        return ""
    parts = [label(Role(d["role"])), d.get("section", "")]
    if d.get("facilities"):
        parts.append("、".join(d["facilities"]))
    if d.get("designated_confirmer"):
        parts.append(gettext("Designated confirmer of change notices"))
    span = f"{sdate_text(d.get('valid_from'))}〜{sdate_text(d.get('valid_to'))}"
    return " / ".join(p for p in parts if p) + f" ({span})"


def event_by(event: StaffEvent) -> str:
    if event.actor is not None:
        return event.actor.name
    by = (event.details or {}).get("by")
    if by == "set_up":
        return gettext("Initial set-up")
    if by == "command_line":
        return gettext("Command line")
    return gettext("Daily job")


def approver_text(grant: RoleAssignment) -> str:
    """Who may decide on a pending grant."""
    if grant.batch_id is not None:
        return gettext("A second IT administrator, with HR's list")
    chiefs = approving_chiefs(grant, today_local())
    if chiefs:
        names = db.session.scalars(select(StaffUser.name).where(StaffUser.id.in_(chiefs)))
        return gettext(
            "The chief of %(section)s (%(names)s)",
            section=grant.section.name,
            names="、".join(sorted(names)),
        )
    return gettext("A second IT administrator (not the one who entered it)")


def pending_context(access: Access, everything: bool = False) -> dict:
    """The pending grants and lists this person may decide (and, for IT, every other one)."""
    mine = pending_for(access)
    batches = pending_batches() if allowed("grant.decide_batch") else []
    others = [g for g in pending_grants() if g not in mine] if everything else []
    return {
        "decidable": mine,
        "others": others,
        "batches": batches,
        "may_decide_batch": lambda b: may_decide_batch(b, access),
        "approver": approver_text,
        "decision_form": DecisionForm(),
    }


# --- entering and narrowing (IT) ---------------------------------------------------------------


class NarrowForm(AdminForm):
    """The only changes an existing grant takes: an earlier end, fewer facilities, the
    confirmer unset. Anything wider is a new grant."""

    valid_to = DateField(
        _l("Last day"),
        validators=[Optional()],
        description=_l("Set or bring forward the last day; yesterday ends the access at once."),
    )
    facilities = QuerySelectMultipleField(
        _l("Facilities"),
        get_label="name",
        description=_l(
            "Only facilities can be taken off; an empty list would mean the whole section."
        ),
    )
    designated_confirmer = BooleanField(_l("Designated confirmer of change notices"))
    reason = StringField(_l("Reason"), validators=[InputRequired(), Length(max=300)])


def _active_users() -> Sequence[StaffUser]:
    return db.session.scalars(
        select(StaffUser).where(StaffUser.status != StaffStatus.REVOKED).order_by(StaffUser.login)
    ).all()


def _field_error(form: Form, error: InputError, default: str) -> None:
    name = error.field if error.field and error.field in form else default
    if name in form:
        form[name].errors = [*form[name].errors, str(error)]
    else:
        flash(str(error), "error")


class RoleAssignmentView(AppModelView):
    """Grants: entered here (pending until a second person approves them when they open
    residents' data or the log), narrowed or ended here, never widened or deleted."""

    column_list = [
        "user",
        "role",
        "section",
        "facilities",
        "valid_from",
        "valid_to",
        "state",
        "entered_by",
        "decided_by",
    ]
    column_default_sort = ("valid_from", True)
    column_filters = ["role", "state", "valid_from", "valid_to"]
    form_columns = [
        "user",
        "role",
        "section",
        "facilities",
        "valid_from",
        "valid_to",
        "designated_confirmer",
        "reason",
    ]
    form_extra_fields = {
        "reason": StringField(_l("Reason"), validators=[InputRequired(), Length(max=300)])
    }
    column_labels = {
        "user": _l("Staff member"),
        "role": _l("Role"),
        "section": _l("Section"),
        "facilities": _l("Facilities"),
        "valid_from": _l("Valid from"),
        "valid_to": _l("Valid to"),
        "state": _l("Approval"),
        "entered_by": _l("Entered by"),
        "decided_by": _l("Decided by"),
        "designated_confirmer": _l("Designated confirmer of change notices"),
        "created_at": _l("Entered at"),
        "decided_at": _l("Decided at"),
        "refusal_reason": _l("Reason for refusal"),
        "batch": _l("Transfer batch"),
    }
    column_formatters = {"role": enum_formatter, "state": enum_formatter}
    column_formatters_detail = column_formatters
    form_choices = {"role": choices(Role)}
    form_args = {
        "valid_to": {"validators": [Optional(), _not_before("valid_from")]},
        "user": {"query_factory": _active_users},
    }

    def get_edit_form(self) -> type[Form]:
        return NarrowForm

    def create_form(self, obj: RoleAssignment | None = None) -> Form:
        form = super().create_form(obj)
        wanted = query_id(request.args.get("user"))
        if request.method == "GET" and wanted is not None:
            form.user.data = db.session.get(StaffUser, wanted)
        return form

    def edit_form(self, obj: RoleAssignment | None = None) -> Form:
        form = super().edit_form(obj)
        if obj.role != Role.FACILITY_STAFF:
            del form.facilities
            del form.designated_confirmer
            return form
        section_id = obj.section_id
        current = [f.id for f in obj.facilities]
        form.facilities.query_factory = lambda: db.session.scalars(
            select(Facility)
            .where(Facility.id.in_(current) if current else Facility.section_id == section_id)
            .order_by(Facility.id)
        ).all()
        if not obj.designated_confirmer:
            del form.designated_confirmer  # it can only be unset here
        return form

    def create_model(self, form: Form) -> RoleAssignment | bool:
        try:
            grant = enter_grant(
                form.user.data,
                Role(form.role.data),
                form.section.data,
                form.valid_from.data,
                actor=current_user,
                valid_to=form.valid_to.data,
                facilities=form.facilities.data or [],
                designated_confirmer=bool(form.designated_confirmer.data),
                reason=form.reason.data,
            )
            db.session.commit()
        except InputError as error:
            db.session.rollback()
            _field_error(form, error, "user")
            return False
        if grant.state == GrantState.PENDING:
            flash(
                gettext(
                    "Grant entered: it takes effect only when %(who)s approves it.",
                    who=approver_text(grant),
                ),
                "warning",
            )
        return grant

    def update_model(self, form: Form, model: RoleAssignment) -> bool:
        try:
            narrow(
                model,
                current_user,
                reason=form.reason.data,
                valid_to=form.valid_to.data,
                facilities=form.facilities.data if "facilities" in form else None,
                designated_confirmer=form.designated_confirmer.data
                if "designated_confirmer" in form
                else None,
            )
            db.session.commit()
        except InputError as error:
            db.session.rollback()
            _field_error(form, error, "reason")
            return False
        return True


# --- approving and refusing (the receiving section's chief, or a second IT administrator) -----


class DecisionForm(AppForm):
    action = HiddenField(validators=[InputRequired(), AnyOf(["approve", "refuse"])])
    reason = StringField(_l("Reason"), validators=[Optional()])  # checked by the rule
    next = HiddenField()


class GrantView(BaseView):
    """Pending grants and HR's lists this person may decide; approve or refuse (POST)."""

    def is_accessible(self) -> bool:
        return allowed("grant.index")

    def inaccessible_callback(self, name: str, **kwargs: Any) -> ResponseReturnValue:
        abort(403)

    @expose("/")
    def index(self) -> str:
        return self.render(
            "admin/grants.html",
            label=label,
            **pending_context(current_access(), allowed("it_dashboard.index")),
        )

    @expose("/decide/", methods=("POST",))
    def decide(self) -> ResponseReturnValue:
        grant = self._get(RoleAssignment)
        return self._decide(
            lambda action, reason: (
                approve(grant, current_user)
                if action == "approve"
                else refuse(grant, current_user, reason)
            ),
            grant.user.login,
        )

    @expose("/decide-batch/", methods=("POST",))
    def decide_batch(self) -> ResponseReturnValue:
        batch = self._get(TransferBatch)
        return self._decide(
            lambda action, reason: (
                approve_batch(batch, current_user)
                if action == "approve"
                else refuse_batch(batch, current_user, reason)
            ),
            gettext("HR's list %(n)s", n=batch.id),
        )

    @staticmethod
    def _get(model: type[Record]) -> Record:
        key = query_id(request.args.get("id"))
        record = db.session.get(model, key) if key is not None else None
        if record is None:
            abort(404)
        return record

    def _decide(self, take: Callable[[str, str], object], what: str) -> ResponseReturnValue:
        form = DecisionForm()
        if form.action.data not in ("approve", "refuse"):
            abort(400)
        if not form.validate_on_submit():
            form.flash_errors()
            return redirect(safe_next(form.next.data, url_for(".index")))
        outcome = committed(lambda: take(form.action.data, form.reason.data), what)
        if outcome.refusal:
            return outcome.refusal
        if outcome.ok:
            flash(
                gettext("%(what)s: approved.", what=what)
                if form.action.data == "approve"
                else gettext("%(what)s: refused.", what=what),
                "success",
            )
        return redirect(safe_next(form.next.data, url_for(".index")))
