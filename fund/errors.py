"""Domain errors carry a message a person can act on, in Thai first and English second."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused an action.

    ``field`` names the form field the error belongs to (``None`` for the whole form), so a view
    can put the message next to the field that caused it.
    """

    def __init__(self, message_th: str, message_en: str, *, field: str | None = None) -> None:
        super().__init__(f"{message_th} ({message_en})")
        self.message_th = message_th
        self.message_en = message_en
        self.field = field

    def message(self, locale: str = "th") -> str:
        return self.message_en if locale.startswith("en") else self.message_th


class InvalidInput(DomainError):
    """A value is malformed: wrong digits, too many decimals, an impossible date."""


class NotAllowed(DomainError):
    """The acting user may not do this (e.g. approving their own loan application)."""


class NotFound(DomainError):
    """The record does not exist or is not visible to the acting user."""


class Conflict(DomainError):
    """The action conflicts with the current state (closed period, already reversed, …)."""
