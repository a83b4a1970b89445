"""Real file systems for the fault tests: a tiny tmpfs is a disk that fills up, a read-only bind
mount is a read-only data folder, a lazy unmount is a drive pulled out mid-run.

Mounting needs root (CAP_SYS_ADMIN), which CI has; elsewhere the tests that need it skip with
the reason `mount_unavailable()` gives.
"""

from __future__ import annotations

import contextlib
import functools
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, text=True, timeout=30)


def unmount(path: Path) -> None:
    """Detach now, as when a drive is pulled out (open files keep working, paths do not)."""
    subprocess.run(["umount", "-l", str(path)], check=True, capture_output=True, timeout=30)


@functools.cache
def mount_unavailable() -> str | None:
    """Why mounting is not possible here, or None when it is."""
    with tempfile.TemporaryDirectory() as where:
        try:
            _mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", where)
        except (OSError, subprocess.SubprocessError) as exc:
            detail = getattr(exc, "stderr", "") or exc
            return f"cannot mount a file system here (needs root): {detail}"
        unmount(Path(where))
    return None


@contextlib.contextmanager
def tmpfs(path: Path, size_kib: int) -> Iterator[Path]:
    """A fresh, empty tmpfs of `size_kib` at `path` (created), unmounted afterwards."""
    path.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size_kib}k", "tmpfs", str(path))
    try:
        yield path
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            unmount(path)


def bind(source: Path, target: Path) -> None:
    """Show `source` at `target` (created), as a drive appears at its mount point."""
    target.mkdir(parents=True, exist_ok=True)
    _mount("--bind", str(source), str(target))


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """`path` made read-only in place (a read-only bind mount over itself) for the block."""
    bind(path, path)
    try:
        _mount("-o", "remount,bind,ro", str(path))
        yield path
    finally:
        unmount(path)


def fill(folder: Path, leave_bytes: int = 0) -> Path:
    """Fill the file system under `folder` with one file, leaving about `leave_bytes` free."""
    filler = folder / "filler.bin"
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    with contextlib.suppress(OSError), filler.open("wb") as handle:  # ENOSPC: as full as it gets
        handle.write(b"\0" * max(0, free - leave_bytes))
    return filler
