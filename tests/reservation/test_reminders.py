"""Mail to registrants: the daily job mails a reminder 3 days before the day of use, exactly
once, only to registrants with an e-mail address and consent to mail, never for a cancelled
booking; the lottery's result goes through the same path. A mail server that refuses never
stops the job nor a booking: the failure is recorded, tried again the next day, then given up.
Staff record the consent from the paper form; erasure clears it."""

import email
from datetime import date, timedelta
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from admin_app.config import Config, ConfigurationError, ProductionConfig
from admin_app.extensions import db
from admin_app.jobs import run_daily
from bench.load import free_port
from models import Booking, BookingState, MailNotice, MailState, Registrant
from models.clock import today_local
from models.registration.erasure import erase_registrant
from models.reservation import jobs
from models.reservation.notices import lottery_result_mail, may_mail
from models.reservation.rules import cancel
from tests.builders.registration import edit_data
from tests.builders.reservation import make_booker, make_booking, registrant, room, staff
from tests.support import PRODUCTION_ENV

ADDRESS = "choir@example.jp"


@pytest.fixture
def outbox(app, tmp_path, monkeypatch) -> Path:
    """Mail written to a directory of this test's own."""
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path))
    return tmp_path


@pytest.fixture
def refusing(app, monkeypatch) -> None:
    """SMTP to a local port nobody listens on: every mail fails (connection refused)."""
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", "")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 2)


def mails(outbox: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(outbox.glob("*.eml"))
    ]


def in_days(n: int) -> date:
    return today_local() + timedelta(days=n)


def daily(day: date) -> list[str]:
    report = jobs.daily(day)
    db.session.commit()
    return report


def notices() -> list[MailNotice]:
    return list(db.session.scalars(select(MailNotice).order_by(MailNotice.id)))


def booker(name: str, **fields) -> int:
    return make_booker(name=name, **{"email": ADDRESS, "mail_consent": True} | fields)


def test_a_reminder_is_mailed_once_three_days_before_in_japanese(app, demo, outbox):
    day = in_days(3)
    with app.app_context():
        rid = booker("東村山合唱団")
        bid = make_booking(rid, "第1会議室", day, "am")
        number = registrant(rid).registration_number
        early = daily(in_days(-1))  # four days before: not yet
        assert mails(outbox) == []
        report = daily(today_local())
        daily(in_days(1))  # the next day's job: not again
        daily(today_local())  # the same day run twice: not again
        sent = mails(outbox)
        assert len(sent) == 1
        assert "mails sent: 0" in early[-1] and "mails sent: 1, failed: 0" in report[-1]
        mail = sent[0]
        assert mail["To"] == ADDRESS
        assert "利用日のお知らせ" in mail["Subject"] and "中央公民館" in mail["Subject"]
        body = mail.get_content()
        weekday = "月火水木金土日"[day.weekday()]
        assert f"{day.year}年{day.month}月{day.day}日（{weekday}）" in body
        assert "中央公民館" in body and "第1会議室" in body and "9:00–12:00" in body
        assert "未納" in body and "窓口で納付" in body
        assert number in body and "東村山合唱団" not in body  # the number, not the name
        [notice] = notices()
        assert (notice.booking_id, notice.state, notice.attempts) == (bid, MailState.SENT, 1)
        assert notice.body is None  # kept only until sent


def test_no_reminder_without_consent_without_address_or_for_a_cancelled_booking(app, demo, outbox):
    day = in_days(3)
    with app.app_context():
        no_consent = booker("同意なしの会", mail_consent=False)
        no_address = booker("アドレスなしの会", email=None)
        gone = booker("取消した会")
        make_booking(no_consent, "第1会議室", day, "am")
        make_booking(no_address, "第1会議室", day, "pm")
        cancelled = make_booking(gone, "第1会議室", day, "night")
        cancel(db.session.get(Booking, cancelled), "都合により", by=staff())
        db.session.commit()
        daily(today_local())
        assert mails(outbox) == [] and notices() == []


def test_the_booking_page_shows_the_reminder(app, login_as, outbox):
    with app.app_context():
        bid = make_booking(booker("東村山合唱団"), "第1会議室", in_days(3), "am")
        daily(today_local())
    html = login_as("staff1").get(f"/admin/reservation/booking/?id={bid}").get_data(as_text=True)
    assert "お知らせメール" in html
    assert 'data-testid="reminder"' in html and "送信済み" in html


def test_a_refusing_mail_server_never_stops_the_job(app, demo, refusing, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 2)
    with app.app_context():
        rid = booker("東村山合唱団")
        bid = make_booking(rid, "第1会議室", in_days(5), "am")
        # Due the same run: a provisional booking past its payment deadline.
        unpaid = make_booking(booker("未納の会"), "第1会議室", in_days(8), "pm")
        db.session.get(Booking, unpaid).deadline = in_days(1)
        db.session.commit()

        report = run_daily(in_days(2))  # the whole daily job, which commits once
        assert "mails sent: 0, failed: 1" in "\n".join(report)
        db.session.rollback()  # what was committed, not what the session holds
        assert db.session.get(Booking, unpaid).state == BookingState.EXPIRED
        assert db.session.get(Booking, bid).state == BookingState.PROVISIONAL
        [notice] = notices()
        assert (notice.state, notice.attempts) == (MailState.FAILED, 1)
        assert notice.error.startswith("ConnectionRefusedError")
        assert ADDRESS not in notice.error

        # Booking at the counter while mail is down: booked and committed.
        later = make_booking(rid, "第1会議室", in_days(9), "night")
        db.session.rollback()
        assert db.session.get(Booking, later).is_active

        run_daily(in_days(3))  # tried again the next day: fails a second time, the last
        db.session.rollback()
        assert (notices()[0].state, notices()[0].attempts) == (MailState.FAILED, 2)

        # The server is back: the given-up mail is not tried again.
        monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path))
        run_daily(in_days(4))
        assert mails(tmp_path) == []
        assert notices()[0].attempts == 2


def test_a_failed_reminder_is_sent_the_next_day(app, demo, refusing, monkeypatch, tmp_path):
    with app.app_context():
        make_booking(booker("東村山合唱団"), "第1会議室", in_days(3), "am")
        daily(today_local())
        assert notices()[0].state == MailState.FAILED and notices()[0].body
        monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(tmp_path))
        report = daily(in_days(1))
        assert "mails sent: 1, failed: 0" in report[-1]
        [mail] = mails(tmp_path)
        assert "中央公民館" in mail.get_content()
        [notice] = notices()
        assert (notice.state, notice.attempts) == (MailState.SENT, 2)


def test_the_lottery_result_is_mailed_once_and_a_failure_is_only_recorded(
    app, demo, outbox, monkeypatch
):
    day = in_days(40)
    with app.app_context():
        rid = booker("東村山合唱団")
        won = db.session.get(Booking, make_booking(rid, "第1会議室", day, "am"))
        hall = room("第2会議室")
        notice = lottery_result_mail(registrant(rid), [won], [(hall, day, "pm")], key="2027-01")
        again = lottery_result_mail(registrant(rid), [won], [], key="2027-01")
        db.session.commit()
        assert notice is again and notice.state == MailState.SENT
        [mail] = mails(outbox)
        body = mail.get_content()
        assert "抽選結果" in mail["Subject"]
        assert "当選" in body and "落選" in body and "第2会議室" in body
        assert f"{day.year}年{day.month}月{day.day}日" in body and "13:00–17:00" in body
        # Without consent: nothing is sent nor recorded.
        other = booker("同意なしの会", mail_consent=False)
        assert lottery_result_mail(registrant(other), [], [(hall, day, "am")], key="x") is None

        # The server refuses: recorded as failed, nothing raised, the caller's commit stands.
        monkeypatch.setitem(app.config, "MAIL_OUTBOX", "")
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
        failed = lottery_result_mail(registrant(rid), [won], [], key="2027-02")
        db.session.commit()
        assert failed.state == MailState.FAILED
        assert db.session.scalar(select(func.count()).select_from(MailNotice)) == 2


def test_staff_record_the_consent_and_erasure_clears_it(app, login_as):
    with app.app_context():
        rid = make_booker(name="東村山合唱団", email=ADDRESS)  # confirmed
        assert registrant(rid).mail_consent is False  # nobody consents by default
    client = login_as("staff1")
    url = f"/admin/registrant/edit/?id={rid}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="mail_consent"' in page and "メール送付への同意" in page
    # The paper form's box is ticked: staff tick it on the edit screen of the confirmed entry.
    assert client.post(url, data=edit_data(page, mail_consent="y")).status_code == 302
    with app.app_context():
        entry = db.session.get(Registrant, rid)
        assert entry.mail_consent is True and may_mail(entry)
        erase_registrant(entry)
        db.session.commit()
        erased = db.session.get(Registrant, rid)
        assert not erased.mail_consent and erased.email is None and not may_mail(erased)


def test_production_reads_the_mail_settings_from_the_environment(monkeypatch):
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("MAIL_OUTBOX", raising=False)
    monkeypatch.setenv("MAIL_SERVER", "smtp.city.example.lg.jp")
    monkeypatch.setenv("MAIL_PORT", "587")
    monkeypatch.setenv("MAIL_USE_TLS", "true")
    monkeypatch.setenv("MAIL_DEFAULT_SENDER", "noreply@city.example.lg.jp")
    config = ProductionConfig()
    assert (config.MAIL_SERVER, config.MAIL_PORT, config.MAIL_USE_TLS) == (
        "smtp.city.example.lg.jp",
        587,
        True,
    )
    assert config.MAIL_DEFAULT_SENDER == "noreply@city.example.lg.jp"
    assert config.MAIL_OUTBOX == ""  # sent by SMTP, not written to files
    assert Config().MAIL_OUTBOX.endswith("outbox")  # development writes files
    monkeypatch.setenv("MAIL_PORT", "smtp")
    with pytest.raises(ConfigurationError, match="MAIL_PORT must be a port number"):
        ProductionConfig()
