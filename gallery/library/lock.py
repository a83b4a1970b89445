"""One writer per library: an OS lock on a file in the data dir.

flock (POSIX) and msvcrt (Windows) locks belong to the open file, so the OS drops them when the
owner exits or is killed: a crashed indexer never leaves the library locked. The file also holds
the owner's pid, host and task, for the message a second writer shows. Readers (searches)
never take it to read (SQLite's WAL lets them read while the writer commits), only briefly to
save a repaired index; a writer waits out such a brief holder instead of refusing.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from gallery.errors import Action, Cancelled, LibraryBusy, Remedy
from gallery.library import faults
from gallery.text import Text, say

LOCK_FILE_NAME = "library.lock"
BRIEF_WAIT_SECONDS = 60.0
"""How long a writer waits for a brief holder (an index save, a check) before refusing."""
_POLL_SECONDS = 0.1

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


@dataclass(frozen=True)
class LockOwner:
    pid: int
    host: str
    task: str  # reads after "is": say("indexing this library"), a Text when its writer gave one
    since: float
    brief: bool = False  # seconds, not a whole run: a writer waits for it

    def describe(self) -> Text:
        since = time.strftime("%H:%M:%S", time.localtime(self.since))
        if self.host != socket.gethostname():
            return say(
                "pid {pid} on {host}, since {since}", pid=self.pid, host=self.host, since=since
            )
        return say("pid {pid}, since {since}", pid=self.pid, since=since)


class WriterLock:
    """Not re-entrant: a second acquire, even from the same object, is refused."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._guard = threading.Lock()

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(
        self, task: str, wait_seconds: float = 0.0, cancel: threading.Event | None = None
    ) -> None:
        """Take the lock for a long `task` (a Text that reads after "is", for the message a
        second writer shows: say("indexing this library")), polling up to `wait_seconds` (up to
        BRIEF_WAIT_SECONDS while the holder is brief); raise LibraryBusy naming the owner."""
        started = time.monotonic()
        while not self.try_acquire(task):
            waited = time.monotonic() - started
            if self.held or (waited >= wait_seconds and not self._wait_for_holder(waited)):
                raise self._busy()
            if cancel is not None and cancel.wait(_POLL_SECONDS):
                raise Cancelled("stopped waiting for the library")
            if cancel is None:
                time.sleep(_POLL_SECONDS)

    def try_acquire(self, task: str, *, brief: bool = False) -> bool:
        """Take the lock if it is free; `brief` tells writers to wait for it, not refuse."""
        with self._guard:
            if self._fd is not None:
                return False
            fd = self._open()
            if not _try_lock(fd):
                os.close(fd)
                return False
            self._fd = fd
        self._write_owner(fd, task, brief)
        return True

    def release(self) -> None:
        with self._guard:
            fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)  # no stale owner for the next holder's first moment
            _unlock(fd)
            os.close(fd)

    def _wait_for_holder(self, waited: float) -> bool:
        """Whether the holder is brief (or has not said yet what it does), within reason."""
        owner = self.owner()
        return (owner is None or owner.brief) and waited < BRIEF_WAIT_SECONDS

    def owner(self) -> LockOwner | None:
        """Who holds it, as its owner wrote; None when unknown (or being written)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            pid, since, brief = int(data["pid"]), float(data["since"]), bool(data["brief"])
            return LockOwner(pid, str(data["host"]), _task(data), since, brief)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _open(self) -> int:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise faults.os_error(
                exc, self.path.parent, say("lock the library for writing")
            ) from exc

    def _write_owner(self, fd: int, task: str, brief: bool) -> None:
        owner = LockOwner(os.getpid(), socket.gethostname(), task, time.time(), brief)
        fields: dict[str, object] = asdict(owner)
        if isinstance(task, Text):  # so a second writer can say the task in its own language
            fields.update(task_template=task.template, task_values=task.values)
        data = json.dumps(fields, default=str).encode()
        with contextlib.suppress(OSError):  # only a second writer's message depends on it
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, data)

    def _busy(self) -> LibraryBusy:
        owner = self.owner()
        return LibraryBusy(
            say("Another Lumen Gallery is writing to this library.")
            if owner is None
            else say(
                "Another Lumen Gallery is {task} ({owner}).",
                task=owner.task,
                owner=owner.describe(),
            ),
            say("Wait for it to finish and try again."),
            (Remedy(Action.WAIT_FOR_INDEXER),),
        )


def _task(data: dict[str, object]) -> str:
    """The owner's task as a Text when its writer recorded the template (and it still fits its
    values), else the English it wrote."""
    english = str(data["task"])
    template, values = data.get("task_template"), data.get("task_values")
    if isinstance(template, str) and isinstance(values, dict):
        try:
            return Text(template, {str(key): value for key, value in values.items()})
        except (KeyError, IndexError, ValueError, TypeError):
            return english
    return english
