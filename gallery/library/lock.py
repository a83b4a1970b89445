"""One writer per library: an OS lock on a file in the data dir.

flock (POSIX) and msvcrt (Windows) locks belong to the open file, so the OS drops them when the
owner exits or is killed: a crashed indexer never leaves the library locked. The file also holds
the owner's pid, host and task, for the message a second writer shows. Readers (searches)
never take it to read (SQLite's WAL lets them read while the writer commits), only briefly to
save a repaired index; a writer waits out such a brief holder instead of refusing.
The OS lock itself is `gallery.filelock` (model installs use it too).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from gallery.errors import Action, Cancelled, LibraryBusy, Remedy
from gallery.filelock import FileLock
from gallery.library import faults
from gallery.text import Text, say

LOCK_FILE_NAME = "library.lock"
BRIEF_WAIT_SECONDS = 60.0
"""How long a writer waits for a brief holder (an index save, a check) before refusing."""
_POLL_SECONDS = 0.1


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
        self._file = FileLock(path)

    @property
    def held(self) -> bool:
        return self._file.held

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
        owner = LockOwner(os.getpid(), socket.gethostname(), task, time.time(), brief)
        fields: dict[str, object] = asdict(owner)
        if isinstance(task, Text):  # so a second writer can say the task in its own language
            fields.update(task_template=task.template, task_values=task.values)
        try:
            return self._file.lock_if_free(fields)
        except OSError as exc:
            raise faults.os_error(
                exc, self.path.parent, say("lock the library for writing")
            ) from exc

    def release(self) -> None:
        self._file.unlock()

    def _wait_for_holder(self, waited: float) -> bool:
        """Whether the holder is brief (or has not said yet what it does), within reason."""
        owner = self.owner()
        return (owner is None or owner.brief) and waited < BRIEF_WAIT_SECONDS

    def owner(self) -> LockOwner | None:
        """Who holds it, as its owner wrote; None when unknown (or being written)."""
        data = self._file.owner()
        if data is None:
            return None
        try:
            pid, since, brief = int(data["pid"]), float(data["since"]), bool(data["brief"])
            return LockOwner(pid, str(data["host"]), _task(data), since, brief)
        except (ValueError, KeyError, TypeError):
            return None

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
