"""One way for a screen to run a service: commit once when it succeeds, roll back when it
refuses. A rule that refuses the person (NotAllowed) answers 403 with its reason; an input
error is flashed, and the screen shows its form or page again."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import flash
from flask.typing import ResponseReturnValue
from wtforms import Form

from admin_app.error_pages import error_page
from admin_app.extensions import db
from models.errors import InputError
from models.staff.separation import NotAllowed

T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    value: T | None = None
    refusal: ResponseReturnValue | None = None  # the 403 page, when a rule refused the person
    failed: bool = False  # an input error, rolled back and flashed

    @property
    def ok(self) -> bool:
        return self.refusal is None and not self.failed


def committed(step: Callable[[], T], what: str | None = None) -> Outcome[T]:
    """Run `step` and commit; on a refusal or an input error roll back (nothing is saved)."""
    try:
        value = step()
        db.session.commit()
    except NotAllowed as error:
        db.session.rollback()
        page = error_page(403, message=str(error))
        return Outcome(refusal=(page, 403))
    except InputError as error:
        db.session.rollback()
        flash(f"{what}: {error}" if what else str(error), "error")
        return Outcome(failed=True)
    return Outcome(value=value)


def apply_cleaned(form: Form, fields: object, clean: dict, errors: dict[str, str]) -> None:
    """Put the model's checking function's verdict on the form: its messages at their fields
    (once, where the form's own check has not said the same), its cleaned values elsewhere."""
    for field, message in errors.items():
        if message not in form[field].errors:  # the form's own check may have said it
            form[field].errors = [*form[field].errors, message]
    for field in fields:
        if field not in errors and not form[field].errors:
            form[field].data = clean[field]
