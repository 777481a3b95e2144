"""IT's screens: staff IDs, grants, transfers, contractors, the stale-ID dashboard."""

from flask_admin import Admin
from flask_babel import lazy_gettext as _l

from admin_app.extensions import db
from models.staff.accounts import RoleAssignment, StaffUser
from models.staff.contractor import ContractorCompany, TrainingRecord
from models.staff.transfer import PersonnelTransfer
from views.staff.contractors import ContractorCompanyView, TrainingRecordView
from views.staff.grants import GrantView, RoleAssignmentView
from views.staff.ids import StaffUserView
from views.staff.it_dashboard import ITDashboardView
from views.staff.transfers import TransferView


def add_views(admin: Admin) -> None:
    """The Staff IDs menu, and the grants waiting for approval beside it."""
    staff = _l("Staff IDs")
    admin.add_view(
        StaffUserView(StaffUser, db, name=_l("Staff IDs"), category=staff, endpoint="staff_user")
    )
    admin.add_view(
        RoleAssignmentView(
            RoleAssignment,
            db,
            name=_l("Role assignments"),
            category=staff,
            endpoint="role_assignment",
        )
    )
    admin.add_view(GrantView(name=_l("Grants to approve"), endpoint="grant", url="grants"))
    admin.add_view(
        ITDashboardView(
            name=_l("Stale IDs and security"),
            category=staff,
            endpoint="it_dashboard",
            url="it_dashboard",
        )
    )
    admin.add_view(
        TransferView(
            PersonnelTransfer,
            db,
            name=_l("Personnel transfers"),
            category=staff,
            endpoint="personnel_transfer",
        )
    )
    admin.add_view(
        ContractorCompanyView(
            ContractorCompany,
            db,
            name=_l("Contractors"),
            category=staff,
            endpoint="contractor_company",
        )
    )
    admin.add_view(
        TrainingRecordView(
            TrainingRecord,
            db,
            name=_l("Training records"),
            category=staff,
            endpoint="training_record",
        )
    )
