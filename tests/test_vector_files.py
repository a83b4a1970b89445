"""`gallery vectors export | import` through the real command line: a library embedded on one
machine joins another without decoding, and only where the files are the same."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.conftest import CORPUS, RunResult, parse_json
from tests.support.tiny_models import COLOURS, solid_colour_image

Cli = Callable[..., RunResult]
QUERIES = ("something red", "a blue sky", "green grass", "yellow")


def _photos(root: Path) -> list[Path]:
    made = [solid_colour_image(root / "colours" / f"{name}.jpg", name) for name in COLOURS]
    shutil.copytree(CORPUS / "photos", root / "corpus")
    return made + sorted((root / "corpus").iterdir())


def _searches(cli: Cli) -> list[list[tuple[str, float]]]:
    """Every photo ranked for each query, by score (rounded), ties by path."""
    found = []
    for query in QUERIES:
        hits = parse_json(cli("search", query, "-n", "100", "--json"))
        ranked = [(hit["path"], round(hit["score"], 5)) for hit in hits]
        found.append(sorted(ranked, key=lambda hit: (-hit[1], hit[0])))  # ties in any order
    return found


@pytest.fixture
def exported(
    tmp_path: Path, gallery_cli: Cli, model_dirs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path, list[list[tuple[str, float]]]]:
    """A library of photos indexed with the colour model, its vectors file and its searches."""
    gallery_cli("models", "import", str(model_dirs["colour-hf"]), "--name", "colours")
    photos = tmp_path / "photos"
    _photos(photos)
    gallery_cli("index", str(photos), "--json")
    out = tmp_path / "out" / "colours.parquet"
    result = parse_json(gallery_cli("vectors", "export", "--model", "colours", str(out), "--json"))
    searches = _searches(gallery_cli)
    assert result["exported"] == len(searches[0]) > len(COLOURS)
    monkeypatch.setenv("LUMEN_HOME", str(tmp_path / "second-home"))
    gallery_cli("models", "import", str(model_dirs["colour-hf"]), "--name", "colours")
    return photos, out, searches


def test_export_writes_every_vector_with_its_file_facts(
    exported: tuple[Path, Path, list[list[tuple[str, float]]]],
) -> None:
    photos, out, searches = exported
    table = pq.read_table(out)
    assert {"path", "size", "mtime", "model", "vector"} <= set(table.column_names)
    assert sorted(table.column("path").to_pylist()) == sorted(p for p, _ in searches[0])
    row = table.drop_columns(["mtime"]).slice(0, 1).to_pylist()[0]
    info = Path(row["path"]).stat()
    assert row["size"] == info.st_size
    assert table.column("mtime").type == pa.timestamp("ns", tz="UTC")
    assert table.column("mtime").cast(pa.int64())[0].as_py() == info.st_mtime_ns
    assert row["model"] == "colours"
    assert len(row["vector"]) == len(COLOURS)
    assert str(photos) in row["root"]


def test_import_into_a_fresh_library_gives_the_same_search_results(
    exported: tuple[Path, Path, list[list[tuple[str, float]]]], gallery_cli: Cli
) -> None:
    photos, out, searches = exported
    changed = photos / "colours" / "red.jpg"
    os.utime(changed, ns=(changed.stat().st_atime_ns, changed.stat().st_mtime_ns + 10**9))
    rows = pq.read_table(out).num_rows

    result = parse_json(gallery_cli("vectors", "import", str(out), "--json"))
    assert result["rows"] == rows
    assert result["changed"] == 1
    assert result["imported"] == rows - 1
    assert result["skipped"] == 1
    status = parse_json(gallery_cli("status", "--json"))
    assert status["roots"] == [str(photos)]
    assert status["models"]["colours"] == {"indexed": rows - 1, "failed": 0, "pending": 0}
    without_red = [[hit for hit in hits if Path(hit[0]) != changed] for hits in searches]
    assert _searches(gallery_cli) == without_red

    again = parse_json(gallery_cli("vectors", "import", str(out), "--json"))
    assert (again["imported"], again["already"], again["changed"]) == (0, rows - 1, 1)
    indexed = parse_json(gallery_cli("index", str(photos), "--json"))
    assert (indexed["embedded"], indexed["new"]) == (1, 1)  # only the changed file decodes
    assert _searches(gallery_cli) == searches
    assert gallery_cli("doctor", "--check").returncode == 0


def test_import_with_a_path_map_finds_the_photos_under_another_folder(
    exported: tuple[Path, Path, list[list[tuple[str, float]]]], gallery_cli: Cli, tmp_path: Path
) -> None:
    photos, out, searches = exported
    moved = tmp_path / "mounted" / "archive"
    moved.parent.mkdir()
    shutil.copytree(photos, moved)  # copytree keeps size and mtime (copy2)
    shutil.rmtree(photos)
    missing = parse_json(gallery_cli("vectors", "import", str(out), "--json"))
    assert missing["imported"] == 0 and missing["missing"] == missing["rows"]

    result = parse_json(
        gallery_cli("vectors", "import", str(out), "--path-map", f"{photos}={moved}", "--json")
    )
    assert result["imported"] == result["rows"]
    status = parse_json(gallery_cli("status", "--json"))
    assert status["roots"] == [str(moved)]
    mapped = [[(str(moved) + p[len(str(photos)) :], s) for p, s in hits] for hits in searches]
    assert _searches(gallery_cli) == mapped


def test_a_file_that_is_not_parquet_and_a_bad_path_map_are_clear_errors(
    gallery_cli: Cli, tmp_path: Path
) -> None:
    bogus = tmp_path / "bogus.parquet"
    bogus.write_bytes(b"not parquet")
    result = gallery_cli("vectors", "import", str(bogus), check=False)
    assert result.returncode == 2
    assert "is not a readable Parquet file" in result.stderr
    result = gallery_cli("vectors", "import", str(bogus), "--path-map", "nothing", check=False)
    assert result.returncode == 2
    assert "FROM=TO" in result.stderr
