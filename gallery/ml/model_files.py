"""Integrity of installed model folders: a completion marker written last, and an atomic swap.

A model folder is assembled in a hidden staging folder beside its target; the marker
(`.complete.json`: every file with its size and SHA-256) is written last, then the folder is
renamed into place. A folder without the marker, or with a file whose size differs from it, is
an interrupted or damaged install: never listed as installed, never loaded, fetched again.

Every change to one model (a download from its first byte to its publish, an import, a
removal) holds that model's OS lock (`.locks/<name>.lock`), so two processes (two windows, the
app and the CLI) never share a staging folder; the OS drops the lock of a process that dies, so
a folder a crash left behind (`.replaced-*`, `.importing-*`, `.removing-*`) is known to be
ownerless when its model's lock is free, and is removed then.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from gallery.errors import Cancelled, ModelError
from gallery.filelock import FileLock
from gallery.text import Text, say

log = logging.getLogger(__name__)

MARKER_NAME = ".complete.json"
#: What an installed folder knows about itself beyond the published configs (from the catalog).
FACTS_NAME = "lumen.json"
_CHUNK = 1 << 20
LOCKS_DIR = ".locks"
#: Folders of an install or removal in progress: `.<kind>-<model name>-<8 hex digits>`.
_IN_PROGRESS = re.compile(r"^\.(?:replaced|importing|removing)-(?P<name>.+)-[0-9a-f]{8}$")
_POLL_SECONDS = 0.2


class ModelBusyError(ModelError):
    """Another process is installing or removing this model, and this change does not wait."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _durable_write(path: Path, data: bytes) -> None:
    """Write under a temporary name, fsync, rename: the marker is whole or absent."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.replace(path)


def _files(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name != MARKER_NAME
    )


def write_marker(
    folder: Path,
    known_hashes: Mapping[str, str] | None = None,
    source: Mapping[str, Any] | None = None,
) -> None:
    """Record every file of a finished folder; hashes already computed are reused."""
    known = known_hashes or {}
    entries = {
        rel: {
            "size": (folder / rel).stat().st_size,
            "sha256": known.get(rel) or sha256_file(folder / rel),
        }
        for rel in _files(folder)
    }
    data = {"version": 1, "source": dict(source or {}), "files": entries}
    _durable_write(folder / MARKER_NAME, json.dumps(data, indent=2).encode("utf-8"))


def read_facts(folder: Path) -> dict[str, Any]:
    """The folder's `lumen.json` (written by the installer), or {} when it has none."""
    try:
        data = json.loads((folder / FACTS_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _read_marker(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("files"), dict) else None


def marker_problem(folder: Path, *, required: bool) -> Text | None:
    """Why a folder is not a complete install, or None. Sizes only: hashing gigabytes on every
    listing would be too slow; hashes are checked when the files arrive."""
    if not (folder / MARKER_NAME).exists():
        return say("it was never finished (no completion marker)") if required else None
    marker = _read_marker(folder)
    if marker is None:
        return say("its completion marker is unreadable")
    for rel, entry in marker["files"].items():
        path = folder / rel
        size = entry.get("size") if isinstance(entry, dict) else None
        if not path.is_file():
            return say("{file} is missing", file=rel)
        if path.stat().st_size != size:
            return say(
                "{file} has {size} bytes where {installed} were installed",
                file=rel,
                size=path.stat().st_size,
                installed=size,
            )
    return None


def download_staging(models_dir: Path, name: str) -> Path:
    """Where a download of `name` is assembled; it outlives a failed run so the next resumes."""
    return models_dir / f".download-{name}"


def publish(staging: Path, target: Path) -> None:
    """Rename a finished staging folder into place, replacing an older install of the name.
    The caller holds the model's lock (`changing_model`)."""
    retired: Path | None = None
    if target.exists():
        retired = in_progress_folder(target.parent, "replaced", target.name)
        target.replace(retired)
    staging.replace(target)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)


def in_progress_folder(models_dir: Path, kind: str, name: str) -> Path:
    """A hidden folder for one step of a change to `name` (kind: replaced, importing,
    removing); created only under the model's lock, so the lock tells whether it is a leftover."""
    return models_dir / f".{kind}-{name}-{uuid.uuid4().hex[:8]}"


def model_lock(models_dir: Path, name: str) -> FileLock:
    return FileLock(models_dir / LOCKS_DIR / f"{name}.lock")


def _owner(task: str) -> dict[str, object]:
    return {"pid": os.getpid(), "host": socket.gethostname(), "since": time.time(), "task": task}


@contextlib.contextmanager
def changing_model(
    models_dir: Path,
    name: str,
    task: str,
    *,
    waiting: Callable[[], None] | None = None,
    cancel: threading.Event | None = None,
) -> Iterator[None]:
    """Hold the model's lock for one change. With `waiting`, wait for another holder (calling
    `waiting` once when the wait begins; `cancel` stops it with Cancelled); without, refuse at
    once with ModelBusyError. `task` ("download", "import", "remove") is recorded for people
    reading the lock file."""
    lock = model_lock(models_dir, name)
    try:
        if not lock.lock_if_free(_owner(task)):
            if waiting is None:
                raise _busy(lock, name)
            waiting()
            while not lock.lock_if_free(_owner(task)):
                if cancel is not None and cancel.wait(_POLL_SECONDS):
                    raise Cancelled("stopped waiting for another download")
                if cancel is None:
                    time.sleep(_POLL_SECONDS)
    except OSError as exc:
        raise ModelError(
            say(
                "Could not install the model into {target}: {error}.",
                target=models_dir / name,
                error=str(exc),
            ),
            say("Check the permissions."),
        ) from exc
    try:
        yield
    finally:
        lock.unlock()


def _busy(lock: FileLock, name: str) -> ModelBusyError:
    owner = lock.owner() or {}
    log.info("The model %s is locked by %s", name, owner)
    return ModelBusyError(
        say(
            "Another download, import or removal of the model {name} is in progress.",
            name=name,
        ),
        say("Wait for it to finish and try again."),
    )


def remove_leftovers(models_dir: Path) -> list[Path]:
    """Delete the folders a crashed install or removal left behind, once no one owns them: a
    model whose lock can be taken has no change in progress, in this process or any other."""
    try:
        entries = sorted(models_dir.iterdir())
    except OSError:
        return []
    by_model: dict[str, list[Path]] = {}
    for entry in entries:
        match = _IN_PROGRESS.match(entry.name)
        if match is not None:
            by_model.setdefault(match["name"], []).append(entry)
    removed: list[Path] = []
    for name, folders in by_model.items():
        lock = model_lock(models_dir, name)
        try:
            if not lock.lock_if_free(_owner("cleanup")):
                continue  # its owner is alive and still at it
        except OSError:
            continue  # a read-only models folder: nothing can be removed anyway
        try:
            for folder in folders:
                if folder.is_dir():
                    shutil.rmtree(folder, ignore_errors=True)
                else:
                    folder.unlink(missing_ok=True)
                if not folder.exists():
                    removed.append(folder)
        finally:
            lock.unlock()
    if removed:
        log.info(
            "Removed leftovers of interrupted installs: %s", ", ".join(p.name for p in removed)
        )
    return removed
