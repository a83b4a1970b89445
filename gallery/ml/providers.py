"""The one place that picks execution providers and says which one really runs.

ONNX Runtime silently falls back to the CPU when, say, the CUDA libraries are missing, so every
session is checked after creation (requested vs `get_providers()`) and the reason for a fallback
is found and put in plain words in a DeviceReport, logged at INFO (WARNING on fallback).
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import logging
import os
import sys
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import onnxruntime as ort

from gallery.errors import ProviderError
from gallery.text import Text, say

log = logging.getLogger(__name__)

# ONNX Runtime's own logger writes provider failures straight to stderr; the device report
# explains them instead (and they would garble the CLI's output).
ort.set_default_logger_severity(4)

CPU = "CPUExecutionProvider"
CUDA = "CUDAExecutionProvider"
TENSORRT = "TensorrtExecutionProvider"
DIRECTML = "DmlExecutionProvider"
OPENVINO = "OpenVINOExecutionProvider"
COREML = "CoreMLExecutionProvider"

DEVICE_PROVIDERS: dict[str, str] = {
    "cpu": CPU,
    "cuda": CUDA,
    "tensorrt": TENSORRT,
    "directml": DIRECTML,
    "openvino": OPENVINO,
    "coreml": COREML,
}
DEVICE_CHOICES = ("auto", *DEVICE_PROVIDERS)

# TensorRT builds engines for minutes on first use, so "auto" leaves it to an explicit choice.
_AUTO_ORDER: dict[str, tuple[str, ...]] = {
    "linux": (CUDA, OPENVINO, CPU),
    "win32": (CUDA, DIRECTML, OPENVINO, CPU),
    "darwin": (COREML, CPU),
}

_SHORT_NAMES = {
    CPU: "CPU",
    CUDA: "CUDA",
    TENSORRT: "TensorRT",
    DIRECTML: "DirectML",
    OPENVINO: "OpenVINO",
    COREML: "CoreML",
}


def short_name(provider: str) -> str:
    return _SHORT_NAMES.get(provider, provider.removesuffix("ExecutionProvider"))


@dataclass
class DeviceReport:
    """What was asked for, what runs, and why they differ."""

    runtime_version: str
    available: list[str]
    requested: list[str]
    active: list[str] = field(default_factory=list)
    fallback_reason: Text | None = None  # reads after "CUDA unavailable:"
    unavailable: str | None = None  # the provider the fallback_reason is about

    @property
    def provider(self) -> str:
        return self.active[0] if self.active else CPU

    @property
    def on_gpu(self) -> bool:
        return self.provider != CPU

    @property
    def device_class(self) -> str:
        """Key for batch sizes: 'gpu' or 'cpu'."""
        return "gpu" if self.on_gpu else "cpu"

    def summary(self) -> Text:
        """One line for a status bar: 'GPU: CUDA', 'CPU' or 'CPU — CUDA unavailable: why'."""
        if self.on_gpu:
            return say("GPU: {provider}", provider=short_name(self.provider))
        if self.fallback_reason:
            name = short_name(self.unavailable) if self.unavailable else "GPU"
            return say(
                "CPU — {provider} unavailable: {reason}", provider=name, reason=self.fallback_reason
            )
        return say("CPU")

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["summary"] = self.summary()
        data["provider"] = self.provider
        return data


def available_providers() -> list[str]:
    return list(ort.get_available_providers())


def requested_providers(device: str, available: list[str] | None = None) -> list[str]:
    """Providers to ask for, best first, always ending with the CPU as the safety net."""
    available = available_providers() if available is None else available
    device = device.lower()
    if device == "auto":
        order = _AUTO_ORDER.get(sys.platform, (CUDA, CPU))
        chosen = [p for p in order if p in available]
        if CUDA in chosen and not nvidia_driver_present():
            chosen.remove(CUDA)  # nothing to try; the report still says why it is not used
    elif device in DEVICE_PROVIDERS:
        wanted = DEVICE_PROVIDERS[device]
        if wanted not in available:
            raise ProviderError(
                say(
                    "The {provider} provider is not part of the installed ONNX Runtime "
                    "{version} (it offers: {offered}).",
                    provider=short_name(wanted),
                    version=ort.__version__,
                    offered=", ".join(map(short_name, available)),
                ),
                say("Choose another device, or install the ONNX Runtime build that has it."),
            )
        chosen = [wanted] + ([CUDA] if wanted == TENSORRT and CUDA in available else [])
    else:
        raise ProviderError(
            say("Unknown device {device!r}.", device=device),
            say("Use one of: {devices}.", devices=", ".join(DEVICE_CHOICES)),
        )
    if CPU not in chosen:
        chosen.append(CPU)
    return chosen


def _ort_capi_dir() -> Path:
    return Path(ort.__file__).resolve().parent / "capi"


def _library_error(path: str) -> str | None:
    try:
        ctypes.CDLL(path)
    except OSError as exc:
        return str(exc)
    return None


def _cuda_driver() -> str:
    return "nvcuda.dll" if sys.platform == "win32" else "libcuda.so.1"


def nvidia_driver_present() -> bool:
    return sys.platform != "darwin" and _library_error(_cuda_driver()) is None


def diagnose_cuda() -> Text:
    """Find out why CUDA did not load, in words a user can act on."""
    if sys.platform == "darwin":
        return say("CUDA is not available on macOS")
    if not nvidia_driver_present():
        return say("no NVIDIA driver found ({library} cannot be loaded)", library=_cuda_driver())
    suffix = ".dll" if sys.platform == "win32" else ".so"
    prefix = "" if sys.platform == "win32" else "lib"
    for name in ("onnxruntime_providers_shared", "onnxruntime_providers_cuda"):
        candidate = _ort_capi_dir() / f"{prefix}{name}{suffix}"
        if not candidate.exists():
            return say(
                "this ONNX Runtime build has no CUDA support ({library} is missing)",
                library=candidate.name,
            )
        error = _library_error(str(candidate))
        if error is not None:
            return say(
                "CUDA/cuDNN libraries are missing or do not match: {error}. Install the CUDA "
                "and cuDNN runtime this ONNX Runtime was built for ({command})",
                error=error,
                command="pip install 'onnxruntime-gpu[cuda,cudnn]'",
            )
    return say("the CUDA provider failed to start (see the log for ONNX Runtime's message)")


def _preload_gpu_libraries() -> None:
    """Let ORT find CUDA/cuDNN shipped as pip packages (onnxruntime-gpu >= 1.21)."""
    preload = getattr(ort, "preload_dlls", None)
    if preload is None:
        return
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):  # it prints, and stdout may be --json output
            preload()
    except Exception as exc:  # best effort: the session check below reports what matters
        log.debug("onnxruntime.preload_dlls() failed: %s", exc)
    if printed.getvalue().strip():
        log.info("onnxruntime.preload_dlls(): %s", " ".join(printed.getvalue().split()))


def provider_options(provider: str, cache_dir: Path | None) -> dict[str, str]:
    if provider == CUDA:
        return {"arena_extend_strategy": "kSameAsRequested", "cudnn_conv_algo_search": "HEURISTIC"}
    if provider == TENSORRT and cache_dir is not None:
        engine_dir = cache_dir / "tensorrt"
        engine_dir.mkdir(parents=True, exist_ok=True)
        return {
            "trt_engine_cache_enable": "True",
            "trt_engine_cache_path": str(engine_dir),
            "trt_fp16_enable": "True",
        }
    return {}


def session_options(
    threads: int | None, config: Mapping[str, str] | None = None
) -> ort.SessionOptions:
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    if threads:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    # Decode threads run beside inference: spinning ORT workers would steal their cores.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    for key, value in (config or {}).items():
        options.add_session_config_entry(key, value)
    return options


def create_session(
    model_path: Path,
    device: str = "auto",
    *,
    threads: int | None = None,
    cache_dir: Path | None = None,
    config: Mapping[str, str] | None = None,
) -> tuple[ort.InferenceSession, DeviceReport]:
    """Create a session on the best provider and report what really runs."""
    available = available_providers()
    requested = requested_providers(device, available)
    report = DeviceReport(ort.__version__, available, requested)
    if any(p in (CUDA, TENSORRT) for p in requested):
        _preload_gpu_libraries()
    elif device == "auto" and CUDA in available:
        report.fallback_reason, report.unavailable = diagnose_cuda(), CUDA
    providers = [(p, provider_options(p, cache_dir)) for p in requested]
    session = ort.InferenceSession(
        os.fspath(model_path), sess_options=session_options(threads, config), providers=providers
    )
    report.active = list(session.get_providers())
    wanted = requested[0]
    fell_back = wanted != CPU and report.provider != wanted
    if fell_back:
        report.unavailable = wanted
        report.fallback_reason = (
            diagnose_cuda()
            if wanted in (CUDA, TENSORRT)
            else say("{provider} could not be started by ONNX Runtime", provider=short_name(wanted))
        )
    # A machine without an NVIDIA GPU running "auto" on the CPU is normal, not a warning.
    level = logging.WARNING if fell_back else logging.INFO
    log.log(
        level,
        "ONNX Runtime %s for %s: requested %s, active %s (%s)",
        report.runtime_version,
        model_path.name,
        requested,
        report.active,
        report.summary(),
    )
    return session, report
