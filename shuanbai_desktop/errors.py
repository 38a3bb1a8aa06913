"""Errors the user can act on, as opposed to bugs."""


class UserError(Exception):
    """Bad input or a rule not met; ``message`` is Chinese and shown as is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class DatabaseRefused(UserError):
    """The database file cannot be opened safely (foreign, newer, read-only, shared)."""
