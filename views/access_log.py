"""The access log for section chiefs (their own section only), and the review sign-offs."""

from datetime import date, datetime

from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from admin_app.extensions import db
from admin_app.permissions import TABLE
from admin_app.security import allowed, current_roles, from_review_terminal
from models.access_log import (
    AccessAction,
    LogFilter,
    detail_views_per_hour,
    flags,
    review_query,
)
from models.clock import JST, as_utc, today_local
from models.japanese import InputError
from models.log_review import (
    Findings,
    LogReview,
    chief_sections,
    record_review,
    section_statuses,
)
from models.organisation import Section
from models.staff import Role, RoleAssignment, StaffUser
from models.typed_input import query_date
from views.forms import AppForm
from views.labels import choices, label

FLAG_LABELS = {"outside_hours": _l("Outside working hours"), "export": _l("Export"),
               "denied": _l("Denied"), "bulk": _l("Many records in an hour")}


def _int(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and int(value) < 2**63 else None


def _date(name: str) -> date | None:
    return query_date(request.args.get(name))  # unusable or out of range: no date given


def _cursor() -> tuple[datetime, int] | None:
    raw = request.args.get("before", "")
    at, _, row_id = raw.partition("_")
    try:
        return as_utc(datetime.fromisoformat(at)), int(row_id)
    except ValueError:
        return None


class AccessLogView(BaseView):
    def is_accessible(self) -> bool:
        return allowed("access_log.index")

    @expose("/")
    def index(self):
        if not from_review_terminal():
            abort(403)  # only from registered terminals, when configured
        sections = chief_sections(current_user)
        action = request.args.get("action", "")
        f = LogFilter(user_id=_int("user"), date_from=_date("from"), date_to=_date("to"),
                      endpoint=request.args.get("screen") or None,
                      action=AccessAction(action) if action in set(AccessAction) else None,
                      record_screen=request.args.get("record_screen") or None,
                      record_id=(request.args.get("record") or "")[:40] or None,
                      before=_cursor())
        rows = db.session.scalars(review_query(sections, f)).all()
        cfg = current_app.config
        marks = flags(rows, cfg["WORKING_HOURS"], cfg["BULK_VIEWS_PER_HOUR"],
                      detail_views_per_hour(sections, rows))
        people = db.session.scalars(
            select(StaffUser).join(RoleAssignment, RoleAssignment.user_id == StaffUser.id)
            .where(RoleAssignment.section_id.in_(sections)).distinct()
            .order_by(StaffUser.login)).all()
        names = {u.id: u for u in people}
        missing = {r.user_id for r in rows if r.user_id and r.user_id not in names}
        names |= {u.id: u for u in db.session.scalars(select(StaffUser).where(
            StaffUser.id.in_(missing)))}
        screens = sorted(e for e, rule in TABLE.items() if rule.action and ":" not in e)
        next_cursor = f"{rows[-1].at.isoformat()}_{rows[-1].id}" if len(rows) == 50 else None
        args = {k: v for k, v in request.args.items() if k != "before"}
        return self.render("admin/access_log.html", rows=rows, marks=marks, people=people,
                           names=names, screens=screens, actions=list(AccessAction),
                           args=args, next_cursor=next_cursor, label=label, JST=JST,
                           flag_labels=FLAG_LABELS, sections=db.session.scalars(
                               select(Section).where(Section.id.in_(sections))).all())


class ReviewForm(AppForm):
    section = SelectField(_l("Section"), coerce=int)
    period_from = DateField(_l("Period from"), validators=[InputRequired()])
    period_to = DateField(_l("Period to"), validators=[InputRequired()], default=today_local)
    findings = SelectField(_l("Findings"), choices=choices(Findings))
    findings_text = TextAreaField(_l("What was noted"), validators=[Optional(),
                                                                    Length(max=2000)])


class LogReviewView(BaseView):
    """点検記録: chiefs record reviews; chiefs and the auditor see every section's status."""

    def is_accessible(self) -> bool:
        return allowed("log_review.index")

    def _form(self) -> ReviewForm:
        form = ReviewForm()
        form.section.choices = [(s.id, s.name) for s in db.session.scalars(
            select(Section).where(Section.id.in_(chief_sections(current_user))))]
        return form

    @expose("/", methods=("GET",))
    def index(self):
        sees_all = Role.AUDITOR in current_roles()
        own = chief_sections(current_user)
        statuses = section_statuses(None if sees_all else own)
        reviews = db.session.scalars(
            select(LogReview).where(True if sees_all else LogReview.section_id.in_(own))
            .order_by(LogReview.recorded_at.desc()).limit(50)).all()
        return self.render("admin/log_review.html", statuses=statuses, reviews=reviews,
                           form=self._form() if own else None, label=label,
                           show_text=bool(own) and not sees_all, own=own)

    @expose("/record/", methods=("POST",))
    def record(self):
        form = self._form()
        if not form.validate_on_submit():
            for field, errors in form.errors.items():
                for error in errors:
                    flash(f"{form[field].label.text}: {error}", "error")
            return redirect(url_for(".index"))
        try:
            record_review(current_user, form.section.data, form.period_from.data,
                          form.period_to.data, Findings(form.findings.data),
                          form.findings_text.data)
            db.session.commit()
        except InputError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            flash(gettext("The review was recorded."), "success")
        return redirect(url_for(".index"))
