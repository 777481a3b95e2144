"""Thin views: Flask-Admin screens by area, the auth and public blueprints."""

from pathlib import Path

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from admin_app.extensions import db
from models import (
    ContractorCompany,
    Facility,
    PersonnelTransfer,
    Registrant,
    RoleAssignment,
    Room,
    Section,
    StaffUser,
    TrainingRecord,
)
from models.public.talent import TalentEntry
from views import auth, health
from views.access_log.log import AccessLogView
from views.access_log.review import LogReviewView
from views.dashboard import DashboardView, SystemHealthView
from views.organisation import FacilityView, RoomView, SectionView
from views.public import site as public
from views.public.talent import TalentEntryView
from views.registration.change_notice import ChangeNoticeView
from views.registration.inventory import InventoryView
from views.registration.registrants import RegistrantView
from views.staff.contractors import ContractorCompanyView, TrainingRecordView
from views.staff.grants import GrantView, RoleAssignmentView
from views.staff.ids import StaffUserView
from views.staff.it_dashboard import ITDashboardView
from views.staff.transfers import TransferView


def register_views(app: Flask) -> Admin:
    """Build the Admin and every view for this app (never at import time)."""
    app.register_blueprint(public.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(health.bp)

    admin = Admin(
        app,
        name=_l("Facility reservation back office"),
        url=app.config["ADMIN_URL"],
        index_view=DashboardView(name=_l("Home"), url=app.config["ADMIN_URL"],
                                 endpoint="admin"),
        translations_path=str(Path(app.root_path) / "translations"),
        theme=Bootstrap4Theme(base_template="admin/app_base.html", fluid=True),
    )
    org = _l("Organisation")
    staff = _l("Staff IDs")
    admin.add_view(SectionView(Section, db, name=_l("Sections"), category=org,
                               endpoint="section"))
    admin.add_view(FacilityView(Facility, db, name=_l("Facilities"), category=org,
                                endpoint="facility"))
    admin.add_view(RoomView(Room, db, name=_l("Rooms"), category=org, endpoint="room"))
    admin.add_view(StaffUserView(StaffUser, db, name=_l("Staff IDs"), category=staff,
                                 endpoint="staff_user"))
    admin.add_view(RoleAssignmentView(RoleAssignment, db, name=_l("Role assignments"),
                                      category=staff, endpoint="role_assignment"))
    admin.add_view(GrantView(name=_l("Grants to approve"), endpoint="grant", url="grants"))
    registrations = _l("Registrations")
    admin.add_view(RegistrantView(Registrant, db, name=_l("Registrants"),
                                  category=registrations, endpoint="registrant"))
    admin.add_view(ChangeNoticeView(name=_l("Change notices"), category=registrations,
                                    endpoint="change_notice", url="change_notice"))
    admin.add_view(TalentEntryView(TalentEntry, db, name=_l("Talent bank"),
                                   category=registrations, endpoint="talent_entry"))
    admin.add_view(InventoryView(name=_l("Personal data inventory"), category=registrations,
                                 endpoint="inventory"))
    admin.add_view(ITDashboardView(name=_l("Stale IDs and security"), category=staff,
                                   endpoint="it_dashboard", url="it_dashboard"))
    admin.add_view(TransferView(PersonnelTransfer, db, name=_l("Personnel transfers"),
                                category=staff, endpoint="personnel_transfer"))
    admin.add_view(ContractorCompanyView(ContractorCompany, db, name=_l("Contractors"),
                                         category=staff, endpoint="contractor_company"))
    admin.add_view(TrainingRecordView(TrainingRecord, db, name=_l("Training records"),
                                      category=staff, endpoint="training_record"))
    log = _l("Access log")
    admin.add_view(AccessLogView(name=_l("Access log"), category=log, endpoint="access_log",
                                 url="access_log"))
    admin.add_view(LogReviewView(name=_l("Review sign-offs"), category=log,
                                 endpoint="log_review", url="log_review"))
    admin.add_view(SystemHealthView(name=_l("System health"), endpoint="system_health"))
    return admin
