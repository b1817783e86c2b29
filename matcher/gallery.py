"""A gallery of face templates over FAISS: add, update and remove by stable 64-bit ids, 1:N and 1:1 search.

Each template has a caller-chosen int64 id and belongs to a subject (a string, e.g. a watchlist entry id);
a subject may have several templates and a search returns subjects, each with its best-scoring template.
All templates come from one face model (`model_id`) and have one dimension; anything else is refused.

Layout. FAISS labels are positions 0, 1, 2, ... in insertion order; numpy arrays map a position to its
template id and subject, a dict maps a template id to its position. Removal erases at once (IVF: remove_ids;
Flat and HNSW-Flat: the stored vector is overwritten with zeros, so the biometric data leaves memory) and
clears the position's bit in a live-bitmap that every search passes to FAISS as an IDSelector, so a removed
template is never returned. Once removed positions exceed `rebuild_dead_fraction`, or the gallery grows past
the size where another index type serves it better, a rebuild compacts the index in the background.

Concurrency: a readers-writer lock (`matcher/rwlock.py`). Searches hold it shared and run in parallel (FAISS
releases the GIL); each update (an add batch, a removal batch, `update`, `replace_subject`) holds it
exclusively and is applied whole before any reader runs again, so a reader never sees half an update.
A rebuild is copy-on-write: it copies the live templates under the shared lock, builds a new index with no
lock held while searches and updates continue, records the updates made meanwhile in a journal, then takes
the exclusive lock briefly to replay the journal onto the new index and swap it in.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import faiss
import numpy as np

from matcher.calibration import Calibration
from matcher.errors import DuplicateTemplateId, EmptyGallery, GalleryTooSmall, IndexUnusable, UnknownTemplateId
from matcher.huge_pages import back_with_huge_pages, huge_page_regions, reserve_on_huge_pages
from matcher.index_choice import (
    IndexSpec,
    choose_spec,
    erase,
    make_index,
    search_parameters,
    stored_vectors,
    supports_ids,
    train_if_needed,
)
from matcher.rwlock import ReadWriteLock
from matcher.score_norm import CohortNormalisation
from matcher.template import as_templates, check_model

FIRST_FANOUT = 4  # templates fetched per subject asked for; doubled while subjects are still missing


@dataclass(frozen=True)
class Candidate:
    """One subject found by a search, with the id and score of its best template.

    The score is the cosine similarity, or with a normalisation the normalised score a threshold applies to;
    `similarity` is always the cosine similarity of that template.
    """

    subject_id: str
    score: float
    template_id: int
    similarity: float | None = None


class _State:
    """One consistent index + metadata; a rebuild builds a new one and swaps it in whole."""

    def __init__(self, spec: IndexSpec, dim: int) -> None:
        self.spec = spec
        self.dim = dim
        self.index = make_index(spec, dim)
        self.template_ids = np.empty(0, np.int64)  # position -> template id (-1 once removed)
        self.subject_of = np.empty(0, np.int32)  # position -> subject number (-1 once removed)
        self.alive_bits = np.zeros(0, np.uint8)  # bit p set <=> position p is live (FAISS IDSelectorBitmap layout)
        self.size = 0  # positions used, live or removed
        self.dead = 0
        self.position_of: dict[int, int] = {}
        self.subject_names: list[str] = []
        self.subject_number: dict[str, int] = {}

    @property
    def live(self) -> int:
        return self.size - self.dead

    def _reserve(self, extra: int) -> None:
        need = self.size + extra
        if need <= self.template_ids.size:
            return
        capacity = max(need, 2 * self.template_ids.size, 1024)
        for name, fill in (("template_ids", -1), ("subject_of", -1)):
            old = getattr(self, name)
            new = np.full(capacity, fill, dtype=old.dtype)
            new[: self.size] = old[: self.size]
            setattr(self, name, new)
        bits = np.zeros((capacity + 7) // 8, np.uint8)
        bits[: self.alive_bits.size] = self.alive_bits
        self.alive_bits = bits

    def append(self, subject_ids: Sequence[str], template_ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add validated templates (ids known to be new)."""
        n = len(template_ids)
        if n == 0:
            return
        train_if_needed(self.index, self.spec, vectors)
        self._reserve(n)
        positions = np.arange(self.size, self.size + n, dtype=np.int64)
        if supports_ids(self.index):
            self.index.add_with_ids(vectors, positions)
        else:
            reserve_on_huge_pages(self.index, n)  # a bulk load builds on huge pages (matcher/huge_pages.py)
            self.index.add(vectors)
        numbers = np.empty(n, np.int32)
        for i, subject in enumerate(subject_ids):
            number = self.subject_number.get(subject)
            if number is None:
                number = self.subject_number[subject] = len(self.subject_names)
                self.subject_names.append(subject)
            numbers[i] = number
        self.template_ids[self.size : self.size + n] = template_ids
        self.subject_of[self.size : self.size + n] = numbers
        self.position_of.update(zip(template_ids.tolist(), positions.tolist(), strict=True))
        _set_bits(self.alive_bits, positions, True)
        self.size += n

    def remove(self, template_ids: Sequence[int]) -> None:
        """Remove templates known to be present: erase the vectors, clear the live bits, forget the ids."""
        positions = np.array([self.position_of.pop(int(t)) for t in template_ids], dtype=np.int64)
        if positions.size == 0:
            return
        erase(self.index, positions)
        _set_bits(self.alive_bits, positions, False)
        self.template_ids[positions] = -1
        self.subject_of[positions] = -1
        self.dead += positions.size

    def positions_of_subject(self, subject_id: str) -> np.ndarray:
        number = self.subject_number.get(subject_id)
        if number is None:
            return np.empty(0, np.int64)
        return np.flatnonzero(self.subject_of[: self.size] == number)

    def live_positions(self) -> np.ndarray:
        return np.flatnonzero(self.template_ids[: self.size] >= 0)

    def search(self, probes: np.ndarray, k: int, min_score: float | None) -> list[list[Candidate]]:
        """Top-k subjects per probe; templates fetched grow until k subjects are found or none are left."""
        fetch = min(self.live, max(k * FIRST_FANOUT, k))
        while True:
            scores, positions = self._faiss_search(probes, fetch)
            results, short = [], False
            for row_scores, row_positions in zip(scores, positions, strict=True):
                found = self._group(row_scores, row_positions, k, min_score)
                results.append(found)
                exhausted = row_positions[-1] < 0 or (min_score is not None and row_scores[-1] < min_score)
                short = short or (len(found) < k and not exhausted)
            if not short or fetch >= self.live:
                return results
            fetch = min(self.live, fetch * 2)

    def _faiss_search(self, probes: np.ndarray, fetch: int) -> tuple[np.ndarray, np.ndarray]:
        selector = faiss.IDSelectorBitmap(self.size, faiss.swig_ptr(self.alive_bits)) if self.dead else None
        params = search_parameters(self.index, self.spec, fetch, selector)
        return self.index.search(probes, fetch, params=params)

    def _group(self, scores: np.ndarray, positions: np.ndarray, k: int, min_score: float | None) -> list[Candidate]:
        valid = positions >= 0
        if min_score is not None:
            valid &= scores >= min_score
        scores, positions = scores[valid], positions[valid]
        subjects = self.subject_of[positions]
        # FAISS returns scores in descending order, so a subject's first occurrence is its best template.
        _, first = np.unique(subjects, return_index=True)
        first = np.sort(first)[:k]
        return [
            Candidate(
                subject_id=self.subject_names[subjects[i]],
                score=float(min(scores[i], 1.0)),
                template_id=int(self.template_ids[positions[i]]),
                similarity=float(min(scores[i], 1.0)),
            )
            for i in first
        ]


def _set_bits(bits: np.ndarray, positions: np.ndarray, value: bool) -> None:
    masks = np.left_shift(1, positions & 7).astype(np.uint8)
    byte = positions >> 3
    if value:
        np.bitwise_or.at(bits, byte, masks)
    else:
        np.bitwise_and.at(bits, byte, ~masks)


class Gallery:
    """Templates of one face model, searchable 1:N (grouped by subject) and 1:1; safe to share across threads."""

    def __init__(
        self,
        model_id: str,
        dim: int,
        index: str | IndexSpec | None = None,
        rebuild_dead_fraction: float = 0.2,
        background_rebuild: bool = True,
    ) -> None:
        self.model_id = model_id
        self.dim = dim
        self._fixed_spec = IndexSpec.parse(index) if isinstance(index, str) else index
        self.rebuild_dead_fraction = rebuild_dead_fraction
        self.background_rebuild = background_rebuild
        self._lock = ReadWriteLock()
        self._state = _State(self._fixed_spec or choose_spec(0), dim)
        self._rebuild_mutex = threading.Lock()
        self._journal: list[tuple] | None = None
        self._rebuild_thread: threading.Thread | None = None
        self.last_rebuild_error: Exception | None = None
        self._huge_regions: list[tuple[int, int]] = []

    # --- reading -------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        """Live templates."""
        return self._state.live

    def __contains__(self, template_id: object) -> bool:
        return isinstance(template_id, int | np.integer) and int(template_id) in self._state.position_of

    @property
    def spec(self) -> IndexSpec:
        """The index spec serving the gallery now."""
        return self._state.spec

    @property
    def subject_count(self) -> int:
        """Subjects with at least one live template."""
        return len(self.subject_ids())

    def subject_ids(self) -> list[str]:
        """Every subject with at least one live template."""
        with self._lock.read():
            state = self._state
            numbers = np.unique(state.subject_of[: state.size][state.subject_of[: state.size] >= 0])
            return [state.subject_names[n] for n in numbers]

    def templates_of(self, subject_id: str) -> list[int]:
        """Template ids of one subject (empty when unknown)."""
        with self._lock.read():
            state = self._state
            return [int(state.template_ids[p]) for p in state.positions_of_subject(subject_id)]

    def search(
        self,
        probe: np.ndarray,
        model_id: str,
        k: int = 10,
        min_score: float | None = None,
        normalisation: CohortNormalisation | None = None,
    ) -> list[Candidate]:
        """Up to k subjects most similar to `probe`, best first; only scores >= min_score when given.

        A subject scores as its best template (max fusion, chosen on LFW-dev: benchmarks/identify_fusion.py).
        With a `normalisation`, scores are cohort-normalised against the other subjects (matcher/score_norm.py)
        and `min_score` applies to the normalised score.
        """
        return self.search_batch(probe, model_id, k, min_score, normalisation)[0]

    def search_batch(
        self,
        probes: np.ndarray,
        model_id: str,
        k: int = 10,
        min_score: float | None = None,
        normalisation: CohortNormalisation | None = None,
    ) -> list[list[Candidate]]:
        """`search` for each row of `probes` (n, dim) in one FAISS call."""
        check_model(model_id, self.model_id, "the probe")
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        vectors = as_templates(probes, self.dim, "probe")
        with self._lock.read():
            state = self._state
            if state.live == 0:
                raise EmptyGallery(
                    "the gallery holds no template, so a search cannot find anyone",
                    "Enrol templates (or load the saved gallery) before screening",
                )
            if normalisation is None:
                return state.search(vectors, k, min_score)
            found = state.search(vectors, max(k, normalisation.subjects_needed), None)
        return [_normalised(candidates, normalisation, k, min_score) for candidates in found]

    def search_at_fmr(
        self, probe: np.ndarray, model_id: str, calibration: Calibration, fmr: float, k: int = 10
    ) -> list[Candidate]:
        """`search` keeping only scores at or above the calibrated threshold for `fmr` (a 1:1 FMR).

        A 1:1 FMR is per comparison; a 1:N search makes one comparison per enrolled subject, so its false
        alarm rate (FPIR) is far higher: on LFW-dev with 826 subjects the FMR 1e-3 threshold gave FPIR 0.42
        (benchmarks/results/identify.json). Pick `fmr` for the gallery size, not the 1:1 habit.
        """
        check_model(calibration.model_id, self.model_id, "the calibration")
        return self.search(probe, model_id, k, calibration.threshold_at(fmr))

    def compare(self, probe: np.ndarray, model_id: str, template_id: int) -> float:
        """1:1: similarity of `probe` to one enrolled template."""
        check_model(model_id, self.model_id, "the probe")
        vector = as_templates(probe, self.dim, "probe")[0]
        with self._lock.read():
            state = self._state
            position = state.position_of.get(int(template_id))
            if position is None:
                raise _unknown([template_id])
            stored = stored_vectors(state.index, np.array([position]))[0]
        return float(np.clip(vector @ stored, -1.0, 1.0))

    # --- writing -------------------------------------------------------------------------------------------

    def add(self, subject_id: str, template_ids: Sequence[int], vectors: np.ndarray, model_id: str) -> None:
        """Enrol templates (rows of `vectors`) of one subject under new, unique ids."""
        self.add_many([subject_id] * len(template_ids), template_ids, vectors, model_id)

    def add_many(
        self, subject_ids: Sequence[str], template_ids: Sequence[int], vectors: np.ndarray, model_id: str
    ) -> None:
        """Enrol a batch: row i of `vectors` is template `template_ids[i]` of `subject_ids[i]`. All or nothing."""
        ids, vecs = self._checked_new(subject_ids, template_ids, vectors, model_id)
        with self._lock.write():
            self._check_absent(ids)
            if self._state.size == 0 and self._fixed_spec is None and choose_spec(len(ids)) != self._state.spec:
                self._state = _State(choose_spec(len(ids)), self.dim)  # bulk load: build the right index at once
            self._state.append(list(subject_ids), ids, vecs)
            self._log(("add", list(subject_ids), ids, vecs))
        self._settle_memory()
        self._maybe_rebuild()

    def remove(self, template_ids: Sequence[int]) -> None:
        """Remove templates by id; every id must be present (else nothing is removed)."""
        ids = [int(t) for t in template_ids]
        with self._lock.write():
            missing = [t for t in ids if t not in self._state.position_of]
            if missing or len(set(ids)) != len(ids):
                raise _unknown(missing or ids)
            self._state.remove(ids)
            self._log(("remove", ids))
        self._maybe_rebuild()

    def remove_subject(self, subject_id: str) -> list[int]:
        """Remove every template of a subject; returns their ids. An unknown subject is an error."""
        with self._lock.write():
            state = self._state
            ids = [int(state.template_ids[p]) for p in state.positions_of_subject(subject_id)]
            if not ids:
                raise UnknownTemplateId(
                    f"subject {subject_id!r} has no template in the gallery",
                    "Check the subject id; it may have been removed already",
                )
            state.remove(ids)
            self._log(("remove", ids))
        self._maybe_rebuild()
        return ids

    def update(self, template_id: int, vector: np.ndarray, model_id: str) -> None:
        """Replace the vector of an enrolled template, keeping its id and subject (atomic for readers)."""
        check_model(model_id, self.model_id)
        vec = as_templates(vector, self.dim)
        if vec.shape[0] != 1:
            raise ValueError("update takes one vector")
        with self._lock.write():
            state = self._state
            position = state.position_of.get(int(template_id))
            if position is None:
                raise _unknown([template_id])
            subject = state.subject_names[state.subject_of[position]]
            ids = np.array([template_id], np.int64)
            state.remove([int(template_id)])
            state.append([subject], ids, vec)
            self._log(("remove", [int(template_id)]))
            self._log(("add", [subject], ids, vec))
        self._maybe_rebuild()

    def replace_subject(self, subject_id: str, template_ids: Sequence[int], vectors: np.ndarray, model_id: str) -> None:
        """Swap all templates of a subject for new ones in one step (readers see the old set or the new)."""
        ids, vecs = self._checked_new([subject_id] * len(template_ids), template_ids, vectors, model_id)
        with self._lock.write():
            state = self._state
            old = [int(state.template_ids[p]) for p in state.positions_of_subject(subject_id)]
            self._check_absent(np.array([t for t in ids.tolist() if t not in set(old)], np.int64))
            state.remove(old)
            state.append([subject_id] * len(ids), ids, vecs)
            self._log(("remove", old))
            self._log(("add", [subject_id] * len(ids), ids, vecs))
        self._maybe_rebuild()

    def tune(self, **params: int) -> None:
        """Change search-time parameters (efSearch for HNSW, nprobe for IVF) without a rebuild."""
        allowed = {"efSearch", "nprobe"}
        if not set(params) <= allowed or any(not isinstance(v, int) or v <= 0 for v in params.values()):
            raise IndexUnusable(f"cannot tune {params}", f"Give positive integers for {sorted(allowed)}")
        with self._lock.write():
            state = self._state
            state.spec = IndexSpec(state.spec.factory, {**state.spec.params, **params})
            if self._fixed_spec is not None:
                self._fixed_spec = IndexSpec(self._fixed_spec.factory, {**self._fixed_spec.params, **params})

    # --- maintenance ---------------------------------------------------------------------------------------

    def rebuild(self, index: str | IndexSpec | None = None) -> None:
        """Compact into a fresh index (the size-chosen one, the fixed one, or `index`); searches keep running."""
        with self._rebuild_mutex:
            with self._lock.read():
                old = self._state
                live = old.live_positions()
                vectors = stored_vectors(old.index, live)
                ids = old.template_ids[live].copy()
                subjects = [old.subject_names[s] for s in old.subject_of[live]]
                self._journal = []
            try:
                if index is not None:
                    self._fixed_spec = IndexSpec.parse(index) if isinstance(index, str) else index
                spec = self._fixed_spec or choose_spec(len(ids))
                new = _State(spec, self.dim)
                new.append(subjects, ids, vectors)
                del vectors
            except BaseException:
                self._journal = None
                raise
            with self._lock.write():
                for entry in self._journal:
                    if entry[0] == "add":
                        new.append(entry[1], entry[2], entry[3])
                    else:
                        new.remove(entry[1])
                self._state = new
                self._journal = None
            self._settle_memory()

    def wait_for_maintenance(self, timeout: float | None = None) -> None:
        """Block until a background rebuild (if any) has finished."""
        thread = self._rebuild_thread
        if thread is not None:
            thread.join(timeout)

    def _settle_memory(self) -> None:
        """Back a new or moved large index with huge pages (matcher/huge_pages.py), outside the write lock.

        Only when an array moved (a build, a rebuild, a load, FAISS reallocating as it grows) or grew by a
        quarter, so a single add costs nothing extra; searches keep running meanwhile.
        """
        with self._lock.read():
            regions = huge_page_regions(self._state.index)
        done = dict(self._huge_regions)
        if any(done.get(address, 0) * 5 < size * 4 for address, size in regions):  # moved, or grew by > 25 %
            self._huge_regions = regions
            back_with_huge_pages(regions)

    def _log(self, entry: tuple) -> None:
        if self._journal is not None:
            self._journal.append(entry)

    def _rebuild_wanted(self) -> bool:
        state = self._state
        if state.size >= 100 and state.dead > self.rebuild_dead_fraction * state.size:
            return True
        if self._fixed_spec is not None:
            return False
        # Hysteresis: go approximate at EXACT_LIMIT, back to exact only well below it, so a gallery hovering
        # at the limit does not rebuild on every add and remove.
        if state.spec.exact:
            return not choose_spec(state.live).exact
        return choose_spec(int(state.live / 0.8)).exact

    def _rebuild_if_wanted(self) -> None:
        try:
            if self._rebuild_wanted():
                self.rebuild()
        except Exception as exc:  # a background failure must not pass silently: it is kept and re-raised here
            self.last_rebuild_error = exc
            if not self.background_rebuild:
                raise

    def _maybe_rebuild(self) -> None:
        if not self._rebuild_wanted() or self._rebuild_mutex.locked():
            return
        if not self.background_rebuild:
            self._rebuild_if_wanted()
            return
        self._rebuild_thread = threading.Thread(target=self._rebuild_if_wanted, name="gallery-rebuild", daemon=True)
        self._rebuild_thread.start()

    def _checked_new(
        self, subject_ids: Sequence[str], template_ids: Sequence[int], vectors: np.ndarray, model_id: str
    ) -> tuple[np.ndarray, np.ndarray]:
        check_model(model_id, self.model_id)
        vecs = as_templates(vectors, self.dim)
        ids = np.asarray(template_ids)
        if ids.ndim != 1 or not (ids.size == 0 or np.issubdtype(ids.dtype, np.integer)):
            raise ValueError("template ids must be a sequence of integers")
        ids = ids.astype(np.int64)
        if not (len(ids) == len(subject_ids) == vecs.shape[0]):
            raise ValueError(f"got {len(ids)} template ids, {len(subject_ids)} subject ids and {vecs.shape[0]} vectors")
        if (ids < 0).any():
            raise ValueError("template ids must be non-negative 64-bit integers")
        if any(not isinstance(s, str) or not s for s in subject_ids):
            raise ValueError("subject ids must be non-empty strings")
        unique, counts = np.unique(ids, return_counts=True)
        if (counts > 1).any():
            twice = unique[counts > 1][:5].tolist()
            raise DuplicateTemplateId(
                f"template id(s) {twice} appear more than once in the batch",
                "Give every template its own id; nothing was added",
            )
        return ids, vecs

    def _check_absent(self, ids: np.ndarray) -> None:
        present = [t for t in ids.tolist() if t in self._state.position_of]
        if present:
            raise DuplicateTemplateId(
                f"template id(s) {present[:5]} are already in the gallery",
                "Use update() to replace a template, or choose new ids; nothing was added",
            )

    # --- persistence (matcher/persist.py) -------------------------------------------------------------------

    def export(self) -> tuple[faiss.Index, np.ndarray, np.ndarray, list[str], IndexSpec, Callable[[], None]]:
        """Hold the shared lock and return (index, template ids, subject numbers, subject names, spec, release).

        The caller must call `release()` when done reading (persist.py writes the files in between).
        """
        context = self._lock.read()
        context.__enter__()
        state = self._state
        return (
            state.index,
            state.template_ids[: state.size],
            state.subject_of[: state.size],
            list(state.subject_names),
            state.spec,
            lambda: context.__exit__(None, None, None),
        )

    @classmethod
    def from_parts(
        cls,
        model_id: str,
        index: faiss.Index,
        template_ids: np.ndarray,
        subject_of: np.ndarray,
        subject_names: list[str],
        spec: IndexSpec,
        fixed: bool,
    ) -> Gallery:
        """A gallery around a loaded index and its id arrays (consistency checked by the caller)."""
        gallery = cls(model_id, index.d, spec if fixed else None)
        state = _State(spec, index.d)
        state.index = index
        state.size = int(template_ids.size)
        state.template_ids = np.array(template_ids, dtype=np.int64)
        state.subject_of = np.array(subject_of, dtype=np.int32)
        state.alive_bits = np.zeros((state.size + 7) // 8, np.uint8)
        live = np.flatnonzero(state.template_ids >= 0)
        _set_bits(state.alive_bits, live, True)
        state.dead = state.size - live.size
        state.position_of = dict(zip(state.template_ids[live].tolist(), live.tolist(), strict=True))
        state.subject_names = list(subject_names)
        state.subject_number = {name: i for i, name in enumerate(state.subject_names)}
        gallery._state = state
        gallery._settle_memory()
        return gallery


def _normalised(
    candidates: list[Candidate], normalisation: CohortNormalisation, k: int, min_score: float | None
) -> list[Candidate]:
    """The best k of one search's subjects with cohort-normalised scores (order kept), at or above min_score."""
    if len(candidates) < normalisation.subjects_needed:
        raise GalleryTooSmall(
            f"cohort normalisation needs {normalisation.subjects_needed} subjects in the gallery, "
            f"it holds {len(candidates)}",
            "Search without normalisation (raw similarities and their own threshold) on so small a gallery",
        )
    scores = normalisation.normalise(np.array([c.score for c in candidates]))
    return [
        Candidate(c.subject_id, float(score), c.template_id, c.similarity)
        for c, score in zip(candidates[:k], scores[:k], strict=True)
        if min_score is None or score >= min_score
    ]


def _unknown(ids: Sequence[int]) -> UnknownTemplateId:
    return UnknownTemplateId(
        f"template id(s) {list(ids)[:5]} are not in the gallery (or appear twice in the request)",
        "Check the ids; nothing was removed",
    )
