"""Importing registrants from the old system's CSV: all or nothing, every bad row reported.

Imported registrations arrive as entries waiting for confirmation, entered by the person who
imports them (who may import only for the facilities they serve): they become valid only
through the same final confirmation as a registration typed at the counter, by someone else.
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext
from sqlalchemy import select

from admin_app.extensions import db
from models.clock import today_local
from models.organisation import Facility
from models.registration.input import INPUT_FIELDS, clean_registrant
from models.registration.registrant import Registrant, RegistrantKind, reserve_numbers
from models.registration.trail import register
from models.staff.access import access_of
from models.staff.accounts import StaffUser
from models.typed_input import date_problem

KINDS = {
    "individual": RegistrantKind.INDIVIDUAL,
    "個人": RegistrantKind.INDIVIDUAL,
    "group": RegistrantKind.GROUP,
    "団体": RegistrantKind.GROUP,
}
COLUMNS = ["facility", "kind", *INPUT_FIELDS, "registered_on"]


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    errors: list[str] = field(default_factory=list)


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Shift_JIS/CP932 as Japanese Excel writes it."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp932")


def read_csv(raw: bytes, required: tuple[str, ...]) -> tuple[list[dict], list[str]]:
    """Rows of a CSV file, or the errors that stop us reading it (bad encoding, columns)."""
    try:
        reader = csv.DictReader(io.StringIO(decode(raw), newline=""))
        rows = list(reader)
    except (UnicodeDecodeError, csv.Error) as error:
        return [], [f"file: {error}"]
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        return [], [f"header: missing columns {', '.join(missing)}"]
    return rows, []


def _date(text: str) -> date:
    return date.fromisoformat(text.strip().replace("/", "-"))


def import_registrants(
    raw: bytes,
    entered_by: StaffUser,
    *,
    dry_run: bool = False,
    progress: Callable[[Iterable], Iterable] = lambda rows: rows,
) -> ImportResult:
    """Enter every row as a pending registration entered by `entered_by`, or none at all.
    Never commits: the caller commits when there are no errors and it is not a dry run (and
    otherwise rolls back, though nothing was added to the session then)."""
    result = ImportResult()
    served = access_of(entered_by).facility_ids
    if not entered_by.is_usable() or not served:
        result.errors = [
            gettext(
                "entered-by: this ID cannot enter registrations (not usable, "
                "or not counter staff of any facility)."
            )
        ]
        return result
    rows, result.errors = read_csv(raw, ("facility", "kind", "name", "name_kana"))
    if result.errors:
        return result
    facilities = {f.name: f for f in db.session.scalars(select(Facility))}
    today = today_local()
    staged: list[Registrant] = []
    for number, row in enumerate(progress(rows), start=2):  # row 1 is the header
        result.rows += 1
        registrant, problems = _row(row, facilities, served, today)
        result.errors += [f"row {number}: {name}: {message}" for name, message in problems]
        if registrant is not None:
            staged.append(registrant)
    if result.errors or dry_run:
        return result
    _register_all(staged, entered_by, today)
    result.imported = len(staged)
    return result


def _row(
    row: dict, facilities: dict[str, Facility], served: set[int], today: date
) -> tuple[Registrant | None, list[tuple[str, str]]]:
    """One row as an unsaved registrant, or its problems as (column, message)."""
    facility = facilities.get((row.get("facility") or "").strip())
    kind = KINDS.get((row.get("kind") or "").strip())
    problems = []
    if facility is None:
        problems.append(("facility", "施設名が登録されていません。"))
    elif facility.id not in served:
        problems.append(
            ("facility", gettext("The person importing does not serve this facility's counter."))
        )
    if kind is None:
        problems.append(("kind", "区分は「個人」または「団体」にしてください。"))
    clean, errors = clean_registrant(row, kind, facility)
    problems += list(errors.items())
    registered_on, problem = _registered_on(row.get("registered_on"), today)
    if problem:
        problems.append(("registered_on", problem))
    if problems:
        return None, problems
    return Registrant(facility=facility, kind=kind, registered_on=registered_on, **clean), []


def _registered_on(text: str | None, today: date) -> tuple[date, str | None]:
    """The row's registration date (today when empty), or the problem with it."""
    if not (text or "").strip():
        return today, None
    try:
        day = _date(text)
    except ValueError:
        return today, "日付は YYYY-MM-DD で入力してください。"
    return day, date_problem(day)


def _register_all(staged: list[Registrant], entered_by: StaffUser, today: date) -> None:
    """Register them with numbers reserved in one step per series."""
    by_series: dict[str, list[Registrant]] = {}
    for registrant in staged:
        by_series.setdefault(registrant.facility.number_prefix, []).append(registrant)
    with db.session.no_autoflush:
        for series, group in by_series.items():
            for registrant, number in zip(group, reserve_numbers(series, len(group)), strict=True):
                register(registrant, entered_by, today=today, number=number)
