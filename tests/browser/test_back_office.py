"""Key flows in a real browser (Debian's Chromium driven by Playwright)."""

import re

import pytest

from tests.browser.chromium import log_in
from tests.builders.registration import make_registrant
from tests.support import ARTIFACTS, DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_staff_logs_in_sees_the_japanese_back_office_and_logs_out(live_server, page):
    page.goto(f"{live_server}/admin/")
    assert page.url.startswith(f"{live_server}/login")
    assert page.get_by_role("heading", name="職員ログイン").is_visible()
    page.screenshot(path=ARTIFACTS / "01-login.png", full_page=True)

    page.get_by_label("ログインID").fill("staff1")
    page.get_by_label("パスワード").fill("wrong-password-000")
    page.get_by_role("button", name="ログイン").click()
    assert page.get_by_text("ログインIDまたはパスワードが正しくありません。").is_visible()
    page.screenshot(path=ARTIFACTS / "02-bad-login.png", full_page=True)

    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"{live_server}/admin/")
    assert page.get_by_role("heading", name="山田 花子さん、ようこそ").is_visible()
    assert page.get_by_text("施設職員").first.is_visible()
    page.screenshot(path=ARTIFACTS / "03-dashboard.png", full_page=True)

    page.get_by_role("link", name="組織").click()
    page.get_by_role("link", name="施設", exact=True).click()
    page.wait_for_url(f"{live_server}/admin/facility/")
    assert page.get_by_role("cell", name="中央公民館").is_visible()
    assert page.get_by_text("スポーツセンター").count() == 0
    page.screenshot(path=ARTIFACTS / "04-facilities.png", full_page=True)

    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url(f"{live_server}/login?logged_out=1")
    assert page.get_by_text("ログアウトしました。").is_visible()
    page.goto(f"{live_server}/admin/")
    assert page.url.startswith(f"{live_server}/login")


def test_counter_staff_registers_a_group_and_prints_its_form(live_server, page):
    log_in(page, live_server, "staff1")
    page.goto(f"{live_server}/admin/registrant/new/")
    page.screenshot(path=ARTIFACTS / "10-registrant-form.png", full_page=True)
    assert page.get_by_text("利用者の特定と予約の受付のため").first.is_visible()  # purpose
    page.locator("#kind").select_option("group", force=True)  # behind select2
    page.fill("#name", "秋津ハイキングクラブ")
    page.fill("#name_kana", "あきつはいきんぐくらぶ")  # hiragana, converted on save
    page.fill("#representative_name", "中村 恵")
    page.fill("#representative_kana", "ナカムラ メグミ")
    page.fill("#postal_code", "１８９－０００１")
    page.fill("#address", "東村山市秋津町３丁目")
    page.fill("#phone", "０９０－１２３４－５６７８")
    page.fill("#phone", "090-1234-567")  # one digit short first
    page.screenshot(path=ARTIFACTS / "10-registrant-form.png", full_page=True)
    page.get_by_role("button", name="保存", exact=True).click()
    page.screenshot(path=ARTIFACTS / "11-registrant-error.png", full_page=True)
    assert page.get_by_text("電話番号は固定電話なら10桁").is_visible()
    page.screenshot(path=ARTIFACTS / "11-registrant-error.png", full_page=True)
    page.fill("#phone", "０９０－１２３４－５６７８")
    page.get_by_role("button", name="保存", exact=True).click()
    # The new registration opens on its record, its number in the message.
    page.wait_for_url("**/admin/registrant/details/**")
    assert page.get_by_text("登録 K-000001 を入力しました").is_visible()
    assert page.get_by_text("アキツハイキングクラブ").first.is_visible()
    assert page.get_by_text("090-1234-5678").first.is_visible()
    page.goto(f"{live_server}/admin/registrant/")
    row = page.get_by_role("row").filter(has_text="秋津ハイキングクラブ")
    assert row.get_by_text("アキツハイキングクラブ").is_visible()
    page.screenshot(path=ARTIFACTS / "12-registrant-list.png", full_page=True)
    page.go_back()
    page.wait_for_url("**/admin/registrant/details/**")
    assert page.get_by_text("K-000001").first.is_visible()
    page.screenshot(path=ARTIFACTS / "13-registrant-detail.png", full_page=True)
    registrant_id = page.url.split("id=")[1].split("&")[0]
    page.goto(f"{live_server}/admin/registrant/print/?id={registrant_id}")
    assert page.get_by_text("東村山市教育委員会").is_visible()
    assert page.get_by_role("heading", name="公共施設予約システム利用登録申請書").is_visible()
    page.emulate_media(media="print")
    page.screenshot(path=ARTIFACTS / "14-registration-form-print.png", full_page=True)


def test_change_notice_walk_received_entered_confirmed_by_two_people(app, live_server, page):
    """staff1 receives and enters a 変更届, chief1 confirms it; the walk is timed."""
    import time

    with app.app_context():
        rid = make_registrant(name="廻田将棋クラブ", name_kana="メグリタショウギクラブ")
    started = time.perf_counter()
    log_in(page, live_server, "staff1")
    page.goto(f"{live_server}/admin/registrant/details/?id={rid}")
    page.get_by_role("link", name="変更届を受け付ける").click()
    page.locator("#received_via").select_option("mail")
    page.get_by_role("button", name="保存", exact=True).click()
    assert page.get_by_text("を受け付けました").is_visible()
    assert page.get_by_test_id("state").inner_text() == "受付済み（入力待ち）"
    page.get_by_role("link", name="変更内容を入力する").click()
    page.get_by_label("電話番号", exact=True).fill("０９０－７７７７－８８８８")
    page.get_by_label("住所", exact=True).fill("東村山市廻田町２丁目")
    page.get_by_role("button", name="入力する").click()
    assert page.get_by_test_id("state").inner_text() == "入力済み（確認待ち）"
    staged = page.get_by_test_id("staged")
    assert staged.get_by_text("090-7777-8888").is_visible()
    assert staged.get_by_text("042-393-5111").is_visible()  # current value beside it
    # The enterer sees no confirm button: another person must confirm.
    assert page.get_by_role("button", name="確定して反映する").count() == 0
    page.screenshot(path=ARTIFACTS / "20-notice-entered.png", full_page=True)
    notice_url = page.url

    browser = page.context.browser
    chief_context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 800})
    chief = chief_context.new_page()
    log_in(chief, live_server, "chief1")
    chief.goto(f"{live_server}/admin/change_notice/")
    chief.screenshot(path=ARTIFACTS / "21-notice-queue.png", full_page=True)
    chief.goto(notice_url)
    chief.get_by_role("button", name="確定して反映する").click()
    assert chief.get_by_text("を確定し、登録内容に反映しました").is_visible()
    assert chief.get_by_test_id("state").inner_text() == "確定"
    chief.screenshot(path=ARTIFACTS / "22-notice-confirmed.png", full_page=True)
    chief.goto(f"{live_server}/admin/registrant/details/?id={rid}")
    history = chief.locator("table[aria-labelledby=history]")
    assert history.get_by_text("090-7777-8888").is_visible()
    assert history.get_by_text("東村山市廻田町2丁目").is_visible()
    elapsed = time.perf_counter() - started
    chief.screenshot(path=ARTIFACTS / "23-registrant-history.png", full_page=True)
    chief.goto(notice_url.replace("/details/", "/print/"))
    chief.emulate_media(media="print")
    chief.screenshot(path=ARTIFACTS / "24-change-notice-print.png", full_page=True)
    chief_context.close()
    (ARTIFACTS / "change-notice-walk-seconds.txt").write_text(f"{elapsed:.2f}\n")
    print(f"\nchange-notice walk (receive → enter → confirm, two logins): {elapsed:.2f} s")


def test_it_registers_a_transfer_and_after_the_date_staff_sees_the_new_section_only(
    app, live_server, page
):
    """it1 moves staff1 to スポーツセンター; from 00:00 on the date staff1 sees it only."""
    from datetime import UTC, datetime

    import time_machine

    from models.clock import today_local

    log_in(page, live_server, "it1")
    page.goto(f"{live_server}/admin/personnel_transfer/register/")
    page.locator("#user").select_option(label="staff1 山田 花子", force=True)
    page.locator("#kind").select_option("move", force=True)
    effective = today_local().replace(day=1)
    effective = effective.replace(
        year=effective.year + (effective.month == 12), month=effective.month % 12 + 1
    )  # the 1st of next month
    page.fill("#effective_on", effective.isoformat())
    page.locator("#new_section").select_option(label="市民スポーツ課", force=True)
    page.locator("#new_role").select_option("facility_staff", force=True)
    page.locator("#facilities").select_option(label="スポーツセンター", force=True)
    page.fill("#note", "人事異動（ブラウザテスト）")
    page.screenshot(path=ARTIFACTS / "30-transfer-form.png", full_page=True)
    page.get_by_role("button", name="保存", exact=True).click()
    assert page.get_by_text("人事異動を登録しました").is_visible()
    page.screenshot(path=ARTIFACTS / "31-transfer-list.png", full_page=True)
    page.get_by_role("button", name="ログアウト").click()

    # The receiving section's chief approves the new grant on their home page.
    log_in(page, live_server, "chief2")
    page.goto(f"{live_server}/admin/")
    waiting = page.get_by_test_id("grants-to-decide")
    assert waiting.get_by_role("cell", name="山田 花子 (staff1)").is_visible()
    page.screenshot(path=ARTIFACTS / "31b-grant-to-approve.png", full_page=True)
    waiting.get_by_role("button", name="承認する").click()
    assert page.get_by_text("staff1：承認しました。").is_visible()
    page.get_by_role("button", name="ログアウト").click()

    log_in(page, live_server, "staff1")  # before the date: the old section
    page.goto(f"{live_server}/admin/facility/")
    assert page.get_by_role("cell", name="中央公民館").is_visible()
    page.get_by_role("button", name="ログアウト").click()

    midnight = datetime(effective.year, effective.month, effective.day, tzinfo=UTC)
    midnight = midnight.replace(hour=0) - (
        datetime(2000, 1, 1, 9, tzinfo=UTC) - datetime(2000, 1, 1, tzinfo=UTC)
    )  # 00:00 JST
    with time_machine.travel(midnight, tick=True):
        log_in(page, live_server, "staff1")
        assert page.get_by_role("cell", name="市民スポーツ課").is_visible()  # dashboard
        page.goto(f"{live_server}/admin/facility/")
        assert page.get_by_role("cell", name="スポーツセンター").first.is_visible()
        assert page.get_by_role("cell", name="中央公民館").count() == 0
        page.screenshot(path=ARTIFACTS / "32-after-transfer.png", full_page=True)


def test_the_date_picker_speaks_japanese_weeks_from_sunday_and_writes_slashes(live_server, page):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in(page, live_server, "staff1")
    page.goto(f"{live_server}/admin/registrant/new/")
    page.locator("#received_on").click()
    picker = page.locator(".daterangepicker:visible")
    picker.wait_for(timeout=5000)
    assert errors == []
    weekdays = picker.locator(".calendar thead tr").nth(1).locator("th").all_inner_texts()
    assert [w.strip() for w in weekdays if w.strip()][:7] == list("日月火水木金土")
    assert "月" in picker.locator(".month").first.inner_text()
    assert "Su" not in picker.inner_text() and "Jan" not in picker.inner_text()
    picker.locator("td.available:not(.off)").first.click()
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", page.locator("#received_on").input_value())
