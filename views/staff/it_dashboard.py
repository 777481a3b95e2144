"""The IT section's dashboard: grants and HR's lists waiting for a second person, the stale
and orphan report, and security events per day."""

from flask_admin import BaseView, expose

from admin_app.security import allowed, current_access
from models.clock import today_local
from models.staff.password_handout import waiting_for_second_half
from models.staff.security_event import SecurityEventKind, counts_per_day
from models.staff.stale import UNUSED_AFTER_DAYS, stale_report
from views.labels import label
from views.staff.grants import pending_context
from views.staff.ids import ReasonForm


class ITDashboardView(BaseView):
    def is_accessible(self) -> bool:
        return allowed("it_dashboard.index")

    @expose("/")
    def index(self) -> str:
        return self.render(
            "admin/it_dashboard.html",
            report=stale_report(),
            days=counts_per_day(today_local()),
            kinds=list(SecurityEventKind),
            unused_days=UNUSED_AFTER_DAYS,
            label=label,
            reason_form=ReasonForm(),
            second_halves=waiting_for_second_half(),
            **pending_context(current_access(), everything=True),
        )
