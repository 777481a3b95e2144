"""Staff builders: IDs and grants set up directly, and the IT forms and decisions over HTTP."""

import io
import re
from datetime import date

from sqlalchemy import func, select

from admin_app.extensions import db
from admin_app.security import hash_password
from models import (
    GrantState,
    PersonnelTransfer,
    Role,
    RoleAssignment,
    Section,
    SecurityEvent,
    SecurityEventKind,
    StaffEvent,
    StaffUser,
    TransferBatch,
)
from models.clock import today_local
from models.staff.grants import set_up_grant
from tests.builders import PASSWORD, facility_id_of, section_id_of, user_id_of
from tests.support import csrf_token, logged_in, token


def make_user(
    login: str,
    role: Role = Role.FACILITY_STAFF,
    section_code: str = "KOMINKAN",
    *,
    valid_from: date = date(2026, 4, 1),
    role_from: date = date(2026, 4, 1),
    role_to: date | None = None,
    **fields,
) -> int:
    """A staff user with one role assignment in force (set up like the initial organisation,
    no second person); returns its id. Call inside an app context."""
    section = db.session.scalar(select(Section).where(Section.code == section_code))
    user = StaffUser(
        login=login,
        name=f"テスト {login}",
        valid_from=valid_from,
        password_hash=hash_password(PASSWORD),
        section=section,
        **fields,
    )
    db.session.add(user)
    set_up_grant(user, role, section, role_from, role_to)
    db.session.commit()
    return user.id


def add_role(
    user_id: int, role: Role, section_code: str, valid_from: date, valid_to: date | None = None
) -> int:
    """Another assignment in force for a test user (set up, no second person); returns its id."""
    section = db.session.scalar(select(Section).where(Section.code == section_code))
    grant = set_up_grant(db.session.get(StaffUser, user_id), role, section, valid_from, valid_to)
    db.session.commit()
    return grant.id


# --- read back (each opens its own app context) ----------------------------------------------


def grants_of(app, login_id: str) -> list[tuple]:
    """A person's grants in order: role, section, dates, state, facilities, confirmer."""
    with app.app_context():
        return [
            (
                a.role.value,
                a.section.code,
                a.valid_from,
                a.valid_to,
                a.state.value,
                sorted(f.name for f in a.facilities),
                a.designated_confirmer,
            )
            for a in db.session.scalars(
                select(RoleAssignment)
                .join(RoleAssignment.user)
                .where(StaffUser.login == login_id)
                .order_by(RoleAssignment.id)
            )
        ]


def grant_id(app, login_id: str, state: GrantState | None = None) -> int:
    """The newest grant of a person (in that state)."""
    with app.app_context():
        query = (
            select(RoleAssignment.id).join(RoleAssignment.user).where(StaffUser.login == login_id)
        )
        if state is not None:
            query = query.where(RoleAssignment.state == state)
        return db.session.scalar(query.order_by(RoleAssignment.id.desc()).limit(1))


def staff_counts(app) -> tuple[int, ...]:
    """Rows of everything a grant, transfer or list writes."""
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(m))
            for m in (RoleAssignment, StaffEvent, PersonnelTransfer, TransferBatch, StaffUser)
        )


def security_events(app, kind=SecurityEventKind.SELF_GRANT_REFUSED) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(SecurityEvent).where(SecurityEvent.kind == kind)
        )


def shown_password(response) -> str:
    """The (first) password, or the half of it, that a page shows once."""
    match = re.search(r'data-testid="first-password">([^<]+)<', response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)[-2000:]
    return match.group(1)


# --- what IT does over HTTP, as the logged-in client ------------------------------------------


def issue(client, **fields):
    """IT issues a staff ID through the form (a counter clerk of 公民館 unless `fields` say)."""
    data = {
        "login": "newstaff1",
        "name": "新人 太郎",
        "employee_number": "E20001",
        "kind": "employee",
        "section": "4",
        "role": "facility_staff",
        "valid_from": "2026-04-01",
        "csrf_token": token(client, "/admin/staff_user/issue/"),
    }
    return client.post("/admin/staff_user/issue/", data=data | fields)


def second_half(
    client,
    app,
    login_id: str | None = None,
    *,
    raw_id: str | None = None,
    follow_redirects: bool = False,
):
    """A second IT administrator hands out the second half of `login_id`'s password."""
    user_id = raw_id if raw_id is not None else str(user_id_of(app, login_id))
    return client.post(
        f"/admin/staff_user/second-half/?id={user_id}",
        data={"csrf_token": token(client, "/admin/it_dashboard/")},
        follow_redirects=follow_redirects,
    )


def enter(
    client,
    app,
    login_id: str,
    role: str,
    section_code: str = "KOMINKAN",
    *,
    facilities: tuple[str, ...] = (),
    valid_from: str | None = None,
    valid_to: str = "",
    confirmer: bool = False,
    reason: str = "窓口応援のため",
):
    """IT enters a grant through the role-assignment form."""
    data = {
        "user": str(user_id_of(app, login_id)),
        "role": role,
        "section": str(section_id_of(app, section_code)),
        "facilities": [str(facility_id_of(app, n)) for n in facilities],
        "valid_from": valid_from or today_local().isoformat(),
        "valid_to": valid_to,
        "reason": reason,
        "csrf_token": token(client, "/admin/role_assignment/new/"),
    }
    if confirmer:
        data["designated_confirmer"] = "y"
    return client.post("/admin/role_assignment/new/", data=data)


def decide(
    client, grant_id: int, action: str = "approve", reason: str = "", *, batch: bool = False
):
    """Approve or refuse a pending grant (or HR's list) over HTTP, as the logged-in person."""
    url = f"/admin/grants/decide{'-batch' if batch else ''}/?id={grant_id}"
    return client.post(
        url, data={"action": action, "reason": reason, "csrf_token": token(client, "/admin/")}
    )


HR_HEADER = "login,kind,effective_on,section_code,role,facilities,note\n"  # HR's transfer list


def upload(client, raw: bytes):
    """IT uploads HR's list and imports it as shown (pending the second person)."""
    page = client.get("/admin/personnel_transfer/upload/").get_data(as_text=True)
    html = client.post(
        "/admin/personnel_transfer/upload/",
        data={"file": (io.BytesIO(raw), "t.csv"), "csrf_token": csrf_token(page)},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    content = html.split('name="content" value="')[1].split('"')[0]
    return client.post(
        "/admin/personnel_transfer/upload/",
        data={"content": content, "csrf_token": csrf_token(html)},
    )


def sports_chief(app):
    """A new chief of 市民スポーツ課 (another section than the demo's 公民館), logged in."""
    with app.app_context():
        make_user("sportschief", Role.SECTION_CHIEF, "SPORTS")
    return logged_in(app, "sportschief", PASSWORD)
