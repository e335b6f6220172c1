"""The parser against the hand-annotated corpus of further public documents (tests/corpus).

`pytest -s tests/test_parsing_corpus.py` prints the figures and the misses (file:line, expected
vs got, and the designations found that no annotation has); a failure lists the misses too.
"""

from tests.gold import FIGURES, corpus, evaluate

# The acceptance (#17) is 0.97 on every figure. FLOOR is what the parser reaches
# today, rounded down to two decimals, so the corpus guards against regressions now; the
# parser work (by another engineer) raises the floor towards TARGET.
TARGET = 0.97
FLOOR = {"recall": 0.61, "precision": 1.00, "lead": 0.96, "support": 0.96, "text": 1.00, "deadline": 0.96}
# Documents committed so far; the issue asks for at least 30.
MIN_DOCUMENTS = 16


def test_corpus_scores_at_least_the_floor_on_every_figure():
    docs = corpus()
    assert len(docs) >= MIN_DOCUMENTS, [d.path.name for d in docs]
    result = evaluate(docs)
    assert set(result.figures) == set(FIGURES) == set(FLOOR)
    print(f"\ncorpus: documents={len(docs)} designations={result.counts['gold']} "
          + " ".join(f"{k}={v:.3f}" for k, v in result.figures.items()))
    for line in [*result.misses, *result.extra]:
        print("  " + line)
    low = {k: round(v, 3) for k, v in result.figures.items() if v < FLOOR[k]}
    assert not low, "\n".join([f"below the floor {FLOOR}: {low}", *result.misses, *result.extra])
