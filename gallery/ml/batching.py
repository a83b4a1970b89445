"""Model-aware batch sizes: a ViT-L/14 costs ~18x a ViT-B/32 per image and gets a far smaller
batch; CPU batches stay small because throughput there flattens past ~8."""

from __future__ import annotations

from collections.abc import Mapping

from gallery.ml.model_folder import VisionShape

# (max GFLOPs per image, GPU batch, CPU batch), cheapest first.
_TABLE: tuple[tuple[float, int, int], ...] = (
    (12.0, 256, 8),  # ViT-B/32 class (~8.8 GFLOPs)
    (40.0, 128, 8),  # ViT-B/16 class (~35)
    (100.0, 64, 4),
    (float("inf"), 32, 2),  # ViT-L/14 class (~160) and beyond
)
_UNKNOWN_COST = 40.0


def default_batch_size(vision: VisionShape | None, device_class: str) -> int:
    cost = vision.gflops if vision is not None else _UNKNOWN_COST
    for limit, gpu, cpu in _TABLE:
        if cost <= limit:
            return gpu if device_class == "gpu" else cpu
    raise AssertionError("the table ends with infinity")


def choose_batch_size(
    vision: VisionShape | None,
    device_class: str,
    override: int | None = None,
    catalog: Mapping[str, int] | None = None,
) -> int:
    """The user's override wins, then the catalog's size for this device class (measured for
    that model), then the table by the model's architecture."""
    if override is not None:
        if override < 1:
            raise ValueError("batch size must be at least 1")
        return override
    if catalog and device_class in catalog:
        return catalog[device_class]
    return default_batch_size(vision, device_class)


def is_allocation_failure(exc: BaseException) -> bool:
    """ONNX Runtime reports out-of-memory as a generic runtime error; recognise its wording."""
    text = str(exc).lower()
    return any(
        marker in text
        for marker in (
            "failed to allocate",
            "out of memory",
            "bfcarena",
            "cudamalloc",
            "available memory of",
        )
    )
