"""Japanese input as people type it: normalisation and checks shared by forms and imports.

Every check raises InputError with a Japanese (translatable) message.
"""

import re
import unicodedata
from typing import TypeVar

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from models.errors import InputError

HYPHENS = "‐‑‒–—―−ｰ－"  # hyphen-like characters people type for "-"
MOBILE_AND_IP = {"020", "050", "060", "070", "080", "090"}  # 11-digit numbers
KANA = re.compile(r"[ァ-ヶー・\s]+")


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def nfkc(value: str | None) -> str:
    """Full-width digits, letters and spaces become their plain forms; edges trimmed; control
    characters (NUL among them, which PostgreSQL text refuses) dropped."""
    return CONTROL.sub("", unicodedata.normalize("NFKC", value or "")).strip()


def normalise_name(value: str | None) -> str:
    return re.sub(r"\s+", " ", nfkc(value))


def normalise_kana(value: str | None) -> str:
    """Katakana, with hiragana converted; the long-vowel mark ー and spaces allowed."""
    text = re.sub(r"\s+", " ", nfkc(value))
    text = "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)
    return text


def check_kana(value: str) -> str:
    value = normalise_kana(value)
    if value and not KANA.fullmatch(value):
        raise InputError(_l("Enter the furigana in katakana (hiragana is converted)."))
    return value


def _digits(value: str | None) -> str:
    text = nfkc(value)
    for ch in HYPHENS:
        text = text.replace(ch, "-")
    return re.sub(r"[\s\-()]", "", text)


Value = TypeVar("Value")


def pre_normalise(value: Value) -> Value:
    """Gentle clean-up before any check (never fails): full-width forms, the 〒 mark and
    hyphens in postal codes, so that length limits apply to what will be stored."""
    if not isinstance(value, str):
        return value
    text = nfkc(value)
    if re.fullmatch(r"〒?\s*[\d\-\s" + HYPHENS + r"]{7,10}", text):
        return _digits(text).removeprefix("〒")
    return text


def check_postal_code(value: str | None) -> str:
    """Seven digits, stored without the hyphen."""
    digits = _digits(value).removeprefix("〒")
    if not re.fullmatch(r"\d{7}", digits):
        raise InputError(_l("Enter the postal code as 7 digits, e.g. 189-8501."))
    return digits


def format_postal_code(digits: str | None) -> str:
    return f"{digits[:3]}-{digits[3:]}" if digits and len(digits) == 7 else (digits or "")


def check_phone(value: str | None) -> str:
    """A Japanese number (fixed line 10 digits, mobile/IP 11), stored in national format."""
    digits = _digits(value)
    expected = 11 if digits[:3] in MOBILE_AND_IP else 10
    if not re.fullmatch(r"0\d+", digits) or len(digits) != expected:
        raise InputError(
            _l(
                "Enter a Japanese phone number: 10 digits for a fixed line, "
                "11 for a mobile or IP phone."
            )
        )
    number = phonenumbers.parse(digits, "JP")
    if not phonenumbers.is_valid_number(number):
        raise InputError(_l("This is not a valid Japanese phone number."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def phone_digits(formatted: str | None) -> str | None:
    return _digits(formatted) or None


def check_email(value: str | None) -> str | None:
    text = nfkc(value)
    if not text:
        return None
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise InputError(_l("Enter a valid e-mail address.")) from error
