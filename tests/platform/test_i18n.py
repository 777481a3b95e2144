"""Japanese by default, English on request, and no untranslated string of ours."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def test_back_office_list_page_is_japanese_including_flask_admins_own_strings(login_as):
    html = login_as("it1").get("/admin/section/").get_data(as_text=True)
    assert '<html lang="ja">' in html
    assert "課名" in html  # our column label
    assert "作成" in html  # Flask-Admin's own catalog ("Create")
    assert "ログアウト" in html


def test_lang_en_switches_to_english_for_the_session(client, demo):
    assert "Staff log in" in client.get("/login?lang=en").get_data(as_text=True)
    assert "Staff log in" in client.get("/login").get_data(as_text=True)
    assert "職員ログイン" in client.get("/login?lang=ja").get_data(as_text=True)


def test_unknown_language_falls_back_to_japanese(client):
    assert "職員ログイン" in client.get("/login?lang=xx").get_data(as_text=True)


def test_every_string_of_ours_has_a_japanese_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            str(ROOT),
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    with pot.open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    with (ROOT / "admin_app/translations/ja/LC_MESSAGES/messages.po").open("rb") as f:
        translated = {m.id for m in read_po(f) if m.id and m.string}
    assert sorted(wanted - translated) == []


def test_enums_sharing_a_value_keep_their_own_labels(app):
    from models.public.talent import TalentField
    from models.registration.registrant import CircleCategory, RegistrantStatus
    from models.staff.accounts import StaffStatus
    from views.labels import label

    with app.test_request_context("/"):
        assert label(CircleCategory.ARTS) == "芸術・音楽" and label(TalentField.ARTS) == "芸術"
        assert label(StaffStatus.ACTIVE) == "有効" and label(RegistrantStatus.ERASED) == "消去済み"
