"""The disk under the library fills up, turns read-only, or the photos' drive goes away mid-run:
a clear error, nothing committed lost, the previous index file intact, and the next run
finishes the job. Real file systems throughout (tmpfs, bind mounts, unmounts; see
tests/support/mounts.py), never a mock of our own code."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gallery.errors import LibraryError, UserError
from gallery.library import doctor
from gallery.library.indexer import Indexer, IndexProgress
from gallery.library.library import Library
from gallery.library.vectors import read_live_labels
from gallery.ml.encoder import ClipModel
from gallery.paths import app_paths
from tests.conftest import RunResult, parse_json
from tests.support import mounts
from tests.support.library_checks import assert_consistent, write_photos
from tests.support.tiny_models import COLOURS, solid_colour_image

Cli = Callable[..., RunResult]
DIM = 8


@pytest.fixture
def mounting() -> None:
    reason = mounts.mount_unavailable()
    if reason is not None:
        pytest.skip(reason)


@pytest.fixture
def model(model_dirs: dict[str, Path]) -> ClipModel:
    return ClipModel.from_path(model_dirs["colour-hf"], device="cpu", batch_size=4)


def _paths_of(*folders: list[Path]) -> set[str]:
    return {str(p.resolve()) for folder in folders for p in folder}


@pytest.mark.usefixtures("mounting")
def test_disk_full_while_writing_the_database(
    tmp_path: Path, gallery_cli: Cli, model_dirs: dict[str, Path], lumen_home: Path
) -> None:
    data = lumen_home / "data"
    first = write_photos(tmp_path / "first", 50)
    second = write_photos(tmp_path / "second", 300, seed=1)
    with mounts.tmpfs(data, 16 * 1024):
        gallery_cli("models", "import", str(model_dirs["colour-hf"]), "--name", "colours")
        gallery_cli("index", str(tmp_path / "first"))
        filler = mounts.fill(data, leave_bytes=256 * 1024)

        full = gallery_cli("index", str(tmp_path / "second"), "--batch-size", "4", check=False)

        assert full.returncode == 2, full.stderr
        assert f"The disk holding {data} is full: could not write the library database." in (
            full.stderr
        )
        assert "Free some space and run again; everything indexed so far is kept." in full.stderr
        state = assert_consistent(data / "library.sqlite3", _paths_of(first, second), DIM)
        assert 50 < state.vectors < 350, "the first folder and some batches of the second"
        indexes = data / "indexes"
        assert not list(indexes.glob("*.tmp"))
        assert read_live_labels(indexes / "colours.hnsw", DIM), "the index file is whole"

        filler.unlink()
        resumed = parse_json(gallery_cli("index", str(tmp_path / "second"), "--json"))
        assert resumed["embedded"] == 350 - state.vectors
        status = parse_json(gallery_cli("status", "--json"))
        assert status["models"]["colours"] == {"indexed": 350, "failed": 0, "pending": 0}
        assert gallery_cli("doctor", "--check").returncode == 0


@pytest.mark.usefixtures("mounting")
def test_disk_full_while_saving_the_index_keeps_the_previous_file(
    tmp_path: Path, model: ClipModel, lumen_home: Path
) -> None:
    data = lumen_home / "data"
    first = write_photos(tmp_path / "first", 100)
    second = write_photos(tmp_path / "second", 200, seed=1)
    with mounts.tmpfs(data, 4 * 1024):
        paths = app_paths().ensure()
        with Library(paths) as library:
            Indexer(library, model, decode_threads=2).run([tmp_path / "first"])
        index_file = paths.indexes / "colour-hf.hnsw"
        saved = index_file.read_bytes(), index_file.with_suffix(".hnsw.json").read_bytes()
        fillers: list[Path] = []

        def fill_after_the_last_batch(event: IndexProgress) -> None:
            if event.stage == "index" and event.done == event.total:
                fillers.append(mounts.fill(data))

        with Library(paths) as library, pytest.raises(LibraryError) as info:
            # no text pass: its first commit would meet the full disk before the save does
            Indexer(library, model, decode_threads=2, text=False).run(
                [tmp_path / "second"], fill_after_the_last_batch
            )

        assert str(info.value).startswith(f"The disk holding {paths.indexes} is full")
        assert (index_file.read_bytes(), index_file.with_suffix(".hnsw.json").read_bytes()) == saved
        assert not list(paths.indexes.glob("*.tmp")), "the temp files went with the failure"
        state = assert_consistent(paths.library_db, _paths_of(first, second), DIM)
        assert state.vectors == 300, "every batch was committed before the save"
        fillers[0].unlink()
        with Library(paths) as library:
            assert len(library.vector_index(model.name, DIM)) == 300  # caught up from SQLite
        assert doctor.check(paths).ok


@pytest.fixture
def read_only_dir() -> Callable[[Path], contextlib.AbstractContextManager[Path]]:
    """Root makes a folder read-only with a read-only bind mount; anyone else with chmod."""
    if os.geteuid() != 0:
        return _chmod_read_only
    reason = mounts.mount_unavailable()
    if reason is not None:
        pytest.skip(reason)
    return mounts.read_only


@contextlib.contextmanager
def _chmod_read_only(path: Path) -> Iterator[Path]:
    path.chmod(0o555)
    try:
        yield path
    finally:
        path.chmod(0o755)


def test_read_only_data_dir(
    tmp_path: Path,
    gallery_cli: Cli,
    model_dirs: dict[str, Path],
    lumen_home: Path,
    read_only_dir: Callable[[Path], contextlib.AbstractContextManager[Path]],
) -> None:
    gallery_cli("models", "import", str(model_dirs["colour-hf"]), "--name", "colours")
    photos = tmp_path / "photos"
    for name in COLOURS:
        solid_colour_image(photos / f"{name}.jpg", name)
    gallery_cli("index", str(photos))
    data = lumen_home / "data"
    before = {p: p.read_bytes() for p in data.rglob("*") if p.is_file() and "models" not in p.parts}
    solid_colour_image(photos / "new.jpg", "red")

    with read_only_dir(data):
        refused = gallery_cli("index", str(photos), check=False)
        assert refused.returncode == 2
        assert f"{data} is read-only" in refused.stderr
        assert "Make it writable" in refused.stderr
        top = parse_json(gallery_cli("search", "purple", "-n", "1", "--json"))
        assert Path(top[0]["path"]).name == "purple.jpg", "a read-only library still searches"
        assert gallery_cli("doctor", "--check").returncode == 0

    after = {p: p.read_bytes() for p in data.rglob("*") if p.is_file() and "models" not in p.parts}
    assert after == before
    summary = parse_json(gallery_cli("index", str(photos), "--json"))
    assert (summary["new"], summary["embedded"]) == (1, 1)


@pytest.mark.parametrize("how", ["unmounted", "moved away"])
def test_photo_drive_disappearing_mid_run(
    how: str, tmp_path: Path, model: ClipModel, request: pytest.FixtureRequest
) -> None:
    source = tmp_path / "drive-contents"
    photos = write_photos(source, 200, size=(320, 240))
    root = tmp_path / "drive"
    if how == "unmounted":
        request.getfixturevalue("mounting")
        mounts.bind(source, root)
        expected = {str(root / p.relative_to(source)) for p in photos}
    else:
        source.rename(root)
        expected = {str(root / p.relative_to(source)) for p in photos}

    def pull_out(event: IndexProgress) -> None:
        if event.stage == "index" and event.done == 40:
            if how == "unmounted":
                mounts.unmount(root)  # the mount point stays, empty: a different folder
            else:
                root.rename(tmp_path / "elsewhere")

    paths = app_paths().ensure()
    with Library(paths) as library, pytest.raises(UserError) as info:
        Indexer(library, model, decode_threads=2).run([root], pull_out)

    assert str(info.value) == (
        f"The folder {root} disappeared during indexing (was its drive disconnected?). "
        "Reconnect it and index again; everything indexed so far is kept."
    )
    state = assert_consistent(paths.library_db, expected, DIM)
    assert 40 <= state.vectors < 200
    assert state.failed == 0, "files of a missing drive are not recorded as broken"
    if how == "unmounted":
        mounts.bind(source, root)
    else:
        (tmp_path / "elsewhere").rename(root)
    try:
        with Library(paths) as library:
            resumed = Indexer(library, model, decode_threads=2).run([root])
            assert (resumed.new, resumed.removed, resumed.failed) == (0, 0, 0)
            assert resumed.embedded == 200 - state.vectors
        assert assert_consistent(paths.library_db, expected, DIM).vectors == 200
    finally:
        if how == "unmounted":
            mounts.unmount(root)


def test_photo_folder_disappearing_during_the_scan_deletes_nothing(
    tmp_path: Path, model: ClipModel
) -> None:
    root = tmp_path / "photos"
    photos = write_photos(root, 450)
    paths = app_paths().ensure()
    with Library(paths) as library:
        Indexer(library, model, decode_threads=2).run([root])

    def pull_out(event: IndexProgress) -> None:
        if event.stage == "scan" and event.done == 200:  # folders 003 and 004 not yet listed
            root.rename(tmp_path / "elsewhere")

    with Library(paths) as library, pytest.raises(UserError, match="disappeared during indexing"):
        Indexer(library, model, decode_threads=2).run([root], pull_out)
    state = assert_consistent(paths.library_db, _paths_of(photos), DIM)
    assert (state.files, state.vectors) == (450, 450)
