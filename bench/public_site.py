"""Benchmark: the public circle and talent-bank lists under gunicorn, against a bare "hello"
route of the same app on the same server (target: lists at least half of hello's rate).

Builds its own database (temporary SQLite, or BENCH_DATABASE_URL for PostgreSQL) with 5,000
circles and 2,000 talent-bank entries (some not consented, some expired), serves the app with
gunicorn (BENCH_WORKERS, default 4) and loads each URL with wrk in interleaved rounds.

    .venv/bin/python bench/public_site.py
"""

import random
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import analyze, bench_database, built_app  # noqa: E402

CIRCLES, TALENTS = 5_000, 2_000


def build(app) -> None:
    from sqlalchemy import insert, select

    from admin_app.demo.loader import load_demo_data
    from admin_app.extensions import db
    from models import Facility, Registrant
    from models.clock import now_utc, today_local
    from models.public.talent import TalentEntry, TalentField
    from models.registration.registrant import CircleCategory, RegistrantKind

    load_demo_data(with_registrants=False)
    rng, today, now = random.Random(7), today_local(), now_utc()
    facilities = list(db.session.scalars(select(Facility.id)))
    kana = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロ"
    circles = []
    for n in range(CIRCLES):
        start = today - timedelta(days=rng.randint(0, 1000))
        name_kana = "".join(rng.choice(kana) for _ in range(6))
        circles.append(
            {
                "facility_id": rng.choice(facilities),
                "kind": RegistrantKind.GROUP,
                "number_series": "B",
                "registration_number": f"B-{n:06d}",
                "registered_on": start,
                "expires_on": start + timedelta(days=365 * 3),
                "name": f"サークル{name_kana}{n}",
                "name_kana": name_kana,
                "representative_name": "代表 者",
                "representative_kana": "ダイヒョウ シャ",
                "phone": "042-393-0000",
                "activity": rng.choice(["合唱", "書道", "卓球", "英会話", "囲碁"]) + "の活動",
                "schedule": "毎週火曜日 10:00〜12:00",
                "circle_category": rng.choice(list(CircleCategory)),
                "recruiting": rng.random() < 0.5,
                "publish_consent_on": start if rng.random() < 0.8 else None,
                "contact_consent": rng.random() < 0.4,
                "status": "active",
                "confirmed_at": now,
                "created_at": now,
                "updated_at": now,
            }
        )
    db.session.execute(insert(Registrant), circles)
    talents = [
        {
            "facility_id": rng.choice(facilities),
            "field": rng.choice(list(TalentField)),
            "registered_on": today - timedelta(days=rng.randint(0, 700)),
            "expires_on": today + timedelta(days=rng.randint(-100, 400)),
            "publish_consent_on": today - timedelta(days=800) if rng.random() < 0.8 else None,
            "contact_consent": rng.random() < 0.4,
            "name": f"本名{n}",
            "display_name": f"講師{n}",
            "display_kana": "".join(rng.choice(kana) for _ in range(5)),
            "offer": rng.choice(["水彩画", "ピアノ", "算数", "体操", "木工"]) + "の指導",
            "area": "市内全域",
            "phone": "042-393-0001",
            "created_at": now,
            "updated_at": now,
        }
        for n in range(TALENTS)
    ]
    db.session.execute(insert(TalentEntry), talents)
    db.session.commit()
    analyze()


def main() -> None:
    bench_database("bench-public-")
    from bench.load import against_hello, served

    app = built_app(build, f"{CIRCLES:,} circles and {TALENTS:,} talent-bank entries")
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with served("bench.served:create(hello=True)", url) as base:
        targets = {
            "hello": f"{base}/hello",
            "/circles": f"{base}/circles",
            "/circles?category&page=3": f"{base}/circles?category=sports&page=3",
            f"/circles?q={'合唱'}": f"{base}/circles?q={quote('合唱')}",
            "/talent-bank": f"{base}/talent-bank",
            "/talent-bank?category": f"{base}/talent-bank?category=arts",
        }
        against_hello(targets, app.config["SQLALCHEMY_DATABASE_URI"])


if __name__ == "__main__":
    main()
