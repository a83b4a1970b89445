"""`gallery bench --text` at small sizes: every figure is there and makes sense (the real
models, photos, libraries; a smaller generated set and text library than the real run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gallery.bench import text as bench
from gallery.ml.encoder import ClipModel
from gallery.ml.ocr import MAX_SIDE


@pytest.mark.slow  # reads ~10 photos, one of 12 MP, with the real models: ~20 s on 2 cores
def test_small_sizes_run_and_return_figures(
    tmp_path: Path, model_dirs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench, "_ENGLISH", ("ZEPHYR", "Marmalade"))
    monkeypatch.setattr(bench, "_CHINESE", ("图书馆",))
    monkeypatch.setattr(bench, "HEIGHTS", (56,))
    monkeypatch.setattr(bench, "ANGLES", (0, 180))
    monkeypatch.setattr(
        bench, "KNOWN_TEXT", {"captioned/page.png": bench.KNOWN_TEXT["captioned/page.png"]}
    )
    model = ClipModel.from_path(model_dirs["colour-hf"], device="cpu")
    result = bench.bench_text(tmp_path, [400], lambda _: None, model, photos=1, query_count=5)

    speed = result["speed"]
    assert speed["photos"] == 1 and 11.5 <= speed["megapixels"] <= 12.5
    assert max(speed["read_size"]) == MAX_SIDE, "read at the pass's reduced size"
    assert max(speed["decoded_size"]) <= 2 * MAX_SIDE, "a reduced decode (JPEG draft mode)"
    assert speed["photos_per_second"] > 0 and speed["bound_photos_per_second"] > 0
    assert speed["models_core_seconds_per_photo"] > speed["decode_core_seconds_per_photo"]
    assert len(result["embedding"]["on"]["runs"]) == len(result["embedding"]["off"]["runs"]) == 2
    (search,) = result["search"]
    assert search["photos"] == 400 and search["lines"] >= 400
    assert set(search["kinds"]) >= {"chinese_1", "chinese_2", "latin_2", "word", "absent"}
    assert search["search"]["p95_ms"] >= search["text"]["p95_ms"] > 0
    assert search["kinds"]["chinese_2"]["mean_hits"] >= 1, "pairs taken from stored lines"
    assert search["kinds"]["absent"]["mean_hits"] == 0
    recall, precision = result["quality"]["recall"], result["quality"]["precision"]
    assert recall["corpus"]["words"] == len(bench.KNOWN_TEXT["captioned/page.png"])
    assert recall["corpus"]["text"] >= 0.75
    assert recall["generated en"]["text"] >= 0.5 and recall["generated zh"]["words"] == 1
    assert precision["all"]["text"] == 1.0
    lines = "\n".join(bench.text_lines(result))
    assert "photos/s" in lines and "p95" in lines and "Word recall" in lines
