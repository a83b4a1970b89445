"""Finding duplicates through the real pipeline: each kind of copy is grouped, similar scenes
and other photos are not, the keeper rule, the fingerprint backfill, folders and threshold."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gallery.bench.duplicates import KINDS, make_quality_set
from gallery.errors import Cancelled, UserError
from gallery.imaging.fingerprint import hamming_many
from gallery.library.duplicates import DuplicateGroup, choose_keeper, find_duplicates, near_pairs
from gallery.library.indexer import Indexer
from gallery.library.library import Library
from gallery.library.store import _MIGRATIONS, SCHEMA_VERSION, PhotoRow, Store
from gallery.ml.encoder import ClipModel
from gallery.ml.registry import ModelRegistry
from gallery.paths import AppPaths

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
# two photos get every kind of copy, the third becomes two views of one scene
SOURCES = [CORPUS / "photos" / n for n in ("el_torcal_rocks.jpg", "prairie_falcon.jpg")] + [
    CORPUS / "captioned" / "coffee.png"
]
OTHER = CORPUS / "photos" / "tanners_ridge.jpg"


def _model(paths: AppPaths) -> ClipModel:
    return ClipModel(ModelRegistry(paths.models).resolve("colours"), device="cpu")


def _members(group: DuplicateGroup) -> set[str]:
    return {group.keep.path, *(row.path for row in group.remove)}


@pytest.fixture
def indexed(paths: AppPaths, tmp_path: Path) -> tuple[Path, list[list[str]], list[list[str]]]:
    folder = tmp_path / "photos"
    families, scenes = make_quality_set(folder, SOURCES)
    shutil.copyfile(OTHER, folder / OTHER.name)
    with Library(paths) as library:
        Indexer(library, _model(paths), thumbnails=False, text=False).run([folder])
    return folder, families, scenes


@pytest.mark.parametrize("model_name", ["colours", None])
def test_every_kind_of_copy_is_grouped_and_similar_scenes_are_not(
    paths: AppPaths, indexed: tuple[Path, list[list[str]], list[list[str]]], model_name: str | None
) -> None:
    folder, families, scenes = indexed
    with Library(paths) as library:
        groups = find_duplicates(library, model_name)
    assert len(families) == 2 and len(scenes) == 1
    found = [_members(group) for group in groups]
    for family in families:
        members = next(g for g in found if family[0] in g)
        expected = set(family) if model_name else set(family) - {family[KINDS.index("cropped") + 1]}
        assert expected <= members, set(family) - members
        assert members <= set(family)  # nothing else joined it
    everything = set().union(*found)
    assert not everything & set(scenes[0])
    assert str(folder / OTHER.name) not in everything
    for group in groups:
        assert not group.exact and 0.8 <= group.similarity < 1.0


def test_byte_identical_copies_are_exact(paths: AppPaths, tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    (folder / "deeper").mkdir(parents=True)
    shutil.copyfile(SOURCES[0], folder / "a.jpg")
    shutil.copyfile(SOURCES[0], folder / "deeper" / "a copy.jpg")
    shutil.copyfile(OTHER, folder / "other.jpg")
    with Library(paths) as library:
        Indexer(library, _model(paths), thumbnails=False).run([folder])
        groups = find_duplicates(library, "colours")
    assert len(groups) == 1
    group = groups[0]
    assert group.exact and group.similarity == 1.0
    assert group.keep.path == str(folder / "a.jpg")  # the shortest path
    assert group.reason == "identical copies; the shortest path"
    assert group.as_dict() == {
        "keep": str(folder / "a.jpg"),
        "remove": [str(folder / "deeper" / "a copy.jpg")],
        "reason": "identical copies; the shortest path",
        "similarity": 1.0,
    }


def test_flat_photos_of_other_colours_are_not_copies_but_identical_ones_are(
    paths: AppPaths, tmp_path: Path
) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    for colour in ("red", "green", "blue", "yellow"):
        Image.new("RGB", (320, 240), colour).save(folder / f"{colour}.png")
    shutil.copyfile(folder / "red.png", folder / "red again.png")
    with Library(paths) as library:
        Indexer(library, _model(paths), thumbnails=False).run([folder])
        for model_name in ("colours", None):
            groups = find_duplicates(library, model_name)
            assert [_members(group) for group in groups] == [
                {str(folder / "red.png"), str(folder / "red again.png")}
            ]
            assert groups[0].exact


def _row(path: str, width: int, height: int, fmt: str, size: int, taken: float | None) -> PhotoRow:
    return PhotoRow(hash(path) & 0xFFFF, path, size, 0, taken, width, height, fmt)


def test_the_keeper_rule_and_its_reason() -> None:
    big = _row("/p/big.jpg", 4032, 3024, "jpeg", 3_000_000, 100.0)
    small = _row("/p/small.jpg", 2016, 1512, "jpeg", 900_000, 50.0)
    keep, reason = choose_keeper([small, big])
    assert keep is big and reason == "highest resolution (4032 × 3024)"
    png = _row("/p/big.png", 4032, 3024, "png", 9_000_000, None)
    keep, reason = choose_keeper([png, big])
    assert keep is big
    assert reason == "same resolution; original format (JPEG) over a converted copy (PNG)"
    no_date = _row("/p/b2.jpg", 4032, 3024, "jpeg", 4_000_000, None)
    keep, reason = choose_keeper([no_date, big])
    assert keep is big and reason == "same resolution and format; the copy with the camera's date"
    smaller = _row("/p/b3.jpg", 4032, 3024, "jpeg", 1_000_000, 100.0)
    keep, reason = choose_keeper([smaller, big])
    assert (
        keep is big and reason == "same resolution and format; the larger file (less recompressed)"
    )
    later = _row("/p/b4.jpg", 4032, 3024, "jpeg", 3_000_000, 200.0)
    keep, reason = choose_keeper([later, big])
    assert keep is big and str(reason).startswith(
        "same resolution and format; the oldest date taken"
    )
    longer = _row("/p/longer/big.jpg", 4032, 3024, "jpeg", 3_000_000, 100.0)
    keep, reason = choose_keeper([longer, big])
    assert keep is big and reason == "same resolution, format and date; the shortest path"


def test_near_pairs_finds_every_pair_within_the_radius_and_no_other() -> None:
    rng = np.random.default_rng(3)
    prints = rng.integers(0, 1 << 62, 2000, dtype=np.int64)
    flips = (1 << rng.integers(0, 63, (100, 4), dtype=np.int64)).sum(axis=1)
    both = np.concatenate([prints, prints[:100] ^ flips])
    pairs, distances = near_pairs(both, 8)
    brute = {
        (i, j)
        for i in range(len(both))
        for j in (
            np.flatnonzero(hamming_many(np.full(len(both) - i - 1, both[i]), both[i + 1 :]) <= 8)
            + i
            + 1
        ).tolist()
    }
    assert {(int(a), int(b)) for a, b in pairs} == brute
    assert {(i, 2000 + i) for i in range(100)} <= brute
    assert distances.tolist() == hamming_many(both[pairs[:, 0]], both[pairs[:, 1]]).tolist()


def test_folders_threshold_progress_and_cancel(
    paths: AppPaths, indexed: tuple[Path, list[list[str]], list[list[str]]]
) -> None:
    folder, families, _ = indexed
    steps: list[tuple[int, int]] = []
    with Library(paths) as library:
        inside = find_duplicates(
            library, None, [str(folder / "copies")], progress=lambda *s: steps.append(s)
        )
        every = find_duplicates(library, None)
        strict = find_duplicates(library, None, threshold=1.0)
        with pytest.raises(UserError, match="threshold"):
            find_duplicates(library, None, threshold=0.5)
        cancel = threading.Event()
        cancel.set()
        with pytest.raises(Cancelled):
            find_duplicates(library, None, cancel=cancel)
    assert steps[-1] == (4, 4)
    copies = str(folder / "copies")
    assert inside and all(p.startswith(copies) for g in inside for p in _members(g))
    assert not any(family[0] in _members(g) for family in families for g in inside)
    pairs = lambda groups: sum(len(g.remove) for g in groups)  # noqa: E731
    assert pairs(strict) < pairs(every)
    assert all(g.similarity >= 0.99 for g in strict)


def _as_version_2(db_path: Path) -> None:
    """Turn a library back into one from before fingerprints: drop the column and the index
    (and migration 4's text tables)."""
    db = sqlite3.connect(db_path)
    for table in ("text_lines", "text_status", "text_trigrams", "text_pairs"):
        db.execute(f"DROP TABLE {table}")  # the trigger goes with text_status
    db.execute("DROP INDEX files_fingerprint_pending")
    db.execute("ALTER TABLE files DROP COLUMN fingerprint")
    db.execute("PRAGMA user_version=2")
    db.commit()
    db.close()


def test_the_backfill_fills_an_old_library_without_re_embedding(
    paths: AppPaths,
    indexed: tuple[Path, list[list[str]], list[list[str]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder, families, _ = indexed
    with Library(paths) as library:
        model_id = library.store.find_model("colours")
        assert model_id is not None
        generation = library.store.generation(model_id)
        before = library.store.fingerprints()
    _as_version_2(paths.library_db)
    assert len(_MIGRATIONS) == SCHEMA_VERSION == 4
    store = Store(paths.library_db)  # migrations 3 and 4 on open
    assert store.fingerprints().ids.size == 0
    assert store.fingerprint_pending_count() == len(before.ids)
    store.close()

    model = _model(paths)
    calls: list[int] = []
    embed = model.embed_image_tensors

    def counted(tensors: np.ndarray) -> np.ndarray:
        calls.append(len(tensors))
        return embed(tensors)

    monkeypatch.setattr(model, "embed_image_tensors", counted)
    stages: list[str] = []
    with Library(paths) as library:
        summary = Indexer(library, model, thumbnails=False, text=False).run(
            [folder], lambda p: stages.append(p.stage)
        )
        after = library.store.fingerprints()
        assert library.store.generation(model_id) == generation
        groups = find_duplicates(library, "colours")
    assert summary.embedded == 0 and summary.fingerprinted == len(before.ids)
    assert all(n == 1 for n in calls)  # only the one-row probe of the model's dimension
    assert "fingerprints" in stages
    assert after.ids.tolist() == before.ids.tolist()
    close = [
        ((int(a) ^ int(b)) & (2**64 - 1)).bit_count()
        for a, b in zip(after.fingerprints, before.fingerprints, strict=True)
    ]
    assert max(close) <= 4  # the small decode's print is the pipeline's, nearly
    for family in families:
        assert any(family[0] in _members(g) for g in groups)


def test_two_processes_can_migrate_one_library_at_once(tmp_path: Path) -> None:
    db_path = tmp_path / "library.db"
    stores = []
    errors: list[BaseException] = []

    def open_store() -> None:
        try:
            stores.append(Store(db_path))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for store in stores:
        assert int(store.db.execute("PRAGMA user_version").fetchone()[0]) == SCHEMA_VERSION
        store.close()
