"""One index per model: how many photos a model still has to index, and deleting an old index
(SQLite vectors and hnswlib files) through real runs of the indexer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gallery.library.library import Library
from gallery.library.model_indexes import delete_model_index, index_status, index_statuses
from gallery.paths import app_paths
from tests.conftest import RunResult, parse_json
from tests.support.tiny_models import solid_colour_image

Cli = Callable[..., RunResult]


def test_switching_models_counts_pending_and_an_old_index_can_be_deleted(
    tmp_path: Path, gallery_cli: Cli, model_dirs: dict[str, Path], lumen_home: Path
) -> None:
    gallery_cli("models", "import", str(model_dirs["colour-hf"]), "--name", "old")
    gallery_cli("models", "import", str(model_dirs["random-hf"]), "--name", "new")
    photos = tmp_path / "photos"
    for name in ("red", "green", "blue"):
        solid_colour_image(photos / f"{name}.jpg", name)
    (photos / "broken.jpg").write_bytes(b"not a photo")
    gallery_cli("index", str(photos), "--model", "old")
    index_file = lumen_home / "data" / "indexes" / "old.hnsw"
    assert index_file.is_file()

    with Library(app_paths()) as library:
        old = index_status(library.store, "old")
        assert (old.files, old.indexed, old.failed, old.pending) == (4, 3, 1, 0)
        new = index_status(library.store, "new")  # never used: everything still to index
        assert (new.indexed, new.pending) == (0, 3)
        assert [s.model for s in index_statuses(library.store)] == ["old"]

        assert delete_model_index(library, "old") == 3

        assert index_status(library.store, "old").pending == 3
        assert index_statuses(library.store) == []
    assert not index_file.exists() and not index_file.with_name("old.hnsw.json").exists()
    assert parse_json(gallery_cli("search", "red", "--model", "old", "--json")) == []
    again = parse_json(gallery_cli("index", str(photos), "--model", "old", "--json"))
    assert again["embedded"] == 3
    top = parse_json(gallery_cli("search", "red", "--model", "old", "-n", "1", "--json"))
    assert Path(top[0]["path"]).name == "red.jpg"


def test_cli_remove_with_index_deletes_both(
    tmp_path: Path, gallery_cli: Cli, model_dirs: dict[str, Path], lumen_home: Path
) -> None:
    gallery_cli("models", "import", str(model_dirs["colour-hf"]), "--name", "gone")
    solid_colour_image(tmp_path / "photos" / "red.jpg", "red")
    gallery_cli("index", str(tmp_path / "photos"))
    removed = gallery_cli("models", "remove", "gone", "--index")
    assert "Deleted its index (1 photos)" in removed.stdout
    assert not (lumen_home / "data" / "models" / "gone").exists()
    assert not (lumen_home / "data" / "indexes" / "gone.hnsw").exists()
    assert parse_json(gallery_cli("status", "--json"))["models"] == {}
