"""The folder watcher on real folders with real inotify (and watchdog's polling), and the
headless watch loop indexing with the tiny colour model: copy in, modify, rename, delete, a bulk
copy, a slow writer, an unplugged folder, lost events."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gallery.library.library import Library
from gallery.library.watcher import (
    INOTIFY_LOGGER,
    FolderWatcher,
    RootRun,
    Timing,
    filesystem_type,
    watch,
)
from gallery.ml.encoder import ClipModel
from gallery.paths import app_paths
from tests.support.tiny_models import solid_colour_image

FAST = Timing(quiet=0.3, settle=0.3, max_delay=10.0, tick=0.05, health=0.3, poll=0.3)


def until(condition: Callable[[], object], timeout: float = 15.0, what: str = "") -> None:
    """Poll until `condition()` is true, failing after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.05)


@pytest.fixture
def model(model_dirs: dict[str, Path]) -> ClipModel:
    return ClipModel.from_path(model_dirs["colour-hf"], device="cpu", batch_size=32)


@pytest.fixture
def library() -> Iterator[Library]:
    library = Library(app_paths().ensure())
    yield library
    library.close()


@dataclass
class Watching:
    """`watch` running in a thread, its runs recorded."""

    library: Library
    runs: list[RootRun] = field(default_factory=list)
    watching: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)

    def photos(self) -> dict[str, int]:
        """Indexed photos: path -> size."""
        return {row.path: row.size for row in self.library.store.photos()}

    def failures(self) -> list[tuple[str, str]]:
        return self.library.store.failures()

    def indexed_runs(self) -> list[RootRun]:
        return [r for r in self.runs if r.summary is not None]


@pytest.fixture
def start_watching(library: Library, model: ClipModel) -> Iterator[Callable[..., Watching]]:
    threads: list[tuple[threading.Thread, Watching]] = []

    def start(roots: list[Path], timing: Timing = FAST, **options: object) -> Watching:
        state = Watching(library)

        def run() -> None:
            watch(
                library,
                model,
                roots,
                state.stop,
                on_run=state.runs.append,
                on_watching=lambda _how: state.watching.set(),
                timing=timing,
                **options,  # type: ignore[arg-type]
            )

        thread = threading.Thread(target=run, name="watch-test")
        thread.start()
        threads.append((thread, state))
        until(state.watching.is_set, 30, "the first run and the watches")
        return state

    yield start
    for thread, state in threads:
        state.stop.set()
        thread.join(30)
        assert not thread.is_alive(), "watch returns once stop is set"


def test_copy_in_modify_rename_delete_each_reach_the_library(
    tmp_path: Path, start_watching: Callable[..., Watching]
) -> None:
    root = (tmp_path / "photos").resolve()
    solid_colour_image(root / "first.jpg", "green")
    state = start_watching([root])
    assert set(state.photos()) == {str(root / "first.jpg")}, "indexed once at start"

    red = solid_colour_image(tmp_path / "elsewhere" / "red.jpg", "red")
    copied = root / "trip" / "red.jpg"
    copied.parent.mkdir()
    copied.write_bytes(red.read_bytes())
    until(lambda: str(copied) in state.photos(), what="a copied photo is indexed")

    solid_colour_image(copied, "blue", size=(300, 200))  # edited in place: other bytes
    new_size = copied.stat().st_size
    until(lambda: state.photos().get(str(copied)) == new_size, what="the change is indexed")

    renamed = root / "trip" / "blue.jpg"
    copied.rename(renamed)
    until(
        lambda: str(renamed) in state.photos() and str(copied) not in state.photos(),
        what="the rename is seen",
    )

    renamed.unlink()
    until(lambda: set(state.photos()) == {str(root / "first.jpg")}, what="the delete is seen")
    assert not state.failures()
    assert all(r.error is None for r in state.runs)


def _tiny_pngs(count: int) -> list[bytes]:
    """`count` distinct small PNGs: one 8x8 image, a distinct chunk after IEND (ignored by
    decoders) so every file has its own bytes."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 40, 40)).save(buffer, "PNG")
    base = buffer.getvalue()
    return [base + i.to_bytes(4, "big") for i in range(count)]


@pytest.mark.slow  # about 15 s: 5,000 photos decoded and embedded on 2 cores
def test_a_bulk_copy_of_5000_photos_is_indexed_in_few_runs(
    tmp_path: Path, start_watching: Callable[..., Watching]
) -> None:
    root = (tmp_path / "photos").resolve()
    solid_colour_image(root / "already.jpg", "green")
    state = start_watching([root], Timing(quiet=1.0, settle=0.5, max_delay=30.0, tick=0.1))
    before = len(state.runs)
    for folder in range(10):
        target = root / f"card-{folder}"
        target.mkdir()
        for number, data in enumerate(_tiny_pngs(500)):
            (target / f"IMG_{number:04d}.png").write_bytes(data)
    until(lambda: len(state.photos()) == 5001, 120, "all 5,000 photos indexed")
    # a run reports when it ends, after its text pass
    until(lambda: sum(r.summary.embedded for r in state.runs[before:] if r.summary) == 5000, 120)
    later = state.runs[before:]
    assert 1 <= len(later) <= 3, f"{len(later)} runs for one bulk copy"
    assert sum(r.summary.embedded for r in later if r.summary) == 5000
    assert not state.failures()


def test_a_file_written_slowly_is_indexed_once_complete(
    tmp_path: Path, start_watching: Callable[..., Watching]
) -> None:
    """Chunks come further apart than the quiet time, so only the settle check (size and
    mtime held) keeps the file from being indexed half written."""
    root = (tmp_path / "photos").resolve()
    root.mkdir()
    state = start_watching([root], Timing(quiet=0.2, settle=1.0, max_delay=30.0, tick=0.05))
    source = solid_colour_image(tmp_path / "big.jpg", "yellow", size=(1200, 900))
    data = source.read_bytes()
    target = root / "slow.jpg"
    chunk = len(data) // 6 + 1
    seen_while_writing: list[object] = []
    with target.open("wb") as out:
        for start in range(0, len(data), chunk):
            out.write(data[start : start + chunk])
            out.flush()
            seen_while_writing.extend(state.photos())
            seen_while_writing.extend(state.failures())
            time.sleep(0.45)  # the writer's pace: slower than the quiet time, faster than settle
    until(lambda: str(target) in state.photos(), what="the finished file is indexed")
    assert seen_while_writing == [], "nothing was indexed or recorded while it was written"
    assert state.photos()[str(target)] == len(data)
    assert not state.failures()
    until(lambda: any(r.summary and r.summary.new for r in state.indexed_runs()), what="run end")
    runs = [r for r in state.indexed_runs() if r.summary and r.summary.new]
    assert len(runs) == 1 and runs[0].summary and runs[0].summary.embedded == 1


def test_an_unreachable_folder_keeps_its_photos(
    tmp_path: Path, start_watching: Callable[..., Watching], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "gallery.library.watcher")
    root = (tmp_path / "drive").resolve()
    for name in ("red", "green", "blue"):
        solid_colour_image(root / f"{name}.jpg", name)
    state = start_watching([root])
    indexed = state.photos()
    assert len(indexed) == 3
    away = tmp_path / "unplugged"
    root.rename(away)  # the drive goes
    until(lambda: "is not reachable" in caplog.text, what="the watcher notices")
    root.mkdir()  # an empty mount point where the drive was
    until(lambda: any(r.error for r in state.runs), what="the empty folder is looked at")
    refused = [r.error for r in state.runs if r.error]
    assert "is empty now" in refused[0].message
    assert state.photos() == indexed, "an emptied folder is not read as every photo deleted"
    root.rmdir()
    away.rename(root)  # plugged in again
    solid_colour_image(tmp_path / "new.jpg", "yellow").rename(root / "yellow.jpg")
    until(lambda: len(state.photos()) == 4, what="back: rescanned and the new photo indexed")
    assert set(indexed) <= set(state.photos())


class Handed:
    def __init__(self) -> None:
        self.calls: list[list[Path]] = []

    def __call__(self, roots: list[Path]) -> None:
        self.calls.append(roots)


@pytest.fixture
def watchers() -> Iterator[list[FolderWatcher]]:
    made: list[FolderWatcher] = []
    yield made
    for watcher in made:
        watcher.stop()


def _watcher(made: list[FolderWatcher], roots: list[Path], **options: object) -> Handed:
    handed = Handed()
    watcher = FolderWatcher(roots, handed, timing=FAST, **options)  # type: ignore[arg-type]
    watcher.start()
    assert watcher.wait_ready(10)
    made.append(watcher)
    return handed


def test_lost_events_become_a_rescan_of_the_folder(
    tmp_path: Path, watchers: list[FolderWatcher]
) -> None:
    root = (tmp_path / "photos").resolve()
    root.mkdir()
    handed = _watcher(watchers, [root])
    assert watchers[0].watched() == {str(root): "events"}
    # What watchdog does when the kernel's inotify queue overflows: it rebuilds its watches and
    # logs this warning, the only sign its handlers get.
    logging.getLogger(INOTIFY_LOGGER).warning(
        "Inotify queue overflowed; filesystem events were lost"
    )
    until(lambda: handed.calls == [[root]], what="the whole folder handed over")
    watchers[0].rescan(root)
    until(lambda: len(handed.calls) == 2, what="an asked-for rescan")


def test_polling_watches_a_folder_without_events(
    tmp_path: Path, watchers: list[FolderWatcher]
) -> None:
    root = (tmp_path / "share").resolve()
    root.mkdir()
    handed = _watcher(watchers, [root], polling=True)
    assert watchers[0].watched() == {str(root): "polling"}
    solid_colour_image(root / "new.jpg", "red")
    until(lambda: handed.calls == [[root]], what="the polled folder's new photo")


def test_files_the_scanner_skips_wake_nothing(
    tmp_path: Path, watchers: list[FolderWatcher]
) -> None:
    quiet, busy = (tmp_path / "quiet").resolve(), (tmp_path / "busy").resolve()
    quiet.mkdir()
    busy.mkdir()
    (quiet / ".hidden").mkdir()
    (quiet / "@eaDir").mkdir()
    (quiet / "skip-me").mkdir()
    handed = _watcher(watchers, [quiet, busy], excluded=["skip-*"])
    (quiet / "IMG_1.jpg.xmp").write_text("<x:xmpmeta/>")  # a sidecar
    (quiet / "notes.txt").write_text("not a photo")
    solid_colour_image(quiet / ".hidden" / "a.jpg", "red")
    solid_colour_image(quiet / "@eaDir" / "thumb.jpg", "red")
    solid_colour_image(quiet / "skip-me" / "b.jpg", "red")
    solid_colour_image(quiet / ".partial.jpg.tmp", "red", fmt="JPEG")
    solid_colour_image(busy / "c.jpg", "red")  # recorded after the others: decided no sooner
    until(lambda: bool(handed.calls), what="the other folder's photo")
    time.sleep(FAST.quiet + FAST.settle)  # had the skipped files counted, they were due too
    assert handed.calls == [[busy]]
    mislabelled = quiet / "IMG_2"  # a JPEG without a suffix is found by its bytes
    mislabelled.write_bytes(solid_colour_image(tmp_path / "x.jpg", "blue").read_bytes())
    until(lambda: len(handed.calls) == 2, what="the mislabelled photo")
    assert handed.calls[1] == [quiet]


def test_changing_the_roots_watches_the_new_ones_only(
    tmp_path: Path, watchers: list[FolderWatcher]
) -> None:
    first, second = (tmp_path / "a").resolve(), (tmp_path / "b").resolve()
    first.mkdir()
    second.mkdir()
    handed = _watcher(watchers, [first])
    watchers[0].set_roots([second])
    assert watchers[0].wait_ready(10)
    assert watchers[0].watched() == {str(second): "events"}
    solid_colour_image(first / "x.jpg", "red")
    solid_colour_image(second / "y.jpg", "red")
    until(lambda: bool(handed.calls), what="the new root's photo")
    assert handed.calls == [[second]]


def test_the_filesystem_type_of_a_local_folder_is_known(tmp_path: Path) -> None:
    if not Path("/proc/self/mounts").exists():
        pytest.skip("Linux only")
    assert filesystem_type(str(tmp_path)) not in (None, "nfs", "cifs")
