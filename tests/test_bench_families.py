"""`gallery bench --models` on twins with tiny dimensions: every graph kind builds, is cached,
runs on ONNX Runtime and reports its cost; the real twins carry the published architectures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from gallery.bench import families, vit
from gallery.bench.families import TWINS, TextSpec, Twin, VisionSpec

TINY = (
    Twin(
        "tiny-siglip",
        "tiny SigLIP",
        ("vit-b-16-siglip2",),
        VisionSpec(32, 2, 4, 8, 32, 16, act="gelu"),
        TextSpec(300, 32, 2, 4, 16, 16, act="gelu_tanh"),
    ),
    Twin(
        "tiny-xlmr",
        "tiny XLM-R",
        ("xlm-roberta-base-vit-b-32",),
        VisionSpec(32, 1, 4, 16, 32, 24, pool="cls"),
        TextSpec(500, 32, 1, 4, 12, 24, pool="mean", mask_input=True, proj="mlp"),
    ),
    Twin(
        "tiny-nllb",
        "tiny NLLB",
        ("nllb-clip-base-siglip-mrl",),
        VisionSpec(32, 1, 4, 8, 32, 16, pool="avg"),
        TextSpec(400, 32, 1, 4, 10, 16, act="relu", pool="first", causal=True),
        note="tiny",
    ),
)


def test_tiny_twins_build_run_and_report(tmp_path: Path) -> None:
    steps: list[str] = []
    result = families.bench_families(tmp_path, steps.append, twins=TINY, warm=0, runs=1)
    rows = {row["name"]: row for row in result["families"]}
    assert list(rows) == [t.name for t in TINY]
    for twin in TINY:
        row = rows[twin.name]
        assert row["image_ms"] > 0 and row["query_ms"] > 0
        assert row["vision_mb"] > 0 and row["text_mb"] > 0
        assert row["context_length"] == twin.text.context_length if twin.text else True
        session = ort.InferenceSession(str(tmp_path / twin.name / "vision.onnx"))
        size = twin.vision.image_size if twin.vision else 0
        (embedding,) = session.run(None, {"image": np.zeros((2, 3, size, size), np.float32)})
        assert embedding.shape == (2, twin.vision.embed_dim if twin.vision else 0)
    lines = families.family_lines(result)
    assert any("tiny NLLB" in line for line in lines) and "notes:" in lines
    built = (tmp_path / "tiny-siglip" / "vision.onnx").stat().st_mtime_ns
    families.bench_families(tmp_path, steps.append, twins=TINY[:1], warm=0, runs=1)
    assert (tmp_path / "tiny-siglip" / "vision.onnx").stat().st_mtime_ns == built, "cached"


def test_the_clip_baseline_twin_reuses_vit_py(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = vit.VitSpec("tiny-b32", 32, 1, 4, 16, 32, 16, 32, 1, 4, context_length=8)
    monkeypatch.setitem(vit.ARCHS, "tiny", small)
    twin = Twin("tiny-clip", "tiny CLIP", ("clip-vit-b-32",), None, None, clip_arch="tiny")
    row = families.bench_twin(twin, families.ensure_twin(twin, tmp_path), warm=0, runs=1)
    assert row["context_length"] == 8 and row["query_ms"] > 0


def test_the_real_twins_have_the_published_shapes() -> None:
    by_name = {twin.name: twin for twin in TWINS}
    siglip = by_name["siglip2-b16"]
    assert siglip.text is not None and siglip.vision is not None
    assert (siglip.text.vocab_size, siglip.text.context_length, siglip.text.width) == (
        256_000,
        64,
        768,
    )
    assert (siglip.vision.patch_size, siglip.vision.image_size, siglip.vision.tokens) == (
        16,
        224,
        196,
    )
    b32 = by_name["siglip2-b32-256"].vision
    assert b32 is not None and (b32.image_size, b32.tokens) == (256, 64)
    xlmr = by_name["xlm-roberta-base-vit-b-32"].text
    assert xlmr is not None and xlmr.vocab_size == 250_002 and xlmr.mask_input
    nllb = by_name["nllb-clip-base-siglip"]
    assert nllb.text is not None and nllb.vision is not None
    assert (nllb.text.vocab_size, nllb.text.width, nllb.text.heads) == (256_206, 1024, 16)
    assert nllb.vision.tokens == 576


def test_bench_models_is_a_kind_of_bench() -> None:
    from gallery.cli.parser import build_parser

    parser = build_parser()
    assert parser.parse_args(["bench", "--models"]).models is True
    assert parser.parse_args(["bench"]).models is False
    with pytest.raises(SystemExit):
        parser.parse_args(["bench", "--models", "--search"])
