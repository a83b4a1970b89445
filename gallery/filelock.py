"""An exclusive OS lock on one file, shared by the library's writer lock and model installs.

flock (POSIX) and msvcrt (Windows) locks belong to the open file, so the OS drops them when the
holder exits or is killed: a crash never leaves anything locked, and no pid has to be trusted.
The file also holds a few facts about the holder (JSON), for the message others show. The file
itself is never deleted: unlinking a lock file lets two processes lock two different files.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

if sys.platform == "win32":
    import msvcrt

    # Windows locks are mandatory: lock a byte far past the owner text so others can read it.
    _WIN_LOCK_OFFSET = 1 << 30

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class FileLock:
    """Not re-entrant: a second lock, even from the same object (or thread), is refused."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._guard = threading.Lock()

    @property
    def held(self) -> bool:
        return self._fd is not None

    def lock_if_free(self, owner: Mapping[str, object]) -> bool:
        """Lock without waiting and record `owner` (JSON; values that are not JSON as str);
        False when someone holds it. OSError when the file cannot be created or opened."""
        with self._guard:
            if self._fd is not None:
                return False
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                locked = _try_lock(fd)
            except BaseException:
                os.close(fd)
                raise
            if not locked:
                os.close(fd)
                return False
            self._fd = fd
        data = json.dumps(dict(owner), default=str).encode()
        with contextlib.suppress(OSError):  # only another process's message depends on it
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, data)
        return True

    def unlock(self) -> None:
        with self._guard:
            fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)  # no stale owner for the next holder's first moment
            _unlock(fd)
            os.close(fd)

    def owner(self) -> dict[str, Any] | None:
        """What the holder recorded; None when unknown (free, or being written)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None
