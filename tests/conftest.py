"""Shared fixtures: every test runs with LUMEN_HOME in a temp dir (never the user's folders)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gallery.ml.catalog import CATALOG_ENV
from gallery.ml.registry import ModelRegistry
from gallery.paths import AppPaths, app_paths
from tests.support.hub_server import HubServer, loopback_catalog
from tests.support.tiny_models import build_clip_folder

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
_HF_VARIABLES = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE", "HF_ENDPOINT")


def pytest_configure(config: pytest.Config) -> None:
    """huggingface_hub reads its home (token, caches) when it is imported: point it at a temp
    dir before any test module imports it, here and in the CLI subprocesses, and keep the
    developer's hub settings and proxies away from the loopback servers."""
    hf_home = tempfile.mkdtemp(prefix="lumen-tests-hf-home-")
    config.add_cleanup(lambda: shutil.rmtree(hf_home, ignore_errors=True))
    os.environ["HF_HOME"] = hf_home
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
    for name in _HF_VARIABLES:
        os.environ.pop(name, None)


@pytest.fixture(autouse=True)
def lumen_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "lumen-home"
    monkeypatch.setenv("LUMEN_HOME", str(home))
    return home


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[HubServer]:
    """A loopback Hugging Face hub; HF_ENDPOINT points at it (in-process and CLI runs), and
    LUMEN_CATALOG at the catalog without the file pins its tiny stand-ins cannot match."""
    with HubServer() as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        monkeypatch.setenv(CATALOG_ENV, str(loopback_catalog(tmp_path / "loopback-catalog.json")))
        yield server


@pytest.fixture(scope="session")
def model_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny model folders in both layouts, built once per test session."""
    base = tmp_path_factory.mktemp("models")
    return {
        "colour-hf": build_clip_folder(base / "colour-hf", layout="hf", kind="colour"),
        "colour-immich": build_clip_folder(base / "colour-immich", layout="immich", kind="colour"),
        "random-hf": build_clip_folder(
            base / "random-hf", layout="hf", kind="random", attention_mask=True
        ),
        "random-immich": build_clip_folder(base / "random-immich", layout="immich", kind="random"),
    }


@pytest.fixture
def paths(model_dirs: dict[str, Path]) -> AppPaths:
    """The app's folders (under LUMEN_HOME) with the tiny colour model installed as "colours";
    a test module that needs bare folders defines its own `paths`."""
    paths = app_paths().ensure()
    ModelRegistry(paths.models).import_folder(model_dirs["colour-hf"], "colours")
    return paths


@pytest.fixture
def copy_tree(tmp_path: Path) -> Callable[[Path, str], Path]:
    def copy(source: Path, name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(source, target)
        target.chmod(0o755)
        for item in target.rglob("*"):
            item.chmod(0o755 if item.is_dir() else 0o644)
        return target

    return copy


RunResult = subprocess.CompletedProcess[str]


@pytest.fixture
def gallery_cli(lumen_home: Path) -> Callable[..., RunResult]:
    """Run the real command line in a subprocess, as a user or a script would."""

    def run(*args: str, check: bool = True) -> RunResult:
        result = subprocess.run(
            [sys.executable, "-m", "gallery", *args],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=REPO,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"gallery {' '.join(args)} exited {result.returncode}:\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return result

    return run


def parse_json(result: RunResult) -> Any:
    return json.loads(result.stdout)


@pytest.fixture
def image_loader(qtbot: Any) -> Iterator[Any]:
    """An ImageLoader closed at teardown (a loader must be closed: see ImageLoader)."""
    from gallery.ui.images import ImageLoader

    loader = ImageLoader()
    yield loader
    loader.close()


@pytest.fixture
def open_window(qtbot: Any) -> Iterator[Callable[..., Any]]:
    """Open the real main window, shown, and close it at teardown. The fixture holds it: qtbot
    keeps only a weak reference, and a window freed before it is closed would take its running
    threads with it."""
    from gallery.ui.main_window import MainWindow

    windows: list[MainWindow] = []

    def open_one(paths: AppPaths, *, offer_first_run: bool = False) -> MainWindow:
        window = MainWindow(paths, offer_first_run=offer_first_run)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield open_one
    for window in windows:
        window.close()
