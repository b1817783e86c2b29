"""Gallery latency, memory and recall at 10k / 100k / 1M templates (`checkpoint bench gallery`).

Galleries mix every real LFW-dev template (dlib, 128-d) with synthetic ones drawn from a Gaussian fitted to
the real templates (their mean and covariance), then L2-normalised: synthetic "people" sit where real faces
sit, so an approximate index faces the same crowding as with real data (uniform random unit vectors would be
near-orthogonal to every face and make the task trivially easy). Probes are real templates held out of the
gallery. Each template is its own subject, so recall compares templates.

Per (size, index) cell, in a fresh process so memory figures are the gallery's own:
- build: seconds to load every template into an empty `matcher.Gallery` (HNSW graph or IVF training included);
- rss_mb: process resident memory after the build, input arrays freed; peak_mb: the process peak;
- p50/p95/p99 of single-probe `Gallery.search(k=10)` wall time, in ms;
- batch_qps: probes per second for one `search_batch` of every probe;
- recall@1: share of probes whose exact nearest template is the index's first result;
  recall@10: mean share of the exact top-10 found in the index's top-10 (FAISS's "10-recall@10");
- alarm_recall: among probes whose exact best score reaches the watchlist alarm threshold (the kiosk policy's
  1:N FMR looked up in the model's calibration), the share the index also alarms on with the same template:
  the recall a watchlist officer sees (a rank-1 miss between two templates below the threshold changes nothing);
- add_ms / remove_ms: median time to add one template to, and remove one from, the built gallery.
"""

from __future__ import annotations

import gc
import os
import resource
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import faiss
import numpy as np

SIZES = (10_000, 100_000, 1_000_000)
K = 10
UPDATES = 100  # single-template adds (then removals) timed per cell
COLUMNS = [
    ("size", "{:>9,}"),
    ("index", "{:<38}"),
    ("build_s", "{:>8.1f}"),
    ("rss_mb", "{:>7.0f}"),
    ("peak_mb", "{:>7.0f}"),
    ("p50_ms", "{:>7.2f}"),
    ("p95_ms", "{:>7.2f}"),
    ("p99_ms", "{:>7.2f}"),
    ("batch_qps", "{:>9.0f}"),
    ("recall@1", "{:>8.3f}"),
    ("recall@10", "{:>9.3f}"),
    ("alarm_recall", "{:>12.4f}"),
    ("add_ms", "{:>7.2f}"),
    ("remove_ms", "{:>9.3f}"),
]


def synthetic_like(real: np.ndarray, n: int, rng: np.random.Generator, chunk: int = 100_000) -> np.ndarray:
    """n unit vectors from a Gaussian with the mean and covariance of `real`, L2-normalised (float32)."""
    mean = real.mean(axis=0)
    cov = np.cov(real.astype(np.float64), rowvar=False)
    factor = np.linalg.cholesky(cov + 1e-6 * np.eye(real.shape[1])).T.astype(np.float32)
    out = np.empty((n, real.shape[1]), dtype=np.float32)
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        out[start : start + m] = mean + rng.standard_normal((m, real.shape[1]), dtype=np.float32) @ factor
    faiss.normalize_L2(out)
    return out


def split_real(real: np.ndarray, n_probes: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(probes, rest): `n_probes` real templates held out as probes; the rest go into every gallery."""
    order = np.random.default_rng(seed).permutation(len(real))
    return real[order[:n_probes]].copy(), real[order[n_probes:]].copy()


def gallery_vectors(real: np.ndarray, rest: np.ndarray, size: int, seed: int) -> np.ndarray:
    """`size` templates: the held-in real ones first, then synthetic ones (deterministic for a seed)."""
    n_real = min(len(rest), size)
    vectors = np.empty((size, real.shape[1]), np.float32)
    vectors[:n_real] = rest[:n_real]
    vectors[n_real:] = synthetic_like(real, size - n_real, np.random.default_rng(seed + size))
    return vectors


def _rss_mb() -> float:
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _percentiles_ms(seconds: Sequence[float]) -> tuple[float, float, float]:
    p50, p95, p99 = np.percentile(np.asarray(seconds) * 1e3, [50, 95, 99])
    return float(p50), float(p95), float(p99)


def alarm_recall(
    found_ids: np.ndarray, found_scores: np.ndarray, exact_ids: np.ndarray, exact_scores: np.ndarray, threshold: float
) -> tuple[float, int]:
    """(share, count): of the probes whose exact best reaches `threshold`, the share whose index best is the same
    template and also reaches it (NaN when no probe alarms)."""
    alarms = exact_scores[:, 0] >= threshold
    kept = (found_ids[:, 0] == exact_ids[:, 0]) & (found_scores[:, 0] >= threshold)
    count = int(alarms.sum())
    return (float((kept & alarms).sum() / count) if count else float("nan")), count


def recall(found: np.ndarray, exact: np.ndarray) -> tuple[float, float]:
    """(recall@1, 10-recall@10) of `found` (n, 10) template ids against the exact (n, 10) ones."""
    at1 = float(np.mean(found[:, 0] == exact[:, 0]))
    at10 = float(np.mean([len(set(f) & set(e)) / exact.shape[1] for f, e in zip(found, exact, strict=True)]))
    return at1, at10


def run_cell(
    real: np.ndarray,
    size: int,
    spec: str,
    variants: Sequence[dict],
    n_probes: int,
    latency_probes: int,
    seed: int,
    alarm_threshold: float,
    huge_pages: bool = True,
) -> list[dict]:
    """Build one gallery of `size` with `spec`, then measure it with each search-parameter variant.

    Meant to run in its own process. Single-probe latency uses one OpenMP thread (a kiosk serves one
    traveller at a time; a second thread only adds a barrier, which stalls whenever the machine is busy);
    batched search uses every core.
    """
    from matcher import huge_pages as huge_page_switch
    from matcher.gallery import Gallery

    huge_page_switch.set_enabled(huge_pages)
    load_before = os.getloadavg()
    probes, rest = split_real(real, n_probes, seed)
    vectors = gallery_vectors(real, rest, size, seed)
    exact_scores, exact = faiss.knn(probes, vectors, K, metric=faiss.METRIC_INNER_PRODUCT)
    model_id = "bench-model"
    gallery = Gallery(model_id, vectors.shape[1], spec, background_rebuild=False)
    subjects = [str(i) for i in range(size)]
    ids = np.arange(size, dtype=np.int64)
    t0 = time.perf_counter()
    gallery.add_many(subjects, ids, vectors, model_id)  # includes backing it with huge pages
    build_s = time.perf_counter() - t0
    extra = synthetic_like(real, UPDATES, np.random.default_rng(seed + 1))
    del vectors, subjects, ids
    gc.collect()
    rss = _rss_mb()

    rows = []
    for variant in variants or [{}]:
        if variant:
            gallery.tune(**variant)
        faiss.omp_set_num_threads(1)
        for probe in probes[:20]:  # warm caches before timing
            gallery.search(probe, model_id, k=K)
        single = []
        for probe in probes[:latency_probes]:
            t0 = time.perf_counter()
            gallery.search(probe, model_id, k=K)
            single.append(time.perf_counter() - t0)
        faiss.omp_set_num_threads(os.cpu_count() or 1)
        batch_times = []
        for _ in range(1 if size * len(probes) > 10**8 and gallery.spec.exact else 3):
            t0 = time.perf_counter()
            results = gallery.search_batch(probes, model_id, k=K)
            batch_times.append(time.perf_counter() - t0)
        found = np.array([[c.template_id for c in row] + [-1] * (K - len(row)) for row in results])
        found_scores = np.array([[c.score for c in row] + [-np.inf] * (K - len(row)) for row in results])
        at1, at10 = recall(found, exact)
        alarm_share, alarm_count = alarm_recall(found, found_scores, exact, exact_scores, alarm_threshold)
        p50, p95, p99 = _percentiles_ms(single)
        rows.append(
            {
                "size": size,
                "index": str(gallery.spec),
                "build_s": build_s,
                "huge_pages": huge_pages,
                "rss_mb": rss,
                "p50_ms": p50,
                "p95_ms": p95,
                "p99_ms": p99,
                "batch_qps": len(probes) / float(np.median(batch_times)),
                "recall@1": at1,
                "recall@10": at10,
                "alarm_recall": alarm_share,
                "alarming_probes": alarm_count,
                "alarm_threshold": alarm_threshold,
                "latency_probes": len(single),
            }
        )

    faiss.omp_set_num_threads(1)
    add_times, remove_times = [], []
    for i, vector in enumerate(extra):
        t0 = time.perf_counter()
        gallery.add(f"new{i}", [size + i], vector[None, :], model_id)
        add_times.append(time.perf_counter() - t0)
    for i in range(UPDATES):
        t0 = time.perf_counter()
        gallery.remove([size + i])
        remove_times.append(time.perf_counter() - t0)
    shared = {
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "add_ms": float(np.median(add_times)) * 1e3,
        "remove_ms": float(np.median(remove_times)) * 1e3,
        "probes": len(probes),
        "real_templates_in_gallery": int(min(len(rest), size)),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }
    return [{**row, **shared} for row in rows]


def run(
    real: np.ndarray,
    alarm_threshold: float,
    sizes: Sequence[int] = SIZES,
    specs: Sequence[str] = (),
    n_probes: int = 1000,
    latency_probes: int = 1000,
    seed: int = 0,
    report=print,
    huge_pages: bool = True,
) -> list[dict]:
    """Every (size, spec) cell, each in a fresh process.

    `specs` defaults to exact search plus the shipped approximate index at several efSearch values; a spec
    may list alternatives as "HNSW32 efSearch=64|128|256" (one build, measured at each value).
    """
    from matcher.index_choice import APPROXIMATE, EXACT

    specs = list(specs) or [EXACT, APPROXIMATE + "|" + "|".join(str(e) for e in EF_SWEEP)]
    check_specs(specs, real.shape[1])
    rows = []
    report(header())
    for size in sizes:
        for text in specs:
            spec, variants = _variants(text)
            # Exact search at 1M costs tens of ms a probe: fewer probes keep the run in minutes.
            probes_for_latency = latency_probes if size < 500_000 or spec != EXACT else min(200, latency_probes)
            with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
                cell = pool.submit(
                    run_cell,
                    real,
                    size,
                    spec,
                    variants,
                    n_probes,
                    probes_for_latency,
                    seed,
                    alarm_threshold,
                    huge_pages,
                ).result()
            for row in cell:
                rows.append(row)
                report(format_row(row))
    return rows


def check_specs(specs: Sequence[str], dim: int = 128) -> None:
    """Raise IndexUnusable for a spec FAISS cannot build: in seconds, before any template is loaded."""
    from matcher.index_choice import IndexSpec, make_index

    for text in specs:
        make_index(IndexSpec.parse(_variants(text)[0]), dim)


EF_SWEEP = (64, 128)  # besides the shipped efSearch


def _variants(text: str) -> tuple[str, list[dict]]:
    """'HNSW32 efSearch=96|128' -> ('HNSW32 efSearch=96', [{}, {'efSearch': 128}])."""
    head, *alternatives = text.split("|")
    name = next((p.split("=")[0] for p in head.split() if "=" in p and p.split("=")[0] in ("efSearch", "nprobe")), None)
    if alternatives and name is None:
        name = "nprobe" if head.startswith("IVF") else "efSearch"
    return head, [{}] + [{name: int(a)} for a in alternatives]


def header() -> str:
    widths = [len(fmt.format(0 if name != "index" else "")) for name, fmt in COLUMNS]
    return " ".join(
        f"{name:>{w}}" if name != "index" else f"{name:<{w}}" for (name, _), w in zip(COLUMNS, widths, strict=True)
    )


def format_row(row: dict) -> str:
    return " ".join(fmt.format(row[name]) for name, fmt in COLUMNS)


def format_table(rows: list[dict]) -> str:
    """The printed table: one line per (size, index)."""
    return "\n".join([header(), *(format_row(r) for r in rows)])
