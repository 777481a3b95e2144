"""Who reaches the registration screens: registrants, change notices and the field
inventory — counter staff of the facility (rows scoped in the views)."""

from flask_babel import lazy_gettext as _l

from admin_app.permissions.rules import (
    ANY_STAFF,
    CHANGE_NOTICES,
    COUNTER,
    PAGE_KINDS,
    REGISTRATIONS,
    Rule,
    model_view,
    screens,
)
from models.access_log.entries import AccessAction as A

RULES: dict[str, Rule] = {
    # Residents' registrations: counter staff of the facility only (rows scoped in the view).
    # Final confirmation 最終確認 (one or several): the chief or a designated confirmer who
    # did not enter it, which models.registration.trail checks person by person.
    **model_view(
        "registrant",
        name=_l("Registrant"),
        area=REGISTRATIONS,
        read=COUNTER,
        create=COUNTER,
        edit=COUNTER,
        export=COUNTER,
        actions={"renew": COUNTER, "confirm_activity": COUNTER, "confirm_registration": COUNTER},
        extra={
            "print_view": Rule(COUNTER, A.VIEW, screen=_l("Application form (print)")),
            "blank_form": Rule(COUNTER, A.VIEW, screen=_l("Blank application form")),
            "confirm_view": Rule(COUNTER, A.EDIT, A.EDIT, screen=_l("Final confirmation")),
        },
    ),
    # Change notices: counter staff receive and enter; the chief (or a designated confirmer)
    # decides, which models.registration.change_notice checks person by person.
    **screens(
        "change_notice",
        _l("Change notice"),
        CHANGE_NOTICES,
        {
            "index": Rule(COUNTER, A.LIST, screen=PAGE_KINDS["index_view"]),
            "details": Rule(COUNTER, A.VIEW, screen=PAGE_KINDS["details_view"]),
            "receive": Rule(COUNTER, A.VIEW, A.CREATE, screen=_l("Receipt")),
            "enter": Rule(COUNTER, A.VIEW, A.EDIT, screen=_l("Entry of new values")),
            "decide": Rule(COUNTER, A.EDIT, A.EDIT, screen=_l("Confirm, reject or return")),
            "print_view": Rule(COUNTER, A.VIEW, screen=_l("Print")),
        },
    ),
    # The field inventory describes what is collected, never anyone's data.
    "inventory.index": Rule(
        ANY_STAFF, A.VIEW, screen=_l("Personal data inventory"), area=REGISTRATIONS
    ),
}
