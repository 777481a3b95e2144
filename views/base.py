"""The ModelView every back-office screen builds on: permissions from the table, row scoping
honoured by every path that reads a record, and database errors never shown raw."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from flask import Response, abort, current_app, flash, g, redirect, request
from flask.typing import ResponseReturnValue
from flask_admin.contrib.sqla import ModelView
from flask_admin.helpers import flash_errors, get_redirect_target
from flask_admin.model.base import ViewArgs
from flask_admin.model.typefmt import BASE_FORMATTERS, DETAIL_FORMATTERS
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Select, inspect, select
from sqlalchemy.orm import Query
from werkzeug.utils import secure_filename
from wtforms import Form

from admin_app.audit import mark_out_of_scope, not_found
from admin_app.csv_export import csv_document
from admin_app.extensions import db
from admin_app.formatting import sdate, sdatetime
from admin_app.security import allowed, current_access
from models.organisation import Facility
from models.typed_input import query_id
from views.filters import AppFilterConverter
from views.forms import AdminForm, AdminInlineConverter

LAST_PAGE = 10**9  # beyond any list; a larger page number would overflow the OFFSET

YES_NO = {True: _l("boolean: yes"), False: _l("boolean: no")}


def _yes_no(view: ModelView, value: bool, name: str) -> str:
    return str(YES_NO[bool(value)])


def _date(view: ModelView, value: date, name: str) -> str:
    return sdate(value)


def _datetime(view: ModelView, value: datetime, name: str) -> str:
    return sdatetime(value)


# Over Flask-Admin's own; a datetime is also a date, so it comes first (first match wins).
JAPANESE_FORMATTERS = {bool: _yes_no, datetime: _datetime, date: _date}


class AppModelView(ModelView):
    can_view_details = True
    details_template = "admin/details.html"
    can_set_page_size = False
    page_size = 50
    create_modal = False
    edit_modal = False
    # No inline editing: /ajax/update/ would bypass the form's validation.
    column_editable_list: list[str] = []
    # Enum filters by stored value with Japanese labels; dates in a sensible range.
    filter_converter = AppFilterConverter()
    # Text refuses control and invisible-only characters, dates a sensible range.
    form_base_class = AdminForm
    inline_model_form_converter = AdminInlineConverter
    # はい/いいえ, 2026/11/26 and 2026/11/26 21:51 (Japan time) on every list and record.
    column_type_formatters = {**BASE_FORMATTERS, **JAPANESE_FORMATTERS}
    column_type_formatters_detail = {**DETAIL_FORMATTERS, **JAPANESE_FORMATTERS}

    # Whatever the table says, per request.
    @property
    def can_create(self) -> bool:  # type: ignore[override]
        return allowed(f"{self.endpoint}.create_view")

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return allowed(f"{self.endpoint}.edit_view")

    @property
    def can_delete(self) -> bool:  # type: ignore[override]
        return allowed(f"{self.endpoint}.delete_view")

    @property
    def can_export(self) -> bool:  # type: ignore[override]
        return allowed(f"{self.endpoint}.export")

    def is_accessible(self) -> bool:
        return allowed(f"{self.endpoint}.index_view")

    def inaccessible_callback(self, name: str, **kwargs: Any) -> ResponseReturnValue:
        abort(403)

    def is_action_allowed(self, name: str) -> bool:
        return allowed(f"{self.endpoint}.action_view:{name}") and super().is_action_allowed(name)

    def _get_list_extra_args(self) -> ViewArgs:
        args = super()._get_list_extra_args()
        if not 0 <= (args.page or 0) <= LAST_PAGE:
            args.page = 0  # a negative or absurd page number shows the first page
        return args

    def get_list(self, page, sort_column, sort_desc, search, filters, *args, **kwargs):  # noqa: ANN001, ANN201
        """Flask-Admin's, except that a page beyond the last (a bookmark, a typed URL, rows
        gone since) shows the last page rather than "page 999 of 8" with no rows."""
        count, data = super().get_list(
            page, sort_column, sort_desc, search, filters, *args, **kwargs
        )
        size = kwargs.get("page_size") or self.page_size
        if page and count and size and page * size >= count:
            g.list_page = (count - 1) // size
            count, data = super().get_list(
                g.list_page, sort_column, sort_desc, search, filters, *args, **kwargs
            )
        return count, data

    def render(self, template: str, **kwargs: Any) -> str:
        if template == self.list_template and "list_page" in g:
            kwargs["page"] = g.list_page  # the page get_list fell back to
        return super().render(template, **kwargs)

    # Row scoping: one hook, applied to lists, counts, single records, actions and exports.
    def scope(self, query: Query) -> Query:
        return query

    def get_query(self) -> Query:
        return self.scope(super().get_query())

    def get_count_query(self) -> Query:
        return self.scope(super().get_count_query())

    def get_one(self, id: str) -> Any:
        pk = inspect(self.model).primary_key[0]
        key = _key(pk, id)
        if key is None:
            abort(404)
        record = self.get_query().filter(pk == key).one_or_none()
        if record is None:
            # Out of scope or absent: the same answer, so nothing leaks; the log knows which.
            not_found(out_of_scope=exists(pk, key))
        return record

    def handle_action(self, return_view: str | None = None) -> ResponseReturnValue:
        """Flask-Admin's, except that an action gets the ids as keys of the table's type, and
        only those that can name a record (never "²" or a number beyond any id, which fail
        in int() or in the database); it touches only records in scope, and asking for others
        is logged as 拒否."""
        pk = inspect(self.model).primary_key[0]
        keys = list(
            dict.fromkeys(
                k
                for k in (_key(pk, i) for i in request.form.getlist("rowid")[:1000])
                if k is not None
            )
        )
        if keys:
            in_scope = {getattr(r, pk.key) for r in self.get_query().filter(pk.in_(keys))}
            if (
                db.session.scalar(select(pk).where(pk.in_(set(keys) - in_scope)).limit(1))
                is not None
            ):
                mark_out_of_scope()
        form = self.action_form()
        if self.validate_form(form):
            handler = self._actions_data.get(form.action.data)
            if handler is None or not self.is_action_allowed(form.action.data):
                abort(403)  # not an action of this list, or not one this person may run
            response = handler[0](keys)  # typed: PostgreSQL compares no id to text
            if response is not None:
                return response
        else:
            flash_errors(form, message="Failed to perform action. %(error)s")
        return redirect(
            self.get_url(f".{return_view}")
            if return_view
            else get_redirect_target() or self.get_url(".index_view")
        )

    def _export_csv(self, return_url: str) -> Response:
        """CSV that Excel opens (UTF-8 with BOM) and that cannot smuggle in formulas."""
        _, data = self._export_data()
        columns = self._export_columns
        rows = (
            [str(title) for _, title in columns],
            *([self.get_export_value(row, name) for name, _ in columns] for row in data),
        )
        body = csv_document(rows)
        filename = secure_filename(self.get_export_name(export_type="csv"))
        return Response(
            body,
            mimetype="text/csv; charset=utf-8",
            headers={"Content-Disposition": f"attachment; filename={filename}"},
        )

    def validate_form(self, form: Form) -> bool:
        valid = super().validate_form(form)
        # Flask-Admin's templates show only `str` errors; our messages are lazily translated.
        for field in form:
            if isinstance(field.errors, list | tuple):
                field.errors = [e if isinstance(e, dict | list) else str(e) for e in field.errors]
        return valid

    def handle_view_exception(self, exc: Exception) -> bool:
        current_app.logger.exception("save failed in %s", self.endpoint)
        flash(
            gettext("The record could not be saved. Please check the input and try again."), "error"
        )
        return True


def _key(pk: Column, raw: str) -> object:
    """The primary key value a request names, or None when it cannot be one."""
    if pk.type.python_type is int:
        return query_id(raw)
    try:
        return pk.type.python_type(raw)
    except (TypeError, ValueError):
        return None


def exists(column: Column, value: object) -> bool:
    """Does a row with this value exist at all, whoever may see it?"""
    return db.session.scalar(select(column).where(column == value).limit(1)) is not None


class FacilityScopedView(AppModelView):
    """Records that belong to a facility (registrants, talent-bank entries): only those of the
    user's own facilities in lists, counts, records, actions and exports, and only those
    facilities to choose from in forms."""

    def scope(self, query: Query) -> Query:
        return query.filter(self.model.facility_id.in_(current_access().facility_ids))

    def facility_choices(self) -> Sequence[Facility]:
        return db.session.scalars(
            select(Facility)
            .where(Facility.id.in_(current_access().facility_ids))
            .order_by(Facility.id)
        ).all()

    def create_form(self, obj: object = None) -> Form:
        form = super().create_form(obj)
        form.facility.query_factory = self.facility_choices
        return form

    def edit_form(self, obj: object = None) -> Form:
        form = super().edit_form(obj)
        form.facility.query_factory = self.facility_choices
        return form


def scoped_one(query: Select, pk: Column, raw_id: str | None) -> Any:
    """The record `query` (already limited to what the user may see) finds by the id a request
    names: 404 for an id that cannot be one, and 404 — logged as out of scope when the record
    exists beyond the user's reach — when it finds none."""
    key = query_id(raw_id)
    if key is None:
        abort(404)
    record = db.session.scalar(query.where(pk == key))
    if record is None:
        not_found(out_of_scope=exists(pk, key))
    return record
