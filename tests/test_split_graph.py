"""Splitting a combined CLIP graph (both towers in one ONNX file) into two graphs, compared with
the combined graph through real ONNX Runtime sessions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import helper

from gallery.errors import ModelError
from gallery.ml.split_graph import split_combined_clip
from tests.support.tiny_models import BERT_VOCAB, Kind, combined_clip_model


@pytest.mark.parametrize("kind", ["colour", "random"])
def test_split_towers_give_the_combined_graphs_embeddings(kind: Kind, tmp_path: Path) -> None:
    combined = tmp_path / "model.onnx"
    onnx.save(combined_clip_model(image_size=64, kind=kind), str(combined))
    vision, text = tmp_path / "vision_model.onnx", tmp_path / "text_model.onnx"

    split_combined_clip(combined, vision, text)

    rng = np.random.default_rng(7)
    pixels = rng.normal(size=(3, 3, 64, 64)).astype(np.float32)
    ids = rng.integers(5, len(BERT_VOCAB), size=(2, 52)).astype(np.int64)
    mask = np.ones_like(ids)
    mask[1, 30:] = 0
    full = ort.InferenceSession(str(combined))
    image_ref, text_ref = full.run(
        ["image_embeds", "text_embeds"],
        {"pixel_values": pixels, "input_ids": ids, "attention_mask": mask},
    )
    vision_session = ort.InferenceSession(str(vision))
    text_session = ort.InferenceSession(str(text))
    assert [i.name for i in vision_session.get_inputs()] == ["pixel_values"]
    assert [i.name for i in text_session.get_inputs()] == ["input_ids", "attention_mask"]
    assert [o.name for o in vision_session.get_outputs()] == ["image_embeds"]
    assert [o.name for o in text_session.get_outputs()] == ["text_embeds"]
    assert vision_session.get_inputs()[0].shape[0] == "image_batch", "the batch stays dynamic"
    image = vision_session.run(None, {"pixel_values": pixels})[0]
    text_vectors = text_session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
    np.testing.assert_allclose(image, image_ref, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(text_vectors, text_ref, rtol=1e-6, atol=1e-6)
    assert image.shape == (3, image_ref.shape[1]) and np.abs(text_vectors).sum() > 0
    # Each tower keeps only its own weights.
    assert vision.stat().st_size + text.stat().st_size <= combined.stat().st_size * 1.01


def test_a_graph_without_both_embeddings_is_refused(tmp_path: Path) -> None:
    graph = combined_clip_model(image_size=32).graph
    kept = [o for o in graph.output if o.name != "text_embeds"]
    del graph.output[:]
    graph.output.extend(kept)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 9
    path = tmp_path / "model.onnx"
    onnx.save(model, str(path))
    with pytest.raises(ModelError, match="no text_embeds output"):
        split_combined_clip(path, tmp_path / "v.onnx", tmp_path / "t.onnx")
    assert not (tmp_path / "v.onnx").exists()
