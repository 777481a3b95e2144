"""The access log's part of the daily job: sections whose log review is overdue."""

from datetime import date

from models.access_log.review import ReviewStatus, section_statuses


def daily(day: date) -> list[str]:
    """List the sections with an overdue log review."""
    overdue = [
        (s.name, last)
        for s, last, status in section_statuses(None, day)
        if status == ReviewStatus.OVERDUE
    ]
    return [
        f"sections with an overdue log review: {len(overdue)}"
        + "".join(
            f"\n  {name} (last: {last.isoformat() if last else 'never'})" for name, last in overdue
        )
    ]
