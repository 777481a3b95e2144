"""Security headers on every response (OWASP ASVS L2): a Content-Security-Policy whose scripts
need this response's nonce, HSTS and a __Host- Secure session cookie in production, no inline
event handler left in a page."""

import re

import pytest

from admin_app import create_app
from admin_app.config import ProductionConfig, TestConfig
from tests.support import dispose, login

PAGES = ["/", "/circles", "/login", "/no-such-page", "/admin/registrant/", "/admin/facility/"]


def policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d.partition(" ")[2] for d in (p.strip() for p in header.split(";"))}


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_a_nonce_policy_that_its_own_scripts_carry(login_as, url):
    client = login_as("staff1")
    first, second = client.get(url), client.get(url)
    rules = policy(first)
    nonce = re.fullmatch(r"'self' 'nonce-([\w-]{20,})'", rules["script-src"]).group(1)
    assert nonce not in policy(second)["script-src"]  # one per response
    assert "unsafe-inline" not in first.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in first.headers["Content-Security-Policy"]
    assert rules["object-src"] == rules["base-uri"] == rules["frame-ancestors"] == "'none'"
    html = first.get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert all(f'nonce="{nonce}"' in tag for tag in scripts), scripts
    assert not re.search(r"\son[a-z]+=", html)  # no inline handler the policy would block
    assert "javascript:" not in html


def test_print_pages_carry_the_nonce_and_a_bound_print_button(login_as, full_demo):
    client = login_as("staff1")
    listing = client.get("/admin/registrant/").get_data(as_text=True)
    record = re.search(r'href="(/admin/registrant/details/\?id=\d+)', listing).group(1)
    details = client.get(record.replace("&amp;", "&")).get_data(as_text=True)
    printable = re.search(r'href="([^"]*(?:form|print)[^"]*)"', details).group(1)
    response = client.get(printable.replace("&amp;", "&"))
    nonce = policy(response)["script-src"].split("'nonce-")[1].rstrip("'")
    html = response.get_data(as_text=True)
    assert f'nonce="{nonce}"' in html and "data-print" in html and "onclick" not in html


def test_no_hsts_and_a_plain_cookie_name_outside_production(client):
    response = client.get("/login")
    assert "Strict-Transport-Security" not in response.headers
    assert "fbo_session=" in response.headers["Set-Cookie"]


def test_production_sends_hsts_and_a_host_only_secure_session_cookie(demo):
    config = type(
        "ProductionLike",
        (TestConfig,),
        {
            "APP_ENV": "production",
            "SESSION_COOKIE_SECURE": True,
            "SESSION_COOKIE_NAME": ProductionConfig.SESSION_COOKIE_NAME,
            "HSTS_SECONDS": ProductionConfig.HSTS_SECONDS,
        },
    )
    app = create_app(config)
    try:
        client = app.test_client()
        client.environ_base["wsgi.url_scheme"] = "https"
        response = client.get("/login")
        assert response.headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains"
        )
        cookie = response.headers["Set-Cookie"]
        assert cookie.startswith("__Host-fbo_session=")
        assert "Secure" in cookie and "Path=/" in cookie and "HttpOnly" in cookie
        assert "Domain" not in cookie
        client.environ_base["HTTP_REFERER"] = "https://localhost/login"
        assert login(client, "staff1").status_code == 302  # the cookie works over HTTPS
        assert client.get("/admin/").status_code == 200
    finally:
        dispose(app)


def test_the_access_logs_fail_closed_answer_carries_the_headers(login_as, monkeypatch):
    """What cannot be logged is not shown (503) — and that answer is as hardened as any."""
    client = login_as("staff1")

    def unwritable(*args, **kwargs):
        raise RuntimeError("log store gone")

    monkeypatch.setattr("admin_app.audit.append", unwritable)
    response = client.get("/admin/registrant/")
    assert response.status_code == 503
    assert "'nonce-" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"
