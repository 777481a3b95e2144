"""個人情報項目一覧 — the field inventory: every item of the 利用登録申請書.

The single source of truth for what is collected and why. Forms, the printable form, the
columns each role sees, the CSV export, the inventory page and `flask inventory --json` are all
generated from ITEMS; tests fail when a personal-data column is missing here or when a
paper-only item has a column.
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from models.staff.accounts import COUNTER_ROLES, Role

SYSTEM = "system"  # entered and stored on the contractor's server
PAPER = "paper"  # kept by the city on paper only; never entered

ALL = "all"
INDIVIDUAL = "individual"
GROUP = "group"

RETAIN_TERM = _l(
    "Until the registration expires, then erased after the grace period (default 1 year)"
)
RETAIN_TALENT = _l(
    "Until the talent-bank registration ends (31 March, renewable), then "
    "erased after the grace period"
)
RETAIN_PAPER = _l("Kept on paper by the facility until the registration expires")
RETAIN_BOOKING = _l("With the booking; erased with the registrant's personal data")
RETAIN_BOOKING_STATS = _l(
    "With the booking, kept for statistics (without the registrant's personal data once erased)"
)


@dataclass(frozen=True)
class Item:
    field: str  # the model attribute (system items) or the name of a paper-only item
    label: object  # translated label (Japanese by default)
    required: bool
    storage: str  # SYSTEM or PAPER
    purpose: object
    visible_to: frozenset[Role] = COUNTER_ROLES
    public: bool = False  # may be published, and only with the registrant's consent
    public_contact: bool = False  # published as the contact, only with that separate consent
    retention: object = RETAIN_TERM
    applies_to: str = ALL  # ALL, INDIVIDUAL or GROUP
    condition: object | None = None  # when the item is asked for at all
    model: str = "Registrant"
    changeable_by_notice: bool = True  # may be changed by a 変更届 (issue: change notices)
    notes: tuple = field(default_factory=tuple)

    def as_dict(self) -> dict:
        return {
            "field": self.field,
            "label": str(self.label),
            "required": self.required,
            "storage": self.storage,
            "purpose": str(self.purpose),
            "visible_to": sorted(r.value for r in self.visible_to),
            "public": self.public,
            "public_contact": self.public_contact,
            "retention": str(self.retention),
            "applies_to": self.applies_to,
            "condition": str(self.condition) if self.condition else None,
            "model": self.model,
        }


ITEMS: tuple[Item, ...] = (
    Item(
        "name",
        _l("Name / group name"),
        True,
        SYSTEM,
        _l("To identify the user and accept reservations"),
        public=True,
    ),
    Item(
        "name_kana",
        _l("Furigana"),
        True,
        SYSTEM,
        _l("To identify the user and sort lists in Japanese order"),
        public=True,
    ),
    Item(
        "representative_name",
        _l("Representative"),
        True,
        SYSTEM,
        _l("To know who is responsible for the group"),
        applies_to=GROUP,
        public_contact=True,
    ),
    Item(
        "representative_kana",
        _l("Representative (furigana)"),
        True,
        SYSTEM,
        _l("To know who is responsible for the group"),
        applies_to=GROUP,
    ),
    Item(
        "postal_code", _l("Postal code"), True, SYSTEM, _l("To send notices about the registration")
    ),
    Item(
        "address",
        _l("Home address"),
        True,
        SYSTEM,
        _l("To send notices about the registration and confirm eligibility"),
    ),
    Item(
        "phone",
        _l("Phone number"),
        True,
        SYSTEM,
        _l("To contact the user about reservations"),
        public_contact=True,
    ),
    Item(
        "phone_digits",
        _l("Phone number (digits, for search)"),
        False,
        SYSTEM,
        _l("Derived from the phone number to find a record at the counter"),
        changeable_by_notice=False,
        notes=("derived",),
    ),
    Item(
        "email",
        _l("E-mail address"),
        False,
        SYSTEM,
        _l("To contact the user about reservations, if they wish"),
    ),
    Item(
        "mail_consent",
        _l("Consent to mail about bookings"),
        False,
        SYSTEM,
        _l("To mail reminders before the day of use and lottery results, only if ticked"),
        changeable_by_notice=False,
    ),
    Item(
        "birth_date",
        _l("Date of birth"),
        True,
        SYSTEM,
        _l("To decide the fee tier (junior high school students and older pay more)"),
        applies_to=INDIVIDUAL,
        condition=_l("Only at facilities whose individual fee depends on age (Sports Center)"),
    ),
    Item(
        "activity",
        _l("Activities"),
        False,
        SYSTEM,
        _l("To describe the group's activity (published only with consent)"),
        applies_to=GROUP,
        public=True,
    ),
    Item(
        "schedule",
        _l("Meeting schedule"),
        False,
        SYSTEM,
        _l("To tell residents when the group meets (published only with consent)"),
        applies_to=GROUP,
        public=True,
    ),
    Item(
        "basis",
        _l("Eligibility basis"),
        True,
        SYSTEM,
        _l("To confirm the user lives, works or studies in the city"),
        model="EligibilityCheck",
        changeable_by_notice=False,
    ),
    # Kept on paper by the city only: never entered into the system.
    Item(
        "workplace_or_school",
        _l("Workplace or school (if working or studying in the city)"),
        False,
        PAPER,
        _l("To confirm eligibility"),
        retention=RETAIN_PAPER,
        changeable_by_notice=False,
        model="",
    ),
    Item(
        "member_names",
        _l("Member list (names of members)"),
        True,
        PAPER,
        _l("To confirm that the group qualifies"),
        applies_to=GROUP,
        retention=RETAIN_PAPER,
        changeable_by_notice=False,
        model="",
    ),
    Item(
        "certificates",
        _l("Certificates of employment or enrolment"),
        False,
        PAPER,
        _l("To confirm eligibility"),
        retention=_l("Returned or destroyed after the check"),
        changeable_by_notice=False,
        model="",
    ),
    Item(
        "identity_document",
        _l("Identity document"),
        False,
        PAPER,
        _l("To confirm the applicant's identity"),
        retention=_l("Shown at the counter only; not copied"),
        changeable_by_notice=False,
        model="",
    ),
    Item(
        "signature",
        _l("Applicant's signature"),
        True,
        PAPER,
        _l("To confirm the application"),
        retention=RETAIN_PAPER,
        changeable_by_notice=False,
        model="",
    ),
    # 人材バンク登録 (models/public/talent.py)
    *(
        Item(
            f,
            label,
            required,
            SYSTEM,
            purpose,
            public=public,
            public_contact=contact,
            retention=RETAIN_TALENT,
            model="TalentEntry",
            changeable_by_notice=False,
        )
        for f, label, required, purpose, public, contact in (
            ("name", _l("Name"), True, _l("To know who offers the help"), False, False),
            (
                "display_name",
                _l("Name shown to the public"),
                True,
                _l("To introduce the person on the talent bank list"),
                True,
                False,
            ),
            (
                "display_kana",
                _l("Name shown to the public (furigana)"),
                True,
                _l("To sort the talent bank list in Japanese order"),
                True,
                False,
            ),
            (
                "offer",
                _l("What they teach or offer"),
                True,
                _l("To tell residents what the person can teach or help with"),
                True,
                False,
            ),
            (
                "area",
                _l("Area of activity"),
                False,
                _l("To tell residents where the person is active"),
                True,
                False,
            ),
            (
                "conditions",
                _l("Conditions (fee etc.)"),
                False,
                _l("To tell residents the conditions (謝礼 etc.)"),
                True,
                False,
            ),
            (
                "qualifications",
                _l("Qualifications"),
                False,
                _l("To tell residents the person's qualifications"),
                True,
                False,
            ),
            (
                "phone",
                _l("Phone number"),
                False,
                _l("To pass on enquiries; published only with consent to publish the contact"),
                False,
                True,
            ),
            (
                "email",
                _l("E-mail address"),
                False,
                _l("To pass on enquiries; published only with consent to publish the contact"),
                False,
                True,
            ),
        )
    ),
    # 施設予約 (models/reservation/booking.py): what a booking records about its use.
    Item(
        "purpose",
        _l("Purpose of use"),
        True,
        SYSTEM,
        _l("To judge whether the use is allowed and to print it on the permit"),
        retention=RETAIN_BOOKING,
        model="Booking",
        changeable_by_notice=False,
    ),
    Item(
        "people",
        _l("Number of people"),
        True,
        SYSTEM,
        _l("To check the room's capacity; usage statistics"),
        retention=RETAIN_BOOKING_STATS,
        model="Booking",
        changeable_by_notice=False,
    ),
    Item(
        "admission",
        _l("Admission charged"),
        True,
        SYSTEM,
        _l("To compute the fee (admission charged doubles it); usage statistics"),
        retention=RETAIN_BOOKING_STATS,
        model="Booking",
        changeable_by_notice=False,
    ),
)

# 利用登録申請書: the registrant's own items and the paper-only ones.
REGISTRATION_FORM = tuple(i for i in ITEMS if i.model in ("Registrant", "EligibilityCheck", ""))
BY_FIELD = {item.field: item for item in REGISTRATION_FORM}
BY_MODEL_FIELD = {(item.model, item.field): item for item in ITEMS}

# Columns of resident-data tables that are not personal data, each with why it is there.
NOT_PERSONAL = {
    "Registrant": {
        "id": "record key",
        "facility_id": "where registered",
        "kind": "individual or group",
        "number_series": "numbering series",
        "registration_number": "registration number",
        "status": "pending/active/expired/withdrawn/erased",
        "registered_on": "term start",
        "expires_on": "term end",
        "expired_on": "statistics",
        "erased_on": "statistics",
        "created_by_id": "trail",
        "created_at": "trail",
        "updated_at": "trail",
        "received_by_id": "trail",
        "received_on": "trail",
        "confirmed_by_id": "trail",
        "confirmed_at": "trail",
        "circle_category": "category on the public circle list",
        "recruiting": "whether the group recruits members (public)",
        "publish_consent_on": "date of consent to publication",
        "contact_consent": "consent",
        "activity_confirmed_on": "last yearly activity check",
    },
    "TalentEntry": {
        "id": "record key",
        "facility_id": "managing facility",
        "field": "category",
        "registered_on": "term start",
        "expires_on": "term end",
        "publish_consent_on": "date of consent to publication",
        "contact_consent": "consent",
        "confirmed_on": "last yearly activity check",
        "created_at": "trail",
        "updated_at": "trail",
    },
    "EligibilityCheck": {
        "id": "record key",
        "registrant_id": "owner",
        "doc_member_list": "document type seen",
        "doc_employment_cert": "document type seen",
        "doc_student_cert": "document type seen",
        "doc_identity": "document type seen",
        "checked_by_id": "trail",
        "checked_on": "trail",
    },
    "Roster": {
        "id": "record key",
        "registrant_id": "owner",
        "submitted_on": "trail",
        "total_members": "count",
        "members_resident": "count",
        "members_working": "count",
        "members_studying": "count",
        "verified_by_id": "trail",
        "paper_location": "where the city keeps the paper",
        "destroy_by": "retention",
    },
}


# Columns that hold copies of inventory items (so no new kind of data), with what they copy.
# They follow the registrant: erased with it (models.registration.erasure.ERASERS).
COPIES = {
    # 抽選申込: the items of the booking applied for (a win copies them into its booking).
    "LotteryApplication": {
        "people": "number of people of the booking applied for",
        "purpose": "purpose of the booking applied for; erased with the registrant",
    },
    "ChangeNotice": {
        "staged_values": "new values of items changeable by a change notice, "
        "until the notice is confirmed or rejected"
    },
    "RegistrantHistory": {
        "old_value": "previous value of a changed item",
        "new_value": "new value of a changed item",
    },
}
NOT_PERSONAL |= {
    "ChangeNotice": {
        "id": "record key",
        "notice_number": "notice number",
        "registrant_id": "owner",
        "notice_type": "change or withdrawal",
        "state": "workflow state",
        "received_by_id": "trail",
        "received_on": "trail",
        "received_via": "counter or mail",
        "entered_by_id": "trail",
        "entered_on": "trail",
        "decided_by_id": "trail",
        "decided_at": "trail",
        "reason": "why rejected or returned (staff text)",
        "created_at": "trail",
    },
    "RegistrantHistory": {
        "id": "record key",
        "registrant_id": "owner",
        "notice_id": "which notice",
        "source": "how it changed (notice, correction, edit, renewal)",
        "field": "which item changed",
        "changed_by_id": "trail",
        "changed_at": "trail",
    },
}


NOT_PERSONAL |= {
    "Booking": {
        "id": "record key",
        "registrant_id": "who booked (owner)",
        "facility_id": "where",
        "room_id": "which room",
        "day": "day of use",
        "slot": "which slot",
        "series_id": "weekly repeats",
        "state": "provisional/confirmed/cancelled/expired",
        "tier": "fee tier applied",
        "non_resident": "fee rule applied (市外)",
        "table_fee": "fee",
        "non_resident_percent": "fee",
        "admission_percent": "fee",
        "reduction": "減免 reason chosen by staff",
        "reduction_percent": "fee",
        "fee": "fee",
        "deadline": "payment deadline",
        "paid_at": "trail",
        "paid_by_id": "trail",
        "cancelled_at": "trail",
        "cancelled_by_id": "trail",
        "cancel_reason": "why cancelled (staff text)",
        "cancelled_by_city": "refund rule",
        "refund_percent": "refund",
        "refund": "refund",
        "created_by_id": "trail",
        "created_at": "trail",
    },
}

# Mail sent to a registrant (models/reservation/notices.py): no address, no name.
NOT_PERSONAL |= {
    "MailNotice": {
        "id": "record key",
        "registrant_id": "owner",
        "booking_id": "the booking it is about",
        "kind": "reminder or lottery result",
        "key": "what it is about (a booking, a draw)",
        "state": "sent or failed",
        "attempts": "count",
        "error": "the last failure's kind (no address)",
        "subject": "facility and day of use",
        "body": "the message (registration number, rooms, days, fees), kept only until sent",
        "created_at": "trail",
        "sent_at": "trail",
    },
}


def system_items(model: str = "Registrant") -> list[Item]:
    return [i for i in ITEMS if i.storage == SYSTEM and i.model == model]


def paper_items() -> list[Item]:
    return [i for i in ITEMS if i.storage == PAPER]


def visible_fields(roles: frozenset[Role], model: str = "Registrant") -> list[str]:
    """Personal fields of `model` that a person holding `roles` may see."""
    return [i.field for i in system_items(model) if i.visible_to & roles]


def label(field_name: str) -> object:
    return BY_FIELD[field_name].label


NOT_PERSONAL |= {
    "LotteryApplication": {
        "id": "record key",
        "lottery_id": "which lottery",
        "number": "受付番号 (posted with the results instead of a name)",
        "registrant_id": "who applied (owner)",
        "room_id": "which room",
        "day": "day of use",
        "slot": "which slot",
        "withdrawn_at": "trail",
        "withdrawn_by_id": "trail",
        "lot": "the draw",
        "place": "the draw",
        "outcome": "the draw",
        "refusal": "why a win could not be booked (system text)",
        "booking_id": "the booking a win made",
        "created_by_id": "trail",
        "created_at": "trail",
    },
}
