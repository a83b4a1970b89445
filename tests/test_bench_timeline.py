"""The timeline bench at a small size: a real library built once and reused, the grid opened to
a painted timeline, and two scroll passes that ask only for the thumbnails in view."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from gallery.bench.timeline import bench_timeline, ensure_library, timeline_lines
from gallery.ui.photo_model import CACHE_BYTES


def test_the_timeline_bench_reports_its_figures(qtbot: QtBot, tmp_path: Path) -> None:
    steps: list[str] = []
    result = bench_timeline(tmp_path, (1500,), steps.append, steps=15)
    assert any("building" in step for step in steps)
    (size,) = result["sizes"]
    assert size["photos"] == 1500 and 230 <= size["sections"] <= 241
    assert size["years"] in (20, 21)
    opened = size["open_ms"]
    assert 0 < opened["browse"] <= opened["total"]
    assert opened["total"] >= opened["set_items"] + opened["paint"]
    visible = size["visible_cells"]
    assert 0 < size["first_paint_requests"] <= visible
    first, second = size["passes"]
    assert first["max_requests"] > 0
    for scroll in (first, second):
        assert scroll["steps"] == 15 and scroll["range_px"] > 0
        assert scroll["max_requests"] <= visible, "each paint asks for what it shows, no more"
    # Fifteen screens fit in the cache: the second pass finds them there.
    assert second["requests"] < first["requests"]
    assert size["cached"] > 0 and size["cached_mb"] <= CACHE_BYTES / 2**20
    assert size["columns_after"] < size["columns"]
    lines = timeline_lines(result)
    assert lines[0].startswith("timeline of 1,500 photos") and "open to first paint" in lines[1]

    # The library is cached: asking again builds nothing (the first build's record comes back).
    assert ensure_library(tmp_path / "photos-1500", 1500) == size["library"]
