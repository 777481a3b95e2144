"""Consent to publish 掲載の承諾: the rule circles and the talent bank share."""

from datetime import date

from flask_babel import lazy_gettext as _l

from models.clock import today_local


def check_consent(consent_on: date | None, contact_consent: bool) -> dict[str, str]:
    """Consent dates are never in the future; a contact is published only with publication."""
    errors = {}
    if consent_on and consent_on > today_local():
        errors["publish_consent_on"] = str(_l("The date cannot be in the future."))
    if contact_consent and not consent_on:
        errors["contact_consent"] = str(
            _l("The contact can be published only when publication itself was consented to.")
        )
    return errors
