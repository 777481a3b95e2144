"""Locust users of the city's system: counter staff, section chiefs and residents.

Driven by bench/locust_load.py, which prepares the database and the servers and sets:
  BENCH_HOSTS         comma-separated base URLs of the app servers; every request goes to the
                      next one in turn (what a round-robin load balancer does: one origin to
                      the browser, cookies shared, since cookies ignore the port)
  BENCH_CA            the servers' self-signed certificate, verified like any other
  BENCH_POOL          JSON from the driver: per counter login, the registrants it handles
                      ("details"), those that may take a change notice now ("notice"; each
                      used once, so that no two users file notices for one registrant) and
                      search words ("search")
  BENCH_PASSWORD      the demo logins' password

Every staff user logs in once through the login form (CSRF token from the page) and keeps its
session; sessions of the same demo login are independent, as at several desks. A request
counts as failed unless it answers what a person would see working: 200 for a page, 302 for
a form that was accepted (a form shown again with an error is a failure).
"""

import itertools
import json
import os
import random
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from locust import HttpUser, between, task

HOSTS = [h.rstrip("/") for h in os.environ.get("BENCH_HOSTS", "https://127.0.0.1:5000").split(",")]
CA = os.environ.get("BENCH_CA") or True
PASSWORD = os.environ.get("BENCH_PASSWORD", "demo-password-2026")
POOL = json.loads(open(os.environ["BENCH_POOL"]).read()) if os.environ.get("BENCH_POOL") else {}

_hosts = itertools.cycle(HOSTS)
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
CIRCLE_LINK = re.compile(r'href="/circles/(\d+)"')
TALENT_LINK = re.compile(r'href="/talent-bank/(\d+)"')
CIRCLE_CATEGORIES = ["culture", "arts", "sports", "learning", "welfare", "children", "other"]
PUBLIC_WORDS = ["会", "クラブ", "教室", "サークル", "太極拳", "コーラス"]


def failure(response) -> str:
    """What went wrong: no answer at all (status 0: the exception), or the unexpected one."""
    if response.status_code == 0:
        return f"no response: {response.error!r}"
    return f"{response.status_code} {response.headers.get('Location', '')}".strip()


class Visitor(HttpUser):
    abstract = True
    host = HOSTS[0]

    def on_start(self) -> None:
        self.client.verify = CA

    def page(self, path: str, name: str | None = None) -> str:
        """GET `path` from the next server; anything but 200 is a failure."""
        url = next(_hosts) + path
        with self.client.get(
            url, name=name or path, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(failure(response))
            return response.text

    def submit(self, form_path: str, data: dict, name: str, post_path: str | None = None):
        """Open the form at `form_path`, post it (to `post_path`) with the page's CSRF token
        and the Referer a browser sends; returns the redirect's Location ('' when refused)."""
        token = CSRF.search(self.page(form_path, name=f"{name} (form)"))
        if token is None:  # the form did not open (counted above): nothing to post
            return ""
        base = next(_hosts)
        with self.client.post(
            base + (post_path or form_path),
            data={**data, "csrf_token": token.group(1)},
            headers={"Referer": base + form_path},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(failure(response))
                return ""
            return response.headers["Location"]


class Staff(Visitor):
    abstract = True
    logins: list[str] = []

    def on_start(self) -> None:
        super().on_start()
        self.login = random.choice(self.logins)
        where = self.submit(
            "/login", {"login": self.login, "password": PASSWORD}, name="/login", post_path="/login"
        )
        if not where:
            raise RuntimeError(f"{self.login} could not log in")


class CounterStaff(Staff):
    """A clerk at a facility's counter: lists, searches, opens registrants, enters notices."""

    weight = 6
    wait_time = between(2, 6)
    logins = ["staff1", "staff2"]

    def on_start(self) -> None:
        super().on_start()
        self.pool = POOL.get(self.login, {"details": [], "notice": [], "search": []})

    @task(4)
    def registrant_list(self) -> None:
        self.page("/admin/registrant/")

    @task(1)
    def registrant_list_next_page(self) -> None:
        self.page("/admin/registrant/?page=1", name="/admin/registrant/?page=[n]")

    @task(4)
    def search(self) -> None:
        if self.pool["search"]:
            word = random.choice(self.pool["search"])
            self.page(f"/admin/registrant/?search={word}", name="/admin/registrant/?search=[word]")

    @task(5)
    def registrant_details(self) -> None:
        if self.pool["details"]:
            rid = random.choice(self.pool["details"])
            self.page(f"/admin/registrant/details/?id={rid}", name="/admin/registrant/details/")

    @task(2)
    def notice_queue(self) -> None:
        self.page("/admin/change_notice/")

    @task(1)
    def facilities(self) -> None:
        self.page("/admin/facility/")

    @task(1)
    def enter_change_notice(self) -> None:
        """Receive a 変更届 at the counter, then enter its new phone number."""
        if not self.pool["notice"]:
            return
        rid = self.pool["notice"].pop()  # shared list: each registrant once, in any user
        today = datetime.now(ZoneInfo("Asia/Tokyo")).date().isoformat()
        where = self.submit(
            f"/admin/change_notice/receive/?registrant_id={rid}",
            {"notice_type": "change", "received_on": today, "received_via": "counter"},
            name="/admin/change_notice/receive/",
        )
        if "id=" not in where:
            return
        notice = where.rsplit("id=", 1)[1]
        phone = f"090-{random.randint(1000, 9999)}-{random.randint(1000, 9999)}"
        self.submit(
            f"/admin/change_notice/enter/?id={notice}",
            {"phone": phone},
            name="/admin/change_notice/enter/",
        )
        details = f"/admin/change_notice/details/?id={notice}"
        self.page(details, name="/admin/change_notice/details/")


class Chief(Staff):
    """A section chief reviewing the access log of the section."""

    weight = 1
    wait_time = between(3, 8)
    logins = ["chief1", "chief2", "chief3"]

    @task(4)
    def access_log(self) -> None:
        self.page("/admin/access_log/")

    @task(2)
    def access_log_views_only(self) -> None:
        self.page("/admin/access_log/?action=view", name="/admin/access_log/?action=[a]")

    @task(1)
    def review_status(self) -> None:
        self.page("/admin/log_review/")


class Resident(Visitor):
    """A resident on the public site: circles and the talent bank."""

    weight = 3
    wait_time = between(2, 6)

    def on_start(self) -> None:
        super().on_start()
        self.circles: list[str] = []
        self.talents: list[str] = []

    @task(2)
    def home(self) -> None:
        self.page("/")

    @task(4)
    def circles_list(self) -> None:
        html = self.page("/circles")
        self.circles = CIRCLE_LINK.findall(html) or self.circles

    @task(2)
    def circles_search(self) -> None:
        category = random.choice(CIRCLE_CATEGORIES)
        self.page(f"/circles?category={category}", name="/circles?category=[c]")
        self.page(f"/circles?q={random.choice(PUBLIC_WORDS)}", name="/circles?q=[word]")

    @task(4)
    def circle(self) -> None:
        if self.circles:
            self.page(f"/circles/{random.choice(self.circles)}", name="/circles/[id]")

    @task(2)
    def talent_bank(self) -> None:
        html = self.page("/talent-bank")
        self.talents = TALENT_LINK.findall(html) or self.talents

    @task(2)
    def talent(self) -> None:
        if self.talents:
            self.page(f"/talent-bank/{random.choice(self.talents)}", name="/talent-bank/[id]")
