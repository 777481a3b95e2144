"""The public site residents browse without logging in: circles and the talent bank."""

from collections.abc import Callable
from datetime import date
from enum import Enum

from flask import Blueprint, Response, abort, render_template, request

from admin_app.public_cache import public_page
from models.clock import today_local
from models.public import listing
from models.public.talent import TalentField
from models.registration.registrant import CircleCategory
from views.labels import choices, label

bp = Blueprint("public", __name__)


@bp.route("/")
def index() -> Response:
    return public_page("index", lambda: render_template("public/index.html"))


def _query(categories: type[Enum], with_facility: bool = False) -> listing.ListQuery:
    try:
        return listing.parse_query(request.args, categories, with_facility)
    except listing.BadQuery:
        abort(400)


@bp.route("/circles")
def circles() -> Response:
    query = _query(CircleCategory, with_facility=True)

    def render() -> str:
        day = today_local()
        return render_template(
            "public/circles.html",
            page=listing.circles(query, day),
            query=query,
            categories=choices(CircleCategory),
            facilities=listing.circle_facilities(day),
            label=label,
        )

    return public_page(f"circles:{query.cache_key()}", render)


@bp.route("/circles/<int:circle_id>")
def circle(circle_id: int) -> Response:
    return _detail("circle", circle_id, listing.circle, "public/circle.html")


@bp.route("/talent-bank")
def talents() -> Response:
    query = _query(TalentField)

    def render() -> str:
        return render_template(
            "public/talents.html",
            page=listing.talents(query, today_local()),
            query=query,
            categories=choices(TalentField),
            label=label,
        )

    return public_page(f"talents:{query.cache_key()}", render)


@bp.route("/talent-bank/<int:entry_id>")
def talent(entry_id: int) -> Response:
    return _detail("talent", entry_id, listing.talent, "public/talent.html")


def _detail(
    name: str, record_id: int, fetch: Callable[[int, date], object | None], template: str
) -> Response:
    """One listed entry; 404 (in Japanese) when it is not listed today or does not exist."""
    if not 0 < record_id < 2**31:  # no such record; never a number the database rejects
        abort(404)

    def render() -> str:
        entry = fetch(record_id, today_local())
        if entry is None:
            abort(404)
        return render_template(template, entry=entry, label=label)

    return public_page(f"{name}:{record_id}", render)
