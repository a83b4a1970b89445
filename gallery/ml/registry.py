"""Installed models: folders under the user's models dir (and `models/` of a source checkout).

Installs (imports and downloads) are assembled in a hidden folder beside the target, finished
with a completion marker and renamed into place, so a half-copied model is never found by the
loader. In the user's models dir a folder without the marker, or with a file of the wrong
size, is reported as damaged; folders dropped into a checkout's `models/` need no marker.
Every scan of the user's models dir first removes what crashed installs left behind
(`model_files.remove_leftovers`): each front end lists or resolves models when it starts.
"""

from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from gallery.errors import Action, ModelError, ModelNotFoundError, Remedy
from gallery.ml.encoder import ClipModel
from gallery.ml.model_files import (
    MARKER_NAME,
    changing_model,
    download_staging,
    in_progress_folder,
    marker_problem,
    publish,
    remove_leftovers,
    write_marker,
)
from gallery.ml.model_folder import ModelFolder, detect_layout, read_model_folder
from gallery.text import Text, say

log = logging.getLogger(__name__)

_VALID_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$")
_CHECKOUT = Path(__file__).resolve().parents[2]
#: `models/` of a source checkout: model folders dropped there by hand (no marker needed).
#: Installed, the same place is site-packages/models (or a bundle's), nobody's model folder:
#: the registry searches it only beside the checkout's pyproject.toml, and only if it exists.
SOURCE_MODELS_DIR = _CHECKOUT / "models"


@dataclass(frozen=True)
class InstalledModel:
    name: str
    path: Path
    layout: str
    size_bytes: int


@dataclass(frozen=True)
class DamagedModel:
    """A model folder that must not be loaded: an interrupted or corrupted install."""

    name: str
    path: Path
    problem: Text  # reads after "the model is damaged:", e.g. "model.onnx is missing"


def folder_size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def validate_name(name: str) -> str:
    """A model name doubles as a folder and index file name: keep it portable."""
    if not _VALID_NAME.match(name):
        raise ModelError(
            say("{name!r} is not a usable model name.", name=name),
            say("Use letters, digits, '.', '_', '+' or '-'."),
        )
    return name


def _searchable(folder: Path) -> bool:
    return folder != SOURCE_MODELS_DIR or (_CHECKOUT / "pyproject.toml").is_file()


class ModelRegistry:
    def __init__(self, models_dir: Path, extra_dirs: tuple[Path, ...] = ()) -> None:
        self.models_dir = models_dir
        self.search_dirs = (models_dir, *(d for d in extra_dirs if _searchable(d)))

    def _scan(self) -> tuple[dict[str, InstalledModel], dict[str, DamagedModel]]:
        found: dict[str, InstalledModel] = {}
        damaged: dict[str, DamagedModel] = {}
        remove_leftovers(self.models_dir)
        for base in self.search_dirs:
            if not base.is_dir():
                continue
            managed = base == self.models_dir
            for folder in sorted(base.iterdir()):
                name = folder.name
                if name.startswith(".") or name in found or name in damaged:
                    continue
                layout = detect_layout(folder) if folder.is_dir() else None
                if layout is None:
                    continue
                problem = marker_problem(folder, required=managed)
                if problem is not None:
                    damaged[name] = DamagedModel(name, folder, problem)
                else:
                    found[name] = InstalledModel(name, folder, layout, folder_size(folder))
        return found, damaged

    def installed(self) -> list[InstalledModel]:
        """Complete models only, the user's own first."""
        return list(self._scan()[0].values())

    def damaged(self) -> list[DamagedModel]:
        return list(self._scan()[1].values())

    def resolve(self, name: str | None, default: str | None = None) -> ModelFolder:
        """The named model, else the configured default, else the only installed one."""
        models, damaged = self._scan()
        wanted = name or default
        if wanted:
            if wanted in damaged:
                raise ModelError(
                    say(
                        "The model {name} is incomplete or damaged: {problem}.",
                        name=wanted,
                        problem=damaged[wanted].problem,
                    ),
                    say("Install it again: download it or re-import its folder."),
                    (Remedy(Action.DOWNLOAD_MODEL, wanted), Remedy(Action.IMPORT_MODEL)),
                )
            if wanted not in models:
                raise ModelNotFoundError(
                    say(
                        "No installed model named {name!r} (installed: {known}).",
                        name=wanted,
                        known=", ".join(models),
                    )
                    if models
                    else say("No installed model named {name!r} (installed: none).", name=wanted),
                    say("Check the name against the models there are, or import one."),
                    (Remedy(Action.LIST_MODELS), Remedy(Action.IMPORT_MODEL)),
                )
            return read_model_folder(models[wanted].path)
        if not models:
            raise ModelNotFoundError(
                say("No model is installed."),
                say("Download one from the catalog, or import a model folder."),
                (
                    Remedy(Action.DOWNLOAD_MODEL),
                    Remedy(Action.LIST_MODELS),
                    Remedy(Action.IMPORT_MODEL),
                ),
            )
        if len(models) > 1:
            raise ModelNotFoundError(
                say(
                    "Several models are installed ({names}); say which one.",
                    names=", ".join(models),
                ),
                say("Choose one, or set a default model in the settings."),
                (Remedy(Action.CHOOSE_MODEL),),
            )
        return read_model_folder(next(iter(models.values())).path)

    def import_folder(self, source: Path, name: str | None = None) -> InstalledModel:
        """Validate a model folder by running it, then install a copy atomically."""
        folder = read_model_folder(source)
        name = validate_name(name or folder.name)
        ClipModel(folder, device="cpu").validate()
        target = self.models_dir / name
        self.models_dir.mkdir(parents=True, exist_ok=True)
        staging = in_progress_folder(self.models_dir, "importing", name)
        try:
            with changing_model(self.models_dir, name, "import"):
                try:
                    shutil.copytree(
                        folder.path, staging, ignore=shutil.ignore_patterns(MARKER_NAME)
                    )
                    write_marker(staging, source={"imported_from": str(folder.path)})
                    publish(staging, target)
                finally:
                    shutil.rmtree(staging, ignore_errors=True)
        except OSError as exc:
            raise ModelError(
                say(
                    "Could not install the model into {target}: {error}.",
                    target=target,
                    error=str(exc),
                ),
                say("Check free disk space and permissions."),
            ) from exc
        log.info("Imported model %s from %s into %s", name, source, target)
        return InstalledModel(name, target, folder.layout, folder_size(target))

    def remove(self, name: str) -> Path:
        """Delete an installed (or damaged) model and any unfinished download of it."""
        target = self.models_dir / validate_name(name)
        partial = download_staging(self.models_dir, name)
        if not target.is_dir() and not partial.is_dir():
            elsewhere = next((b / name for b in self.search_dirs if (b / name).is_dir()), None)
            if elsewhere is not None:
                raise ModelError(
                    say(
                        "The model {name} is a folder of the source checkout ({folder}), not an "
                        "installed one.",
                        name=name,
                        folder=elsewhere,
                    ),
                    say("Delete that folder yourself if you no longer want it."),
                )
            raise ModelNotFoundError(
                say("No installed model named {name!r}.", name=name),
                say("Check the name against the installed models."),
                (Remedy(Action.LIST_MODELS),),
            )
        with changing_model(self.models_dir, name, "remove"):  # not under a running download
            for folder in (target, partial):
                if folder.is_dir():
                    # Rename first: the model disappears at once even if deleting takes a while.
                    doomed = in_progress_folder(self.models_dir, "removing", name)
                    folder.replace(doomed)
                    shutil.rmtree(doomed, ignore_errors=True)
        log.info("Removed model %s from %s", name, self.models_dir)
        return target
