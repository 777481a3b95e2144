"""The public site: only consented, current entries; contacts only with consent; nothing else
from the record; current the moment staff change an entry or it expires; never a 500."""

from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import time_machine
from sqlalchemy import select

from admin_app.extensions import db
from models import Registrant
from models.clock import JST
from models.public.talent import TalentEntry, TalentField
from tests.builders import facility_id, facility_id_of
from tests.builders.registration import make_registrant
from tests.support import csrf_token, login

TODAY = date(2026, 11, 26)


def circle(**fields) -> int:
    values = {
        "circle_category": "arts",
        "schedule": "毎週火曜日 10:00〜12:00",
        "activity": "合唱の練習",
        "publish_consent_on": date(2026, 4, 1),
        "registered_on": date(2026, 4, 1),
    } | fields
    return make_registrant(**values)


def talent(**fields) -> int:
    values = {
        "facility_id": facility_id("中央公民館"),
        "field": TalentField.ARTS,
        "name": "本名 花子",
        "display_name": "はなこ先生",
        "display_kana": "ハナコセンセイ",
        "offer": "水彩画の指導",
        "area": "市内全域",
        "phone": "042-393-0001",
        "email": "hanako@example.jp",
        "registered_on": date(2026, 4, 1),
        "expires_on": date(2027, 3, 31),
        "publish_consent_on": date(2026, 4, 1),
    } | fields
    entry = TalentEntry(**values)
    db.session.add(entry)
    db.session.commit()
    return entry.id


@pytest.fixture
def at_today():
    with time_machine.travel(datetime(2026, 11, 26, 12, 0, tzinfo=JST), tick=False):
        yield


def test_only_consented_current_groups_are_listed(app, client, demo, at_today):
    with app.app_context():
        listed = circle(name="掲載する会", name_kana="ケイサイスルカイ")
        no_consent = circle(
            name="承諾なしの会", name_kana="ショウダクナシノカイ", publish_consent_on=None
        )
        later = circle(
            name="来月承諾の会", name_kana="ライゲツノカイ", publish_consent_on=date(2026, 12, 20)
        )
        expired = circle(
            name="期限切れの会", name_kana="キゲンギレノカイ", registered_on=date(2023, 1, 10)
        )
        person = make_registrant(
            kind="individual",
            name="個人 太郎",
            name_kana="コジン タロウ",
            publish_consent_on=date(2026, 4, 1),
        )
    html = client.get("/circles").get_data(as_text=True)
    assert "掲載する会" in html
    for name in ("承諾なしの会", "来月承諾の会", "期限切れの会", "個人 太郎"):
        assert name not in html
    assert client.get(f"/circles/{listed}").status_code == 200
    for hidden in (no_consent, later, expired, person):
        response = client.get(f"/circles/{hidden}")
        assert response.status_code == 404
        assert "ページが見つかりません" in response.get_data(as_text=True)


def test_contact_only_with_consent_otherwise_through_the_facility(app, client, demo, at_today):
    with app.app_context():
        open_contact = circle(
            contact_consent=True, representative_name="連絡 先子", phone="042-393-7777"
        )
        closed = circle(
            name="非公開連絡の会",
            name_kana="ヒコウカイ",
            contact_consent=False,
            representative_name="秘密 代表",
            phone="042-393-8888",
        )
    shown = client.get(f"/circles/{open_contact}").get_data(as_text=True)
    assert "連絡 先子" in shown and "042-393-7777" in shown
    hidden = client.get(f"/circles/{closed}").get_data(as_text=True)
    assert "秘密 代表" not in hidden and "042-393-8888" not in hidden
    assert "お問い合わせは中央公民館（電話 042-395-0001）へ" in hidden


def test_talent_bank_consent_currency_and_contact(app, client, demo, at_today):
    with app.app_context():
        shown = talent(contact_consent=True)
        through_facility = talent(
            display_name="連絡非公開さん",
            display_kana="レンラクヒコウカイ",
            phone="042-393-0002",
            email="secret@example.jp",
        )
        unconsented = talent(
            display_name="承諾なしさん", display_kana="ショウダクナシ", publish_consent_on=None
        )
        ended = talent(
            display_name="終了さん",
            display_kana="シュウリョウ",
            expires_on=date(2026, 3, 31),
            registered_on=date(2025, 4, 1),
        )
    listing = client.get("/talent-bank").get_data(as_text=True)
    assert "はなこ先生" in listing and "連絡非公開さん" in listing
    assert "承諾なしさん" not in listing and "終了さん" not in listing
    page = client.get(f"/talent-bank/{shown}").get_data(as_text=True)
    assert "042-393-0001" in page and "hanako@example.jp" in page
    page = client.get(f"/talent-bank/{through_facility}").get_data(as_text=True)
    assert "042-393-0002" not in page and "secret@example.jp" not in page
    assert "お問い合わせは中央公民館" in page
    for hidden in (unconsented, ended):
        assert client.get(f"/talent-bank/{hidden}").status_code == 404


def test_search_filters_order_and_paging(app, client, demo, at_today):
    with app.app_context():
        for n, kana in enumerate(["ワ", "ア", "カ"]):
            circle(
                name=f"並び{kana}の会",
                name_kana=f"{kana}ノカイ",
                circle_category="sports",
                activity="卓球" if n else "詩吟の練習",
            )
        for n in range(23):
            circle(
                name=f"多数{n:02d}の会",
                name_kana=f"タスウ{n:02d}",
                circle_category="arts",
                facility_name="スポーツセンター",
            )
    html = client.get("/circles?category=sports").get_data(as_text=True)
    assert html.index("並びアの会") < html.index("並びカの会") < html.index("並びワの会")
    assert "多数" not in html
    found = client.get(f"/circles?q={quote('詩吟')}").get_data(as_text=True)
    assert "並びワの会" in found and "1件" in found
    assert "並びアの会" in client.get(f"/circles?q={quote('あのかい')}").get_data(as_text=True)
    sports_centre = facility_id_of(app, "スポーツセンター")
    page1 = client.get(f"/circles?facility={sports_centre}").get_data(as_text=True)
    assert "23件" in page1 and "多数00の会" in page1 and "多数20の会" not in page1
    page2 = client.get(f"/circles?facility={sports_centre}&page=2").get_data(as_text=True)
    assert "多数20の会" in page2 and "多数00の会" not in page2


def test_an_entry_that_expires_while_the_cache_is_warm_disappears_at_midnight(app, client, demo):
    with app.app_context():
        gone = circle(name="今日までの会", name_kana="キョウマデ", registered_on=date(2023, 11, 27))
        assert db.session.get(Registrant, gone).expires_on == date(2026, 11, 26)
    with time_machine.travel(datetime(2026, 11, 26, 23, 59, 59, tzinfo=JST), tick=False):
        warm = client.get("/circles")
        assert "今日までの会" in warm.get_data(as_text=True)
        assert client.get("/circles").status_code == 200  # served from the cache
        etag = warm.headers["ETag"]
    with time_machine.travel(datetime(2026, 11, 27, 0, 0, 0, tzinfo=JST), tick=False):
        after = client.get("/circles", headers={"If-None-Match": etag})
        assert after.status_code == 200
        assert "今日までの会" not in after.get_data(as_text=True)
        assert client.get(f"/circles/{gone}").status_code == 404


def test_conditional_requests_and_a_staff_change_invalidates_at_once(
    app, client, login_as, at_today
):
    with app.app_context():
        entry = talent(display_name="旧表示名", display_kana="キュウ")
    first = client.get("/talent-bank")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert "no-cache" in first.headers["Cache-Control"]
    again = client.get("/talent-bank", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    staff = app.test_client()
    assert login(staff, "staff1").status_code == 302
    form_page = staff.get(f"/admin/talent_entry/edit/?id={entry}").get_data(as_text=True)
    response = staff.post(
        f"/admin/talent_entry/edit/?id={entry}",
        data={
            "csrf_token": csrf_token(form_page),
            "facility": str(facility_id_of(app, "中央公民館")),
            "field": "arts",
            "name": "本名 花子",
            "display_name": "新表示名",
            "display_kana": "シン",
            "offer": "水彩画の指導",
            "publish_consent_on": "2026-04-01",
            "expires_on": "2027-03-31",
        },
    )
    assert response.status_code == 302
    after = client.get("/talent-bank", headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200
    body = after.get_data(as_text=True)
    assert "新表示名" in body and "旧表示名" not in body


MARKERS = {
    "address": "東村山市秘密町9丁目9番9号",
    "postal_code": "1899999",
    "email": "leak@example.jp",
    "representative_name": "漏洩 代表者",
    "representative_kana": "ロウエイ ダイヒョウシャ",
    "phone": "042-399-9999",
}
TALENT_MARKERS = {"name": "漏洩 本名", "phone": "042-398-8888", "email": "talent-leak@example.jp"}


def test_no_non_public_value_reaches_any_public_response(app, client, demo, at_today):
    """Every value the inventory does not publish (or publishes only with a consent that was
    not given) is planted in the data; no public page, list, search or error shows it."""
    with app.app_context():
        secret_activity = "非公開団体の活動内容"
        ids = [
            circle(name="公開の会", name_kana="コウカイノカイ", **MARKERS),
            circle(
                name="非公開の会 秘",
                name_kana="ヒコウカイノカイ",
                publish_consent_on=None,
                activity=secret_activity,
                **(MARKERS | {"phone": "042-399-9998"}),
            ),
        ]
        talents = [
            talent(**TALENT_MARKERS),
            talent(publish_consent_on=None, display_name="非公開 人材", display_kana="ヒコウカイ"),
        ]
    secrets = [
        *MARKERS.values(),
        "042-399-9998",
        "非公開の会 秘",
        secret_activity,
        *TALENT_MARKERS.values(),
        "非公開 人材",
        "189-9999",
    ]
    urls = [
        "/",
        "/circles",
        "/talent-bank",
        "/circles?page=2",
        "/talent-bank?page=2",
        *(f"/circles/{i}" for i in ids),
        *(f"/talent-bank/{i}" for i in talents),
        *(f"/circles/{i}" for i in range(1, 5)),
        *(f"/talent-bank/{i}" for i in range(1, 5)),
    ]
    for category in ("arts", "sports", "culture"):
        urls += [f"/circles?category={category}", f"/talent-bank?category={category}"]
    for secret in secrets:  # searching for a secret finds nothing that shows it
        urls += [f"/circles?q={quote(secret[:20])}", f"/talent-bank?q={quote(secret[:20])}"]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        body = response.get_data(as_text=True)
        for secret in secrets:
            if f"q={quote(secret[:20])}" in url and secret[:20] in body:
                body = body.replace(secret[:20], "")  # the search box repeats what was typed
            assert secret not in body, (url, secret)


ABSURD = [
    "/circles?q=" + "あ" * 5000,
    "/circles?q=%FF%FE%FD",
    "/circles?q=%00%01",
    "/circles?q=%27%20OR%201%3D1--",
    "/circles?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/circles?page=-1",
    "/circles?page=99999999999999999999",
    "/circles?page=abc",
    "/circles?category=../../etc",
    "/circles?facility=1e9",
    "/circles?facility=-5",
    "/circles?facility=99999999",
    "/talent-bank?category=%FF",
    "/talent-bank?q=%25%25%25",
    "/talent-bank?q=_",
    "/talent-bank?page=0",
    "/circles?q=a&q=b&q=c",
    "/circles/0",
    "/circles/99999999999999999999",
    "/talent-bank/-1",
    "/talent-bank/abc",
    "/circles?" + "&".join(f"x{i}=y" for i in range(500)),
]


@pytest.mark.parametrize("url", ABSURD, ids=[f"absurd{n}" for n in range(len(ABSURD))])
def test_absurd_queries_get_a_normal_page_or_400_never_500(client, demo, url):
    response = client.get(url)
    assert response.status_code in (200, 400, 404), (url, response.status_code)
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    if response.status_code == 400:
        assert "要求を処理できませんでした" in body and "検索条件" in body
    if response.status_code == 404:
        assert "ページが見つかりません" in body


def test_staff_manage_talent_entries_with_japanese_checks(app, login_as):
    staff = login_as("staff1")
    form_page = staff.get("/admin/talent_entry/new/").get_data(as_text=True)
    assert "公開用の氏名" in form_page and "委託業者のサーバに保存" in form_page
    data = {
        "csrf_token": csrf_token(form_page),
        "facility": str(facility_id_of(app, "中央公民館")),
        "field": "sports",
        "name": "新規 人材",
        "display_name": "新規さん",
        "display_kana": "shinki",
        "offer": "卓球の指導",
        "phone": "12",
        "contact_consent": "y",
    }
    response = staff.post("/admin/talent_entry/new/", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "カタカナ" in body  # furigana message
    assert "連絡先の公開は、掲載の承諾がある場合に限ります" in body
    with app.app_context():
        assert db.session.scalar(select(TalentEntry.id)) is None  # nothing saved
    data |= {
        "display_kana": "しんきさん",
        "phone": "042-393-1234",
        "contact_consent": "",
        "publish_consent_on": "2026-05-01",
    }
    response = staff.post("/admin/talent_entry/new/", data=data)
    assert response.status_code == 302
    with app.app_context():
        entry = db.session.scalar(select(TalentEntry))
        assert entry.display_kana == "シンキサン" and entry.expires_on.month == 3
        assert entry.expires_on.day == 31 and entry.expires_on > entry.registered_on
        other = talent(facility_id=facility_id("スポーツセンター"))
    assert staff.get(f"/admin/talent_entry/details/?id={other}").status_code == 404
    assert staff.get("/admin/talent_entry/").status_code == 200


def test_group_public_fields_are_checked(app, login_as):
    staff = login_as("staff1")
    form_page = staff.get("/admin/registrant/new/").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(form_page),
        "facility": str(facility_id_of(app, "中央公民館")),
        "kind": "individual",
        "name": "個人 次郎",
        "name_kana": "コジン ジロウ",
        "postal_code": "1890014",
        "address": "東村山市本町1-1",
        "phone": "042-393-5111",
        "circle_category": "arts",
        "publish_consent_on": "2026-05-01",
    }
    body = staff.post("/admin/registrant/new/", data=data).get_data(as_text=True)
    assert "サークル一覧に掲載できるのは団体のみです" in body
    with app.app_context():
        assert db.session.scalar(select(Registrant.id)) is None


def test_dashboard_lists_entries_unconfirmed_for_a_year_and_marks_them(app, login_as, at_today):
    with app.app_context():
        old = circle(
            name="未確認の会",
            name_kana="ミカクニン",
            registered_on=date(2025, 6, 1),
            activity_confirmed_on=date(2025, 6, 1),
        )
        circle(name="確認済みの会", name_kana="カクニンズミ", activity_confirmed_on=TODAY)
        circle(
            name="ほぼ一年の会",
            name_kana="ホボイチネン",
            registered_on=date(2025, 6, 1),
            activity_confirmed_on=TODAY - timedelta(days=364),
        )
        stale_talent = talent(
            display_name="未確認さん",
            display_kana="ミカクニンサン",
            registered_on=date(2025, 4, 1),
            confirmed_on=None,
            expires_on=date(2027, 3, 31),
        )
    staff = login_as("staff1")
    html = staff.get("/admin/").get_data(as_text=True)
    assert "未確認の会" in html and "未確認さん" in html and "確認済みの会" not in html
    assert "ほぼ一年の会" not in html  # confirmed 364 days ago: not yet due
    response = staff.post(
        "/admin/registrant/action/",
        data={
            "csrf_token": csrf_token(html),
            "action": "confirm_activity",
            "rowid": str(old),
            "url": "/admin/",
        },
    )
    assert response.status_code == 302
    html = staff.get("/admin/").get_data(as_text=True)
    assert "未確認の会" not in html and "未確認さん" in html
    with app.app_context():
        assert db.session.get(Registrant, old).activity_confirmed_on == TODAY
        assert db.session.get(TalentEntry, stale_talent).confirmed_on is None


CHANGE_IN_ANOTHER_PROCESS = """
import sys
from admin_app import create_app
from admin_app.config import TestConfig
from admin_app.extensions import db
from models.public.talent import TalentEntry
from tests.builders import facility_id_of
app = create_app(TestConfig)
with app.app_context():
    db.session.get(TalentEntry, int(sys.argv[1])).display_name = "別プロセスで変更"
    db.session.commit()
"""


@pytest.mark.slow
def test_a_change_saved_by_another_worker_process_shows_at_once(app, client, demo):
    """Workers keep a copy of the version stamp (on PostgreSQL, refreshed by NOTIFY): a change
    committed by another process is on the next page this process serves."""
    import os
    import subprocess
    import sys

    with app.app_context():
        entry = talent(
            display_name="変更前の名前", display_kana="ヘンコウマエ", expires_on=date(2099, 3, 31)
        )
    assert "変更前の名前" in client.get("/talent-bank").get_data(as_text=True)
    assert "変更前の名前" in client.get("/talent-bank").get_data(as_text=True)  # cached
    env = {**os.environ, "TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    subprocess.run(
        [sys.executable, "-c", CHANGE_IN_ANOTHER_PROCESS, str(entry)],
        env=env,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=60,
    )
    body = client.get("/talent-bank").get_data(as_text=True)
    assert "別プロセスで変更" in body and "変更前の名前" not in body


def test_daily_job_erases_talent_entries_ended_longer_than_the_grace_period(app, demo):
    with app.app_context():
        old = talent(registered_on=date(2024, 4, 1), expires_on=date(2025, 3, 31))
        recent = talent(registered_on=date(2025, 4, 1), expires_on=date(2026, 3, 31))
    result = app.test_cli_runner().invoke(args=["jobs", "daily", "--date", "2026-11-26"])
    assert result.exit_code == 0, result.output
    assert "talent-bank entries erased (ended before the grace period): 1" in result.output
    with app.app_context():
        assert db.session.get(TalentEntry, old) is None
        assert db.session.get(TalentEntry, recent) is not None
    again = app.test_cli_runner().invoke(args=["jobs", "daily", "--date", "2026-11-26"])
    assert "talent-bank entries erased (ended before the grace period): 0" in again.output
