"""Staff IDs' part of the daily job: personnel transfers whose date has come."""

from datetime import date

from models.staff.transfer import apply_due_transfers


def daily(day: date) -> list[str]:
    """Apply due personnel transfers."""
    transfers = apply_due_transfers(day)
    return [
        f"transfers applied: {len(transfers)}"
        + "".join(f"\n  {t.user.login} {t.kind.value} {t.effective_on}" for t in transfers)
    ]
