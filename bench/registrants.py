"""Benchmark: registrant list, search, detail and import at scale.

Builds its own SQLite database in a temporary folder (or uses BENCH_DATABASE_URL), loads
N registrants (default 100,000), then times the pages through the real app with the test
client, logged in as counter staff. Prints the median and 95th percentile per page.

    .venv/bin/python bench/registrants.py [N]
"""

import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import analyze, bench_database, built_app, timed  # noqa: E402

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
IMPORT_ROWS = 10_000
REPEAT = 30


def build(app) -> None:
    from sqlalchemy import insert, select

    from admin_app.demo.loader import load_demo_data
    from admin_app.extensions import db
    from models import Facility, Registrant, RegistrationCounter
    from models.clock import now_utc

    load_demo_data(with_registrants=False)
    facilities = db.session.scalars(select(Facility)).all()
    kana = (
        "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"
    )
    rows, counters = [], {}
    confirmed = now_utc()  # benchmark rows stand for confirmed registrations
    for n in range(N):
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
                "name": f"{k}の会{n}",
                "name_kana": f"{k}ノカイ",
                "representative_name": "代表 太郎",
                "representative_kana": "ダイヒョウ タロウ",
                "postal_code": "1890014",
                "address": "東村山市本町1丁目",
                "phone": f"042-39{n % 10}-{n % 10000:04d}",
                "phone_digits": f"04239{n % 10}{n % 10000:04d}",
            }
        )
    for start in range(0, N, 10_000):
        db.session.execute(insert(Registrant), rows[start : start + 10_000])
    for series, last in counters.items():
        db.session.merge(RegistrationCounter(series=series, last_value=last))
    db.session.commit()
    analyze()


def main() -> None:
    bench_database("bench-registrants-")
    from admin_app.extensions import db
    from models import Registrant
    from tests.support import login

    app = built_app(build, f"{N:,} registrants")
    with app.app_context():
        some_id = db.session.query(Registrant.id).filter(Registrant.facility_id == 1).first()[0]
    client = app.test_client()
    login(client, "chief1")
    pages = {
        "list (first page, 五十音順)": "/admin/registrant/",
        "list page 100": "/admin/registrant/?page=100",
        "search furigana prefix": "/admin/registrant/?search=カキ",
        "search hiragana": "/admin/registrant/?search=さし",
        "search phone prefix": "/admin/registrant/?search=0423951",
        "search registration number": "/admin/registrant/?search=K-000123",
        "search name (kanji)": "/admin/registrant/?search=アイウの会1",
        "detail": f"/admin/registrant/details/?id={some_id}",
    }
    print(f"{'page':<32} {'median ms':>10} {'p95 ms':>8}")
    for name, url in pages.items():
        median, p95 = timed(client, url)
        print(f"{name:<32} {median:>10.1f} {p95:>8.1f}")

    # Import: 10,000 rows through the same checks as the form.
    from admin_app.imports.registrants import import_registrants

    header = (
        "facility,kind,name,name_kana,representative_name,representative_kana,"
        "postal_code,address,phone,email,birth_date,activity,registered_on\n"
    )
    body = "".join(
        f"中央公民館,団体,移行{i}の会,イコウノカイ,代表 花子,ダイヒョウ ハナコ,189-0014,"
        f"東村山市本町1-{i % 50},042-393-{i % 10000:04d},,,合唱,2024-04-01\n"
        for i in range(IMPORT_ROWS)
    )
    with app.app_context():
        from sqlalchemy import select

        from models import StaffUser

        clerk = db.session.scalar(select(StaffUser).where(StaffUser.login == "staff1"))
        started = time.perf_counter()
        result = import_registrants((header + body).encode("utf-8"), clerk)
        db.session.commit()
        elapsed = time.perf_counter() - started
    assert result.imported == IMPORT_ROWS, result.errors[:5]
    print(f"import {IMPORT_ROWS:,} rows: {elapsed:.2f} s")
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
