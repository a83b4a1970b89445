"""The text pass through the real command line: `index --no-text`, `status --json`'s "text",
`gallery text PHOTO [--json]`, `search --json`'s "text"; and a real `gallery index` killed
with SIGKILL during the text pass, which loses at most the batch in flight and resumes."""

from __future__ import annotations

import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from gallery.bench.text_photos import render
from gallery.library.text_pass import BATCH
from tests.conftest import CORPUS, REPO, RunResult, parse_json

Cli = Callable[..., RunResult]
PHOTOS = CORPUS / "photos"
BACKGROUNDS = ("silver_fir.jpg", "wood_anemones.jpg", "tanners_ridge.jpg", "el_torcal_rocks.jpg")
WORDS = ("ZEPHYR", "MARMALADE", "Lighthouse", "PELICAN", "Harbour", "QUINCE", "Saffron")
_TEXT_BATCH = re.compile(r"Text batch of \d+: (\d+) read, (\d+) failed")


def test_index_status_text_and_search(
    tmp_path: Path, gallery_cli: Cli, model_dirs: dict[str, Path]
) -> None:
    gallery_cli("models", "import", str(model_dirs["colour-hf"]), "--name", "colours")
    folder = tmp_path / "photos"
    zephyr = render(PHOTOS / "silver_fir.jpg", folder / "zephyr.jpg", "HOTEL ZEPHYR", width=640)
    render(PHOTOS / "wood_anemones.jpg", folder / "hanzi.jpg", "图书馆", lang="zh", width=640)
    first = parse_json(gallery_cli("index", str(folder), "--no-text", "--json"))
    assert (first["embedded"], first["text_read"]) == (2, 0)
    status = parse_json(gallery_cli("status", "--json"))
    assert status["text"] == {"done": 0, "pending": 2, "failed": 0}
    pending = parse_json(gallery_cli("text", str(zephyr.path), "--json"))
    assert (pending["status"], pending["lines"]) == ("pending", [])

    second = parse_json(gallery_cli("index", str(folder), "--json"))
    assert (second["embedded"], second["text_read"], second["text_found"]) == (0, 2, 2)
    assert parse_json(gallery_cli("status", "--json"))["text"] == {
        "done": 2,
        "pending": 0,
        "failed": 0,
    }
    shown = parse_json(gallery_cli("text", str(zephyr.path), "--json"))
    assert shown["status"] == "read" and shown["error"] is None
    (line,) = shown["lines"]
    assert line["text"] == "HOTEL ZEPHYR" and 0.5 < line["confidence"] <= 1
    assert len(line["box"]) == 4 and all(0 <= v <= 1 for point in line["box"] for v in point)
    assert gallery_cli("text", str(zephyr.path)).stdout == "HOTEL ZEPHYR\n"

    hits = parse_json(gallery_cli("search", "zephyr", "--json"))
    assert (Path(hits[0]["path"]).name, hits[0]["best"], hits[0]["text"]) == (
        "zephyr.jpg",
        True,
        "HOTEL ZEPHYR",
    )
    assert all("text" not in hit for hit in hits[1:])
    chinese = parse_json(gallery_cli("search", "书馆", "--json", "--best"))
    assert [(Path(h["path"]).name, h["text"]) for h in chinese] == [("hanzi.jpg", "图书馆")]
    plain = gallery_cli("search", "zephyr").stdout
    assert plain.splitlines()[1].endswith("zephyr.jpg  (text: HOTEL ZEPHYR)")

    missing = gallery_cli("text", str(tmp_path / "elsewhere.jpg"), check=False)
    assert missing.returncode == 2 and "not in the library" in missing.stderr


def _committed(db: Path) -> int:
    """Photos the text pass committed; checks that what it wrote is whole."""
    con = sqlite3.connect(db, timeout=30)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        read, lines = con.execute(
            "SELECT COUNT(*), COALESCE(SUM(lines), 0) FROM text_status"
        ).fetchone()
        assert con.execute("SELECT COUNT(*) FROM text_lines").fetchone()[0] == lines
        with_text = con.execute("SELECT COUNT(*) FROM text_status WHERE lines > 0").fetchone()[0]
        for table in ("text_trigrams", "text_pairs"):
            assert con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == with_text
        return int(read)
    finally:
        con.close()


@pytest.mark.slow
def test_sigkill_during_the_text_pass_loses_at_most_the_batch_in_flight(
    tmp_path: Path, gallery_cli: Cli, model_dirs: dict[str, Path], lumen_home: Path
) -> None:
    gallery_cli("models", "import", str(model_dirs["colour-hf"]), "--name", "colours")
    folder = tmp_path / "photos"
    count = 3 * BATCH
    for i in range(count):
        render(
            PHOTOS / BACKGROUNDS[i % len(BACKGROUNDS)],
            folder / f"{i:03d}.jpg",
            f"{WORDS[i % len(WORDS)]} {i}",
            width=480,
            height=32,
            seed=i,
        )
    gallery_cli("index", str(folder), "--no-text")
    db = lumen_home / "data" / "library.sqlite3"
    log_file = lumen_home / "logs" / "lumen-gallery.log"
    stderr = tmp_path / "stderr.txt"
    rng = random.Random(13)
    kills = 0
    for _ in range(3):
        before = _committed(db)
        if before == count:
            break
        offset = log_file.stat().st_size
        with stderr.open("wb") as errors:
            run = subprocess.Popen(
                [sys.executable, "-m", "gallery", "index", str(folder)],
                cwd=REPO,
                stdout=subprocess.DEVNULL,
                stderr=errors,
            )
        deadline = time.monotonic() + 120
        while run.poll() is None and time.monotonic() < deadline:
            if "Reading the text in" in _log_from(log_file, offset):
                time.sleep(rng.uniform(0.5, 2.5))
                run.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)
        run.wait(timeout=60)
        logged = sum(
            int(m[0]) + int(m[1]) for m in _TEXT_BATCH.findall(_log_from(log_file, offset))
        )
        committed = _committed(db) - before
        if run.returncode == 0:
            assert committed == count - before
            continue
        assert run.returncode == -signal.SIGKILL, stderr.read_text()
        kills += 1
        # what the run said it committed is there, and at most one batch more
        assert logged <= committed <= logged + BATCH, (logged, committed)
    assert kills, "no run was killed during the text pass"
    resumed_from = _committed(db)
    assert resumed_from < count
    final = parse_json(gallery_cli("index", str(folder), "--json"))
    assert final["text_read"] + final["text_failed"] == count - resumed_from, "read once each"
    assert parse_json(gallery_cli("status", "--json"))["text"] == {
        "done": count,
        "pending": 0,
        "failed": 0,
    }
    assert gallery_cli("doctor", "--check").returncode == 0


def _log_from(path: Path, offset: int) -> str:
    with path.open("rb") as handle:
        handle.seek(offset)
        return handle.read().decode("utf-8", "replace")
