"""Download a model into the models dir, from the catalog or from any repo in a known layout.

Steps: plan the files -> fetch them into `.download-<name>` (kept when a run fails, so the next
run resumes) -> fetch the external-data files the graphs reference -> split a combined graph ->
write `lumen.json` -> run the model once (as an import does) -> completion marker -> rename into
place. Nothing before the rename is ever loadable; a complete install is not fetched again.
"""

from __future__ import annotations

import errno
import json
import logging
import posixpath
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import onnx
from onnx.external_data_helper import ExternalDataInfo, uses_external_data

from gallery.errors import Action, ModelError, Remedy
from gallery.ml.catalog import Catalog, ModelFile, RepoLayout, load_catalog
from gallery.ml.download import (
    DiskFullError,
    DownloadError,
    HubRepo,
    ModelDownloadProgress,
    ProgressCallback,
    clear_download_state,
)
from gallery.ml.encoder import ClipModel
from gallery.ml.model_files import (
    FACTS_NAME,
    changing_model,
    download_staging,
    marker_problem,
    publish,
    write_marker,
)
from gallery.ml.model_folder import detect_layout, read_model_folder
from gallery.ml.registry import InstalledModel, folder_size, validate_name
from gallery.ml.split_graph import split_combined_clip
from gallery.text import say

log = logging.getLogger(__name__)

#: File-name suffix of each precision in Hugging Face / transformers.js exports.
PRECISION_SUFFIXES = {"fp32": "", "fp16": "_fp16", "quantized": "_quantized"}
_HF_EXTRAS = (
    "config.json",
    "preprocessor_config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
)
_IMMICH_EXTRAS = (
    "config.json",
    "visual/preprocess_cfg.json",
    "textual/tokenizer.json",
    "textual/tokenizer_config.json",
    "textual/special_tokens_map.json",
)
_COMBINED = "onnx/model.onnx"


@dataclass(frozen=True)
class DownloadPlan:
    """What to fetch and how to assemble it into a model folder named `name`."""

    name: str
    repo: str
    revision: str
    layout: RepoLayout
    files: tuple[ModelFile, ...]
    facts: dict[str, Any] = field(default_factory=dict)


def catalog_plan(
    name: str,
    precision: str | None = None,
    install_name: str | None = None,
    catalog: Catalog | None = None,
) -> DownloadPlan:
    """A catalog model; another precision than the default installs as `<name>-<precision>`,
    so each index keeps to the vectors of one set of weights."""
    entry = (catalog or load_catalog()).get(name)
    chosen = precision or entry.default_precision
    files = entry.files(chosen)
    default_name = entry.name if chosen == entry.default_precision else f"{entry.name}-{chosen}"
    return DownloadPlan(
        name=validate_name(install_name or default_name),
        repo=entry.repo,
        revision=entry.revision,
        layout=entry.layout,
        files=files,
        facts=entry.install_facts(chosen),
    )


def repo_plan(
    hub: HubRepo, precision: str | None = None, install_name: str | None = None
) -> DownloadPlan:
    """Any repository whose files are in a supported layout, found from its tree listing;
    the listing's LFS SHA-256 values become the pins."""
    entries = {e.path: e for e in hub.list_files()}
    layout: RepoLayout
    if "visual/model.onnx" in entries and "textual/model.onnx" in entries:
        layout, available, extras = "immich", ["fp32"], _IMMICH_EXTRAS
    else:
        split = [
            p
            for p, s in PRECISION_SUFFIXES.items()
            if f"onnx/vision_model{s}.onnx" in entries and f"onnx/text_model{s}.onnx" in entries
        ]
        combined = [p for p, s in PRECISION_SUFFIXES.items() if f"onnx/model{s}.onnx" in entries]
        if not split and not combined:
            raise ModelError(
                say("{repo} holds no CLIP model in a supported layout.", repo=hub.repo),
                say(
                    "Expected onnx/vision_model.onnx and onnx/text_model.onnx, onnx/model.onnx "
                    "(both towers in one graph), or visual/model.onnx and textual/model.onnx "
                    "(Immich)."
                ),
            )
        layout = "hf" if split else "hf-combined"
        available, extras = split or combined, _HF_EXTRAS
    chosen = precision or ("fp32" if "fp32" in available else available[0])
    if chosen not in available:
        raise ModelError(
            say("{repo} has no {precision!r} precision.", repo=hub.repo, precision=chosen),
            say("Choose one of: {precisions}.", precisions=", ".join(available)),
            (Remedy(Action.CHOOSE_PRECISION),),
        )
    suffix = PRECISION_SUFFIXES[chosen]
    towers = {
        "immich": [
            ("visual/model.onnx", "visual/model.onnx"),
            ("textual/model.onnx", "textual/model.onnx"),
        ],
        "hf": [
            (f"onnx/vision_model{suffix}.onnx", "onnx/vision_model.onnx"),
            (f"onnx/text_model{suffix}.onnx", "onnx/text_model.onnx"),
        ],
        "hf-combined": [(f"onnx/model{suffix}.onnx", _COMBINED)],
    }[layout]
    files = [
        ModelFile(remote, local, entries[remote].size, entries[remote].sha256)
        for remote, local in [*towers, *((p, p) for p in extras if p in entries)]
    ]
    return DownloadPlan(
        name=validate_name(install_name or hub.repo.rsplit("/", 1)[-1]),
        repo=hub.repo,
        revision=hub.revision,
        layout=layout,
        files=tuple(files),
        facts={"precision": chosen},
    )


def _external_data(folder: Path, files: list[ModelFile]) -> list[ModelFile]:
    """Weight files that downloaded graphs reference (graphs over 2 GB keep weights apart)."""
    found: dict[str, ModelFile] = {}
    for file in files:
        if not file.local.endswith(".onnx"):
            continue
        graph = onnx.load(str(folder / file.local), load_external_data=False).graph
        for tensor in graph.initializer:
            if not uses_external_data(tensor):
                continue
            location = ExternalDataInfo(tensor).location
            normal = posixpath.normpath(location)
            if posixpath.isabs(normal) or normal.startswith(".."):
                raise ModelError(
                    say(
                        "{file} points at weights outside its folder ({location!r}).",
                        file=file.remote,
                        location=location,
                    ),
                    say("Refusing to install it; use another repository."),
                )
            remote = posixpath.join(posixpath.dirname(file.remote), normal)
            local = posixpath.join(posixpath.dirname(file.local), normal)
            found.setdefault(local, ModelFile(remote, local))
    return list(found.values())


def _existing(target: Path) -> InstalledModel | None:
    layout = detect_layout(target) if target.is_dir() else None
    if layout is None or marker_problem(target, required=True) is not None:
        return None
    return InstalledModel(target.name, target, layout, folder_size(target))


def download_model(
    models_dir: Path,
    plan: DownloadPlan,
    *,
    endpoint: str | None = None,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    retries: int = 5,
    backoff: float = 1.0,
) -> InstalledModel:
    """Fetch, assemble, validate and install `plan`; a complete install is returned as is.

    Raises DownloadError subclasses (offline, not found, hash mismatch, disk full), ModelError
    when the files do not make a working model, and Cancelled when `cancel` is set: the files
    fetched so far stay in the staging folder and the next call resumes from them. While
    another process downloads the same model this one waits (progress stage "wait").
    """
    target = models_dir / plan.name
    existing = _existing(target)
    if existing is None:

        def waiting() -> None:
            log.info("Waiting for another download of %s", plan.name)
            if progress is not None:
                waits = say("Waiting for another download of {name}…", name=plan.name)
                progress(ModelDownloadProgress(0, None, 0.0, None, waits, stage="wait"))

        # Another window or the CLI fetching the same model would share its staging folder:
        # wait for it (it wants what we want), then take what it installed or resume its files.
        with changing_model(models_dir, plan.name, "download", waiting=waiting, cancel=cancel):
            existing = _existing(target)
            if existing is None:
                return _download(models_dir, plan, endpoint, progress, cancel, retries, backoff)
    log.info("Model %s is already installed in %s", plan.name, target)
    return existing


def _download(
    models_dir: Path,
    plan: DownloadPlan,
    endpoint: str | None,
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
    retries: int,
    backoff: float,
) -> InstalledModel:
    """Fetch, assemble and publish, under the model's lock."""
    target = models_dir / plan.name
    staging = download_staging(models_dir, plan.name)
    hub = HubRepo(plan.repo, plan.revision, endpoint, retries=retries, backoff=backoff)
    hashes = hub.fetch(plan.files, staging, progress, cancel)
    fetched = [f for f in plan.files if f.local in hashes]
    extra = _external_data(staging, fetched)
    if extra:
        log.info("Fetching external weights: %s", ", ".join(f.remote for f in extra))
        hashes.update(hub.fetch(extra, staging, progress, cancel))
    if progress is not None:
        total = sum((staging / local).stat().st_size for local in hashes)
        progress(ModelDownloadProgress(total, total, 0.0, None, plan.name, stage="install"))
    source = {
        "repo": plan.repo,
        "revision": plan.revision,
        "commit": hub.commit,
        "endpoint": hub.endpoint,
    }
    try:
        _assemble(staging, plan, hashes, source)
        models_dir.mkdir(parents=True, exist_ok=True)
        publish(staging, target)
    except ModelError:
        shutil.rmtree(staging, ignore_errors=True)  # these files do not make a model: refetch
        raise
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise DiskFullError(
                say(
                    "The disk is full while installing {name} into {folder}.",
                    name=plan.name,
                    folder=models_dir,
                ),
                say("Free some space and run the download again."),
            ) from exc
        raise DownloadError(
            say(
                "Could not install the model into {target}: {error}.", target=target, error=str(exc)
            ),
            say("Check the permissions."),
        ) from exc
    log.info("Installed model %s from %s (%s) into %s", plan.name, plan.repo, hub.commit, target)
    return InstalledModel(plan.name, target, str(detect_layout(target)), folder_size(target))


def _assemble(
    staging: Path, plan: DownloadPlan, hashes: dict[str, str], source: dict[str, Any]
) -> None:
    """Turn fetched files into a model folder that has run once; the marker comes last."""
    if plan.layout == "hf-combined":
        combined = staging / _COMBINED
        split_combined_clip(
            combined, staging / "onnx" / "vision_model.onnx", staging / "onnx" / "text_model.onnx"
        )
    facts = {**plan.facts, "source": source}
    (staging / FACTS_NAME).write_text(json.dumps(facts, indent=2), encoding="utf-8")
    ClipModel(read_model_folder(staging), device="cpu").validate()
    if plan.layout == "hf-combined":
        (staging / _COMBINED).unlink()  # both towers now live in their own graphs
        hashes.pop(_COMBINED, None)
    clear_download_state(staging)
    write_marker(staging, hashes, source)
