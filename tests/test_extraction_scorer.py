"""benchmarks/scoring.py scores as the article-extraction benchmark's README says.

4-token shingles over \\w+ tokens, TP/FP/FN normalised per page, then F1 of
the mean precision and the mean recall. Worked by hand on small texts.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "scoring.py"
_spec = importlib.util.spec_from_file_location("extraction_scoring", _PATH)
scoring = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = scoring  # dataclasses look their module up by name
_spec.loader.exec_module(scoring)


def test_tokens_are_word_runs_with_case_kept_and_punctuation_dropped():
    assert scoring.tokens("L'usine, à Lyon: 4,2 Md€!") == ["L", "usine", "à", "Lyon", "4", "2", "Md"]


def test_shingles_are_every_run_of_four_tokens_counted_with_repeats():
    assert scoring.shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert scoring.shingles("x y z w x y z w")[("x", "y", "z", "w")] == 2


def test_a_text_shorter_than_a_shingle_is_one_short_shingle_and_no_text_is_none():
    assert scoring.shingles("two words") == {("two", "words"): 1}
    assert scoring.shingles("") == {}
    assert scoring.shingles(None) == {}
    assert scoring.shingles("… — !") == {}


def test_a_page_counts_are_normalised_to_sum_to_one():
    # true: abcd bcde cdef; predicted: abcd bcde cdex dexy
    page = scoring.score_page("a b c d e f", "a b c d e x y")
    # TP = {abcd, bcde} = 2; FP = {cdex, dexy} = 2; FN = {cdef} = 1; sum 5
    assert page.tp == pytest.approx(2 / 5)
    assert page.fp == pytest.approx(2 / 5)
    assert page.fn == pytest.approx(1 / 5)
    assert page.precision == pytest.approx(0.5)
    assert page.recall == pytest.approx(2 / 3)


def test_a_perfect_page_and_a_page_with_nothing_right():
    perfect = scoring.score_page("one two three four five", "one  two, three four five.")
    assert (perfect.precision, perfect.recall) == (1.0, 1.0)
    wrong = scoring.score_page("one two three four five", "six seven eight nine")
    assert (wrong.precision, wrong.recall) == (0.0, 0.0)


def test_an_empty_prediction_has_no_precision_to_count_and_zero_recall():
    page = scoring.score_page("one two three four five", "")
    assert (page.tp, page.fp, page.fn) == (0.0, 0.0, 1.0)
    assert page.recall == 0.0


def test_corpus_f1_is_the_f1_of_mean_precision_and_mean_recall_not_the_mean_f1():
    pages = [
        scoring.score_page("a b c d e f", "a b c d e x y"),  # P 1/2, R 2/3
        scoring.score_page("one two three four five", "one two three four five"),  # P 1, R 1
        scoring.score_page("one two three four five", ""),  # no precision; R 0
    ]
    corpus = scoring.score_corpus(pages)
    precision = (0.5 + 1.0) / 2  # the empty prediction has TP + FP = 0: left out of the mean
    recall = (2 / 3 + 1.0 + 0.0) / 3
    assert corpus.precision == pytest.approx(precision)
    assert corpus.recall == pytest.approx(recall)
    assert corpus.f1 == pytest.approx(2 * precision * recall / (precision + recall))
    mean_of_f1s = (2 * 0.5 * (2 / 3) / (0.5 + 2 / 3) + 1.0 + 0.0) / 3
    assert corpus.f1 != pytest.approx(mean_of_f1s)
    assert corpus.pages == 3


def test_a_page_where_both_texts_are_empty_counts_in_neither_mean():
    corpus = scoring.score_corpus([scoring.score_page("", ""), scoring.score_page("a b c d", "a b c d")])
    assert (corpus.precision, corpus.recall, corpus.f1) == (1.0, 1.0, 1.0)


def test_the_benchmark_says_when_its_data_is_absent_and_exits_0(tmp_path, monkeypatch, capsys):
    spec = importlib.util.spec_from_file_location("extraction_benchmark", _PATH.parent / "extraction.py")
    benchmark = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, benchmark)  # dataclasses look their module up by name
    monkeypatch.setattr(sys, "path", list(sys.path))  # the script puts benchmarks/ on it
    spec.loader.exec_module(benchmark)
    monkeypatch.setattr(benchmark, "DATA", tmp_path / "article-extraction")
    monkeypatch.setattr(sys, "argv", ["extraction.py"])
    assert benchmark.main() == 0
    assert "benchmark data not found" in capsys.readouterr().out
