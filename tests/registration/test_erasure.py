"""Erasure leaves no personal value anywhere: every text and JSON column of every table is
scanned after erase_registrant (the registrant, its history, its notices, the access log)."""

import json
from datetime import date

from sqlalchemy import JSON, String, Text, select

from admin_app.extensions import db
from models import ChangeNotice, Registrant, RegistrantStatus, StaffUser
from models.registration.change_notice import (
    HistorySource,
    confirm_notice,
    enter,
    open_notice_of,
)
from models.registration.erasure import erase_registrant
from models.registration.registrant import PERSONAL_COLUMNS
from models.registration.trail import record_change
from tests.builders.registration import make_entered_notice, make_received_notice, make_registrant

# Every personal item, each a value found nowhere else (the old values of notice items too).
PERSONAL = {
    "name": "消去確認の会",
    "name_kana": "ショウキョカクニンノカイ",
    "representative_name": "消去 確子",
    "representative_kana": "ショウキョ カクコ",
    "postal_code": "1890077",
    "address": "東村山市消去町7丁目7番7号",
    "phone": "042-391-8642",
    "email": "erase-me@example.jp",
    "activity": "消去確認のための合唱",
    "schedule": "毎週水曜日 消去確認",
}
NEW_PHONE, NEW_ADDRESS = "090-8642-9753", "東村山市新消去町3丁目3番3号"  # by a confirmed notice
STAGED_EMAIL = "staged-erase@example.jp"  # waiting in an open notice
EDITED = ("消去前の活動日", "消去後の活動日")  # a history row of an edit
DISTINCT = [*PERSONAL.values(), NEW_PHONE, "09086429753", NEW_ADDRESS, STAGED_EMAIL, *EDITED]


def text_cells() -> list[tuple[str, str, str]]:
    """(table, column, value) of every text, varchar and JSON cell in the database."""
    cells = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if value is not None:
                    text = (
                        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                    )
                    cells.append((table.name, column.name, text))
    return cells


def found(values: list[str]) -> dict[str, list[str]]:
    """Where each value appears (table.column), for the values that appear at all."""
    where: dict[str, list[str]] = {}
    for table, column, text in text_cells():
        for value in values:
            if value in text:
                where.setdefault(value, []).append(f"{table}.{column}")
    return where


def build(app, client) -> int:
    """A group with every personal item filled, a confirmed notice (history old → new), an
    open notice with staged values, an edit in the history, and its pages viewed (the log)."""
    with app.app_context():
        rid = make_registrant(**PERSONAL)
        notice_id = make_entered_notice(rid, values={"phone": NEW_PHONE, "address": NEW_ADDRESS})
        chief = db.session.scalar(select(StaffUser).where(StaffUser.login == "chief1"))
        confirm_notice(db.session.get(ChangeNotice, notice_id), chief)
        db.session.commit()
        registrant = db.session.get(Registrant, rid)
        clerk = db.session.scalar(select(StaffUser).where(StaffUser.login == "staff1"))
        record_change(registrant, "schedule", *EDITED, clerk, HistorySource.EDIT)
        db.session.commit()
        staged = make_received_notice(rid)
        enter(staged, clerk, {"email": STAGED_EMAIL})
        db.session.commit()
    client.get(f"/admin/registrant/details/?id={rid}")
    client.get(f"/admin/registrant/?search={PERSONAL['name']}")
    return rid


def test_erasure_leaves_no_personal_value_in_any_text_column(app, login_as):
    rid = build(app, login_as("staff1"))
    with app.app_context():
        before = found(DISTINCT)
        # Not a vacuous scan: the registrant, its history and its open notice hold them now.
        assert set(before) == set(DISTINCT)
        assert before[PERSONAL["phone"]] == ["registrant_history.old_value"]
        assert any(w.startswith("registrant_history.") for w in before[NEW_PHONE])
        assert before[STAGED_EMAIL] == ["change_notice.staged_values"]
        assert open_notice_of(rid) is not None

        erase_registrant(db.session.get(Registrant, rid), date(2030, 4, 1))
        db.session.commit()

        assert found(DISTINCT) == {}
        registrant = db.session.get(Registrant, rid)
        assert registrant.status == RegistrantStatus.ERASED
        assert registrant.erased_on == date(2030, 4, 1)
        assert [getattr(registrant, c) for c in PERSONAL_COLUMNS] == [None] * len(PERSONAL_COLUMNS)
        assert registrant.registration_number  # what statistics need stays
