"""Demo talent-bank entries 人材バンク in every state: consented or not, contact public or
not, current, expired and not yet begun, confirmed recently or over a year ago."""

from datetime import timedelta

from admin_app.demo.registration import demo_start, person_name
from admin_app.extensions import db
from models.public.talent import TalentEntry, TalentField, end_of_fiscal_year

OFFERS = [
    (TalentField.EDUCATION, "小学生の算数・国語の学習支援", "教員免許（小学校）"),
    (TalentField.EDUCATION, "パソコン・スマートフォンの使い方講座", ""),
    (TalentField.CULTURE, "茶道の基本と作法", "裏千家 准教授"),
    (TalentField.CULTURE, "着付け教室", "着付け技能士2級"),
    (TalentField.ARTS, "水彩画・スケッチの指導", ""),
    (TalentField.ARTS, "ピアノ・合唱の伴奏と指導", "音楽大学卒"),
    (TalentField.SPORTS, "ソフトテニスの技術指導", "日本スポーツ協会 公認指導員"),
    (TalentField.SPORTS, "高齢者向け健康体操", "健康運動指導士"),
    (TalentField.SKILLS, "木工・家具の簡単な修理", "二級建築士"),
    (TalentField.SKILLS, "家庭菜園・園芸の相談", ""),
]
AREAS = ["市内全域", "本町・久米川町周辺", "秋津町周辺", "萩山町・美住町", "廻田町・多摩湖町"]
CONDITIONS = ["謝礼不要（材料費のみ実費）", "謝礼は応相談", "交通費のみ", "1回2,000円程度"]


def load_demo_talent(count: int = 40, seed: int = 2027) -> int:
    """Add demo entries unless some exist already; return how many were added."""
    start_with = demo_start(TalentEntry, seed)
    if start_with is None:
        return 0
    fake, rng, today, facilities = start_with
    for n in range(count):
        field, offer, qualification = OFFERS[n % len(OFFERS)]
        name, kana = person_name(fake)
        state = n % 8
        registered = today - timedelta(days=rng.randint(30, 900))
        expires = end_of_fiscal_year(today)
        if state == 6:  # ended last fiscal year
            expires = end_of_fiscal_year(today - timedelta(days=366))
            registered = expires - timedelta(days=rng.randint(100, 300))
        elif state == 7:  # begins next month
            registered = today + timedelta(days=20)
        entry = TalentEntry(
            facility=facilities[n % len(facilities)],
            field=field,
            name=name,
            display_name=f"{name.split()[0]}先生" if n % 3 == 0 else name,
            display_kana=f"{kana.split()[0]}センセイ" if n % 3 == 0 else kana,
            offer=offer,
            area=rng.choice(AREAS),
            conditions=rng.choice(CONDITIONS),
            qualifications=qualification or None,
            phone=f"042-39{n % 10}-{1000 + n:04d}",
            email=f"talent{n}@example.jp" if n % 2 else None,
            registered_on=registered,
            expires_on=expires,
            # not consented (state 5): kept for the facility, never listed
            publish_consent_on=None if state == 5 else registered,
            contact_consent=state in (0, 2, 4),
            confirmed_on=registered
            if state == 3
            else max(registered, today - timedelta(days=rng.randint(0, 200))),
        )
        db.session.add(entry)
    db.session.flush()
    return count


def load_demo_public() -> dict[str, int]:
    """The talent bank's entries; count what was added."""
    return {"talent-bank entries": load_demo_talent()}
