"""The parser against the hand-annotated corpus of further public documents (tests/corpus).

`pytest -s tests/test_parsing_corpus.py` prints the figures and the misses (file:line, expected
vs got, and the designations found that no annotation has); a failure lists the misses too.
"""

from tests.gold import FIGURES, corpus, evaluate

# The acceptance (#17): 0.97 on every figure, over at least 30 documents.
FLOOR = dict.fromkeys(("recall", "precision", "lead", "support", "text", "deadline"), 0.97)
MIN_DOCUMENTS = 30


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
