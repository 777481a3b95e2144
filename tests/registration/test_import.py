"""Importing registrants from the old system: encodings, all-or-nothing, row-level errors;
imported registrations wait for the same final confirmation as those typed at the counter."""

from datetime import date

import pytest
from sqlalchemy import func, select

from admin_app.extensions import db
from models import Registrant, RegistrantStatus, Role, StaffUser
from tests.builders import PASSWORD
from tests.builders.staff import add_role, make_user
from tests.support import csrf_token, login

HEADER = (
    "facility,kind,name,name_kana,representative_name,representative_kana,postal_code,"
    "address,phone,email,birth_date,activity,registered_on\n"
)
GOOD = [
    "中央公民館,団体,青葉書道会,あおばしょどうかい,田中 一郎,タナカ イチロウ,189-0014,"
    "東村山市本町1-1-1,042-393-5111,,,書道,2025-04-01\n",
    "スポーツセンター,個人,鈴木 花,スズキ ハナ,,,１８９－０００１,東村山市秋津町2-2,"
    "090-1234-5678,hana@example.jp,2012-04-01,,\n",
]


def registrants(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Registrant))


@pytest.fixture
def importer(app, demo):
    """Counter staff of 中央公民館 (公民館 section) and スポーツセンター: both GOOD rows."""
    with app.app_context():
        uid = make_user("importer1", Role.FACILITY_STAFF, "KOMINKAN")
        add_role(uid, Role.FACILITY_STAFF, "SPORTS", date(2026, 4, 1))
    return "importer1"


def run(app, tmp_path, content: bytes, *args, entered_by: str | None = "importer1"):
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    who = ["--entered-by", entered_by] if entered_by else []
    return app.test_cli_runner().invoke(args=["import", "registrants", str(path), *who, *args])


def test_utf8_with_bom_imports_every_row(app, importer, tmp_path):
    result = run(app, tmp_path, ("\ufeff" + HEADER + "".join(GOOD)).encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert "2 registrants imported" in result.output
    with app.app_context():
        numbers = set(db.session.scalars(select(Registrant.registration_number)))
        kana = set(db.session.scalars(select(Registrant.name_kana)))
    assert numbers == {"K-000001", "S-000001"}
    assert "アオバショドウカイ" in kana


def test_shift_jis_is_accepted(app, importer, tmp_path):
    result = run(app, tmp_path, (HEADER + "".join(GOOD)).encode("cp932"))
    assert result.exit_code == 0, result.output
    assert registrants(app) == 2


def test_one_bad_row_imports_nothing_and_every_bad_row_is_reported(app, importer, tmp_path):
    bad = [
        "中央公民館,団体,,カナ,代表,ダイヒョウ,189-0014,住所,042-393-5111,,,,\n",
        "存在しない館,個人,山田,ヤマダ,,,189-0014,住所,042-393-5111,,,,\n",
        "中央公民館,個人,山田 太郎,ヤマダ タロウ,,,189-0014,住所,042-393-511,,1990-01-01,,\n",
    ]
    result = run(app, tmp_path, (HEADER + GOOD[0] + "".join(bad)).encode("utf-8"))
    assert result.exit_code != 0
    lines = result.output.splitlines()
    assert "row 3: name: この項目は必須です。" in lines
    assert "row 4: facility: 施設名が登録されていません。" in lines
    assert any(line.startswith("row 5: phone: 電話番号は") for line in lines)
    assert "row 5: birth_date: この登録ではこの項目を収集しません。空欄にしてください。" in lines
    assert "nothing imported" in result.output
    assert registrants(app) == 0


def test_dry_run_checks_but_imports_nothing(app, importer, tmp_path):
    result = run(app, tmp_path, (HEADER + "".join(GOOD)).encode("utf-8"), "--dry-run")
    assert result.exit_code == 0
    assert "checked (dry run)" in result.output
    assert registrants(app) == 0


def test_missing_columns_are_reported(app, importer, tmp_path):
    result = run(app, tmp_path, "name,phone\n山田,042-393-5111\n".encode())
    assert result.exit_code != 0 and "missing columns facility, kind, name_kana" in result.output


def test_imported_registrations_wait_for_confirmation_entered_by_the_importer(
    app, importer, tmp_path
):
    result = run(app, tmp_path, (HEADER + "".join(GOOD)).encode("utf-8"))
    assert result.exit_code == 0, result.output
    with app.app_context():
        rows = db.session.scalars(select(Registrant)).all()
        assert {r.status for r in rows} == {RegistrantStatus.PENDING}
        assert {r.created_by.login for r in rows} == {"importer1"}
        assert not any(r.is_current() for r in rows) and not any(r.confirmed_at for r in rows)
        kominkan = next(r.id for r in rows if r.registration_number.startswith("K-"))
    # The importer cannot confirm what they imported, even as a designated confirmer.
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.login == "importer1"))
        for assignment in user.assignments:
            assignment.designated_confirmer = True
        db.session.commit()
    client = app.test_client()
    login(client, "importer1", PASSWORD)
    token = csrf_token(
        client.get(f"/admin/registrant/details/?id={kominkan}").get_data(as_text=True)
    )
    response = client.post(f"/admin/registrant/confirm/?id={kominkan}", data={"csrf_token": token})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Registrant, kominkan).status == RegistrantStatus.PENDING


def test_the_person_entering_must_be_named_known_and_serve_the_facility(app, importer, tmp_path):
    content = (HEADER + "".join(GOOD)).encode("utf-8")
    result = run(app, tmp_path, content, entered_by=None)
    assert result.exit_code != 0 and "--entered-by" in result.output
    result = run(app, tmp_path, content, entered_by="nobody")
    assert result.exit_code != 0 and "no staff ID 'nobody'" in result.output
    result = run(app, tmp_path, content, entered_by="it1")  # no counter role at all
    assert result.exit_code != 0
    assert "この職員IDでは利用登録を入力できません" in result.output
    result = run(app, tmp_path, content, entered_by="staff1")  # not スポーツセンター's counter
    assert result.exit_code != 0
    assert (
        "row 3: facility: 取り込みを行う職員はこの施設の窓口担当ではありません。"
        in result.output.splitlines()
    )
    assert registrants(app) == 0
