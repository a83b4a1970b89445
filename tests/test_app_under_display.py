"""Started as a user would: `python -m gallery` on a real X display (Xvfb), typed into with
xdotool, quit with Ctrl+Q. Needs Xvfb and xdotool (`.ci/run` installs them)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gallery.library.indexer import Indexer
from gallery.library.library import Library
from gallery.ml.encoder import ClipModel
from gallery.ml.registry import ModelRegistry
from gallery.paths import app_paths
from gallery.ui import i18n
from gallery.ui.app import QUIT, SHOWN
from gallery.ui.search_controller import ANSWERED
from tests.conftest import REPO
from tests.support.tiny_models import solid_colour_image

pytestmark = pytest.mark.skipif(
    shutil.which("Xvfb") is None or shutil.which("xdotool") is None,
    reason="needs Xvfb and xdotool (apt-get install xvfb xdotool; .ci/run does)",
)


@pytest.fixture
def display() -> Iterator[str]:
    number = 90 + os.getpid() % 500
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    name = f":{number}"
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        assert server.poll() is None and time.monotonic() < deadline, "Xvfb did not start"
        time.sleep(0.05)
    yield name
    server.terminate()
    server.wait(10)


def _xdotool(display: str, *args: str) -> str:
    env = {**os.environ, "DISPLAY": display}
    return subprocess.run(
        ["xdotool", *args], env=env, capture_output=True, text=True, timeout=20
    ).stdout


@pytest.mark.parametrize(("lang", "language"), [("en_US.UTF-8", "en"), ("zh_CN.UTF-8", "zh_CN")])
def test_app_shows_window_takes_a_query_logs_and_quits_on_ctrl_q(
    display: str,
    tmp_path: Path,
    model_dirs: dict[str, Path],
    lumen_home: Path,
    lang: str,
    language: str,
) -> None:
    """As a person starts it: the system's language (LANG) picks the interface's."""
    paths = app_paths().ensure()
    ModelRegistry(paths.models).import_folder(model_dirs["colour-hf"], "colours")
    photos = tmp_path / "photos"
    for colour in ("red", "green", "blue"):
        solid_colour_image(photos / f"{colour}.jpg", colour)
    with Library(paths) as library:
        Indexer(library, ClipModel.from_path(paths.models / "colours", device="cpu")).run([photos])

    unset = ("QT_QPA_PLATFORM", "LC_ALL", "LC_MESSAGES", "LANGUAGE")  # LANG alone decides
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        DISPLAY=display, LUMEN_HOME=str(lumen_home), QT_QPA_PLATFORM="xcb", LANG=lang
    )
    app = subprocess.Popen(
        [sys.executable, "-m", "gallery"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        window = ""
        deadline = time.monotonic() + 30
        while not window and time.monotonic() < deadline:
            assert app.poll() is None, app.communicate()[0]
            window = _xdotool(display, "search", "--onlyvisible", "--name", "^Lumen Gallery$")
            time.sleep(0.2)
        assert window, "the main window did not appear"
        window_id = window.split()[0]
        # No window manager on Xvfb: focus the window, then type through XTEST like a keyboard.
        _xdotool(display, "windowfocus", "--sync", window_id)
        _xdotool(display, "key", "ctrl+f")
        _xdotool(display, "type", "--delay", "30", "red")
        log_file = paths.log / "lumen-gallery.log"
        deadline = time.monotonic() + 20
        while ANSWERED % 3 not in log_file.read_text():
            assert time.monotonic() < deadline, log_file.read_text()[-3000:]
            time.sleep(0.2)
        _xdotool(display, "key", "ctrl+q")
        output, _ = app.communicate(timeout=30)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    assert app.returncode == 0, output
    text = log_file.read_text()
    assert SHOWN in text and "'red'" in text and QUIT % 0 in text
    assert i18n.LANGUAGE_LOG % (language, i18n.SYSTEM) in text
    assert "Traceback" not in text and "QThread: Destroyed" not in output
