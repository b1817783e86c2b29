"""The answering side's search: one kind of query against the matchable entries of the agreed categories only.

Faces are searched in a FAISS gallery at the threshold whose expected false alarm rate over that gallery stays
within the agreement's FPIR; documents by exact (issuing state, number); names with the name screener. A search
that cannot run (no calibration, another face model, nothing listed) says so: it is never answered "no hit".
The views are rebuilt when a watchlist changes (the change log grows) or the day turns (review dates).
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from api.exchange.wire import Outcome, QueryKind, QueryTerms, template_bytes
from matcher.calibration import Calibration, CalibrationError, load_calibration
from matcher.errors import MatcherError
from matcher.gallery import Gallery
from watchlists.documents import DocumentList, ListedDocument, is_plausible_number, normalise_number
from watchlists.models import Category, ChangeLog, FaceTemplate, Watchlist
from watchlists.names import ListedName, NameIndex
from watchlists.snapshot import subject_key
from watchlists.store import list_documents, list_subjects

HIGH_NAME_SCORE = 0.95  # a name at or above this is "high"; between the cut-off and this, "medium"
DOCUMENT_CATEGORIES = frozenset({Category.lost_stolen_documents})


@dataclass(frozen=True)
class SearchResult:
    """What a search found: the outcome, and on a hit the entry key (kept here) and a coarse band (sent)."""

    outcome: Outcome
    entry_key: str | None = None
    band: str | None = None
    detail: str = ""


def _cannot(detail: str) -> SearchResult:
    return SearchResult(Outcome.cannot_search, detail=detail)


@dataclass
class _FaceView:
    gallery: Gallery | None
    templates: int
    other_models: int  # listed subjects whose faces only another model can match


class WatchlistSearch:
    """One per process, shared by requests; views are cached per (lists' version, day, kind, categories)."""

    def __init__(self, engine: Engine | None, calibration_dirs: list[Path], name_cutoff: float) -> None:
        self.engine = engine  # the watchlists' own database, or None when they share the caller's
        self.calibration_dirs = calibration_dirs
        self.name_cutoff = name_cutoff
        self._views: dict[tuple, object] = {}
        self._version: tuple | None = None
        self._lock = threading.Lock()

    def search(
        self, session: Session, terms: QueryTerms, categories: frozenset[Category], max_fpir: float
    ) -> SearchResult:
        """Search `terms` in `categories` only (`session` is the caller's, on the central database)."""
        if self.engine is None:
            return self._search(session, terms, categories, max_fpir)
        with Session(self.engine) as own:
            return self._search(own, terms, categories, max_fpir)

    def _search(
        self, session: Session, terms: QueryTerms, categories: frozenset[Category], max_fpir: float
    ) -> SearchResult:
        if terms.kind == QueryKind.document:
            return self._documents(session, terms, categories)
        if terms.kind == QueryKind.name:
            return self._names(session, terms, categories)
        return self._faces(session, terms, categories, max_fpir)

    # --- views -------------------------------------------------------------------------------------------------

    def _view(self, session: Session, key: tuple, build):  # type: ignore[no-untyped-def]
        today = dt.datetime.now(dt.UTC).date()
        version = (session.exec(select(func.max(ChangeLog.id))).one(), today)
        with self._lock:
            if version != self._version:
                self._views, self._version = {}, version
            if key not in self._views:
                self._views[key] = build(session, today)
            return self._views[key]

    @staticmethod
    def _lists(session: Session, categories: frozenset[Category]) -> dict[int, Watchlist]:
        return {w.id: w for w in session.exec(select(Watchlist)).all() if w.category in categories}  # type: ignore[misc]

    def _documents(self, session: Session, terms: QueryTerms, categories: frozenset[Category]) -> SearchResult:
        searched = categories & DOCUMENT_CATEGORIES
        if not searched:
            return _cannot("no agreed category holds documents")

        def build(session: Session, today: dt.date) -> DocumentList:
            lists = self._lists(session, searched)
            return DocumentList(
                [
                    ListedDocument(
                        f"d{d.id}",
                        d.issuing_state,
                        d.number_normalised,
                        d.doc_type,
                        d.reported_on,
                        d.review_by,
                        lists[d.watchlist_id].name,
                        "",
                    )  # fmt: skip
                    for d in list_documents(session, matchable_on=today)
                    if d.watchlist_id in lists
                ]
            )

        documents: DocumentList = self._view(session, ("document", searched), build)
        if documents.size == 0:
            return _cannot("nothing is listed in the agreed document categories")
        if not is_plausible_number(normalise_number(terms.document_number or "")):
            return _cannot("the document number holds characters other than letters and digits")
        screen = documents.screen(terms.issuing_state or "", terms.document_number or "")
        if screen.hits:
            return SearchResult(Outcome.hit, screen.hits[0].entry_id, "exact")
        return SearchResult(Outcome.no_hit)

    def _names(self, session: Session, terms: QueryTerms, categories: frozenset[Category]) -> SearchResult:
        searched = categories - DOCUMENT_CATEGORIES
        if not searched:
            return _cannot("no agreed category holds people")

        def build(session: Session, today: dt.date) -> NameIndex:
            lists = self._lists(session, searched)
            return NameIndex(
                [
                    ListedName(
                        subject_key(s.id),
                        tuple(n for n in (s.name_latin, s.name_original, *s.aliases) if n),
                        s.birth_date,
                    )  # fmt: skip
                    for s in list_subjects(session, matchable_on=today)
                    if s.watchlist_id in lists and s.id is not None
                ]
            )

        names: NameIndex = self._view(session, ("name", searched), build)
        if len(names) == 0:
            return _cannot("nobody is listed in the agreed categories")
        hits = names.screen(terms.name or "", terms.birth_date, self.name_cutoff)
        if not hits:
            return SearchResult(Outcome.no_hit)
        best = hits[0]
        return SearchResult(Outcome.hit, best.entry_id, "high" if best.score >= HIGH_NAME_SCORE else "medium")

    def _faces(
        self, session: Session, terms: QueryTerms, categories: frozenset[Category], max_fpir: float
    ) -> SearchResult:
        searched = categories - DOCUMENT_CATEGORIES
        model_id = terms.model_id or ""
        if not searched:
            return _cannot("no agreed category holds people")
        view: _FaceView = self._view(
            session, ("face", searched, model_id), lambda s, today: self._face_view(s, today, searched, model_id)
        )
        if view.other_models:
            return _cannot(
                f"{view.other_models} listed subject(s) have no face template of model {model_id}: they would never "
                "be compared"
            )
        if view.gallery is None:
            return _cannot(f"no face of model {model_id} is listed in the agreed categories")
        try:
            calibration = load_calibration(model_id, self.calibration_dirs)
            fmr = fmr_for_fpir(max_fpir, view.templates)
            threshold = calibration.threshold_at(fmr)
            probe = np.frombuffer(template_bytes(terms.template_b64 or ""), dtype="<f4")
            candidates = view.gallery.search(probe, model_id, k=1, min_score=threshold)
        except (CalibrationError, MatcherError, ValueError) as exc:
            return _cannot(str(exc)[:500])
        if not candidates:
            return SearchResult(Outcome.no_hit)
        best = candidates[0]
        return SearchResult(Outcome.hit, best.subject_id, face_band(calibration, fmr, best.score))

    @staticmethod
    def _face_view(session: Session, today: dt.date, searched: frozenset[Category], model_id: str) -> _FaceView:
        lists = {w.id for w in session.exec(select(Watchlist)).all() if w.category in searched}
        wanted = {s.id for s in list_subjects(session, matchable_on=today) if s.watchlist_id in lists}
        rows = session.exec(
            select(FaceTemplate.id, FaceTemplate.subject_id, FaceTemplate.model_id, FaceTemplate.vector).where(
                col(FaceTemplate.subject_id).in_(wanted)
            )
        ).all()
        ours = [r for r in rows if r.model_id == model_id]
        other = {r.subject_id for r in rows} - {r.subject_id for r in ours}
        if not ours:
            return _FaceView(None, 0, len(other))
        vectors = np.vstack([np.frombuffer(r.vector, np.float32) for r in ours])
        gallery = Gallery(model_id, vectors.shape[1], background_rebuild=False)
        owners = [subject_key(r.subject_id) for r in ours]
        gallery.add_many(owners, np.array([r.id for r in ours], np.int64), vectors, model_id)
        return _FaceView(gallery, len(ours), len(other))


def fmr_for_fpir(max_fpir: float, templates: int) -> float:
    """The per-comparison FMR at which a search of `templates` falsely alarms for at most `max_fpir` of travellers
    (the inverse of matcher.false_alarms.expected_fpir)."""
    return -math.expm1(math.log1p(-max_fpir) / max(templates, 1))


def face_band(calibration: Calibration, fmr: float, score: float) -> str:
    """Band "high" when the score also passes the threshold of a hundred times fewer false matches, else "medium"."""
    try:
        return "high" if score >= calibration.threshold_at(fmr / 100) else "medium"
    except CalibrationError:
        return "medium"
