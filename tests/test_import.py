"""Importing registrants from the old system: encodings, all-or-nothing, row-level errors."""

from sqlalchemy import func, select

from admin_app.extensions import db
from models import Registrant

HEADER = ("facility,kind,name,name_kana,representative_name,representative_kana,postal_code,"
          "address,phone,email,birth_date,activity,registered_on\n")
GOOD = [
    "中央公民館,団体,青葉書道会,あおばしょどうかい,田中 一郎,タナカ イチロウ,189-0014,"
    "東村山市本町1-1-1,042-393-5111,,,書道,2025-04-01\n",
    "スポーツセンター,個人,鈴木 花,スズキ ハナ,,,１８９－０００１,東村山市秋津町2-2,"
    "090-1234-5678,hana@example.jp,2012-04-01,,\n",
]


def registrants(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Registrant))


def run(app, tmp_path, content: bytes, *args):
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    return app.test_cli_runner().invoke(args=["import", "registrants", str(path), *args])


def test_utf8_with_bom_imports_every_row(app, demo, tmp_path):
    result = run(app, tmp_path, ("\ufeff" + HEADER + "".join(GOOD)).encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert "2 registrants imported" in result.output
    with app.app_context():
        numbers = set(db.session.scalars(select(Registrant.registration_number)))
        kana = set(db.session.scalars(select(Registrant.name_kana)))
    assert numbers == {"K-000001", "S-000001"}
    assert "アオバショドウカイ" in kana


def test_shift_jis_is_accepted(app, demo, tmp_path):
    result = run(app, tmp_path, (HEADER + "".join(GOOD)).encode("cp932"))
    assert result.exit_code == 0, result.output
    assert registrants(app) == 2


def test_one_bad_row_imports_nothing_and_every_bad_row_is_reported(app, demo, tmp_path):
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


def test_dry_run_checks_but_imports_nothing(app, demo, tmp_path):
    result = run(app, tmp_path, (HEADER + "".join(GOOD)).encode("utf-8"), "--dry-run")
    assert result.exit_code == 0
    assert "checked (dry run)" in result.output
    assert registrants(app) == 0


def test_missing_columns_are_reported(app, demo, tmp_path):
    result = run(app, tmp_path, "name,phone\n山田,042-393-5111\n".encode())
    assert result.exit_code != 0 and "missing columns facility, kind, name_kana" in result.output
