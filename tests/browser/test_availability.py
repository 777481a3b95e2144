"""The public availability calendar 空き状況 in a real browser: axe-core finds no serious or
critical violation on its pages; a phone's 375 px need no sideways scrolling; and the walk of
issue 15 — a resident sees ○ on a free slot, staff book it at the counter, the resident reloads
and sees ×."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from admin_app.extensions import db
from models import Facility
from models.clock import today_local
from tests.browser.chromium import log_in, serious
from tests.builders.reservation import make_booker, make_booking, registrant, room
from tests.support import ARTIFACTS

pytestmark = pytest.mark.browser

GROUP = "青葉台合唱クラブ"


@pytest.fixture
def centre(app, demo):
    """中央公民館 (id), its 第1会議室 and スポーツセンター's hourly room (ids), a booked slot and
    a group registered there (registration number)."""
    with app.app_context():
        rid = make_booker(name=GROUP)
        booked = today_local() + timedelta(days=9)
        make_booking(make_booker(name="別の会"), day=booked)
        facility = db.session.scalar(select(Facility).where(Facility.name == "中央公民館"))
        sports = db.session.scalar(select(Facility).where(Facility.name == "スポーツセンター"))
        hourly = next(r for r in sports.rooms if r.slot_pattern.value == "hourly")
        return {
            "facility": facility.id,
            "room": room("第1会議室").id,
            "hourly": hourly.id,
            "number": registrant(rid).registration_number,
            "booked": booked,
        }


def test_availability_pages_pass_axe_and_fit_a_phone(live_server, centre, browser_context):
    next_month = (today_local().replace(day=1) + timedelta(days=32)).strftime("%Y-%m")
    pages = {
        "facilities": "/availability",
        "rooms": f"/availability/{centre['facility']}",
        "room": f"/availability/rooms/{centre['room']}",
        "month": f"/availability/rooms/{centre['room']}?month={next_month}",
        "hourly": f"/availability/rooms/{centre['hourly']}",
        "english": f"/availability/rooms/{centre['room']}?lang=en",
        "bad-month": f"/availability/rooms/{centre['room']}?month=abc",
    }
    found = {}
    for width in (1280, 375):
        context = browser_context.new_context(
            locale="ja-JP", viewport={"width": width, "height": 900}
        )
        page = context.new_page()
        for name, url in pages.items():
            page.goto(live_server + url)
            assert page.locator("h1").count() == 1, name
            # No sideways scrolling of the page (a wide hourly table scrolls in its own box).
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
            if width == 1280:
                found[name] = serious(page)
            page.screenshot(path=ARTIFACTS / f"availability-{width}-{name}.png", full_page=True)
        context.close()
    assert found == {name: [] for name in pages}


def test_keyboard_reaches_the_calendar_from_the_home_page(live_server, centre, browser_context):
    context = browser_context.new_context(locale="ja-JP", viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(live_server + "/")
    page.get_by_role("navigation", name="サイトメニュー").get_by_role(
        "link", name="空き状況"
    ).focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/availability")
    page.get_by_role("link", name="中央公民館").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/availability/{centre['facility']}")
    page.get_by_role("link", name="第1会議室").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/availability/rooms/{centre['room']}")
    table = page.get_by_test_id("calendar")
    # Screen readers hear the column and row headers and the words, not just the symbol.
    assert table.get_by_role("columnheader", name="午前 9:00–12:00").is_visible()
    assert table.get_by_role("rowheader").count() >= 28
    assert page.get_by_test_id("legend").get_by_text("空き").is_visible()
    assert page.get_by_test_id("fee-table").get_by_role("columnheader", name="一般").is_visible()
    booked = centre["booked"]
    if booked.month != today_local().month:
        page.get_by_role("link", name="次の月").focus()
        page.keyboard.press("Enter")
        page.wait_for_url("**?month=*")
    taken = page.locator(f'tr[data-day="{booked.isoformat()}"] td[data-slot="am"]')
    assert taken.get_by_text("予約済み").count() == 1  # read out, though visually hidden
    assert page.get_by_test_id("calendar").get_by_role("cell", name="予約済み").count() == 1
    page.screenshot(path=ARTIFACTS / "availability-375-keyboard.png", full_page=True)
    context.close()


def test_a_resident_sees_free_staff_book_it_the_resident_sees_taken(
    live_server, centre, browser_context
):
    resident = browser_context.new_context(
        locale="ja-JP", viewport={"width": 375, "height": 800}
    ).new_page()
    calendar_url = f"{live_server}/availability/rooms/{centre['room']}"
    resident.goto(calendar_url)
    # A free 午前 from tomorrow on within the week the counter's grid shows.
    today = today_local()
    week = [today + timedelta(days=n) for n in range(1, 7)]
    day = free_morning(resident, week)
    if day is None:  # the week's free mornings are all next month
        resident.get_by_role("link", name="次の月").click()
        day = free_morning(resident, week)
    cell = resident.locator(f'tr[data-day="{day.isoformat()}"] td[data-slot="am"]')
    assert cell.get_by_text("○").is_visible()
    assert cell.get_by_text("空き").count() == 1  # for screen readers
    cell.scroll_into_view_if_needed()
    resident.screenshot(path=ARTIFACTS / "availability-walk-1-free.png", full_page=True)

    staff = browser_context.new_context(
        locale="ja-JP", viewport={"width": 1280, "height": 900}
    ).new_page()
    log_in(staff, live_server, "staff1")
    staff.goto(f"{live_server}/admin/reservation/")
    grid = staff.get_by_test_id("grid").first
    slot = grid.locator(
        f'td[data-state="free"][data-slot="am"][data-room="{centre["room"]}"]'
        f'[data-day="{day.isoformat()}"]'
    )
    slot.get_by_role("link").click()
    staff.wait_for_url("**/admin/reservation/book/**")
    staff.get_by_label("登録番号").fill(centre["number"])
    staff.get_by_label("利用人数").fill("12")
    staff.get_by_label("利用目的").fill("定期練習")
    staff.get_by_role("button", name="使用料を確認").click()
    staff.get_by_role("button", name="予約する（納付までは仮予約）").click()
    staff.wait_for_url("**/admin/reservation/booking/?id=*")
    assert staff.get_by_test_id("state").inner_text() == "仮予約（納付待ち）"
    staff.screenshot(path=ARTIFACTS / "availability-walk-2-booked.png", full_page=True)

    resident.reload()
    cell = resident.locator(f'tr[data-day="{day.isoformat()}"] td[data-slot="am"]')
    assert cell.get_attribute("data-state") == "taken"
    assert cell.get_by_text("予約済み").count() == 1
    assert cell.get_by_text("×").is_visible()
    html = resident.content()
    assert GROUP not in html and centre["number"] not in html and "定期練習" not in html
    cell.scroll_into_view_if_needed()
    resident.screenshot(path=ARTIFACTS / "availability-walk-3-taken.png", full_page=True)


def free_morning(page, days: list[date]) -> date | None:
    """The first of `days` whose 午前 the page shows free (○)."""
    free = page.locator('td[data-state="free"][data-slot="am"]')
    days_shown = free.evaluate_all("cs => cs.map(c => c.parentElement.dataset.day)")
    shown = {date.fromisoformat(d) for d in days_shown}
    return next((day for day in days if day in shown), None)
