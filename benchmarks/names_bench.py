"""Name screening benchmark: precision and recall on labelled name pairs, per variant rule, at a cut-off.

The pairs (`benchmarks/data/name_pairs.csv`) were built from the documented variant rules of
`watchlists/data/` plus rules the tables do not spell out (one-letter typos, extra patronymics in the
passport, day/month swaps) and hard negatives (the same given name with a look-alike surname, the same name
with a date of birth years apart). Columns: name_a, dob_a, name_b, dob_b, same (1/0), rule.
"""

from __future__ import annotations

import csv
import json
import os
import platform
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from watchlists.names import default_rules, score_pair

PAIRS = Path(__file__).resolve().parent / "data" / "name_pairs.csv"
RESULTS = Path(__file__).resolve().parent / "results"


@dataclass(frozen=True)
class ScoredPair:
    name_a: str
    name_b: str
    same: bool
    rule: str
    score: float
    reasons: list[str]


def load_pairs(path: Path = PAIRS) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def score_pairs(rows: list[dict]) -> tuple[list[ScoredPair], list[float]]:
    """Score every pair; also return the seconds each comparison took."""
    rules = default_rules()
    scored, seconds = [], []
    for row in rows:
        t0 = time.perf_counter()
        hit = score_pair(row["name_a"], row["dob_a"] or None, row["name_b"], row["dob_b"] or None, rules)
        seconds.append(time.perf_counter() - t0)
        scored.append(ScoredPair(row["name_a"], row["name_b"], row["same"] == "1", row["rule"], hit.score, hit.reasons))
    return scored, seconds


def precision_recall(scored: list[ScoredPair], cutoff: float) -> dict:
    """Counts, precision and recall when a pair at or above `cutoff` is called a match."""
    tp = sum(1 for p in scored if p.same and p.score >= cutoff)
    fp = sum(1 for p in scored if not p.same and p.score >= cutoff)
    fn = sum(1 for p in scored if p.same and p.score < cutoff)
    tn = sum(1 for p in scored if not p.same and p.score < cutoff)
    return {
        "cutoff": cutoff,
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
        "true_negatives": tn,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
    }


def per_rule(scored: list[ScoredPair], cutoff: float) -> dict[str, dict]:
    """For each rule: pairs, and the share called a match (recall for positives, false match rate for negatives)."""
    groups: dict[str, list[ScoredPair]] = defaultdict(list)
    for pair in scored:
        groups[pair.rule].append(pair)
    out = {}
    for rule, pairs in sorted(groups.items()):
        called = sum(1 for p in pairs if p.score >= cutoff)
        out[rule] = {"pairs": len(pairs), "same": pairs[0].same, "called_match": called, "share": called / len(pairs)}
    return out


def run(cutoff: float, pairs_path: Path = PAIRS, results_dir: Path = RESULTS) -> tuple[dict, Path]:
    """Score the labelled pairs, write the JSON report, return (report, path)."""
    rows = load_pairs(pairs_path)
    scored, seconds = score_pairs(rows)
    errors = [
        {
            "name_a": p.name_a,
            "name_b": p.name_b,
            "same": p.same,
            "rule": p.rule,
            "score": round(p.score, 3),
            "reasons": p.reasons,
        }  # fmt: skip
        for p in scored
        if (p.score >= cutoff) != p.same
    ]
    report = {
        "benchmark": "names",
        "pairs_file": str(pairs_path.name),
        "pairs": len(scored),
        "positives": sum(p.same for p in scored),
        "negatives": sum(not p.same for p in scored),
        "at_cutoff": precision_recall(scored, cutoff),
        "sweep": [precision_recall(scored, c / 100) for c in range(70, 100, 2)],
        "per_rule": per_rule(scored, cutoff),
        "errors": errors,
        "median_ms_per_pair": 1000 * statistics.median(seconds),
        "machine": {"cpu_count": os.cpu_count(), "loadavg": list(os.getloadavg()), "python": platform.python_version()},
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"names-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return report, path


def table(report: dict) -> str:
    """The report as the same plain-text table every run."""
    at = report["at_cutoff"]
    lines = [
        f"name pairs: {report['pairs']} ({report['positives']} same person, {report['negatives']} different)",
        f"cut-off {at['cutoff']:.2f}: precision {at['precision']:.3f}  recall {at['recall']:.3f}  "
        f"(TP {at['true_positives']} FP {at['false_positives']} FN {at['false_negatives']} TN {at['true_negatives']})",
        f"median {report['median_ms_per_pair']:.3f} ms per pair",
        "",
        f"{'rule':<40} {'pairs':>5} {'label':>6} {'called match':>13}",
    ]
    for rule, row in report["per_rule"].items():
        label = "same" if row["same"] else "diff"
        lines.append(f"{rule:<40} {row['pairs']:>5} {label:>6} {row['called_match']:>6} ({row['share']:.0%})")
    lines += ["", f"{'cut-off':>7} {'precision':>9} {'recall':>7}"]
    lines += [f"{r['cutoff']:>7.2f} {r['precision']:>9.3f} {r['recall']:>7.3f}" for r in report["sweep"]]
    return "\n".join(lines)
