"""The writer lock: one indexer per library, a clear message for the second, never stuck after a
crash (the OS drops a dead owner's lock), and readers that never save over a newer index."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from gallery.errors import Action, Cancelled, LibraryBusy, Remedy
from gallery.library.library import Library
from gallery.library.lock import WriterLock
from gallery.library.store import ScannedFile
from gallery.paths import app_paths
from tests.conftest import REPO


def test_second_writer_is_refused_with_the_owners_pid(tmp_path: Path) -> None:
    first, second = WriterLock(tmp_path / "library.lock"), WriterLock(tmp_path / "library.lock")
    first.acquire("indexing this library")
    with pytest.raises(LibraryBusy) as info:
        second.acquire("indexing this library")
    message = str(info.value)
    assert f"Another Lumen Gallery is indexing this library (pid {os.getpid()}, since" in message
    assert info.value.remedies == (Remedy(Action.WAIT_FOR_INDEXER),)
    with pytest.raises(LibraryBusy):
        first.acquire("indexing this library")  # not re-entrant: one run per library object
    first.release()
    second.acquire("indexing this library")
    assert second.held and not first.held
    second.release()


def test_a_waiting_writer_gets_the_lock_when_it_is_released(tmp_path: Path) -> None:
    first, second = WriterLock(tmp_path / "library.lock"), WriterLock(tmp_path / "library.lock")
    first.acquire("indexing this library")
    threading.Timer(0.5, first.release).start()
    started = time.monotonic()
    second.acquire("indexing this library", wait_seconds=30)
    assert 0.4 < time.monotonic() - started < 10
    second.release()


def test_a_writer_waits_for_a_brief_holder_instead_of_refusing(tmp_path: Path) -> None:
    """A search saving a repaired index holds the lock for a moment: no reason to refuse."""
    saver, writer = WriterLock(tmp_path / "library.lock"), WriterLock(tmp_path / "library.lock")
    assert saver.try_acquire("saving this library's vector index", brief=True)
    threading.Timer(0.5, saver.release).start()
    started = time.monotonic()
    writer.acquire("indexing this library")  # no --wait, yet not refused
    assert time.monotonic() - started > 0.4
    writer.release()


def test_waiting_can_be_cancelled(tmp_path: Path) -> None:
    first, second = WriterLock(tmp_path / "library.lock"), WriterLock(tmp_path / "library.lock")
    first.acquire("indexing this library")
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    with pytest.raises(Cancelled):
        second.acquire("indexing this library", wait_seconds=60, cancel=cancel)
    first.release()


def test_a_killed_owner_leaves_no_lock_behind(tmp_path: Path) -> None:
    path = tmp_path / "library.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from pathlib import Path\n"
            "from gallery.library.lock import WriterLock\n"
            "WriterLock(Path(sys.argv[1])).acquire('indexing this library')\n"
            "print('locked', flush=True)\n"
            "time.sleep(600)\n",
            str(path),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        lock = WriterLock(path)
        with pytest.raises(LibraryBusy, match=f"pid {holder.pid}"):
            lock.acquire("indexing this library")
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
        lock.acquire("indexing this library")  # at once: the dead owner's lock went with it
        lock.release()
    finally:
        holder.kill()
        holder.wait()


def test_a_reader_never_saves_over_a_newer_index(tmp_path: Path) -> None:
    """A search (reader) that repaired its copy must not overwrite what an indexer saved since."""
    paths = app_paths().ensure()
    vectors = np.eye(8, dtype=np.float32)
    with Library(paths) as writer:
        store = writer.store
        root = store.add_root("/photos")
        store.apply_scan(root, [ScannedFile(f"/photos/{i}.jpg", 1, 1) for i in range(8)])
        ids = sorted(row.id for row in store.files_under(root).values())
        index = writer.vector_index("m", 8)
        generation = store.commit_batch(index.model_id, [], ids[:4], vectors[:4], [])
        index.add(ids[:4], vectors[:4], generation)
        index.save()

        reader = Library(paths)
        reader_index = reader.vector_index("m", 8)
        reader_index.remove([ids[0]])  # a change only the reader has

        with writer.writing("indexing this library"):
            generation = store.commit_batch(index.model_id, [], ids[4:], vectors[4:], [])
            index.add(ids[4:], vectors[4:], generation)
            reader.save()  # the writer holds the library: the reader does not save
            assert reader_index.changed
            index.save()
        reader.close()  # lock free now, but the file is newer than the reader's copy
        saved = index.path.read_bytes()
    with Library(paths) as fresh:
        assert fresh.vector_index("m", 8).labels() == set(ids)
    assert index.path.read_bytes() == saved
