"""Health for monitoring and a load balancer: /healthz (the process answers) and /readyz (it
can serve: database reachable, schema at the migrations' head, Redis reachable where the
login throttle keeps its counters there). 503 with the reason otherwise."""

from flask import Blueprint
from flask.typing import ResponseReturnValue

from admin_app.readiness import problems

bp = Blueprint("health", __name__)


NOT_CACHED = {"Cache-Control": "no-store"}  # a proxy never answers for this process


@bp.route("/healthz")
def healthz() -> ResponseReturnValue:
    return {"status": "ok"}, 200, NOT_CACHED


@bp.route("/readyz")
def readyz() -> ResponseReturnValue:
    if found := problems():
        return {"status": "unavailable", "problems": found}, 503, NOT_CACHED
    return {"status": "ok"}, 200, NOT_CACHED
