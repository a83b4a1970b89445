"""Which model to recommend on this computer, from the catalog's published numbers.

Qt-free and loads nothing: the machine's facts come from the providers ONNX Runtime offers
(and whether the NVIDIA driver is there), the total memory and the core count; the language
from the system locale ("zh*" is Chinese, anything else English).

The rule, written down with its reasons in docs/models.md:

1. Candidates are catalog models with a published recall for the language (Crossmodal-3600,
   mean of R@1/5/10; `CatalogModel.recall`) whose published peak memory fits in
   `MEMORY_SHARE` of this computer's memory (unknown memory never excludes a model).
2. On the CPU, a model whose cost on this machine (the published time per pass scaled from
   the 8-core reference desktop to this machine's cores) is over `CPU_BUDGET_MS` per photo
   is left out: indexing a library with it would take hours.
3. The best recall wins; on the CPU a model within `NEAR_POINTS` of it at no more than half
   its cost wins instead (0.4 points are not worth indexing five times slower).
4. With no candidate, the smallest model that reads the language (no figures to go by).
"""

from __future__ import annotations

import ctypes
import locale
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from gallery.errors import ProviderError
from gallery.ml import providers
from gallery.text import Text, say

#: A model's published peak memory may take this share of the computer's memory: the app,
#: the photos being decoded and everything else the person runs need the rest.
MEMORY_SHARE = 0.4
#: The published times are from an 8-core desktop (Immich's table: a Ryzen 7 7800X3D).
REFERENCE_CORES = 8
#: The most a photo may cost on this machine's CPU (25 photos a second: 10,000 photos in
#: under 7 minutes of model time).
CPU_BUDGET_MS = 40.0
#: Recall points a cheaper model may give up on the CPU when it costs at most half as much.
NEAR_POINTS = 0.5
LANGUAGES = ("en", "zh")
#: Providers that put the model on a GPU (or Apple's neural engine); OpenVINO may well be the CPU.
_ACCELERATORS = (providers.CUDA, providers.TENSORRT, providers.DIRECTML, providers.COREML)


class Candidate(Protocol):
    """What the rule reads of a catalog entry (`gallery.ml.catalog.CatalogModel`)."""

    @property
    def name(self) -> str: ...
    @property
    def languages(self) -> tuple[str, ...]: ...
    @property
    def recall(self) -> Mapping[str, float | None]: ...
    @property
    def memory_mb(self) -> int | None: ...
    @property
    def published_ms(self) -> float | None: ...
    @property
    def download_bytes(self) -> int: ...


@dataclass(frozen=True)
class Machine:
    gpu: bool  # a GPU provider ONNX Runtime can use ("auto" would run the model there)
    memory_mb: int | None  # total physical memory; None where it cannot be read
    cpus: int

    def cpu_ms(self, published_ms: float) -> float:
        """A published time per pass on the reference desktop, scaled to this CPU's cores."""
        return published_ms * REFERENCE_CORES / max(1, min(self.cpus, REFERENCE_CORES))


@dataclass(frozen=True)
class Recommendation:
    name: str
    reason: Text  # one line: why this model, with its numbers


def total_memory_mb() -> int | None:
    """Physical memory in MiB (sysconf on POSIX, GlobalMemoryStatusEx on Windows)."""
    if sys.platform == "win32":
        return _windows_memory_mb()
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None
    return int(pages * size // 2**20) if pages > 0 and size > 0 else None


def _windows_memory_mb() -> int | None:
    class _Status(ctypes.Structure):
        _fields_ = [
            ("length", ctypes.c_ulong),
            ("load", ctypes.c_ulong),
            ("total", ctypes.c_ulonglong),
            ("available", ctypes.c_ulonglong),
            ("total_page", ctypes.c_ulonglong),
            ("available_page", ctypes.c_ulonglong),
            ("total_virtual", ctypes.c_ulonglong),
            ("available_virtual", ctypes.c_ulonglong),
            ("available_extended", ctypes.c_ulonglong),
        ]

    status = _Status()
    status.length = ctypes.sizeof(_Status)
    try:
        ok = ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status))  # type: ignore[attr-defined,unused-ignore]
    except (AttributeError, OSError):
        return None
    return int(status.total // 2**20) if ok else None


def cpu_count() -> int:
    """Cores this process may run on (the affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def gpu_usable(device: str = "auto") -> bool:
    """Whether a model would run on a GPU with this device setting, from the providers ONNX
    Runtime offers and the driver check `requested_providers` makes; no session is created."""
    try:
        requested = providers.requested_providers(device)
    except ProviderError:
        return False
    return requested[0] in _ACCELERATORS


def machine_facts(device: str = "auto") -> Machine:
    return Machine(gpu_usable(device), total_memory_mb(), cpu_count())


def language_of(locale_name: str | None) -> str:
    """'zh_CN', 'zh-Hant', 'zh' -> 'zh'; anything else (or nothing) -> 'en'."""
    return "zh" if (locale_name or "").lower().startswith("zh") else "en"


def system_language() -> str:
    """The system locale's search language ('zh' or 'en'), from the environment as Python
    reads it (LC_ALL, LC_MESSAGES, LANG; the user's locale on Windows)."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        if os.environ.get(variable):
            return language_of(os.environ[variable])
    try:
        name = locale.getlocale()[0]
    except ValueError:
        name = None
    return language_of(name)


#: Han ideographs (with extension A and the compatibility block), kana and Hangul: a query
#: with any of them is not one an English-only model can read.
_CJK = (
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x2FA1F),  # CJK extensions B-F, compatibility supplement
)


def has_cjk(text: str) -> bool:
    """Whether the text holds Chinese, Japanese or Korean characters."""
    return any(lo <= ord(ch) <= hi for ch in text for lo, hi in _CJK)


def _language_name(language: str) -> Text:
    return say("Chinese") if language == "zh" else say("English")


def _recall(model: Candidate, language: str) -> float | None:
    return model.recall.get(language)


def _cost(model: Candidate, machine: Machine) -> float | None:
    """Milliseconds per photo on this machine's CPU; None when nothing is published."""
    if model.published_ms is None:
        return None
    return machine.cpu_ms(model.published_ms)


def _fits(model: Candidate, machine: Machine) -> bool:
    if model.memory_mb is None or machine.memory_mb is None:
        return True
    return model.memory_mb <= MEMORY_SHARE * machine.memory_mb


def _candidates(
    models: Iterable[Candidate], machine: Machine, language: str
) -> tuple[list[Candidate], bool]:
    """The models the rule may pick, best recall first, and whether memory left any out."""
    scored = [m for m in models if _recall(m, language) is not None]
    fitting = [m for m in scored if _fits(m, machine)]
    if not machine.gpu:
        fitting = [m for m in fitting if (_cost(m, machine) or 0.0) <= CPU_BUDGET_MS]
    fitting.sort(key=lambda m: -(_recall(m, language) or 0.0))
    return fitting, len(fitting) < len(scored) and any(not _fits(m, machine) for m in scored)


def _near_and_cheaper(
    best: Candidate, candidates: Sequence[Candidate], machine: Machine, language: str
) -> Candidate | None:
    top, cost = _recall(best, language) or 0.0, _cost(best, machine)
    if cost is None:
        return None
    near = [
        m
        for m in candidates
        if (_recall(m, language) or 0.0) >= top - NEAR_POINTS
        and (_cost(m, machine) or cost) <= cost / 2
    ]
    return min(near, key=lambda m: _cost(m, machine) or cost) if near else None


def recommend(
    models: Sequence[Candidate], machine: Machine, language: str
) -> Recommendation | None:
    """The model for this machine and language, with a one-line reason; None for an empty
    catalog."""
    language = language if language in LANGUAGES else "en"
    named = _language_name(language)
    candidates, memory_bound = _candidates(models, machine, language)
    if not candidates:
        return _fallback(models, language)
    best = candidates[0]
    if not machine.gpu:
        cheaper = _near_and_cheaper(best, candidates, machine, language)
        if cheaper is not None:
            return Recommendation(
                cheaper.name,
                say(
                    "Nearly the best {language} search ({recall:.1f} recall, {gap:.1f} below "
                    "the best) at a fraction of its cost: ~{ms:.0f} ms per photo on this "
                    "computer's processor.",
                    language=named,
                    recall=_recall(cheaper, language) or 0.0,
                    gap=(_recall(best, language) or 0.0) - (_recall(cheaper, language) or 0.0),
                    ms=_cost(cheaper, machine) or 0.0,
                ),
            )
    recall = _recall(best, language) or 0.0
    if machine.gpu:
        reason = say(
            "Best {language} search, on this computer's GPU: {recall:.1f} recall.",
            language=named,
            recall=recall,
        )
    elif memory_bound and machine.memory_mb is not None:
        reason = say(
            "Best {language} search that fits in this computer's memory ({memory:,} MB): "
            "{recall:.1f} recall at ~{ms:.0f} ms per photo on its processor.",
            language=named,
            memory=machine.memory_mb,
            recall=recall,
            ms=_cost(best, machine) or 0.0,
        )
    elif _cost(best, machine) is None:
        reason = say(
            "Best {language} search on this computer's processor: {recall:.1f} recall.",
            language=named,
            recall=recall,
        )
    else:
        reason = say(
            "Best {language} search on this computer's processor: {recall:.1f} recall at "
            "~{ms:.0f} ms per photo.",
            language=named,
            recall=recall,
            ms=_cost(best, machine) or 0.0,
        )
    return Recommendation(best.name, reason)


def _fallback(models: Sequence[Candidate], language: str) -> Recommendation | None:
    """No published figure fits: the smallest download that reads the language."""
    readers = [m for m in models if language in m.languages or "multilingual" in m.languages]
    pool = readers or list(models)
    if not pool:
        return None
    smallest = min(pool, key=lambda m: m.download_bytes)
    return Recommendation(
        smallest.name,
        say(
            "The smallest model for {language} search: no model with published search "
            "figures fits this computer.",
            language=_language_name(language),
        ),
    )
