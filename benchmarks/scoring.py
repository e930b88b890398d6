"""The article-extraction benchmark's score: 4-token shingles, F1 of mean precision and mean recall.

Owns the score that benchmarks/extraction.py prints, written from the rules in
../shared/benchmarks/article-extraction/README.md (the Scrapinghub/Zyte
benchmark's evaluation), so that our figures compare with published ones:

1. tokens are the regex ``\\w+`` matches (Unicode; case kept, punctuation dropped);
2. a text's shingles are its runs of 4 consecutive tokens, as a multiset; a
   text of 1 to 3 tokens has one shorter shingle, a text without tokens none;
3. per page: TP = sum of min(true, predicted) counts over all shingles,
   FP = the predicted surplus, FN = the true surplus; then all three are
   divided by TP + FP + FN, so that every page weighs the same;
4. per page: precision = TP / (TP + FP) and recall = TP / (TP + FN), both 1.0
   when FP = FN = 0, and 0.0 when the page has nothing right;
5. the corpus precision is the mean per-page precision over the pages with
   TP + FP > 0, the corpus recall the mean per-page recall over the pages
   with TP + FN > 0, and F1 = 2PR / (P + R) of those two means (not the
   mean of per-page F1s).

Pure functions, no dependency: the test imports this file by its path.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def tokens(text: str | None) -> list[str]:
    """The benchmark's tokens: ``\\w+`` runs, case kept."""
    return _TOKEN.findall(text or "")


def shingles(text: str | None, n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    """The multiset of n-token shingles of text (one shorter shingle for a short text)."""
    words = tokens(text)
    if not words:
        return Counter()
    if len(words) < n:
        return Counter([tuple(words)])
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


@dataclass(frozen=True)
class PageScore:
    """One page's shingle counts, normalised to sum to 1 (all 0 when both texts are empty)."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


def score_page(true: str | None, predicted: str | None) -> PageScore:
    """TP, FP and FN of predicted against true, each divided by their sum."""
    expected, got = shingles(true), shingles(predicted)
    tp = fp = fn = 0
    for key in expected.keys() | got.keys():
        t, p = expected[key], got[key]
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    if not total:
        return PageScore(0.0, 0.0, 0.0)
    return PageScore(tp / total, fp / total, fn / total)


@dataclass(frozen=True)
class CorpusScore:
    f1: float
    precision: float
    recall: float
    pages: int


def score_corpus(pages: Iterable[PageScore]) -> CorpusScore:
    """F1 of the mean per-page precision and the mean per-page recall."""
    pages = list(pages)
    precisions = [page.precision for page in pages if page.tp + page.fp > 0]
    recalls = [page.recall for page in pages if page.tp + page.fn > 0]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return CorpusScore(f1, precision, recall, len(pages))
