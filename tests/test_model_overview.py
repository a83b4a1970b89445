"""The model overview on a real registry (tiny model folders, installed, removed and damaged)
and a real library with indexed photos; `gallery models list --json` says the same."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from gallery.errors import ModelError
from gallery.library import model_overview as overview_module
from gallery.library.model_overview import (
    ModelEntry,
    ModelState,
    default_model_name,
    model_overview,
)
from gallery.library.store import Store
from gallery.ml.catalog import load_catalog
from gallery.ml.model_files import MARKER_NAME
from gallery.ml.recommend import Machine
from gallery.ml.registry import SOURCE_MODELS_DIR, ModelRegistry, folder_size
from gallery.paths import app_paths
from tests.conftest import RunResult, parse_json
from tests.support.tiny_models import solid_colour_image

Cli = Callable[..., RunResult]
OLD_KEYS = {"name", "installed", "default", "languages", "size", "title", "repo", "precisions"}
OLD_KEYS |= {"layout", "path", "problem"}
NEW_KEYS = {"state", "indexed", "failed", "pending", "has_index"}
#: Issue #12's fields: quality, size and speed side by side, and the recommendation.
CHOOSING_KEYS = {"recall", "source", "download_bytes", "memory_mb", "revision", "revision_note"}
CHOOSING_KEYS |= {"recommended"}


def _registry() -> ModelRegistry:
    """The registry the command line uses."""
    return ModelRegistry(app_paths().models, (SOURCE_MODELS_DIR,))


@pytest.fixture
def library(tmp_path: Path, gallery_cli: Cli, model_dirs: dict[str, Path]) -> Path:
    """Installed: colours (indexed), rnd (never used); gone: indexed, then removed; damaged:
    broken (no marker), cut (a truncated file) and the catalog's clip-vit-b-16 (no marker)."""
    registry = _registry()
    for name, source in (
        ("colours", "colour-hf"),
        ("rnd", "random-hf"),
        ("gone", "colour-immich"),
        ("broken", "random-immich"),
        ("cut", "random-hf"),
        ("clip-vit-b-16", "colour-hf"),
    ):
        registry.import_folder(model_dirs[source], name)
    photos = tmp_path / "photos"
    for colour in ("red", "green", "blue"):
        solid_colour_image(photos / f"{colour}.jpg", colour)
    (photos / "broken.jpg").write_bytes(b"not a photo")
    gallery_cli("index", str(photos), "--model", "colours")
    gallery_cli("index", str(photos), "--model", "gone")
    registry.remove("gone")
    models = app_paths().models
    (models / "broken" / MARKER_NAME).unlink()
    (models / "clip-vit-b-16" / MARKER_NAME).unlink()
    visual = models / "cut" / "onnx" / "vision_model.onnx"
    visual.write_bytes(visual.read_bytes()[:100])
    return photos


def _overview(configured: str | None = None) -> list[ModelEntry]:
    store = Store(app_paths().library_db)
    try:
        return model_overview(_registry(), store, configured)
    finally:
        store.close()


def test_rows_states_and_counts(library: Path) -> None:
    entries = _overview()
    by_name = {e.name: e for e in entries}
    catalog = [m.name for m in load_catalog().models]
    assert [e.name for e in entries] == [*catalog, "colours", "rnd", "gone", "broken", "cut"]

    colours = by_name["colours"]
    assert colours.state is ModelState.INSTALLED and colours.installed
    assert (colours.indexed, colours.failed, colours.pending, colours.has_index) == (3, 1, 0, True)
    assert colours.path == app_paths().models / "colours" and colours.layout == "hf"
    assert colours.size == folder_size(colours.path) and colours.problem is None
    assert colours.title == "colours" and colours.repo is None

    rnd = by_name["rnd"]
    assert rnd.installed and not rnd.has_index
    assert (rnd.indexed, rnd.failed, rnd.pending) == (0, 1, 3)

    gone = by_name["gone"]  # only its index is left
    assert gone.state is ModelState.AVAILABLE and not gone.installed
    assert gone.has_index and (gone.indexed, gone.pending) == (3, 0)
    assert gone.path is None and gone.size is None

    for name, problem in (("broken", "no completion marker"), ("cut", "vision_model.onnx")):
        damaged = by_name[name]
        assert damaged.state is ModelState.DAMAGED and not damaged.installed
        assert problem in (damaged.problem or "") and not damaged.default

    # A damaged catalog model keeps its place and its catalog facts, and is not installed.
    b16 = by_name["clip-vit-b-16"]
    assert b16.state is ModelState.DAMAGED and not b16.installed and b16.problem
    entry = load_catalog().get("clip-vit-b-16")
    assert b16.size == entry.approx_bytes[entry.default_precision] and b16.repo == entry.repo

    b32 = by_name["clip-vit-b-32"]
    assert b32.state is ModelState.AVAILABLE and b32.path is None and b32.languages == ("en",)
    assert b32.precisions and b32.size and (b32.indexed, b32.pending) == (0, 3)

    # Two installed and none configured: no default; a configured one is the default.
    assert not any(e.default for e in entries)
    assert [e.name for e in _overview("rnd") if e.default] == ["rnd"]


def test_models_list_json_agrees_with_the_overview(library: Path, gallery_cli: Cli) -> None:
    listed = parse_json(gallery_cli("models", "list", "--json"))
    assert listed == [entry.as_dict() for entry in _overview()]
    assert all(set(row) == OLD_KEYS | NEW_KEYS | CHOOSING_KEYS for row in listed)
    rows = {row["name"]: row for row in listed}
    catalog = load_catalog()
    for entry in catalog.models:
        row = rows[entry.name]
        assert row["recall"] == {"en": entry.recall.get("en"), "zh": entry.recall.get("zh")}
        assert row["source"] == (entry.recall_source or None)
        assert row["download_bytes"] == entry.download_bytes and row["revision"] == entry.revision
        assert row["memory_mb"] == entry.memory_mb
        assert row["revision_note"] == entry.revision_note
        assert (len(row["revision"]) == 40) or row["revision_note"], "pinned, or says why"
    for name in ("colours", "gone"):  # outside the catalog: nothing published
        assert rows[name]["recall"] == {"en": None, "zh": None}
        assert rows[name]["source"] is None and rows[name]["download_bytes"] is None
    assert rows["vit-b-16-siglip2"]["recall"] == {"en": 75.19, "zh": 64.39}
    assert [row["name"] for row in listed if row["recommended"]] == [
        next(e.name for e in _overview() if e.recommended)
    ]
    assert all(isinstance(row["recommended"], bool) for row in listed)
    text = gallery_cli("models", "list").stdout
    assert "colours" in text and "damaged" in text and "no completion marker" in text
    assert "Recommended for this computer: " in text and "75.2/64.4" in text


def test_default_model_name_rule(tmp_path: Path, model_dirs: dict[str, Path]) -> None:
    registry = ModelRegistry(tmp_path / "models")
    assert default_model_name(registry, None, "clip-vit-b-32") == "clip-vit-b-32"
    registry.import_folder(model_dirs["random-hf"], "one")
    assert default_model_name(registry, None, "clip-vit-b-32") == "one"
    registry.import_folder(model_dirs["colour-hf"], "two")
    assert default_model_name(registry, None, "clip-vit-b-32") is None
    assert default_model_name(registry, "two", "clip-vit-b-32") == "two"


def test_an_unreadable_catalog_lists_what_is_installed(
    tmp_path: Path,
    model_dirs: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    registry = ModelRegistry(tmp_path / "models")
    registry.import_folder(model_dirs["random-hf"], "mine")
    store = Store(tmp_path / "library.sqlite3")

    def damaged() -> None:
        raise ModelError("The model catalog is damaged: the top level has no 'models'.")

    monkeypatch.setattr(overview_module, "load_catalog", damaged)
    with caplog.at_level(logging.WARNING, "gallery.library.model_overview"):
        entries = model_overview(registry, store, None)
    store.close()
    assert [(e.name, e.installed, e.default) for e in entries] == [("mine", True, True)]
    assert "catalog is damaged" in caplog.text


def test_listing_needs_no_library(gallery_cli: Cli, lumen_home: Path) -> None:
    """Without a library the counts are an empty library's, and none is created."""
    listed = parse_json(gallery_cli("models", "list", "--json"))
    assert listed and all(row["indexed"] == 0 and not row["has_index"] for row in listed)
    assert not (lumen_home / "data" / "library.sqlite3").exists()


def test_a_damaged_library_does_not_stop_the_list(gallery_cli: Cli, lumen_home: Path) -> None:
    database = lumen_home / "data" / "library.sqlite3"
    database.parent.mkdir(parents=True)
    database.write_bytes(b"this is not a database\n" * 500)
    listed = gallery_cli("models", "list")
    assert listed.returncode == 0
    assert "clip-vit-b-32" in listed.stdout and "warning:" in listed.stderr


def test_the_recommendation_follows_the_machine_and_the_language(library: Path) -> None:
    store = Store(app_paths().library_db)
    try:

        def recommended(machine: Machine, language: str) -> list[str]:
            rows = model_overview(_registry(), store, None, machine=machine, language=language)
            picked = [e for e in rows if e.recommended]
            assert all(e.reason for e in picked) and not any(
                e.reason for e in rows if not e.recommended
            )
            return [e.name for e in picked]

        cpu = Machine(gpu=False, memory_mb=16_384, cpus=8)
        assert recommended(cpu, "en") == ["vit-b-16-siglip2"]
        assert recommended(cpu, "zh") == ["xlm-roberta-base-vit-b-32"]
        assert recommended(Machine(gpu=False, memory_mb=4_096, cpus=8), "en") == ["clip-vit-b-32"]
        assert recommended(Machine(gpu=True, memory_mb=32_768, cpus=8), "zh") == [
            "nllb-clip-base-siglip"
        ]
    finally:
        store.close()
