"""Outgoing mail: one plain-text message to one address, through SMTP (MAIL_SERVER, MAIL_PORT,
MAIL_USERNAME, MAIL_PASSWORD, MAIL_USE_TLS, MAIL_DEFAULT_SENDER) or — while MAIL_OUTBOX names a
directory (development, tests) — written there as an .eml file.

`mail` (admin_app.extensions) is the one Mailer; mail.send raises MailError when the message
could not be handed over; the callers (models/reservation/notices.py) catch it, log it and
record the failure, so a mail problem never stops a booking or the daily job.
"""

import smtplib
import uuid
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app


class MailError(Exception):
    """The message was not handed over; str() is a short reason without the address."""


class Mailer:
    """Reads the current app's MAIL_* settings at each message (nothing bound, nothing kept)."""

    Error = MailError

    def send(self, to: str, subject: str, body: str) -> None:
        """Send (or write to the outbox) one UTF-8 message; MailError when it fails."""
        config = current_app.config
        try:
            message = _message(config["MAIL_DEFAULT_SENDER"], to, subject, body)
            if config.get("MAIL_OUTBOX"):
                _write(Path(config["MAIL_OUTBOX"]), message)
            else:
                _smtp(message)
        # SMTPException is an OSError too; ValueError: an address a header cannot hold.
        except (OSError, ValueError) as error:
            code = getattr(error, "smtp_code", None) or getattr(error, "errno", None)
            raise MailError(f"{type(error).__name__}{f' {code}' if code else ''}") from error


def _message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid()
    message.set_content(body)
    return message


def _write(outbox: Path, message: EmailMessage) -> None:
    outbox.mkdir(parents=True, exist_ok=True)
    name = f"{datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
    (outbox / name).write_bytes(message.as_bytes())


def _smtp(message: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(
        config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=config["MAIL_TIMEOUT"]
    ) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(message)
