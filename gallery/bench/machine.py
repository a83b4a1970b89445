"""What the benchmark reports about the machine it ran on, and the process's resident memory."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any


def cores() -> int:
    """Cores this process may run on (the affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def rss_mb() -> float | None:
    """Resident set size now in MiB (VmRSS); None where /proc is not available."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def _cpu_name() -> str:
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return platform.processor() or platform.machine()
    for line in info.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.machine()


def _memory_gib() -> float | None:
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None
    return round(pages * size / 2**30, 1)


def describe() -> dict[str, Any]:
    """CPU model, cores, memory and the load average when the run started (other work skews
    timings, so the report carries it)."""
    load = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    return {
        "cpu": _cpu_name(),
        "cores": cores(),
        "memory_gib": _memory_gib(),
        "load_average": [round(x, 2) for x in load] if load else None,
        "platform": platform.platform(),
    }
