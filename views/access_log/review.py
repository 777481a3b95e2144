"""点検記録: chiefs sign off reviews of their section's log, each with the log's checkpoint of
that moment (printed and kept on the city's side); chiefs and the auditor see every section's
review status."""

from flask import current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from admin_app.audit import chain_keys, log_record_created, not_found
from admin_app.audit_checkpoints import append_to_file, current_checkpoint
from admin_app.extensions import db
from admin_app.security import allowed, current_access
from models.access_log.checkpoint import CheckpointError, parse, time_of
from models.access_log.review import (
    Findings,
    LogReview,
    record_review,
    section_statuses,
)
from models.clock import JST, today_local
from models.errors import InputError
from models.organisation import Section
from models.typed_input import query_id
from views.base import exists
from views.forms import AppForm
from views.labels import choices, label


class ReviewForm(AppForm):
    section = SelectField(_l("Section"), coerce=int)
    period_from = DateField(_l("Period from"), validators=[InputRequired()])
    period_to = DateField(_l("Period to"), validators=[InputRequired()], default=today_local)
    findings = SelectField(_l("Findings"), choices=choices(Findings))
    findings_text = TextAreaField(_l("What was noted"), validators=[Optional(), Length(max=2000)])


class LogReviewView(BaseView):
    def is_accessible(self) -> bool:
        return allowed("log_review.index")

    def _form(self) -> ReviewForm:
        form = ReviewForm()
        form.section.choices = [
            (s.id, s.name)
            for s in db.session.scalars(
                select(Section).where(Section.id.in_(current_access().chief_sections))
            )
        ]
        return form

    @expose("/", methods=("GET",))
    def index(self) -> str:
        access = current_access()
        sees_all, own = access.sees_every_section, set(access.chief_sections)
        statuses = section_statuses(None if sees_all else own)
        reviews = db.session.scalars(
            select(LogReview)
            .where(True if sees_all else LogReview.section_id.in_(own))
            .order_by(LogReview.recorded_at.desc())
            .limit(50)
        ).all()
        return self.render(
            "admin/log_review.html",
            statuses=statuses,
            reviews=reviews,
            form=self._form() if own else None,
            label=label,
            show_text=bool(own) and not sees_all,
            own=own,
            JST=JST,
            checkpoint_time=time_of,
        )

    @expose("/record/", methods=("POST",))
    def record(self) -> ResponseReturnValue:
        form = self._form()
        if not form.validate_on_submit():
            for field, errors in form.errors.items():
                for error in errors:
                    flash(f"{form[field].label.text}: {error}", "error")
            return redirect(url_for(".index"))
        try:
            review = record_review(
                current_user,
                form.section.data,
                form.period_from.data,
                form.period_to.data,
                Findings(form.findings.data),
                form.findings_text.data,
                checkpoint=current_checkpoint(),
            )
            db.session.commit()
            log_record_created(review.id)
        except InputError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for(".index"))
        try:
            append_to_file(review.checkpoint)
        except OSError:  # the printed copy is the chief's; the file is IT's to repair
            current_app.logger.exception("checkpoint not appended to AUDIT_CHECKPOINT_FILE")
        flash(
            gettext(
                "The review was recorded. Print its checkpoint and keep it with the "
                "section's records."
            ),
            "success",
        )
        return redirect(url_for(".print_view", id=review.id))

    @expose("/print/")
    def print_view(self) -> str:
        """The sign-off with its checkpoint, to print and keep on the city's side."""
        review_id = query_id(request.args.get("id")) or -1
        review = db.session.get(LogReview, review_id)
        if review is None or not current_access().is_chief_of(review.section_id):
            not_found(out_of_scope=exists(LogReview.id, review_id))
        checkpoint = None
        if review.checkpoint:
            try:
                checkpoint = parse(review.checkpoint, chain_keys())
            except CheckpointError:
                checkpoint = None  # shown as text; `audit verify` reports it
        return self.render(
            "print/log_review.html", review=review, checkpoint=checkpoint, label=label, JST=JST
        )
