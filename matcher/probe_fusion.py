"""Fuse a few templates of one live person (the kiosk's best frames) into one probe, only when they agree.

Frames a second apart differ in pose, blur and expression; their mean template sits nearer the person's
centre than any single frame (measured: benchmarks/results/identify-fusion.json, "probe_fusion"). A frame that
does not match the best one at the 1:1 threshold may show someone else (a person stepping into view) or a bad
detection, so it is left out; the best frame always stays.
"""

from __future__ import annotations

import numpy as np


def fuse_probe(best_first: np.ndarray, agree_at: float) -> tuple[np.ndarray, int]:
    """(probe, frames used): the L2-normalised mean of the best template and every other one scoring >= `agree_at`
    with it and with each other kept one; the best alone when none agrees. Rows are best quality first."""
    templates = np.asarray(best_first, dtype=np.float32)
    kept = [0]
    for i in range(1, templates.shape[0]):
        if all(float(templates[i] @ templates[j]) >= agree_at for j in kept):
            kept.append(i)
    mean = templates[kept].mean(axis=0)
    return (mean / np.linalg.norm(mean)).astype(np.float32), len(kept)
