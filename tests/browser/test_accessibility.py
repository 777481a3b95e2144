"""WCAG 2.1 AA (JIS X 8341-3) in the back office: axe-core finds no serious or critical
violation on any page any role reaches — its dashboard, every menu page, a record's details
and form from each list, a print page, the error pages — nor in the states a click opens (the
menu's dropdowns, a list's filters and bulk actions, a form's select2 box)."""

import re

import pytest

from tests.browser.chromium import ROLES, log_in, serious, walk_back_office
from tests.support import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.fixture
def new_page(browser_context):
    """A fresh context (no cookies) per call: one per role."""
    contexts = []

    def _new():
        contexts.append(
            browser_context.new_context(locale="ja-JP", viewport={"width": 1280, "height": 800})
        )
        return contexts[-1].new_page()

    yield _new
    for context in contexts:
        context.close()


def test_every_back_office_page_of_every_role_passes_axe(live_server, full_demo, new_page):
    found: dict[str, list[str]] = {}
    for role in ROLES:
        page = new_page()
        for url in walk_back_office(page, live_server, role):
            found[f"{role} {url.removeprefix(live_server)}"] = serious(page)
        for missing in ("/admin/no-such-page", "/admin/registrant/details/?id=999999999"):
            page.goto(live_server + missing)
            found[f"{role} {missing}"] = serious(page)
        page.context.close()
    assert len(found) > 90  # every role's walk reached its pages, not only the dashboard
    assert {page: errors for page, errors in found.items() if errors} == {}


def test_what_a_click_opens_passes_axe(live_server, full_demo, new_page):
    page = new_page()
    log_in(page, live_server, "staff1")
    found: dict[str, list[str]] = {}
    # Each of the menu's dropdowns, open.
    for number, toggle in enumerate(page.locator("#admin-navbar-collapse .dropdown-toggle").all()):
        toggle.click()
        found[f"menu {toggle.inner_text()}"] = serious(page)
        if number == 1:
            page.screenshot(path=str(ARTIFACTS / "a11y-dashboard-menu.png"))
        page.keyboard.press("Escape")
    # A list with a filter, its filter menu and its bulk actions open.
    page.goto(f"{live_server}/admin/registrant/")
    page.get_by_role("link", name=re.compile("フィルター")).first.click()
    found["filter menu"] = serious(page)
    page.locator("a.dropdown-item.filter").first.click()
    found["filter row"] = serious(page)
    page.locator("a.dropdown-toggle", has_text=re.compile("選択")).click()
    found["bulk actions"] = serious(page)
    page.screenshot(path=str(ARTIFACTS / "a11y-list-filter.png"))
    # A form's select2 box, open.
    page.goto(f"{live_server}/admin/registrant/new/")
    page.locator("a.select2-choice").first.click()
    page.wait_for_selector(".select2-drop-active")
    found["select2"] = serious(page)
    page.screenshot(path=str(ARTIFACTS / "a11y-form-select2.png"))
    # A record's details, and a 404 in the back office's layout.
    page.goto(f"{live_server}/admin/registrant/")
    page.locator("a[href*='/details/']").first.click()
    page.screenshot(path=str(ARTIFACTS / "a11y-details.png"), full_page=True)
    page.goto(f"{live_server}/admin/no-such-page")
    assert page.locator("#admin-navbar-collapse").is_visible()
    page.screenshot(path=str(ARTIFACTS / "a11y-404.png"))
    assert {state: errors for state, errors in found.items() if errors} == {}
