"""Public pages: rendered once per version of what they show, revalidated by every browser.

A page's key is the public version stamp (bumped in the same transaction as any staff change
to a published record, models.public.publication), the Japan date (entries begin and expire at
00:00 Asia/Tokyo), the language and the validated search. The same key is the ETag: a browser
that has the page gets 304 without anything being rendered, and a changed or expired entry
changes the key at once — in every worker, with no cache to clear.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime, time

from flask import Response, request
from werkzeug.http import is_resource_modified

from admin_app import select_locale  # the language this request is served in
from admin_app.extensions import cache
from models.clock import JST, today_local
from models.public.version import current_version


def public_page(name: str, render: Callable[[], str], since: datetime | None = None) -> Response:
    """The page `name` (endpoint and validated query), from the cache when it is current.

    A page that also changes with the hour (past slots of the availability calendar) puts the
    hour in `name` and its start in `since`, so Last-Modified moves with the ETag."""
    version, changed_at = current_version()
    day = today_local()
    stamp = f"{version}.{changed_at.timestamp():.6f}"  # a re-created stamp never repeats
    key = f"public:{stamp}:{day.isoformat()}:{select_locale()}:{name}"
    etag = hashlib.sha256(key.encode()).hexdigest()[:32]
    # Last-Modified: the later of the last change and the start of today (expiries).
    midnight = datetime.combine(day, time(0), tzinfo=JST)
    modified = max(changed_at, midnight, since or midnight).replace(microsecond=0)
    response = Response(mimetype="text/html")
    response.set_etag(etag)
    response.last_modified = modified
    response.cache_control.no_cache = True  # store, but ask every time: always current
    response.cache_control.public = True
    if not is_resource_modified(request.environ, etag=etag, last_modified=modified):
        response.status_code = 304
        return response
    body = cache.get(key)
    if body is None:
        body = render()
        cache.set(key, body)
    response.set_data(body)
    return response
