"""Demo registrants: a few hundred individuals and groups across the facilities, in every state
(waiting for confirmation, current, expiring within two months, expired, erased), with
eligibility checks and rosters. Each is entered by counter staff and confirmed by the section's
chief through the same trail as at the counter (models.registration.trail)."""

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from faker import Faker
from sqlalchemy import func, select

from admin_app.demo.guard import refuse_in_production
from admin_app.extensions import db
from models import EligibilityBasis, EligibilityCheck, Registrant, RegistrantKind, Roster
from models.clock import JST, today_local
from models.organisation import Facility
from models.registration.change_notice import (
    ChangeNotice,
    NoticeType,
    ReceivedVia,
    confirm_notice,
    decide_against,
    enter,
    receive,
)
from models.registration.erasure import erase_due
from models.registration.registrant import CircleCategory, expire_due
from models.registration.trail import confirm_registration, register
from models.staff.access import access_of
from models.staff.accounts import StaffUser

TOWNS = [
    "本町",
    "久米川町",
    "秋津町",
    "青葉町",
    "萩山町",
    "富士見町",
    "美住町",
    "廻田町",
    "多摩湖町",
    "野口町",
    "諏訪町",
    "恩多町",
    "栄町",
]
CIRCLES = [
    ("コーラス", "合唱の練習と年2回の発表会"),
    ("書道", "毛筆・硬筆の練習"),
    ("太極拳", "健康づくりのための太極拳"),
    ("囲碁", "囲碁の対局と初心者指導"),
    ("俳句", "句会と吟行"),
    ("水彩画", "風景画の写生と作品展"),
    ("手芸", "編み物と刺し子"),
    ("英会話", "日常英会話の練習"),
    ("フラダンス", "フラダンスの練習と発表"),
    ("将棋", "対局と子ども将棋教室"),
    ("卓球", "卓球の練習と市民大会参加"),
    ("バドミントン", "初心者歓迎のバドミントン"),
    ("写真", "撮影会と写真展"),
    ("郷土史", "東村山の歴史の調査と見学会"),
    ("ヨガ", "やさしいヨガ"),
]
SUFFIXES = ["の会", "クラブ", "サークル", "同好会", "友の会"]
KANA_OF = {
    "コーラス": "コーラス",
    "書道": "ショドウ",
    "太極拳": "タイキョクケン",
    "囲碁": "イゴ",
    "俳句": "ハイク",
    "水彩画": "スイサイガ",
    "手芸": "シュゲイ",
    "英会話": "エイカイワ",
    "フラダンス": "フラダンス",
    "将棋": "ショウギ",
    "卓球": "タッキュウ",
    "バドミントン": "バドミントン",
    "写真": "シャシン",
    "郷土史": "キョウドシ",
    "ヨガ": "ヨガ",
    "の会": "ノカイ",
    "クラブ": "クラブ",
    "サークル": "サークル",
    "同好会": "ドウコウカイ",
    "友の会": "トモノカイ",
}
AREA_KANA = {
    "本町": "ホンチョウ",
    "久米川": "クメガワ",
    "秋津": "アキツ",
    "青葉": "アオバ",
    "萩山": "ハギヤマ",
    "富士見": "フジミ",
    "美住": "ミスミ",
    "廻田": "メグリタ",
    "多摩湖": "タマコ",
    "野口": "ノグチ",
    "諏訪": "スワ",
    "恩多": "オンタ",
    "栄": "サカエ",
}


def person_name(fake: Faker) -> tuple[str, str]:
    """A Japanese name and its furigana."""
    last, last_kana, _ = fake.last_name_pair()
    first, first_kana, _ = fake.first_name_pair()
    return f"{last} {first}", f"{last_kana} {first_kana}"


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"042-39{rng.randint(0, 9)}-{rng.randint(0, 9999):04d}"
    return f"0{rng.choice('789')}0-{rng.randint(1000, 9999)}-{rng.randint(0, 9999):04d}"


def _address(rng: random.Random) -> tuple[str, str]:
    town = rng.choice(TOWNS)
    return (
        f"18900{rng.randint(1, 26):02d}",
        f"東村山市{town}{rng.randint(1, 5)}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号",
    )


CATEGORY_OF = {
    "コーラス": CircleCategory.ARTS,
    "書道": CircleCategory.CULTURE,
    "太極拳": CircleCategory.SPORTS,
    "囲碁": CircleCategory.CULTURE,
    "俳句": CircleCategory.CULTURE,
    "水彩画": CircleCategory.ARTS,
    "手芸": CircleCategory.CULTURE,
    "英会話": CircleCategory.LEARNING,
    "フラダンス": CircleCategory.ARTS,
    "将棋": CircleCategory.CHILDREN,
    "卓球": CircleCategory.SPORTS,
    "バドミントン": CircleCategory.SPORTS,
    "写真": CircleCategory.ARTS,
    "郷土史": CircleCategory.LEARNING,
    "ヨガ": CircleCategory.SPORTS,
}
WEEKDAYS = "月火水木金土日"


def _circle_listing(
    registrant: Registrant, topic: str, start: date, today: date, rng: random.Random
) -> None:
    """Public circle fields in every state: listed or not, contact public or not, confirmed
    recently or more than a year ago."""
    registrant.circle_category = CATEGORY_OF[topic]
    hour = rng.choice([9, 10, 13, 14, 18, 19])
    registrant.schedule = (
        f"毎週{rng.choice(WEEKDAYS)}曜日 {hour}:00〜{hour + 2}:00"
        if rng.random() < 0.7
        else f"第1・第3{rng.choice(WEEKDAYS)}曜日 {hour}:30〜{hour + 2}:30"
    )
    registrant.recruiting = rng.random() < 0.5
    if rng.random() < 0.75:  # consented to be listed
        registrant.publish_consent_on = start
        registrant.contact_consent = rng.random() < 0.4
        confirmed = today - timedelta(days=rng.randint(0, 500))
        registrant.activity_confirmed_on = max(confirmed, start)


def demo_start(
    model: type[db.Model], seed: int
) -> tuple[Faker, random.Random, date, Sequence[Facility]] | None:
    """(fake, rng, today, facilities) for a demo set of `model`, or None if it has rows."""
    if db.session.scalar(select(func.count()).select_from(model)):
        return None
    fake, rng = Faker("ja_JP"), random.Random(seed)
    Faker.seed(seed)
    return (
        fake,
        rng,
        today_local(),
        db.session.scalars(select(Facility).order_by(Facility.id)).all(),
    )


PENDING_SHOWN = 4  # the newest entries at 中央公民館 wait for chief1's confirmation
CHIEF_OF = {"KOMINKAN": "chief1", "SPORTS": "chief2", "KYODO": "chief3"}


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), JST)


def load_demo_registrants(count: int = 300, seed: int = 2026) -> int:
    """Add demo registrants unless some exist already; return how many were added. Never
    commits: the demo loader does."""
    refuse_in_production()
    start_with = demo_start(Registrant, seed)
    if start_with is None:
        return 0
    fake, rng, today, facilities = start_with
    staff = {u.login: u for u in db.session.scalars(select(StaffUser))}
    clerk = staff.get("staff1") or next(iter(staff.values()))
    pending_left = PENDING_SHOWN
    for n in range(count):
        facility = facilities[n % len(facilities)]
        enterer = staff.get("staff2") if facility.individual_fee_by_age else clerk
        chief = staff.get(CHIEF_OF.get(facility.section.code, ""))
        state = n % 10
        start = _start(state, n, facility, today, rng)
        pending = pending_left > 0 and n % len(facilities) == 0 and state > 2
        if pending:
            pending_left -= 1
            start = today - timedelta(days=pending_left)
        registrant = _registrant(n, facility, enterer, start, today, fake, rng)
        register(registrant, enterer, today=start)
        # One pending entry still lacks its eligibility check, one group's roster falls
        # short: the confirmer sees why they cannot be confirmed yet.
        _records(
            registrant,
            enterer,
            state,
            today,
            rng,
            check=not (pending and pending_left == 3),
            qualifying=not (pending and pending_left == 2),
        )
        db.session.flush()
        if not pending and chief is not None:
            confirm_registration(registrant, chief, now=_at(start, 16))
    db.session.flush()
    expire_due(today)
    erase_due(today, timedelta(days=365))
    return count


def _start(state: int, n: int, facility: Facility, today: date, rng: random.Random) -> date:
    """Start dates spread so that some expire soon and some have expired."""
    years = facility.registration_term_years
    if state == 0:  # expires within two months
        return today - relativedelta(years=years) + timedelta(days=rng.randint(5, 55))
    if state == 1:  # expired
        return today - relativedelta(years=years) - timedelta(days=rng.randint(10, 300))
    if state == 2 and n % 20 == 2:  # expired long ago: to be erased
        return today - relativedelta(years=years + 1) - timedelta(days=rng.randint(30, 200))
    return today - timedelta(days=rng.randint(0, 365 * years - 70))


def _registrant(
    n: int,
    facility: Facility,
    enterer: StaffUser,
    start: date,
    today: date,
    fake: Faker,
    rng: random.Random,
) -> Registrant:
    """An unsaved individual (sports centre, two in three) or circle, received on `start`."""
    kind = (
        RegistrantKind.INDIVIDUAL
        if facility.individual_fee_by_age and n % 3
        else RegistrantKind.GROUP
    )
    postal, address = _address(rng)
    registrant = Registrant(
        facility=facility,
        kind=kind,
        registered_on=start,
        postal_code=postal,
        address=address,
        phone=_phone(rng),
        received_by=enterer,
        received_on=start,
        created_at=_at(start, 10),
    )
    if kind == RegistrantKind.GROUP:
        topic, activity = rng.choice(CIRCLES)
        suffix = rng.choice(SUFFIXES)
        town, town_kana = rng.choice(list(AREA_KANA.items()))
        registrant.name = f"{town}{topic}{suffix}"
        registrant.name_kana = town_kana + KANA_OF[topic] + KANA_OF[suffix]
        registrant.representative_name, registrant.representative_kana = person_name(fake)
        registrant.activity = activity
        _circle_listing(registrant, topic, start, today, rng)
    else:
        registrant.name, registrant.name_kana = person_name(fake)
        registrant.birth_date = today - timedelta(days=rng.randint(7 * 365, 80 * 365))
    if rng.random() < 0.3:
        registrant.email = f"user{n}@example.jp"
    return registrant


def _records(
    registrant: Registrant,
    enterer: StaffUser,
    state: int,
    today: date,
    rng: random.Random,
    *,
    check: bool,
    qualifying: bool,
) -> None:
    """Its eligibility checks (a recent second one for some expiring soon: ready to renew)
    and, for groups, its roster."""
    facility, kind, start = registrant.facility, registrant.kind, registrant.registered_on
    if check:
        _check(registrant, facility, kind, enterer, start, rng)
    if state == 0 and rng.random() < 0.5:
        _check(registrant, facility, kind, enterer, today - timedelta(days=rng.randint(1, 60)), rng)
    if kind == RegistrantKind.GROUP:
        _roster(registrant, facility, enterer, start, rng, qualifying=qualifying)


def _check(
    registrant: Registrant,
    facility: Facility,
    kind: RegistrantKind,
    clerk: StaffUser,
    day: date,
    rng: random.Random,
) -> None:
    basis = rng.choice(
        [EligibilityBasis.RESIDENT] * 6 + [EligibilityBasis.WORKER, EligibilityBasis.STUDENT]
    )
    if facility.allows_joint_use and rng.random() < 0.25:
        basis = EligibilityBasis.JOINT_USE
    registrant.eligibility_checks.append(
        EligibilityCheck(
            basis=basis,
            doc_identity=True,
            doc_member_list=kind == RegistrantKind.GROUP,
            doc_employment_cert=basis == EligibilityBasis.WORKER,
            doc_student_cert=basis == EligibilityBasis.STUDENT,
            checked_by=clerk,
            checked_on=day,
        )
    )


def _roster(
    registrant: Registrant,
    facility: Facility,
    clerk: StaffUser,
    day: date,
    rng: random.Random,
    qualifying: bool,
) -> None:
    total = rng.randint(max(facility.group_min_members, 3), 30)
    needed = -(-total * facility.group_min_in_city_percent // 100)
    in_city = (
        (total if rng.random() < 0.8 else rng.randint(needed, total))
        if qualifying
        else rng.randint(0, max(needed - 1, 0))
    )
    resident = rng.randint(0, in_city)
    registrant.rosters.append(
        Roster(
            submitted_on=day,
            total_members=total,
            members_resident=resident,
            members_working=in_city - resident,
            members_studying=0,
            verified_by=clerk,
            paper_location=f"{facility.name} 事務室 書庫{rng.randint(1, 4)}",
            destroy_by=registrant.expires_on + timedelta(days=365),
        )
    )


def load_demo_notices() -> int:
    """A few change notices in every state, so the queue is not empty on first look. Never
    commits (but confirm_notice's documented first commit): the demo loader does."""
    if db.session.scalar(select(func.count()).select_from(ChangeNotice)):
        return 0
    staff = {u.login: u for u in db.session.scalars(select(StaffUser))}
    clerk, chief = staff.get("staff1"), staff.get("chief1")
    if clerk is None or chief is None:
        return 0
    today = today_local()
    candidates = db.session.scalars(
        select(Registrant)
        .where(
            Registrant.facility_id.in_(access_of(clerk).facility_ids),
            Registrant.status == "active",
            Registrant.expires_on > today + timedelta(days=90),
        )
        .order_by(Registrant.id)
        .limit(6)
    ).all()
    plans = [  # days ago received, how far it gets
        (1, "received"),
        (3, "entered"),
        (20, "entered"),
        (16, "received"),
        (10, "confirmed"),
        (8, "rejected"),
    ]
    for registrant, (days_ago, goal) in zip(candidates, plans, strict=False):
        notice = receive(
            registrant,
            clerk,
            notice_type=NoticeType.CHANGE,
            received_on=today - timedelta(days=days_ago),
            via=ReceivedVia.COUNTER if days_ago % 2 else ReceivedVia.MAIL,
        )
        db.session.flush()
        if goal in ("entered", "confirmed", "rejected"):
            enter(notice, clerk, {"phone": f"090-{4000 + days_ago:04d}-{registrant.id:04d}"})
        if goal == "confirmed":
            confirm_notice(notice, chief)
        elif goal == "rejected":
            decide_against(notice, chief, "reject", "届出者の本人確認ができなかったため")
    return len(candidates)


def load_demo_registration() -> dict[str, int]:
    """Registrants, then change notices about some of them; count what was added."""
    return {"registrants": load_demo_registrants(), "change notices": load_demo_notices()}
