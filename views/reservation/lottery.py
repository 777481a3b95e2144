"""The lottery screens 抽選: the lottery months of the user's facilities, setting one up (the
chief), entering and withdrawing applications (counter staff), the draw (the chief) with its
seed and the replay check, and the results to post at the counter (受付番号, never names).

Thin: the rules are in models.reservation.draw; a lottery outside the user's facilities is 404
(logged as out of scope)."""

from collections.abc import Callable
from datetime import date

from dateutil.relativedelta import relativedelta
from flask import abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_admin import BaseView, expose
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from admin_app.extensions import db
from admin_app.security import allowed, current_access
from models.clock import now_utc, today_local
from models.errors import InputError
from models.organisation import Facility
from models.reservation.counter import registrant_by_number
from models.reservation.draw import (
    apply,
    draw,
    open_lottery,
    slot_results,
    verify,
    withdraw,
)
from models.reservation.lottery import (
    Calendar,
    Lottery,
    LotteryApplication,
    Outcome,
    calendar_for,
    default_month,
    lottery_setting,
)
from models.reservation.rooms import any_slot, slots_of
from models.reservation.rules import BookingNotAllowed
from models.typed_input import query_id
from views.base import scoped_one
from views.labels import label
from views.reservation.forms import at_field
from views.reservation.lottery_forms import (
    APPLICATION_FIELDS,
    LOTTERY_FIELDS,
    ApplicationForm,
    LotteryForm,
)
from views.reservation.styles import ReservationStyles
from views.reservation.words import slot_name

MONTHS_OFFERED = 6  # a lottery can be set up for the default month and the five after it


def scoped_lotteries() -> Select[tuple[Lottery]]:
    return select(Lottery).where(Lottery.facility_id.in_(current_access().facility_ids))


def slot_label(code: str) -> str:
    return slot_name(any_slot(code))


class LotteryView(ReservationStyles, BaseView):
    def is_accessible(self) -> bool:
        return allowed("lottery.index")

    def _lottery(self) -> Lottery:
        return scoped_one(
            scoped_lotteries().options(
                selectinload(Lottery.rooms),
                selectinload(Lottery.applications).selectinload(LotteryApplication.registrant),
            ),
            Lottery.id,
            request.args.get("id"),
        )

    def _facilities(self) -> list[Facility]:
        return list(
            db.session.scalars(
                select(Facility)
                .where(Facility.id.in_(current_access().facility_ids))
                .order_by(Facility.id)
            )
        )

    # --- the lottery months ------------------------------------------------------------------

    @expose("/")
    def index(self) -> str:
        lotteries = db.session.scalars(
            scoped_lotteries()
            .options(selectinload(Lottery.rooms), selectinload(Lottery.applications))
            .order_by(Lottery.month.desc(), Lottery.facility_id)
        ).all()
        return self.render(
            "admin/reservation/lotteries.html",
            lotteries=lotteries,
            today=today_local(),
            may_set_up=allowed("lottery.new"),
        )

    @expose("/new/", methods=("GET", "POST"))
    def new(self) -> ResponseReturnValue:
        facilities = self._facilities()
        raw = request.args.get("facility_id")
        facility_id = query_id(raw) if raw else (facilities[0].id if facilities else None)
        facility = next((f for f in facilities if f.id == facility_id), None)
        if facility is None:
            abort(404)
        today = today_local()
        first = default_month(today)
        months = [first + relativedelta(months=n) for n in range(MONTHS_OFFERED)]
        form = LotteryForm()
        form.month.choices = [(m.isoformat(), m.strftime("%Y-%m")) for m in months]
        form.rooms.choices = [(room.id, room.name) for room in facility.rooms]
        if request.method == "GET":
            form.month.data = first.isoformat()
            form.rooms.data = [room.id for room in facility.rooms]
            form.max_applications.data = lottery_setting("LOTTERY_MAX_APPLICATIONS")
            form.max_wins.data = lottery_setting("LOTTERY_MAX_WINS")
        if form.validate_on_submit():
            calendar = _calendar(form)
            rooms = [room for room in facility.rooms if room.id in set(form.rooms.data)]
            try:
                lottery = open_lottery(
                    facility.id,
                    rooms,
                    calendar,
                    max_applications=form.max_applications.data,
                    max_wins=form.max_wins.data,
                    residents_only=form.residents_only.data,
                    by=current_user,
                )
                db.session.commit()
            except BookingNotAllowed:
                db.session.rollback()
                abort(403)
            except InputError as error:
                db.session.rollback()
                at_field(form, LOTTERY_FIELDS, error)
            else:
                flash(gettext("The lottery month was set up."), "success")
                return redirect(url_for(".lottery", id=lottery.id))
        return self.render(
            "admin/reservation/lottery_new.html",
            form=form,
            facility=facility,
            facilities=facilities,
            defaults=calendar_for(first),
        )

    # --- one lottery month ---------------------------------------------------------------------

    @expose("/lottery/", methods=("GET", "POST"))
    def lottery(self) -> ResponseReturnValue:
        lottery = self._lottery()
        form = ApplicationForm()
        form.room.choices = [(room.id, room.name) for room in lottery.rooms]
        codes = dict.fromkeys(slot.code for room in lottery.rooms for slot in slots_of(room))
        form.slot.choices = [(code, slot_label(code)) for code in codes]
        today = today_local()
        if form.validate_on_submit():
            room = next(r for r in lottery.rooms if r.id == form.room.data)
            lottery_id = lottery.id
            try:
                registrant = registrant_by_number(
                    lottery.facility_id, form.registration_number.data
                )
                application = apply(
                    lottery,
                    registrant,
                    room,
                    form.day.data,
                    form.slot.data,
                    people=form.people.data,
                    purpose=form.purpose.data,
                    by=current_user,
                )
                number = application.number
                db.session.commit()
            except BookingNotAllowed:
                db.session.rollback()
                abort(403)
            except InputError as error:
                db.session.rollback()
                at_field(form, APPLICATION_FIELDS, error)
                lottery = db.session.get(Lottery, lottery_id)
            else:
                flash(
                    gettext(
                        "Application %(number)s entered: give this number to the applicant.",
                        number=f"{number:04d}",
                    ),
                    "success",
                )
                return redirect(url_for(".lottery", id=lottery_id))
        elif request.method == "GET":
            form.day.data = lottery.month
        return self.render(
            "admin/reservation/lottery.html",
            lottery=lottery,
            form=form,
            today=today,
            results=slot_results(lottery),
            differences=verify(lottery) if lottery.is_drawn else [],
            may_apply=lottery.is_open(today),
            may_draw=allowed("lottery.draw") and not lottery.is_drawn and today > lottery.closes_on,
            slot_label=slot_label,
            label=label,
            Outcome=Outcome,
        )

    @expose("/withdraw/", methods=("POST",))
    def withdraw(self) -> ResponseReturnValue:
        lottery = self._lottery()
        application_id = query_id(request.form.get("application_id"))
        application = next((a for a in lottery.applications if a.id == application_id), None)
        if application is None:
            abort(404)
        lottery_id = lottery.id
        if self._run(lambda: withdraw(application, by=current_user)):
            flash(
                gettext(
                    "Application %(number)s was withdrawn.", number=f"{application.number:04d}"
                ),
                "success",
            )
        return redirect(url_for(".lottery", id=lottery_id))

    @expose("/draw/", methods=("POST",))
    def draw(self) -> ResponseReturnValue:
        lottery = self._lottery()
        lottery_id = lottery.id
        if self._run(lambda: draw(lottery, by=current_user, now=now_utc())):
            flash(gettext("The lottery was drawn; the seed is recorded below."), "success")
        return redirect(url_for(".lottery", id=lottery_id))

    @expose("/results/")
    def results(self) -> str:
        lottery = self._lottery()
        if not lottery.is_drawn:
            abort(404)
        return self.render(
            "print/lottery_results.html",
            lottery=lottery,
            results=slot_results(lottery),
            slot_label=slot_label,
            Outcome=Outcome,
            printed=today_local(),
        )

    @staticmethod
    def _run(step: Callable[[], object]) -> bool:
        try:
            step()
            db.session.commit()
        except BookingNotAllowed:
            db.session.rollback()
            abort(403)
        except InputError as error:
            db.session.rollback()
            flash(str(error), "error")
            return False
        return True


def _calendar(form: LotteryForm) -> Calendar:
    """The dates typed, each empty one from the month's defaults."""
    month = date.fromisoformat(form.month.data)
    default = calendar_for(month)
    return Calendar(
        month,
        form.opens_on.data or default.opens_on,
        form.closes_on.data or default.closes_on,
        form.draws_on.data or default.draws_on,
        form.first_come_on.data or default.first_come_on,
        form.confirm_by.data or default.confirm_by,
    )
