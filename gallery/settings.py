"""Typed user settings, persisted as JSON in the config dir (atomically)."""

from __future__ import annotations

import json
import logging
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
    window_geometry: str | None = None  # Qt's saveGeometry(), base64
    language: str = "system"  # the interface: "system", "en" or "zh_CN" (applied at start)
    recent_searches: list[str] = field(default_factory=list)  # the search box's, most recent first

    @classmethod
    def load(cls, path: Path) -> Settings:
        """A missing or damaged file gives defaults (and a log line), never a crash."""
        try:
            raw: Any = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            log.warning("Ignoring unreadable settings file %s: %s", path, exc)
            return cls()
        if not isinstance(raw, dict):
            return cls()
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in raw.items() if key in known})

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
        tmp.replace(path)
