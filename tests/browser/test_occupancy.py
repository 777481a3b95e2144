"""The occupancy report in a real browser: reached from the menu, its charts load as images
(no policy violation on the page), the table shows the booked slots, axe finds nothing
serious or critical."""

import pytest

from tests.browser.chromium import log_in, serious
from tests.builders.reservation import make_booker, make_booking, soon
from tests.support import ARTIFACTS

pytestmark = pytest.mark.browser

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  `${e.violatedDirective} blocked=${e.blockedURI}`));
"""


def test_the_chief_reads_the_report_with_its_charts(app, live_server, page):
    with app.app_context():
        day = soon(3)
        make_booking(make_booker(), "第1会議室", day, "all_day")
    page.context.add_init_script(WATCH)
    log_in(page, live_server, "chief1")
    page.get_by_role("link", name="施設予約", exact=True).click()
    page.get_by_role("link", name="利用状況", exact=True).click()
    month = day.strftime("%Y-%m")
    page.goto(f"{page.url}?first={month}&last={month}")
    page.wait_for_load_state("load")
    for kind in ("rate", "category"):
        chart = page.get_by_test_id(f"chart-{kind}")
        chart.scroll_into_view_if_needed()
        assert chart.evaluate("img => img.complete && img.naturalWidth > 0")
    table = page.get_by_test_id(f"occupancy-{month}")
    row = table.locator("tbody tr", has=page.get_by_role("rowheader", name="第1会議室"))
    assert row.locator('[data-col="booked"]').inner_text() == "3"
    page.screenshot(path=ARTIFACTS / "occupancy.png", full_page=True)
    assert page.evaluate("window.__csp") == []
    assert serious(page) == []
