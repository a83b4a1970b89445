"""The best-match cut: how many of a query's nearest photos stand out from the rest.

A fixed cosine threshold fails across models and queries: CLIP scores unrelated photos around
0.15-0.22 and matches 0.08-0.15 above that, SigLIP on another scale, an image query higher
still, and a random-weight model gives a flat distribution with nothing in it. What does hold
is the shape: unrelated photos form the bulk of the scores, matches sit in its upper tail.

The rule (`best_count`): each candidate's robust z-score against a random sample of the
library's photos (the "background": what an unrelated photo scores for this query):

    z = (score - median) / spread,    spread = median - 15.87th percentile

The spread uses the lower half only (for a normal bulk it equals the standard deviation), so
the matches, which sit in the upper tail, do not inflate it; the median hardly moves for them.
A candidate is a best match when z reaches `sqrt(2 ln population) + MARGIN + SAMPLE_NOISE /
sqrt(background size)`: the first term is about where the best of `population` unrelated photos
lands by chance (the maximum of n normal draws grows like sqrt(2 ln n)), so a bigger library
asks more of a match, and a library of only unrelated photos gives none; the last allows for
the spread being estimated from a sample (it matters only for small ones). The best set is
the leading run of candidates that pass, ended early where the next candidate's z is less than
TIER of the one before it: a group standing far above the rest (five red photos at z 100, then
a greyish one at z 4) is the answer, and what follows it is another tier, however it compares
with chance. Real matches fade gradually (z 8, 7, 6, ...), so the rule leaves them whole.
Shifting or scaling every score (another model's scale) leaves z unchanged; a background with
no spread (every photo scores the same) gives 0.

The background is a sample of the whole library, also when filters narrow the search: a folder
of beach photos searched for "beach" is all matches, which its own scores could not show.

MARGIN was tuned with `gallery bench --cut` (docs/benchmarks.md, "Best-match cut"): planted
matches in CLIP-like geometry at 500 and 50,000 photos, queries with no match, and a
random-weight ViT's flat scores. 0 is the least margin at which no query without a match got
a best match at either size; 0.25, one step above, keeps precision at 1.00 among 500 photos and
0.92 among 50,000 (the misses being related photos that score almost like matches) with
recall 0.85 for matches 0.12 above the unrelated median among 500 and 0.60 for 0.15 among
50,000; recall falls fast above it (0.07 at 0.75). A bigger library asks more of a match, and
that is right: among 50,000 photos chance and related photos reach where a weak match would be.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]

#: z above the chance maximum of the population that a best match must reach (see the module).
MARGIN = 0.25
#: The lower half's spread: the median minus this percentile (one standard deviation of a
#: normal distribution below its median).
LOWER_PERCENTILE = 100 * 0.5 * math.erfc(1 / math.sqrt(2))  # 15.87
#: Fewer background scores than this say too little about the bulk to cut anything.
MIN_BACKGROUND = 8
#: The spread is estimated from the background sample, with a standard error of about
#: 1.1 / sqrt(samples) of itself: the cut rises by SAMPLE_NOISE / sqrt(samples) (0.09 for a
#: full 1,024-photo sample, 0.7 for a folder of 18 photos, where a grey photo 3.3 spreads
#: above its neighbours would otherwise pass for a match of "red").
SAMPLE_NOISE = 3.0
#: A best set ends where the next candidate's z falls below this share of the one before it.
TIER = 0.5
# A spread this small against the scores' magnitude is rounding, not a distribution.
_FLAT = 1e-6


def threshold(population: int, margin: float = MARGIN, samples: int = 1024) -> float:
    """The z a best match must reach among `population` searched photos, with the median and
    spread estimated from `samples` background scores."""
    chance = math.sqrt(2 * math.log(max(population, 2)))
    return chance + margin + SAMPLE_NOISE / math.sqrt(max(samples, 1))


def robust_z(scores: Sequence[float], background: FloatArray) -> npt.NDArray[np.float64] | None:
    """Each score's z against the background: (score - median) / (median - 15.87th
    percentile). None when the background is too small, or has no spread, to measure by."""
    sample = np.asarray(background, dtype=np.float64)
    if sample.size < MIN_BACKGROUND:
        return None
    values = np.asarray(scores, dtype=np.float64)
    low, median = (float(q) for q in np.percentile(sample, [LOWER_PERCENTILE, 50]))
    spread = median - low
    scale = max(abs(median), float(np.max(np.abs(sample))), *np.abs(values[:1]))
    if not spread > _FLAT * scale:
        return None
    return (values - median) / spread


def best_count(
    scores: Sequence[float], background: FloatArray, population: int, *, margin: float = MARGIN
) -> int:
    """How many leading `scores` (a query's candidates, best first) are best matches.

    `background`: the scores of a random sample of the library; `population`: how many
    photos were searched; `margin`: MARGIN unless the cut bench tries others. 0 when nothing
    stands out, or the background is too small or flat.
    """
    z = robust_z(scores, background)
    if z is None:
        return 0
    below = np.flatnonzero(z < threshold(population, margin, len(background)))
    passing = int(below[0]) if below.size else len(z)
    drops = np.flatnonzero(z[1:passing] < TIER * z[: max(passing - 1, 0)])
    return int(drops[0]) + 1 if drops.size else passing
