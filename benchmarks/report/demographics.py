"""Demographic differentials (NIST FRTE style): the same rates per group at the deployed thresholds, with
intervals, and the ratio of the highest to the lowest group rate. Impostor comparisons are counted within
a group (both subjects in it), as NIST does, because that is where look-alike false matches concentrate."""

from __future__ import annotations

import numpy as np

from benchmarks.report import identification_section as ident
from benchmarks.report import verification_section as verif
from benchmarks.uncertainty import mated_rate_interval


def _keep(names: np.ndarray, groups: dict[str, str], group: str) -> np.ndarray:
    return np.array([groups.get(str(n)) == group for n in names])


def ratio(rates: dict[str, float]) -> dict:
    """max/min across groups; undefined when the lowest rate is zero (then the interval bounds are the guide)."""
    if len(rates) < 2:
        return {"value": None, "note": "fewer than two groups"}
    high, low = max(rates, key=rates.get), min(rates, key=rates.get)
    if rates[low] == 0:
        return {"value": None, "highest": high, "lowest": low, "note": f"no error observed in group {low}"}
    return {"value": rates[high] / rates[low], "highest": high, "lowest": low}


def section(
    groups: dict[str, str],
    comparisons: verif.Comparisons,
    searches: ident.Searches | None,
    verification_threshold: float,
    identification_threshold: float | None,
    iterations: int,
    seed: int,
) -> dict:
    per_group = {}
    for group in sorted(set(groups.values())):
        keep = _keep(comparisons.names, groups, group)
        entry = {
            "subjects": int(keep.sum()),
            "verification": verif.rates_at(comparisons, verification_threshold, iterations, seed, keep),
        }
        if searches is not None and identification_threshold is not None:
            keep_i = _keep(searches.names, groups, group)
            flags, subjects = ident.misses(searches, identification_threshold, keep_i)
            alarms, alarm_subjects = ident.false_alarms(searches, identification_threshold, keep_i)
            entry["identification"] = {
                "fnir": mated_rate_interval(flags, subjects, iterations, seed).to_dict() if flags.size else None,
                "fpir": mated_rate_interval(alarms, alarm_subjects, iterations, seed).to_dict()
                if alarms.size
                else None,
            }
        per_group[group] = entry
    result = {"groups": per_group}
    result["fnmr_ratio"] = ratio({g: e["verification"]["fnmr"]["rate"] for g, e in per_group.items()})
    result["fmr_ratio"] = ratio({g: e["verification"]["fmr"]["rate"] for g, e in per_group.items()})
    return result
