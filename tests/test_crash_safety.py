"""A real `gallery index` killed with SIGKILL at random moments (start-up, scan, mid-batch,
index save) loses at most the batch in flight; the library stays whole (no damage, duplicates
or orphans) and the next run resumes and finishes with exact counts."""

from __future__ import annotations

import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO, RunResult, parse_json
from tests.support.library_checks import assert_consistent, write_photos
from tests.support.tiny_models import solid_colour_image

Cli = Callable[..., RunResult]
PHOTOS = 300
BATCH = 4
TRIALS = 30
SEED = 20261122
_BATCH_LINE = re.compile(r"Batch of \d+: (\d+) embedded, (\d+) failed")


def _index(folder: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "gallery", "index", str(folder), "--batch-size", str(BATCH)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _phase(log: str, pending: int) -> str:
    """Where the run was when it died, from what its log got to say."""
    if "Indexing [" not in log:
        return "start-up"
    done = sum(int(m[0]) + int(m[1]) for m in _BATCH_LINE.findall(log))
    if not done:
        return "scan"
    if done < pending:
        return "batches"
    return "closing" if "Saved vector index" in log else "index save"


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_at_most_the_batch_in_flight(
    tmp_path: Path, gallery_cli: Cli, model_dirs: dict[str, Path], lumen_home: Path
) -> None:
    gallery_cli("models", "import", str(model_dirs["colour-hf"]), "--name", "colours")
    folder = tmp_path / "photos"
    photos = write_photos(folder, PHOTOS - 1, size=(640, 480))
    photos.append(solid_colour_image(folder / "red.jpg", "red", size=(640, 480)))
    for i in range(2000):  # not photos, but each is opened to sniff it: a scan worth killing
        (folder / "notes" / f"{i:04d}.txt").parent.mkdir(exist_ok=True)
        (folder / "notes" / f"{i:04d}.txt").write_text(f"note {i}\n")
    expected = {str(p) for p in photos}
    db = lumen_home / "data" / "library.sqlite3"
    log_file = lumen_home / "logs" / "lumen-gallery.log"

    def timed_run() -> float:
        started = time.monotonic()
        assert _index(folder).wait(timeout=300) == 0
        return time.monotonic() - started

    full_run = timed_run()  # process start to exit, everything to do
    idle_run = timed_run()  # nothing to do: start-up, scan, close

    rng = random.Random(SEED)
    phases: Counter[str] = Counter()
    for trial in range(TRIALS):
        if trial % 3 == 0:  # a fresh library now and then, so kills land in every phase
            for path in [*db.parent.glob("library.sqlite3*"), *db.parent.glob("indexes/*")]:
                path.unlink()
        before = assert_consistent(db, expected, 8).vectors if db.exists() else 0
        offset = log_file.stat().st_size
        expected_run = idle_run + (full_run - idle_run) * (PHOTOS - before) / PHOTOS
        run = _index(folder)
        try:
            run.wait(timeout=rng.uniform(0.0, expected_run * 1.05))
        except subprocess.TimeoutExpired:
            run.send_signal(signal.SIGKILL)
        run.wait(timeout=60)
        with log_file.open("rb") as handle:
            handle.seek(offset)
            log = handle.read().decode("utf-8", "replace")
        logged = sum(int(m[0]) for m in _BATCH_LINE.findall(log))
        after = assert_consistent(db, expected, 8) if db.exists() else None
        committed = (after.vectors if after else 0) - before
        if run.returncode == 0:
            phases["completed"] += 1
            assert after is not None and after.vectors == PHOTOS, "a finished run is exact"
            continue
        assert run.returncode == -signal.SIGKILL
        phases[_phase(log, PHOTOS - before)] += 1
        # Everything the run reported done is committed; at most one batch more (committed,
        # killed before its log line). Nothing is lost but the batch in flight.
        assert logged <= committed <= logged + BATCH, (trial, logged, committed)

    assert phases["batches"] >= TRIALS // 5, f"too few kills mid-batch: {dict(phases)}"
    print(f"\ncrash trials: {dict(phases)} (full run {full_run:.1f} s)")

    final = parse_json(gallery_cli("index", str(folder), "--json"))
    assert final["embedded"] + final["skipped"] == PHOTOS and final["failed"] == 0
    assert assert_consistent(db, expected, 8).vectors == PHOTOS
    status = parse_json(gallery_cli("status", "--json"))
    assert status["models"]["colours"] == {"indexed": PHOTOS, "failed": 0, "pending": 0}
    assert gallery_cli("doctor", "--check").returncode == 0
    top = parse_json(gallery_cli("search", "red", "-n", "1", "--json"))
    assert Path(top[0]["path"]).name == "red.jpg"
