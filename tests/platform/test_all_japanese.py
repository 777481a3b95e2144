"""Every back-office page, as each demo role reads it in Japanese, has no English word outside
the data it shows: each menu page, one record of each list and each list's form."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import select

from admin_app.extensions import db
from models import Section, StaffUser

LOGINS = ["staff1", "staff2", "chief1", "it1", "contractor1", "records1", "auditor1"]

# The language switch, and words that are Japanese usage too: file types, abbreviations.
ALLOWED = {"English", "CSV", "PDF", "URL", "Excel", "UTF", "BOM", "IT", "FAX", "Wi-Fi", "Fi"}
ENGLISH = re.compile(r"[A-Za-z]{3,}")
# Data, not wording: e-mail addresses, URLs, host names, registration numbers and hashes.
DATA = re.compile(
    r"[\w.+-]+@[\w.-]+|https?://\S+|\b[\w-]+(?:\.[\w-]+)+\b|\b[0-9a-f]{16,}\b|\b[A-Z]+-?\d[\w-]*"
)


VOID = {"input", "br", "img", "hr", "meta", "link"}


class VisibleText(HTMLParser):
    """The text a reader sees: no <script>, <style>, element hidden by `d-none` (Flask-Admin's
    data for its scripts, inline-form templates) or attribute value."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0
        self.links: list[str] = []
        self.open: list[str] = []  # tags of the hidden elements that are open, nested alike

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag in ("script", "style") or (self.open and tag == self.open[-1]):
            self.hidden += 1
            self.open.append(tag)
        elif "d-none" in classes and tag not in VOID:
            self.hidden += 1
            self.open.append(tag)
        if tag == "a":
            self.links += [v for k, v in attrs if k == "href" and v]

    def handle_endtag(self, tag: str) -> None:
        if self.open and tag == self.open[-1]:
            self.open.pop()
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def english_words(html: str, data: set[str]) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    text = DATA.sub(" ", " ".join(parser.parts))
    for value in sorted(data, key=len, reverse=True):
        text = re.sub(rf"(?<![A-Za-z]){re.escape(value)}(?![A-Za-z])", " ", text)
    return {w for w in ENGLISH.findall(text) if w not in ALLOWED}


ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def iso_dates(html: str) -> set[str]:
    """Dates written 2026-11-26 (with or without a time) where staff read 2026/11/26."""
    parser = VisibleText()
    parser.feed(html)
    return set(ISO_DATE.findall(" ".join(parser.parts)))


def links(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.links


def pages_of(client) -> list[str]:
    """The role's menu pages, then the first record, the create form and the first edit form
    each list links to."""
    home = client.get("/admin/").get_data(as_text=True)
    nav = home.split('id="admin-navbar-collapse"', 1)[1].split("</nav>", 1)[0]
    menu = list(
        dict.fromkeys(
            h
            for h in links(nav)
            if h.startswith("/admin/") and "logout" not in h and "lang=" not in h
        )
    )
    pages = ["/admin/", *menu]
    for url in menu:
        found = links(client.get(url).get_data(as_text=True))
        for kind in ("/details/?", "/new/?", "/edit/?"):
            first = next((h for h in found if kind in h and urlsplit(h).path.startswith(url)), None)
            if first:
                pages.append(urljoin(url, first))
    return list(dict.fromkeys(pages))


@pytest.fixture
def data_values(app, full_demo) -> set[str]:
    """Login IDs, section codes and the database's name: data that is English by nature."""
    with app.app_context():
        values = [
            *db.session.scalars(select(StaffUser.login)),
            *db.session.scalars(select(Section.code)),
            db.engine.dialect.name,
        ]
    return set(values)


@pytest.mark.parametrize("login_id", LOGINS)
def test_every_page_a_role_reaches_reads_in_japanese(app, data_values, login_as, login_id):
    client = login_as(login_id)
    found = {}
    for url in pages_of(client):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        words = english_words(html, data_values)
        words |= iso_dates(html)
        if "移動»" in html:  # Flask-Admin's catalogue's word for the record page's filter
            words.add("移動»")
        if words:
            found[url] = sorted(words)
    assert not found, "\n".join(f"{url}: {' '.join(words)}" for url, words in found.items())


def test_the_check_finds_english_words_but_not_data():
    html = (
        "<p>状態: revoked <b>True</b> a@b.jp HE-2026-0001 CSV</p>"
        '<script>var x = "English"</script><a title="English">登録</a>'
    )
    assert english_words(html, set()) == {"revoked", "True"}
    assert iso_dates("<td>2026-11-26 12:46:22.243610+00:00</td><td>2026/11/26</td>") == {
        "2026-11-26"
    }
