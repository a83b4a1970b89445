"""Installable anyhow: the wheel `python -m build` makes carries the model catalog, and a fresh
venv with that wheel installed (not editable) lists the catalog and downloads the default model
from a mirror (`HF_ENDPOINT`: the loopback hub), run from a folder outside the checkout.

Offline and quick: the wheel is built without build isolation from this environment's
setuptools and PySide6 (the dev extra has `build` and the backend), from a copy of the working
tree so the checkout gets no build/ folder; the fresh venv gets no pip and no dependencies of
its own: a `.pth` line puts this environment's site-packages after its own, so `gallery`
itself can only come from the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from gallery.ml.catalog import CATALOG_ENV, load_catalog, packaged_catalog
from tests.conftest import REPO
from tests.support.hub_server import HubServer
from tests.support.tiny_families import FAMILY_REPOS
from tests.support.tiny_models import build_clip_folder

# The wheel is built from this tree, so its catalog is this one.
CATALOG = load_catalog(packaged_catalog())
DEFAULT = CATALOG.get(CATALOG.default)
TIMEOUT = 300


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        cwd=cwd,
        env=env,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, command))} exited {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def _copy_working_tree(target: Path) -> None:
    """What `python -m build` in the checkout would see: tracked and untracked, not ignored."""
    listed = _run("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO)
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    _copy_working_tree(source)
    dist = work / "dist"
    _run(
        sys.executable,
        "-m",
        "build",
        "--wheel",
        "--no-isolation",
        "--outdir",
        dist,
        ".",
        cwd=source,
    )
    (built,) = dist.glob("lumen_gallery-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed, not editable, and no dependencies of its own."""
    folder = tmp_path_factory.mktemp("fresh") / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", folder, cwd=folder.parent)
    python = _python(folder)
    where = "import sysconfig; print(sysconfig.get_path('purelib'))"
    purelib = Path(_run(python, "-c", where, cwd=folder).strip())
    ours = dict.fromkeys(sysconfig.get_path(kind) for kind in ("purelib", "platlib"))
    (purelib / "lumen-test-dependencies.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
    pip = (sys.executable, "-m", "pip", "--python", python, "--disable-pip-version-check")
    _run(*pip, "install", "--no-deps", "--no-index", "--quiet", wheel, cwd=folder.parent)
    return folder


def _python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def _gallery(venv: Path) -> Path:
    return venv / ("Scripts/gallery.exe" if sys.platform == "win32" else "bin/gallery")


def _outside_env() -> dict[str, str]:
    """The test's environment (LUMEN_HOME, HF_HOME, HF_ENDPOINT) without a path into the
    checkout and without another catalog file: the installed package's own is read."""
    env = dict(os.environ)
    for name in ("PYTHONPATH", "PYTHONHOME", "PYTHONSAFEPATH", "VIRTUAL_ENV", CATALOG_ENV):
        env.pop(name, None)
    return env


def _stand_in(folder: Path) -> Path:
    """A tiny model in the default's layout and family (tests/support)."""
    if DEFAULT.name in FAMILY_REPOS:
        built: Path = FAMILY_REPOS[DEFAULT.name][1](folder)
        return built
    return build_clip_folder(folder, layout="hf", kind="colour")


def test_the_wheel_carries_the_catalog_inside_the_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "gallery/ml/catalog.json" in names
    assert not [n for n in names if n.startswith("models/")]
    assert "gallery/ui/translations/lumen_zh_CN.qm" in names  # setup.py's build step still runs


def test_the_catalog_reads_from_a_zip_import(wheel: Path, tmp_path: Path) -> None:
    """importlib.resources, not a path: the package imported straight from the wheel (a zip)."""
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import gallery.ml.catalog as c\n"
        "print(c.__file__); print(c.load_catalog().default)\n"
    )
    out = _run(sys.executable, "-I", "-c", script, wheel, cwd=tmp_path, env=_outside_env())
    where, default = out.splitlines()
    assert where.startswith(str(wheel)) and default == CATALOG.default


def test_a_fresh_venv_with_the_wheel_lists_and_downloads_from_a_mirror(
    venv: Path, hub: HubServer, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"  # not the checkout: nothing to import from by accident
    elsewhere.mkdir()
    env = _outside_env()

    script = "import gallery.ml.catalog as c; print(c.__file__)"
    where = _run(_python(venv), "-c", script, cwd=elsewhere, env=env).strip()
    assert Path(where).is_relative_to(venv), where
    assert not Path(where).is_relative_to(REPO)

    listed = json.loads(_run(_gallery(venv), "models", "list", "--json", cwd=elsewhere, env=env))
    rows = {row["name"]: row for row in listed}
    assert {m.name for m in CATALOG.models} <= set(rows)  # the whole catalog, none installed
    assert rows[DEFAULT.name]["default"] and not any(row["installed"] for row in rows.values())

    # The loopback's stand-in files cannot have the published SHA-256: the download reads the
    # same catalog without its file pins (the hub fixture's $LUMEN_CATALOG).
    unpinned = {**env, CATALOG_ENV: os.environ[CATALOG_ENV]}
    hub.add_repo(DEFAULT.repo, _stand_in(tmp_path / "repo"))
    done = _run(_gallery(venv), "models", "download", DEFAULT.name, cwd=elsewhere, env=unpinned)
    assert f"Installed {DEFAULT.name}" in done
    assert hub.requested("GET", "/resolve/")  # from the mirror HF_ENDPOINT names

    listed = json.loads(_run(_gallery(venv), "models", "list", "--json", cwd=elsewhere, env=env))
    assert next(row for row in listed if row["name"] == DEFAULT.name)["installed"]
