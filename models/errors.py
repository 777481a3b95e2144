"""The project-wide error: a value or a step a person asked for that cannot be accepted."""

from flask_babel.speaklater import LazyString


class InputError(ValueError):
    """A value a person typed that cannot be accepted; str() is the message to show."""

    def __init__(self, message: str | LazyString, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # which input it is about, when there are several

    def __str__(self) -> str:
        return str(self.message)
