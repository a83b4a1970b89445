"""Logging: a rotating file in the user log dir (Help > Open Logs Folder) plus the console.

Logs are for the user too: a slow or CPU-only run must be diagnosable from the file alone.
"""

from __future__ import annotations

import logging
import logging.handlers
import platform
import sys
from pathlib import Path

from gallery import __version__

LOG_FILE_NAME = "lumen-gallery.log"
_installed: list[logging.Handler] = []  # ours, so a second setup replaces them
_FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"


def setup_logging(log_dir: Path, *, console_level: int = logging.WARNING) -> Path:
    """Route the `gallery` loggers to a rotating file (DEBUG) and stderr; returns the file."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = log_dir / LOG_FILE_NAME
    root = logging.getLogger()
    while _installed:
        old = _installed.pop()
        root.removeHandler(old)
        old.close()
    file_handler = logging.handlers.RotatingFileHandler(
        log_file,
        maxBytes=5 * 1024 * 1024,
        backupCount=5,
        encoding="utf-8",
        errors="backslashreplace",  # file names that are not valid UTF-8
    )
    file_handler.setLevel(logging.DEBUG)
    file_handler.setFormatter(logging.Formatter(_FORMAT))
    handlers: list[logging.Handler] = [file_handler]
    if sys.stderr is not None:  # a windowed Windows app has no console at all
        console = logging.StreamHandler(sys.stderr)
        console.setLevel(console_level)
        console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        handlers.append(console)
    for handler in handlers:
        _installed.append(handler)
        root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for noisy in ("PIL", "urllib3", "filelock", "huggingface_hub"):
        logging.getLogger(noisy).setLevel(logging.INFO)
    logging.getLogger("gallery").info(
        "Lumen Gallery %s, Python %s, %s",
        __version__,
        platform.python_version(),
        platform.platform(),
    )
    return log_file
