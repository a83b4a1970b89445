"""New photos by themselves: filesystem events become "this root changed", settled and batched.

watchdog's threads only record (a deque append); one worker thread decides. A root is handed to
`on_dirty` once it has been quiet for a moment and every photo file that changed in it holds its
size and mtime (a copy in progress is waited for), or once its first unhanded event is
`max_delay` old, so a long bulk copy is indexed in a few chunks, never file by file. Files the
scanner would skip (hidden, NAS thumbnail folders, excluded patterns, sidecars and other
non-images) never wake anything. Lost events (inotify's queue overflowed, a network share where
inotify sees nothing, a watch that could not be set) become a rescan of the whole root, or
polling. An unreachable root is logged and watched for until it comes back: it is never handed
over while away, so its photos are never taken for deleted.

`watch` is the headless loop on top (`gallery watch`): index once, then index each dirty root
as it comes, until `stop` is set; the Indexer rescans a root and indexes what is new or changed.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from gallery.errors import Cancelled, LibraryBusy, UserError
from gallery.imaging import IMAGE_EXTENSIONS, is_image_candidate
from gallery.library.indexer import Indexer, IndexSummary, ProgressCallback
from gallery.library.library import Library
from gallery.library.scanner import SKIPPED_DIRS
from gallery.ml.encoder import ClipModel
from gallery.text import say

log = logging.getLogger(__name__)

WATCHED_EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileModifiedEvent,
    FileAttribEvent,  # touch / utime: a new mtime is a change to the scanner
    FileClosedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]
"""Not opened / closed-without-writing: the indexer reading photos must not wake the watcher."""

NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "afs", "9p", "ceph", "glusterfs", "davfs", "ncpfs"}
)
"""inotify sees only this machine's own writes on these: they are polled."""
_NETWORK_FUSE = ("fuse.sshfs", "fuse.rclone", "fuse.gvfsd-fuse", "fuse.s3fs")

MAX_TRACKED_FILES = 20_000
"""Per root. Beyond it a bulk copy is judged by quiet alone (memory and stat calls bounded)."""

INOTIFY_LOGGER = "watchdog.observers.inotify_c"
_OVERFLOW = "overflow"  # an inbox entry's kind: events were lost


@dataclass(frozen=True)
class Timing:
    """Seconds. The defaults suit a person copying photos; tests shorten them."""

    quiet: float = 1.0  # no event in the root for this long before it is handed over
    settle: float = 1.0  # a changed photo's size and mtime hold this long (copy finished)
    max_delay: float = 30.0  # a root never waits longer than this after its first event
    tick: float = 0.2  # how often the worker looks at what was recorded
    health: float = 5.0  # how often roots are checked for being reachable
    poll: float = 30.0  # the snapshot interval where a root is polled


@dataclass
class _File:
    since: float  # when its size and mtime were last seen to change (or its last event)
    stat: tuple[int, int] | None = None
    checked: bool = False


@dataclass
class _Root:
    path: str
    identity: tuple[int, int] | None = None  # (st_dev, st_ino) while it is watched
    watch: ObservedWatch | None = None
    polled: bool = False
    away: bool = False  # logged as unreachable; handed over again once it is back
    files: dict[str, _File] = field(default_factory=dict)
    whole: bool = False  # a folder came, went or events were lost: rescan, no files to settle
    first: float | None = None  # the first event not yet handed over
    last: float = 0.0

    def touch(self, now: float) -> None:
        if self.first is None:
            self.first = now
        self.last = now

    def mark_whole(self, now: float) -> None:
        self.whole = True
        self.files.clear()
        self.touch(now)

    def handed_over(self) -> None:
        self.files.clear()
        self.whole = False
        self.first = None


class _Recorder(FileSystemEventHandler):
    """Runs in watchdog's thread: appends and wakes the worker, nothing else."""

    def __init__(self, inbox: deque[tuple[str, bool, str, str]], wake: threading.Event) -> None:
        self.inbox = inbox
        self.wake = wake

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.inbox.append(
            (
                event.event_type,
                event.is_directory,
                os.fsdecode(event.src_path),
                os.fsdecode(event.dest_path),
            )
        )
        self.wake.set()

    def on_overflow(self) -> None:
        """Events were lost (the inotify queue overflowed): every inotify root is rescanned."""
        self.inbox.append((_OVERFLOW, False, "", ""))
        self.wake.set()


class _OverflowListener(logging.Handler):
    """watchdog rebuilds its watches after an inotify overflow but tells its handlers nothing,
    only its log; that warning is the one signal there is."""

    def __init__(self, recorder: _Recorder) -> None:
        super().__init__(logging.WARNING)
        self.recorder = recorder

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" in record.getMessage().lower():
            self.recorder.on_overflow()


def _identity(path: str) -> tuple[int, int] | None:
    """The folder's (device, inode), or None when it is not a reachable folder."""
    folder = Path(path)
    try:
        info = folder.stat()
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if folder.is_dir() else None


def filesystem_type(path: str) -> str | None:
    """The type of the filesystem `path` is on (Linux: /proc/self/mounts), else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        lines = Path("/proc/self/mounts").read_text("utf-8", "replace").splitlines()
    except OSError:
        return None
    best, kind = "", None
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\")
        inside = path == point or path.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, parts[2]
    return kind


def needs_polling(path: str) -> bool:
    kind = filesystem_type(path)
    return kind is not None and (kind in NETWORK_FILESYSTEMS or kind.startswith(_NETWORK_FUSE))


def _skipped(root: str, path: str, is_dir: bool, excluded: Sequence[str]) -> bool:
    """What the scanner would not index: hidden, NAS/thumbnail folders, excluded patterns."""
    parts = Path(path[len(root) + 1 :]).parts
    current = root
    for position, name in enumerate(parts):
        current = current + os.sep + name
        if name.startswith("."):
            return True
        if any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(current, p) for p in excluded):
            return True
        if (is_dir or position < len(parts) - 1) and name in SKIPPED_DIRS:
            return True
    return False


def _file_stat(path: str) -> tuple[int, int] | None:
    try:
        info = Path(path).stat()
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns)


class FolderWatcher:
    """Watches roots recursively and calls `on_dirty(roots)` from its worker thread.

    `on_dirty` should only hand the roots on (queue them, emit a signal): while it runs,
    events keep being recorded but nothing more is decided.
    """

    def __init__(
        self,
        roots: Iterable[Path],
        on_dirty: Callable[[list[Path]], None],
        *,
        excluded: Sequence[str] = (),
        timing: Timing | None = None,
        polling: bool = False,
    ) -> None:
        """`polling`: poll every root (no inotify/FSEvents), as for a network share."""
        self.on_dirty = on_dirty
        self.excluded = tuple(excluded)
        self.timing = timing or Timing()
        self.force_polling = polling
        self._inbox: deque[tuple[str, bool, str, str]] = deque()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._recorder = _Recorder(self._inbox, self._wake)
        self._listener = _OverflowListener(self._recorder)
        self._lock = threading.Lock()
        self._wanted: list[str] = [str(r) for r in roots]
        self._roots_changed = True
        self._roots: dict[str, _Root] = {}
        self._native: BaseObserver | None = None
        self._poller: BaseObserver | None = None
        self._thread: threading.Thread | None = None
        self._next_health = 0.0

    # the public side ---------------------------------------------------------------------------
    def start(self) -> None:
        """Start the worker; the watches are set in it (a big tree takes a while to walk)."""
        logging.getLogger(INOTIFY_LOGGER).addHandler(self._listener)
        self._thread = threading.Thread(target=self._work, name="folder-watcher", daemon=True)
        self._thread.start()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Whether the first set of watches is in place (events from then on are seen)."""
        return self._ready.wait(timeout)

    def set_roots(self, roots: Iterable[Path]) -> None:
        with self._lock:
            self._wanted = [str(r) for r in roots]
            self._roots_changed = True
            self._ready.clear()
        self._wake.set()

    def rescan(self, root: Path) -> None:
        """Treat `root` as changed throughout, as after lost events."""
        self._inbox.append(("rescan", True, str(root), ""))
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        logging.getLogger(INOTIFY_LOGGER).removeHandler(self._listener)

    def watched(self) -> dict[str, str]:
        """root -> "events", "polling" or "away": how each root is watched now."""
        with self._lock:
            return {
                path: "away" if root.watch is None else "polling" if root.polled else "events"
                for path, root in self._roots.items()
            }

    # the worker --------------------------------------------------------------------------------
    def _work(self) -> None:
        try:
            while not self._stop.is_set():
                self._wake.wait(self.timing.tick)
                self._wake.clear()
                now = time.monotonic()
                self._reconcile(now)
                self._drain(now)
                if now >= self._next_health:
                    self._check_health(now)
                ready = self._ready_roots(time.monotonic())
                if ready:
                    self._hand_over(ready)
        finally:
            for observer in (self._native, self._poller):
                if observer is not None:
                    observer.stop()
                    observer.join(5)

    def _hand_over(self, ready: list[str]) -> None:
        log.info("Changed, to index: %s", ready)
        try:
            self.on_dirty([Path(r) for r in ready])
        except Exception:
            log.exception("Handing over changed folders failed")

    def _reconcile(self, now: float) -> None:
        with self._lock:
            if not self._roots_changed:
                return
            wanted, self._roots_changed = list(self._wanted), False
        for path in [p for p in self._roots if p not in wanted]:
            self._unwatch(self._roots[path])
            with self._lock:
                del self._roots[path]
        for path in wanted:
            if path not in self._roots:
                root = _Root(path)
                with self._lock:
                    self._roots[path] = root
                self._watch(root, now)
        self._ready.set()

    def _observer(self, polled: bool) -> BaseObserver:
        if polled:
            if self._poller is None:
                self._poller = PollingObserver(timeout=self.timing.poll)
                self._poller.start()
            return self._poller
        if self._native is None:
            self._native = Observer()
            self._native.start()
        return self._native

    def _watch(self, root: _Root, now: float) -> bool:
        """Set the root's watch; False (logged) when it is unreachable."""
        identity = _identity(root.path)
        if identity is None:
            if not root.away:
                log.warning(
                    "The folder %s is not reachable (is its drive connected?); its photos stay "
                    "in the library and it is watched again once it is back",
                    root.path,
                )
            root.away = True
            return False
        polled = self.force_polling or needs_polling(root.path)
        try:
            watch = self._observer(polled).schedule(
                self._recorder, root.path, recursive=True, event_filter=WATCHED_EVENTS
            )
        except OSError as exc:
            if polled:
                log.warning("Cannot watch %s: %s; it is not watched", root.path, exc)
                return False
            log.warning("Cannot watch %s for events (%s); polling it instead", root.path, exc)
            polled = True
            watch = self._observer(True).schedule(
                self._recorder, root.path, recursive=True, event_filter=WATCHED_EVENTS
            )
        with self._lock:
            root.watch, root.polled, root.identity = watch, polled, identity
        if root.away:  # back: whatever happened meanwhile is found by a rescan
            log.info("The folder %s is back; rescanning it", root.path)
            root.away = False
            root.mark_whole(now)
        log.info("Watching %s (%s)", root.path, "polling" if polled else "events")
        return True

    def _unwatch(self, root: _Root) -> None:
        if root.watch is not None:
            observer = self._poller if root.polled else self._native
            if observer is not None:
                try:
                    observer.unschedule(root.watch)
                except (KeyError, OSError) as exc:  # its emitter already gave up
                    log.debug("Unwatching %s: %s", root.path, exc)
        with self._lock:
            root.watch, root.identity = None, None
        root.handed_over()

    def _check_health(self, now: float) -> None:
        """Roots gone (unplugged) stop being watched; roots back (or remounted) are rescanned."""
        self._next_health = now + self.timing.health
        for root in list(self._roots.values()):
            if root.watch is None:
                self._watch(root, now)
                continue
            if _identity(root.path) == root.identity:
                continue
            self._unwatch(root)
            root.away = False  # so the next line is logged once
            if self._watch(root, now):  # a different folder now: a drive mounted again
                root.mark_whole(now)

    def _drain(self, now: float) -> None:
        while self._inbox:
            kind, is_dir, src, dest = self._inbox.popleft()
            if kind == _OVERFLOW:
                log.warning("Filesystem events were lost; rescanning the watched folders")
                for root in self._roots.values():
                    if root.watch is not None and not root.polled:
                        root.mark_whole(now)
                continue
            if kind == "rescan":
                for root in self._roots_of(src):
                    root.mark_whole(now)
                continue
            self._record(src, is_dir, now)
            if dest:
                self._record(dest, is_dir, now)

    def _roots_of(self, path: str) -> list[_Root]:
        return [
            root
            for root in self._roots.values()
            if path == root.path or path.startswith(root.path.rstrip(os.sep) + os.sep)
        ]

    def _record(self, path: str, is_dir: bool, now: float) -> None:
        for root in self._roots_of(path):
            if root.watch is None:
                continue
            if path == root.path:  # the root itself went or moved: see whether it is still there
                self._next_health = now
                continue
            if _skipped(root.path, path, is_dir, self.excluded):
                continue
            if is_dir:
                root.mark_whole(now)
            elif root.whole:
                root.touch(now)
            elif len(root.files) >= MAX_TRACKED_FILES:
                log.info(
                    "Over %d files changed in %s: judged by quiet alone", len(root.files), root.path
                )
                root.mark_whole(now)
            else:
                root.files[path] = _File(since=now)
                root.touch(now)

    def _ready_roots(self, now: float) -> list[str]:
        ready = []
        for root in self._roots.values():
            if root.first is None or root.watch is None:
                continue
            capped = now - root.first >= self.timing.max_delay
            if capped or (now - root.last >= self.timing.quiet and self._settled(root, now)):
                if root.whole or root.files:
                    ready.append(root.path)
                root.handed_over()
        return ready

    def _settled(self, root: _Root, now: float) -> bool:
        """Every changed photo holds its size and mtime for `settle`; non-images drop out."""
        settled = True
        recent = time.time() - self.timing.settle
        for path, item in list(root.files.items()):
            stat = _file_stat(path)
            if stat is None:  # gone: a deletion is settled at once
                if not _has_image_suffix(path):
                    del root.files[path]  # a sidecar or other file; never a photo we know of
                continue
            sniffed = item.checked or _has_image_suffix(path) or is_image_candidate(Path(path))
            if not sniffed:  # a sidecar, a text file
                del root.files[path]
                continue
            if not item.checked or stat != item.stat:
                item.stat, item.since, item.checked = stat, now, True
                settled = False
            elif now - item.since < self.timing.settle or stat[1] / 1e9 > recent:
                settled = False
        return settled


def _has_image_suffix(path: str) -> bool:
    return Path(path).suffix.lower() in IMAGE_EXTENSIONS


# indexing what changed -------------------------------------------------------------------------
@dataclass(frozen=True)
class RootRun:
    """One root's run: its summary, or why it was not indexed (unreachable, emptied, busy)."""

    root: Path
    summary: IndexSummary | None
    error: UserError | None = None


def catch_up_with_other_writers(indexer: Indexer, cancel: threading.Event) -> None:
    """Before a run of a long-lived library: wait for another writer (another process) to
    finish, then drop this process's open vector index if the library moved on meanwhile, so
    the run reopens it caught up instead of saving a stale copy over the other's file (and
    searches here miss its photos). The lock is held only for the look, so a writer that
    slips in before the run's own acquire is the one case left (see docs: the Indexer itself
    should catch its index up under its lock)."""
    library, model = indexer.library, indexer.model
    with library.writing(say("indexing this library"), indexer.lock_wait, cancel):
        if model.dim is None:  # not used for indexing in this process yet: opened fresh
            return
        index = library.vector_index(model.name, model.dim)
        if index.generation != library.store.generation(index.model_id):
            log.info("The library changed since %s was opened here; reopening it", model.name)
            library.drop_index(model.name)


def index_each(
    indexer: Indexer,
    roots: Sequence[Path],
    progress: ProgressCallback | None,
    cancel: threading.Event,
    paused: threading.Event | None = None,
) -> list[RootRun]:
    """Each root its own run, so an unplugged or emptied root (refused by the Indexer with a
    UserError) stops only itself; a cancel stops after the batch in flight."""
    runs = []
    for root in roots:
        if cancel.is_set():
            break
        try:
            catch_up_with_other_writers(indexer, cancel)
            summary = indexer.run([root], progress, cancel, paused=paused)
        except Cancelled:
            break
        except UserError as exc:
            log.warning("Not indexed: %s: %s", root, exc)
            runs.append(RootRun(root, None, exc.with_traceback(None)))
            continue
        runs.append(RootRun(root, summary))
        if summary.cancelled:
            break
    return runs


def combined(runs: Sequence[RootRun]) -> IndexSummary:
    """The runs' counts added up, as one summary (the app's status line shows one)."""
    total = IndexSummary()
    for run in runs:
        summary = run.summary
        if summary is None:
            continue
        for name in ("scanned", "new", "updated", "removed", "failed", "skipped", "embedded"):
            setattr(total, name, getattr(total, name) + getattr(summary, name))
        total.seconds += summary.seconds
        total.cancelled = total.cancelled or summary.cancelled
        total.model, total.device = summary.model, summary.device
        total.batch_size, total.decode_threads = summary.batch_size, summary.decode_threads
    return total


class _Dirty:
    """Roots waiting for a run, in arrival order, each once."""

    def __init__(self) -> None:
        self._roots: dict[Path, None] = {}
        self._cond = threading.Condition()

    def add(self, roots: Iterable[Path]) -> None:
        with self._cond:
            self._roots.update(dict.fromkeys(roots))
            self._cond.notify_all()

    def waiting(self) -> bool:
        """Roots wait for a run (the text pass gives way to them)."""
        with self._cond:
            return bool(self._roots)

    def take(self, timeout: float) -> list[Path]:
        with self._cond:
            if not self._roots:
                self._cond.wait(timeout)
            roots, self._roots = list(self._roots), {}
        return roots


def watch(
    library: Library,
    model: ClipModel,
    roots: Sequence[Path],
    stop: threading.Event,
    *,
    on_run: Callable[[RootRun], None] | None = None,
    progress: ProgressCallback | None = None,
    on_watching: Callable[[dict[str, str]], None] | None = None,
    excluded: Sequence[str] = (),
    timing: Timing | None = None,
    polling: bool = False,
    lock_wait: float = 60.0,
    text: bool = True,
) -> int:
    """Index `roots` once, then each root again as it changes, until `stop` is set; returns
    the number of runs.

    `stop` is also the Indexer's cancel: a run stops after the batch in flight (committed
    batches stay) and this returns. Another indexer of the library (the app) is waited for
    (`lock_wait` at a time, then tried again); between runs the writer lock is free.
    `on_watching(how)` is called once the watches are set and the first run is over;
    `text`: each run reads the text in photos after embedding them (giving way to new ones).
    """
    resolved = [Path(r).expanduser().resolve() for r in roots]
    dirty = _Dirty()
    watcher = FolderWatcher(resolved, dirty.add, excluded=excluded, timing=timing, polling=polling)
    watcher.start()
    count = 0
    try:
        watcher.wait_ready(60)  # so nothing that arrives during the first run goes unseen
        dirty.add(resolved)
        announced = False
        while not stop.is_set():
            batch = dirty.take(0.25)
            if batch:
                indexer = Indexer(
                    library,
                    model,
                    excluded=excluded,
                    lock_wait=lock_wait,
                    text=text,
                    photos_waiting=dirty.waiting,
                )
                for run in index_each(indexer, batch, progress, stop):
                    count += 1
                    if isinstance(run.error, LibraryBusy):
                        log.info("Another indexer holds the library; %s waits", run.root)
                        dirty.add([run.root])
                    if on_run is not None:
                        on_run(run)
            if not announced and not batch:
                announced = True
                if on_watching is not None:
                    on_watching(watcher.watched())
    finally:
        watcher.stop()
    log.info("Watching stopped after %d runs", count)
    return count
