"""Benchmark: our registrant list against a stock Flask-Admin ModelView over the same table,
mounted in the same app (login, permissions and the access log on for both), under gunicorn
(2 workers) and wrk (2 threads, 8 connections), measured in interleaved rounds.

Builds N registrants (default 100,000) in the facilities of the chief who is logged in, in a
fresh SQLite file (or BENCH_DATABASE_URL, e.g. a PostgreSQL database), then prints the
requests per second of each page and the three ratios of issue 16's "Lists faster than
stock": list page 1 ours/stock, substring search ours/stock's ILIKE, page 1000 / page 1.

    .venv/bin/python bench/list_speed.py [N]
"""

import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import analyze, bench_database, built_app  # noqa: E402

N = 100_000  # registrants, or the command line's number (read in main: gunicorn imports this)
LOGIN = "chief1"  # counter role over 公民館 facilities: every benchmark row is in scope
WORDS = ("ウォーキング同好会", "合唱団", "囲碁クラブ", "太極拳の会", "子ども食堂")
SEARCH = (
    "ウォーキング同好会1234"  # a word inside the name: 12340…12345 and 123400… (21 rows of 100,000)
)
STOCK = "stock_registrant"


def build(app, count: int = N) -> None:
    from sqlalchemy import insert, select

    from admin_app.demo.loader import load_demo_data
    from admin_app.extensions import db
    from models import Facility, Registrant, RegistrationCounter, StaffUser
    from models.clock import now_utc
    from models.staff.access import access_of

    load_demo_data(with_registrants=False)
    chief = db.session.scalar(select(StaffUser).where(StaffUser.login == LOGIN))
    scope = sorted(access_of(chief).facility_ids)
    facilities = db.session.scalars(select(Facility).where(Facility.id.in_(scope))).all()
    kana = (
        "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"
    )
    rows, counters = [], {}
    confirmed = now_utc()
    for n in range(count):
        f = facilities[n % len(facilities)]
        counters[f.number_prefix] = counters.get(f.number_prefix, 0) + 1
        k = kana[n % len(kana)] + kana[(n // 7) % len(kana)] + kana[(n // 49) % len(kana)]
        rows.append(
            {
                "facility_id": f.id,
                "kind": "group",
                "number_series": f.number_prefix,
                "registration_number": f"{f.number_prefix}-{counters[f.number_prefix]:06d}",
                "status": "active",
                "confirmed_at": confirmed,
                "registered_on": date(2025, 4, 1),
                "expires_on": date(2028, 3, 31) - timedelta(days=n % 900),
                "name": f"東村山{k}{WORDS[n % len(WORDS)]}{n}",
                "name_kana": f"{k}ノカイ",
                "representative_name": "代表 太郎",
                "representative_kana": "ダイヒョウ タロウ",
                "postal_code": "1890014",
                "address": "東村山市本町1丁目",
                "phone": f"042-39{n % 10}-{n % 10000:04d}",
                "phone_digits": f"04239{n % 10}{n % 10000:04d}",
                "activity": "毎週の練習と年一回の発表会",
            }
        )
    for start in range(0, count, 10_000):
        db.session.execute(insert(Registrant), rows[start : start + 10_000])
    for series, last in counters.items():
        db.session.merge(RegistrationCounter(series=series, last_value=last))
    db.session.commit()
    analyze()


def create_with_stock():
    """The benchmark app (access log on) plus a stock Flask-Admin ModelView over the same
    table at /admin/stock_registrant/, open to the same roles as ours (for gunicorn)."""
    from flask_admin.contrib.sqla import ModelView

    from admin_app.extensions import db
    from admin_app.permissions import COUNTER, REGISTRATIONS, TABLE, model_view
    from bench.served import create
    from models import Registrant

    class StockView(ModelView):
        page_size = 50  # as ours
        column_list = [
            "registration_number",
            "kind",
            "name",
            "name_kana",
            "facility",
            "phone",
            "expires_on",
            "status",
        ]
        column_searchable_list = ["registration_number", "name", "name_kana", "phone", "activity"]

    app = create(audit=True)
    TABLE.update(model_view(STOCK, name="stock", area=REGISTRATIONS, read=COUNTER))
    admin = app.extensions["admin"][0]
    view = StockView(Registrant, db.session, name="stock", endpoint=STOCK)
    admin.add_view(view)
    if STOCK not in app.blueprints:
        app.register_blueprint(view.create_blueprint(admin))
    return app


def main() -> None:
    os.environ.setdefault("BENCH_WORKERS", "2")
    n = int(sys.argv[1]) if len(sys.argv) > 1 else N
    bench_database("bench-list-speed-")
    import requests

    from bench.load import WORKERS, compare, served, session_cookie
    from tests.support import DEMO_PASSWORD

    app = built_app(lambda a: build(a, n), f"{n:,} registrants")
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    dialect = url.split(":")[0]
    with served("bench.list_speed:create_with_stock()", url, workers=WORKERS) as base:
        headers = {"Cookie": session_cookie(base, LOGIN, DEMO_PASSWORD)}
        ours, stock = f"{base}/admin/registrant/", f"{base}/admin/{STOCK}/"
        targets = {
            "ours list page 1": ours,
            "stock list page 1": stock,
            "ours search": f"{ours}?search={quote(SEARCH)}",
            "stock search (ILIKE)": f"{stock}?search={quote(SEARCH)}",
            "ours page 1000": f"{ours}?page=999",
            "stock page 1000": f"{stock}?page=999",
        }
        single = {}
        for name, target in targets.items():  # each answers, and finds what it should
            started = time.perf_counter()
            response = requests.get(target, headers=headers, timeout=120)
            single[name] = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (name, response.status_code)
            if "search" in name:
                assert f"{SEARCH}5" in response.text, name  # the box shows SEARCH itself
        rates = compare({name: (target, headers) for name, target in targets.items()})
    print(f"{n:,} registrants, {dialect}, gunicorn -w{WORKERS}, wrk -t2 -c8, 50 rows a page")
    print(f"{'page':<24} {'req/s':>8} {'one request ms':>15}")
    for name, rate in rates.items():
        print(f"{name:<24} {rate:>8.1f} {single[name]:>15.1f}")
    r = rates
    ratios = (
        ("list page 1, ours / stock", r["ours list page 1"] / r["stock list page 1"], ">= 2"),
        ("search, ours / stock ILIKE", r["ours search"] / r["stock search (ILIKE)"], ">= 10"),
        ("page 1000 / page 1, ours", r["ours page 1000"] / r["ours list page 1"], ">= 0.67"),
    )
    for what, ratio, goal in ratios:
        print(f"{what:<28} {ratio:>6.2f}  (goal {goal})")
    with app.app_context():
        from admin_app.extensions import db

        db.engine.dispose()


if __name__ == "__main__":
    main()
