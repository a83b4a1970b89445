"""The app's parts on their own, without the main window: the worker helper, the indexing
controller, the search controller and the status line, on real libraries and a tiny model."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from gallery.errors import Action, Cancelled, GalleryError, Remedy, UserError
from gallery.library.indexer import IndexProgress, IndexSummary
from gallery.library.library import Library
from gallery.ml.encoder import ClipModel
from gallery.paths import AppPaths, app_paths
from gallery.settings import Settings
from gallery.text import say
from gallery.ui.dialogs import SettingsDialog
from gallery.ui.indexing import IndexingController
from gallery.ui.search_controller import Answer, SearchController
from gallery.ui.statusbar.message import StatusMessage
from gallery.ui.workers import Job, WorkerThread
from tests.support.tiny_models import solid_colour_image

COLOURS = ("red", "green", "blue", "yellow")


@pytest.fixture
def paths() -> AppPaths:
    return app_paths().ensure()


@pytest.fixture
def library(paths: AppPaths) -> Iterator[Library]:
    library = Library(paths)
    yield library
    library.close()


@pytest.fixture
def model(model_dirs: dict[str, Path]) -> ClipModel:
    return ClipModel.from_path(model_dirs["colour-hf"], device="cpu", batch_size=2)


def _photos(folder: Path, count: int) -> Path:
    for i in range(count):
        solid_colour_image(folder / f"{i:03d}.jpg", COLOURS[i % len(COLOURS)])
    return folder


def _run_job(qtbot: QtBot, work: object) -> tuple[list[object], list[object]]:
    parent = QObject()
    job = Job(work, say("The test job"))  # type: ignore[arg-type]
    done: list[object] = []
    failed: list[object] = []
    job.finished.connect(done.append)
    job.failed.connect(failed.append)
    thread = WorkerThread(job, "test", parent)
    thread.start(job.run)
    qtbot.waitUntil(lambda: bool(done or failed), timeout=10_000)
    thread.stop()
    thread.stop()  # a second stop does nothing
    assert not thread.running
    return done, failed


def test_a_job_forwards_its_result_and_runs_in_its_own_thread(qtbot: QtBot) -> None:
    def work(job: Job) -> str:
        return threading.current_thread().name

    done, failed = _run_job(qtbot, work)
    assert failed == [] and done and done[0] != threading.current_thread().name


def test_a_job_forwards_user_errors_cancels_and_bugs_as_errors_to_show(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    error = UserError("The disk is gone.", "Reconnect it.", (Remedy(Action.CHECK_LIBRARY),))

    def fails(_job: Job) -> None:
        raise error

    def cancelled(_job: Job) -> None:
        raise Cancelled("stopped")

    def bug(_job: Job) -> None:
        raise KeyError("no such thing")

    assert _run_job(qtbot, fails)[1] == [error]
    assert isinstance(_run_job(qtbot, cancelled)[1][0], Cancelled)
    [unexpected] = _run_job(qtbot, bug)[1]
    assert isinstance(unexpected, UserError)
    assert "The test job failed unexpectedly" in unexpected.message
    assert "Help > Open Logs Folder" in unexpected.hint
    assert any(r.exc_info and r.levelname == "ERROR" for r in caplog.records), "traceback logged"


def test_stopping_a_running_job_cancels_it_and_waits(qtbot: QtBot) -> None:
    started = threading.Event()

    def work(job: Job) -> bool:
        started.set()
        return job.cancel.wait(30)

    parent = QObject()
    job = Job(work, say("A long job"))
    results: list[object] = []
    job.finished.connect(results.append)
    thread = WorkerThread(job, "long", parent)
    thread.start(job.run)
    assert started.wait(10)
    thread.stop()  # returns only once the function has seen the cancel and returned
    assert job.cancel.is_set()
    qtbot.waitUntil(lambda: results == [True], timeout=5_000)


@pytest.fixture
def controller(library: Library) -> Iterator[IndexingController]:
    parent = QObject()
    controller = IndexingController(library, Settings(), parent)
    yield controller
    controller.shutdown()


def test_indexing_queues_folders_pauses_and_cancels(
    qtbot: QtBot, controller: IndexingController, model: ClipModel, tmp_path: Path
) -> None:
    progress: list[IndexProgress] = []
    summaries: list[IndexSummary] = []
    idle: list[bool] = []
    controller.progress.connect(progress.append)
    controller.finished.connect(summaries.append)
    controller.idle.connect(lambda: idle.append(True))
    first, second = _photos(tmp_path / "a", 40), _photos(tmp_path / "b", 6)
    controller.start(model, [first])
    controller.start(model, [second])  # queued behind the run in progress
    qtbot.waitUntil(lambda: any(p.stage == "index" for p in progress), timeout=30_000)
    controller.toggle_pause()
    assert controller.paused
    # What the worker reported before it saw the pause (its signals still queued here, however
    # many a fast worker sent) and the batch in flight arrive meanwhile; then nothing more.
    qtbot.wait(600)
    seen = len(progress)
    qtbot.wait(600)
    assert len(progress) == seen, "paused: no batch is reported"
    assert progress[-1].done < progress[-1].total, "the pause held the run before its end"
    controller.toggle_pause()
    qtbot.waitUntil(lambda: bool(idle), timeout=60_000)
    assert [s.embedded for s in summaries] == [40, 6], "the queued folder ran after the first"
    assert not controller.running and controller.last_summary is summaries[-1]

    before = len(progress)
    controller.start(model, [_photos(tmp_path / "c", 60)])
    qtbot.waitUntil(
        lambda: any(p.stage == "index" for p in progress[before:]), timeout=30_000
    )
    controller.toggle_pause()
    controller.cancel()  # a cancel while paused ends the run
    qtbot.waitUntil(lambda: len(summaries) == 3, timeout=30_000)
    assert summaries[-1].cancelled and summaries[-1].embedded < 60
    assert not controller.paused


def test_indexing_failure_is_forwarded_and_shutdown_waits(
    qtbot: QtBot, controller: IndexingController, model: ClipModel, tmp_path: Path
) -> None:
    failures: list[GalleryError] = []
    controller.failed.connect(failures.append)
    controller.start(model, [tmp_path / "no-such-folder"])
    qtbot.waitUntil(lambda: bool(failures), timeout=30_000)
    assert isinstance(failures[0], UserError) and "does not exist" in failures[0].message
    assert not controller.running
    controller.start(model, [_photos(tmp_path / "d", 40)])
    controller.shutdown()
    assert not controller.running


def test_the_cluster_setting_sends_the_apps_indexing_to_the_cluster(
    qtbot: QtBot, controller: IndexingController, model: ClipModel, tmp_path: Path
) -> None:
    """The Settings dialog keeps the cluster's address and path map; a run then goes the
    `gallery index --cluster` way (whose path map is checked before anything else)."""
    settings = controller.settings
    dialog = SettingsDialog(settings, ["colours"])
    qtbot.addWidget(dialog)
    dialog.cluster.setText("  ray://head:10001 ")
    dialog.path_map.setPlainText("/photos\n\n/Volumes/Photos=/mnt/photos\n")
    dialog.apply_to(settings)
    assert settings.cluster == "ray://head:10001"
    assert settings.cluster_path_map == ["/photos", "/Volumes/Photos=/mnt/photos"]
    again = SettingsDialog(settings, ["colours"])
    qtbot.addWidget(again)
    assert again.cluster.text() == "ray://head:10001"

    failures: list[GalleryError] = []
    controller.failed.connect(failures.append)
    controller.start(model, [_photos(tmp_path / "photos", 4)])
    qtbot.waitUntil(lambda: bool(failures), timeout=30_000)
    assert isinstance(failures[0], UserError) and "FROM=TO" in failures[0].message
    again.cluster.setText("")
    again.apply_to(settings)
    assert settings.cluster is None


def test_search_drops_replies_to_anything_but_the_newest_request(
    qtbot: QtBot, library: Library, model: ClipModel, tmp_path: Path
) -> None:
    from gallery.library.indexer import Indexer

    Indexer(library, model).run([_photos(tmp_path / "p", 8)])
    parent = QObject()
    search = SearchController(library, parent)
    answers: list[Answer] = []
    search.answered.connect(answers.append)
    ready: list[object] = []
    search.device_ready.connect(ready.append)
    search.use_model(model)
    qtbot.waitUntil(lambda: bool(ready), timeout=10_000)
    for text in ("red", "green", "blue", "a yellow thing"):  # typing: only the last one counts
        search.set_text(text)
    search.run_now()
    search.set_text("")
    search.set_text("green")
    search.run_now()
    qtbot.waitUntil(lambda: bool(answers), timeout=10_000)
    assert [a.query for a in answers] == ["green"], "older requests were dropped"
    assert Path(answers[0].items[0].row.path).name in {"001.jpg", "005.jpg"}  # the green ones
    search.stop()
    search.stop()


def test_search_without_a_model_says_what_to_do(qtbot: QtBot, library: Library) -> None:
    parent = QObject()
    search = SearchController(library, parent)
    errors: list[GalleryError] = []
    search.failed.connect(errors.append)
    search.use_model(None)
    search.set_text("a dog")
    search.run_now()
    qtbot.waitUntil(lambda: bool(errors), timeout=5_000)
    assert isinstance(errors[0], UserError)
    assert Remedy(Action.IMPORT_MODEL) in errors[0].remedies
    search.stop()


def test_the_status_line_lets_indexing_speak_over_the_grid(qtbot: QtBot) -> None:
    status = StatusMessage()
    qtbot.addWidget(status)
    status.on_answer(Answer(1, [], ""))
    assert status.text() == "0 photos"
    status.on_index_started()
    status.on_answer(Answer(2, [], ""))
    assert status.text() == "Scanning…"
    running = IndexProgress("index", 5, 20, 1, 2.5, 100.0, "x.jpg")
    status.on_index_progress(running)
    assert status.text() == status.progress_text(running)
    expected = "Indexing 5 of 20 — 2.5 photos/s, about 2 min left, 1 skipped"
    assert status.progress_text(running) == expected
    status.on_paused(True)
    assert status.text().startswith("Paused — Indexing 5 of 20")
    status.on_index_finished(IndexSummary(embedded=20, failed=1))
    assert status.text() == "Indexing done: 20 photos added, 1 could not be read."
    status.on_answer(Answer(3, [], ""))
    assert status.text() == "0 photos — Indexing done: 20 photos added, 1 could not be read."
    status.on_answer(Answer(4, [], "red", ranked=True))
    assert status.text() == "0 best matches for “red”"
