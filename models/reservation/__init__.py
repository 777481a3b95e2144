"""Facility reservations 施設予約: rooms' slots and closures, bookings, fees and 減免, refunds.

The API other layers use (views, CLI, demo, jobs, tests). Services take and return objects,
flush, and never commit; each refusal is a `rules.BookingError` (an `models.errors.InputError`:
str() is the Japanese message, `.field` the input it is about) and leaves nothing behind.

rooms — a room's slots (Room.slot_pattern, Room.parent_id live in models/organisation.py)
    StandardSlot            am 午前 9–12, pm 午後 13–17, night 夜間 18–21, am_pm 午前・午後,
                            all_day 全日 (combined slots book their parts)
    Slot                    .code .start .end .parts .part_slots .is_part .span ("9:00–12:00")
                            .starts_on(day) .ends_on(day) (naive Japan time)
    slots_of(room)          bookable slots; part_slots(room): the grid's columns
    slot_of(room, code)     Slot, or InputError(field="slot"); hourly rooms: "h10" (10–11),
                            "h10-12" (a run, parts h10 h11); hourly_run(10, 12) == "h10-12"
    units_of(room)          the leaf rooms a booking of it holds (全面 → 半面A, 半面B)
    family_of(room)         ids of rooms whose bookings/closures touch it (parts and wholes)
    any_slot(code)          the slot a stored code names in either pattern (for display)
    parent_problem(parent, *, room, facility, pattern) -> InputError | None (field "parent"):
                            same facility, not itself nor one of its parts, same pattern

setup — the rules of setting rooms up, held by a flush guard on every path (the screens check
    first, at the field): a room's parent (parent_problem); its slot pattern never changes once
    it or a room joined with it has bookings, nor while its fee rows or parts do not fit
    (pattern_change_problem); a division never changes while joined rooms have bookings to
    come (division_change_problem)

closures — Closure(kind weekly|monthly|period|works, weekday 0=Mon, nth, starts_on, ends_on,
    yearly, room (None: the facility), slot (None: all day), reason)
    add_closure(facility, kind, reason, *, by, room=, weekday=, nth=, starts_on=, ends_on=,
                yearly=, slot=) -> Closure
    closures_of(facility_id) -> list;  closure_reason(room, day, slot=None, closures=None)
                            -> the reason staff see, or None when open
    closed_rooms(closures, rooms, day) -> {room_id: reason}  (for a grid)
    add_closure keeps only its kind's values (weekday, nth, days, yearly) and checks the slot
    against closable_slots(room);  bookings_on(closure, today) -> the active bookings from
    today on that it closes (staff cancel them, by the city; nothing cancels them by itself)

fees — RoomFee(room, slot code or "hour", tier FeeTier, amount yen); Reduction (city_event 100 %,
    disability_group 50 %, social_education 50 %; REDUCTION_PERCENT)
    set_fee(room, slot, tier, amount);  fee_table(room);  table_fee(room, slot, tier)
    fee_slots(pattern): the codes a table may hold (standard slots; HOUR and "h09"…"h20");
    fee_rows_problems(pattern, rows) -> [(index, InputError)];  Room.fees (the rows)
    quote(registrant, room, day, slot: Slot, *, admission, reduction) -> Quote (.amount yen:
        table × 市外 % × admission % × (100 − 減免) %, rounded DOWN to 10 yen; the multipliers
        per facility, else config RESERVATION_NON_RESIDENT_PERCENT 150 /
        RESERVATION_ADMISSION_PERCENT 200)
    tier_of(registrant, day);  is_non_resident(registrant)
    refund_percent(day_of_use, cancelled_on, by_city) (≥30 days 100, ≥7 days 50, else 0;
        by_city 100);  refund_amount(paid, percent) (rounded down to the yen)

booking — Booking (registrant, facility, room, day, slot, series_id, state, people, purpose,
    admission, tier, non_resident, table_fee, non_resident_percent, admission_percent,
    reduction, reduction_percent, fee, deadline, paid_at/by, cancelled_at/by, cancel_reason,
    cancelled_by_city, refund_percent, refund, created_by/at; .holds .is_active .is_paid)
    BookingHold (booking, unit room, day, part slot, active, starts, ends)
    BookingState provisional 仮予約 | confirmed 本予約 | cancelled | expired; ACTIVE_STATES

rules — the services (`by` is the StaffUser at the counter; `now` an aware datetime)
    book(registrant, room, day, slot_code, *, people, purpose, admission=False,
         reduction=None, by, now=None) -> Booking
        provisional, or confirmed at once when 減免 makes it free. Checks, in order: staff
        serves the facility (BookingNotAllowed, field "room"); the slot exists ("slot");
        not past ("day"); registrant confirmed, registered for this facility, current on
        the day ("registrant"); people 1..capacity ("people"); purpose ("purpose"); within
        the horizon (市内 booking_months_ahead, 市外 booking_months_ahead_non_resident),
        not closed ("day", with the closure's reason); the monthly cap per facility
        (booking_cap_per_month, counted over provisional+confirmed by month of use,
        "registrant"); a fee in the table ("slot"); the slot free (SlotTaken, "slot").
    book_series(registrant, room, first_day, last_day, slot_code, *, same keywords)
        -> SeriesResult(.bookings, .refused [(day, message)]): weekly on first_day's weekday;
        PER OCCURRENCE — each a booking of its own sharing a series_id; a closed day, a taken
        slot or the cap refuses that occurrence only; BookingError when none can be booked.
    record_payment(booking, *, by, now=None) -> Booking          provisional → confirmed
    cancel(booking, reason, *, by, now=None, by_city=False) -> Booking   with the refund
    expire_unpaid(day, now=None) -> list[Booking]   deadline < day → expired, reason kept
    payment_deadline(room, booked_on, day)   booked_on + payment_days (default 7), never
        later than the day before use (and never before booked_on)
    lock_registrant(registrant)   the serialisation book() uses (FOR UPDATE / BEGIN IMMEDIATE)
    bookings_in_month(registrant, facility_id, day) -> int;  horizon(registrant, room, today)
    BookingError, SlotTaken, BookingNotAllowed; SeriesResult

registrants — what registration asks of reservations (called through explicit lists)
    future_bookings(registrant, today);  withdrawal_problem(registrant, today) -> str | None
    (in change_notice.WITHDRAWAL_BLOCKERS);  erase_booking_purposes(registrant) (in
    erasure.ERASERS);  describe(booking) -> "2026-12-01 中央公民館 第1会議室 9:00–12:00"

today — the counter's day
    day_sheet(facility, day) -> [SheetRow(booking, slot)]   当日利用一覧: active bookings, in the
        grid's room order then by start;  deadlines_soon(facility_ids, today) -> [Booking]
        provisional, deadline today … today + DEADLINE_DAYS (2) (the dashboard)

notices — mail to registrants お知らせメール (only with an e-mail AND Registrant.mail_consent),
    each recorded as MailNotice(registrant, booking, kind NoticeKind reminder|lottery_result,
    key, state MailState sent|failed, attempts, error); one per (registrant, kind, key)
    send_to_registrant(registrant, kind, key, subject, body, *, booking=None, now=None)
        -> MailNotice | None   flushes; a failure is recorded FAILED, never raised
    lottery_result_mail(registrant, won: [Booking], lost: [(Room, date, slot code)], *, key,
        now=None) -> MailNotice | None
    send_reminders(day) / retry_failed(day) -> (sent, failed);  reminder_of(booking)
    Transport: admin_app.extensions.mail (SMTP, or .eml files in MAIL_OUTBOX)

lottery — the lottery 抽選 for popular rooms (models)
    Lottery (facility, month = first day of the month of use, rooms, opens_on, closes_on,
        draws_on, first_come_on, confirm_by, max_applications, max_wins, residents_only, seed,
        drawn_at/by; .is_drawn .is_open(today) .blocks(today))
    LotteryApplication (lottery, number 受付番号, registrant, room, day, slot, people, purpose,
        withdrawn_at/by, lot, place, outcome Outcome won|lost|capped|refused, refusal, booking)
    calendar_for(month) -> Calendar (defaults: config LOTTERY_* — applications 1st–10th of the
        month LOTTERY_MONTHS_AHEAD (2) before, draw 11th, first-come 13th, confirm by 20th;
        5 applications and 2 wins per registrant)
    lottery_block(room, day, today) -> Lottery | None   what keeps first-come booking out
        (book() refuses with the date it opens; a hall's halves are in the hall's lottery)
    lottery_cells(room_ids, first, last, today) -> {(room id, day, part slot)}  (calendars)

draw — the lottery's services (flush, never commit; LotteryError is a BookingError)
    open_lottery(facility_id, rooms, calendar, *, max_applications, max_wins,
        residents_only, by, now) -> Lottery     one per facility and month, dates in order
    apply(lottery, registrant, room, day, slot, *, people, purpose, by, now)
        -> LotteryApplication    within the period; confirmed, current, 市内 where required;
        not closed; ≤ max_applications per registrant; once per slot; numbered 1, 2 …
    withdraw(application, *, by, now);  draw(lottery, *, by (None: the job), now, seed=None)
        -> decided applications: seed recorded first; lots SHA-256(seed|number|room|day|slot);
        slots in time order; lowest lot wins unless capped (max_wins) or unbookable; wins are
        provisional bookings with deadline confirm_by; results mailed (notices)
    plan(seed, entries, max_wins, can_book) -> [Decision]   the pure decision (fairness tests)
    verify(lottery) -> [difference]   replays the stored draw from its seed
    slot_results(lottery) -> [SlotResult(room, day, slot, applications, .winner)]
    due_draws(day) -> lotteries to draw (the daily job)

public_calendar — the public 空き状況 (no login): month_calendar(room, month, now) -> MonthCalendar
    | None (None outside this month … the month of the 市内 booking horizon); each day × part
    slot a PublicState: taken (any active hold; read by taken(), which selects no booking or
    registrant column), closed 休 (never the reason: staff's free text), past, lottery
    (lottery.lottery_cells), free. Shares grid.py's active_holds_in / holder_of / open_cell.
    public_facilities(), facility_rooms(facility_id), months_shown(facility, today)

jobs — daily(day): draw the due lotteries; expire_unpaid (unconfirmed wins become void);
    retry_failed; send_reminders (MAIL_REMINDER_DAYS before use).

occupancy — the monthly report 利用状況 (its module docstring holds the counting rules)
    occupancy(facility, months) -> Occupancy (.rooms .months .row(room, month) .totals[month]:
        Figures .available .closed .booked (.rate %) .provisional .confirmed .resident
        .non_resident .by_tier .bookings .reduced .reduced_yen .cancelled_by_staff
        .cancelled_by_city .expired);  parse_month("2026-10");  months_between(first, last)
        (InputError: backwards, more than MONTHS_MAX)
"""
