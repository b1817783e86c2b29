"""Plots for match-rate reports (ROC, DET, score histograms), as PNG bytes ready to embed in HTML."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display on kiosks, servers or CI

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from scipy.stats import norm  # noqa: E402


def _png(fig: plt.Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def roc_png(curves: dict[str, dict[str, np.ndarray]], operating_points: dict[str, tuple[float, float]]) -> bytes:
    """True match rate (1 - FNMR) against FMR on a log axis; operating points marked and labelled."""
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for name, c in curves.items():
        keep = c["fmr"] > 0
        ax.plot(c["fmr"][keep], 1 - c["fnmr"][keep], label=name)
    for label, (fmr_value, fnmr_value) in operating_points.items():
        ax.plot([max(fmr_value, 1e-7)], [1 - fnmr_value], "o", color="crimson")
        ax.annotate(label, (max(fmr_value, 1e-7), 1 - fnmr_value), textcoords="offset points", xytext=(6, -12))
    ax.set_xscale("log")
    ax.set_xlabel("false match rate (FMR)")
    ax.set_ylabel("true match rate (1 - FNMR)")
    ax.set_title("ROC")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower right")
    return _png(fig)


def det_png(curves: dict[str, dict[str, np.ndarray]], operating_points: dict[str, tuple[float, float]]) -> bytes:
    """FNMR against FMR on normal-deviate axes (ISO/IEC 19795-1 DET), operating points marked."""
    eps = 1e-6

    def deviate(p: np.ndarray) -> np.ndarray:
        return norm.ppf(np.clip(p, eps, 1 - eps))

    fig, ax = plt.subplots(figsize=(6, 4.5))
    for name, c in curves.items():
        # Rates of exactly 0 or 1 sit at infinity on these axes: leave them out rather than pin them to an edge.
        keep = (c["fmr"] > 0) & (c["fnmr"] > 0) & (c["fmr"] < 1) & (c["fnmr"] < 1)
        ax.plot(deviate(c["fmr"][keep]), deviate(c["fnmr"][keep]), label=name)
    for label, (fmr_value, fnmr_value) in operating_points.items():
        x, y = deviate(np.array([fmr_value]))[0], deviate(np.array([fnmr_value]))[0]
        ax.plot([x], [y], "o", color="crimson")
        ax.annotate(label, (x, y), textcoords="offset points", xytext=(6, 4))
    ticks = np.array([1e-5, 1e-4, 1e-3, 1e-2, 0.1, 0.5])
    ax.set_xticks(deviate(ticks), [f"{t:g}" for t in ticks])
    ax.set_yticks(deviate(ticks), [f"{t:g}" for t in ticks])
    ax.set_xlim(deviate(np.array([5e-6]))[0], deviate(np.array([0.6]))[0])
    ax.set_ylim(deviate(np.array([5e-6]))[0], deviate(np.array([0.6]))[0])
    ax.set_xlabel("FMR")
    ax.set_ylabel("FNMR")
    ax.set_title("DET")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper right")
    return _png(fig)


def histogram_png(genuine: np.ndarray, impostor: np.ndarray, thresholds: dict[str, float]) -> bytes:
    """Genuine vs impostor score densities with the thresholds in use drawn as vertical lines."""
    genuine, impostor = genuine[np.isfinite(genuine)], impostor[np.isfinite(impostor)]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    bins = np.linspace(min(genuine.min(), impostor.min()), max(genuine.max(), impostor.max()), 80)
    ax.hist(impostor, bins=bins, density=True, alpha=0.55, label=f"impostor ({impostor.size})")
    ax.hist(genuine, bins=bins, density=True, alpha=0.55, label=f"genuine ({genuine.size})")
    for label, value in thresholds.items():
        ax.axvline(value, color="crimson", linestyle="--")
        ax.annotate(label, (value, ax.get_ylim()[1] * 0.9), rotation=90, textcoords="offset points", xytext=(3, 0))
    ax.set_xlabel("similarity")
    ax.set_ylabel("density")
    ax.legend()
    return _png(fig)


def cmc_png(ranks: np.ndarray, rates: np.ndarray) -> bytes:
    """Cumulative match characteristic: share of mated searches with the mate at rank <= r."""
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(ranks, rates, marker="o")
    ax.set_xlabel("rank")
    ax.set_ylabel("identification rate")
    ax.set_title("CMC")
    ax.grid(True, alpha=0.3)
    return _png(fig)
