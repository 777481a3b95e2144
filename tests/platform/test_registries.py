"""Each domain contributes its pieces to the shared registries (permission rules, views,
labels, CLI commands, daily jobs, demo data): a domain that forgets one fails here."""

import re
from pathlib import Path

import pytest
from flask import Flask
from flask_admin import Admin

import admin_app.cli
import admin_app.demo.loader
import admin_app.jobs
import admin_app.permissions
import views
import views.labels
from admin_app.permissions import Rule, gather
from admin_app.permissions.rules import PUBLIC
from tests.support import login

ROOT = Path(__file__).resolve().parents[2]
# Domains whose screens are still to come: they add none (and must add none until listed off).
NO_SCREENS_YET: set[str] = set()
# The domains: platform (shared) and every package under models/.
DOMAINS = {"platform"} | {p.parent.name for p in (ROOT / "models").glob("*/__init__.py")}

REGISTRIES = {
    "admin_app/permissions": admin_app.permissions.DOMAINS,
    "views": views.DOMAINS,
    "views/labels": views.labels.DOMAINS,
    "admin_app/cli": admin_app.cli.DOMAINS,
    "admin_app/jobs.py": admin_app.jobs.DOMAINS,
    "admin_app/demo/loader.py": admin_app.demo.loader.DOMAINS,
}


def test_the_domains_are_the_model_packages_and_platform():
    assert DOMAINS == {"platform", "staff", "registration", "public", "access_log", "reservation"}


@pytest.mark.parametrize("registry", REGISTRIES)
def test_every_registry_names_every_domain(registry):
    named = {entry[0] for entry in REGISTRIES[registry]}
    assert named == DOMAINS, f"{registry}: missing {DOMAINS - named}, unknown {named - DOMAINS}"


def test_every_domain_has_its_views_package():
    assert {p.parent.name for p in (ROOT / "views").glob("*/__init__.py")} - {
        "labels"
    } == DOMAINS - {"platform"}


def test_an_endpoint_two_domains_classify_is_refused():
    rule = Rule(PUBLIC, None)
    with pytest.raises(ValueError, match=r"by staff and platform: x\.index"):
        gather((("platform", {"x.index": rule, "y": rule}), ("staff", {"x.index": rule})))
    assert gather((("platform", {"y": rule}), ("staff", {"x": rule}))) == {"y": rule, "x": rule}


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_the_screens_a_domain_adds_are_classified_by_its_own_rules(domain):
    rules = dict(admin_app.permissions.DOMAINS)[domain]
    app = Flask(__name__)
    admin = Admin(app, url="/admin")
    before = {r.endpoint for r in app.url_map.iter_rules()}
    for name, add_views in views.DOMAINS:
        if name == domain:
            add_views(admin)
    added = {r.endpoint for r in app.url_map.iter_rules()} - before
    assert bool(added) != (domain in NO_SCREENS_YET)
    assert sorted(added - set(rules)) == []


def test_the_registrations_menu_keeps_its_order_across_domains(client, demo):
    """Registration's screens, the talent bank (public) after them, the inventory last."""
    login(client, "staff1")
    page = client.get("/admin/").get_data(as_text=True)
    menu = re.findall(
        r'href="/admin/(registrant|change_notice|talent_entry|inventory)/"',
        page[: page.index("</nav>")],
    )
    assert menu == ["registrant", "change_notice", "talent_entry", "inventory"]
