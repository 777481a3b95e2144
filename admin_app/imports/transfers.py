"""Importing HR's list of personnel transfers: all or nothing, every bad row reported, one
batch for a second IT administrator to approve."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from admin_app.extensions import db
from admin_app.imports.registrants import read_csv
from models.clock import today_local
from models.errors import InputError
from models.organisation import Facility, Section
from models.staff.accounts import GrantState, Role, StaffUser
from models.staff.password_handout import handed_out_alone_by, refuse_handed_out_alone
from models.staff.separation import SelfActionRefused, refuse_self
from models.staff.transfer import TransferBatch, TransferKind, register_transfer
from models.typed_input import date_problem, text_problem

KINDS = {
    "move": TransferKind.MOVE,
    "異動": TransferKind.MOVE,
    "role_change": TransferKind.ROLE_CHANGE,
    "役割変更": TransferKind.ROLE_CHANGE,
    "leave": TransferKind.LEAVE,
    "退職": TransferKind.LEAVE,
}
COLUMNS = ["login", "kind", "effective_on", "section_code", "role", "facilities", "note"]


@dataclass
class TransferRow:
    number: int
    login: str
    kind: str
    effective_on: str
    section: str
    role: str
    facilities: str


@dataclass
class TransferImportResult:
    rows: list[TransferRow] = field(default_factory=list)
    imported: int = 0
    errors: list[str] = field(default_factory=list)
    batch_id: int | None = None
    pending: bool = False  # its new grants wait for a second IT administrator


def import_transfers(
    raw: bytes,
    *,
    actor: StaffUser | None,
    dry_run: bool = False,
    progress: Callable[[Iterable], Iterable] = lambda rows: rows,
    today: date | None = None,
) -> TransferImportResult:
    """One batch: its new grants wait until a second IT administrator approves the batch.
    A file naming the person who uploads it is refused whole. Never commits: the caller
    commits when there are no errors and it is not a dry run, and rolls back otherwise."""
    result = TransferImportResult()
    day = today or today_local()
    rows, result.errors = read_csv(raw, ("login", "kind", "effective_on"))
    if result.errors:
        return result
    parsed = _parse_rows(rows, progress, result)
    # Before anything is written: the security event needs the write lock on SQLite.
    result.errors = _refused_rows(parsed, actor)
    if result.errors:
        return result
    batch = TransferBatch(uploaded_by=actor)
    db.session.add(batch)
    for number, problems, values in parsed:
        if not problems:
            try:  # register_transfer checks everything before it changes anything
                register_transfer(today=day, batch=batch, actor=actor, **values)
            except InputError as error:
                problems.append(("row", str(error)))
        result.errors += [f"row {number}: {name}: {message}" for name, message in problems]
    if result.errors or dry_run:
        return result
    if not any(g.state == GrantState.PENDING for g in batch.grants()):
        batch.state = GrantState.NOT_REQUIRED
    db.session.flush()
    result.imported = len(result.rows)
    result.batch_id, result.pending = batch.id, batch.state == GrantState.PENDING
    return result


Parsed = list[tuple[int, list[tuple[str, str]], dict]]  # (row number, problems, values)


def _parse_rows(
    rows: list[dict], progress: Callable[[Iterable], Iterable], result: TransferImportResult
) -> Parsed:
    """Each row's values and problems; the rows as read go into `result`."""
    users = {u.login: u for u in db.session.scalars(select(StaffUser))}
    sections = {s.code: s for s in db.session.scalars(select(Section))}
    facilities = {f.name: f for f in db.session.scalars(select(Facility))}
    parsed = []
    for number, row in enumerate(progress(rows), start=2):
        get = {k: (row.get(k) or "").strip() for k in COLUMNS}
        result.rows.append(
            TransferRow(
                number,
                get["login"],
                get["kind"],
                get["effective_on"],
                get["section_code"],
                get["role"],
                get["facilities"],
            )
        )
        problems, values = _parse(get, users, sections, facilities)
        parsed.append((number, problems, values))
    return parsed


def _refused_rows(parsed: Parsed, actor: StaffUser | None) -> list[str]:
    """Rows the uploader may not upload, refused (and recorded) before anything is written:
    rows naming themselves, and new roles for IDs whose whole password they handed out alone."""
    if actor is None:
        return []
    named = [(number, values) for number, _, values in parsed if values["user"] is not None]
    own = [number for number, values in named if values["user"].id == actor.id]
    if own:
        try:
            refuse_self(actor, actor, f"upload HR's list naming themselves (rows {own})")
        except SelfActionRefused as error:
            return [f"row {number}: login: {error}" for number in own]
    handed = {
        number: values["user"]
        for number, values in named
        if values["kind"] not in (None, TransferKind.LEAVE)
        and handed_out_alone_by(values["user"]) == actor.id
    }
    if handed:
        try:
            refuse_handed_out_alone(
                actor,
                next(iter(handed.values())),
                f"upload HR's list giving a role to IDs whose password "
                f"they handed out alone (rows {list(handed)})",
            )
        except SelfActionRefused as error:
            return [f"row {number}: login: {error}" for number in handed]
    return []


def _parse(
    get: dict[str, str], users: dict, sections: dict, facilities: dict
) -> tuple[list[tuple[str, str]], dict]:
    """One row's values for register_transfer, and its problems as (column, message)."""
    problems: list[tuple[str, str]] = []
    user = users.get(get["login"])
    kind = KINDS.get(get["kind"])
    if user is None:
        problems.append(("login", "このログインIDは登録されていません。"))
    if kind is None:
        problems.append(("kind", "種別は「異動」「役割変更」「退職」のいずれかにしてください。"))
    try:
        effective_on = date.fromisoformat(get["effective_on"].replace("/", "-"))
    except ValueError:
        problems.append(("effective_on", "発令日は YYYY-MM-DD で入力してください。"))
        effective_on = None
    else:
        if problem := date_problem(effective_on):
            problems.append(("effective_on", problem))
    if problem := text_problem(get["note"]):
        problems.append(("note", problem))
    section = sections.get(get["section_code"]) if get["section_code"] else None
    if get["section_code"] and section is None:
        problems.append(("section_code", "課コードが登録されていません。"))
    role = None
    if get["role"]:
        try:
            role = Role(get["role"])
        except ValueError:
            problems.append(("role", "権限コードが正しくありません。"))
    chosen = []
    for name in filter(None, (n.strip() for n in get["facilities"].split(";"))):
        if name not in facilities:
            problems.append(("facilities", f"施設「{name}」が登録されていません。"))
        else:
            chosen.append(facilities[name])
    return problems, {
        "user": user,
        "kind": kind,
        "effective_on": effective_on,
        "new_section": section,
        "new_role": role,
        "facilities": chosen,
        "note": get["note"] or None,
    }
