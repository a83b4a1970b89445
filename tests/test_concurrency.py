"""Searching while indexing (threads in one app, processes from the command line) always works,
and two indexers of one library never run at once: the second is refused with the first's pid,
or waits for it, and a killed indexer leaves no lock behind."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from gallery.library.indexer import Indexer
from gallery.library.library import Library
from gallery.library.lock import WriterLock
from gallery.library.search import Searcher
from gallery.ml.encoder import ClipModel
from gallery.paths import app_paths
from tests.conftest import REPO, RunResult, parse_json
from tests.support.library_checks import assert_consistent, write_photos
from tests.support.tiny_models import solid_colour_image

Cli = Callable[..., RunResult]
PHOTOS = 400


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough 640x480 photos (plus one red) that an index run takes a few seconds."""
    folder = tmp_path_factory.mktemp("concurrency") / "photos"
    write_photos(folder, PHOTOS - 1, size=(640, 480))
    solid_colour_image(folder / "red.jpg", "red", size=(640, 480))
    return folder


def _all_paths(folder: Path) -> set[str]:
    return {str(p) for p in folder.rglob("*.jpg")}


def _start_index(folder: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "gallery", "index", str(folder), "--batch-size", "4", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_owner(lock_file: Path, pid: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        owner = WriterLock(lock_file).owner()
        if owner is not None and owner.pid == pid:
            return
        time.sleep(0.02)
    raise AssertionError(f"pid {pid} never took the library lock")


def test_searches_in_threads_while_indexing(photos: Path, model_dirs: dict[str, Path]) -> None:
    """As in the app: one Library, the indexer in one thread, searches in others."""
    model = ClipModel.from_path(model_dirs["colour-hf"], device="cpu", batch_size=4)
    paths = app_paths().ensure()
    all_paths = _all_paths(photos)
    errors: list[BaseException] = []
    searches = 0
    with Library(paths) as library:
        done = threading.Event()

        def index() -> None:
            try:
                Indexer(library, model, decode_threads=2).run([photos])
            except BaseException as exc:
                errors.append(exc)
            finally:
                done.set()

        def search(searcher: Searcher) -> None:
            nonlocal searches
            while not done.wait(0.01):  # a user typing, not a busy loop starving the indexer
                try:
                    hits = searcher.search("a red photo", k=5)
                    assert {hit.path for hit in hits} <= all_paths
                    if hits:
                        assert searcher.similar(hits[0].path, k=3)
                except BaseException as exc:
                    errors.append(exc)
                    return
                searches += 1

        other_window = Library(paths)  # its own connections and index copy
        threads = [
            threading.Thread(target=index),
            threading.Thread(target=search, args=(Searcher(library, model),)),
            threading.Thread(target=search, args=(Searcher(other_window, model),)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        other_window.close()
        assert not errors, errors
        assert searches >= 10, "the searches ran while the indexer did"
        assert Path(Searcher(library, model).search("red", k=1)[0].path).name == "red.jpg"
    assert assert_consistent(paths.library_db, all_paths, 8).vectors == PHOTOS


def test_cli_searches_while_the_cli_indexes(
    photos: Path, gallery_cli: Cli, model_dirs: dict[str, Path], lumen_home: Path
) -> None:
    gallery_cli("models", "import", str(model_dirs["colour-hf"]), "--name", "colours")
    indexer = _start_index(photos, "--json")
    overlapped = 0
    try:

        def search(_: int) -> RunResult:
            return gallery_cli("search", "red", "-n", "5", "--json", check=False)

        with ThreadPoolExecutor(2) as pool:
            while indexer.poll() is None and overlapped < 6:
                for result in pool.map(search, range(2)):
                    assert result.returncode == 0, result.stderr
                    assert {hit["path"] for hit in json.loads(result.stdout)} <= _all_paths(photos)
                overlapped += 2 if indexer.poll() is None else 0
        out, err = indexer.communicate(timeout=300)
    finally:
        indexer.kill()
    assert indexer.returncode == 0, err
    assert json.loads(out)["embedded"] == PHOTOS
    assert overlapped >= 2, "no search ran while the indexer was running"
    top = parse_json(gallery_cli("search", "red", "-n", "1", "--json"))
    assert Path(top[0]["path"]).name == "red.jpg"
    state = assert_consistent(lumen_home / "data" / "library.sqlite3", _all_paths(photos), 8)
    assert state.vectors == PHOTOS


def test_a_second_indexer_is_refused_or_waits(
    photos: Path, gallery_cli: Cli, model_dirs: dict[str, Path], lumen_home: Path
) -> None:
    gallery_cli("models", "import", str(model_dirs["colour-hf"]), "--name", "colours")
    first = _start_index(photos)
    try:
        _wait_for_owner(lumen_home / "data" / "library.lock", first.pid)
        first.send_signal(signal.SIGSTOP)  # frozen while holding the lock: no race in the test

        refused = gallery_cli("index", str(photos), check=False)
        assert refused.returncode == 2
        assert f"Another Lumen Gallery is indexing this library (pid {first.pid}, since" in (
            refused.stderr
        )
        waiting = _start_index(photos, "--wait", "300", "--json")
        time.sleep(1.0)
        assert waiting.poll() is None, "it waits for the first indexer"
        first.send_signal(signal.SIGCONT)
        assert first.wait(timeout=300) == 0
        out, err = waiting.communicate(timeout=300)
        assert waiting.returncode == 0, err
    finally:
        first.kill()
    summary = json.loads(out)
    assert (summary["new"], summary["embedded"], summary["skipped"]) == (0, 0, PHOTOS)
    state = assert_consistent(lumen_home / "data" / "library.sqlite3", _all_paths(photos), 8)
    assert state.vectors == PHOTOS


def test_a_killed_indexer_leaves_no_lock(
    photos: Path, gallery_cli: Cli, model_dirs: dict[str, Path], lumen_home: Path
) -> None:
    gallery_cli("models", "import", str(model_dirs["colour-hf"]), "--name", "colours")
    first = _start_index(photos)
    _wait_for_owner(lumen_home / "data" / "library.lock", first.pid)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=60)

    summary = parse_json(gallery_cli("index", str(photos), "--json"))  # no --wait needed

    assert summary["embedded"] + summary["skipped"] == PHOTOS
    state = assert_consistent(lumen_home / "data" / "library.sqlite3", _all_paths(photos), 8)
    assert state.vectors == PHOTOS
