"""The parser against the hand annotations of the seeds (tests/data/gold)."""

from tests.gold import FIGURES, score


def test_seeds_score_at_least_098_on_every_figure():
    figures = score()
    assert set(figures) == set(FIGURES)
    assert all(v >= 0.98 for v in figures.values()), figures
