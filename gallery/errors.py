"""Typed errors: what the user must see (with what to do) versus bugs.

The core raises these; the CLI prints them as one clear message and the UI shows them in a
dialog. Anything else that escapes is a bug and is logged with its traceback.

What the person can do is data, not prose for one front end: a `UserError` carries a neutral
`hint` ("Free some space and run again.") and `remedies`, actions such as "import a model" that
each front end renders in its own terms (the CLI as a command line, the app as a menu path or a
button). Core code never writes `gallery ...` or `--flag` text into an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    """Something a person can do about an error; front ends map each to their own words."""

    IMPORT_MODEL = "import-model"  # install a model folder from disk
    DOWNLOAD_MODEL = "download-model"  # subject: the model's name ("" = one from the catalog)
    LIST_MODELS = "list-models"  # see which models exist and are installed
    CHOOSE_MODEL = "choose-model"  # several models are installed: say which one
    INDEX_FOLDER = "index-folder"  # subject: the folder to index
    WAIT_FOR_INDEXER = "wait-for-indexer"  # another process holds the library's writer lock
    CHECK_LIBRARY = "check-library"  # look at what is wrong with the library
    REPAIR_LIBRARY = "repair-library"  # fix what the check finds
    CHOOSE_REVISION = "choose-revision"  # another branch, tag or commit of a repository
    CHOOSE_PRECISION = "choose-precision"  # another published precision of a model


@dataclass(frozen=True)
class Remedy:
    action: Action
    subject: str = ""  # what the action applies to (a model name, a folder), if anything


class GalleryError(Exception):
    """Base of every error the core raises on purpose."""


class UserError(GalleryError):
    """A problem the user can act on: the message says what happened, the hint and the
    remedies what to do."""

    def __init__(self, message: str, hint: str = "", remedies: Sequence[Remedy] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.remedies = tuple(remedies)

    def __str__(self) -> str:
        """Message and hint only: each front end renders the remedies itself."""
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
