"""The app's folder watching with the real indexing controller, on a plain parent: photos copied
into a watched folder are indexed by quiet runs, a bulk copy shows its progress, an emptied
folder is a quiet problem (no dialog), and the GUI thread never stalls."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QElapsedTimer, QObject, QTimer
from pytestqt.qtbot import QtBot

from gallery.errors import GalleryError, UserError
from gallery.library.indexer import IndexProgress, IndexSummary
from gallery.library.library import Library
from gallery.library.watcher import Timing
from gallery.ml.registry import ModelRegistry
from gallery.paths import AppPaths
from gallery.settings import Settings
from gallery.ui.indexing import SHOWN_FROM, IndexingController
from gallery.ui.model_host import ModelHost
from gallery.ui.watching import FolderWatching
from tests.support.tiny_models import solid_colour_image
from tests.test_watcher import _tiny_pngs

FAST = Timing(quiet=0.3, settle=0.3, max_delay=10.0, tick=0.05, health=0.3)


@dataclass
class Parts:
    library: Library
    indexer: IndexingController
    watching: FolderWatching
    started: list[bool] = field(default_factory=list)
    progress: list[IndexProgress] = field(default_factory=list)
    finished: list[IndexSummary] = field(default_factory=list)
    quiet_finished: list[IndexSummary] = field(default_factory=list)
    failed: list[GalleryError] = field(default_factory=list)
    quiet_failed: list[GalleryError] = field(default_factory=list)
    idle: list[bool] = field(default_factory=list)
    changed: list[list[Path]] = field(default_factory=list)

    def photos(self) -> set[str]:
        return {row.path for row in self.library.store.photos()}


@pytest.fixture
def parts(paths: AppPaths) -> Iterator[Parts]:
    parent = QObject()
    settings = Settings()
    library = Library(paths)
    host = ModelHost(paths, settings, ModelRegistry(paths.models), parent)
    host.load()
    assert host.model is not None and host.model.name == "colours"
    indexer = IndexingController(library, settings, parent)
    made = Parts(library, indexer, FolderWatching(indexer, host, parent, timing=FAST))
    indexer.started.connect(lambda: made.started.append(True))
    indexer.progress.connect(made.progress.append)
    indexer.finished.connect(made.finished.append)
    indexer.quiet_finished.connect(made.quiet_finished.append)
    indexer.failed.connect(made.failed.append)
    indexer.quiet_failed.connect(made.quiet_failed.append)
    indexer.idle.connect(lambda: made.idle.append(True))
    made.watching.changed.connect(made.changed.append)
    yield made
    made.watching.stop()
    indexer.shutdown()
    library.close()


def test_a_photo_copied_in_is_indexed_quietly(qtbot: QtBot, parts: Parts, tmp_path: Path) -> None:
    root = (tmp_path / "photos").resolve()
    root.mkdir()
    parts.watching.set_roots([root])
    assert parts.watching.wait_ready(10)
    source = solid_colour_image(tmp_path / "red.jpg", "red")
    (root / "red.jpg").write_bytes(source.read_bytes())
    qtbot.waitUntil(lambda: bool(parts.idle), timeout=15_000)
    assert parts.changed == [[root]]
    assert parts.photos() == {str(root / "red.jpg")}
    assert [s.embedded for s in parts.quiet_finished] == [1]
    assert parts.started == [] and parts.progress == [] and parts.finished == []
    assert not parts.indexer.running


def test_a_bulk_copy_shows_its_progress_and_never_stalls_the_gui(
    qtbot: QtBot, parts: Parts, tmp_path: Path
) -> None:
    root = (tmp_path / "photos").resolve()
    root.mkdir()
    parts.watching.set_roots([root])
    assert parts.watching.wait_ready(10)
    count = max(SHOWN_FROM * 10, 1000)
    gaps: list[int] = []
    clock = QElapsedTimer()
    clock.start()

    def tick() -> None:
        gaps.append(clock.restart())

    ticker = QTimer(interval=10)
    ticker.timeout.connect(tick)
    ticker.start()
    copier = threading.Thread(
        target=lambda: [
            (root / f"IMG_{n:04d}.png").write_bytes(data)
            for n, data in enumerate(_tiny_pngs(count))
        ]
    )
    copier.start()
    qtbot.waitUntil(
        lambda: len(parts.photos()) == count and not parts.indexer.running, timeout=90_000
    )
    copier.join()
    ticker.stop()
    assert parts.started, "a bulk copy's run is shown"
    assert parts.progress and parts.progress[-1].total <= count
    assert sum(s.embedded for s in parts.finished + parts.quiet_finished) == count
    assert parts.failed == [] and parts.quiet_failed == []
    assert max(gaps) < 500, f"the GUI thread stalled for {max(gaps)} ms"


def test_an_emptied_folder_is_a_quiet_problem_and_keeps_its_photos(
    qtbot: QtBot, parts: Parts, tmp_path: Path
) -> None:
    root = (tmp_path / "drive").resolve()
    solid_colour_image(root / "a.jpg", "red")
    solid_colour_image(root / "b.jpg", "blue")
    parts.watching.set_roots([root])
    assert parts.watching.wait_ready(10)
    parts.watching.catch_up()  # what came while the app was closed
    qtbot.waitUntil(lambda: len(parts.photos()) == 2, timeout=15_000)
    root.rename(tmp_path / "unplugged")
    root.mkdir()  # the empty mount point
    qtbot.waitUntil(lambda: bool(parts.quiet_failed), timeout=15_000)
    error = parts.quiet_failed[0]
    assert isinstance(error, UserError) and "is empty now" in error.message
    assert parts.failed == [], "no dialog for a watch run"
    assert len(parts.photos()) == 2


def test_stopped_watching_indexes_nothing_more(qtbot: QtBot, parts: Parts, tmp_path: Path) -> None:
    root = (tmp_path / "photos").resolve()
    root.mkdir()
    parts.watching.set_roots([root])
    assert parts.watching.wait_ready(10)
    parts.watching.stop()
    solid_colour_image(root / "late.jpg", "green")
    deadline = time.monotonic() + FAST.quiet + FAST.settle + 0.5
    while time.monotonic() < deadline:
        qtbot.wait(50)
    assert parts.changed == [] and not parts.indexer.running


def test_a_loud_request_during_a_quiet_run_is_shown(
    qtbot: QtBot, parts: Parts, tmp_path: Path
) -> None:
    """The person's Rescan queued behind a watch run is a run like any other afterwards."""
    quiet = (tmp_path / "watched").resolve()
    loud = (tmp_path / "added").resolve()
    for n in range(30):
        solid_colour_image(quiet / f"{n}.jpg", "red")
    solid_colour_image(loud / "x.jpg", "blue")
    model = parts.watching.host.model
    assert model is not None
    parts.indexer.start(model, [quiet], quiet=True)
    assert parts.indexer.quiet
    parts.indexer.start(model, [loud])
    qtbot.waitUntil(lambda: bool(parts.idle), timeout=30_000)
    assert [s.embedded for s in parts.quiet_finished] == [30]
    assert parts.started == [True] and [s.embedded for s in parts.finished] == [1]


@pytest.mark.slow  # about 10 s: a CLI process and the app's parts index one library
def test_the_app_and_gallery_watch_share_a_library_without_harm(
    qtbot: QtBot, parts: Parts, tmp_path: Path
) -> None:
    """Both see every copy; whichever runs second waits for the writer lock (the app's quiet
    runs wait instead of failing) and finds nothing left to do."""
    from tests.test_cli_watch import WatchProcess

    root = (tmp_path / "photos").resolve()
    root.mkdir()
    cli = WatchProcess(str(root), "--model", "colours", "--json")
    try:
        cli.wait_for(lambda: any(e["event"] == "watching" for e in cli.events()), "watching")
        parts.watching.set_roots([root])
        assert parts.watching.wait_ready(10)
        copier = threading.Thread(
            target=lambda: [
                (root / f"IMG_{n:04d}.png").write_bytes(data)
                for n, data in enumerate(_tiny_pngs(300))
            ]
        )
        copier.start()
        copier.join()
        qtbot.waitUntil(
            lambda: len(parts.photos()) == 300 and bool(parts.idle) and not parts.indexer.running,
            timeout=60_000,
        )
        cli.wait_for(
            lambda: len([e for e in cli.events() if e["event"] == "indexed"]) >= 2,
            "the watch process ran for the copy too",
        )
    finally:
        code, stderr = cli.end(signal.SIGTERM)
    assert code == 0, stderr
    assert parts.failed == [] and parts.quiet_failed == []
    from gallery.library import doctor

    report = doctor.check(parts.library.paths)
    assert report.ok, report.as_dict()
    status = parts.library.store.counts(parts.library.store.find_model("colours"))
    assert (status.indexed, status.failed, status.pending) == (300, 0, 0)
