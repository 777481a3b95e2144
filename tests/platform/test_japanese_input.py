"""Japanese input as people type it."""

import pytest

from models.japanese import (
    InputError,
    check_email,
    check_kana,
    check_phone,
    check_postal_code,
    format_postal_code,
    normalise_name,
)


@pytest.fixture(autouse=True)
def japanese(app):
    """Messages are translated in the app's default language, Japanese."""
    with app.app_context():
        yield


def test_full_width_digits_and_hyphens_are_accepted():
    assert check_postal_code("１８９－８５０１") == "1898501"
    assert check_postal_code("〒189-8501") == "1898501"
    assert format_postal_code("1898501") == "189-8501"
    assert check_phone("０４２－３９３－５１１１") == "042-393-5111"
    assert check_phone("0423935111") == "042-393-5111"


def test_hiragana_becomes_katakana_and_the_long_vowel_mark_stays():
    assert check_kana("やまだ　はなこ") == "ヤマダ ハナコ"
    assert check_kana("コーラスノカイ") == "コーラスノカイ"
    assert check_kana("ｺｰﾗｽ") == "コーラス"  # half-width katakana


@pytest.mark.parametrize("text", ["山田", "yamada", "ヤマダ1"])
def test_furigana_must_be_kana(text):
    with pytest.raises(InputError, match="カタカナ"):
        check_kana(text)


@pytest.mark.parametrize(
    "number,expected",
    [
        ("03-1234-5678", "03-1234-5678"),  # fixed line: 10 digits
        ("09012345678", "090-1234-5678"),  # mobile: 11 digits
        ("050-1234-5678", "050-1234-5678"),  # IP phone: 11 digits
    ],
)
def test_valid_phone_numbers(number, expected):
    assert check_phone(number) == expected


@pytest.mark.parametrize(
    "number", ["042-393-511", "090-1234-567", "12345", "0000000000", "042-393-51111", "abc"]
)
def test_invalid_phone_numbers_get_the_japanese_message(number):
    with pytest.raises(InputError) as error:
        check_phone(number)
    assert "電話番号" in str(error.value)


@pytest.mark.parametrize("code", ["189-850", "18985011", "abcdefg"])
def test_postal_code_needs_seven_digits(code):
    with pytest.raises(InputError, match="7桁"):
        check_postal_code(code)


def test_email_is_optional_but_checked_when_given():
    assert check_email("") is None
    assert check_email("ｔａｒｏ@example.jp") == "taro@example.jp"
    with pytest.raises(InputError, match="メールアドレス"):
        check_email("taro@")


def test_names_are_normalised_to_single_spaces():
    assert normalise_name("  山田　　花子 ") == "山田 花子"


def test_control_characters_are_dropped_from_what_people_type():
    from models.japanese import nfkc, normalise_name

    assert nfkc("ab\x00c\x01\x7f") == "abc"
    assert normalise_name(" 東村山\x00 太郎\t") == "東村山 太郎"
