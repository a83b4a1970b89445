"""`gallery index --cluster` against a real Ray head and workers on loopback (a network
namespace of the test's own: tests/support/loopback_ray.py): the vectors, counts, failures and
searches of a cluster run equal a local run's; workers that cannot see the photos get their
bytes; a worker killed mid-run costs a retry and loses nothing."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from tests.conftest import CORPUS, REPO, RunResult, parse_json
from tests.support.library_checks import assert_consistent
from tests.support.loopback_ray import LoopbackCluster, available
from tests.support.tiny_models import COLOURS, colour_index, solid_colour_image

Cli = Callable[..., RunResult]
QUERIES = ("something red", "a blue sky", "green grass", "yellow")
UNAVAILABLE = available()


@pytest.fixture(scope="module")
def cluster() -> Iterator[LoopbackCluster]:
    """One Ray head with 2 CPUs for the module (two workers of one CPU each)."""
    if UNAVAILABLE is not None:
        pytest.skip(UNAVAILABLE)
    head = LoopbackCluster(cpus=2)
    head.start()
    try:
        yield head
    finally:
        head.stop()


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Colour photos, real photos, and files no worker can decode."""
    root = tmp_path_factory.mktemp("cluster-photos") / "photos"
    for name in COLOURS:
        solid_colour_image(root / "colours" / f"{name}.jpg", name)
    shutil.copytree(CORPUS / "photos", root / "corpus")
    (root / "broken").mkdir()
    (root / "broken" / "empty.jpg").write_bytes(b"")
    (root / "broken" / "noise.jpg").write_bytes(os.urandom(4096))
    return root


def _library(home: Path) -> Path:
    return home / "data" / "library.sqlite3"


def _vectors(home: Path) -> dict[str, np.ndarray]:
    con = sqlite3.connect(_library(home))
    try:
        rows = con.execute(
            "SELECT f.path, e.vector FROM embeddings e JOIN files f ON f.id = e.file_id"
        ).fetchall()
    finally:
        con.close()
    return {path: np.frombuffer(blob, dtype=np.float32) for path, blob in rows}


def _failures(home: Path) -> dict[str, str]:
    con = sqlite3.connect(_library(home))
    try:
        return dict(con.execute("SELECT path, error FROM files WHERE error IS NOT NULL"))
    finally:
        con.close()


def _searches(run: Callable[..., RunResult]) -> list[list[tuple[str, float]]]:
    found = []
    for query in QUERIES:
        hits = parse_json(run("search", query, "-n", "100", "--json"))
        ranked = [(hit["path"], round(hit["score"], 5)) for hit in hits]
        found.append(sorted(ranked, key=lambda hit: (-hit[1], hit[0])))  # ties in any order
    return found


def _assert_same_vectors(local: dict[str, np.ndarray], remote: dict[str, np.ndarray]) -> None:
    assert remote.keys() == local.keys()
    for path, vector in local.items():
        other = remote[path]
        cosine = float(vector @ other / (np.linalg.norm(vector) * np.linalg.norm(other)))
        assert cosine >= 0.9999, path


@pytest.fixture
def local_run(
    photos: Path, gallery_cli: Cli, model_dirs: dict[str, Path], lumen_home: Path
) -> tuple[dict[str, np.ndarray], dict[str, str], list[list[tuple[str, float]]], dict[str, int]]:
    """A plain local run of the photos: its vectors, failures, searches and status."""
    gallery_cli("models", "import", str(model_dirs["colour-hf"]), "--name", "colours")
    gallery_cli("index", str(photos), "--json")
    status = parse_json(gallery_cli("status", "--json"))["models"]["colours"]
    return _vectors(lumen_home), _failures(lumen_home), _searches(gallery_cli), status


def _cluster_home(tmp_path: Path, model_dirs: dict[str, Path], cluster: LoopbackCluster) -> Path:
    home = tmp_path / "cluster-home"
    cluster.gallery(
        "models", "import", str(model_dirs["colour-hf"]), "--name", "colours", home=home
    )
    return home


def test_a_cluster_run_equals_a_local_run(
    cluster: LoopbackCluster,
    photos: Path,
    local_run: tuple[dict[str, np.ndarray], dict[str, str], list[Any], dict[str, int]],
    model_dirs: dict[str, Path],
    tmp_path: Path,
) -> None:
    vectors, failures, searches, status = local_run
    home = _cluster_home(tmp_path, model_dirs, cluster)

    def run(*args: str) -> RunResult:
        return cluster.gallery(*args, home=home)

    summary = parse_json(run("index", str(photos), "--cluster", cluster.address, "--json"))
    assert "cluster" in summary["device"] and "2 workers" in summary["device"]
    assert summary["embedded"] == len(vectors)
    assert summary["failed"] == len(failures) == 2
    assert parse_json(run("status", "--json"))["models"]["colours"] == status
    _assert_same_vectors(vectors, _vectors(home))
    assert _failures(home) == failures  # a photo a worker cannot read: recorded like locally
    assert _searches(run) == searches
    assert run("doctor", "--check").returncode == 0
    thumbnails = list((home / "cache" / "thumbnails").rglob("*.jpg"))
    assert len(thumbnails) == len(vectors)  # written by the desktop from the workers' bytes
    again = parse_json(run("index", str(photos), "--cluster", cluster.address, "--json"))
    assert (again["embedded"], again["skipped"]) == (0, summary["scanned"])


def test_workers_that_cannot_see_the_photos_are_sent_their_bytes(
    cluster: LoopbackCluster,
    photos: Path,
    local_run: tuple[dict[str, np.ndarray], dict[str, str], list[Any], dict[str, int]],
    model_dirs: dict[str, Path],
    tmp_path: Path,
) -> None:
    vectors, failures, _, _ = local_run
    home = _cluster_home(tmp_path, model_dirs, cluster)
    elsewhere = f"{photos}=/mnt/no-such-share/photos"
    summary = parse_json(
        cluster.gallery(
            "index",
            str(photos),
            "--cluster",
            cluster.address,
            "--path-map",
            elsewhere,
            "--json",
            home=home,
        )
    )
    assert summary["embedded"] == len(vectors)
    _assert_same_vectors(vectors, _vectors(home))
    assert _failures(home) == failures
    log = (home / "logs" / "lumen-gallery.log").read_text()
    assert "is sent the photos' bytes" in log
    assert "reads the photos" not in log


SLOW_COUNT = 60


_SHIPPED_MODEL = """
import sys
from pathlib import Path
import numpy as np
import ray
from gallery.cluster.worker import EmbedWorker, WorkerOptions, WorkItem, pack_model
from gallery.library.store import FileRow

address, folder, photo = sys.argv[1:]
ray.init(address=address, log_to_driver=False)
archive = [ray.put(pack_model(Path(folder)))]
options = WorkerOptions("cpu", None, 1, thumbnails=True)
actor = ray.remote(EmbedWorker).options(num_cpus=1)
worker = actor.remote("/no/such/models/colours", archive, options)
facts = ray.get(worker.report.remote())
info = Path(photo).stat()
row = FileRow(7, photo, info.st_size, info.st_mtime_ns)
result = ray.get(worker.embed.remote([WorkItem(row, photo)]))
vector = result.batch.vectors[0]
print(facts.dim, int(np.argmax(vector)), len(result.thumbnails[0]) > 0)
"""


def test_a_worker_without_the_model_folder_gets_it_once_through_the_object_store(
    cluster: LoopbackCluster, model_dirs: dict[str, Path], tmp_path: Path
) -> None:
    """The model folder's path does not exist for the worker: it unpacks the copy the
    desktop put in Ray's object store, and embeds with it like the folder itself."""
    red = solid_colour_image(tmp_path / "red.jpg", "red")
    result = subprocess.run(
        cluster.inside(
            [
                sys.executable,
                "-c",
                _SHIPPED_MODEL,
                cluster.address,
                str(model_dirs["colour-hf"]),
                str(red),
            ]
        ),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env=cluster.env,
    )
    assert result.returncode == 0, result.stderr
    dim, strongest, thumbnail = result.stdout.split()
    assert int(dim) == len(COLOURS)
    assert int(strongest) == colour_index("red")  # the planted meaning survives
    assert thumbnail == "True"


_BENCH = """
import json, sys
from pathlib import Path
from gallery.bench.cluster import bench_cluster, cluster_lines
from gallery.bench.pipeline import ModelSettings, Plan
from gallery.ml.model_folder import read_model_folder

address, folder, photos, bench_dir = sys.argv[1:]
settings = ModelSettings(read_model_folder(Path(folder)), "cpu", 1)
result = bench_cluster(
    settings, Path(bench_dir), Plan(Path(photos)), address, lambda _: None, commit_photos=300
)
print("\\n".join(cluster_lines(result)), file=sys.stderr)
print(json.dumps(result))
"""


def test_the_cluster_benchmark_measures_both_runs_the_writer_and_the_bytes(
    cluster: LoopbackCluster, model_dirs: dict[str, Path], tmp_path: Path
) -> None:
    """`gallery bench --cluster`'s figures, on a few small photos and 300 ready-made vectors."""
    for name in ("red", "green", "blue", "yellow"):
        solid_colour_image(tmp_path / "photos" / f"{name}.jpg", name)
    result = subprocess.run(
        cluster.inside(
            [
                sys.executable,
                "-c",
                _BENCH,
                cluster.address,
                str(model_dirs["colour-hf"]),
                str(tmp_path / "photos"),
                str(tmp_path / "bench"),
            ]
        ),
        capture_output=True,
        text=True,
        timeout=180,
        cwd=REPO,
        env=cluster.env,
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["local"]["embedded"] == figures["cluster"]["embedded"] == 4
    assert figures["local"]["images_per_second"] > 0
    assert figures["cluster"]["working_images_per_second"] > figures["cluster"]["images_per_second"]
    assert figures["cluster"]["shipped_bytes_per_photo"] == 0  # the workers read the photos
    vector = len(COLOURS) * 4
    assert figures["network"]["returned_bytes"] > vector  # a thumbnail and metadata as well
    assert figures["commit"]["vectors"] == 300
    assert figures["commit"]["vectors_per_second"] > 0
    assert figures["commit"]["hnswlib_vectors_per_second"] > 0
    assert "desktop commit rate" in result.stderr


def _write_slow_photos(folder: Path, count: int) -> set[str]:
    """PNGs large enough (2000 px, ~40 ms to decode) that a run lasts a few seconds."""
    folder.mkdir(parents=True)
    ramp = np.add.outer(np.arange(2000), np.arange(2000)) % 256
    paths = set()
    for i in range(count):
        pixels = np.stack([ramp, ramp.T, np.full_like(ramp, i * 3 % 256)], -1).astype(np.uint8)
        path = folder / f"{i:03d}.png"
        Image.fromarray(pixels).save(path, compress_level=1)
        paths.add(str(path))
    return paths


def _vector_count(db: Path) -> int:
    if not db.exists():
        return 0
    con = sqlite3.connect(db, timeout=30)
    try:
        return int(con.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0])
    except sqlite3.OperationalError:  # before the schema exists
        return 0
    finally:
        con.close()


@pytest.fixture(scope="module")
def slow_photos(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str]]:
    folder = tmp_path_factory.mktemp("slow") / "photos"
    return folder, _write_slow_photos(folder, SLOW_COUNT)


def _start_index(cluster: LoopbackCluster, folder: Path, home: Path) -> subprocess.Popen[str]:
    """`gallery index --cluster` in the background, in batches of 2."""
    return subprocess.Popen(
        cluster.inside(
            [
                sys.executable,
                "-m",
                "gallery",
                "index",
                str(folder),
                "--cluster",
                cluster.address,
                "--batch-size",
                "2",
                "--json",
            ]
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=cluster.env | {"LUMEN_HOME": str(home)},
    )


def _wait_for_no_workers(cluster: LoopbackCluster) -> None:
    deadline = time.monotonic() + 30
    while cluster.pids("ray::EmbedWorker"):
        assert time.monotonic() < deadline, "a finished run left its workers running"
        time.sleep(0.2)


def _wait_for_a_batch(run: subprocess.Popen[str], home: Path) -> None:
    """Until a batch is committed: the run is under way."""
    deadline = time.monotonic() + 120
    while _vector_count(_library(home)) < 2:
        assert run.poll() is None, run.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_a_worker_killed_mid_run_costs_a_retry_and_loses_nothing(
    cluster: LoopbackCluster,
    model_dirs: dict[str, Path],
    tmp_path: Path,
    slow_photos: tuple[Path, set[str]],
) -> None:
    folder, paths = slow_photos
    count = SLOW_COUNT
    home = _cluster_home(tmp_path, model_dirs, cluster)
    _wait_for_no_workers(cluster)  # the earlier tests' workers are gone: the two seen are ours
    run = _start_index(cluster, folder, home)
    try:
        _wait_for_a_batch(run, home)
        workers = cluster.pids("ray::EmbedWorker")
        assert len(workers) == 2
        os.kill(workers[0], signal.SIGKILL)
        out, err = run.communicate(timeout=240)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 0, err
    summary = parse_json(RunResult(run.args, 0, out, err))
    assert summary["embedded"] == count
    assert summary["failed"] == 0
    assert summary["retried"] >= 1  # the killed worker's batch, done again elsewhere
    state = assert_consistent(_library(home), paths, len(COLOURS))
    assert (state.files, state.vectors, state.failed) == (count, count, 0)
    status = parse_json(cluster.gallery("status", "--json", home=home))
    assert status["models"]["colours"] == {"indexed": count, "failed": 0, "pending": 0}
    assert cluster.gallery("doctor", "--check", home=home).returncode == 0


def test_ctrl_c_cancels_a_cluster_run_keeps_its_batches_and_stops_its_workers(
    cluster: LoopbackCluster,
    model_dirs: dict[str, Path],
    tmp_path: Path,
    slow_photos: tuple[Path, set[str]],
) -> None:
    folder, paths = slow_photos
    home = _cluster_home(tmp_path, model_dirs, cluster)
    run = _start_index(cluster, folder, home)
    try:
        _wait_for_a_batch(run, home)
        run.send_signal(signal.SIGINT)
        _, err = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 130, err
    state = assert_consistent(_library(home), paths, len(COLOURS))
    assert 2 <= state.vectors < SLOW_COUNT
    _wait_for_no_workers(cluster)  # the run's workers were stopped with it


def test_a_cluster_that_goes_away_stops_the_run_and_the_next_run_resumes(
    cluster: LoopbackCluster,
    model_dirs: dict[str, Path],
    tmp_path: Path,
    slow_photos: tuple[Path, set[str]],
) -> None:
    """The whole cluster killed mid-run (its own head, not the module's): a clear message,
    every committed batch kept; the next run, on another cluster, indexes the rest."""
    folder, paths = slow_photos
    doomed = LoopbackCluster(cpus=2)
    doomed.start()
    try:
        home = _cluster_home(tmp_path, model_dirs, doomed)
        run = _start_index(doomed, folder, home)
        try:
            _wait_for_a_batch(run, home)
            doomed.kill_ray(spare=run.pid)
            _, err = run.communicate(timeout=120)
        finally:
            if run.poll() is None:
                run.kill()
    finally:
        doomed.stop()
    assert run.returncode == 2, err
    assert f"The Ray cluster at {doomed.address} stopped working" in err
    assert "everything indexed so far is kept" in err
    kept = _vector_count(_library(home))
    assert 2 <= kept < SLOW_COUNT
    assert_consistent(_library(home), paths, len(COLOURS))

    again = parse_json(
        cluster.gallery("index", str(folder), "--cluster", cluster.address, "--json", home=home)
    )
    assert again["embedded"] == SLOW_COUNT - kept
    state = assert_consistent(_library(home), paths, len(COLOURS))
    assert (state.files, state.vectors, state.failed) == (SLOW_COUNT, SLOW_COUNT, 0)
    assert cluster.gallery("doctor", "--check", home=home).returncode == 0


@pytest.mark.parametrize(
    ("blocked", "args"),
    [
        ("ray", ["index", "PHOTOS", "--cluster", "local"]),
        ("pyarrow", ["vectors", "export", "--model", "colours", "out.parquet"]),
        ("pyarrow", ["vectors", "import", "in.parquet"]),
    ],
)
def test_without_the_cluster_extra_the_command_says_what_to_install(
    blocked: str, args: list[str], paths: Any, tmp_path: Path
) -> None:
    """Without Ray or pyarrow installed (an import of them fails): exit 2 and the pip line."""
    (tmp_path / "photos").mkdir()
    argv = [str(tmp_path / "photos") if arg == "PHOTOS" else arg for arg in args]
    script = (
        f"import sys; sys.modules[{blocked!r}] = None; "
        "from gallery.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *argv],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 2, result.stderr
    assert f"needs {blocked}, which is not installed" in result.stderr
    assert 'pip install "lumen-gallery[cluster]"' in result.stderr
