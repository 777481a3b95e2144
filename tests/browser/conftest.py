"""Fixtures of the browser tests: one headless Chromium per test (every module here is marked
`browser`; tests/conftest.py skips them where Chromium is missing)."""

import pytest

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.support import ARTIFACTS


@pytest.fixture
def browser_context():
    """The launched browser; a test opens the contexts (locale, viewport) it needs."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser_context):
    """A page in Japanese at desktop size."""
    context = browser_context.new_context(locale="ja-JP", viewport={"width": 1280, "height": 800})
    yield context.new_page()
    context.close()
