"""Trash, copy and move on real folders and a real library indexed with the tiny colour model;
the trash is send2trash's own freedesktop trash, in a temp home."""

from __future__ import annotations

import errno
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from send2trash import plat_other  # type: ignore[import-untyped]

from gallery.imaging import thumbnail_file
from gallery.library.indexer import Indexer, IndexProgress
from gallery.library.library import Library
from gallery.library.photo_files import (
    DestinationError,
    copy_photos,
    move_photos,
    trash_photos,
    undo_move,
)
from gallery.library.search import Searcher
from gallery.ml.encoder import ClipModel
from gallery.paths import AppPaths
from tests.support.tiny_models import solid_colour_image

NAMES = ("red", "green", "blue", "yellow", "white", "purple")


@dataclass(frozen=True)
class Trash:
    """A freedesktop trash in a temp home, with send2trash's own function that fills it."""

    folder: Path
    send: Callable[[str], None]

    def holds(self, name: str) -> bool:
        return (self.folder / "files" / name).is_file() and (
            self.folder / "info" / f"{name}.trashinfo"
        ).is_file()


@pytest.fixture
def trash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Trash:
    return temp_trash(tmp_path, monkeypatch)


def temp_trash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Trash:
    """send2trash picks the home trash ($XDG_DATA_HOME/Trash) for a file on the home's device,
    else a .Trash-$uid at the top of the file's mount. With HOME and XDG_DATA_HOME in tmp_path,
    every test file shares the home's device, so the trash is always this temp one. Its
    freedesktop module reads XDG_DATA_HOME when imported: the constants are set here too."""
    home, data = tmp_path / "home", tmp_path / "home" / "data"
    data.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setattr(plat_other, "XDG_DATA_HOME", os.fsencode(data))
    monkeypatch.setattr(plat_other, "HOMETRASH_B", os.fsencode(data / "Trash"))
    monkeypatch.setattr(plat_other, "HOMETRASH", str(data / "Trash"))
    return Trash(data / "Trash", plat_other.send2trash)


@pytest.fixture
def model(model_dirs: dict[str, Path]) -> ClipModel:
    return ClipModel.from_path(model_dirs["colour-hf"], device="cpu", batch_size=2)


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    for name in NAMES:
        solid_colour_image(folder / f"{name}.jpg", name, size=(80, 60))
    return folder


@pytest.fixture
def library(paths: AppPaths, photos: Path, model: ClipModel) -> Iterator[Library]:
    with Library(paths) as library:
        Indexer(library, model, decode_threads=2).run([photos])
        yield library


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _top_paths(library: Library, model: ClipModel, text: str, k: int = 3) -> list[str]:
    return [hit.path for hit in Searcher(library, model).search(text, k=k)]


def _model_id(library: Library, model: ClipModel) -> int:
    model_id = library.store.find_model(model.name)
    assert model_id is not None
    return model_id


def test_trash_sends_the_photo_to_the_trash_and_out_of_the_library(
    library: Library, model: ClipModel, photos: Path, trash: Trash
) -> None:
    red = str(photos / "red.jpg")
    assert _top_paths(library, model, "red")[0] == red
    store, model_id = library.store, _model_id(library, model)
    index = Searcher(library, model).open_index()
    red_id = store.file_id(red)
    assert red_id is not None and red_id in index.labels()
    others_before = _snapshot(photos)
    del others_before["red.jpg"]
    generation = store.generation(model_id)

    result = trash_photos(library, [red], trash.send)

    assert result.done == [red] and result.failed == []
    assert not Path(red).exists() and trash.holds("red.jpg")
    info = (trash.folder / "info" / "red.jpg.trashinfo").read_text()
    assert f"Path={red}" in info  # the trash can put it back where it was
    assert _snapshot(photos) == others_before  # nothing else touched
    assert store.file_id(red) is None and store.vector_of(model_id, red_id) is None
    assert red_id not in index.labels() and len(index) == len(NAMES) - 1
    assert store.counts(model_id).files == len(NAMES) - 1
    assert red not in _top_paths(library, model, "red", k=len(NAMES))
    assert store.generation(model_id) > generation  # saved index files are checked on open

    library.close()  # saves the index; a new session's index has no label for the photo
    with Library(library.paths) as again:
        assert red_id not in Searcher(again, model).open_index().labels()


def test_a_trash_failure_is_reported_and_the_photo_stays_in_the_library(
    library: Library, model: ClipModel, photos: Path, trash: Trash
) -> None:
    red, green, blue = (str(photos / f"{n}.jpg") for n in ("red", "green", "blue"))
    Path(blue).unlink()  # gone behind the library's back: send2trash cannot find it

    def trash_but_green(path: str) -> None:
        if path == green:
            raise OSError(errno.EIO, "Input/output error", path)
        trash.send(path)

    result = trash_photos(library, [red, green, blue], trash_but_green)

    assert result.done == [red]
    assert dict(result.failed) == {
        green: "Input/output error",
        blue: "the file is no longer there",
    }
    assert Path(green).exists() and not trash.holds("green.jpg")
    store = library.store
    assert store.file_id(red) is None
    assert store.file_id(green) is not None and store.file_id(blue) is not None
    assert _top_paths(library, model, "green")[0] == green


def test_copy_keeps_both_and_never_overwrites(
    library: Library, photos: Path, tmp_path: Path
) -> None:
    album = tmp_path / "album"
    album.mkdir()
    (album / "red.jpg").write_bytes(b"someone else's red")
    red, green = str(photos / "red.jpg"), str(photos / "green.jpg")
    before = _snapshot(photos)

    result = copy_photos([red, green, red], album)

    assert result.done == [red, green, red] and result.failed == []
    assert result.pairs == [
        (red, str(album / "red (2).jpg")),
        (green, str(album / "green.jpg")),
        (red, str(album / "red (3).jpg")),
    ]
    assert (album / "red.jpg").read_bytes() == b"someone else's red"
    for source, copy in result.pairs:
        assert Path(copy).read_bytes() == Path(source).read_bytes()
        assert Path(copy).stat().st_mtime_ns == Path(source).stat().st_mtime_ns
    assert _snapshot(photos) == before
    assert library.store.counts(None).files == len(NAMES)


def test_a_move_inside_the_library_keeps_the_vector_and_embeds_nothing(
    library: Library, model: ClipModel, photos: Path, tmp_path: Path
) -> None:
    album = tmp_path / "album"
    solid_colour_image(album / "black.jpg", "black", size=(80, 60))
    (album / "red.jpg").write_bytes(b"another red.jpg, not a photo of the library")
    Indexer(library, model, decode_threads=2).run([album])
    store, model_id = library.store, _model_id(library, model)
    red = str(photos / "red.jpg")
    red_id = store.file_id(red)
    assert red_id is not None
    vector = store.vector_of(model_id, red_id)
    size, mtime_ns = Path(red).stat().st_size, Path(red).stat().st_mtime_ns
    thumbs = library.paths.thumbnails
    assert thumbnail_file(thumbs, red, size, mtime_ns).is_file()

    result = move_photos(library, [red], album)

    moved = str(album / "red (2).jpg")
    assert result.done == [red] and result.pairs == [(red, moved)]
    assert not Path(red).exists() and Path(moved).is_file()
    assert (album / "red.jpg").read_bytes().startswith(b"another red.jpg")
    assert store.file_id(moved) == red_id and store.file_id(red) is None
    root_ids = dict(
        (path, root_id) for root_id, path in store.db.execute("SELECT id, path FROM roots")
    )
    row = store.db.execute("SELECT root_id FROM files WHERE id = ?", (red_id,)).fetchone()
    assert row[0] == root_ids[str(album)]
    stored = store.vector_of(model_id, red_id)
    assert vector is not None and stored is not None and (stored == vector).all()
    assert _top_paths(library, model, "red")[0] == moved
    assert thumbnail_file(thumbs, moved, size, mtime_ns).is_file()  # the grid needs no decode

    again = Indexer(library, model, decode_threads=2).run([photos, album])
    assert (again.new, again.updated, again.removed, again.embedded) == (0, 0, 0, 0)


def test_a_move_out_of_the_library_forgets_the_photo(
    library: Library, model: ClipModel, photos: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    red = str(photos / "red.jpg")
    store, model_id = library.store, _model_id(library, model)
    red_id = store.file_id(red)
    index = Searcher(library, model).open_index()

    result = move_photos(library, [red], outside)

    assert result.pairs == [(red, str(outside / "red.jpg"))]
    assert (outside / "red.jpg").is_file() and not Path(red).exists()
    assert store.file_id(red) is None and store.file_id(str(outside / "red.jpg")) is None
    assert red_id is not None and store.vector_of(model_id, red_id) is None
    assert red_id not in index.labels()
    assert red not in _top_paths(library, model, "red", k=len(NAMES))


def test_undo_moves_back_and_the_photo_keeps_its_row(
    library: Library, model: ClipModel, photos: Path, tmp_path: Path
) -> None:
    sub = photos / "sub"
    sub.mkdir()
    red, green = str(photos / "red.jpg"), str(photos / "green.jpg")
    red_id = library.store.file_id(red)

    moved = move_photos(library, [red, green], sub)
    assert library.store.file_id(str(sub / "red.jpg")) == red_id
    undone = undo_move(library, moved.pairs)

    assert undone.done == [str(sub / "red.jpg"), str(sub / "green.jpg")]
    assert Path(red).is_file() and Path(green).is_file() and not any(sub.iterdir())
    assert library.store.file_id(red) == red_id
    assert _top_paths(library, model, "red")[0] == red


def test_a_move_into_its_own_folder_is_refused_per_photo(library: Library, photos: Path) -> None:
    red = str(photos / "red.jpg")
    result = move_photos(library, [red], photos)
    assert result.done == [] and result.failed == [(red, "it is already in that folder")]
    assert Path(red).is_file() and library.store.file_id(red) is not None


def test_a_move_across_drives_copies_then_removes_the_source(
    library: Library, photos: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rename fails with EXDEV, as between two drives: the copy is verified, then the
    source goes; the row follows."""
    red = photos / "red.jpg"
    album = photos / "album"
    album.mkdir()
    data, mtime_ns = red.read_bytes(), red.stat().st_mtime_ns
    rename = Path.replace

    def across_drives(self: Path, target: str | os.PathLike[str]) -> Path:
        if self == red:
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))
        return rename(self, target)

    monkeypatch.setattr(Path, "replace", across_drives)
    red_id = library.store.file_id(str(red))
    result = move_photos(library, [str(red)], album)
    assert result.done == [str(red)] and not red.exists()
    assert (album / "red.jpg").read_bytes() == data
    assert (album / "red.jpg").stat().st_mtime_ns == mtime_ns
    assert library.store.file_id(str(album / "red.jpg")) == red_id


def test_a_destination_that_cannot_take_files_is_a_user_error(
    library: Library, photos: Path, tmp_path: Path
) -> None:
    red = str(photos / "red.jpg")
    with pytest.raises(DestinationError, match="does not exist") as missing:
        copy_photos([red], tmp_path / "nowhere")
    assert missing.value.hint
    (tmp_path / "a-file").write_bytes(b"")
    with pytest.raises(DestinationError):
        move_photos(library, [red], tmp_path / "a-file")
    assert Path(red).is_file()


def test_a_full_destination_fails_the_rest_at_once(
    photos: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    album = tmp_path / "album"
    album.mkdir()
    calls: list[str] = []

    def full(source: object, target: object, length: int = 0) -> None:
        calls.append(str(source))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("gallery.library.photo_files.shutil.copyfileobj", full)
    paths = [str(photos / f"{n}.jpg") for n in NAMES]
    result = copy_photos(paths, album)
    assert result.done == [] and [p for p, _ in result.failed] == paths
    assert {reason for _, reason in result.failed} == {"the disk is full"}
    assert len(calls) == 1 and list(album.iterdir()) == []  # no partial copy left


def test_trashing_while_the_indexer_runs_breaks_nothing(
    paths: AppPaths, model: ClipModel, tmp_path: Path, trash: Trash
) -> None:
    """The app's indexer runs in its thread; between two of its batches another thread
    trashes a photo it has indexed and photos it has yet to decode. The run finishes, the
    trashed photos are nowhere in the library, and every other photo is indexed."""
    folder = tmp_path / "many"
    names = [f"{i:02d}-{NAMES[i % len(NAMES)]}.jpg" for i in range(40)]
    for name in names:
        solid_colour_image(folder / name, name[3:-4], size=(40, 30))
    with Library(paths) as library:
        first_batch, resumed = threading.Event(), threading.Event()

        def progress(event: IndexProgress) -> None:
            if event.stage == "index" and not first_batch.is_set():
                first_batch.set()
                assert resumed.wait(30)

        indexer = Indexer(library, model, decode_threads=2)
        errors: list[BaseException] = []

        def run() -> None:
            try:
                indexer.run([folder], progress)
            except BaseException as exc:
                errors.append(exc)

        thread = threading.Thread(target=run)
        thread.start()
        assert first_batch.wait(30)
        done_id = library.store.file_id(str(folder / names[0]))  # in the first batch
        last_id = library.store.file_id(str(folder / names[-1]))
        # names[0] is indexed; the indexer reads 8 photos ahead, so the last two wait
        trashed = [str(folder / names[i]) for i in (0, -2, -1)]
        result = trash_photos(library, trashed, trash.send)
        resumed.set()
        thread.join(60)
        assert not thread.is_alive() and errors == []
        assert result.done == trashed
        store, model_id = library.store, _model_id(library, model)
        assert all(store.file_id(path) is None for path in trashed)
        counts = store.counts(model_id)
        assert counts.files == counts.indexed == len(names) - len(trashed)
        index = Searcher(library, model).open_index()
        trashed_ids = {done_id, last_id}
        assert None not in trashed_ids and not trashed_ids & index.labels()
        hits = Searcher(library, model).search("red", k=len(names))
        assert not {hit.path for hit in hits} & set(trashed)


def test_a_photo_trashed_after_its_decode_leaves_no_label_in_the_open_index(
    paths: AppPaths, model: ClipModel, tmp_path: Path, trash: Trash
) -> None:
    folder = tmp_path / "many"
    names = [f"{i:02d}-{NAMES[i % len(NAMES)]}.jpg" for i in range(12)]
    for name in names:
        solid_colour_image(folder / name, name[3:-4], size=(40, 30))
    ahead = folder / names[3]  # in the second batch, decoded while the first commits
    with Library(paths) as library:
        first_batch, resumed = threading.Event(), threading.Event()

        def progress(event: IndexProgress) -> None:
            if event.stage == "index" and not first_batch.is_set():
                first_batch.set()
                assert resumed.wait(30)

        thread = threading.Thread(
            target=Indexer(library, model, decode_threads=2).run, args=([folder], progress)
        )
        thread.start()
        assert first_batch.wait(30)
        info = ahead.stat()
        thumbnail = thumbnail_file(
            library.paths.thumbnails, str(ahead), info.st_size, info.st_mtime_ns
        )
        deadline = time.monotonic() + 30
        while not thumbnail.exists() and time.monotonic() < deadline:  # the decode's last step
            time.sleep(0.01)
        ahead_id = library.store.file_id(str(ahead))
        assert trash_photos(library, [str(ahead)], trash.send).done == [str(ahead)]
        resumed.set()
        thread.join(60)
        assert library.store.file_id(str(ahead)) is None
        assert ahead_id not in Searcher(library, model).open_index().labels()
