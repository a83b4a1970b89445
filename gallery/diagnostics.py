"""The diagnostics report shared by `gallery doctor` and Help > Diagnostics: the same sections
from either front end, so a user can paste the same facts into a bug report.

Building the report never loads a model: the front end says what it knows of its model
(`ModelFacts`); `gallery doctor` loads the image tower first, the app reports what is loaded.
"""

from __future__ import annotations

import platform
import sqlite3
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from gallery import __version__
from gallery.errors import LibraryError
from gallery.paths import AppPaths
from gallery.settings import Settings

if TYPE_CHECKING:
    from gallery.library.store import Store
    from gallery.ml.providers import DeviceReport

#: The report's sections, in order.
SECTIONS: tuple[str, ...] = (
    "versions",
    "paths",
    "settings",
    "providers",
    "model",
    "device",
    "library",
)
NOT_LOADED = "not loaded"

COMPONENTS = (
    "onnxruntime-gpu",
    "onnxruntime",
    "numpy",
    "pillow",
    "pillow-heif",
    "pillow-jxl-plugin",
    "hnswlib",
    "tokenizers",
    "platformdirs",
    "huggingface-hub",
    "PySide6-Essentials",
)

# Licenses of what a packaged app bundles (shown in About).
LICENSES = {
    "PySide6 / Qt": "LGPL-3.0",
    "ONNX Runtime": "MIT",
    "hnswlib": "Apache-2.0",
    "NumPy": "BSD-3-Clause",
    "Pillow": "MIT-CMU (HPND)",
    "pillow-heif / libheif": "BSD-3-Clause / LGPL-3.0",
    "pillow-jxl-plugin / libjxl": "MIT / BSD-3-Clause",
    "tokenizers": "Apache-2.0",
    "platformdirs": "MIT",
    "huggingface_hub": "Apache-2.0",
    "CLIP models": "per model (OpenAI CLIP: MIT)",
}


def versions() -> dict[str, str]:
    found = {
        "lumen-gallery": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    for dist in COMPONENTS:
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return found


def as_text(sections: dict[str, object]) -> str:
    """Nested dicts as indented `key: value` lines; lists joined with commas."""
    lines: list[str] = []

    def emit(value: object, indent: int, key: str) -> None:
        pad = "  " * indent
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            for sub_key, sub_value in value.items():
                emit(sub_value, indent + 1, str(sub_key))
        elif isinstance(value, list):
            lines.append(f"{pad}{key}: {', '.join(map(str, value))}")
        else:
            lines.append(f"{pad}{key}: {value}")

    for key, value in sections.items():
        emit(value, 0, key)
    return "\n".join(lines)


@dataclass(frozen=True)
class ModelFacts:
    """What a front end knows of its model without loading anything."""

    name: str | None
    path: Path | None
    report: DeviceReport | None  # None: not loaded (yet)
    batch_size: int | None
    problem: str | None  # why there is no (working) model


def _providers() -> dict[str, object]:
    from gallery.ml import providers

    available = providers.available_providers()
    section: dict[str, object] = {"available": available}
    if providers.CUDA in available:
        section["cuda"] = {
            "driver_present": providers.nvidia_driver_present(),
            "diagnosis": providers.diagnose_cuda(),
        }
    return section


def _library(store: Store | None, model_name: str | None) -> dict[str, object]:
    """The photo folders and this model's counts (failed counts every file that would not
    decode); reading a damaged library gives its problem instead of failing the report."""
    from gallery.library.model_indexes import index_status

    if store is None:
        return {"note": "no library is open"}
    try:
        folders = store.roots()
        if model_name is None:
            counts = store.counts(None)
            return {"folders": folders, "files": counts.files, "failed": counts.failed}
        status = index_status(store, model_name)
    except (sqlite3.Error, LibraryError) as exc:
        return {"problem": str(exc)}
    return {
        "folders": folders,
        "files": status.files,
        "model": model_name,
        "indexed": status.indexed,
        "failed": status.failed,
        "pending": status.pending,
    }


def _device(model: ModelFacts) -> object:
    """The device report of a loaded model, else why there is none."""
    if model.report is None:
        return model.problem or NOT_LOADED
    return model.report.as_dict()


def report_sections(
    paths: AppPaths, settings: Settings, model: ModelFacts, store: Store | None
) -> dict[str, object]:
    """The report as `SECTIONS` in order: plain data, for JSON or `as_text`."""
    return {
        "versions": versions(),
        "paths": paths.as_dict(),
        "settings": {
            "default_model": settings.default_model,
            "device": settings.device,
            "batch_size": settings.batch_size,
            "excluded_patterns": list(settings.excluded_patterns),
        },
        "providers": _providers(),
        "model": {
            "name": model.name,
            "path": None if model.path is None else str(model.path),
            "batch_size": model.batch_size,
            "problem": model.problem,
        },
        "device": _device(model),
        "library": _library(store, model.name),
    }
