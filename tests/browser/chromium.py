"""Debian's Chromium driven by Playwright: where it is, how it starts, how a test logs in."""

import os

from tests.support import DEMO_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def log_in(page, base: str, login_id: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("ログインID").fill(login_id)
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"{base}/admin/")
