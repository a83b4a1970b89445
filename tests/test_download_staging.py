"""Downloads that cannot step on each other, with real processes: every change to a model (a
download from its first byte to its publish, an import, a removal) holds that model's OS lock;
a second download waits and then finds the model installed, an import or removal refuses; the
folders a crash leaves behind are removed at the next start, never while their owner lives.

A download is held still at its install step (every file in the staging folder, nothing
published) by a progress callback that waits for a file to appear: the test decides when the
first download may finish, so nothing depends on timing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gallery.errors import Cancelled
from gallery.log import LOG_FILE_NAME
from gallery.ml.download import ModelDownloadProgress
from gallery.ml.installer import catalog_plan, download_model
from gallery.ml.model_files import (
    MARKER_NAME,
    ModelBusyError,
    download_staging,
    model_lock,
    remove_leftovers,
)
from gallery.ml.registry import ModelRegistry
from gallery.paths import app_paths
from tests.conftest import REPO
from tests.support.hub_server import HubServer
from tests.support.tiny_models import build_clip_folder

REPO_ID = "Xenova/clip-vit-base-patch32"  # the catalog's default model
NAME = "clip-vit-b-32"
DEADLINE = 60.0

# One download in its own process. argv: models dir, progress log, "pause" or "run". Paused,
# it stops at the install step (staging complete, lock held) until `<log>.go` exists.
_DOWNLOADER = """
import json, sys, time
from pathlib import Path
from gallery.ml.installer import catalog_plan, download_model

models, log, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
go, paused = log.with_name(log.name + ".go"), log.with_name(log.name + ".paused")

def progress(p):
    with log.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"stage": p.stage, "text": str(p.current_file)}) + "\\n")
    if p.stage == "install" and mode == "pause":
        paused.touch()
        deadline = time.monotonic() + 60
        while not go.exists():
            if time.monotonic() > deadline:
                sys.exit("never told to go on")
            time.sleep(0.02)

installed = download_model(models, catalog_plan("clip-vit-b-32"), progress=progress, backoff=0.01)
print(json.dumps({"path": str(installed.path)}))
"""

# Holds a model's lock, as a download or an import in progress does, with a folder of that
# change in progress; argv: models dir, model name, folder to create. Prints "ready", then
# sleeps until killed.
_HOLDER = """
import sys, time
from pathlib import Path
from gallery.ml.model_files import changing_model

models, name, folder = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
with changing_model(models, name, "import"):
    if folder:
        (models / folder).mkdir(parents=True)
        (models / folder / "model.onnx").write_bytes(b"half a copy")
    print("ready", flush=True)
    time.sleep(600)
"""


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _stages(log: Path) -> list[dict[str, str]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def _start(script: str, *args: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def _finish(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=DEADLINE)
    assert process.returncode == 0, f"exited {process.returncode}:\n{out}\n{err}"
    return out


@pytest.fixture
def served(hub: HubServer, tmp_path_factory: pytest.TempPathFactory) -> HubServer:
    """The loopback hub serving a tiny model as the catalog's default."""
    folder = build_clip_folder(tmp_path_factory.mktemp("repo") / "hf", layout="hf", kind="colour")
    hub.add_repo(REPO_ID, folder)
    return hub


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test starts; any still running at its end are killed."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate()


def _paused_download(
    models: Path, log: Path, processes: list[subprocess.Popen[str]]
) -> subprocess.Popen[str]:
    first = _start(_DOWNLOADER, models, log, "pause")
    processes.append(first)
    _wait_for(
        lambda: log.with_name(log.name + ".paused").exists() or first.poll() is not None,
        "the first download to reach its install step",
    )
    assert first.poll() is None, first.communicate()
    return first


def _blob_gets(hub: HubServer) -> int:
    return len(hub.requested("GET", "/blobs/"))


def test_a_second_download_waits_for_the_first_and_finds_the_model_installed(
    served: HubServer, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    models = tmp_path / "models"
    first_log, second_log = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first = _paused_download(models, first_log, processes)
    served_before = _blob_gets(served)

    second = _start(_DOWNLOADER, models, second_log, "run")
    processes.append(second)
    _wait_for(lambda: bool(_stages(second_log)), "the second download to say it waits")
    assert _stages(second_log) == [
        {"stage": "wait", "text": f"Waiting for another download of {NAME}…"}
    ]
    time.sleep(0.5)  # time enough to step on the first one's files, if it could
    assert second.poll() is None and not (models / NAME).exists()
    assert len(_stages(second_log)) == 1  # still waiting: it fetched nothing

    first_log.with_name(first_log.name + ".go").touch()
    first_path = json.loads(_finish(first))["path"]
    second_path = json.loads(_finish(second))["path"]

    assert first_path == second_path == str(models / NAME)
    assert [s["stage"] for s in _stages(second_log)] == ["wait"]  # nothing downloaded twice
    assert _blob_gets(served) == served_before == 2
    assert (models / NAME / MARKER_NAME).is_file()
    assert not download_staging(models, NAME).exists()
    assert [m.name for m in ModelRegistry(models).installed()] == [NAME]


def test_the_cli_waits_for_the_app_s_download(
    served: HubServer, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    """The app (here its download, in another process) and `gallery models download`."""
    paths = app_paths()
    log = tmp_path / "app.jsonl"
    app = _paused_download(paths.models, log, processes)
    cli = subprocess.Popen(
        [sys.executable, "-m", "gallery", "models", "download", NAME],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    processes.append(cli)
    cli_log = paths.log / LOG_FILE_NAME
    _wait_for(
        lambda: cli_log.exists() and "Waiting for another download" in cli_log.read_text(),
        "the command to wait",
    )
    assert cli.poll() is None

    log.with_name(log.name + ".go").touch()
    _finish(app)
    assert f"Installed {NAME}" in _finish(cli)
    assert _blob_gets(served) == 2
    assert [m.name for m in ModelRegistry(paths.models).installed()] == [NAME]


def test_a_download_killed_mid_way_leaves_its_files_to_the_next_one(
    served: HubServer, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    """The OS drops a dead holder's lock: the next download neither waits nor refetches."""
    models = tmp_path / "models"
    first = _paused_download(models, tmp_path / "first.jsonl", processes)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=DEADLINE)
    assert download_staging(models, NAME).is_dir() and not (models / NAME).exists()

    seen: list[ModelDownloadProgress] = []
    installed = download_model(models, catalog_plan(NAME), progress=seen.append)

    assert installed.path == models / NAME and "wait" not in {p.stage for p in seen}
    assert _blob_gets(served) == 2  # the files the killed process fetched were kept


def test_a_waiting_download_can_be_cancelled(served: HubServer, tmp_path: Path) -> None:
    models = tmp_path / "models"
    holder = model_lock(models, NAME)  # another open file: flock refuses it even in-process
    assert holder.lock_if_free({"pid": os.getpid(), "task": "download"})
    cancel = threading.Event()
    seen: list[ModelDownloadProgress] = []
    outcome: list[BaseException] = []

    def download() -> None:
        try:
            download_model(models, catalog_plan(NAME), progress=seen.append, cancel=cancel)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=download)
    worker.start()
    try:
        _wait_for(lambda: bool(seen), "the download to wait")
        assert [p.stage for p in seen] == ["wait"] and seen[0].bytes_total is None
        cancel.set()
        worker.join(timeout=5)
        assert not worker.is_alive()
    finally:
        cancel.set()
        worker.join()
        holder.unlock()
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)
    assert not download_staging(models, NAME).exists() and not served.requests


def test_import_and_remove_refuse_while_another_process_changes_the_model(
    tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    """Not the same thing asked twice, so no waiting: the refusal says why."""
    models = tmp_path / "models"
    source = build_clip_folder(tmp_path / "source", layout="hf", kind="random")
    registry = ModelRegistry(models)
    registry.import_folder(source, "mine")
    holder = _start(_HOLDER, models, "mine", "")
    processes.append(holder)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"

    with pytest.raises(ModelBusyError) as refused:
        registry.import_folder(source, "mine")
    assert str(refused.value.message) == (
        "Another download, import or removal of the model mine is in progress."
    )
    assert refused.value.hint == "Wait for it to finish and try again."
    with pytest.raises(ModelBusyError):
        registry.remove("mine")
    assert [m.name for m in registry.installed()] == ["mine"]

    holder.kill()
    holder.wait(timeout=DEADLINE)
    registry.remove("mine")  # the dead holder's lock is gone with it
    assert registry.installed() == []


def test_leftovers_of_a_crash_are_removed_at_the_next_start_never_under_a_live_owner(
    tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    models = app_paths().models
    registry = ModelRegistry(models)
    registry.import_folder(build_clip_folder(tmp_path / "m", layout="hf", kind="random"), "m")
    # What crashes leave: an older install retired by a publish, a removal, a half import.
    retired = models / ".replaced-m-0123abcd"
    removing = models / ".removing-clip-vit-b-16-fedcba98"
    for folder in (retired, removing):
        (folder / "onnx").mkdir(parents=True)
        (folder / "onnx" / "vision_model.onnx").write_bytes(b"old weights")
    staging = download_staging(models, NAME)  # an unfinished download: kept, it resumes
    staging.mkdir()
    (staging / "config.json").write_text("{}")
    # A live import of another model, with its folder in progress: not a leftover yet.
    holder = _start(_HOLDER, models, "other", ".importing-other-00c0ffee")
    processes.append(holder)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
    importing = models / ".importing-other-00c0ffee"

    # The next start of a front end: `gallery models list` (the app's start scans the same way).
    listed = subprocess.run(
        [sys.executable, "-m", "gallery", "models", "list", "--json"],
        capture_output=True,
        text=True,
        timeout=DEADLINE,
        cwd=REPO,
        check=True,
    )
    assert any(m["name"] == "m" and m["installed"] for m in json.loads(listed.stdout))
    assert not retired.exists() and not removing.exists()
    assert importing.is_dir() and staging.is_dir() and (models / "m" / MARKER_NAME).is_file()

    holder.send_signal(signal.SIGKILL)  # the importer crashes
    holder.wait(timeout=DEADLINE)
    assert importing.is_dir()
    assert [m.name for m in registry.installed()] == ["m"]  # a scan, as any front end's
    assert not importing.exists() and staging.is_dir()
    assert remove_leftovers(models) == []
