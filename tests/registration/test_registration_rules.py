"""Term, renewal, expiry and erasure; numbering per facility kind."""

from datetime import date

import pytest
from sqlalchemy import select

from admin_app.extensions import db
from models import Registrant, RegistrantStatus, StaffUser
from models.registration.steps import StepError
from models.registration.trail import renew
from tests.builders.registration import make_registrant, resident_check


def clerk() -> StaffUser:
    return db.session.scalar(select(StaffUser).where(StaffUser.login == "staff1"))


def checked(r: Registrant, on: date) -> None:
    """A fresh eligibility check recorded by staff1."""
    r.eligibility_checks.append(resident_check(clerk(), on))
    db.session.flush()
    db.session.refresh(r)


def test_numbers_run_per_facility_kind(app, demo):
    with app.app_context():
        ids = [
            make_registrant("中央公民館"),
            make_registrant("萩山公民館"),
            make_registrant("スポーツセンター", "individual", birth_date=date(1980, 1, 1)),
            make_registrant("本町集会所"),
        ]
        numbers = [db.session.get(Registrant, i).registration_number for i in ids]
    assert numbers == ["K-000001", "K-000002", "S-000001", "C-000001"]


def test_term_defaults_to_three_years(app, demo):
    with app.app_context():
        r = db.session.get(Registrant, make_registrant(registered_on=date(2026, 4, 1)))
        assert r.expires_on == date(2029, 3, 31)


def test_renewal_extends_the_term_from_its_end(app, demo):
    with app.app_context():
        r = db.session.get(Registrant, make_registrant(registered_on=date(2024, 4, 1)))
        checked(r, date(2027, 1, 20))
        assert renew(r, clerk(), today=date(2027, 2, 1)) == date(2030, 3, 31)


def test_renewal_after_expiry_needs_a_fresh_eligibility_check(app, demo):
    with app.app_context():
        r = db.session.get(Registrant, make_registrant(registered_on=date(2022, 4, 1)))
        with pytest.raises(StepError) as error:
            renew(r, clerk(), today=date(2026, 11, 26))
        assert "新しい利用要件確認" in str(error.value)
        checked(r, date(2026, 11, 26))
        assert renew(r, clerk(), today=date(2026, 11, 26)) == date(2029, 11, 25)
        assert r.status == RegistrantStatus.ACTIVE


def test_daily_job_expires_then_erases_after_the_grace_period_idempotently(app, demo):
    with app.app_context():
        rid = make_registrant(
            registered_on=date(2023, 4, 1), email="a@example.jp", activity="合唱"
        )  # expires 2026-03-31
    runner = app.test_cli_runner()
    out = runner.invoke(args=["jobs", "daily", "--date", "2026-03-31"]).output
    assert "registrations expired: 0" in out
    out = runner.invoke(args=["jobs", "daily", "--date", "2026-04-01"]).output
    assert "registrations expired: 1" in out and "K-000001" in out
    assert (
        "registrations expired: 0"
        in runner.invoke(args=["jobs", "daily", "--date", "2026-04-01"]).output
    )  # idempotent
    out = runner.invoke(args=["jobs", "daily", "--date", "2027-03-31"]).output
    assert "erased (personal data removed): 0" in out
    out = runner.invoke(args=["jobs", "daily", "--date", "2027-04-01"]).output
    assert "erased (personal data removed): 1" in out
    with app.app_context():
        r = db.session.get(Registrant, rid)
        assert r.status == RegistrantStatus.ERASED and r.erased_on == date(2027, 4, 1)
        personal = [
            r.name,
            r.name_kana,
            r.representative_name,
            r.representative_kana,
            r.postal_code,
            r.address,
            r.phone,
            r.phone_digits,
            r.email,
            r.birth_date,
            r.activity,
        ]
        assert personal == [None] * len(personal)
        # What statistics need stays.
        assert (r.kind.value, r.facility.name, r.registered_on) == (
            "group",
            "中央公民館",
            date(2023, 4, 1),
        )
    assert (
        "erased (personal data removed): 0"
        in runner.invoke(args=["jobs", "daily", "--date", "2027-04-02"]).output
    )


def test_expired_registrant_is_not_current(app, demo):
    with app.app_context():
        r = db.session.get(Registrant, make_registrant(registered_on=date(2023, 4, 1)))
        assert r.is_current(date(2026, 3, 31))
        assert not r.is_current(date(2026, 4, 1))
        assert not r.is_current(date(2023, 3, 31))
