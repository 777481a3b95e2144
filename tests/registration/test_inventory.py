"""The field inventory is complete, and everything that shows personal data follows it."""

import json

from admin_app.extensions import db
from models.public.talent import TalentEntry
from models.registration.change_notice import ChangeNotice, RegistrantHistory
from models.registration.inventory import (
    BY_MODEL_FIELD,
    COPIES,
    ITEMS,
    NOT_PERSONAL,
    PAPER,
    SYSTEM,
    paper_items,
)
from models.registration.registrant import EligibilityCheck, Registrant, Roster
from models.reservation.booking import Booking
from models.reservation.lottery import LotteryApplication
from models.reservation.notices import MailNotice

RESIDENT_MODELS = (
    Registrant,
    EligibilityCheck,
    Roster,
    ChangeNotice,
    RegistrantHistory,
    TalentEntry,
    Booking,
    LotteryApplication,
    MailNotice,
)


def declared(model, column: str) -> bool:
    name = model.__name__
    return (name, column) in BY_MODEL_FIELD or column in COPIES.get(name, {})


def test_every_personal_column_is_in_the_inventory():
    missing = [
        f"{m.__name__}.{c.key}"
        for m in RESIDENT_MODELS
        for c in m.__table__.columns
        if c.info.get("personal") and not declared(m, c.key)
    ]
    assert missing == []


def test_every_column_of_resident_tables_is_classified():
    """A new column must be named in the inventory or declared not personal, with a reason."""
    unclassified = [
        f"{m.__name__}.{c.key}"
        for m in RESIDENT_MODELS
        for c in m.__table__.columns
        if not declared(m, c.key) and c.key not in NOT_PERSONAL[m.__name__]
    ]
    assert unclassified == []
    marked = {
        (m.__name__, c.key)
        for m in RESIDENT_MODELS
        for c in m.__table__.columns
        if c.info.get("personal")
    }
    declared_personal = {(i.model, i.field) for i in ITEMS if i.storage == SYSTEM} | {
        (model, column) for model, columns in COPIES.items() for column in columns
    }
    assert declared_personal == marked


def test_paper_items_have_no_column_anywhere():
    columns = {c.key for table in db.metadata.tables.values() for c in table.columns}
    assert paper_items()
    assert [i.field for i in paper_items() if i.field in columns] == []
    assert all(i.storage == PAPER and i.model == "" for i in paper_items())


def test_inventory_json_command(app):
    result = app.test_cli_runner().invoke(args=["inventory", "--json"])
    assert result.exit_code == 0
    items = json.loads(result.output)
    keys = {"field", "label", "required", "storage", "purpose", "visible_to", "public", "retention"}
    assert all(keys <= set(item) for item in items)
    by_field = {i["field"]: i for i in items if i["model"] != "TalentEntry"}
    assert by_field["name"]["label"] == "氏名・団体名"
    talent = {i["field"]: i for i in items if i["model"] == "TalentEntry"}
    assert talent["display_name"]["public"] and not talent["name"]["public"]
    assert talent["phone"]["public_contact"] and not talent["phone"]["public"]
    assert by_field["birth_date"]["storage"] == "system"
    assert by_field["member_names"]["storage"] == "paper"
    assert by_field["phone"]["visible_to"] == ["facility_staff", "section_chief"]


def test_auditor_reads_the_inventory_page(login_as):
    html = login_as("auditor1").get("/admin/inventory/").get_data(as_text=True)
    assert "個人情報項目一覧" in html
    for text in (
        "氏名・団体名",
        "生年月日",
        "会員名簿（会員の氏名）",
        "紙のみ（市が保管）",
        "システム（委託業者のサーバ）",
        "料金区分の判定のため",
    ):
        assert text in html


def test_the_registration_form_is_generated_from_the_inventory(app, login_as):
    html = login_as("staff1").get("/admin/registrant/new/").get_data(as_text=True)
    fields = [
        item
        for item in ITEMS
        if item.storage == SYSTEM and item.model == "Registrant" and item.field != "phone_digits"
    ]
    assert len(fields) > 10
    for item in fields:
        assert f'name="{item.field}"' in html, item.field
        with app.app_context():
            assert str(item.label) in html and str(item.purpose) in html  # Japanese help
    assert "利用者の特定と予約の受付のため" in html and "委託業者のサーバに保存" in html
    # Items required for everyone carry the required mark; conditional ones explain when.
    name_input = (
        html.split('name="name"')[0].rsplit("<input", 1)[1]
        + html.split('name="name"')[1].split(">", 1)[0]
    )
    assert "required" in name_input
    assert "団体は必須。" in html
    assert 'name="phone_digits"' not in html  # derived, never typed
    for item in paper_items():
        assert f'name="{item.field}"' not in html
