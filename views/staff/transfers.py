"""Personnel transfers for IT: the list, one at a time, or HR's CSV with a preview."""

import base64
import binascii

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_admin import expose
from flask_admin.contrib.sqla.fields import QuerySelectField, QuerySelectMultipleField
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import DateField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from admin_app.extensions import db
from admin_app.imports.transfers import import_transfers
from models.errors import InputError
from models.organisation import Facility, Section
from models.staff.accounts import GrantState, Role, StaffStatus, StaffUser
from models.staff.transfer import TransferKind, register_transfer
from views.base import AppModelView
from views.forms import AppForm
from views.labels import choices, enum_formatter, label

MAX_UPLOAD = 2 * 1024 * 1024


class TransferForm(AppForm):
    user = QuerySelectField(
        _l("Staff member"),
        query_factory=lambda: db.session.scalars(
            select(StaffUser)
            .where(StaffUser.status != StaffStatus.REVOKED)
            .order_by(StaffUser.login)
        ).all(),
        get_label=lambda u: f"{u.login} {u.name}",
    )
    kind = SelectField(_l("Kind of transfer"), choices=choices(TransferKind))
    effective_on = DateField(_l("Effective date"), validators=[InputRequired()])
    new_section = QuerySelectField(
        _l("New section"),
        allow_blank=True,
        blank_text="—",
        query_factory=lambda: db.session.scalars(select(Section).order_by(Section.code)).all(),
        get_label="name",
    )
    new_role = SelectField(
        _l("New role"), choices=[("", "—"), *choices(Role)], validators=[Optional()]
    )
    facilities = QuerySelectMultipleField(
        _l("Facilities"),
        query_factory=lambda: db.session.scalars(select(Facility).order_by(Facility.id)).all(),
        get_label="name",
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])


def new_grant_pending(user: StaffUser) -> bool:
    return any(a.state == GrantState.PENDING for a in user.assignments)


class UploadForm(AppForm):
    file = FileField(_l("CSV file from HR"))
    content = StringField()  # the previewed file, sent back to import it


class TransferView(AppModelView):
    column_list = [
        "user",
        "kind",
        "effective_on",
        "new_section",
        "new_role",
        "applied_at",
        "registered_by",
        "note",
    ]
    column_default_sort = ("effective_on", True)
    column_filters = ["kind", "effective_on"]
    column_labels = {
        "user": _l("Staff member"),
        "kind": _l("Kind of transfer"),
        "effective_on": _l("Effective date"),
        "new_section": _l("New section"),
        "new_role": _l("New role"),
        "applied_at": _l("Applied by the daily job"),
        "registered_by": _l("Registered by"),
        "note": _l("Note"),
        "new_facility_ids": _l("New facilities"),
        "registered_at": _l("Registered at"),
        "cancelled_at": _l("Cancelled at"),
        "batch": _l("Transfer batch"),
    }
    column_formatters = {"kind": enum_formatter, "new_role": enum_formatter}
    column_formatters_detail = column_formatters
    list_template = "admin/transfer_list.html"

    @expose("/register/", methods=("GET", "POST"))
    def register(self) -> ResponseReturnValue:
        form = TransferForm()
        if form.validate_on_submit():
            try:
                register_transfer(
                    form.user.data,
                    TransferKind(form.kind.data),
                    form.effective_on.data,
                    actor=current_user,
                    new_section=form.new_section.data,
                    new_role=Role(form.new_role.data) if form.new_role.data else None,
                    facilities=form.facilities.data,
                    note=form.note.data or None,
                )
                db.session.commit()
            except InputError as error:
                db.session.rollback()
                field = {"role": "new_role"}.get(error.field, error.field)
                target = (
                    form[field]
                    if field in ("user", "new_role", "facilities")
                    else form.effective_on
                )
                target.errors.append(str(error))
            else:
                flash(
                    gettext(
                        "Transfer registered: it takes effect at 00:00 on %(day)s.",
                        day=form.effective_on.data.isoformat(),
                    ),
                    "success",
                )
                if new_grant_pending(form.user.data):
                    flash(
                        gettext(
                            "The new role takes effect only once a second person "
                            "approves it (see the staff ID's page)."
                        ),
                        "warning",
                    )
                return redirect(url_for(".index_view"))
        return self.render("admin/transfer_register.html", form=form)

    @expose("/upload/", methods=("GET", "POST"))
    def upload(self) -> ResponseReturnValue:
        """Upload → preview with row-level errors → import all or nothing."""
        form = UploadForm()
        result, content = None, ""
        if form.validate_on_submit():
            confirmed = bool(form.content.data)
            raw = self._raw(form)
            result = import_transfers(raw, actor=current_user, dry_run=not confirmed)
            if confirmed and not result.errors:
                db.session.commit()
                flash(gettext("%(n)s transfers imported.", n=result.imported), "success")
                if result.pending:
                    flash(
                        gettext(
                            "The list's new roles take effect only once a second IT "
                            "administrator approves the list."
                        ),
                        "warning",
                    )
                return redirect(url_for(".index_view"))
            db.session.rollback()  # a preview, or a list with problems: nothing is kept
            content = base64.b64encode(raw).decode() if not result.errors else ""
        return self.render(
            "admin/transfer_upload.html", form=form, result=result, content=content, label=label
        )

    @staticmethod
    def _raw(form: UploadForm) -> bytes:
        if form.content.data:
            try:
                return base64.b64decode(form.content.data, validate=True)
            except (binascii.Error, ValueError):
                abort(400)
        upload = request.files.get("file")
        raw = upload.read(MAX_UPLOAD + 1) if upload else b""
        if not raw or len(raw) > MAX_UPLOAD:
            abort(400)
        return raw
