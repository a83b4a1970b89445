"""`gallery bench --duplicates` at small sizes: it runs and its figures add up."""

from __future__ import annotations

from pathlib import Path

import pytest

from gallery.bench.duplicates import PLANT_EVERY, bench_duplicates, duplicate_lines
from gallery.ml.encoder import ClipModel


@pytest.mark.slow  # indexes ~200 generated copies of the corpus: about a minute on 2 cores
def test_small_sizes_run_and_return_figures(tmp_path: Path, model_dirs: dict[str, Path]) -> None:
    model = ClipModel.from_path(model_dirs["colour-hf"], device="cpu")
    said: list[str] = []
    result = bench_duplicates(tmp_path, (2_000,), said.append, models=[model])
    speed = result["speed"][0]
    assert speed["photos"] == 2_000 and speed["planted_pairs"] == 2_000 // PLANT_EVERY - 1
    assert speed["with_vectors"]["planted_recall"] == 1.0
    assert speed["fingerprints"]["planted_recall"] > 0.3  # the prints planted 2-12 bits away
    assert speed["with_vectors"]["other_pairs"] == 0
    quality = result["quality"][0]
    assert quality["with_vectors"]["precision"] == 1.0
    assert quality["with_vectors"]["recall"] >= 0.95
    assert quality["with_vectors"]["scene_pairs_grouped"].startswith("0 of")
    lines = duplicate_lines(result)
    assert any("2,000 photos" in line for line in lines) and any(
        "precision" in line for line in lines
    )
    again = bench_duplicates(tmp_path, (2_000,), said.append, models=[])  # the cached library
    assert again["speed"][0]["planted_pairs"] == speed["planted_pairs"]
    assert sum("building" in line for line in said) == 1
