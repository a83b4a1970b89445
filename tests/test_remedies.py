"""Core errors say what to do as data: each raise site gives its remedies (actions a front end
renders in its own terms), and its text (message + hint) holds no command line, neither a
`gallery ...` command nor a `--flag`. Real parts throughout: temp dirs, real SQLite, real
locks, the tiny ONNX models and the loopback hub."""

from __future__ import annotations

import ast
import errno
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from gallery.errors import Action, LibraryBusy, LibraryError, ModelError, Remedy, UserError
from gallery.library import doctor, faults
from gallery.library.library import Library
from gallery.library.lock import WriterLock
from gallery.library.query import QueryError
from gallery.library.search import Searcher
from gallery.library.store import Store
from gallery.ml.catalog import load_catalog
from gallery.ml.download import HubRepo, OfflineError, RemoteNotFoundError
from gallery.ml.encoder import ClipModel
from gallery.ml.installer import catalog_plan, download_model, repo_plan
from gallery.ml.model_files import write_marker
from gallery.ml.model_folder import read_model_folder
from gallery.ml.registry import ModelRegistry
from gallery.ml.tokenizer import TextTokenizer
from gallery.paths import app_paths
from gallery.text import say
from tests.conftest import REPO
from tests.support.hub_server import HubServer, closed_port_url
from tests.support.tiny_models import build_clip_folder, solid_colour_image

REPO_ID = "Xenova/clip-vit-base-patch32"  # the catalog's default model
CORE = ("gallery/imaging", "gallery/ml", "gallery/library")
_COMMAND = re.compile(r"\bgallery [a-z]")  # "Lumen Gallery is ..." is a name, not a command
_FLAG = re.compile(r"--\w")


def command_line_in(text: str) -> list[str]:
    return _COMMAND.findall(text) + _FLAG.findall(text)


def assert_neutral(exc: UserError) -> None:
    assert not command_line_in(str(exc)), f"command-line text in {str(exc)!r}"


def only(*remedies: Remedy) -> tuple[Remedy, ...]:
    return remedies


# --- installed models -------------------------------------------------------------------------
def test_resolving_no_several_unknown_and_damaged_models(
    tmp_path: Path, model_dirs: dict[str, Path]
) -> None:
    models = tmp_path / "models"
    registry = ModelRegistry(models)
    with pytest.raises(ModelError, match="No model is installed") as none:
        registry.resolve(None)
    assert none.value.remedies == only(
        Remedy(Action.DOWNLOAD_MODEL), Remedy(Action.LIST_MODELS), Remedy(Action.IMPORT_MODEL)
    )
    assert_neutral(none.value)

    # Folders of a source checkout's models/ need no completion marker: two of them.
    checkout = tmp_path / "checkout-models"
    checkout.mkdir()
    (checkout / "one").symlink_to(model_dirs["colour-hf"])
    (checkout / "two").symlink_to(model_dirs["colour-immich"])
    two = ModelRegistry(models, extra_dirs=(checkout,))
    with pytest.raises(ModelError, match="Several models") as several:
        two.resolve(None)
    assert several.value.remedies == only(Remedy(Action.CHOOSE_MODEL))
    assert_neutral(several.value)

    with pytest.raises(ModelError, match="'three'") as unknown:
        two.resolve("three")
    assert unknown.value.remedies == only(Remedy(Action.LIST_MODELS), Remedy(Action.IMPORT_MODEL))
    assert_neutral(unknown.value)

    # In the user's models dir a folder without its completion marker is a broken install.
    shutil.copytree(model_dirs["colour-hf"], models / "broken")
    with pytest.raises(ModelError, match="incomplete or damaged") as damaged:
        registry.resolve("broken")
    assert damaged.value.remedies == only(
        Remedy(Action.DOWNLOAD_MODEL, "broken"), Remedy(Action.IMPORT_MODEL)
    )
    assert_neutral(damaged.value)

    with pytest.raises(ModelError, match="No installed model named 'gone'") as removed:
        registry.remove("gone")
    assert removed.value.remedies == only(Remedy(Action.LIST_MODELS))
    assert_neutral(removed.value)


def test_a_damaged_or_incomplete_model_folder(tmp_path: Path, model_dirs: dict[str, Path]) -> None:
    folder = tmp_path / "colours"
    shutil.copytree(model_dirs["colour-hf"], folder)
    write_marker(folder, source={"imported_from": "test"})
    tokenizer = folder / "tokenizer.json"
    tokenizer.write_bytes(tokenizer.read_bytes()[:100])
    with pytest.raises(ModelError, match="incomplete or damaged") as damaged:
        read_model_folder(folder)
    assert damaged.value.remedies == only(
        Remedy(Action.DOWNLOAD_MODEL, "colours"), Remedy(Action.IMPORT_MODEL)
    )
    assert_neutral(damaged.value)

    with pytest.raises(ModelError, match="cannot be loaded") as unloadable:
        TextTokenizer(tokenizer, 77)
    assert unloadable.value.remedies == only(Remedy(Action.IMPORT_MODEL))
    assert_neutral(unloadable.value)

    partial = tmp_path / "partial"
    shutil.copytree(model_dirs["colour-immich"], partial)
    next((partial / "textual").glob("*.onnx")).unlink()
    with pytest.raises(ModelError, match="is incomplete: missing") as incomplete:
        read_model_folder(partial)
    assert incomplete.value.remedies == only(Remedy(Action.IMPORT_MODEL))
    assert_neutral(incomplete.value)


# --- the catalog --------------------------------------------------------------------------------
def test_catalog_errors(tmp_path: Path) -> None:
    catalog = load_catalog()
    with pytest.raises(ModelError, match="no model named 'nope'") as unknown:
        catalog.get("nope")
    assert unknown.value.remedies == only(Remedy(Action.LIST_MODELS), Remedy(Action.DOWNLOAD_MODEL))
    assert catalog.default in unknown.value.hint, "the known names are listed"
    assert_neutral(unknown.value)

    with pytest.raises(ModelError, match="no 'int4' precision") as precision:
        catalog.get(catalog.default).files("int4")
    assert precision.value.remedies == only(Remedy(Action.CHOOSE_PRECISION))
    assert_neutral(precision.value)

    with pytest.raises(ModelError, match="cannot be read") as unreadable:
        load_catalog(tmp_path / "no-catalog.json")
    assert unreadable.value.remedies == only(Remedy(Action.IMPORT_MODEL))
    assert_neutral(unreadable.value)


# --- downloads ----------------------------------------------------------------------------------
def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_download_errors(hub: HubServer, tmp_path: Path) -> None:
    source = build_clip_folder(tmp_path / "repo", layout="hf", kind="colour")
    hub.add_repo(REPO_ID, {k: v for k, v in _files(source).items() if k != "onnx/text_model.onnx"})
    with pytest.raises(RemoteNotFoundError, match=r"onnx/text_model\.onnx was not found") as gone:
        download_model(tmp_path / "models", catalog_plan("clip-vit-b-32"))
    assert gone.value.remedies == only(
        Remedy(Action.CHOOSE_REVISION), Remedy(Action.CHOOSE_PRECISION)
    )
    assert_neutral(gone.value)

    with pytest.raises(RemoteNotFoundError, match="revision 'v9'") as revision:
        HubRepo(REPO_ID, "v9").list_files()
    assert revision.value.remedies == only(Remedy(Action.CHOOSE_REVISION))
    assert_neutral(revision.value)

    hub.add_repo("someone/clip-export", source)
    with pytest.raises(ModelError, match="no 'int4' precision") as precision:
        repo_plan(HubRepo("someone/clip-export"), "int4")
    assert precision.value.remedies == only(Remedy(Action.CHOOSE_PRECISION))
    assert_neutral(precision.value)

    offline = closed_port_url()
    with pytest.raises(OfflineError, match=f"Cannot reach {offline}") as unreachable:
        download_model(tmp_path / "models", catalog_plan("clip-vit-b-32"), endpoint=offline)
    assert unreachable.value.remedies == only(Remedy(Action.IMPORT_MODEL))
    assert "HF_ENDPOINT" in unreachable.value.hint
    assert_neutral(unreachable.value)


# --- the library --------------------------------------------------------------------------------
def test_a_second_writer_is_told_to_wait(tmp_path: Path) -> None:
    holder, second = WriterLock(tmp_path / "library.lock"), WriterLock(tmp_path / "library.lock")
    holder.acquire("indexing this library")
    try:
        with pytest.raises(LibraryBusy, match="Another Lumen Gallery is indexing") as busy:
            second.acquire("indexing this library")
    finally:
        holder.release()
    assert busy.value.remedies == only(Remedy(Action.WAIT_FOR_INDEXER))
    assert_neutral(busy.value)


def test_disk_faults(tmp_path: Path) -> None:
    full = faults.disk_full(tmp_path, say("save the vector index"))
    read_only = faults.read_only(tmp_path, say("save the vector index"))
    for error in (full, read_only):
        assert error.remedies == ()  # free space, make it writable: nothing an app can do
        assert faults.KEPT in error.hint
        assert_neutral(error)
    assert faults.os_error(OSError(errno.ENOSPC, "No space"), tmp_path, say("save")).message == (
        full.message.replace("save the vector index", "save")
    )

    failed = faults.os_error(OSError(errno.EIO, "Input/output error"), tmp_path, say("save"))
    assert failed.remedies == only(Remedy(Action.CHECK_LIBRARY))
    assert_neutral(failed)

    unopenable = faults.unopenable(sqlite3.DatabaseError("unsupported file format"), tmp_path)
    assert unopenable.remedies == only(Remedy(Action.CHECK_LIBRARY))
    assert_neutral(unopenable)


def test_a_damaged_database_offers_check_and_repair(tmp_path: Path) -> None:
    db = tmp_path / "library.sqlite3"
    db.write_bytes(b"this is not a database\n" * 500)
    with pytest.raises(LibraryError, match="is damaged") as damaged:
        Store(db)
    assert damaged.value.remedies == only(
        Remedy(Action.CHECK_LIBRARY), Remedy(Action.REPAIR_LIBRARY)
    )
    assert_neutral(damaged.value)


def test_similar_of_a_file_that_is_no_image_names_it_neutrally(
    tmp_path: Path, model_dirs: dict[str, Path]
) -> None:
    """A photo outside the library is embedded on the fly (no error to act on); a file that
    is no image says which file and what to do, with no command line in it."""
    outside = solid_colour_image(tmp_path / "photos" / "red.jpg", (255, 0, 0))
    notes = tmp_path / "notes.jpg"
    notes.write_text("not a photo")
    model = ClipModel.from_path(model_dirs["colour-hf"], device="cpu")
    with Library(app_paths().ensure()) as library:
        searcher = Searcher(library, model)
        assert searcher.similar(str(outside)) == [], "nothing indexed yet: nothing like it"
        with pytest.raises(QueryError, match="cannot be read") as unreadable:
            searcher.similar(str(notes))
    assert str(notes) in unreadable.value.message
    assert unreadable.value.remedies == ()
    assert_neutral(unreadable.value)


def test_doctor_fixes_are_neutral_text() -> None:
    paths = app_paths().ensure()
    Library(paths).close()
    db = sqlite3.connect(paths.library_db, isolation_level=None)
    db.execute("PRAGMA foreign_keys=OFF")
    db.execute("INSERT INTO models(name, dim) VALUES ('colours', 2)")
    db.execute("INSERT INTO roots(path, added_at) VALUES ('/photos', 0)")
    db.execute(
        "INSERT INTO files(root_id, path, size, mtime_ns, updated_at) "
        "VALUES (1, '/photos/a.jpg', 1, 1, 0), (42, '/nowhere/x.jpg', 1, 1, 0)"
    )
    db.execute("INSERT INTO embeddings(model_id, file_id, vector) VALUES (1, 1, zeroblob(8))")
    db.close()
    (paths.indexes / "colours.hnsw.tmp").write_bytes(b"half a save")

    report = doctor.check(paths)
    assert [p.fix for p in report.problems] == ["a repair deletes them", doctor.REBUILD]
    assert any("left over" in note for note in report.notes)
    for text in [p.fix for p in report.problems] + report.notes + [doctor.REBUILD]:
        assert not command_line_in(text), text


# --- every raise site, read from the source -----------------------------------------------------
def _error_texts(path: Path) -> list[tuple[int, str]]:
    """The string pieces of every call to an error class (or a doctor `Problem`) in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if not (name.endswith(("Error", "Busy")) or name == "Problem"):
            continue
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            for part in ast.walk(arg):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    found.append((part.lineno, part.value))
    return found


def test_no_core_error_text_holds_a_command_line() -> None:
    offending = [
        f"{path.relative_to(REPO)}:{line}: {text!r}"
        for folder in CORE
        for path in sorted((REPO / folder).rglob("*.py"))
        for line, text in _error_texts(path)
        if command_line_in(text)
    ]
    assert not offending, "\n".join(offending)
    assert _error_texts(REPO / "gallery" / "library" / "lock.py"), "the scan finds raise sites"
