"""The records of the access log in words: what the ids in a row's `record_ids` are to the chief
who reads the log — a registrant's registration number (K-000201), a change notice's number
(N-000007), a staff member's login ID, a facility's, section's or room's name; a grant, a
transfer or a training record by the login it concerns, a contractor by its name, HR's list
by its number, a review sign-off by its section and period.

The log keeps ids (written on every request, never changed); the words are looked up when the
log is shown, one query per kind of record on a page: a registrant erased since shows as
erased (number and 「消去済み」 — its number is kept, its name is gone), an id that names no
record shows 「該当なし」. A talent-bank entry is named only to a reader whose facilities
manage it (its name is personal data); other kinds of record keep their id.
"""

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import Row, select

from admin_app.extensions import db
from models.access_log.review import LogReview
from models.organisation import Facility, Room, Section
from models.public.talent import TalentEntry
from models.registration.change_notice import ChangeNotice
from models.registration.registrant import Registrant, RegistrantStatus
from models.staff.accounts import RoleAssignment, StaffUser
from models.staff.contractor import ContractorCompany, TrainingRecord
from models.staff.transfer import PersonnelTransfer, TransferBatch

# Endpoints whose ids name another kind of record than the one their screen is about.
NAMED_BY = {
    "change_notice.receive": "registrant",
    "registrant.blank_form": "facility",
    "grant.decide": "role_assignment",
    "grant.decide_batch": "transfer_batch",
}


def record_kind(endpoint: str) -> str:
    """The kind of record a row's ids name: its screen family unless NAMED_BY says otherwise."""
    return NAMED_BY.get(endpoint, endpoint.split(".")[0])


@dataclass(frozen=True)
class RecordRef:
    kind: str
    raw: str  # as logged
    text: str  # what the chief reads
    key: str  # what finds it again in the record filter (a number or login, else the id)


@dataclass(frozen=True)
class _Kind:
    columns: tuple  # id first
    words: Callable  # (row, reader's facilities) -> (text, key) or None to keep the id
    number: object = None  # the column a chief may type into the filter instead of an id
    join: tuple = ()  # (table, on) when a column is another table's


def _registrant(row: Row, _facilities: set[int]) -> tuple[str, str]:
    number = row.registration_number
    erased = row.status == RegistrantStatus.ERASED
    return (gettext("%(number)s (erased)", number=number) if erased else number), number


def _talent(row: Row, facilities: set[int]) -> tuple[str, str] | None:
    return (row.display_name, str(row.id)) if row.facility_id in facilities else None


KINDS: dict[str, _Kind] = {
    "registrant": _Kind(
        (Registrant.id, Registrant.registration_number, Registrant.status),
        _registrant,
        Registrant.registration_number,
    ),
    "change_notice": _Kind(
        (ChangeNotice.id, ChangeNotice.notice_number),
        lambda row, _: (row.notice_number, row.notice_number),
        ChangeNotice.notice_number,
    ),
    "staff_user": _Kind(
        (StaffUser.id, StaffUser.login), lambda row, _: (row.login, row.login), StaffUser.login
    ),
    "talent_entry": _Kind(
        (TalentEntry.id, TalentEntry.display_name, TalentEntry.facility_id), _talent
    ),
    "facility": _Kind((Facility.id, Facility.name), lambda row, _: (row.name, str(row.id))),
    "section": _Kind((Section.id, Section.name), lambda row, _: (row.name, str(row.id))),
    "room": _Kind(
        (Room.id, Facility.name, Room.name),
        lambda row, _: (f"{row[1]} {row[2]}", str(row.id)),
        join=(Facility, Room.facility_id == Facility.id),
    ),
    "role_assignment": _Kind(
        (RoleAssignment.id, StaffUser.login),
        lambda row, _: (gettext("Grant to %(login)s", login=row.login), str(row.id)),
        join=(StaffUser, RoleAssignment.user_id == StaffUser.id),
    ),
    "transfer_batch": _Kind(
        (TransferBatch.id,), lambda row, _: (gettext("HR's list %(n)s", n=row.id), str(row.id))
    ),
    "personnel_transfer": _Kind(
        (PersonnelTransfer.id, StaffUser.login, PersonnelTransfer.effective_on),
        lambda row, _: (
            gettext(
                "Transfer of %(login)s on %(day)s",
                login=row.login,
                day=row.effective_on.isoformat(),
            ),
            str(row.id),
        ),
        join=(StaffUser, PersonnelTransfer.user_id == StaffUser.id),
    ),
    "training_record": _Kind(
        (TrainingRecord.id, StaffUser.login, TrainingRecord.trained_on),
        lambda row, _: (
            gettext(
                "Training of %(login)s on %(day)s", login=row.login, day=row.trained_on.isoformat()
            ),
            str(row.id),
        ),
        join=(StaffUser, TrainingRecord.user_id == StaffUser.id),
    ),
    "contractor_company": _Kind(
        (ContractorCompany.id, ContractorCompany.name), lambda row, _: (row.name, str(row.id))
    ),
    "log_review": _Kind(
        (LogReview.id, Section.name, LogReview.period_from, LogReview.period_to),
        lambda row, _: (
            gettext(
                "Review of %(section)s, %(start)s to %(end)s",
                section=row.name,
                start=row.period_from.isoformat(),
                end=row.period_to.isoformat(),
            ),
            str(row.id),
        ),
        join=(Section, LogReview.section_id == Section.id),
    ),
}


def describe(rows: Iterable, facilities: set[int]) -> dict[int, list[RecordRef]]:
    """Per log row id, its records in words (`facilities`: the reader's, for names that are
    personal data)."""
    rows = [r for r in rows if r.record_ids]
    wanted: dict[str, set[int]] = {}
    for row in rows:
        kind = record_kind(row.endpoint)
        if kind in KINDS:
            wanted.setdefault(kind, set()).update(
                int(i) for i in row.record_ids.split(",") if i.isdigit() and int(i) < 2**63
            )
    found: dict[str, dict[int, object]] = {}
    for kind, ids in wanted.items():
        spec = KINDS[kind]
        query = select(*spec.columns).where(spec.columns[0].in_(ids))
        if spec.join:
            query = query.join(*spec.join)
        found[kind] = {r[0]: r for r in db.session.execute(query)}
    return {
        row.id: [
            _ref(record_kind(row.endpoint), raw, found, facilities)
            for raw in row.record_ids.split(",")
        ]
        for row in rows
    }


def _ref(kind: str, raw: str, found: dict, facilities: set[int]) -> RecordRef:
    if kind not in KINDS or not raw.isdigit():
        return RecordRef(kind, raw, raw, raw)
    row = found[kind].get(int(raw))
    if row is None:
        return RecordRef(kind, raw, gettext("%(id)s (no such record)", id=raw), raw)
    words = KINDS[kind].words(row, facilities)
    return RecordRef(kind, raw, *words) if words else RecordRef(kind, raw, raw, raw)


def find_record(text: str, kind: str | None) -> tuple[str | None, list[str]]:
    """What the chief typed into the record filter → (kind, logged ids): an id as it is, or a
    registration number, notice number or login ID (full-width and lower case accepted)."""
    text = unicodedata.normalize("NFKC", text).strip()
    if text.isdigit():
        return kind, [text]
    for name, spec in KINDS.items():
        if spec.number is None or (kind and kind != name):
            continue
        value = text if name == "staff_user" else text.upper()
        ids = [
            str(i)
            for i in db.session.scalars(
                select(spec.columns[0]).where(spec.number == value).limit(50)
            )
        ]
        if ids:
            return name, ids
    return kind, []
