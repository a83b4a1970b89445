"""The ways a disk fails under the library, as `LibraryError`s that say what to do.

A full disk, a read-only folder or a damaged database is not a bug: the user gets one message,
a hint and the remedies (check or repair the library), and the raw error goes to the log
through the exception chain.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from gallery.errors import Action, LibraryError, Remedy
from gallery.text import Text, say

KEPT = say("everything indexed so far is kept")
CHECK = (Remedy(Action.CHECK_LIBRARY),)
CHECK_AND_REPAIR = (Remedy(Action.CHECK_LIBRARY), Remedy(Action.REPAIR_LIBRARY))

_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
_READ_ONLY = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})

# SQLite primary result codes (the low byte of `sqlite_errorcode`).
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_IOERR = 5, 6, 8, 10
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 11, 13, 14, 26


def disk_full(folder: Path, doing: Text) -> LibraryError:
    """`doing` completes "could not ...": say("write the library database")."""
    return LibraryError(
        say("The disk holding {folder} is full: could not {doing}.", folder=folder, doing=doing),
        say("Free some space and run again; {kept}.", kept=KEPT),
    )


def read_only(folder: Path, doing: Text) -> LibraryError:
    return LibraryError(
        say("{folder} is read-only: could not {doing}.", folder=folder, doing=doing),
        say(
            "Make it writable (or set LUMEN_HOME to a writable folder) and run again; {kept}.",
            kept=KEPT,
        ),
    )


def os_error(exc: OSError, folder: Path, doing: Text) -> LibraryError:
    """An OSError met while writing the library's files."""
    if exc.errno in _FULL:
        return disk_full(folder, doing)
    if exc.errno in _READ_ONLY:
        return read_only(folder, doing)
    return LibraryError(
        say(
            "Could not {doing} in {folder}: {reason}.",
            doing=doing,
            folder=folder,
            reason=exc.strerror or str(exc),
        ),
        say("Check the disk, then check the library; {kept}.", kept=KEPT),
        CHECK,
    )


def sqlite_error(exc: sqlite3.Error, db: Path) -> LibraryError | None:
    """The user-facing error for an environmental SQLite failure; None for a bug."""
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    if code == _SQLITE_FULL:
        return disk_full(db.parent, say("write the library database"))
    if code == _SQLITE_READONLY:
        return read_only(db.parent, say("write the library database"))
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return LibraryError(
            say("The library database {db} stayed locked by another program.", db=db),
            say("Close other programs using it and run again."),
        )
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return LibraryError(
            say("The library database {db} is damaged ({error}).", db=db, error=str(exc)),
            say("A check shows what is wrong, and a repair fixes what can be fixed."),
            CHECK_AND_REPAIR,
        )
    if code in (_SQLITE_IOERR, _SQLITE_CANTOPEN):
        return LibraryError(
            say(
                "Reading or writing the library database {db} failed ({error}).",
                db=db,
                error=str(exc),
            ),
            say("Check that the disk is connected and healthy, then run again; {kept}.", kept=KEPT),
        )
    return None


def unopenable(exc: sqlite3.DatabaseError, db: Path) -> LibraryError:
    """The library database failed to open for a reason `sqlite_error` does not know."""
    return LibraryError(
        say("The library database {db} cannot be opened: {error}.", db=db, error=str(exc)),
        say("A check of the library says more."),
        CHECK,
    )
