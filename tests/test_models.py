"""Model folders in both layouts through the real loader, tokenizer and ONNX Runtime."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

from gallery.errors import ModelError, ModelNotFoundError, ProviderError
from gallery.ml import providers
from gallery.ml.batching import choose_batch_size, default_batch_size
from gallery.ml.encoder import ClipModel, l2_normalise
from gallery.ml.model_files import LOCKS_DIR
from gallery.ml.model_folder import VisionShape, read_model_folder
from gallery.ml.preprocess import image_tensor
from gallery.ml.registry import ModelRegistry
from gallery.ml.tokenizer import TextTokenizer
from tests.conftest import SHARED
from tests.support.tiny_models import COLOURS, build_clip_folder, colour_index

# The fallback tests need the GPU build of ONNX Runtime on a machine with no NVIDIA driver
# (this project's CI); on a machine with a GPU the CUDA provider would really start.
cuda_build_without_gpu = pytest.mark.skipif(
    "CUDAExecutionProvider" not in ort.get_available_providers()
    or providers.nvidia_driver_present(),
    reason="needs an ONNX Runtime with CUDA on a machine without an NVIDIA GPU",
)
TOKENIZER = SHARED / "clip-tokenizer" / "tokenizer.json"


def test_clip_tokenizer_matches_reference_ids() -> None:
    tok = TextTokenizer(TOKENIZER, 77, "<|endoftext|>")
    ids, mask = tok.encode(["a photo of a cat", "red"])
    assert ids.shape == (2, 77) and ids.dtype == np.int64
    assert ids[0, :7].tolist() == [49406, 320, 1125, 539, 320, 2368, 49407]
    assert ids[1, :3].tolist() == [49406, 736, 49407]
    assert set(ids[0, 7:].tolist()) == {49407}
    assert mask[0].sum() == 7


def test_long_text_is_truncated_keeping_the_end_token() -> None:
    tok = TextTokenizer(TOKENIZER, 16)
    ids, _ = tok.encode(["a very long caption " * 20])
    assert ids.shape == (1, 16)
    assert ids[0, 0] == 49406 and ids[0, -1] == 49407


@pytest.mark.parametrize("layout", ["hf", "immich"])
def test_read_both_layouts(layout: str, model_dirs: dict[str, Path]) -> None:
    folder = read_model_folder(model_dirs[f"colour-{layout}"])
    assert folder.layout == layout
    assert folder.preprocess.size == 224 and folder.preprocess.resize_mode == "shortest"
    assert folder.context_length == 77
    assert folder.pad_token == "<|endoftext|>"
    assert folder.visual.is_file() and folder.textual.is_file() and folder.tokenizer.is_file()


def test_tensor_names_dtypes_and_batching_come_from_the_session(
    model_dirs: dict[str, Path],
) -> None:
    immich = ClipModel.from_path(model_dirs["random-immich"], device="cpu")
    hf = ClipModel.from_path(model_dirs["random-hf"], device="cpu")
    immich_image, hf_image = immich.load_image_tower(), hf.load_image_tower()
    assert immich_image.fixed_batch == 1 and hf_image.fixed_batch is None
    assert immich.load_text_tower().inputs[0].dtype == np.int32
    assert [i.name for i in hf.load_text_tower().inputs] == ["input_ids", "attention_mask"]
    assert hf.load_text_tower().inputs[0].dtype == np.int64
    assert hf_image.output == "image_embeds" and immich_image.output == "embedding"
    pixels = np.random.default_rng(0).normal(size=(5, 3, 224, 224)).astype(np.float32)
    batched = immich.embed_image_tensors(pixels)  # fixed batch 1: fed one row at a time
    assert batched.shape == (5, 16)
    singles = np.concatenate([immich.embed_image_tensors(pixels[i : i + 1]) for i in range(5)])
    assert np.allclose(batched, singles, atol=1e-6)
    assert np.allclose(np.linalg.norm(hf.embed_image_tensors(pixels), axis=1), 1.0, atol=1e-5)
    texts = hf.embed_texts(["a dog", "a cat on a mat", "x"])
    assert texts.shape == (3, 16)
    assert np.allclose(np.linalg.norm(texts, axis=1), 1.0, atol=1e-5)


def test_zero_vector_does_not_become_nan(model_dirs: dict[str, Path]) -> None:
    model = ClipModel.from_path(model_dirs["colour-hf"], device="cpu")
    vector = model.embed_texts(["a photo of nothing in particular"])
    assert not np.isnan(vector).any() and not vector.any()
    assert not np.isnan(l2_normalise(np.zeros((2, 4), dtype=np.float32))).any()


@pytest.mark.parametrize("layout", ["hf", "immich"])
def test_planted_meaning_through_preprocess_and_text(
    layout: str, model_dirs: dict[str, Path]
) -> None:
    from PIL import Image

    model = ClipModel.from_path(model_dirs[f"colour-{layout}"], device="cpu")
    spec = model.folder.preprocess
    names = list(COLOURS)
    pixels = np.stack(
        [
            image_tensor(
                Image.new("RGB", (300, 200), tuple(int(c * 255) for c in COLOURS[n])), spec
            )
            for n in names
        ]
    )
    images = model.embed_image_tensors(pixels)
    texts = model.embed_texts([f"a {n} thing" for n in names])
    scores = texts @ images.T
    assert [int(i) for i in scores.argmax(axis=1)] == list(range(len(names)))
    assert int(images[names.index("red")].argmax()) == colour_index("red")


def test_refuses_folder_with_mismatched_dimensions(tmp_path: Path) -> None:
    folder = build_clip_folder(tmp_path / "bad", layout="hf", kind="random", dim=16, text_dim=12)
    model = ClipModel.from_path(folder, device="cpu")
    with pytest.raises(ModelError, match="inconsistent"):
        model.validate()
    with pytest.raises(ModelError, match="inconsistent"):
        ModelRegistry(tmp_path / "installed").import_folder(folder)
    assert not (tmp_path / "installed" / "bad").exists()


def test_incomplete_and_foreign_folders_are_refused(tmp_path: Path) -> None:
    folder = build_clip_folder(tmp_path / "partial", layout="immich", kind="random")
    (folder / "textual" / "model.onnx").unlink()
    with pytest.raises(ModelError, match=r"incomplete: missing textual/model\.onnx"):
        read_model_folder(folder)
    with pytest.raises(ModelError, match="not a CLIP model folder"):
        read_model_folder(tmp_path)


def test_corrupt_onnx_file_is_a_clear_model_error(tmp_path: Path) -> None:
    folder = build_clip_folder(tmp_path / "corrupt", layout="hf", kind="random")
    (folder / "onnx" / "vision_model.onnx").write_bytes(b"\x08garbage" * 64)
    with pytest.raises(ModelError, match=r"vision_model\.onnx cannot be loaded"):
        ModelRegistry(tmp_path / "installed").import_folder(folder)
    assert not (tmp_path / "installed" / "corrupt").exists()


def test_registry_imports_atomically_and_resolves(
    tmp_path: Path, model_dirs: dict[str, Path]
) -> None:
    registry = ModelRegistry(tmp_path / "models")
    with pytest.raises(ModelNotFoundError, match="No model is installed"):
        registry.resolve(None)
    registry.import_folder(model_dirs["random-hf"], "one")
    assert registry.resolve(None).name == "one"
    registry.import_folder(model_dirs["colour-immich"], "two")
    with pytest.raises(ModelNotFoundError, match="Several models"):
        registry.resolve(None)
    assert registry.resolve(None, default="two").layout == "immich"
    with pytest.raises(ModelNotFoundError, match="'three'"):
        registry.resolve("three")
    # No staging folder is left behind; the models' lock files stay (model_files.LOCKS_DIR).
    left = sorted(p.name for p in (tmp_path / "models").iterdir() if p.name != LOCKS_DIR)
    assert left == ["one", "two"]


def test_squash_preprocessing_for_chinese_clip_style_configs(tmp_path: Path) -> None:
    folder = build_clip_folder(tmp_path / "cn", layout="hf", kind="random")
    config = json.loads((folder / "preprocessor_config.json").read_text())
    config.update({"size": {"height": 224, "width": 224}, "do_center_crop": False})
    (folder / "preprocessor_config.json").write_text(json.dumps(config))
    spec = read_model_folder(folder).preprocess
    assert spec.resize_mode == "squash"
    from PIL import Image

    wide = Image.new("RGB", (400, 100), (255, 0, 0))
    wide.paste((0, 0, 255), (0, 0, 100, 100))  # the left quarter is blue
    squashed = image_tensor(wide, spec)
    assert squashed.shape == (3, 224, 224)
    assert squashed[2, 112, 10] > squashed[0, 112, 10], "squash keeps the left edge (no crop)"


def test_batch_size_is_model_aware() -> None:
    b32 = VisionShape(width=768, layers=12, patch_size=32, image_size=224)
    l14 = VisionShape(width=1024, layers=24, patch_size=14, image_size=224)
    assert 8 < b32.gflops < 9.5 and 140 < l14.gflops < 170
    assert default_batch_size(b32, "gpu") >= 4 * default_batch_size(l14, "gpu")
    assert default_batch_size(b32, "cpu") <= 8 and default_batch_size(l14, "cpu") < 8
    assert choose_batch_size(l14, "gpu", override=3) == 3
    with pytest.raises(ValueError):
        choose_batch_size(b32, "cpu", override=0)


def _memory_hungry_vision_model(path: Path, dim: int) -> None:
    """Doubles the pixels twice (a 600 KB intermediate per image) before projecting."""
    pixels = helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["b", 3, 224, 224])
    out = helper.make_tensor_value_info("image_embeds", TensorProto.FLOAT, ["b", dim])
    weights = np.random.default_rng(1).normal(size=(3, dim)).astype(np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("Mul", ["pixel_values", "two"], ["m1"]),
            helper.make_node("Mul", ["m1", "two"], ["m2"]),
            helper.make_node("ReduceMean", ["m2"], ["pooled"], axes=[2, 3], keepdims=0),
            helper.make_node("MatMul", ["pooled", "w"], ["image_embeds"]),
        ],
        "hungry",
        [pixels],
        [out],
        [
            numpy_helper.from_array(np.array(2.0, np.float32), "two"),
            numpy_helper.from_array(weights, "w"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 9
    onnx.save(model, path)


def test_allocation_failure_halves_the_batch_and_retries(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A real ONNX Runtime arena with an 8 MB cap runs out of memory at batch 8."""
    folder = build_clip_folder(tmp_path / "hungry", layout="hf", kind="random")
    _memory_hungry_vision_model(folder / "onnx" / "vision_model.onnx", 16)
    info = ort.OrtMemoryInfo(
        "Cpu", ort.OrtAllocatorType.ORT_ARENA_ALLOCATOR, 0, ort.OrtMemType.DEFAULT
    )
    ort.create_and_register_allocator(info, ort.OrtArenaCfg(8 * 1024 * 1024, -1, -1, -1))
    capped = ClipModel.from_path(
        folder, device="cpu", session_config={"session.use_env_allocators": "1"}
    )
    free = ClipModel.from_path(folder, device="cpu")
    pixels = np.random.default_rng(0).normal(size=(8, 3, 224, 224)).astype(np.float32)
    retries: list[int] = []
    caplog.set_level(logging.WARNING)
    vectors = capped.embed_image_tensors(pixels, on_retry=retries.append)
    assert retries and retries[0] == 4 and retries[-1] < 8
    assert "Out of memory embedding 8 images" in caplog.text
    assert np.allclose(vectors, free.embed_image_tensors(pixels), atol=1e-5)


def test_provider_choice_and_device_report(model_dirs: dict[str, Path]) -> None:
    available = providers.available_providers()
    assert providers.requested_providers("cpu", available) == ["CPUExecutionProvider"]
    assert providers.requested_providers("auto", available)[-1] == "CPUExecutionProvider"
    with pytest.raises(ProviderError, match="Unknown device"):
        providers.requested_providers("quantum", available)
    with pytest.raises(ProviderError, match="not part of the installed ONNX Runtime"):
        providers.requested_providers("coreml", ["CPUExecutionProvider"])
    model = ClipModel.from_path(model_dirs["random-hf"], device="cpu")
    report = model.load_image_tower().report
    assert report.active == ["CPUExecutionProvider"]
    assert report.summary() == "CPU" and report.fallback_reason is None
    assert report.runtime_version == ort.__version__


def test_towers_load_only_when_asked(model_dirs: dict[str, Path]) -> None:
    """Reading the report never loads a tower; loading is explicit and idempotent."""
    model = ClipModel.from_path(model_dirs["random-hf"], device="cpu", batch_size=3)
    assert model.loaded_report is None and not model._towers
    text = model.load_text_tower()
    assert model.loaded_report is text.report and set(model._towers) == {"text"}
    image = model.load_image_tower()
    assert model.load_image_tower() is image and model.loaded_report is image.report
    assert model.batch_size_for(image.report) == 3


@cuda_build_without_gpu
def test_silent_cuda_fallback_is_caught_and_explained(
    model_dirs: dict[str, Path], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    report = ClipModel.from_path(model_dirs["random-hf"], device="cuda").load_image_tower().report
    assert report.requested[0] == "CUDAExecutionProvider"
    assert report.active == ["CPUExecutionProvider"]
    assert report.fallback_reason and "no NVIDIA driver" in report.fallback_reason
    assert report.summary().startswith("CPU — CUDA unavailable: no NVIDIA driver")
    warning = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warning and "CUDA unavailable" in warning[0].getMessage()


@cuda_build_without_gpu
def test_auto_on_a_machine_without_gpu_says_why_at_info(
    model_dirs: dict[str, Path], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    report = ClipModel.from_path(model_dirs["random-hf"], device="auto").load_image_tower().report
    assert report.requested == ["CPUExecutionProvider"]
    assert report.summary().startswith("CPU — CUDA unavailable: no NVIDIA driver")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
