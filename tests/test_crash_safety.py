"""A real `gallery index` killed with SIGKILL at random moments (start-up, scan, mid-batch,
index save) loses at most the batch in flight; the library stays whole (no damage, duplicates
or orphans) and the next run resumes and finishes with exact counts.

A quarter of the trials kill after a random delay over the whole expected run; the others a
random few milliseconds after the run's log shows it reached a point: the scan, a random number
of committed batches, or the last batch (then it is saving the index). So kills land in every
phase however fast or loaded the machine is."""

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


def _index(folder: Path, stderr: Path) -> subprocess.Popen[bytes]:
    with stderr.open("wb") as errors:
        return subprocess.Popen(
            [sys.executable, "-m", "gallery", "index", str(folder), "--batch-size", str(BATCH)],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )


def _read_from(path: Path, offset: int) -> str:
    with path.open("rb") as handle:
        handle.seek(offset)
        return handle.read().decode("utf-8", "replace")


def _scanning(log: str) -> bool:
    return "Indexing [" in log


def _batches_done(count: int) -> Callable[[str], bool]:
    return lambda log: len(_BATCH_LINE.findall(log)) >= count


def _kill_when(
    run: subprocess.Popen[bytes],
    log: Path,
    offset: int,
    reached: Callable[[str], bool],
    jitter: float,
) -> None:
    """SIGKILL `jitter` seconds after the run's log (from `offset`) shows it `reached` a point."""
    deadline = time.monotonic() + 300
    while run.poll() is None and time.monotonic() < deadline:
        if reached(_read_from(log, offset)):
            time.sleep(jitter)
            run.send_signal(signal.SIGKILL)
            return
        time.sleep(0.002)


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
    stderr = tmp_path / "stderr.txt"

    def timed_run() -> float:
        started = time.monotonic()
        assert _index(folder, stderr).wait(timeout=300) == 0, stderr.read_text()
        return time.monotonic() - started

    full_run = timed_run()  # process start to exit, everything to do
    idle_run = timed_run()  # nothing to do: start-up, scan, close

    rng = random.Random(SEED)
    phases: Counter[str] = Counter()
    for trial in range(TRIALS):
        before = assert_consistent(db, expected, 8).vectors if db.exists() else 0
        if trial % 3 == 0 or before > PHOTOS * 3 // 4:  # fresh now and then: kills everywhere
            for path in [*db.parent.glob("library.sqlite3*"), *db.parent.glob("indexes/*")]:
                path.unlink()
            before = 0
        offset = log_file.stat().st_size
        expected_run = idle_run + (full_run - idle_run) * (PHOTOS - before) / PHOTOS
        all_batches = -(-(PHOTOS - before) // BATCH)
        batches = {1: rng.randint(1, max(1, all_batches * 3 // 4)), 3: all_batches}.get(trial % 4)
        run = _index(folder, stderr)
        if trial % 4 == 0:
            try:
                run.wait(timeout=rng.uniform(0.0, expected_run * 1.05))
            except subprocess.TimeoutExpired:
                run.send_signal(signal.SIGKILL)
        elif batches is None:
            _kill_when(run, log_file, offset, _scanning, rng.random() / 20)
        else:
            jitter = rng.random() / (50 if trial % 4 == 1 else 500)
            _kill_when(run, log_file, offset, _batches_done(batches), jitter)
        run.wait(timeout=60)
        log = _read_from(log_file, offset)
        logged = sum(int(m[0]) for m in _BATCH_LINE.findall(log))
        after = assert_consistent(db, expected, 8) if db.exists() else None
        committed = (after.vectors if after else 0) - before
        if run.returncode == 0:
            phases["completed"] += 1
            assert after is not None and after.vectors == PHOTOS, "a finished run is exact"
            continue
        assert run.returncode == -signal.SIGKILL, stderr.read_text()
        phases[_phase(log, PHOTOS - before)] += 1
        # Everything the run reported done is committed; at most one batch more (committed,
        # killed before its log line). Nothing is lost but the batch in flight.
        assert logged <= committed <= logged + BATCH, (trial, logged, committed)

    assert phases["batches"] >= TRIALS // 5, f"too few kills mid-batch: {dict(phases)}"
    assert phases["scan"] and phases["index save"] + phases["closing"], dict(phases)
    print(f"\ncrash trials: {dict(phases)} (full run {full_run:.1f} s)")

    final = parse_json(gallery_cli("index", str(folder), "--json"))
    assert final["embedded"] + final["skipped"] == PHOTOS and final["failed"] == 0
    assert assert_consistent(db, expected, 8).vectors == PHOTOS
    status = parse_json(gallery_cli("status", "--json"))
    assert status["models"]["colours"] == {"indexed": PHOTOS, "failed": 0, "pending": 0}
    assert gallery_cli("doctor", "--check").returncode == 0
    top = parse_json(gallery_cli("search", "red", "-n", "1", "--json"))
    assert Path(top[0]["path"]).name == "red.jpg"
