"""Counter staff find a group in Chromium by a word inside its name."""

import pytest

from tests.browser.chromium import log_in
from tests.builders.registration import make_registrant
from tests.support import ARTIFACTS

pytestmark = pytest.mark.browser


def test_a_word_inside_the_name_finds_the_group(app, live_server, page):
    with app.app_context():
        make_registrant(name="東村山ウォーキング同好会", name_kana="ヒガシムラヤマウォーキング")
        make_registrant(name="秋津ハイキングクラブ", name_kana="アキツハイキングクラブ")
    log_in(page, live_server, "staff1")
    page.goto(f"{live_server}/admin/registrant/")
    box = page.get_by_placeholder("登録番号・名称・ふりがな・電話番号・活動内容")
    box.fill("ウォーキング")
    box.press("Enter")
    page.wait_for_url("**search=*")
    page.screenshot(path=ARTIFACTS / "90-search-inside-name.png", full_page=True)
    assert page.get_by_role("cell", name="東村山ウォーキング同好会").is_visible()
    assert page.get_by_text("秋津ハイキングクラブ").count() == 0
