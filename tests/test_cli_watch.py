"""`gallery watch` end to end: a real subprocess watching a real folder with inotify, indexing
with the tiny colour model, searched from other processes; SIGTERM and Ctrl+C end it cleanly."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gallery.paths import app_paths
from tests.conftest import REPO, RunResult, parse_json
from tests.support.tiny_models import solid_colour_image

Cli = Callable[..., RunResult]


class WatchProcess:
    """`python -m gallery watch ...` with its stdout read line by line in a thread."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gallery", "watch", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in list(self.lines)]

    def wait_for(self, condition: Callable[[], object], what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.process.poll() is not None:
                raise AssertionError(f"gallery watch exited {self.process.returncode}: {self}")
            if time.monotonic() > deadline:
                raise AssertionError(f"not within {timeout} s: {what}\n{self}")
            time.sleep(0.05)

    def end(self, sig: int) -> tuple[int, str]:
        self.process.send_signal(sig)
        code = self.process.wait(60)
        self._reader.join(10)
        assert self.process.stderr is not None
        return code, self.process.stderr.read()

    def __str__(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def watching() -> Iterator[Callable[..., WatchProcess]]:
    started: list[WatchProcess] = []

    def start(*args: str) -> WatchProcess:
        process = WatchProcess(*args)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.process.poll() is None:
            process.process.kill()
            process.process.wait()


def _indexed(events: list[dict[str, Any]], key: str) -> int:
    return sum(e[key] for e in events if e["event"] == "indexed")


def _paths_found(cli: Cli, query: str) -> list[str]:
    return [hit["path"] for hit in parse_json(cli("search", query, "-n", "50", "--json"))]


def test_photos_copied_in_become_searchable_and_deleted_ones_leave(
    tmp_path: Path, gallery_cli: Cli, model_dirs: dict[str, Path], watching: Callable[..., Any]
) -> None:
    gallery_cli("models", "import", str(model_dirs["colour-hf"]), "--name", "colours")
    photos = (tmp_path / "photos").resolve()
    solid_colour_image(photos / "green.jpg", "green")
    watch = watching(str(photos), "--model", "colours", "--json")
    watch.wait_for(lambda: any(e["event"] == "watching" for e in watch.events()), "watching")
    first = watch.events()
    assert first[0]["event"] == "indexed" and first[0]["embedded"] == 1
    assert first[1] == {"event": "watching", "roots": {str(photos): "events"}}

    colours = ("red", "blue", "yellow", "orange")
    staged = [solid_colour_image(tmp_path / "card" / f"{c}.jpg", c) for c in colours]
    for source in staged:
        (photos / "new" / source.name).parent.mkdir(exist_ok=True)
        (photos / "new" / source.name).write_bytes(source.read_bytes())
    watch.wait_for(lambda: _indexed(watch.events(), "embedded") == 5, "the copies indexed")
    top = parse_json(gallery_cli("search", "something red", "-n", "1", "--json"))
    assert Path(top[0]["path"]) == photos / "new" / "red.jpg"
    assert len(_paths_found(gallery_cli, "blue")) == 5

    for colour in ("red", "blue"):
        (photos / "new" / f"{colour}.jpg").unlink()
    watch.wait_for(lambda: _indexed(watch.events(), "removed") == 2, "the deletes seen")
    left = _paths_found(gallery_cli, "red")
    assert sorted(Path(p).name for p in left) == ["green.jpg", "orange.jpg", "yellow.jpg"]

    code, stderr = watch.end(signal.SIGTERM)
    assert code == 0, stderr
    assert watch.events()[-1]["event"] == "stopped"
    assert gallery_cli("doctor", "--check").returncode == 0
    status = parse_json(gallery_cli("status", "--json"))
    assert status["files"] == 3
    assert status["models"]["colours"] == {"indexed": 3, "failed": 0, "pending": 0}
    log_text = (app_paths().log / "lumen-gallery.log").read_text()
    assert "Watching" in log_text and "Indexed in" in log_text


@pytest.mark.slow  # about 10 s: six processes start, 200 photos indexed
def test_ctrl_c_in_the_middle_of_a_run_exits_0_and_loses_nothing(
    tmp_path: Path, gallery_cli: Cli, model_dirs: dict[str, Path], watching: Callable[..., Any]
) -> None:
    gallery_cli("models", "import", str(model_dirs["colour-hf"]), "--name", "colours")
    photos = (tmp_path / "photos").resolve()
    photos.mkdir()
    watch = watching(str(photos), "--model", "colours")
    watch.wait_for(lambda: any(line.startswith("Watching") for line in watch.lines), "watching")
    assert watch.lines[0] == f"Indexed 0 new photos in {photos}"
    source = solid_colour_image(tmp_path / "one.jpg", "red", size=(320, 240)).read_bytes()
    count = 200
    for number in range(count):
        (photos / f"IMG_{number:04d}.jpg").write_bytes(source + number.to_bytes(4, "big"))
    from gallery.library.store import Store

    store = Store(app_paths().library_db)
    try:
        model = store.find_model("colours")
        watch.wait_for(lambda: store.counts(model).indexed > 0, "a batch committed")
    finally:
        store.close()
    code, stderr = watch.end(signal.SIGINT)
    assert code == 0, stderr
    assert watch.lines[-1].startswith("Stopped after")
    assert gallery_cli("doctor", "--check").returncode == 0
    stopped = parse_json(gallery_cli("status", "--json"))["models"]["colours"]
    assert stopped["failed"] == 0, "no photo recorded half written"
    assert stopped["indexed"] + stopped["pending"] == count
    rest = parse_json(gallery_cli("index", str(photos), "--json"))
    assert rest["embedded"] == stopped["pending"]
    status = parse_json(gallery_cli("status", "--json"))
    assert status["models"]["colours"] == {"indexed": count, "failed": 0, "pending": 0}


def test_a_folder_that_does_not_exist_is_refused(gallery_cli: Cli, tmp_path: Path) -> None:
    result = gallery_cli("watch", str(tmp_path / "no-such-folder"), check=False)
    assert result.returncode == 2
    assert "does not exist" in result.stderr
