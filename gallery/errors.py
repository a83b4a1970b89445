"""Typed errors: what the user must see (with what to do) versus bugs.

The core raises these; the CLI prints them as one clear message and the UI shows them in a
dialog. Anything else that escapes is a bug and is logged with its traceback.
"""

from __future__ import annotations


class GalleryError(Exception):
    """Base of every error the core raises on purpose."""


class UserError(GalleryError):
    """A problem the user can act on: the message says what happened, the hint what to do."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class UnsupportedImageError(GalleryError):
    """A file that cannot be decoded as an image; `reason` is short and shown per file."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ModelError(UserError):
    """A model folder that is missing, incomplete or inconsistent."""


class ModelNotFoundError(ModelError):
    """No installed model by that name (or none at all)."""


class ProviderError(UserError):
    """An execution provider the user asked for cannot run here."""


class LibraryError(UserError):
    """The library (SQLite or a vector index) cannot be opened or written."""


class LibraryBusy(LibraryError):
    """Another process or window is writing to (indexing) the same library."""


class Cancelled(GalleryError):
    """Work stopped because the caller asked; what was committed stays committed."""
