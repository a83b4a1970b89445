"""Integrity of installed model folders: a completion marker written last, and an atomic swap.

A model folder is assembled in a hidden staging folder beside its target; the marker
(`.complete.json`: every file with its size and SHA-256) is written last, then the folder is
renamed into place. A folder without the marker, or with a file whose size differs from it, is
an interrupted or damaged install: never listed as installed, never loaded, fetched again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gallery.text import Text, say

MARKER_NAME = ".complete.json"
#: What an installed folder knows about itself beyond the published configs (from the catalog).
FACTS_NAME = "lumen.json"
_CHUNK = 1 << 20


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
    """Rename a finished staging folder into place, replacing an older install of the name."""
    retired: Path | None = None
    if target.exists():
        retired = target.with_name(f".replaced-{target.name}-{uuid.uuid4().hex[:8]}")
        target.replace(retired)
    staging.replace(target)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)
