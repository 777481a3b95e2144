"""Who reaches the public site (anyone, not logged) and the talent bank's back-office screen."""

from flask_babel import lazy_gettext as _l

from admin_app.permissions.rules import COUNTER, PUBLIC, REGISTRATIONS, Rule, model_view

RULES: dict[str, Rule] = {
    # The public site: open, not part of the back-office log.
    "public.index": Rule(PUBLIC, None),
    "public.circles": Rule(PUBLIC, None),
    "public.circle": Rule(PUBLIC, None),
    "public.talents": Rule(PUBLIC, None),
    "public.talent": Rule(PUBLIC, None),
    "public.availability": Rule(PUBLIC, None),  # 空き状況: nothing of who booked
    "public.availability_facility": Rule(PUBLIC, None),
    "public.availability_room": Rule(PUBLIC, None),
    # The talent bank 人材バンク: counter staff of the managing facility (rows scoped).
    **model_view(
        "talent_entry",
        name=_l("Talent bank"),
        area=REGISTRATIONS,
        read=COUNTER,
        create=COUNTER,
        edit=COUNTER,
        delete=COUNTER,
        actions={"renew": COUNTER, "confirm_activity": COUNTER},
    ),
}
