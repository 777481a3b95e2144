"""The chief reads the log in words: screen names in Japanese (also in the filter and the
export), records by their registration / notice numbers and login IDs, and requests for
records outside the user's scope flagged 拒否 and counted per person."""

import csv
import io
import re
from datetime import date
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from admin_app.extensions import db
from admin_app.permissions import TABLE, UNROUTED
from models import AccessAction, AccessLog, Registrant, Role, Section, StaffUser
from tests.builders import PASSWORD, facility_id
from tests.builders.access_log import write
from tests.builders.registration import make_received_notice, make_registrant
from tests.builders.staff import make_user, sports_chief
from tests.support import csrf_token, login

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
LOGGED = [e for e, rule in TABLE.items() if rule.action is not None]


class _Text(HTMLParser):
    """The text a person sees (no tags, no attributes, no scripts)."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def log_table(html: str) -> str:
    return html.split('data-testid="log"')[1].split("</table>")[0]


def rows_of(html: str) -> list[str]:
    return log_table(html).split("<tbody>")[1].split("<tr ")[1:]


def last_row(app, endpoint=None) -> AccessLog:
    with app.app_context():
        query = select(AccessLog).order_by(AccessLog.id.desc())
        if endpoint:
            query = query.where(AccessLog.endpoint == endpoint)
        return db.session.scalars(query).first()


def number_of(app, registrant_id) -> str:
    with app.app_context():
        return db.session.get(Registrant, registrant_id).registration_number


# --- screen names ----------------------------------------------------------------------------


def test_every_logged_endpoint_has_a_japanese_screen_name_and_area(app):
    """Strict on purpose: a new endpoint is named here before it is merged."""
    with app.test_request_context("/?lang=ja"):
        unnamed = [
            e
            for e in LOGGED
            if TABLE[e].screen is None
            or TABLE[e].area is None
            or str(TABLE[e].screen) == e
            or not JAPANESE.search(str(TABLE[e].screen))
            or not JAPANESE.search(str(TABLE[e].area))
        ]
    assert unnamed == []


def test_a_screen_family_added_without_a_name_stays_unnamed_for_the_strict_check(app):
    from admin_app.permissions import IT, model_view

    rules = model_view("new_screen", read=IT)  # another branch's view, not yet named
    assert rules and all(r.screen is None for r in rules.values())


def test_screen_names_are_composed_of_the_screen_and_the_page(app):
    with app.test_request_context("/?lang=ja"):
        names = {
            e: str(TABLE[e].screen)
            for e in (
                "registrant.details_view",
                "registrant.export",
                "change_notice.decide",
                "staff_user.issue",
                "registrant.action_view:renew",
            )
        }
    assert names == {
        "registrant.details_view": "利用登録者 詳細",
        "registrant.export": "利用登録者 CSV出力",
        "change_notice.decide": "変更届 確認・却下・差戻し",
        "staff_user.issue": "職員ID 発行",
        "registrant.action_view:renew": "利用登録者 一括操作（更新）",
    }


def test_the_page_shows_screen_names_and_no_endpoint_names(app, login_as):
    endpoints = [e.split(":")[0] for e in LOGGED] + [UNROUTED]
    for endpoint in dict.fromkeys(endpoints):
        write(app, "staff1", "KOMINKAN", endpoint)
    client = login_as("chief1")
    seen, params = [], {}
    for _ in range(5):
        html = client.get("/admin/access_log/", query_string=params).get_data(as_text=True)
        seen.append(visible(html))
        if "before=" not in html:
            break
        params = {
            "before": html.split("before=")[1].split('"')[0].replace("%3A", ":").replace("%2B", "+")
        }
    text = " ".join(seen)
    raw = sorted({e for e in endpoints if "." in e and e in text})
    assert raw == []
    assert "利用登録者 詳細" in text and "変更届 確認・却下・差戻し" in text
    assert "不明なURL" in text and "ログイン" in text


def test_the_screen_filter_is_grouped_by_area_and_shows_names(app, login_as):
    write(app, "staff1", "KOMINKAN", "registrant.details_view", "1")
    write(app, "staff1", "KOMINKAN", "registrant.edit_view", "1")
    client = login_as("chief1")
    html = client.get("/admin/access_log/").get_data(as_text=True)
    select_html = html.split('id="screen"')[1].split("</select>")[0]
    groups = re.findall(r'<optgroup label="([^"]+)">', select_html)
    assert {"組織", "職員ID", "利用登録", "変更届", "アクセスログ", "認証"} <= set(groups)
    registrations = select_html.split('<optgroup label="利用登録">')[1].split("</optgroup>")[0]
    assert '<option value="registrant.details_view" >利用登録者 詳細</option>' in registrations
    filtered = client.get("/admin/access_log/?screen=registrant.edit_view").get_data(as_text=True)
    assert [("利用登録者 編集" in r) for r in rows_of(filtered)] == [True]


# --- records in words ------------------------------------------------------------------------


def test_records_show_as_registration_and_notice_numbers_and_login_ids(app, login_as):
    with app.app_context():
        registrant = make_registrant("中央公民館")
        notice = make_received_notice(registrant)
        notice_id, notice_number = notice.id, notice.notice_number
        staff2 = db.session.scalar(select(StaffUser.id).where(StaffUser.login == "staff2"))
        hall = facility_id("中央公民館")
    number = number_of(app, registrant)
    write(app, "staff1", "KOMINKAN", "registrant.details_view", str(registrant))
    write(app, "staff1", "KOMINKAN", "change_notice.details", str(notice_id))
    write(app, "staff1", "KOMINKAN", "change_notice.receive", str(registrant))
    write(app, "staff1", "KOMINKAN", "staff_user.details_view", str(staff2))
    write(app, "staff1", "KOMINKAN", "facility.details_view", str(hall))
    write(app, "staff1", "KOMINKAN", "registrant.details_view", "987654")
    with app.app_context():
        staff1 = db.session.scalar(select(StaffUser.id).where(StaffUser.login == "staff1"))
    html = login_as("chief1").get(f"/admin/access_log/?user={staff1}").get_data(as_text=True)
    cells = [visible(r.split("</td>")[3]).strip() for r in rows_of(html)]
    assert cells == ["987654（該当なし）", "中央公民館", "staff2", number, notice_number, number]
    assert re.fullmatch(r"K-\d{6}", number) and re.fullmatch(r"N-\d{6}", notice_number)


def test_an_erased_registrant_shows_as_erased(app, login_as):
    with app.app_context():
        registrant = make_registrant("中央公民館", registered_on=date(2019, 4, 1))
    write(app, "staff1", "KOMINKAN", "registrant.details_view", str(registrant))
    assert app.test_cli_runner().invoke(args=["jobs", "daily"]).exit_code == 0
    with app.app_context():
        assert db.session.get(Registrant, registrant).name is None
    html = login_as("chief1").get("/admin/access_log/?screen=registrant.details_view")
    html = html.get_data(as_text=True)
    (row,) = rows_of(html)
    assert f"{number_of(app, registrant)}（消去済み）" in row and "テスト合唱団" not in html


def test_the_record_filter_takes_what_the_chief_reads(app, login_as):
    with app.app_context():
        first, second = make_registrant("中央公民館"), make_registrant("中央公民館")
        notice = make_received_notice(first)
        notice_id, notice_number = notice.id, notice.notice_number
    write(app, "staff1", "KOMINKAN", "registrant.details_view", str(first))
    write(app, "chief1", "KOMINKAN", "registrant.edit_view", str(first))
    write(app, "staff1", "KOMINKAN", "change_notice.receive", str(first))
    write(app, "staff1", "KOMINKAN", "registrant.details_view", str(second))
    # A notice's id may equal the registrant's: the registrant's number does not find it.
    write(app, "staff1", "KOMINKAN", "change_notice.details", str(notice_id))
    client = login_as("chief1")
    number = number_of(app, first)
    for typed in (number, number.lower(), "Ｋ－" + number[2:]):
        html = client.get("/admin/access_log/", query_string={"record": typed}).get_data(
            as_text=True
        )
        assert len(rows_of(html)) == 3, typed  # details, edit, the notice received for it
    by_notice = client.get("/admin/access_log/", query_string={"record": notice_number})
    (row,) = rows_of(by_notice.get_data(as_text=True))
    assert notice_number in row
    nothing = client.get("/admin/access_log/", query_string={"record": "K-999999"})
    assert rows_of(nothing.get_data(as_text=True)) == []
    # The pivot link of a record carries its number.
    html = client.get("/admin/access_log/").get_data(as_text=True)
    assert f"record={number}&amp;record_screen=registrant" in html


def test_a_talent_entry_is_named_only_to_a_chief_of_its_facility(app, login_as):
    from models.public.talent import TalentEntry, TalentField

    with app.app_context():
        entry = TalentEntry(
            facility_id=facility_id("スポーツセンター"),
            field=TalentField.SPORTS,
            name="山本 正",
            display_name="やまもと先生",
            display_kana="ヤマモトセンセイ",
            offer="ヨガ教室",
        )
        db.session.add(entry)
        db.session.commit()
        entry_id = entry.id
    write(
        app,
        "staff1",
        "KOMINKAN",
        "talent_entry.details_view",
        str(entry_id),
        action=AccessAction.DENIED,
        status=404,
    )
    write(app, "staff2", "SPORTS", "talent_entry.details_view", str(entry_id))
    kominkan = login_as("chief1").get("/admin/access_log/").get_data(as_text=True)
    assert "やまもと先生" not in kominkan and f'data-record="{entry_id}"' in kominkan
    sports = sports_chief(app).get("/admin/access_log/").get_data(as_text=True)
    assert "やまもと先生" in log_table(sports)


# --- 拒否: requests for records outside the user's scope ------------------------------------


def test_out_of_scope_record_is_404_and_flagged_denied_for_the_chief(app, login_as):
    with app.app_context():
        hall = make_registrant("中央公民館")
    staff2 = login_as("staff2")
    assert staff2.get(f"/admin/registrant/details/?id={hall}").status_code == 404
    assert staff2.get("/admin/registrant/details/?id=987654").status_code == 404
    with app.app_context():
        denied, absent = db.session.scalars(
            select(AccessLog)
            .where(AccessLog.endpoint == "registrant.details_view")
            .order_by(AccessLog.id)
        ).all()
    assert (denied.action, denied.status) == (AccessAction.DENIED, 404)
    # A truly absent id is not a refusal (nothing outside the scope was asked for).
    assert (absent.action, absent.status) == (AccessAction.VIEW, 404)
    html = sports_chief(app).get("/admin/access_log/").get_data(as_text=True)
    rows = rows_of(html)
    (denied_row,) = [r for r in rows if f'data-row="{denied.id}"' in r]
    (absent_row,) = [r for r in rows if f'data-row="{absent.id}"' in r]
    assert 'data-flag="denied"' in denied_row and "利用登録者 詳細" in denied_row
    assert number_of(app, hall) in denied_row and ">拒否<" in denied_row
    assert 'data-flag="denied"' not in absent_row and "987654（該当なし）" in absent_row


def test_the_404_for_out_of_scope_and_absent_records_is_the_same(app, login_as):
    with app.app_context():
        hall = make_registrant("中央公民館")
    staff2 = login_as("staff2")
    out_of_scope = staff2.get(f"/admin/registrant/details/?id={hall}")
    absent = staff2.get("/admin/registrant/details/?id=987654")
    assert out_of_scope.status_code == absent.status_code == 404
    # The same page, byte for byte, but for what differs on every response (the CSP nonce).
    assert without_nonce(out_of_scope.get_data()) == without_nonce(absent.get_data())
    assert b"<nav" in out_of_scope.get_data()  # the back-office page, with its menu


def without_nonce(body: bytes) -> bytes:
    return re.sub(rb'nonce="[^"]*"', b'nonce=""', body)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/registrant/edit/?id={registrant}",
        "/admin/registrant/print/?id={registrant}",
        "/admin/change_notice/details/?id={notice}",
        "/admin/change_notice/print/?id={notice}",
        "/admin/change_notice/receive/?registrant_id={registrant}",
        "/admin/registrant/blank/?facility_id={facility}",
    ],
)
def test_every_way_to_a_record_outside_the_scope_is_flagged(app, login_as, path):
    with app.app_context():
        registrant = make_registrant("中央公民館")
        notice = make_received_notice(registrant).id
        facility = facility_id("中央公民館")
    response = login_as("staff2").get(
        path.format(registrant=registrant, notice=notice, facility=facility)
    )
    assert response.status_code == 404
    row = last_row(app)
    assert (row.action, row.status) == (AccessAction.DENIED, 404)


def test_a_bulk_action_naming_records_outside_the_scope_is_flagged(app, login_as):
    with app.app_context():
        hall = make_registrant("中央公民館")
        before = db.session.get(Registrant, hall).expires_on
    client = login_as("staff2")
    page = client.get("/admin/registrant/").get_data(as_text=True)
    response = client.post(
        "/admin/registrant/action/",
        data={"action": "renew", "rowid": [str(hall)], "csrf_token": csrf_token(page)},
    )
    assert response.status_code == 302
    row = last_row(app)
    assert (row.endpoint, row.action, row.record_ids) == (
        "registrant.action_view:renew",
        AccessAction.DENIED,
        str(hall),
    )
    with app.app_context():
        assert db.session.get(Registrant, hall).expires_on == before  # not touched


def test_denied_requests_are_counted_per_person(app, login_as):
    with app.app_context():
        make_user("staff9", Role.FACILITY_STAFF, "SPORTS")
        ids = [make_registrant("中央公民館") for _ in range(3)]
    staff2 = login_as("staff2")
    for registrant in ids:
        staff2.get(f"/admin/registrant/details/?id={registrant}")
    staff2.get("/admin/staff_user/")  # 403: denied as well
    other = app.test_client()
    login(other, "staff9", PASSWORD)
    other.get(f"/admin/registrant/details/?id={ids[0]}")
    other.get("/admin/registrant/")  # allowed: not counted
    write(
        app,
        "staff1",
        "KOMINKAN",
        "registrant.details_view",
        str(ids[0]),
        action=AccessAction.DENIED,
        status=404,
    )  # another section's: not counted here
    html = sports_chief(app).get("/admin/access_log/").get_data(as_text=True)
    table = html.split('data-testid="denied"')[1].split("</table>")[0]
    counts = {
        name: int(n)
        for name, n in re.findall(
            r"<td>([^<]+) \([a-z0-9]+\)</td>\s*<td[^>]*><a [^>]*data-count=\"(\d+)\"", table
        )
    }
    assert counts == {"佐藤 健一": 4, "テスト staff9": 1}
    assert "拒否された要求" in html
    with app.app_context():
        staff2_id = db.session.scalar(select(StaffUser.id).where(StaffUser.login == "staff2"))
    client = app.test_client()
    login(client, "sportschief", PASSWORD)
    by_person = client.get(f"/admin/access_log/?user={staff2_id}&action=denied").get_data(
        as_text=True
    )
    assert len(rows_of(by_person)) == 4


# --- the export ------------------------------------------------------------------------------


def test_the_chief_exports_the_filtered_log_in_words(app, login_as):
    with app.app_context():
        registrant = make_registrant("中央公民館")
        staff8 = db.session.get(StaffUser, make_user("staff8", Role.FACILITY_STAFF, "KOMINKAN"))
        staff8.name = '=HYPERLINK("x")'  # a name that Excel would run as a formula
        db.session.commit()
    write(app, "staff1", "KOMINKAN", "registrant.details_view", str(registrant))
    write(app, "staff8", "KOMINKAN", "registrant.edit_view", str(registrant))
    write(app, "staff1", "KOMINKAN", "facility.index_view")
    client = login_as("chief1")
    response = client.get(
        "/admin/access_log/export/", query_string={"record": number_of(app, registrant)}
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert table[0] == [
        "日時",
        "職員",
        "ログインID",
        "分類",
        "画面",
        "レコード",
        "操作",
        "接続元",
        "結果",
        "注意",
    ]
    number = number_of(app, registrant)
    assert [(r[1], r[2], r[3], r[4], r[5], r[6]) for r in table[1:]] == [
        ('\'=HYPERLINK("x")', "staff8", "利用登録", "利用登録者 編集", number, "閲覧"),
        ("山田 花子", "staff1", "利用登録", "利用登録者 詳細", number, "閲覧"),
    ]
    assert not [cell for row in table for cell in row for e in LOGGED if e in cell]
    row = last_row(app)
    assert (row.endpoint, row.action) == ("access_log.export", AccessAction.EXPORT)


def test_an_export_too_large_asks_to_narrow_the_period(app, login_as, monkeypatch):
    import views.access_log.log

    monkeypatch.setattr(views.access_log.log, "EXPORT_MAX", 2)
    for _ in range(3):
        write(app, "staff1", "KOMINKAN", "facility.index_view")
    client = login_as("chief1")
    response = client.get("/admin/access_log/export/", follow_redirects=True)
    assert response.status_code == 200 and "期間を絞り" in response.get_data(as_text=True)


@pytest.mark.parametrize("login_id", ["staff1", "it1", "auditor1", "contractor1"])
def test_only_a_chief_exports_the_log(app, login_as, login_id):
    write(app, "staff1", "KOMINKAN", "facility.index_view")
    response = login_as(login_id).get("/admin/access_log/export/")
    assert response.status_code == 403 and response.mimetype == "text/html"
    assert "接続元" not in response.get_data(as_text=True)  # not the export (its header)


@pytest.mark.parametrize(
    "query",
    [
        {"record": "1\x00'"},
        {"screen": "registrant.details_view\x00"},
        {"screen": "no.such"},
        {"record": "1", "record_screen": "no_such_kind"},
        {"record": "9" * 60},
        {"record": "山田花子"},
        {"record": "1", "record_screen": "x\x00"},
    ],
)
def test_junk_in_the_filters_matches_nothing_and_never_fails(app, login_as, query):
    write(app, "staff1", "KOMINKAN", "registrant.details_view", "1")
    client = login_as("chief1")
    if any("\x00" in value for value in query.values()):  # the guard before every view
        for url in ("/admin/access_log/", "/admin/access_log/export/"):
            response = client.get(url, query_string=query)
            assert response.status_code == 400
            assert "入力できない文字" in response.get_data(as_text=True)
        return
    html = client.get("/admin/access_log/", query_string=query)
    assert html.status_code == 200 and rows_of(html.get_data(as_text=True)) == []
    export = client.get("/admin/access_log/export/", query_string=query)
    assert export.status_code == 200
    assert len(export.get_data().decode("utf-8-sig").splitlines()) == 1  # the header only


def test_records_are_looked_up_once_per_kind_not_per_row(app, demo):
    from sqlalchemy import event

    from models.access_log.records import describe

    with app.app_context():
        registrants = [make_registrant("中央公民館") for _ in range(12)]
        notice = make_received_notice(registrants[0]).id
        rows = [
            AccessLog(id=n, endpoint="registrant.details_view", record_ids=str(r))
            for n, r in enumerate(registrants)
        ]
        rows += [
            AccessLog(id=100 + n, endpoint="change_notice.details", record_ids=str(notice))
            for n in range(12)
        ]
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            words = describe(rows, set())
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    assert len(statements) == 2
    assert {ref.text[:2] for refs in words.values() for ref in refs} == {"K-", "N-"}


def test_a_bulk_action_is_logged_by_its_name_and_a_bulk_deletion_as_a_deletion(app, login_as):
    """The log said 「一括操作」 and 「編集」 for a renewal and a deletion alike."""
    from models import TalentEntry, TalentField

    with app.app_context():
        entries = []
        for n in range(2):
            entry = TalentEntry(
                facility_id=facility_id("中央公民館"),
                field=TalentField.ARTS,
                name=f"講師 {n}",
                display_name=f"講師{n}",
                display_kana=f"コウシ{n}",
                offer="水彩画",
            )
            db.session.add(entry)
            db.session.flush()
            entries.append(entry.id)
        db.session.commit()
    staff = login_as("staff1")
    token = csrf_token(staff.get("/admin/talent_entry/").get_data(as_text=True))
    for action in ("renew", "delete"):
        assert (
            staff.post(
                "/admin/talent_entry/action/",
                data={"action": action, "rowid": [str(i) for i in entries], "csrf_token": token},
            ).status_code
            == 302
        )
    with app.app_context():
        rows = db.session.execute(
            select(AccessLog.endpoint, AccessLog.action)
            .where(AccessLog.endpoint.like("talent_entry.action_view%"))
            .order_by(AccessLog.id)
        ).all()
        assert db.session.scalar(select(TalentEntry.id).where(TalentEntry.id.in_(entries))) is None
    assert rows == [
        ("talent_entry.action_view:renew", AccessAction.EDIT),
        ("talent_entry.action_view:delete", AccessAction.DELETE),
    ]
    staff.post("/logout", data={"csrf_token": token})
    html = login_as("chief1").get("/admin/access_log/").get_data(as_text=True)
    rows_html = [visible(r) for r in rows_of(html) if "一括操作" in visible(r)]
    assert len(rows_html) == 2
    assert "人材バンク 一括操作（削除）" in rows_html[0] and "削除" in rows_html[0]
    assert "人材バンク 一括操作（更新）" in rows_html[1] and "編集" in rows_html[1]
    screens = html.split('name="screen"')[1].split("</select>")[0]
    assert "人材バンク 一括操作（削除）" in screens  # and the filter offers it


def test_a_forged_bulk_action_the_person_may_not_run_is_refused_and_flagged(app, login_as):
    with app.app_context():
        hall = make_registrant("中央公民館")
    staff = login_as("staff1")
    token = csrf_token(staff.get("/admin/registrant/").get_data(as_text=True))
    response = staff.post(
        "/admin/registrant/action/",
        data={"action": "delete", "rowid": [str(hall)], "csrf_token": token},
    )
    assert response.status_code == 403
    row = last_row(app)
    assert (row.endpoint, row.action, row.status) == (
        "registrant.action_view:delete",
        AccessAction.DENIED,
        403,
    )
    with app.app_context():
        assert db.session.get(Registrant, hall) is not None


def test_grants_transfers_contractors_training_and_sign_offs_are_shown_in_words(app, login_as):
    """Not only registrations and notices: every record a chief's staff may open is named
    as the staff know it (ids alone said nothing)."""
    from models import (
        ContractorCompany,
        LogReview,
        PersonnelTransfer,
        RoleAssignment,
        TrainingRecord,
        TransferBatch,
    )

    client = login_as("chief1")
    page = client.get("/admin/log_review/").get_data(as_text=True)
    with app.app_context():
        kominkan = db.session.scalar(select(Section.id).where(Section.code == "KOMINKAN"))
    assert (
        client.post(
            "/admin/log_review/record/",
            data={
                "section": kominkan,
                "period_from": "2026-01-05",
                "period_to": "2026-01-09",
                "findings": "none",
                "csrf_token": csrf_token(page),
            },
        ).status_code
        == 302
    )
    with app.app_context():
        grant = db.session.scalar(
            select(RoleAssignment.id).join(RoleAssignment.user).where(StaffUser.login == "staff1")
        )
        transfer = db.session.scalars(select(PersonnelTransfer)).first()
        company = db.session.scalars(
            select(ContractorCompany).order_by(ContractorCompany.id)
        ).first()
        training = db.session.scalars(select(TrainingRecord).order_by(TrainingRecord.id)).first()
        batch = TransferBatch()
        db.session.add(batch)
        db.session.commit()
        expected = {
            ("grant.decide", grant): "staff1 への権限付与",
            ("role_assignment.details_view", grant): "staff1 への権限付与",
            ("grant.decide_batch", batch.id): f"人事異動一覧 {batch.id}",
            (
                "personnel_transfer.details_view",
                transfer.id,
            ): f"{transfer.user.login} の異動（{transfer.effective_on.isoformat()}）",
            ("contractor_company.details_view", company.id): company.name,
            (
                "training_record.details_view",
                training.id,
            ): f"{training.user.login} の研修（{training.trained_on.isoformat()}）",
            (
                "log_review.print_view",
                db.session.scalar(
                    select(LogReview.id).where(LogReview.period_from == date(2026, 1, 5))
                ),
            ): "公民館 の点検記録（2026-01-05〜2026-01-09）",
        }
    for endpoint, record in expected:
        write(app, "chief1", "KOMINKAN", endpoint, str(record))
    html = client.get("/admin/access_log/").get_data(as_text=True)
    rows = [visible(row) for row in rows_of(html)]
    for (endpoint, _), words in expected.items():
        with app.test_request_context("/?lang=ja"):
            screen = str(TABLE[endpoint].screen)
        assert any(screen in text and words in text for text in rows), (endpoint, words)


def test_everyone_who_touched_one_record_includes_bulk_actions_that_named_it(app, login_as):
    """A bulk renewal or confirmation names several records in one row: the pivot on one of
    them ("everyone who opened this record") must list it too."""
    with app.app_context():
        ids = [make_registrant("中央公民館") for _ in range(3)]
    number = number_of(app, ids[1])
    staff = login_as("staff1")
    staff.get(f"/admin/registrant/details/?id={ids[1]}")
    token = csrf_token(staff.get("/admin/registrant/").get_data(as_text=True))
    assert (
        staff.post(
            "/admin/registrant/action/",
            data={"action": "renew", "rowid": [str(i) for i in ids], "csrf_token": token},
        ).status_code
        == 302
    )
    write(
        app, "staff1", "KOMINKAN", "registrant.action_view:renew", f"{ids[1]}0,{ids[1]}1"
    )  # other records whose ids merely contain it
    staff.post("/logout", data={"csrf_token": token})
    html = (
        login_as("chief1")
        .get("/admin/access_log/", query_string={"record": number})
        .get_data(as_text=True)
    )
    rows = [" ".join(visible(r).split()) for r in rows_of(html)]
    assert len(rows) == 2, rows
    assert "利用登録者 詳細" in rows[1] and "利用登録者 一括操作（更新）" in rows[0]
    assert number in rows[0] and number_of(app, ids[0]) in rows[0]
