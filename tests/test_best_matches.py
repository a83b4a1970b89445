"""The best-match cut on synthetic score distributions: clear outliers are found, a flat or
outlier-free distribution gives none, and the count does not depend on the model's scale."""

from __future__ import annotations

import numpy as np
import pytest

from gallery.library.best_matches import MIN_BACKGROUND, best_count, threshold


def _library(n: int, matches: list[float], seed: int = 0) -> tuple[list[float], np.ndarray]:
    """Candidates (best first) and a background for `n` unrelated photos scoring like CLIP
    (median 0.18, spread 0.025) and matches `matches` above the median."""
    rng = np.random.default_rng(seed)
    unrelated = rng.normal(0.18, 0.025, n)
    scores = np.concatenate([unrelated, 0.18 + np.asarray(matches)])
    background = rng.choice(scores, min(1024, len(scores)), replace=False)
    return sorted(scores.tolist(), reverse=True)[:100], background.astype(np.float32)


@pytest.mark.parametrize("n", [500, 50_000])
def test_clear_outliers_are_the_best_matches(n: int) -> None:
    scores, background = _library(n, [0.20, 0.19, 0.18, 0.17, 0.16])
    assert best_count(scores, background, n + 5) == 5


@pytest.mark.parametrize("n", [500, 50_000])
def test_a_library_of_unrelated_photos_has_no_best_match(n: int) -> None:
    for seed in range(5):
        scores, background = _library(n, [], seed)
        assert best_count(scores, background, n) == 0


def test_weak_matches_need_more_in_a_bigger_library() -> None:
    assert threshold(50_000) > threshold(500) > threshold(1)
    weak = [0.12] * 5  # 4.8 spreads above the median: above chance among 500, not 50,000
    assert best_count(*_library(500, weak), 505) == 5
    assert best_count(*_library(50_000, weak), 50_005) == 0


def test_a_flat_distribution_gives_none() -> None:
    flat = np.full(1024, 0.031, dtype=np.float32)
    assert best_count([0.031, 0.031, 0.031], flat, 10_000) == 0
    assert best_count([0.9, 0.031], flat, 10_000) == 0  # no spread: no scale to stand out on
    random_vit = np.random.default_rng(3).normal(0.9, 1e-3, 1024).astype(np.float32)
    top = sorted(random_vit.tolist(), reverse=True)[:20]
    assert best_count(top, random_vit, 1024) == 0


def test_too_little_background_or_no_candidates_gives_none() -> None:
    scores, background = _library(500, [0.2])
    assert best_count([], background, 500) == 0
    assert best_count(scores, background[: MIN_BACKGROUND - 1], 500) == 0


@pytest.mark.parametrize(
    "scale, offset", [(1.0, 0.0), (7.5, 0.0), (0.01, 0.0), (1.0, -0.4), (3.0, 12.0), (0.2, 1.0)]
)
def test_scaling_or_shifting_every_score_keeps_the_count(scale: float, offset: float) -> None:
    scores, background = _library(5_000, [0.2, 0.15, 0.12, 0.10, 0.02], seed=4)
    expected = best_count(scores, background, 5_005)
    assert 1 <= expected < 5
    moved = [scale * s + offset for s in scores]
    assert best_count(moved, (scale * background + offset).astype(np.float32), 5_005) == expected


def test_the_best_set_is_the_leading_run() -> None:
    background = np.random.default_rng(1).normal(0.0, 1.0, 1024).astype(np.float32)
    # a candidate below the cut ends the set even if a later one (out of order) is above it
    assert best_count([9.0, 8.5, 1.0, 9.0], background, 1000) == 2


def test_a_small_background_asks_more() -> None:
    """With 18 photos the spread is a rough estimate, so the cut rises by 3 / sqrt(18); the
    same z against a full sample passes."""
    rng = np.random.default_rng(5)
    few = rng.normal(0.0, 1.0, 18).astype(np.float32)
    candidate = float(np.median(few)) + 3.3 * float(np.median(few) - np.percentile(few, 15.87))
    assert threshold(18, samples=1024) < 3.3 < threshold(18, samples=18)
    assert best_count([candidate], few, 18) == 0
    many = rng.normal(0.0, 1.0, 1024).astype(np.float32)
    candidate = float(np.median(many)) + 3.3 * float(np.median(many) - np.percentile(many, 15.87))
    assert best_count([candidate], many, 18) == 1


def test_a_group_far_above_the_rest_is_the_answer_and_what_follows_another_tier() -> None:
    background = np.random.default_rng(5).normal(0.2, 0.02, 1024).astype(np.float32)
    # five photos at z ~100, then one just above the cut (z ~6): the group is the answer
    scores = [2.2, 2.2, 2.19, 2.19, 2.18, 0.32, 0.21]
    assert best_count(scores, background, 100) == 5
    # matches that fade gradually are kept whole
    fading = [0.38, 0.36, 0.35, 0.34, 0.33, 0.21]
    assert best_count(fading, background, 100) == 5
