"""The back-office home page and the contractor's system-health page."""

from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_admin import Admin, AdminIndexView, BaseView, expose
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, text

from admin_app.extensions import db
from admin_app.security import allowed, current_access
from models import AccessLog, Facility, Registrant, Room, Section, StaffUser
from models.clock import today_local
from models.public.publication import unconfirmed_circles, unconfirmed_talents
from models.registration.change_notice import OPEN_STATES, ChangeNotice, NoticeState
from models.registration.input import expiring_soon_condition
from models.registration.trail import awaiting_confirmation
from models.reservation.today import DEADLINE_DAYS, deadlines_soon
from views.labels import label
from views.staff.grants import pending_context

EXPIRING_SHOWN = 50


class DashboardView(AdminIndexView):
    """Open to any staff member with a valid role (AdminIndexView alone is open to all)."""

    def is_accessible(self) -> bool:
        return allowed("admin.index")

    @expose("/")
    def index(self) -> str:
        access = current_access()
        expiring = []
        show_expiring = allowed("registrant.index_view")
        if show_expiring:
            today = today_local()
            expiring = db.session.scalars(
                select(Registrant)
                .where(
                    expiring_soon_condition(today, today + relativedelta(months=2)),
                    Registrant.facility_id.in_(access.facility_ids),
                )
                .order_by(Registrant.expires_on)
                .limit(EXPIRING_SHOWN)
            ).all()
        notice_counts = {}
        if allowed("change_notice.index"):
            notice_counts = dict(
                db.session.execute(
                    select(ChangeNotice.state, func.count())
                    .join(ChangeNotice.registrant)
                    .where(
                        ChangeNotice.state.in_(OPEN_STATES),
                        Registrant.facility_id.in_(access.facility_ids),
                    )
                    .group_by(ChangeNotice.state)
                ).all()
            )
        awaiting = []  # registrations this person may give the final confirmation
        if show_expiring:
            awaiting = db.session.scalars(
                awaiting_confirmation(access)
                .order_by(Registrant.created_at)
                .limit(EXPIRING_SHOWN + 1)
            ).all()
        unconfirmed = {}
        if show_expiring:
            facilities = access.facility_ids
            unconfirmed = {
                "registrant": unconfirmed_circles(today, facilities),
                "talent_entry": unconfirmed_talents(today, facilities),
            }
        # Provisional bookings to be paid by the day after tomorrow, for their facilities' staff.
        due = (
            deadlines_soon(access.facility_ids, today_local())
            if allowed("reservation.booking")
            else None
        )
        # Grants (and, for IT, HR's lists) waiting for this person's approval.
        pending = pending_context(access) if allowed("grant.decide") else {}
        return self.render(
            "admin/dashboard.html",
            assignments=access.assignments,
            pending=pending,
            **pending,
            unconfirmed=unconfirmed,
            awaiting=awaiting,
            notice_counts=notice_counts,
            NoticeState=NoticeState,
            role_labels=sorted(label(r) for r in access.roles),
            label=label,
            expiring=expiring,
            expiring_limit=EXPIRING_SHOWN,
            show_expiring=show_expiring,
            due=due,
            deadline_days=DEADLINE_DAYS,
        )


class SystemHealthView(BaseView):
    """Database reachability, schema revision and table sizes: no personal data."""

    def is_accessible(self) -> bool:
        return allowed("system_health.index")

    @expose("/")
    def index(self) -> str:
        revision = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        # Keyed by the names staff know from the menu, not the tables'.
        counts = {
            str(name): db.session.scalar(select(func.count()).select_from(model))
            for name, model in (
                (_l("Sections"), Section),
                (_l("Facilities"), Facility),
                (_l("Rooms"), Room),
                (_l("Staff IDs"), StaffUser),
            )
        }
        # The log is append-only, so its highest id is its size without a full count.
        counts[str(_l("Access log"))] = db.session.scalar(select(func.max(AccessLog.id))) or 0
        return self.render(
            "admin/system_health.html",
            revision=revision,
            counts=counts,
            dialect=db.engine.dialect.name,
            version=current_app.config.get("APP_VERSION", "0.1.0"),
        )


def add_views(admin: Admin) -> None:
    """System health, last in the menu (the home page is the Admin's index view)."""
    admin.add_view(SystemHealthView(name=_l("System health"), endpoint="system_health"))
