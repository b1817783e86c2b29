"""Which FAISS index serves a gallery of a given size, as data: a factory string plus search-time parameters.

Exact inner product (`Flat`) below EXACT_LIMIT templates; HNSW above. The limit and HNSW parameters come
from `checkpoint bench gallery` (benchmarks/results/gallery-*.json): see the README's matcher section.
A caller may override the choice with any spec string such as "IVF1024,Flat nprobe=32".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import faiss
import numpy as np

from matcher.errors import IndexUnusable

# Measured by `checkpoint bench gallery` (benchmarks/results/gallery.json; 2 shared cores, load 6-10):
# exact search is linear in the gallery and memory-bound: single-probe p50/p99 0.32/11 ms at 10k, 8.5/21 ms
# at 100k, 77/127 ms at 1M. At 100k it already misses its 15 ms p99 budget on a busy machine, while HNSW
# answers in 0.9/8.6 ms (efSearch 256) with recall@1 0.998, so galleries from 100k up use HNSW.
EXACT_LIMIT = 100_000
EXACT = "Flat"
# HNSW over IVF: at 1M (same data, one-off run) IVF4096,Flat reached only recall@1 0.93 at nprobe=128
# (2.2 ms p50), because face templates crowd into a narrow cone (median impostor cosine ~0.84) that coarse
# cells split poorly.
# HNSW32, efConstruction 80, efSearch 384, on huge pages (matcher/huge_pages.py). At 1M a rank-1 miss is a
# near-tie (median score gap 0.003), so recall@1 is bought with graph quality and search breadth. One-thread
# sweeps (benchmarks/results/gallery-1m-sweep.json) at efConstruction 40 / 64 / 80 / 100 reach recall@1 0.99 at
# efSearch 512 / 448 / ~352 / ~320; 80 builds in 3 min on 2 quiet cores (room for a slower machine under the
# 5 min budget), and efSearch 384 gives it recall@1 0.991 (a margin for run-to-run variation of the graph).
# Quiet machine, `checkpoint bench gallery` (gallery.json): build 176 s, p99 1.98 ms, RSS 1.18 GB; without
# huge pages the same setting builds in 211 s and misses the 2 ms p99 (2.33 ms, gallery-1m-no-huge-pages.json).
APPROXIMATE = "HNSW32 efConstruction=80 efSearch=384"

_KNOWN_PARAMS = {"efSearch", "efConstruction", "nprobe"}


@dataclass(frozen=True)
class IndexSpec:
    """A FAISS factory string and the few parameters we tune (efSearch, efConstruction, nprobe)."""

    factory: str
    params: dict[str, int] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> IndexSpec:
        """'HNSW32 efSearch=96' -> IndexSpec('HNSW32', {'efSearch': 96})."""
        parts = text.split()
        if not parts:
            raise IndexUnusable("empty index spec", 'Give a FAISS factory string such as "Flat" or "HNSW32"')
        params: dict[str, int] = {}
        for part in parts[1:]:
            name, _, value = part.partition("=")
            if name not in _KNOWN_PARAMS or not value.isdigit() or int(value) <= 0:
                raise IndexUnusable(
                    f"index parameter {part!r} is not understood",
                    f"Use name=positive integer with a name among {sorted(_KNOWN_PARAMS)}",
                )
            params[name] = int(value)
        return cls(parts[0], params)

    def __str__(self) -> str:
        return " ".join([self.factory, *(f"{k}={v}" for k, v in sorted(self.params.items()))])

    @property
    def exact(self) -> bool:
        return self.factory == EXACT


def choose_spec(size: int) -> IndexSpec:
    """The index for a gallery expected to hold `size` templates."""
    return IndexSpec.parse(EXACT if size < EXACT_LIMIT else APPROXIMATE)


def make_index(spec: IndexSpec, dim: int) -> faiss.Index:
    """An empty index for `spec` over inner product; raises IndexUnusable for a bad factory string."""
    try:
        index = faiss.index_factory(dim, spec.factory, faiss.METRIC_INNER_PRODUCT)
    except RuntimeError as exc:
        raise IndexUnusable(
            f"FAISS cannot build index {spec.factory!r}: {str(exc).splitlines()[0][:200]}",
            'Use a factory string such as "Flat", "HNSW32" or "IVF1024,Flat"',
        ) from exc
    ivf = _ivf_or_none(index)
    if ivf is not None:
        # A hashtable direct map makes remove_ids and reconstruct cost O(removed), not a scan of every list.
        ivf.set_direct_map_type(faiss.DirectMap.Hashtable)
    if "efConstruction" in spec.params and isinstance(index, faiss.IndexHNSW):
        index.hnsw.efConstruction = spec.params["efConstruction"]
    return index


def train_if_needed(index: faiss.Index, spec: IndexSpec, vectors: np.ndarray) -> None:
    """Train an untrained index (IVF, PQ) on the first batch; too few vectors is a clear error."""
    if index.is_trained:
        return
    ivf = _ivf_or_none(index)
    needed = ivf.nlist * 39 if ivf is not None else 10_000
    if len(vectors) < needed:
        raise IndexUnusable(
            f"index {spec.factory!r} must be trained on at least {needed} templates, got a batch of {len(vectors)}",
            "Load the first templates in one larger batch, or use an exact index for a gallery this small",
        )
    index.train(vectors)


def supports_ids(index: faiss.Index) -> bool:
    """IVF indices keep explicit labels, so positions survive a real remove_ids."""
    return _ivf_or_none(index) is not None


def search_parameters(index: faiss.Index, spec: IndexSpec, k: int, selector: faiss.IDSelector | None):
    """Search-time parameters for one call: the spec's efSearch/nprobe (ef raised to k) and the live selector."""
    if isinstance(index, faiss.IndexHNSW):
        params = faiss.SearchParametersHNSW()
        params.efSearch = max(spec.params.get("efSearch", 64), k)
    elif isinstance(index, faiss.IndexIVF):
        params = faiss.SearchParametersIVF()
        params.nprobe = spec.params.get("nprobe", 16)
    else:
        params = faiss.SearchParameters()
    if selector is not None:
        params.sel = selector
    return params


def erase(index: faiss.Index, positions: np.ndarray) -> bool:
    """Remove the vectors at `positions` from memory; False when this index type can only tombstone them.

    IVF: remove_ids (labels are explicit, others are unaffected). Flat and HNSW-Flat: overwrite the stored
    vector with zeros (the biometric data is gone at once; HNSW keeps the graph node until the next rebuild).
    """
    positions = np.asarray(positions, dtype=np.int64)
    if supports_ids(index):
        index.remove_ids(faiss.IDSelectorArray(positions.size, faiss.swig_ptr(positions)))
        return True
    storage = index
    if isinstance(index, faiss.IndexHNSW):
        storage = faiss.downcast_index(index.storage)
    if isinstance(storage, faiss.IndexFlat):
        view = faiss.rev_swig_ptr(storage.get_xb(), storage.ntotal * storage.d).reshape(storage.ntotal, storage.d)
        view[positions] = 0.0
        return True
    return False


def stored_vectors(index: faiss.Index, positions: np.ndarray) -> np.ndarray:
    """The vectors at `positions` (exact copies for Flat/HNSW-Flat/IVF-Flat), for a rebuild or a save."""
    positions = np.asarray(positions, dtype=np.int64)
    out = np.empty((positions.size, index.d), dtype=np.float32)
    for start in range(0, positions.size, 65536):
        chunk = positions[start : start + 65536]
        out[start : start + chunk.size] = index.reconstruct_batch(chunk)
    return out


def _ivf_or_none(index: faiss.Index):
    try:
        return faiss.extract_index_ivf(index)
    except RuntimeError:
        return None
