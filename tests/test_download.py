"""Model downloads over the Hugging Face file protocol, against a real loopback HTTP server.

The server (tests/support/hub_server.py) answers like the hub: HEAD/GET on /resolve with
X-Repo-Commit, ETag, Content-Length and Range, LFS files redirected to a second "CDN" port, the
tree listing, and the hub's 404 error codes. The models are tiny real ONNX folders, so every
install ends with a model that runs in ONNX Runtime.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import onnx
import pytest

from gallery.errors import Action, Cancelled, ModelError, Remedy
from gallery.ml.catalog import load_catalog, packaged_catalog
from gallery.ml.download import (
    DiskFullError,
    HashMismatchError,
    HubRepo,
    ModelDownloadProgress,
    OfflineError,
    RemoteNotFoundError,
)
from gallery.ml.encoder import ClipModel
from gallery.ml.installer import catalog_plan, download_model, repo_plan
from gallery.ml.model_files import MARKER_NAME, download_staging
from gallery.ml.registry import ModelRegistry
from tests.conftest import RunResult, parse_json
from tests.support.hub_server import HubServer, closed_port_url
from tests.support.tiny_models import build_clip_folder

REPO_ID = "Xenova/clip-vit-base-patch32"  # the catalog's default model, served by the loopback
Cli = Callable[..., RunResult]


@pytest.fixture(scope="module")
def hf_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny model in the transformers.js layout, with fp16 file names beside the fp32 ones."""
    folder = build_clip_folder(tmp_path_factory.mktemp("repo") / "hf", layout="hf", kind="colour")
    for tower in ("vision_model", "text_model"):
        (folder / "onnx" / f"{tower}_fp16.onnx").write_bytes(
            (folder / "onnx" / f"{tower}.onnx").read_bytes()
        )
    return folder


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _catalog(tmp_path: Path, pins: Mapping[str, str]) -> Path:
    """A copy of the real catalog with the default model's fp32 files pinned to `pins`."""
    data = json.loads(packaged_catalog().read_text(encoding="utf-8"))
    entry = next(m for m in data["models"] if m["name"] == "clip-vit-b-32")
    for file in entry["precisions"]["fp32"]["files"]:
        file["sha256"] = pins.get(file["path"])
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_catalog_download_installs_a_verified_model(
    hub: HubServer, hf_repo: Path, tmp_path: Path
) -> None:
    hub.add_repo(REPO_ID, hf_repo)
    pins = {
        f"onnx/{t}.onnx": _sha256(hf_repo / "onnx" / f"{t}.onnx")
        for t in ("vision_model", "text_model")
    }
    catalog = load_catalog(_catalog(tmp_path, pins))
    models = tmp_path / "models"
    seen: list[ModelDownloadProgress] = []

    installed = download_model(
        models, catalog_plan("clip-vit-b-32", catalog=catalog), progress=seen.append
    )

    folder = models / "clip-vit-b-32"
    assert installed.path == folder and installed.layout == "hf"
    marker = json.loads((folder / MARKER_NAME).read_text())
    assert marker["files"]["onnx/vision_model.onnx"]["sha256"] == pins["onnx/vision_model.onnx"]
    assert marker["source"]["repo"] == REPO_ID and len(marker["source"]["commit"]) == 40
    facts = json.loads((folder / "lumen.json").read_text())
    assert facts["batch_sizes"] == {"gpu": 256, "cpu": 8} and facts["precision"] == "fp32"
    assert not download_staging(models, "clip-vit-b-32").exists()
    assert [m.name for m in ModelRegistry(models).installed()] == ["clip-vit-b-32"]
    model = ClipModel.from_path(folder, device="cpu")
    assert model.folder.batch_sizes == {"gpu": 256, "cpu": 8}
    assert model.batch_size_for(model.load_image_tower().report) == 8
    assert model.embed_texts(["red"]).argmax() == 0
    # Progress: bytes only grow, the last download report is complete, then the install step.
    downloads = [p for p in seen if p.stage == "download"]
    assert [p.bytes_done for p in downloads] == sorted(p.bytes_done for p in downloads)
    assert downloads[-1].bytes_done == downloads[-1].bytes_total
    assert seen[-1].stage == "install"
    # The protocol as the hub speaks it: HEADs, then GETs pinned to the commit, LFS via the CDN.
    # The catalog pins the revision: every request names that commit, never "main".
    revision = catalog.get("clip-vit-b-32").revision
    assert revision == marker["source"]["commit"]
    assert hub.requested("HEAD", f"/resolve/{revision}/config.json")
    assert not hub.requested("HEAD", "/resolve/main/")
    assert hub.requested("GET", f"/resolve/{marker['source']['commit']}/onnx/vision_model.onnx")
    assert [r.server for r in hub.requested("GET", "/blobs/")] == ["cdn", "cdn"]
    # huggingface_hub's own cache stays unused (and its home is a temp dir in tests).
    assert not (Path(os.environ["HF_HOME"]) / "hub").exists()


def test_another_precision_installs_under_its_own_name(
    hub: HubServer, hf_repo: Path, tmp_path: Path
) -> None:
    hub.add_repo(REPO_ID, hf_repo)
    installed = download_model(tmp_path / "models", catalog_plan("clip-vit-b-32", "fp16"))
    assert installed.name == "clip-vit-b-32-fp16"
    assert hub.requested("GET", "/resolve/") and not hub.requested(
        "HEAD", "/onnx/vision_model.onnx"
    )
    assert (installed.path / "onnx" / "vision_model.onnx").is_file()
    with pytest.raises(ModelError, match="no 'int4' precision"):
        catalog_plan("clip-vit-b-32", "int4")


def test_an_explicit_endpoint_wins_over_hf_endpoint(
    hub: HubServer, hf_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HF_ENDPOINT (a mirror) is read at call time; an explicit endpoint overrides it."""
    with HubServer() as mirror:
        mirror.add_repo(REPO_ID, hf_repo)
        monkeypatch.setenv("HF_ENDPOINT", mirror.url)
        assert HubRepo(REPO_ID).endpoint == mirror.url
        download_model(tmp_path / "a", catalog_plan("clip-vit-b-32"))
        assert mirror.requested("GET", "/resolve/") and not hub.requests
        hub.add_repo(REPO_ID, hf_repo)
        download_model(tmp_path / "b", catalog_plan("clip-vit-b-32"), endpoint=hub.url)
        assert hub.requested("GET", "/resolve/")


def test_a_dropped_connection_resumes_with_a_range_request(
    hub: HubServer, hf_repo: Path, tmp_path: Path
) -> None:
    hub.add_repo(REPO_ID, hf_repo)
    hub.drop_after("onnx/text_model.onnx", 20_000)
    installed = download_model(tmp_path / "models", catalog_plan("clip-vit-b-32"), backoff=0.01)
    text_gets = [r for r in hub.requested("GET", "/resolve/") if "text_model" in r.path]
    assert [r.range for r in text_gets] == [None, "bytes=20000-"], "resumed where it dropped"
    assert hub.requested("GET", "/blobs/")[-1].range == "bytes=20000-", "the CDN got the range"
    text = installed.path / "onnx" / "text_model.onnx"
    assert _sha256(text) == _sha256(hf_repo / "onnx" / "text_model.onnx")


def test_an_interrupted_download_resumes_on_the_next_run(
    hub: HubServer, hf_repo: Path, tmp_path: Path
) -> None:
    """Out of retries, the part file stays; the next run continues it instead of starting over."""
    hub.add_repo(REPO_ID, hf_repo)
    hub.drop_after("onnx/text_model.onnx", 50_000)
    models = tmp_path / "models"
    with pytest.raises(OfflineError, match="connection") as failure:
        download_model(models, catalog_plan("clip-vit-b-32"), retries=0)
    assert "resumes where it stopped" in failure.value.hint
    staging = download_staging(models, "clip-vit-b-32")
    assert (staging / "onnx" / "text_model.onnx.part").stat().st_size == 50_000
    assert not (models / "clip-vit-b-32").exists()
    assert ModelRegistry(models).installed() == []

    with HubServer() as mirror:  # e.g. the user switched HF_ENDPOINT to a mirror meanwhile
        mirror.add_repo(REPO_ID, hf_repo)
        download_model(models, catalog_plan("clip-vit-b-32"), endpoint=mirror.url)
        resumed = [r for r in mirror.requested("GET", "/resolve/") if "text_model" in r.path]
        assert [r.range for r in resumed] == ["bytes=50000-"]
        assert not [r for r in mirror.requested("GET", "/resolve/") if "vision_model" in r.path]
    assert [m.name for m in ModelRegistry(models).installed()] == ["clip-vit-b-32"]


def test_cancel_stops_between_chunks_and_keeps_what_arrived(
    hub: HubServer, hf_repo: Path, tmp_path: Path
) -> None:
    hub.add_repo(REPO_ID, hf_repo)
    cancel = threading.Event()

    def stop_at_the_models(progress: ModelDownloadProgress) -> None:
        if progress.current_file.startswith("onnx/"):
            cancel.set()

    models = tmp_path / "models"
    with pytest.raises(Cancelled):
        download_model(
            models, catalog_plan("clip-vit-b-32"), progress=stop_at_the_models, cancel=cancel
        )
    assert not (models / "clip-vit-b-32").exists()
    assert (download_staging(models, "clip-vit-b-32") / "tokenizer.json").is_file()
    download_model(models, catalog_plan("clip-vit-b-32"))
    assert len(hub.requested("GET", "/tokenizer.json")) == 1, "finished files are kept"


@pytest.mark.parametrize("fault", ["pin differs from the hub", "bytes differ from the hub's hash"])
def test_a_wrong_hash_is_refused_and_nothing_is_installed(
    fault: str, hub: HubServer, hf_repo: Path, tmp_path: Path
) -> None:
    hub.add_repo(REPO_ID, hf_repo)
    models = tmp_path / "models"
    if fault == "pin differs from the hub":  # refused from the HEAD, before any byte moves
        pins = {"onnx/vision_model.onnx": "a" * 64}
        plan = catalog_plan("clip-vit-b-32", catalog=load_catalog(_catalog(tmp_path, pins)))
        with pytest.raises(HashMismatchError, match=r"pinned to a{64}") as error:
            download_model(models, plan)
        assert not hub.requested("GET", "/blobs/")
    else:  # same size, other bytes, while the hub announces the real SHA-256
        data = bytearray((hf_repo / "onnx" / "vision_model.onnx").read_bytes())
        data[len(data) // 2] ^= 0xFF
        hub.tamper("onnx/vision_model.onnx", bytes(data))
        with pytest.raises(HashMismatchError, match="failed its SHA-256 check") as error:
            download_model(models, catalog_plan("clip-vit-b-32"))
    assert "nothing was" in error.value.hint
    assert not (models / "clip-vit-b-32").exists()
    staging = download_staging(models, "clip-vit-b-32")
    assert not (staging / "onnx" / "vision_model.onnx").exists()
    assert not (staging / "onnx" / "vision_model.onnx.part").exists()
    assert ModelRegistry(models).installed() == []


def test_not_found_and_offline_errors_say_what_to_do(
    hub: HubServer, hf_repo: Path, tmp_path: Path
) -> None:
    with pytest.raises(
        RemoteNotFoundError, match=f"repository {REPO_ID} was not found on {hub.url}"
    ):
        download_model(tmp_path, catalog_plan("clip-vit-b-32"))
    hub.add_repo(REPO_ID, {k: v for k, v in _files(hf_repo).items() if k != "onnx/text_model.onnx"})
    with pytest.raises(
        RemoteNotFoundError, match=r"onnx/text_model\.onnx was not found in"
    ) as missing:
        download_model(tmp_path, catalog_plan("clip-vit-b-32"))
    assert Remedy(Action.CHOOSE_REVISION) in missing.value.remedies
    assert Remedy(Action.CHOOSE_PRECISION) in missing.value.remedies
    with pytest.raises(RemoteNotFoundError, match="revision 'v9'") as revision:
        HubRepo(REPO_ID, "v9").list_files()
    assert revision.value.remedies == (Remedy(Action.CHOOSE_REVISION),)
    offline = closed_port_url()
    with pytest.raises(OfflineError, match=f"Cannot reach {offline}") as error:
        download_model(tmp_path, catalog_plan("clip-vit-b-32"), endpoint=offline)
    assert "HF_ENDPOINT" in error.value.hint
    assert error.value.remedies == (Remedy(Action.IMPORT_MODEL),)


def test_a_missing_optional_file_is_skipped(hub: HubServer, hf_repo: Path, tmp_path: Path) -> None:
    hub.add_repo(
        REPO_ID, {k: v for k, v in _files(hf_repo).items() if k != "special_tokens_map.json"}
    )
    installed = download_model(tmp_path, catalog_plan("clip-vit-b-32"))
    assert not (installed.path / "special_tokens_map.json").exists()


def test_not_enough_disk_space_is_refused_before_downloading(
    hub: HubServer, hf_repo: Path, tmp_path: Path
) -> None:
    hub.add_repo(REPO_ID, hf_repo)
    hub.advertise_size("onnx/vision_model.onnx", 1 << 60)
    with pytest.raises(DiskFullError, match="Not enough disk space") as error:
        download_model(tmp_path, catalog_plan("clip-vit-b-32"))
    assert "Free some space" in error.value.hint
    assert not hub.requested("GET", "/blobs/")


def test_a_damaged_install_is_not_loadable_and_is_fetched_again(
    hub: HubServer, hf_repo: Path, tmp_path: Path
) -> None:
    hub.add_repo(REPO_ID, hf_repo)
    models = tmp_path / "models"
    installed = download_model(models, catalog_plan("clip-vit-b-32"))
    text = installed.path / "onnx" / "text_model.onnx"
    text.write_bytes(text.read_bytes()[:1000])  # e.g. a disk error or a half-done copy
    registry = ModelRegistry(models)
    assert registry.installed() == []
    size = (hf_repo / "onnx" / "text_model.onnx").stat().st_size
    assert [(m.name, m.problem) for m in registry.damaged()] == [
        ("clip-vit-b-32", f"onnx/text_model.onnx has 1000 bytes where {size} were installed")
    ]
    with pytest.raises(ModelError, match="incomplete or damaged"):
        registry.resolve("clip-vit-b-32")
    fetched_before = len(hub.requested("GET", "/blobs/"))
    download_model(models, catalog_plan("clip-vit-b-32"))
    assert len(hub.requested("GET", "/blobs/")) == fetched_before + 2
    assert [m.name for m in registry.installed()] == ["clip-vit-b-32"]
    # A complete install is not fetched again.
    download_model(models, catalog_plan("clip-vit-b-32"))
    assert len(hub.requested("GET", "/blobs/")) == fetched_before + 2


def test_a_folder_without_its_completion_marker_is_not_installed(
    tmp_path: Path, model_dirs: dict[str, Path]
) -> None:
    registry = ModelRegistry(tmp_path / "models")
    registry.import_folder(model_dirs["random-hf"], "good")
    (tmp_path / "models" / "good" / MARKER_NAME).unlink()
    assert registry.installed() == []
    assert "never finished" in registry.damaged()[0].problem


@pytest.mark.parametrize(
    ("layout", "precision", "remote"),
    [("hf", "fp16", "onnx/vision_model_fp16.onnx"), ("immich", None, "visual/model.onnx")],
)
def test_any_repo_in_a_supported_layout_downloads_from_its_tree_listing(
    layout: str, precision: str | None, remote: str, hub: HubServer, hf_repo: Path, tmp_path: Path
) -> None:
    source = (
        hf_repo
        if layout == "hf"
        else build_clip_folder(tmp_path / "im", layout="immich", kind="colour")
    )
    hub.add_repo("someone/clip-export", source)
    plan = repo_plan(HubRepo("someone/clip-export"), precision)
    assert plan.layout == layout and plan.name == "clip-export"
    pinned = {f.remote: f.sha256 for f in plan.files}
    assert pinned[remote] == _sha256(source / remote), "the listing's LFS SHA-256 is the pin"
    installed = download_model(tmp_path / "models", plan)
    assert installed.layout == layout
    assert hub.requested("GET", "/api/models/someone/clip-export/tree/main")
    assert ClipModel.from_path(installed.path, device="cpu").embed_texts(["blue"]).argmax() == 2


def test_a_repo_without_a_clip_layout_is_refused(hub: HubServer) -> None:
    hub.add_repo("someone/text-only", {"README.md": b"hi", "model.safetensors": b"\0" * 8})
    with pytest.raises(ModelError, match="no CLIP model in a supported layout"):
        repo_plan(HubRepo("someone/text-only"))


def test_external_weights_that_a_graph_references_are_fetched(
    hub: HubServer, hf_repo: Path, tmp_path: Path
) -> None:
    """Graphs over 2 GB keep their weights in side files; the installer follows the graph."""
    source = tmp_path / "big"
    source.mkdir()
    for name, data in _files(hf_repo).items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes(data)
    text = onnx.load(str(source / "onnx" / "text_model.onnx"))
    onnx.save(
        text,
        str(source / "onnx" / "text_model.onnx"),
        save_as_external_data=True,
        location="text_model.onnx_data",
    )
    hub.add_repo(REPO_ID, source)
    installed = download_model(tmp_path / "models", catalog_plan("clip-vit-b-32"))
    assert (installed.path / "onnx" / "text_model.onnx_data").is_file()
    assert hub.requested("HEAD", "/onnx/text_model.onnx_data")
    vector = ClipModel.from_path(installed.path, device="cpu").embed_texts(["green"])
    assert np.argmax(vector) == 1


def test_cli_download_list_and_remove(gallery_cli: Cli, hub: HubServer, hf_repo: Path) -> None:
    listed = parse_json(gallery_cli("models", "list", "--json"))
    flags = {m["name"]: (m["installed"], m["default"]) for m in listed}
    assert flags["vit-b-16-siglip2"] == (False, True)  # the catalog's default
    assert flags["clip-vit-b-32"] == flags["clip-vit-b-16"] == (False, False)
    assert {"name", "installed", "default", "languages", "size"} <= set(listed[0])
    chinese = next(m for m in listed if m["name"] == "chinese-clip-vit-b-16")
    assert chinese["languages"] == ["zh"]

    hub.add_repo(REPO_ID, hf_repo)
    done = gallery_cli("models", "download", "clip-vit-b-32")
    assert "Installed clip-vit-b-32" in done.stdout
    assert "already installed" in gallery_cli("models", "download", "clip-vit-b-32").stdout
    listed = parse_json(gallery_cli("models", "list", "--json"))
    row = next(m for m in listed if m["name"] == "clip-vit-b-32")
    assert row["installed"] and row["default"] and row["layout"] == "hf" and row["path"]
    assert row["size"] == sum(p.stat().st_size for p in Path(row["path"]).rglob("*") if p.is_file())
    assert "clip-vit-b-32" in gallery_cli("models", "list").stdout

    gallery_cli("models", "remove", "clip-vit-b-32")
    listed = parse_json(gallery_cli("models", "list", "--json"))
    assert not any(m["installed"] for m in listed)
    missing = gallery_cli("models", "remove", "clip-vit-b-32", check=False)
    assert missing.returncode == 2 and "No installed model" in missing.stderr


def test_cli_errors_are_readable(
    gallery_cli: Cli, hub: HubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_found = gallery_cli("models", "download", "--repo", "nobody/nothing", check=False)
    assert not_found.returncode == 2
    assert "nobody/nothing was not found" in not_found.stderr
    unknown = gallery_cli("models", "download", "no-such-model", check=False)
    assert unknown.returncode == 2 and "clip-vit-b-32" in unknown.stderr
    both = gallery_cli("models", "download", "clip-vit-b-32", "--repo", "a/b", check=False)
    assert both.returncode == 2 and "not both" in both.stderr
    monkeypatch.setenv("HF_ENDPOINT", closed_port_url())
    offline = gallery_cli("models", "download", "clip-vit-b-32", check=False)
    assert offline.returncode == 2
    assert "Cannot reach" in offline.stderr and "HF_ENDPOINT" in offline.stderr
    assert "Traceback" not in offline.stderr


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }
