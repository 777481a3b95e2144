"""The Content-Security-Policy in a real browser: every back-office page each role reaches
(its menu, a record's details and form from each list, the print pages) and every public page
loads without one violation, and what Flask-Admin does with inline handlers still works under
it (filters, the inline "add" of a form, bulk actions' menu, the print button)."""

import re

import pytest

from tests.browser.chromium import ROLES, log_in, walk_back_office
from tests.support import ARTIFACTS

pytestmark = pytest.mark.browser

PUBLIC = ["/", "/circles", "/talent", "/login", "/no-such-page"]

# Before any page script: record violations, and make print() observable.
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  `${e.violatedDirective} blocked=${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`));
window.print = () => { window.__printed = true; };
"""


@pytest.fixture
def watched(browser_context):
    context = browser_context.new_context(locale="ja-JP", viewport={"width": 1280, "height": 800})
    context.add_init_script(WATCH)
    page = context.new_page()
    console: list[str] = []
    page.on(
        "console",
        lambda m: (
            console.append(m.text)
            if "Content Security Policy" in m.text or "unbound inline handler" in m.text
            else None
        ),
    )
    yield page, console
    context.close()


def visit(page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("load")
    return [f"{url}: {v}" for v in page.evaluate("window.__csp")]


def test_no_page_of_any_role_or_the_public_site_violates_the_policy(
    live_server, full_demo, watched
):
    page, console = watched
    violations: list[str] = []
    seen: set[str] = set()
    for url in PUBLIC:
        violations += visit(page, live_server + url)
    for role in ROLES:
        page.context.clear_cookies()
        for url in walk_back_office(page, live_server, role, seen):
            violations += [f"{url}: {v}" for v in page.evaluate("window.__csp")]
    assert len(seen) > 40  # the walk reached the back office, not only the menus
    assert violations == [] and console == []


def test_flask_admin_behaviour_survives_the_policy(live_server, full_demo, watched):
    page, console = watched
    log_in(page, live_server, "staff1")
    # The list's filter menu (an inline "return false;" handler and javascript: links).
    page.goto(f"{live_server}/admin/registrant/")
    assert page.locator("table.filters tr").count() == 0
    page.get_by_role("link", name=re.compile("フィルター|Add Filter")).first.click()
    page.locator("a.dropdown-item.filter").first.click()
    assert page.locator("table.filters tr").count() == 1
    assert not page.url.endswith("#")  # the handler kept the link from navigating
    assert page.evaluate("window.__csp") == []
    page.screenshot(path=str(ARTIFACTS / "csp-filters.png"), full_page=False)
    # Bulk actions: the menu's item runs modelActions.execute (it asks for a selection first).
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    toggle = page.locator("a.dropdown-toggle", has_text=re.compile("選択|With selected"))
    toggle.click()
    toggle.locator("xpath=following-sibling::div[1]//a").first.click()
    assert dialogs  # Flask-Admin's own script answered the click

    # select2 3.5 makes its own javascript:void(0) link: opening the box is no violation.
    page.goto(f"{live_server}/admin/registrant/new/")
    page.locator("a.select2-choice").first.click()
    page.wait_for_selector(".select2-drop-active")
    assert page.evaluate("window.__csp") == []

    # A print page's button (data-print, bound by csp.js).
    page.goto(f"{live_server}/admin/registrant/")
    first = page.locator("a[href*='/details/']").first.get_attribute("href")
    page.goto(live_server + first)
    form = page.locator("a[href*='form'], a[href*='print']").first
    page.goto(live_server + form.get_attribute("href"))
    page.locator("button[data-print]").click()
    assert page.evaluate("window.__printed") is True

    # IT: the inline "add" of a room's fee table (Flask-Admin's faForm.addInlineField).
    page.context.clear_cookies()
    log_in(page, live_server, "it1")
    page.goto(f"{live_server}/admin/room/")
    page.goto(live_server + page.locator("a[href*='/edit/']").first.get_attribute("href"))
    before = page.locator(".inline-field").count()
    page.locator("a[id$='-button']").first.click()
    assert page.locator(".inline-field").count() == before + 1
    assert page.evaluate("window.__csp") == [] and console == []
