"""The name benchmark's arithmetic on hand-made scores, and that the shipped pair list is what it claims."""

from __future__ import annotations

from benchmarks.names_bench import ScoredPair, load_pairs, per_rule, precision_recall


def _pair(same: bool, score: float, rule: str = "r") -> ScoredPair:
    return ScoredPair("a", "b", same, rule, score, [])


def test_precision_and_recall_count_calls_at_the_cutoff():
    scored = [_pair(True, 0.95), _pair(True, 0.90), _pair(True, 0.50), _pair(False, 0.91), _pair(False, 0.2)]
    result = precision_recall(scored, 0.9)
    assert (result["true_positives"], result["false_positives"], result["false_negatives"]) == (2, 1, 1)
    assert result["precision"] == 2 / 3 and result["recall"] == 2 / 3


def test_per_rule_shares():
    scored = [_pair(True, 0.95, "swap"), _pair(True, 0.1, "swap"), _pair(False, 0.99, "other")]
    rules = per_rule(scored, 0.9)
    assert rules["swap"]["share"] == 0.5 and rules["other"]["called_match"] == 1


def test_shipped_pair_list_has_at_least_200_labelled_pairs_of_both_kinds():
    rows = load_pairs()
    assert len(rows) >= 200
    assert {r["same"] for r in rows} == {"0", "1"}
    assert sum(r["same"] == "0" for r in rows) >= 100
