"""Change-notice screens: the section queue, receive, enter, confirm/reject/return, print.

Thin: every rule is in models.registration.change_notice; rows are scoped to the user's facilities.
"""

from datetime import timedelta

from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload
from wtforms import DateField, Form, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from admin_app.extensions import db
from admin_app.security import allowed, current_access
from models.clock import start_of_day, today_local
from models.errors import InputError
from models.registration.change_notice import (
    OPEN_STATES,
    STALE_AFTER_DAYS,
    ChangeNotice,
    NotAllowed,
    NoticeState,
    NoticeType,
    ReceivedVia,
    RegistrantHistory,
    can_decide,
    can_handle,
    changeable_fields,
    confirm_notice,
    decide_against,
    enter,
    receive,
)
from models.registration.inventory import BY_FIELD
from models.registration.registrant import Registrant
from views.base import scoped_one
from views.forms import AppForm
from views.labels import choices, label

RECENT_DAYS = 30
QUEUE_LIMIT = 200


class ReceiveForm(AppForm):
    notice_type = SelectField(
        _l("Kind of notice"), choices=choices(NoticeType), validators=[InputRequired()]
    )
    received_on = DateField(_l("Received on"), validators=[InputRequired()], default=today_local)
    received_via = SelectField(
        _l("Received by way of"), choices=choices(ReceivedVia), validators=[InputRequired()]
    )


class DecideForm(AppForm):
    action = HiddenField(validators=[InputRequired()])
    reason = TextAreaField(_l("Reason (for rejecting or returning)"), validators=[Optional()])


def enter_form_class(fields: list[str]) -> type[AppForm]:
    """One optional input per item that a notice may change (empty = no change)."""
    attrs = {f: StringField(BY_FIELD[f].label, validators=[Optional()]) for f in fields}
    return type("EnterForm", (AppForm,), attrs)


def scoped_notices() -> Select[ChangeNotice]:
    return (
        select(ChangeNotice)
        .join(ChangeNotice.registrant)
        .where(Registrant.facility_id.in_(current_access().facility_ids))
    )


class ChangeNoticeView(BaseView):
    def is_accessible(self) -> bool:
        return allowed("change_notice.index")

    def _notice(self) -> ChangeNotice:
        return scoped_one(scoped_notices(), ChangeNotice.id, request.args.get("id"))

    @expose("/")
    def index(self) -> str:
        today = today_local()
        rows = db.session.scalars(
            scoped_notices()
            .options(joinedload(ChangeNotice.registrant))
            .where(ChangeNotice.state.in_(OPEN_STATES))
            .order_by(ChangeNotice.received_on)
            .limit(QUEUE_LIMIT)
        ).all()
        done = db.session.scalars(
            scoped_notices()
            .options(joinedload(ChangeNotice.registrant))
            .where(
                ChangeNotice.state.not_in(OPEN_STATES),
                ChangeNotice.decided_at >= start_of_day(today - timedelta(days=RECENT_DAYS)),
            )
            .order_by(ChangeNotice.decided_at.desc())
            .limit(QUEUE_LIMIT)
        ).all()
        waiting_entry = [n for n in rows if n.state != NoticeState.ENTERED]
        waiting_confirmation = [n for n in rows if n.state == NoticeState.ENTERED]
        return self.render(
            "admin/change_notice/queue.html",
            waiting_entry=waiting_entry,
            waiting_confirmation=waiting_confirmation,
            done=done,
            today=today,
            stale_days=STALE_AFTER_DAYS,
            label=label,
        )

    @expose("/details/")
    def details(self) -> str:
        notice = self._notice()
        fields = list((notice.staged_values or {}).keys())
        history = db.session.scalars(
            select(RegistrantHistory).where(RegistrantHistory.notice_id == notice.id)
        ).all()
        return self.render(
            "admin/change_notice/details.html",
            notice=notice,
            fields=fields,
            history=history,
            BY_FIELD=BY_FIELD,
            label=label,
            may_decide=can_decide(current_access(), notice),
            may_enter=can_handle(current_access(), notice.registrant),
            form=DecideForm(),
            today=today_local(),
        )

    @expose("/receive/", methods=("GET", "POST"))
    def receive(self) -> ResponseReturnValue:
        registrant = scoped_one(
            select(Registrant).where(Registrant.facility_id.in_(current_access().facility_ids)),
            Registrant.id,
            request.args.get("registrant_id"),
        )
        form = ReceiveForm()
        if form.validate_on_submit():
            try:
                notice = receive(
                    registrant,
                    current_user,
                    notice_type=NoticeType(form.notice_type.data),
                    received_on=form.received_on.data,
                    via=ReceivedVia(form.received_via.data),
                )
                db.session.commit()
            except InputError as error:
                self._refused(form, error)
            else:
                flash(gettext("Notice %(n)s received.", n=notice.notice_number), "success")
                return redirect(url_for(".details", id=notice.id))
        return self.render(
            "admin/change_notice/receive.html", form=form, registrant=registrant, label=label
        )

    @expose("/enter/", methods=("GET", "POST"))
    def enter(self) -> ResponseReturnValue:
        notice = self._notice()
        fields = (
            changeable_fields(notice.registrant) if notice.notice_type == NoticeType.CHANGE else []
        )
        form = enter_form_class(fields)(data=notice.staged_values or {})
        if form.validate_on_submit():
            try:
                enter(notice, current_user, {f: form[f].data for f in fields})
                db.session.commit()
            except InputError as error:
                self._refused(form, error)
            else:
                flash(
                    gettext(
                        "Notice %(n)s entered: it now waits for confirmation.",
                        n=notice.notice_number,
                    ),
                    "success",
                )
                return redirect(url_for(".details", id=notice.id))
        return self.render(
            "admin/change_notice/enter.html",
            form=form,
            notice=notice,
            fields=fields,
            BY_FIELD=BY_FIELD,
            label=label,
        )

    @expose("/decide/", methods=("POST",))
    def decide(self) -> ResponseReturnValue:
        notice = self._notice()
        form = DecideForm()
        if form.action.data not in ("confirm", "reject", "return"):
            abort(400)
        if not form.validate_on_submit():
            form.flash_errors()
            return redirect(url_for(".details", id=notice.id))
        number, notice_id, action = notice.notice_number, notice.id, form.action.data
        try:
            if action == "confirm":
                confirm_notice(notice, current_user)
                message = gettext("Notice %(n)s confirmed; the registration was updated.", n=number)
            else:
                decide_against(notice, current_user, action, form.reason.data)
                message = gettext(
                    "Notice %(n)s: %(state)s.",
                    n=number,
                    state=label(
                        NoticeState.REJECTED if action == "reject" else NoticeState.RETURNED
                    ),
                )
            db.session.commit()
        except InputError as error:
            self._refused(form, error)
        else:
            flash(message, "success")
        return redirect(url_for(".details", id=notice_id))

    @expose("/print/")
    def print_view(self) -> str:
        notice = self._notice()
        fields = (
            changeable_fields(notice.registrant) if notice.notice_type == NoticeType.CHANGE else []
        )
        history = {
            h.field: h
            for h in db.session.scalars(
                select(RegistrantHistory).where(RegistrantHistory.notice_id == notice.id)
            )
        }
        return self.render(
            "print/change_notice.html",
            notice=notice,
            fields=fields,
            history=history,
            BY_FIELD=BY_FIELD,
            label=label,
        )

    @staticmethod
    def _refused(form: Form, error: InputError) -> None:
        """Undo the step: a refusal is a 403, a problem shows at the fields."""
        db.session.rollback()
        if isinstance(error, NotAllowed):
            abort(403)
        flash(str(error), "error")
        for field, message in getattr(error, "field_errors", {}).items():
            if field in form:
                form[field].errors = [*form[field].errors, message]
            else:
                flash(message, "error")
