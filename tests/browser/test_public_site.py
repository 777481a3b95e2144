"""The public site in a real browser: axe-core (WCAG 2.x A/AA rules) finds no serious or
critical violation on any public page; keyboard and phone-width use work."""

from datetime import date

import pytest

from admin_app.extensions import db
from models.public.talent import TalentEntry, TalentField
from tests.browser.chromium import log_in, serious
from tests.builders import facility_id
from tests.builders.registration import make_registrant
from tests.support import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.fixture
def public_entries(app, demo):
    with app.app_context():
        circle = make_registrant(
            name="青葉コーラスの会",
            name_kana="アオバコーラスノカイ",
            circle_category="arts",
            schedule="毎週火曜日 10:00〜12:00",
            activity="合唱の練習と年2回の発表会",
            recruiting=True,
            publish_consent_on=date(2026, 4, 1),
            registered_on=date(2026, 4, 1),
        )
        for n in range(25):
            make_registrant(
                name=f"サークル{n:02d}",
                name_kana=f"サークル{n:02d}",
                circle_category="sports",
                publish_consent_on=date(2026, 4, 1),
                registered_on=date(2026, 4, 1),
            )
        entry = TalentEntry(
            facility_id=facility_id("中央公民館"),
            field=TalentField.ARTS,
            name="本名",
            display_name="水彩 花子",
            display_kana="スイサイ ハナコ",
            offer="水彩画の指導",
            area="市内全域",
            conditions="謝礼不要",
            phone="042-393-0001",
            contact_consent=True,
            registered_on=date(2026, 4, 1),
            expires_on=date(2099, 3, 31),
            publish_consent_on=date(2026, 4, 1),
        )
        db.session.add(entry)
        db.session.commit()
        return circle, entry.id


def test_every_public_page_passes_axe(live_server, public_entries, browser_context):
    circle, talent = public_entries
    pages = {
        "home": "/",
        "circles": "/circles",
        "circles-search": "/circles?q=コーラス&category=arts",
        "circles-page2": "/circles?page=2",
        "circle": f"/circles/{circle}",
        "talents": "/talent-bank",
        "talent": f"/talent-bank/{talent}",
        "not-found": "/circles/999999",
        "bad-query": "/circles?page=abc",
        "english": "/circles?lang=en",
    }
    context = browser_context.new_context(locale="ja-JP", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    found = {}
    for name, url in pages.items():
        page.goto(live_server + url)
        assert page.evaluate("document.documentElement.lang") in ("ja", "en")
        assert page.locator("h1").count() == 1, name
        found[name] = serious(page)
        page.screenshot(path=ARTIFACTS / f"public-{name}.png", full_page=True)
    context.close()
    assert found == {name: [] for name in pages}


def test_keyboard_and_phone_width(live_server, public_entries, browser_context):
    context = browser_context.new_context(locale="ja-JP", viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server}/circles")
    # No sideways scrolling at 375 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # The first Tab shows the skip link, which moves the focus to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="本文へ移動")
    assert skip.evaluate("e => e === document.activeElement")
    assert skip.is_visible()
    outline = skip.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none"
    page.screenshot(path=ARTIFACTS / "public-375-skip-link.png")
    # Search by keyboard alone: type, choose the category, press Enter.
    page.get_by_label("キーワード").fill("コーラス")
    page.get_by_label("分類").select_option(label="芸術・音楽")
    page.get_by_label("キーワード").press("Enter")
    page.wait_for_url("**/circles?*")
    assert page.get_by_role("link", name="青葉コーラスの会").is_visible()
    page.get_by_role("link", name="青葉コーラスの会").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/circles/*")
    assert page.get_by_role("heading", name="青葉コーラスの会").is_visible()
    assert page.get_by_text("お問い合わせは中央公民館").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=ARTIFACTS / "public-375-circle.png", full_page=True)
    context.close()


def test_staff_publish_a_talent_entry_and_residents_see_it(live_server, browser_context):
    context = browser_context.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, live_server, "staff1")
    page.goto(f"{live_server}/admin/talent_entry/new/")
    page.locator("#field").select_option("arts", force=True)  # behind select2
    page.locator("#publish_consent_on").fill("2026-04-01")
    page.locator("#name").click()  # closes the date picker
    page.locator("#name").fill("東村 一郎")
    page.locator("#display_name").fill("書道の東村先生")
    page.locator("#display_kana").fill("しょどうのひがしむらせんせい")
    page.get_by_label("指導内容").fill("毛筆・硬筆の基礎")
    page.screenshot(path=ARTIFACTS / "talent-new.png", full_page=True)
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url(f"{live_server}/admin/talent_entry/")
    assert page.get_by_text("書道の東村先生").first.is_visible()
    page.screenshot(path=ARTIFACTS / "talent-list.png", full_page=True)

    resident = browser_context.new_context(locale="ja-JP").new_page()
    resident.goto(f"{live_server}/talent-bank")
    resident.get_by_role("link", name="書道の東村先生").click()
    assert resident.get_by_role("heading", name="書道の東村先生").is_visible()
    assert resident.get_by_text("お問い合わせは中央公民館").is_visible()
    assert resident.get_by_text("東村 一郎").count() == 0  # the real name is not published
    resident.screenshot(path=ARTIFACTS / "talent-public.png", full_page=True)
    context.close()
