"""One diagnostics report for `gallery doctor` and Help > Diagnostics: the same sections,
in order, whatever the front end knows of its model."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gallery.diagnostics import NOT_LOADED, SECTIONS, ModelFacts, as_text, report_sections
from gallery.library.store import Store
from gallery.ml.encoder import ClipModel
from gallery.paths import app_paths
from gallery.settings import Settings
from tests.conftest import RunResult, parse_json
from tests.support.tiny_models import solid_colour_image

Cli = Callable[..., RunResult]


def test_doctor_json_has_the_sections(
    tmp_path: Path, gallery_cli: Cli, model_dirs: dict[str, Path]
) -> None:
    gallery_cli("models", "import", str(model_dirs["colour-hf"]), "--name", "colours")
    for colour in ("red", "green"):
        solid_colour_image(tmp_path / "photos" / f"{colour}.jpg", colour)
    gallery_cli("index", str(tmp_path / "photos"))

    report = parse_json(gallery_cli("doctor", "--json"))
    assert tuple(report) == SECTIONS
    assert report["model"]["name"] == "colours" and report["model"]["problem"] is None
    assert report["model"]["batch_size"] >= 1
    assert report["device"]["provider"] == "CPUExecutionProvider"
    assert report["library"]["folders"] == [str((tmp_path / "photos").resolve())]
    assert (report["library"]["files"], report["library"]["indexed"]) == (2, 2)
    assert report["library"]["pending"] == 0
    text = gallery_cli("doctor").stdout
    assert [line[:-1] for line in text.splitlines() if not line.startswith(" ")] == list(SECTIONS)


def test_doctor_without_a_model_or_a_library(gallery_cli: Cli, lumen_home: Path) -> None:
    result = gallery_cli("doctor", "--json")
    report = parse_json(result)
    assert tuple(report) == SECTIONS
    assert "No model is installed" in report["model"]["problem"]
    assert report["device"] == report["model"]["problem"]
    assert "note" in report["library"]
    assert not (lumen_home / "data" / "library.sqlite3").exists()


def test_report_sections_from_what_a_front_end_knows(
    tmp_path: Path, model_dirs: dict[str, Path]
) -> None:
    paths = app_paths().ensure()
    settings = Settings(device="cpu", excluded_patterns=["*.tmp"])
    unloaded = ModelFacts("colours", model_dirs["colour-hf"], None, None, None)
    sections = report_sections(paths, settings, unloaded, None)
    assert tuple(sections) == SECTIONS
    assert sections["device"] == NOT_LOADED
    assert sections["settings"] == {
        "default_model": None,
        "device": "cpu",
        "batch_size": None,
        "excluded_patterns": ["*.tmp"],
    }
    providers = sections["providers"]
    assert isinstance(providers, dict) and "CPUExecutionProvider" in providers["available"]

    model = ClipModel.from_path(model_dirs["colour-hf"], device="cpu")
    report = model.load_image_tower().report
    loaded = ModelFacts(model.name, model.folder.path, report, model.batch_size_for(report), None)
    store = Store(tmp_path / "library.sqlite3")
    try:
        sections = report_sections(paths, settings, loaded, store)
    finally:
        store.close()
    assert sections["device"] == report.as_dict()
    assert sections["model"] == {
        "name": model.name,
        "path": str(model_dirs["colour-hf"]),
        "batch_size": model.batch_size_for(report),
        "problem": None,
    }
    assert sections["library"] == {
        "folders": [],
        "files": 0,
        "model": model.name,
        "indexed": 0,
        "failed": 0,
        "pending": 0,
    }
    assert as_text(sections).splitlines()[0] == "versions:"
