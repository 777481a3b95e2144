"""Booking at the counter in a real browser: from the availability grid through the fee, the
booking and its payment to the printed 使用許可書; another facility's staff see none of it;
axe-core on every reservation screen; the grid at phone width."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from admin_app.extensions import db
from models import Booking, ClosureKind, Facility
from models.clock import today_local
from models.reservation.closures import add_closure
from models.reservation.rules import record_payment
from tests.browser.chromium import log_in, serious
from tests.builders.reservation import make_booker, make_booking, registrant, room, soon, staff
from tests.support import ARTIFACTS

pytestmark = pytest.mark.browser

GROUP = "青葉台合唱クラブ"
FREE_AM = 'td[data-state="free"][data-slot="am"]'


@pytest.fixture
def hall(app, demo):
    """中央公民館 (id, addressee), its 第1会議室 (id), a confirmed group registered there (id,
    registration number)."""
    with app.app_context():
        rid = make_booker(name=GROUP)
        facility = db.session.scalar(select(Facility).where(Facility.name == "中央公民館"))
        return {
            "facility": facility.id,
            "addressee": facility.addressee,
            "room": room("第1会議室").id,
            "registrant": rid,
            "number": registrant(rid).registration_number,
        }


def reiwa(day: date) -> str:
    """令和 from 2019-05-01 (year 1): written out here, not taken from the app."""
    return f"令和{day.year - 2018}年{day.month}月{day.day}日"


def test_counter_books_a_free_slot_takes_payment_and_prints_the_permit(
    app, live_server, page, hall
):
    number = hall["number"]
    log_in(page, live_server, "staff1")
    page.get_by_role("link", name="施設予約", exact=True).click()
    page.get_by_role("link", name="空き状況", exact=True).click()
    page.wait_for_url(f"{live_server}/admin/reservation/")
    assert page.get_by_role("heading", name="中央公民館", exact=True).is_visible()
    grid = page.get_by_test_id("grid").first
    assert grid.locator("tbody tr").count() == 7  # a week
    assert grid.get_by_role("columnheader", name="第1会議室").is_visible()

    # A free 午前 cell of 第1会議室, whatever the day (closed days are skipped by their state).
    free = grid.locator(f'{FREE_AM}[data-room="{hall["room"]}"]').first
    day = date.fromisoformat(free.get_attribute("data-day"))
    free.get_by_role("link").click()
    page.wait_for_url("**/admin/reservation/book/**")
    head = page.get_by_test_id("booking-head")
    assert head.get_by_role("cell", name="第1会議室（定員30人）").is_visible()
    assert head.get_by_role("cell", name="午前（9:00–12:00）").is_visible()
    assert head.get_by_text(reiwa(day)).is_visible()

    page.get_by_label("登録番号").fill(number)
    page.get_by_label("利用人数").fill("12")
    page.get_by_label("利用目的").fill("定期練習")
    assert page.get_by_test_id("book-button").count() == 0  # the fee comes first
    page.get_by_role("button", name="使用料を確認").click()
    fee = page.get_by_test_id("fee").inner_text()
    assert re.fullmatch(r"[1-9][0-9]{0,2}(,[0-9]{3})* 円", fee), fee
    assert page.get_by_test_id("quote").get_by_text("使用料（予約の前に申込者と確認").is_visible()
    page.screenshot(path=ARTIFACTS / "51-reservation-form-quote.png", full_page=True)

    page.get_by_role("button", name="予約する（納付までは仮予約）").click()
    page.wait_for_url("**/admin/reservation/booking/?id=*")
    booking_url = page.url
    message = f"予約しました：1件、使用料の合計 {fee.removesuffix(' 円')}円。"
    assert page.get_by_text(message).is_visible()
    assert page.get_by_test_id("state").inner_text() == "仮予約（納付待ち）"
    assert page.get_by_test_id("booking").get_by_text(f"{number} {GROUP}").is_visible()
    assert page.get_by_test_id("permit").count() == 0  # no permit before payment
    page.screenshot(path=ARTIFACTS / "52-reservation-booking-provisional.png", full_page=True)

    page.get_by_test_id("pay").click()
    assert page.get_by_text("納付を記録しました。本予約になりました。").is_visible()
    assert page.get_by_test_id("state").inner_text() == "本予約（納付済み）"
    page.screenshot(path=ARTIFACTS / "53-reservation-booking-confirmed.png", full_page=True)

    page.get_by_test_id("permit").click()
    page.wait_for_url("**/admin/reservation/permit/?id=*")
    permit_url = page.url
    assert page.get_by_role("heading", name="使用許可書").is_visible()
    details = page.locator("table")
    assert details.get_by_role("cell", name="中央公民館", exact=True).is_visible()
    assert details.get_by_role("cell", name="第1会議室", exact=True).is_visible()
    assert page.get_by_test_id("permit-day").inner_text().startswith(reiwa(day))
    assert details.get_by_role("cell", name="午前（9:00–12:00）").is_visible()
    holder = page.get_by_test_id("holder")
    assert holder.get_by_text(f"{GROUP}　様").is_visible()
    assert holder.get_by_text(number).is_visible()
    assert page.get_by_test_id("permit-fee").inner_text().startswith(fee)
    conditions = page.get_by_test_id("conditions").locator("li")
    assert conditions.count() == 6
    assert conditions.first.inner_text().startswith("許可された目的以外に使用しないこと")
    assert page.get_by_test_id("issuer").inner_text() == hall["addressee"]
    assert hall["addressee"] in ("東村山市教育委員会", "東村山市長")
    page.emulate_media(media="print")
    assert page.get_by_role("button", name="印刷").is_hidden()
    page.screenshot(path=ARTIFACTS / "54-reservation-permit-print.png", full_page=True)
    page.emulate_media(media="screen")

    page.go_back()  # the booking's page
    page.get_by_role("link", name="空き状況へ戻る").click()
    page.wait_for_url("**/admin/reservation/?*")
    booked = page.locator(f'td[data-room="{hall["room"]}"][data-day="{day}"][data-slot="am"]')
    assert booked.get_attribute("data-state") == "confirmed"
    assert booked.get_by_text(number).is_visible()
    assert booked.get_by_text(GROUP).is_visible()
    page.screenshot(path=ARTIFACTS / "50-reservation-grid-week.png", full_page=True)
    page.goto(f"{live_server}/admin/booking/")
    assert page.get_by_role("row").filter(has_text=f"{number} {GROUP}").count() == 1

    # スポーツセンター's staff: none of it is there for them.
    other = page.context.browser.new_context(locale="ja-JP").new_page()
    log_in(other, live_server, "staff2")
    assert other.goto(booking_url).status == 404
    assert other.goto(permit_url).status == 404
    grid_url = f"{live_server}/admin/reservation/?facility_id={hall['facility']}"
    assert other.goto(grid_url).status == 404
    assert other.goto(f"{live_server}/admin/booking/").status == 200
    assert other.get_by_role("heading", name="予約一覧").is_visible()
    assert other.get_by_text(number).count() == 0
    assert other.get_by_text(GROUP).count() == 0
    other.context.close()


@pytest.fixture
def held(app, hall):
    """A 仮予約 tomorrow, a 本予約 the day after (both 第1会議室) and 第2会議室 closed tomorrow."""
    with app.app_context():
        provisional = make_booking(hall["registrant"], "第1会議室", soon(1), "am")
        confirmed = make_booking(hall["registrant"], "第1会議室", soon(2), "pm")
        record_payment(db.session.get(Booking, confirmed), by=staff())
        add_closure(
            db.session.get(Facility, hall["facility"]),
            ClosureKind.PERIOD,
            "空調工事",
            by=staff(),
            room=room("第2会議室"),
            starts_on=soon(1),
            ends_on=soon(1),
        )
        db.session.commit()
        return {"provisional": provisional, "confirmed": confirmed}


def test_every_reservation_screen_passes_axe(live_server, page, hall, held):
    base, facility = live_server, hall["facility"]
    found = {}

    def check(name: str, shot: str | None = None) -> None:
        found[name] = serious(page)
        if shot:
            page.screenshot(path=ARTIFACTS / shot, full_page=True)

    log_in(page, base, "staff1")
    two_days_ago = today_local() - timedelta(days=2)
    page.goto(f"{base}/admin/reservation/?facility_id={facility}&start={two_days_ago}")
    for state in ("free", "provisional", "confirmed", "closed", "past"):
        assert page.locator(f'td[data-state="{state}"]').count(), state
    check("grid-week", "55-reservation-grid-every-state.png")
    page.get_by_label("表示", exact=True).select_option(label="1か月")
    page.get_by_role("button", name="表示", exact=True).click()
    page.wait_for_url("**period=month**")
    assert page.get_by_test_id("grid").first.locator("tbody tr").count() >= 28
    check("grid-month", "56-reservation-grid-month.png")

    page.locator(f'{FREE_AM}[data-room="{hall["room"]}"] a').first.click()
    page.get_by_role("button", name="使用料を確認").click()  # nothing filled in
    for message in ("登録番号を入力してください。", "利用人数（1人以上）を入力してください。"):
        assert page.locator(".invalid-feedback").get_by_text(message).is_visible()
    page.get_by_label("登録番号").fill("K-999999")
    page.get_by_label("利用人数").fill("12")
    page.get_by_label("利用目的").fill("定期練習")
    page.get_by_role("button", name="使用料を確認").click()
    error = page.locator(".invalid-feedback")
    assert error.get_by_text("この登録番号の利用登録者は、この施設にはいません。").is_visible()
    assert page.get_by_test_id("quote").count() == 0
    check("form-error", "57-reservation-form-error.png")
    page.get_by_label("登録番号").fill(hall["number"])
    page.get_by_role("button", name="使用料を確認").click()
    assert page.get_by_test_id("quote").is_visible()
    check("form-quote")

    page.goto(f"{base}/admin/reservation/booking/?id={held['provisional']}")
    check("booking")
    page.get_by_role("link", name="この予約を取り消す").click()
    assert page.get_by_test_id("refund-preview").is_visible()
    check("cancel", "58-reservation-cancel.png")
    page.goto(f"{base}/admin/booking/")
    assert page.get_by_role("row").filter(has_text=hall["number"]).count() == 2
    check("list", "59-reservation-list.png")
    page.goto(f"{base}/admin/reservation/permit/?id={held['confirmed']}")
    check("permit")
    assert found == {name: [] for name in found}


def test_the_grid_at_phone_width(live_server, browser_context, hall, held):
    context = browser_context.new_context(locale="ja-JP", viewport={"width": 375, "height": 800})
    page = context.new_page()
    log_in(page, live_server, "staff1")
    page.goto(f"{live_server}/admin/reservation/?facility_id={hall['facility']}")
    # The page itself does not scroll sideways; the grid scrolls inside its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    wrap = page.locator(".grid-wrap").first
    assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")
    page.screenshot(path=ARTIFACTS / "60-reservation-grid-375.png", full_page=True)
    # A cell far to the right is reached by scrolling the grid, and books from there.
    last = page.locator('td[data-state="free"]').last
    last.scroll_into_view_if_needed()
    # Its day stays in sight at the left edge, on top of the cells scrolled under it.
    day = last.locator("xpath=../th").bounding_box()
    assert 0 <= day["x"] < 30
    on_top = "([x, y]) => document.elementFromPoint(x, y).closest('th.day') !== null"
    assert page.evaluate(on_top, [day["x"] + day["width"] - 3, day["y"] + day["height"] / 2])
    page.screenshot(path=ARTIFACTS / "61-reservation-grid-375-scrolled.png")
    last.get_by_role("link").click()
    page.wait_for_url("**/admin/reservation/book/**")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=ARTIFACTS / "62-reservation-form-375.png", full_page=True)
    context.close()
