"""Registering at the counter: Japanese input, numbers, terms, scoping, export, print."""

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from admin_app.extensions import db
from models import AccessAction, AccessLog, Registrant, RegistrantKind
from models.clock import today_local
from models.registration.school import FeeTier, fee_tier
from tests.builders import PASSWORD, facility_id
from tests.builders.registration import make_registrant, post_new
from tests.builders.staff import make_user
from tests.support import count, csrf_token, login


def test_staff_registers_a_group_typed_as_people_type(app, login_as):
    client = login_as("staff1")
    response = post_new(client, app)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    with app.app_context():
        r = db.session.scalar(select(Registrant))
        assert r.name_kana == "ハギヤマコーラスノカイ"
        assert r.representative_kana == "ヤマダ ハナコ"
        assert r.postal_code == "1890014" and r.postal_code_display == "189-0014"
        assert r.phone == "042-393-5111" and r.phone_digits == "0423935111"
        assert r.address == "東村山市本町1丁目2番3号"
        assert r.registration_number == "K-000001"
        assert r.expires_on == date(
            r.registered_on.year + 3, r.registered_on.month, r.registered_on.day
        ) - (date(2000, 1, 2) - date(2000, 1, 1))
        assert r.created_by.login == "staff1"


def test_a_new_registration_opens_on_its_record_with_its_number(app, login_as):
    client = login_as("staff1")
    response = post_new(client, app)
    with app.app_context():
        r = db.session.scalar(select(Registrant))
    assert response.status_code == 302
    assert response.location.endswith(f"/admin/registrant/details/?id={r.id}")
    page = client.get(response.location).get_data(as_text=True)
    assert "萩山コーラスの会" in page
    assert f"登録 {r.registration_number} を入力しました" in page


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("name_kana", "山田", "ふりがなはカタカナで入力してください"),
        ("phone", "042-393-511", "電話番号は固定電話なら10桁"),
        ("postal_code", "189-00", "郵便番号は7桁で入力してください"),
        ("email", "taro@", "正しいメールアドレスを入力してください"),
        ("name", "", "この項目は必須です"),
        ("representative_name", "", "この項目は必須です"),
        ("birth_date", "2000-01-01", "この登録ではこの項目を収集しません"),
    ],
)
def test_bad_input_gets_a_japanese_message_and_nothing_is_saved(
    app, login_as, field, value, message
):
    client = login_as("staff1")
    response = post_new(client, app, **{field: value})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count(app, Registrant) == 0


def test_birth_date_is_required_only_for_sports_center_individuals(app, login_as):
    client = login_as("staff2")
    with app.app_context():
        sports = facility_id("スポーツセンター")
    common = {
        "facility": sports,
        "kind": "individual",
        "name": "佐藤 次郎",
        "name_kana": "サトウ ジロウ",
        "representative_name": "",
        "representative_kana": "",
        "activity": "",
    }
    response = post_new(client, app, **common, birth_date="")
    assert "この項目は必須です" in response.get_data(as_text=True)
    assert count(app, Registrant) == 0
    response = post_new(client, app, **common, birth_date="2014-04-02")
    assert response.status_code == 302
    with app.app_context():
        r = db.session.scalar(select(Registrant))
        assert r.registration_number == "S-000001"  # its own series: one per facility kind
        assert r.kind == RegistrantKind.INDIVIDUAL and r.birth_date == date(2014, 4, 2)
        registrant_id = r.id
    html = client.get(f"/admin/registrant/details/?id={registrant_id}").get_data(as_text=True)
    # Born 2 April 2014: 小学6年 until March 2027, then 中学1年 — whichever today is.
    tier = fee_tier(date(2014, 4, 2), today_local())
    shown, not_shown = (
        ("小学生以下", "中学生・高校生")
        if tier == FeeTier.CHILD
        else ("中学生・高校生", "小学生以下")
    )
    assert "料金区分" in html and shown in html and not_shown not in html


def test_joint_use_is_refused_where_the_facility_does_not_allow_it(app, login_as):
    client = login_as("staff1")
    response = post_new(
        client,
        app,
        **{
            "eligibility_checks-0-basis": "joint_use",
            "eligibility_checks-0-checked_on": "",
            "eligibility_checks-0-doc_identity": "y",
        },
    )
    assert "この施設は市外共同利用ができません" in response.get_data(as_text=True)
    assert count(app, Registrant) == 0


def test_eligibility_check_and_roster_are_recorded_with_the_trail(app, login_as):
    client = login_as("staff1")
    response = post_new(
        client,
        app,
        **{
            "eligibility_checks-0-basis": "resident",
            "eligibility_checks-0-doc_member_list": "y",
            "eligibility_checks-0-checked_on": "",
            "rosters-0-submitted_on": "",
            "rosters-0-total_members": "10",
            "rosters-0-members_resident": "4",
            "rosters-0-members_working": "1",
            "rosters-0-members_studying": "0",
            "rosters-0-paper_location": "中央公民館 事務室",
            "rosters-0-destroy_by": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    with app.app_context():
        r = db.session.scalar(select(Registrant))
        check, roster = r.latest_check, r.latest_roster
        assert check.checked_by.login == "staff1" and check.doc_member_list
        assert roster.verified_by.login == "staff1" and roster.destroy_by > r.expires_on
        ok, reason = r.qualification()
        assert ok and "10人中" in reason
        registrant_id = r.id
    html = client.get(f"/admin/registrant/details/?id={registrant_id}").get_data(as_text=True)
    assert "要件を満たす" in html and "在住" in html


def test_roster_with_too_few_in_city_members_does_not_qualify(app, demo):
    with app.app_context():
        from models import Registrant, Roster, StaffUser

        rid = make_registrant(roster=False, confirmed=False)  # its only roster is the one below
        r = db.session.get(Registrant, rid)
        clerk = db.session.scalar(select(StaffUser).where(StaffUser.login == "staff1"))
        r.rosters.append(
            Roster(
                submitted_on=date(2026, 4, 1),
                total_members=10,
                members_resident=4,
                verified_by=clerk,
                paper_location="x",
                destroy_by=date(2030, 1, 1),
            )
        )
        db.session.commit()
        ok, reason = r.qualification()
        assert not ok and "50%以上が必要" in reason


def test_staff_of_another_facility_get_404_and_change_nothing(app, login_as):
    with app.app_context():
        other = make_registrant(
            "スポーツセンター",
            "individual",
            birth_date=date(1990, 5, 5),
            name="他施設 太郎",
            name_kana="タシセツ タロウ",
        )
    client = login_as("staff1")
    for url in (
        f"/admin/registrant/details/?id={other}",
        f"/admin/registrant/edit/?id={other}",
        f"/admin/registrant/print/?id={other}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "他施設" not in response.get_data(as_text=True)
    token = csrf_token(client.get("/admin/registrant/").get_data(as_text=True))
    client.post(f"/admin/registrant/edit/?id={other}", data={"name": "改ざん", "csrf_token": token})
    client.post(
        "/admin/registrant/action/", data={"action": "renew", "rowid": [other], "csrf_token": token}
    )
    assert (
        client.post(
            "/admin/registrant/delete/", data={"id": other, "csrf_token": token}
        ).status_code
        == 403
    )
    listing = client.get("/admin/registrant/").get_data(as_text=True)
    export = client.get("/admin/registrant/export/csv/").get_data(as_text=True)
    assert "他施設" not in listing and "他施設" not in export
    with app.app_context():
        r = db.session.get(Registrant, other)
        assert r.name == "他施設 太郎"


@pytest.mark.parametrize("login_id", ["it1", "contractor1", "auditor1", "records1"])
def test_roles_outside_the_counter_never_see_residents(app, login_as, login_id):
    with app.app_context():
        rid = make_registrant(name="秘密 花子", name_kana="ヒミツ ハナコ")
    client = login_as(login_id)
    for url in (
        "/admin/registrant/",
        f"/admin/registrant/details/?id={rid}",
        "/admin/registrant/export/csv/",
        f"/admin/registrant/print/?id={rid}",
    ):
        assert client.get(url).status_code == 403
    for url in ("/admin/", "/admin/inventory/", "/admin/system_health/", "/admin/staff_user/"):
        response = client.get(url)
        assert "秘密" not in response.get_data(as_text=True)


def test_list_is_in_gojuon_order_and_search_finds_by_number_kana_and_phone(app, login_as):
    with app.app_context():
        make_registrant(name="和田の会", name_kana="ワダノカイ", phone="090-1111-2222")
        make_registrant(name="青葉の会", name_kana="アオバノカイ", phone="042-390-0001")
        make_registrant(name="川辺の会", name_kana="カワベノカイ", phone="042-390-0002")
    client = login_as("staff1")
    html = client.get("/admin/registrant/").get_data(as_text=True)
    assert html.index("青葉の会") < html.index("川辺の会") < html.index("和田の会")

    def found(term):
        page = client.get("/admin/registrant/", query_string={"search": term})
        return {n for n in ("和田の会", "青葉の会", "川辺の会") if n in page.get_data(as_text=True)}

    assert found("かわべ") == {"川辺の会"}  # hiragana finds katakana
    assert found("ワダ") == {"和田の会"}
    assert found("０９０－１１１１") == {"和田の会"}  # full-width phone prefix
    assert found("K-000002") == {"青葉の会"}
    assert found("青葉") == {"青葉の会"}


def test_export_is_excel_ready_and_neutralises_formulas_and_is_logged(app, login_as):
    with app.app_context():
        make_registrant(name='=HYPERLINK("http://x")', name_kana="イコール")
    client = login_as("staff1")
    response = client.get("/admin/registrant/export/csv/")
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][0] == "登録番号" and "氏名・団体名" in rows[0]
    assert "生年月日" in rows[0] and "電話番号（数字のみ・検索用）" not in rows[0]
    name_column = rows[0].index("氏名・団体名")
    assert rows[1][name_column].startswith("'=")
    with app.app_context():
        last = db.session.scalars(select(AccessLog).order_by(AccessLog.id.desc())).first()
        assert (last.endpoint, last.action) == ("registrant.export", AccessAction.EXPORT)


def test_printable_forms_carry_the_addressee_and_marks(app, login_as):
    with app.app_context():
        rid = make_registrant(name="本町俳句会", name_kana="ホンチョウハイクカイ")
        kominkan = facility_id("中央公民館")
    client = login_as("staff1")
    filled = client.get(f"/admin/registrant/print/?id={rid}").get_data(as_text=True)
    assert "東村山市教育委員会" in filled and "本町俳句会" in filled
    assert "必須" in filled and "◆" in filled and "職員記入欄" in filled
    assert "受付職員・受付日" in filled and "最終確認者" in filled
    assert "会員名簿（会員の氏名）" in filled  # paper item on the form, never in the system
    assert "/static/print.css" in filled
    css = client.get("/static/print.css")
    assert b"@page { size: A4" in css.get_data()
    css.close()
    blank = client.get(f"/admin/registrant/blank/?facility_id={kominkan}").get_data(as_text=True)
    assert "東村山市教育委員会" in blank and "生年月日" not in blank  # no birth date at 公民館
    with app.app_context():
        sports = facility_id("スポーツセンター")
    assert client.get(f"/admin/registrant/blank/?facility_id={sports}").status_code == 404


def test_mayor_addressee_for_a_mayoral_facility(app, demo, client):
    from models import Role

    with app.app_context():
        make_user("kyodo1", Role.FACILITY_STAFF, "KYODO")
        hall = facility_id("本町集会所")
    login(client, "kyodo1", PASSWORD)
    html = client.get(f"/admin/registrant/blank/?facility_id={hall}").get_data(as_text=True)
    assert "東村山市長" in html and "東村山市教育委員会" not in html


def test_dashboard_lists_registrations_expiring_within_two_months(app, login_as):
    from dateutil.relativedelta import relativedelta

    today = today_local()
    with app.app_context():
        make_registrant(
            name="まもなく期限の会",
            name_kana="マモナク",
            registered_on=today - relativedelta(years=3) + relativedelta(days=20),
        )
        make_registrant(name="まだ先の会", name_kana="マダサキ")
    html = login_as("staff1").get("/admin/").get_data(as_text=True)
    assert "まもなく期限の会" in html and "まだ先の会" not in html


def test_the_form_shows_and_takes_days_as_2026_11_26(app, login_as):
    client = login_as("staff1")
    page = client.get("/admin/registrant/new/").get_data(as_text=True)
    assert f'value="{today_local():%Y/%m/%d}"' in page  # the day received, prefilled
    response = post_new(client, app, received_on=f"{today_local():%Y/%m/%d}")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Registrant)).received_on == today_local()


def test_the_blank_form_is_a_link_away_and_without_a_facility_offers_the_choice(app, login_as):
    client = login_as("staff1")
    listing = client.get("/admin/registrant/").get_data(as_text=True)
    assert 'href="/admin/registrant/blank/"' in listing
    choice = client.get("/admin/registrant/blank/")
    assert choice.status_code == 200
    html = choice.get_data(as_text=True)
    with app.app_context():
        central = facility_id("中央公民館")
    assert f'href="/admin/registrant/blank/?facility_id={central}"' in html
    assert "スポーツセンター" not in html  # only the facilities staff1 serves
