"""A registration's trail (issue 11, parts 2 and 3): entered → confirmed by a chief or
designated confirmer who did not enter it, only with a recorded eligibility check where the
facility requires one; afterwards the items a 変更届 may change are changed only by a confirmed
変更届; renewal needs a fresh eligibility check. Everything over HTTP, as people use it."""

import re
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from admin_app.extensions import db
from admin_app.formatting import jdate_wareki
from models import (
    ChangeNotice,
    EligibilityBasis,
    EligibilityCheck,
    Facility,
    Registrant,
    RegistrantHistory,
    RegistrantStatus,
    Roster,
    StaffUser,
)
from models.clock import JST, today_local
from models.registration.change_notice import HistorySource
from models.registration.steps import StepError
from tests.builders import PASSWORD, facility_id, facility_id_of
from tests.builders.registration import (
    add_check,
    designated_confirmer,
    edit_data,
    entered,
    make_entered_notice,
    make_registrant,
    post_new,
)
from tests.builders.staff import sports_chief
from tests.support import count, csrf_token, detached, logged_in

TODAY = today_local()
CHECK = {
    "eligibility_checks-0-id": "",
    "eligibility_checks-0-basis": "resident",
    "eligibility_checks-0-doc_identity": "y",
    "eligibility_checks-0-doc_member_list": "y",
    "eligibility_checks-0-checked_on": "",
}
ROSTER = {
    "rosters-0-id": "",
    "rosters-0-submitted_on": "",
    "rosters-0-total_members": "10",
    "rosters-0-members_resident": "8",
    "rosters-0-members_working": "1",
    "rosters-0-members_studying": "0",
    "rosters-0-paper_location": "中央公民館 事務室",
    "rosters-0-destroy_by": "",
}
PUBLIC = {"circle_category": "arts", "publish_consent_on": (TODAY - timedelta(days=10)).isoformat()}


def history(app, rid) -> list[tuple]:
    with app.app_context():
        rows = db.session.scalars(
            select(RegistrantHistory)
            .where(RegistrantHistory.registrant_id == rid)
            .order_by(RegistrantHistory.id)
        ).all()
        return [
            (
                h.field,
                h.old_value,
                h.new_value,
                h.changed_by.login,
                h.source,
                h.notice.notice_number if h.notice else None,
            )
            for h in rows
        ]


def confirm(client, rid):
    token = csrf_token(client.get(f"/admin/registrant/details/?id={rid}").get_data(as_text=True))
    return client.post(f"/admin/registrant/confirm/?id={rid}", data={"csrf_token": token})


def action(client, name: str, ids: list[int], url: str = "/admin/registrant/"):
    token = csrf_token(client.get("/admin/registrant/").get_data(as_text=True))
    return client.post(
        "/admin/registrant/action/",
        data={"csrf_token": token, "action": name, "rowid": [str(i) for i in ids], "url": url},
    )


def page(client, url: str) -> str:
    return client.get(url).get_data(as_text=True)


# --- 2/3: a new registration is 有効 only after a confirmation by someone else ---------------


def test_a_new_registration_is_not_valid_until_someone_who_did_not_enter_it_confirms(app, login_as):
    staff = login_as("staff1")
    with app.app_context():
        chief_id = db.session.scalar(select(StaffUser.id).where(StaffUser.login == "chief1"))
    forged = {"status": "active", "confirmed_by": str(chief_id), "confirmed_at": "2026-01-01"}
    rid = entered(staff, app, **CHECK, **ROSTER, **PUBLIC, **forged)
    with app.app_context():
        r = db.session.get(Registrant, rid)
        assert r.status == RegistrantStatus.PENDING and not r.is_current()
        assert (r.created_by.login, r.received_by.login, r.received_on) == (
            "staff1",
            "staff1",
            TODAY,
        )
        assert r.confirmed_at is None and r.confirmed_by is None
    detail = page(staff, f"/admin/registrant/details/?id={rid}")
    assert "確認待ち" in detail and "変更届を受け付ける" not in detail
    assert 'data-testid="confirm"' not in detail  # staff1 is no confirmer
    # Not on the public site ...
    public = app.test_client()
    assert "萩山コーラスの会" not in page(public, "/circles")
    assert public.get(f"/circles/{rid}").status_code == 404
    # ... and no change notice can be received for it.
    token = csrf_token(page(staff, f"/admin/change_notice/receive/?registrant_id={rid}"))
    html = staff.post(
        f"/admin/change_notice/receive/?registrant_id={rid}",
        data={
            "notice_type": "change",
            "received_on": TODAY.isoformat(),
            "received_via": "counter",
            "csrf_token": token,
        },
    ).get_data(as_text=True)
    assert "この登録はまだ確定していません" in html and count(app, ChangeNotice) == 0
    # The person who entered it cannot confirm it: 403, nothing changes.
    assert confirm(staff, rid).status_code == 403
    assert detached(app, Registrant, rid).status == RegistrantStatus.PENDING
    # The section chief can; then it is current and listed.
    chief = logged_in(app, "chief1")
    assert 'data-testid="confirm"' in page(chief, f"/admin/registrant/details/?id={rid}")
    response = confirm(chief, rid)
    assert response.status_code == 302
    assert "を確定しました。この登録は有効になりました" in page(chief, response.headers["Location"])
    r = detached(app, Registrant, rid)
    assert r.status == RegistrantStatus.ACTIVE and r.is_current()
    with app.app_context():
        assert db.session.get(Registrant, rid).confirmed_by.login == "chief1"
    detail = page(staff, f"/admin/registrant/details/?id={rid}")
    row = detail.split("最終確認者・確認日")[1].split("</tr>")[0]
    assert "鈴木 一郎 / " in row and "確認待ち" not in detail.split("<table")[1]
    assert "萩山コーラスの会" in page(public, "/circles")
    assert public.get(f"/circles/{rid}").status_code == 200
    # Once is enough: a second confirmation changes nothing.
    other = logged_in(app, designated_confirmer(app), PASSWORD)
    again = confirm(other, rid)
    assert "この登録は確認待ちではありません" in page(other, again.headers["Location"])
    with app.app_context():
        assert db.session.get(Registrant, rid).confirmed_by.login == "chief1"


def test_a_designated_confirmer_confirms_and_the_chief_who_entered_cannot(app, login_as):
    confirmer = logged_in(app, designated_confirmer(app), PASSWORD)
    chief = login_as("chief1")
    rid = entered(chief, app, **CHECK, **ROSTER)
    assert confirm(chief, rid).status_code == 403
    assert detached(app, Registrant, rid).status == RegistrantStatus.PENDING
    assert confirm(confirmer, rid).status_code == 302
    with app.app_context():
        r = db.session.get(Registrant, rid)
        assert r.status == RegistrantStatus.ACTIVE and r.confirmed_by.login == "confirmer1"
    # A chief of another section sees nothing of it and cannot confirm it.
    with app.app_context():
        other = make_registrant(confirmed=False, name="他課の会", name_kana="タカノカイ")
    outsider = sports_chief(app)
    token = csrf_token(page(outsider, "/admin/registrant/"))
    assert (
        outsider.post(
            f"/admin/registrant/confirm/?id={other}", data={"csrf_token": token}
        ).status_code
        == 404
    )
    assert detached(app, Registrant, other).status == RegistrantStatus.PENDING


def test_whoever_corrected_the_entry_cannot_confirm_it_and_the_correction_is_recorded(
    app, login_as
):
    staff = login_as("staff1")
    rid = entered(staff, app, **CHECK, **ROSTER)
    chief = logged_in(app, "chief1")
    form = page(chief, f"/admin/registrant/edit/?id={rid}")
    assert 'id="address"' in form  # before confirmation everything can be corrected
    data = edit_data(form, address="東村山市本町１丁目９番")
    assert chief.post(f"/admin/registrant/edit/?id={rid}", data=data).status_code == 302
    assert detached(app, Registrant, rid).address == "東村山市本町1丁目9番"
    assert (
        "address",
        "東村山市本町1丁目2番3号",
        "東村山市本町1丁目9番",
        "chief1",
        HistorySource.CORRECTION,
        None,
    ) in history(app, rid)
    assert confirm(chief, rid).status_code == 403  # chief1 entered part of it now
    assert detached(app, Registrant, rid).status == RegistrantStatus.PENDING
    assert confirm(logged_in(app, designated_confirmer(app), PASSWORD), rid).status_code == 302
    assert detached(app, Registrant, rid).status == RegistrantStatus.ACTIVE


def test_confirmation_is_refused_without_an_eligibility_check_where_the_facility_requires_one(
    app, login_as
):
    staff = login_as("staff1")
    rid = entered(staff, app, **ROSTER)  # no 利用要件確認
    chief = logged_in(app, "chief1")
    detail = page(chief, f"/admin/registrant/details/?id={rid}")
    assert "利用要件確認が記録されていません" in detail  # shown before anyone tries
    response = confirm(chief, rid)
    assert response.status_code == 302
    assert (
        "確定できませんでした：利用要件確認が記録されていません（この施設では必須です）。"
        in page(chief, response.headers["Location"])
    )
    r = detached(app, Registrant, rid)
    assert r.status == RegistrantStatus.PENDING and r.confirmed_at is None
    # Joint-use スポーツセンター follows its own setting: still required there.
    with app.app_context():
        sports = make_registrant(
            "スポーツセンター",
            "individual",
            confirmed=False,
            check=False,
            birth_date=date(1990, 5, 5),
            name="共同 利用",
            name_kana="キョウドウ リヨウ",
        )
    chief2 = logged_in(app, "chief2")
    response = confirm(chief2, sports)
    assert "利用要件確認が記録されていません" in page(chief2, response.headers["Location"])
    assert detached(app, Registrant, sports).status == RegistrantStatus.PENDING
    # IT cannot drop the check at residents-only 中央公民館: refused at the field, unchanged.
    it = logged_in(app, "it1")
    for name in ("中央公民館", "スポーツセンター"):
        with app.app_context():
            facility = db.session.get(Facility, facility_id(name))
            form = {
                "name": facility.name,
                "kind": facility.kind,
                "eligibility_rule": facility.eligibility_rule.value,
                "address": facility.address,
                "phone": facility.phone,
            }
        url = f"/admin/facility/edit/?id={facility.id}"
        response = it.post(url, data=form | {"csrf_token": csrf_token(page(it, url))})
        if name == "中央公民館":
            assert response.status_code == 200
            assert "利用要件確認を省略できません" in response.get_data(as_text=True)
        else:  # joint-use スポーツセンター may do without
            assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(
            select(Facility.eligibility_check_required).where(Facility.name == "中央公民館")
        )
        assert not db.session.scalar(
            select(Facility.eligibility_check_required).where(Facility.name == "スポーツセンター")
        )
    assert "確定できませんでした" in page(chief, confirm(chief, rid).headers["Location"])
    assert detached(app, Registrant, rid).status == RegistrantStatus.PENDING
    assert confirm(chief2, sports).status_code == 302
    assert detached(app, Registrant, sports).status == RegistrantStatus.ACTIVE


def test_confirmation_is_refused_for_a_group_whose_roster_does_not_qualify(app, login_as):
    staff = login_as("staff1")
    short = entered(
        staff,
        app,
        **CHECK,
        **(ROSTER | {"rosters-0-members_resident": "3", "rosters-0-members_working": "1"}),
    )
    none = entered(staff, app, **CHECK, name="名簿なしの会", name_kana="メイボナシノカイ")
    chief = logged_in(app, "chief1")
    for rid, reason in (
        (short, "会員10人中、市内在住・在勤・在学は4人（50%以上が必要）。"),
        (none, "会員名簿が提出されていません。"),
    ):
        response = confirm(chief, rid)
        shown = page(chief, response.headers["Location"])
        assert "団体の要件を満たしていません：" + reason in shown, shown[:3000]
        assert detached(app, Registrant, rid).status == RegistrantStatus.PENDING


def test_bulk_confirmation_reports_in_japanese_each_registration_it_did_not_confirm(app, login_as):
    staff = login_as("staff1")
    good = entered(staff, app, **CHECK, **ROSTER)
    unchecked = entered(staff, app, **ROSTER, name="未確認の会", name_kana="ミカクニンノカイ")
    assert "最終確認（確定）" not in page(staff, "/admin/registrant/")  # not offered to staff
    refused = action(staff, "confirm_registration", [good])  # forged anyway
    assert "登録を確定できるのは課長または指定された確認者のみです" in page(
        staff, refused.headers["Location"]
    )
    assert detached(app, Registrant, good).status == RegistrantStatus.PENDING
    chief = logged_in(app, "chief1")
    assert "最終確認（確定）" in page(chief, "/admin/registrant/")
    response = action(chief, "confirm_registration", [good, unchecked])
    shown = page(chief, response.headers["Location"])
    number = detached(app, Registrant, unchecked).registration_number
    assert f"{number}: 利用要件確認が記録されていません（この施設では必須です）。" in shown
    assert "1件の登録を確定しました" in shown
    assert detached(app, Registrant, good).status == RegistrantStatus.ACTIVE
    assert detached(app, Registrant, unchecked).status == RegistrantStatus.PENDING


def test_the_confirmers_dashboard_counts_what_waits_for_them(app, login_as):
    staff = login_as("staff1")
    rid = entered(staff, app, **CHECK, **ROSTER)
    assert 'data-testid="awaiting' not in page(staff, "/admin/")
    dashboard = page(logged_in(app, "chief1"), "/admin/")
    assert re.search(r'data-testid="awaiting-count">確認待ち: <strong>1</strong>', dashboard)
    assert f"/admin/registrant/details/?id={rid}" in dashboard


def test_the_receipt_is_checked_and_a_future_date_saves_nothing(app, login_as):
    staff = login_as("staff1")
    with app.app_context():
        staff2 = db.session.scalar(select(StaffUser.id).where(StaffUser.login == "staff2"))
    html = post_new(staff, app, received_on=(TODAY + timedelta(days=1)).isoformat()).get_data(
        as_text=True
    )
    assert "受付日に未来の日付は入力できません" in html
    assert count(app, Registrant) == 0
    html = post_new(staff, app, received_by=str(staff2)).get_data(as_text=True)
    # not a colleague at this counter: not among the choices, so no receiver at all
    assert html.count("この項目は必須です") == 1
    assert html.index("この項目は必須です") > html.index('id="received_by"')
    assert count(app, Registrant) == 0


# --- 2: after confirmation, the notice items change only by a confirmed 変更届 -------------


@pytest.fixture
def confirmed(app, demo):
    with app.app_context():
        return make_registrant(
            name="萩山コーラスの会",
            name_kana="ハギヤマコーラスノカイ",
            circle_category="arts",
            publish_consent_on=date(2026, 4, 1),
            registered_on=date(2026, 4, 1),
        )


def test_a_forged_edit_of_the_address_is_refused_and_only_a_confirmed_notice_changes_it(
    app, login_as, confirmed
):
    """The issue's test: staff1 opens /admin/registrant/edit/?id=N, changes 住所, presses 保存."""
    staff = login_as("staff1")
    form = page(staff, f"/admin/registrant/edit/?id={confirmed}")
    assert 'id="address"' not in form and 'id="phone"' not in form  # not offered
    assert 'id="facility"' not in form and 'id="recruiting"' in form
    before = detached(app, Registrant, confirmed)
    for forged in (
        {"address": "東村山市秋津町5丁目"},
        {"facility": str(facility_id_of(app, "萩山公民館"))},
        {"kind": "individual"},
        {"name": "乗っ取りの会"},
    ):
        response = staff.post(
            f"/admin/registrant/edit/?id={confirmed}", data=edit_data(form, **forged)
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 200, forged
        assert "確定後の次の項目は変更届によってのみ変更できます" in html, forged
        after = detached(app, Registrant, confirmed)
        assert (after.address, after.facility_id, after.kind, after.name, after.updated_at) == (
            before.address,
            before.facility_id,
            before.kind,
            before.name,
            before.updated_at,
        )
    response = staff.post(
        f"/admin/registrant/edit/?id={confirmed}", data=edit_data(form, received_on="2026-01-01")
    )
    assert "確定した登録の受付記録は変更できません" in response.get_data(as_text=True)
    assert detached(app, Registrant, confirmed).received_on == before.received_on
    assert history(app, confirmed) == []
    # Inline editing of the list does not exist for registrants at all.
    token = csrf_token(form)
    assert staff.post(
        "/admin/registrant/ajax/update/",
        data={
            "csrf_token": token,
            "list_form_pk": str(confirmed),
            "address": "東村山市秋津町5丁目",
        },
    ).status_code in (403, 404)
    assert detached(app, Registrant, confirmed).address == before.address
    # The address changes through a 変更届: entered by staff1, confirmed by chief1.
    with app.app_context():
        notice_id = make_entered_notice(confirmed, values={"address": "東村山市秋津町5丁目"})
    # entered, not yet applied
    assert detached(app, Registrant, confirmed).address == before.address
    chief = logged_in(app, "chief1")
    token = csrf_token(page(chief, f"/admin/change_notice/details/?id={notice_id}"))
    assert (
        chief.post(
            f"/admin/change_notice/decide/?id={notice_id}",
            data={"action": "confirm", "reason": "", "csrf_token": token},
        ).status_code
        == 302
    )
    assert detached(app, Registrant, confirmed).address == "東村山市秋津町5丁目"
    assert history(app, confirmed) == [
        (
            "address",
            before.address,
            "東村山市秋津町5丁目",
            "chief1",
            HistorySource.NOTICE,
            "N-000001",
        )
    ]


def test_items_no_notice_governs_stay_editable_and_each_change_is_in_the_history(
    app, login_as, confirmed
):
    staff = login_as("staff1")
    form = page(staff, f"/admin/registrant/edit/?id={confirmed}")
    assert 'data-testid="trail-note"' in form
    data = edit_data(form, recruiting="y", circle_category="sports")
    response = staff.post(f"/admin/registrant/edit/?id={confirmed}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    r = detached(app, Registrant, confirmed)
    assert r.recruiting and r.circle_category.value == "sports"
    assert sorted(history(app, confirmed)) == [
        ("circle_category", "arts", "sports", "staff1", HistorySource.EDIT, None),
        ("recruiting", "False", "True", "staff1", HistorySource.EDIT, None),
    ]
    detail = page(staff, f"/admin/registrant/details/?id={confirmed}")
    table = detail.split('aria-labelledby="history"')[1].split("</table>")[0]
    assert "変更届によらない項目" in table and "山田 花子" in table
    assert "芸術・音楽" in table and "スポーツ・健康" in table
    # A bad value is refused at the field and nothing changes.
    data = edit_data(form, publish_consent_on=(TODAY + timedelta(days=5)).isoformat())
    html = staff.post(f"/admin/registrant/edit/?id={confirmed}", data=data).get_data(as_text=True)
    assert "未来の日付は入力できません" in html
    assert detached(app, Registrant, confirmed).publish_consent_on == date(2026, 4, 1)
    assert len(history(app, confirmed)) == 2


def test_recorded_checks_and_rosters_are_kept_new_ones_can_be_added(app, login_as, confirmed):
    staff = login_as("staff1")
    with app.app_context():
        check_id = db.session.scalar(
            select(EligibilityCheck.id).where(EligibilityCheck.registrant_id == confirmed)
        )
        roster_id = db.session.scalar(select(Roster.id).where(Roster.registrant_id == confirmed))
    form = page(staff, f"/admin/registrant/edit/?id={confirmed}")
    assert f'value="{check_id}"' not in form  # recorded ones are not offered for editing
    base = edit_data(form)
    forged = [
        {
            "eligibility_checks-0-id": str(check_id),
            "eligibility_checks-0-basis": "worker",
            "eligibility_checks-0-checked_on": "2026-04-01",
        },  # rewrite
        {
            "eligibility_checks-0-id": str(check_id),
            "eligibility_checks-0-basis": "resident",
            "del-eligibility_checks-0": "y",
        },  # delete
        {
            "rosters-0-id": str(roster_id),
            "rosters-0-total_members": "40",
            "rosters-0-members_resident": "40",
            "rosters-0-members_working": "0",
            "rosters-0-members_studying": "0",
            "rosters-0-paper_location": "x",
        },
        # no id at all: the form would take the first recorded check and rewrite it
        {"eligibility_checks-0-basis": "student", "eligibility_checks-0-checked_on": "2026-04-01"},
    ]
    for extra in forged:
        response = staff.post(f"/admin/registrant/edit/?id={confirmed}", data=base | extra)
        assert response.status_code == 200, extra
        assert "利用要件確認・会員名簿の記録は変更も削除もできません" in response.get_data(
            as_text=True
        ), extra
        with app.app_context():
            check = db.session.get(EligibilityCheck, check_id)
            assert (check.basis, check.checked_on) == (
                EligibilityBasis.RESIDENT,
                date(2026, 4, 1),
            ), extra
            assert db.session.get(Roster, roster_id).total_members == 10
            assert db.session.scalar(select(func.count()).select_from(EligibilityCheck)) == 1
    # A new check is a new record: added, with its own trail, and in the history.
    response = staff.post(
        f"/admin/registrant/edit/?id={confirmed}",
        data=base
        | {
            "eligibility_checks-0-id": "",
            "eligibility_checks-0-basis": "resident",
            "eligibility_checks-0-doc_identity": "y",
            "eligibility_checks-0-checked_on": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    with app.app_context():
        checks = db.session.scalars(
            select(EligibilityCheck)
            .where(EligibilityCheck.registrant_id == confirmed)
            .order_by(EligibilityCheck.id)
        ).all()
        assert [(c.checked_on, c.checked_by.login) for c in checks] == [
            (date(2026, 4, 1), "staff1"),
            (TODAY, "staff1"),
        ]
    assert history(app, confirmed) == [
        (
            "eligibility_checks",
            None,
            f"{TODAY.isoformat()} resident",
            "staff1",
            HistorySource.EDIT,
            None,
        )
    ]


def test_no_code_path_changes_a_confirmed_registrants_notice_items(app, demo, confirmed):
    """The guard sits under every screen, command and job: only applying a confirmed notice
    (or erasing after the grace period) changes these items."""
    with app.app_context():
        r = db.session.get(Registrant, confirmed)
        r.address = "東村山市どこか"
        with pytest.raises(StepError) as refused:
            db.session.commit()
        assert "住所" in str(refused.value)
        db.session.rollback()
        r = db.session.get(Registrant, confirmed)
        r.received_on = date(2020, 1, 1)
        with pytest.raises(StepError):
            db.session.commit()
        db.session.rollback()
        check = db.session.scalar(
            select(EligibilityCheck).where(EligibilityCheck.registrant_id == confirmed)
        )
        db.session.delete(check)
        with pytest.raises(StepError):
            db.session.commit()
        db.session.rollback()
        r = db.session.get(Registrant, confirmed)
        r.status = RegistrantStatus.PENDING  # back to an entry, to be corrected freely?
        with pytest.raises(StepError):
            db.session.commit()
        db.session.rollback()
        r = db.session.get(Registrant, confirmed)
        r.status, r.address = RegistrantStatus.ERASED, "東村山市どこか"  # "erased" into a new one
        with pytest.raises(StepError):
            db.session.commit()
        db.session.rollback()
        r = db.session.get(Registrant, confirmed)
        assert (r.status, r.address, r.received_on, len(r.eligibility_checks)) == (
            RegistrantStatus.ACTIVE,
            "東村山市本町1丁目2番3号",
            date(2026, 4, 1),
            1,
        )


# --- 3: renewal needs an eligibility check within RENEWAL_CHECK_MONTHS ----------------------


@pytest.fixture
def due(app, demo):
    """Two registrations expiring next month: one checked two weeks ago, one only at entry."""
    start = TODAY - relativedelta(years=3) + relativedelta(months=1)
    with app.app_context():
        fresh = make_registrant(registered_on=start, name="確認済みの会", name_kana="カクニン")
        stale = make_registrant(registered_on=start, name="未確認の会", name_kana="ミカクニン")
    add_check(app, fresh, TODAY - timedelta(days=14))
    add_check(app, stale, TODAY - relativedelta(months=6))
    return fresh, stale


def test_bulk_renewal_renews_those_with_a_fresh_check_and_lists_the_others(app, login_as, due):
    fresh, stale = due
    old_fresh, old_stale = (
        detached(app, Registrant, fresh).expires_on,
        detached(app, Registrant, stale).expires_on,
    )
    staff = login_as("staff1")
    response = action(staff, "renew", [fresh, stale])
    shown = page(staff, response.headers["Location"])
    number = detached(app, Registrant, stale).registration_number
    latest = (TODAY - relativedelta(months=6)).isoformat()
    assert (
        f"{number}: 更新には直近3か月以内に記録した新しい利用要件確認が必要です"
        f"（最新の確認：{latest}）。" in shown
    )
    assert "1件の登録を更新しました" in shown
    assert detached(app, Registrant, stale).expires_on == old_stale
    renewed = detached(app, Registrant, fresh).expires_on
    assert renewed == old_fresh + relativedelta(years=3)
    assert history(app, fresh) == [
        (
            "expires_on",
            old_fresh.isoformat(),
            renewed.isoformat(),
            "staff1",
            HistorySource.RENEWAL,
            None,
        )
    ]
    assert history(app, stale) == []


def test_renewing_one_record_from_its_page_needs_the_check_too(app, login_as, due):
    _, stale = due
    staff = login_as("staff1")
    detail = page(staff, f"/admin/registrant/details/?id={stale}")
    assert 'name="action" value="renew"' in detail
    before = detached(app, Registrant, stale).expires_on
    response = action(staff, "renew", [stale], url=f"/admin/registrant/details/?id={stale}")
    assert response.headers["Location"].endswith(f"/admin/registrant/details/?id={stale}")
    assert "更新には直近3か月以内に記録した新しい利用要件確認が必要です" in page(
        staff, response.headers["Location"]
    )
    assert detached(app, Registrant, stale).expires_on == before
    add_check(app, stale, TODAY)
    action(staff, "renew", [stale])
    assert detached(app, Registrant, stale).expires_on == before + relativedelta(years=3)


def test_the_renewal_window_is_a_setting(app, login_as, due, monkeypatch):
    _, stale = due  # checked six months ago
    before = detached(app, Registrant, stale).expires_on
    monkeypatch.setitem(app.config, "RENEWAL_CHECK_MONTHS", 12)
    staff = login_as("staff1")
    response = action(staff, "renew", [stale])
    assert "1件の登録を更新しました" in page(staff, response.headers["Location"])
    assert detached(app, Registrant, stale).expires_on == before + relativedelta(years=3)
    renewed = detached(app, Registrant, stale).expires_on
    monkeypatch.setitem(app.config, "RENEWAL_CHECK_MONTHS", 5)  # the same check, too old now
    response = action(staff, "renew", [stale])
    assert "直近5か月以内に記録した新しい利用要件確認が必要です" in page(
        staff, response.headers["Location"]
    )
    assert detached(app, Registrant, stale).expires_on == renewed


USED = (
    "この利用要件確認は登録時または前回の更新で使われています。"
    "更新のたびに新しい利用要件確認を記録してください。"
)


def test_one_eligibility_check_renews_a_registration_once(app, login_as, due):
    """One fresh check extended a term by three years as often as 更新 was pressed (30 years
    after ten presses): each renewal needs a check recorded after the last renewal."""
    fresh, _ = due
    staff = login_as("staff1")
    action(staff, "renew", [fresh])
    renewed = detached(app, Registrant, fresh).expires_on
    response = action(staff, "renew", [fresh])
    number = detached(app, Registrant, fresh).registration_number
    assert f"{number}: {USED}" in page(staff, response.headers["Location"])
    assert detached(app, Registrant, fresh).expires_on == renewed
    assert [h[0] for h in history(app, fresh)] == ["expires_on"]
    add_check(app, fresh, TODAY + timedelta(days=1))  # recorded later than the renewal
    with time_machine.travel(datetime.combine(TODAY + timedelta(days=1), time(10), JST)):
        staff = login_as("staff1")  # the day before's session has idled out
        response = action(staff, "renew", [fresh])
        assert f"{number}: " not in page(staff, response.headers["Location"])
    assert detached(app, Registrant, fresh).expires_on == renewed + relativedelta(years=3)


def test_the_check_of_a_new_registration_does_not_renew_it_at_once(app, login_as):
    staff = login_as("staff1")
    with app.app_context():
        rid = make_registrant(name="登録したての会", name_kana="トウロクシタテ")
    before = detached(app, Registrant, rid).expires_on
    response = action(staff, "renew", [rid])
    number = detached(app, Registrant, rid).registration_number
    assert f"{number}: {USED}" in page(staff, response.headers["Location"])
    assert detached(app, Registrant, rid).expires_on == before
    assert history(app, rid) == []


def test_only_confirmed_registrations_renew(app, login_as):
    with app.app_context():
        pending = make_registrant(confirmed=False, name="確認待ちの会", name_kana="カクニンマチ")
    add_check(app, pending, TODAY)
    before = detached(app, Registrant, pending).expires_on
    staff = login_as("staff1")
    response = action(staff, "renew", [pending])
    number = detached(app, Registrant, pending).registration_number
    assert f"{number}: この登録は確定していないため更新できません。" in page(
        staff, response.headers["Location"]
    )
    r = detached(app, Registrant, pending)
    assert (r.status, r.expires_on) == (RegistrantStatus.PENDING, before)


# --- the printed form's 職員記入欄 ------------------------------------------------------------


def test_the_printed_form_fills_the_staff_section_from_the_trail(app, login_as):
    confirmer = designated_confirmer(app)
    staff = login_as("staff1")
    with app.app_context():
        chief = db.session.scalar(select(StaffUser.id).where(StaffUser.login == "chief1"))
    received = TODAY - timedelta(days=6)
    rid = entered(
        staff, app, received_by=str(chief), received_on=received.isoformat(), **CHECK, **ROSTER
    )
    printed = page(staff, f"/admin/registrant/print/?id={rid}")
    staff_section = printed.split("職員記入欄")[1]
    assert "受付職員・受付日" in staff_section and "入力職員・入力日" in staff_section
    assert f"鈴木 一郎 / {jdate_wareki(received)}" in staff_section
    today = f"{TODAY.year}年{TODAY.month}月{TODAY.day}日"
    assert f"山田 花子 / {today}" in staff_section
    confirmed_cell = re.search(r'data-testid="confirmed">([^<]*)<', printed).group(1)
    assert confirmed_cell == "確認待ち"
    confirm(logged_in(app, confirmer, PASSWORD), rid)
    printed = page(staff, f"/admin/registrant/print/?id={rid}")
    confirmed_cell = re.search(r'data-testid="confirmed">([^<]*)<', printed).group(1)
    assert confirmed_cell.startswith(f"テスト confirmer1 / {today}")
    assert "最終確認者・確認日" in printed
