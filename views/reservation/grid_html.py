"""The grid's cells as HTML, built in Python: a month has a thousand cells or more, and a
template loop spent four fifths of the page's time on them. Everything a cell repeats (marks,
labels, slot names, link paths) is translated and built once per page; everything from the
database (names, reasons) is escaped."""

from datetime import date

from flask import url_for
from flask_babel import gettext
from markupsafe import Markup, escape

from models.organisation import Room
from models.reservation.booking import BookingState
from models.reservation.grid import Cell, CellState, Grid
from views.labels import label
from views.reservation.words import slot_name

HELD = (CellState.PROVISIONAL, CellState.CONFIRMED)


class GridCells:
    def __init__(self, grid: Grid, period: str, marks: dict[CellState, object]) -> None:
        self.grid = grid
        self.period = period
        self.marks = {state: str(escape(str(mark))) for state, mark in marks.items()}
        self.state_labels = {state: str(escape(label(state))) for state in CellState}
        self.booking_labels = {state: str(escape(label(state))) for state in BookingState}
        slots = {slot.code: slot for columns in grid.columns.values() for slot in columns}
        self.slot_names = {code: str(escape(slot_name(s))) for code, s in slots.items()}
        self.book_path = url_for(".book")
        self.booking_path = url_for(".booking")
        self.book_word = str(escape(gettext("Book")))
        self.erased_word = str(escape(gettext("(erased)")))

    def groups(self) -> list[list[Room]]:
        """The rooms by the columns they share (standard rooms, then hourly rooms)."""
        found: dict[tuple, list[Room]] = {}
        for room in self.grid.rooms:
            found.setdefault(self.grid.columns[room.id], []).append(room)
        return list(found.values())

    def row(self, rooms: list[Room], day: date) -> Markup:
        """The cells of one day for these rooms."""
        iso = day.isoformat()
        parts = []
        for room in rooms:
            room_name = str(escape(room.name))
            for slot in self.grid.columns[room.id]:
                cell = self.grid.cells[(room.id, day, slot.code)]
                where = f"{room_name} {day.month}/{day.day} {self.slot_names[slot.code]}"
                parts.append(
                    f'<td class="{cell.state.value}" data-room="{room.id}" data-day="{iso}" '
                    f'data-slot="{slot.code}" data-state="{cell.state.value}">'
                    f"{self._inside(cell, room.id, iso, slot.code, where)}</td>"
                )
        return Markup("".join(parts))

    def _inside(self, cell: Cell, room_id: int, iso: str, code: str, where: str) -> str:
        mark = self.marks[cell.state]
        if cell.state == CellState.FREE:
            return (
                f'<a href="{self.book_path}?room_id={room_id}&amp;day={iso}&amp;slot={code}" '
                f'aria-label="{where} {self.state_labels[cell.state]}: {self.book_word}">'
                f"{mark}</a>"
            )
        if cell.state in HELD:
            b = cell.booking
            number, name = escape(b.registration_number), escape(b.name or "")
            return (
                f'<a class="held" href="{self.booking_path}?id={b.id}" '
                f'aria-label="{where} {self.booking_labels[b.state]}: {number} {name}">{mark}</a>'
                f'<span class="who" title="{name}">{number}<br>'
                f"{name if b.name else self.erased_word}</span>"
            )
        if cell.state == CellState.CLOSED:
            reason = escape(cell.reason or "")
            shown = "who" if self.period == "week" else "sr-only"
            return f'<span title="{reason}">{mark}</span><span class="{shown}">{reason}</span>'
        return f'<span title="{self.state_labels[cell.state]}">{mark}</span>'
