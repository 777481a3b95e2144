"""Change notices: every transition and refusal, the history, separation of duties."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from admin_app.extensions import db
from models import (
    AccessLog,
    ChangeNotice,
    NoticeState,
    Registrant,
    RegistrantHistory,
    RegistrantStatus,
    Role,
    StaffUser,
)
from models.clock import today_local
from models.registration.change_notice import NoticeError, NoticeType, ReceivedVia, receive
from tests.builders import PASSWORD
from tests.builders.registration import make_entered_notice, make_received_notice, make_registrant
from tests.builders.staff import make_user, sports_chief
from tests.support import csrf_token, detached, login, token


def decide(client, notice_id, action, reason=""):
    t = token(client, f"/admin/change_notice/details/?id={notice_id}")
    return client.post(
        f"/admin/change_notice/decide/?id={notice_id}",
        data={"action": action, "reason": reason, "csrf_token": t},
    )


def flashes(client, notice_id) -> str:
    return client.get(f"/admin/change_notice/details/?id={notice_id}").get_data(as_text=True)


@pytest.fixture
def rid(app, demo):
    with app.app_context():
        return make_registrant(name="萩山コーラスの会", name_kana="ハギヤマコーラスノカイ")


def test_received_entered_confirmed_with_history(app, login_as, rid):
    client = login_as("staff1")
    t = token(client, f"/admin/change_notice/receive/?registrant_id={rid}")
    response = client.post(
        f"/admin/change_notice/receive/?registrant_id={rid}",
        data={
            "notice_type": "change",
            "received_on": (today_local() - timedelta(days=2)).isoformat(),
            "received_via": "mail",
            "csrf_token": t,
        },
    )
    assert response.status_code == 302
    notice_id = int(response.headers["Location"].split("id=")[1])
    n = detached(app, ChangeNotice, notice_id)
    assert n.state == NoticeState.RECEIVED and n.notice_number == "N-000001"
    assert n.received_via == ReceivedVia.MAIL

    t = token(client, f"/admin/change_notice/enter/?id={notice_id}")
    response = client.post(
        f"/admin/change_notice/enter/?id={notice_id}",
        data={
            "phone": "０９０－２２２２－３３３３",
            "address": "東村山市萩山町１丁目",
            "csrf_token": t,
        },
    )
    assert response.status_code == 302
    n = detached(app, ChangeNotice, notice_id)
    assert n.state == NoticeState.ENTERED
    assert n.staged_values == {"phone": "090-2222-3333", "address": "東村山市萩山町1丁目"}
    assert detached(app, Registrant, rid).phone == "042-393-5111"  # not applied yet
    page = client.get(f"/admin/change_notice/details/?id={notice_id}").get_data(as_text=True)
    assert "042-393-5111" in page and "090-2222-3333" in page  # side by side

    chief = app.test_client()
    login(chief, "chief1")
    assert decide(chief, notice_id, "confirm").status_code == 302
    assert "変更届 N-000001 を確定し、登録内容に反映しました。" in flashes(chief, notice_id)
    r = detached(app, Registrant, rid)
    assert r.phone == "090-2222-3333" and r.phone_digits == "09022223333"
    assert r.address == "東村山市萩山町1丁目"
    with app.app_context():
        history = db.session.scalars(
            select(RegistrantHistory).order_by(RegistrantHistory.field)
        ).all()
        assert [
            (h.field, h.old_value, h.new_value, h.changed_by.login, h.notice.notice_number)
            for h in history
        ] == [
            ("address", "東村山市本町1丁目2番3号", "東村山市萩山町1丁目", "chief1", "N-000001"),
            ("phone", "042-393-5111", "090-2222-3333", "chief1", "N-000001"),
        ]
        n = db.session.get(ChangeNotice, notice_id)
        assert n.state == NoticeState.CONFIRMED and n.decided_by.login == "chief1"
        assert n.staged_values is None
    detail = chief.get(f"/admin/registrant/details/?id={rid}").get_data(as_text=True)
    assert "変更履歴" in detail and "090-2222-3333" in detail and "N-000001" in detail
    printable = chief.get(f"/admin/change_notice/print/?id={notice_id}").get_data(as_text=True)
    assert "東村山市教育委員会" in printable and "最終確認者" in printable
    assert "鈴木 一郎" in printable and "山田 花子" in printable  # confirmer and enterer


def test_the_person_who_entered_cannot_confirm(app, demo, rid, client):
    with app.app_context():
        notice_id = make_entered_notice(rid, enterer="chief1")
    login(client, "chief1")
    response = decide(client, notice_id, "confirm")
    assert response.status_code == 403
    assert detached(app, ChangeNotice, notice_id).state == NoticeState.ENTERED
    assert detached(app, Registrant, rid).phone == "042-393-5111"


def test_counter_staff_who_is_not_a_confirmer_gets_403(app, login_as, rid):
    with app.app_context():
        notice_id = make_entered_notice(rid, enterer="chief1")
    client = login_as("staff1")
    for action, reason in (("confirm", ""), ("reject", "理由"), ("return", "理由")):
        assert decide(client, notice_id, action, reason).status_code == 403
    assert detached(app, ChangeNotice, notice_id).state == NoticeState.ENTERED


def test_a_designated_confirmer_may_confirm(app, demo, rid, client):
    with app.app_context():
        uid = make_user("confirmer1", Role.FACILITY_STAFF, "KOMINKAN")
        db.session.get(StaffUser, uid).assignments[0].designated_confirmer = True
        db.session.commit()
        notice_id = make_entered_notice(rid)
    login(client, "confirmer1", PASSWORD)
    assert decide(client, notice_id, "confirm").status_code == 302
    assert detached(app, ChangeNotice, notice_id).state == NoticeState.CONFIRMED


def test_a_chief_of_another_section_cannot_see_or_confirm(app, demo, rid, client):
    with app.app_context():
        notice_id = make_entered_notice(rid)
    client = sports_chief(app)
    assert client.get(f"/admin/change_notice/details/?id={notice_id}").status_code == 404
    t = token(client, "/admin/change_notice/")
    response = client.post(
        f"/admin/change_notice/decide/?id={notice_id}", data={"action": "confirm", "csrf_token": t}
    )
    assert response.status_code == 404
    assert detached(app, ChangeNotice, notice_id).state == NoticeState.ENTERED


def test_reject_needs_a_reason_and_discards_the_staged_values(app, login_as, rid):
    with app.app_context():
        notice_id = make_entered_notice(rid)
    client = login_as("chief1")
    decide(client, notice_id, "reject", "")
    assert "理由を入力してください" in flashes(client, notice_id)
    assert detached(app, ChangeNotice, notice_id).state == NoticeState.ENTERED
    decide(client, notice_id, "reject", "本人確認ができないため")
    n = detached(app, ChangeNotice, notice_id)
    assert n.state == NoticeState.REJECTED and n.staged_values is None
    assert n.reason == "本人確認ができないため"
    assert detached(app, Registrant, rid).phone == "042-393-5111"


def test_returned_notice_is_corrected_and_entered_again(app, login_as, rid):
    with app.app_context():
        notice_id = make_entered_notice(rid)
    chief = login_as("chief1")
    decide(chief, notice_id, "return", "電話番号の桁を確認してください")
    assert detached(app, ChangeNotice, notice_id).state == NoticeState.RETURNED
    clerk = app.test_client()
    login(clerk, "staff1")
    page = clerk.get(f"/admin/change_notice/enter/?id={notice_id}").get_data(as_text=True)
    assert "電話番号の桁を確認してください" in page
    t = csrf_token(page)
    clerk.post(
        f"/admin/change_notice/enter/?id={notice_id}",
        data={"phone": "090-1111-3333", "csrf_token": t},
    )
    n = detached(app, ChangeNotice, notice_id)
    assert n.state == NoticeState.ENTERED and n.staged_values == {"phone": "090-1111-3333"}


def test_bad_values_get_japanese_messages_and_nothing_is_staged(app, login_as, rid):
    with app.app_context():
        notice_id = make_received_notice(rid).id
    client = login_as("staff1")
    t = token(client, f"/admin/change_notice/enter/?id={notice_id}")
    html = client.post(
        f"/admin/change_notice/enter/?id={notice_id}",
        data={"phone": "042-393-511", "name_kana": "漢字", "csrf_token": t},
    ).get_data(as_text=True)
    assert "電話番号は固定電話なら10桁" in html and "ふりがなはカタカナで入力してください" in html
    html = client.post(
        f"/admin/change_notice/enter/?id={notice_id}",
        data={"phone": "042-393-5111", "csrf_token": t},
    ).get_data(as_text=True)  # same as now
    assert "現在の値と異なる新しい値を1つ以上入力してください" in html
    n = detached(app, ChangeNotice, notice_id)
    assert n.state == NoticeState.RECEIVED and n.staged_values is None


def test_confirming_in_the_wrong_state_changes_nothing(app, login_as, rid):
    with app.app_context():
        notice_id = make_received_notice(rid).id
    client = login_as("chief1")
    decide(client, notice_id, "confirm")
    assert "現在の状態では確定できません" in flashes(client, notice_id)
    assert detached(app, ChangeNotice, notice_id).state == NoticeState.RECEIVED


def test_only_one_open_notice_per_registrant(app, login_as, rid):
    with app.app_context():
        make_entered_notice(rid)
    client = login_as("staff1")
    t = token(client, f"/admin/change_notice/receive/?registrant_id={rid}")
    html = client.post(
        f"/admin/change_notice/receive/?registrant_id={rid}",
        data={
            "notice_type": "change",
            "received_on": today_local().isoformat(),
            "received_via": "counter",
            "csrf_token": t,
        },
    ).get_data(as_text=True)
    assert "N-000001 がまだ処理中です" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ChangeNotice)) == 1
        # The database itself refuses a second open notice.
        clerk = db.session.scalar(select(StaffUser).where(StaffUser.login == "staff1"))
        db.session.add(
            ChangeNotice(
                notice_number="N-999999",
                registrant_id=rid,
                notice_type=NoticeType.CHANGE,
                received_by=clerk,
                received_on=today_local(),
                received_via=ReceivedVia.MAIL,
            )
        )
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_received_date_cannot_be_in_the_future(app, login_as, rid):
    client = login_as("staff1")
    t = token(client, f"/admin/change_notice/receive/?registrant_id={rid}")
    html = client.post(
        f"/admin/change_notice/receive/?registrant_id={rid}",
        data={
            "notice_type": "change",
            "received_on": (today_local() + timedelta(days=1)).isoformat(),
            "received_via": "counter",
            "csrf_token": t,
        },
    ).get_data(as_text=True)
    assert "受付日に未来の日付は入力できません" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ChangeNotice)) == 0


def test_expired_or_erased_registrant_cannot_get_a_notice(app, demo):
    with app.app_context():
        old = make_registrant(registered_on=date(2020, 4, 1))
        clerk = db.session.scalar(select(StaffUser).where(StaffUser.login == "staff1"))
        with pytest.raises(NoticeError) as error:
            receive(
                db.session.get(Registrant, old),
                clerk,
                notice_type=NoticeType.CHANGE,
                received_on=today_local(),
                via=ReceivedVia.COUNTER,
            )
        assert "期限が切れているか消去済み" in str(error.value)


def test_withdrawal_ends_the_registration(app, login_as, rid):
    with app.app_context():
        notice_id = make_entered_notice(rid, values={}, notice_type="withdrawal")
    client = login_as("chief1")
    decide(client, notice_id, "confirm")
    r = detached(app, Registrant, rid)
    assert r.status == RegistrantStatus.WITHDRAWN and not r.is_current()
    assert r.expired_on == today_local()


def test_other_facility_staff_and_other_roles_are_kept_out(app, demo, rid, client):
    with app.app_context():
        notice_id = make_entered_notice(rid)
    login(client, "staff2")  # スポーツセンター
    assert client.get(f"/admin/change_notice/details/?id={notice_id}").status_code == 404
    assert client.get(f"/admin/change_notice/receive/?registrant_id={rid}").status_code == 404
    assert "萩山コーラス" not in client.get("/admin/change_notice/").get_data(as_text=True)
    for login_id in ("it1", "contractor1", "auditor1", "records1"):
        other = app.test_client()
        login(other, login_id)
        assert other.get("/admin/change_notice/").status_code == 403
        assert other.get(f"/admin/change_notice/details/?id={notice_id}").status_code == 403


def test_every_step_is_in_the_access_log(app, login_as, rid):
    client = login_as("staff1")
    t = token(client, f"/admin/change_notice/receive/?registrant_id={rid}")
    client.post(
        f"/admin/change_notice/receive/?registrant_id={rid}",
        data={
            "notice_type": "change",
            "received_on": today_local().isoformat(),
            "received_via": "counter",
            "csrf_token": t,
        },
    )
    with app.app_context():
        rows = db.session.execute(
            select(AccessLog.endpoint, AccessLog.action, AccessLog.record_ids).where(
                AccessLog.endpoint.like("change_notice.%")
            )
        ).all()
    assert ("change_notice.receive", "create", str(rid)) in [(e, a.value, r) for e, a, r in rows]


def test_queue_highlights_notices_older_than_14_days_and_dashboard_counts(app, login_as, rid):
    with app.app_context():
        make_entered_notice(rid, received_on=today_local() - timedelta(days=20))
        fresh = make_registrant(name="新しい会", name_kana="アタラシイカイ")
        make_entered_notice(fresh)
    client = login_as("chief1")
    html = client.get("/admin/change_notice/").get_data(as_text=True)
    stale_rows = re.findall(r'<tr class="table-danger" data-stale="1">(.*?)</tr>', html, re.S)
    assert len(stale_rows) == 1 and "萩山コーラスの会" in stale_rows[0]
    assert "20日" in stale_rows[0]
    dashboard = client.get("/admin/").get_data(as_text=True)
    counts = dashboard.split('data-testid="notice-counts"')[1].split("</ul>")[0]
    assert re.search(r"確認待ち.*?>2<", counts, re.S)


def test_erasing_a_registrant_erases_its_history_values(app, demo, rid, client):
    with app.app_context():
        notice_id = make_entered_notice(rid)
    login(client, "chief1")
    decide(client, notice_id, "confirm")
    with app.app_context():
        r = db.session.get(Registrant, rid)
        r.status, r.expired_on = RegistrantStatus.EXPIRED, date(2020, 1, 1)
        db.session.commit()
    app.test_cli_runner().invoke(args=["jobs", "daily"])
    with app.app_context():
        values = db.session.execute(
            select(RegistrantHistory.old_value, RegistrantHistory.new_value)
        ).all()
        assert values and all(v == (None, None) for v in values)
