"""The back office finds registrants by a word anywhere inside their name, furigana (either
kana typed), number, phone digits or activity — by index on both databases — and never
finds another facility's registrants, edited-away text or erased text."""

import pytest
from flask_login import login_user
from sqlalchemy import select, text

from admin_app.extensions import db
from models import Registrant, StaffUser
from models.registration.erasure import erase_registrant
from models.registration.search import SEARCH_TABLE, search_condition
from tests.builders.registration import make_registrant

NAMES = (
    "東村山ウォーキング同好会",
    "秋津はいきんぐクラブ",
    "青葉の会",
    "スポーツ東村山ウォーキング部",
)


@pytest.fixture
def groups(app, demo):
    with app.app_context():
        make_registrant(
            name="東村山ウォーキング同好会",
            name_kana="ヒガシムラヤマウォーキングドウコウカイ",
            phone="042-395-7246",
            activity="狭山丘陵を歩く",
        )
        make_registrant(
            name="秋津はいきんぐクラブ", name_kana="アキツハイキングクラブ", phone="042-391-0001"
        )
        # Still an entry (確認待ち): its name may be corrected without a change notice.
        make_registrant(
            name="青葉の会", name_kana="アオバノカイ", phone="090-1234-5678", confirmed=False
        )
        # Another facility's group with the same word: never shown to 中央公民館's staff.
        make_registrant(
            facility_name="スポーツセンター",
            name="スポーツ東村山ウォーキング部",
            name_kana="スポーツヒガシムラヤマウォーキングブ",
            phone="042-391-0002",
        )


def found(client, term: str) -> set[str]:
    page = client.get("/admin/registrant/", query_string={"search": term})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return {n for n in NAMES if n in html}


def test_a_word_inside_a_name_finds_the_group(groups, login_as):
    client = login_as("staff1")
    assert found(client, "ウォーキング") == {"東村山ウォーキング同好会"}
    assert found(client, "同好会") == {"東村山ウォーキング同好会"}
    assert found(client, "丘陵を歩") == {"東村山ウォーキング同好会"}  # activity
    assert found(client, "ランニング") == set()


def test_furigana_is_found_whichever_kana_is_typed(groups, login_as):
    client = login_as("staff1")
    assert found(client, "うぉーきんぐ") == {"東村山ウォーキング同好会"}  # hiragana typed
    assert found(client, "ハイキング") == {"秋津はいきんぐクラブ"}  # katakana furigana
    assert found(client, "はいきんぐ") == {"秋津はいきんぐクラブ"}  # name in hiragana too


def test_phone_digits_are_found_with_or_without_hyphens(groups, login_as):
    client = login_as("staff1")
    assert found(client, "395-7246") == {"東村山ウォーキング同好会"}
    assert found(client, "3957246") == {"東村山ウォーキング同好会"}
    assert found(client, "１２３４－５６７８") == {"青葉の会"}  # full-width, inside


def test_two_characters_match_from_the_start(groups, login_as):
    client = login_as("staff1")
    assert found(client, "青葉") == {"青葉の会"}
    assert found(client, "あき") == {"秋津はいきんぐクラブ"}  # furigana prefix
    assert found(client, "の会") == set()  # inside, but too short for the trigram index


def test_a_clerk_never_finds_another_facilitys_registrants_and_the_count_agrees(
    app, groups, login_as
):
    assert "スポーツ東村山ウォーキング部" not in found(login_as("staff1"), "ウォーキング")
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "registrant")
    with app.test_request_context("/admin/registrant/"):
        login_user(db.session.scalar(select(StaffUser).where(StaffUser.login == "staff1")))
        query, count_query, _, _ = view._apply_search(
            view.get_query(), view.get_count_query(), {}, {}, "ウォーキング"
        )
        assert [r.name for r in query] == ["東村山ウォーキング同好会"]
        assert count_query.scalar() == 1
    with app.app_context():  # both are in the index: scoping, not the search, keeps one out
        every = db.session.scalars(select(Registrant.name).where(search_condition("ウォーキング")))
        assert set(every) == {"東村山ウォーキング同好会", "スポーツ東村山ウォーキング部"}


def test_after_an_edit_the_new_name_is_found_and_the_old_is_not(app, groups, login_as):
    with app.app_context():
        group = db.session.scalar(select(Registrant).where(Registrant.name == "青葉の会"))
        group.name = "青葉ノルディック会"
        db.session.commit()
    client = login_as("staff1")
    assert "ノルディック" in client.get(
        "/admin/registrant/", query_string={"search": "ノルディック"}
    ).get_data(as_text=True)
    assert found(client, "葉の会") == set()


def test_erased_text_is_found_nowhere_not_even_in_the_index(app, groups, login_as):
    with app.app_context():
        group = db.session.scalar(select(Registrant).where(Registrant.name.like("東村山%")))
        erase_registrant(group)
        db.session.commit()
        number = group.registration_number
    client = login_as("staff1")
    assert found(client, "ウォーキング") == set()
    assert found(client, "3957246") == set()
    assert number in client.get(  # the number is not personal data: still found
        "/admin/registrant/", query_string={"search": number}
    ).get_data(as_text=True)
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return
        fts = SEARCH_TABLE
        hits = db.session.execute(
            text(f"SELECT rowid FROM {fts} WHERE {fts} MATCH :q"), {"q": '"ウォーキング"'}
        ).all()
        assert [r.rowid for r in hits] == [
            db.session.scalar(
                select(Registrant.id).where(Registrant.facility.has(name="スポーツセンター"))
            )
        ]
        # The index itself (not only its answers) no longer holds the erased words' trigrams.
        db.session.execute(text(f"CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, {fts}, row)"))
        terms = set(db.session.scalars(text("SELECT term FROM temp.v")))
        db.session.execute(text("DROP TABLE temp.v"))
        assert "同好会" not in terms and "957" not in terms and "丘陵を" not in terms
        assert "ウォー" in terms  # the other facility's group, still there
        blobs = b"".join(db.session.scalars(text(f"SELECT block FROM {fts}_data")))
        assert "丘陵".encode() not in blobs and "同好".encode() not in blobs
