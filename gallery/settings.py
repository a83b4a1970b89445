"""Typed user settings, persisted as JSON in the config dir (atomically)."""

from __future__ import annotations

import json
import logging
import types
import typing
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@dataclass
class Settings:
    default_model: str | None = None
    device: str = "auto"
    batch_size: int | None = None
    excluded_patterns: list[str] = field(default_factory=list)
    cluster: str | None = None  # a Ray cluster's address ("local", ray://...) to index on
    cluster_path_map: list[str] = field(default_factory=list)  # LOCAL=REMOTE, as --path-map
    window_geometry: str | None = None  # Qt's saveGeometry(), base64
    language: str = "system"  # the interface: "system", "en" or "zh_CN" (applied at start)
    recent_searches: list[str] = field(default_factory=list)  # the search box's, most recent first
    # what the window shows again at the next start
    last_folder: str | None = None  # the sidebar's folder; None: All Photos
    sort: str | None = None  # the filter bar's sort ("relevance", "date", ...); None: its default
    thumbnail_size: int | None = None  # pixels; None: the slider's default
    splitter_state: str | None = None  # the sidebar | grid QSplitter's saveState(), base64
    viewer_geometry: str | None = None  # the viewer window's saveGeometry(), base64
    viewer_info: bool = False  # the viewer's info panel shown
    read_text: bool = True  # the text pass after indexing (`gallery index --no-text` skips it)

    @classmethod
    def load(cls, path: Path) -> Settings:
        """A missing or damaged file gives defaults (and a log line), never a crash; so does a
        value of the wrong type (that one setting only): older files lack the newer keys, and a
        hand-edited file may hold anything."""
        try:
            raw: Any = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            log.warning("Ignoring unreadable settings file %s: %s", path, exc)
            return cls()
        if not isinstance(raw, dict):
            return cls()
        hints = typing.get_type_hints(cls)
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in raw:
                continue
            if _fits(raw[f.name], hints[f.name]):
                values[f.name] = raw[f.name]
            else:
                log.warning("Ignoring setting %s=%r in %s", f.name, raw[f.name], path)
        return cls(**values)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
        tmp.replace(path)


def _fits(value: object, hint: Any) -> bool:
    """Whether a JSON value is of a field's type (the kinds Settings uses: str, int, bool, None,
    their unions, list[str]); JSON's true is no int here, and no int is a bool."""
    if isinstance(hint, types.UnionType):
        return any(_fits(value, arm) for arm in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if typing.get_origin(hint) is list:
        (item,) = typing.get_args(hint)
        return isinstance(value, list) and all(_fits(v, item) for v in value)
    if hint is bool or hint is int:
        return type(value) is hint
    return isinstance(value, hint)
