"""Installed models: folders under the user's models dir (and `models/` of a source checkout).

Importing copies into a temporary folder beside the target and renames it into place, so a
half-copied model is never found by the loader.
"""

from __future__ import annotations

import logging
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from gallery.errors import ModelError, ModelNotFoundError
from gallery.ml.encoder import ClipModel
from gallery.ml.model_folder import ModelFolder, detect_layout, read_model_folder

log = logging.getLogger(__name__)

SOURCE_MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
_VALID_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$")


@dataclass(frozen=True)
class InstalledModel:
    name: str
    path: Path
    layout: str
    size_bytes: int


def _folder_size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


class ModelRegistry:
    def __init__(self, models_dir: Path, extra_dirs: tuple[Path, ...] = ()) -> None:
        self.models_dir = models_dir
        self.search_dirs = (models_dir, *extra_dirs)

    def installed(self) -> list[InstalledModel]:
        found: dict[str, InstalledModel] = {}
        for base in self.search_dirs:
            if not base.is_dir():
                continue
            for folder in sorted(base.iterdir()):
                layout = detect_layout(folder) if folder.is_dir() else None
                if layout is None or folder.name.startswith(".") or folder.name in found:
                    continue
                found[folder.name] = InstalledModel(
                    folder.name, folder, layout, _folder_size(folder)
                )
        return list(found.values())

    def resolve(self, name: str | None, default: str | None = None) -> ModelFolder:
        """The named model, else the configured default, else the only installed one."""
        models = {m.name: m for m in self.installed()}
        wanted = name or default
        if wanted:
            if wanted not in models:
                known = ", ".join(models) or "none"
                raise ModelNotFoundError(
                    f"No installed model named {wanted!r} (installed: {known}).",
                    "Run 'gallery models list' or import one with 'gallery models import DIR'.",
                )
            return read_model_folder(models[wanted].path)
        if not models:
            raise ModelNotFoundError(
                "No model is installed.",
                "Import a model folder with 'gallery models import DIR'.",
            )
        if len(models) > 1:
            raise ModelNotFoundError(
                f"Several models are installed ({', '.join(models)}); say which one.",
                "Pass --model NAME, or set a default model in the settings.",
            )
        return read_model_folder(next(iter(models.values())).path)

    def import_folder(self, source: Path, name: str | None = None) -> InstalledModel:
        """Validate a model folder by running it, then install a copy atomically."""
        folder = read_model_folder(source)
        name = name or folder.name
        if not _VALID_NAME.match(name):
            raise ModelError(
                f"{name!r} is not a usable model name.",
                "Use letters, digits, '.', '_', '+' or '-'.",
            )
        ClipModel(folder, device="cpu").validate()
        target = self.models_dir / name
        self.models_dir.mkdir(parents=True, exist_ok=True)
        staging = self.models_dir / f".importing-{name}-{uuid.uuid4().hex[:8]}"
        try:
            shutil.copytree(folder.path, staging)
            if target.exists():
                retired = self.models_dir / f".replaced-{name}-{uuid.uuid4().hex[:8]}"
                target.replace(retired)
                shutil.rmtree(retired, ignore_errors=True)
            staging.replace(target)
        except OSError as exc:
            raise ModelError(
                f"Could not install the model into {target}: {exc}.",
                "Check free disk space and permissions.",
            ) from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        log.info("Imported model %s from %s into %s", name, source, target)
        return InstalledModel(name, target, folder.layout, _folder_size(target))
