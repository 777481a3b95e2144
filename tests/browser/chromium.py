"""Debian's Chromium driven by Playwright: where it is, how it starts, how a test logs in, how
it walks every back-office page a role reaches, and what axe-core (WCAG 2.x A/AA rules) finds
on a page."""

import os
from collections.abc import Iterator

from tests.support import DEMO_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# One demo login per role (admin_app/demo/staff.py): between them, every back-office page.
ROLES = ["staff1", "chief1", "it1", "contractor1", "records1", "auditor1"]


def log_in(page, base: str, login_id: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("ログインID").fill(login_id)
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"{base}/admin/")


def links(page, selector: str, base: str) -> list[str]:
    """The page's own links under `selector` (absolute), once each, never the logout."""
    hrefs = page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")
    return list(
        dict.fromkeys(base + h for h in hrefs if h and h.startswith("/") and "logout" not in h)
    )


def walk_back_office(page, base: str, role: str, seen: set[str] | None = None) -> Iterator[str]:
    """Log `page` in as `role` and open, one after the other, the dashboard, every page of its
    menu, from each list one record's details and form, and one print page; yield each URL
    while its page is loaded. Pages already in `seen` (path without query) are skipped, and
    the walk adds those it opens, so a set shared between roles visits each page once."""
    seen = set() if seen is None else seen

    def first_time(url: str) -> bool:
        key = url.split("?")[0] if "/details/" in url or "/edit/" in url else url
        if key in seen:
            return False
        seen.add(key)
        return True

    log_in(page, base, role)
    page.wait_for_load_state("load")
    menu = links(page, "#admin-navbar-collapse .navbar-nav a", base)
    if first_time(page.url):
        yield page.url
    for url in [u for u in menu if "/admin" in u]:
        if not first_time(url):
            continue
        page.goto(url)
        page.wait_for_load_state("load")
        records = links(page, "a[href*='/details/'], a[href*='/edit/']", base)[:2]
        printed = links(page, "a[href*='print'], a[href*='permit']", base)[:1]
        yield url
        for other in records + printed:
            if first_time(other):
                page.goto(other)
                page.wait_for_load_state("load")
                yield other


WCAG = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def serious(page, exclude: tuple[str, ...] = ()) -> list[str]:
    """axe-core's serious and critical violations on the page, outside `exclude` (selectors)."""
    from axe_playwright_python.sync_playwright import Axe

    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    violations = Axe().run(page, context=context, options=WCAG).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
