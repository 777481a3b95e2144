"""Finding a registrant at the counter: words anywhere inside the name, furigana (hiragana or
katakana typed), registration number, phone digits and activity, by index — a pg_trgm GIN
index per column on PostgreSQL, an FTS5 trigram table kept in step by triggers on SQLite
(both created by migration f16c00000001). Terms shorter than a trigram match from the start.
"""

import re

from sqlalchemy import ColumnElement, or_, text
from sqlalchemy.sql.operators import ColumnOperators

from admin_app.extensions import db
from models.japanese import KANA, normalise_kana, normalise_name
from models.registration.registrant import Registrant

# The SQLite full-text table and the shadow tables FTS5 keeps for it: migration-only objects,
# left out of the models-versus-migrations comparison (admin_app.database.include_object).
SEARCH_TABLE = "registrant_search"
SEARCH_TABLES = frozenset(
    {SEARCH_TABLE, *(f"{SEARCH_TABLE}_{s}" for s in ("data", "idx", "docsize", "config"))}
)
SEARCHED = ("name", "name_kana", "registration_number", "phone_digits", "activity")
TRIGRAM = 3  # the shortest term a trigram index can answer


def _prefix(column: ColumnOperators, prefix: str) -> ColumnElement[bool]:
    """An index-friendly, case-sensitive prefix match on SQLite (GLOB) and PostgreSQL (LIKE)."""
    if db.engine.dialect.name == "sqlite":
        escaped = re.sub(r"([*?\[])", r"[\1]", prefix)
        return column.op("GLOB")(escaped + "*")
    return column.like(_like_escaped(prefix) + "%", escape="\\")


def _like_escaped(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _phrase(value: str) -> str:
    """An FTS5 phrase: the text taken literally, whatever operators it contains."""
    return '"' + value.replace('"', '""') + '"'


def _wanted(term: str) -> list[tuple[tuple[str, ...], str]]:
    """(columns, value) pairs a typed term is looked for in, each value normalised the way
    the column stores it."""
    textual = normalise_name(term)
    if not textual:
        return []
    wanted: list[tuple[tuple[str, ...], str]] = [(("name", "activity"), textual)]
    upper = textual.upper()
    if re.fullmatch(r"[A-Z0-9\-]+", upper):
        wanted.append((("registration_number",), upper))
    digits = re.sub(r"[-\s]", "", textual)
    if digits.isdigit():
        wanted.append((("phone_digits",), digits))
    kana = normalise_kana(textual)
    if KANA.fullmatch(kana):
        wanted.append((("name_kana",), kana))
    return wanted


def search_condition(term: str) -> ColumnElement[bool] | None:
    """Registrants whose name, furigana, number, phone digits or activity contain the term
    (a term shorter than three characters: name, furigana, number or phone from the start).
    None when nothing was typed."""
    wanted = _wanted(term)
    if not wanted:
        return None
    conditions: list[ColumnElement[bool]] = []
    trigram: list[tuple[tuple[str, ...], str]] = []
    for columns, value in wanted:
        if len(value) >= TRIGRAM:
            trigram.append((columns, value))
        else:  # activity is free text: not worth a prefix match
            prefixed = [c for c in columns if c != "activity"]
            conditions += [_prefix(getattr(Registrant, c), value) for c in prefixed]
    if trigram:
        conditions.append(_contains(trigram))
    return or_(*conditions)


def _contains(wanted: list[tuple[tuple[str, ...], str]]) -> ColumnElement[bool]:
    if db.engine.dialect.name == "sqlite":
        query = " OR ".join(f"{{{' '.join(cols)}}} : {_phrase(value)}" for cols, value in wanted)
        matching = text(f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :query")
        return Registrant.id.in_(matching.bindparams(query=query))
    # ILIKE '%…%' is what the GIN gin_trgm_ops indexes answer (models.types.trigram_index).
    return or_(
        *(
            getattr(Registrant, c).ilike(f"%{_like_escaped(value)}%", escape="\\")
            for cols, value in wanted
            for c in cols
        )
    )


def purge_erased_text(registrant: Registrant) -> None:
    """Leave nothing of an erased registrant's text in the SQLite full-text index: its
    triggers mark old entries deleted, and only a merge of every segment drops them."""
    db.session.flush()  # the update trigger swaps the old text out first
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text(f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}) VALUES ('optimize')"))
