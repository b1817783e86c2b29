"""One screening: document image + camera frames -> checks -> policy -> CLEAR or REFER with evidence.

screener = Screener(analyzer, reader, policy, calibration, snapshot=lambda: store.current)
result = screener.screen(document_rgb, frames)
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from api.schemas import DocumentCheck
from checkpoint.i18n import _, ngettext
from checkpoint.pipeline.capture import LiveCapture, best_live_face
from checkpoint.pipeline.decide import recommend
from checkpoint.pipeline.document import DocumentSide, read_document_side
from checkpoint.pipeline.presentation_attack import PadUnavailable, presentation_attack_findings
from checkpoint.pipeline.probe import fused_live_probe
from checkpoint.pipeline.result import CheckOutcome, ScreeningResult, WatchCandidate
from checkpoint.policy import Policy
from edge.document.reader import DocumentReader
from edge.face.analyzer import FaceAnalyzer
from edge.face.pad import PresentationAttackDetector
from matcher.calibration import Calibration
from matcher.false_alarms import largest_gallery
from matcher.watchlist_threshold import WatchlistOperatingPoint, watchlist_operating_point
from watchlists.snapshot import Snapshot


@dataclass(frozen=True)
class Thresholds:
    """The 1:1 threshold, looked up once from the calibration at the policy's target FMR. The 1:N threshold
    depends on the loaded gallery's size: `Screener.watchlist_point` computes it per snapshot."""

    face_vs_document: float

    @classmethod
    def from_policy(cls, calibration: Calibration, policy: Policy) -> Thresholds:
        """Raises CalibrationError at start-up when the calibration has no threshold at the policy's 1:1 FMR."""
        return cls(calibration.threshold_at(policy.face_vs_document_fmr))


class Screener:
    """Holds the loaded models, the policy and thresholds; `screen` is called once per traveller."""

    def __init__(
        self,
        analyzer: FaceAnalyzer,
        reader: DocumentReader,
        policy: Policy,
        calibration: Calibration,
        snapshot: Callable[[], Snapshot | None],
        pad: PresentationAttackDetector | PadUnavailable,
    ) -> None:
        self.analyzer = analyzer
        self.pad = pad
        self.reader = reader
        self.policy = policy
        self.calibration = calibration
        self.thresholds = Thresholds.from_policy(calibration, policy)
        self.snapshot = snapshot  # a callable: the sync thread may swap the snapshot between screenings
        self._points: dict[tuple[int, int, float], WatchlistOperatingPoint] = {}

    def screen(
        self, document_rgb: np.ndarray, frames: Iterable[np.ndarray], today: dt.date | None = None
    ) -> ScreeningResult:
        """Screen one traveller. Never raises on bad input from the traveller: it refers with a reason."""
        today = today or dt.date.today()
        started = dt.datetime.now(dt.UTC)
        times: dict[str, float] = {}
        snapshot = self.snapshot()  # one snapshot for the whole screening, even if a newer one lands meanwhile

        t0 = time.perf_counter()
        doc = read_document_side(document_rgb, self.reader, self.analyzer, today)
        times["document"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        live = best_live_face(frames, self.analyzer, self.policy.max_frames, self.policy.enough_good_frames)
        probe = fused_live_probe(live, self.analyzer, self.thresholds.face_vs_document)
        times["capture"] = (time.perf_counter() - t0) * 1000

        findings: list[tuple[CheckOutcome, str]] = []
        findings += self._document_findings(doc)
        t0 = time.perf_counter()
        live_score, pad_findings = presentation_attack_findings(self.pad, live, self.policy)
        findings += pad_findings
        times["presentation_attack"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        score, one_to_one = self._face_vs_document(doc, live)
        findings += one_to_one
        times["face_vs_document"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        face_candidates, face_findings, watch_point = self._watchlist_face(live, probe, snapshot, today)
        findings += face_findings
        times["watchlist_face"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        doc_candidates, doc_findings = self._lost_stolen(doc, snapshot, today)
        findings += doc_findings
        times["lost_stolen"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        name_candidates, name_findings = self._names(doc, snapshot, today)
        findings += name_findings
        times["watchlist_names"] = (time.perf_counter() - t0) * 1000

        recommendation, reasons, notes = recommend(findings, self.policy)
        times["total"] = sum(times.values())
        fields = doc.reading.mrz.to_dict()["fields"] if doc.reading is not None and doc.reading.mrz else None
        return ScreeningResult(
            client_uuid=uuid.uuid4(),
            started_at=started,
            completed_at=dt.datetime.now(dt.UTC),
            recommendation=recommendation,
            reasons=reasons,
            checks=[f[0] for f in findings],
            document=fields if doc.valid else None,
            document_checks=_wire_checks(doc),
            quality=live.face.quality.to_dict() if live.face is not None and live.face.quality else None,
            capture={
                "frames_seen": live.frames_seen,
                "frames_passed": live.frames_passed,
                "chosen_frame": live.frame_index,
                "rejections": live.rejections,
                "presentation_attack_live_score": None if live_score is None else round(live_score, 4),
            },
            face_match_score=score,
            face_match_threshold=self.thresholds.face_vs_document,
            watchlist_threshold=watch_point.threshold if watch_point is not None else None,
            candidates=face_candidates + doc_candidates + name_candidates,
            model_ids=[self.analyzer.model_id],
            snapshot_version=str(snapshot.version) if snapshot is not None else "none",
            policy_sha256=self.policy.sha256,
            timings_ms=times,
            notes=notes + doc.notes,
            live_frame=live.frame,
            live_chip=live.face.chip if live.face is not None else None,
            portrait=doc.portrait,
            live_template=live.face.embedding if live.face is not None else None,
        )

    # --- checks ---------------------------------------------------------------------------------------------

    def _document_findings(self, doc: DocumentSide) -> list[tuple[CheckOutcome, str]]:
        if not doc.valid:
            return [
                (
                    CheckOutcome("document", "failed", doc.problem or _("the MRZ could not be read")),
                    "DOCUMENT_UNREADABLE",
                )
            ]
        failing = [c for c in doc.reading.checks if not c.ok]  # type: ignore[union-attr]
        if failing:
            detail = "; ".join(f"{c.name}: {c.detail}" for c in failing)
            return [(CheckOutcome("document", "failed", detail), "DOCUMENT_CHECK_FAILED")]
        return [(CheckOutcome("document", "passed", _("MRZ read; every document check passed")), "")]

    def _face_vs_document(self, doc: DocumentSide, live: LiveCapture) -> tuple[float | None, list]:
        if live.face is None:
            return None, [(CheckOutcome("face_vs_document", "not_done", live.reason), "NO_USABLE_FACE")]
        if doc.portrait_face is None:
            why = doc.notes[0] if doc.notes else _("no portrait on the data page")
            return None, [(CheckOutcome("face_vs_document", "not_done", why), "NO_PORTRAIT")]
        score = float(np.dot(live.face.embedding, doc.portrait_face.embedding))
        threshold = self.thresholds.face_vs_document
        fmr = self.policy.face_vs_document_fmr
        numbers = {"score": score, "threshold": threshold, "fmr": fmr}
        if score >= threshold:
            detail = _("score %(score).3f >= %(threshold).3f (FMR %(fmr)g)") % numbers
            outcome = CheckOutcome("face_vs_document", "passed", detail)
        else:
            detail = _("score %(score).3f < %(threshold).3f (FMR %(fmr)g)") % numbers
            outcome = CheckOutcome("face_vs_document", "failed", detail)
        return score, [(outcome, "FACE_MISMATCH")]

    def _watchlist_face(
        self, live: LiveCapture, probe: np.ndarray | None, snapshot: Snapshot | None, today: dt.date
    ) -> tuple[list, list, WatchlistOperatingPoint | None]:
        check = "watchlist_face"
        if live.face is None or probe is None:
            return [], [(CheckOutcome(check, "not_done", live.reason), "NO_USABLE_FACE")], None
        if snapshot is None:
            return [], [(CheckOutcome(check, "not_done", _("no watchlist snapshot loaded")), "NO_SNAPSHOT")], None
        # Nothing to compare with is not a pass: the traveller was not screened against any face.
        if snapshot.gallery is None or not snapshot.in_force(today).faces:
            detail = _nothing_in_force(snapshot, _("face"), snapshot.gallery is not None)
            return [], [(CheckOutcome(check, "not_done", detail), "NO_FACE_WATCHLIST")], None
        if snapshot.model_id != self.analyzer.model_id:
            ours = self.analyzer.model_id
            detail = _(
                "snapshot %(version)s holds %(theirs)s templates, this kiosk makes %(ours)s: they cannot be compared"
            ) % {"version": snapshot.version, "theirs": snapshot.model_id, "ours": ours}
            return [], [(CheckOutcome(check, "not_done", detail), "FACE_MODEL_MISMATCH")], None
        point = self.watchlist_point(snapshot)
        hits = snapshot.screen_face(
            probe,
            self.analyzer.model_id,
            point.threshold,
            k=self.policy.watchlist_candidates,
            today=today,
            normalisation=point.normalisation,
        )
        numbers = {"threshold": point.threshold, "fpir": point.target_fpir, "size": point.templates}
        candidates = [
            WatchCandidate(
                "face",
                h.subject.key,
                h.subject.watchlist,
                h.subject.category,
                h.subject.name_latin,
                h.subject.reason,
                round(h.score, 4),
                round(point.threshold, 4),
                rank,
                h.subject.has_thumbnail,
                _hit_detail(h.score, h.similarity, point),
            )
            for rank, h in enumerate(hits, start=1)
        ]
        size = point.templates
        too_big = self.gallery_warning(point)
        warning = f"; {too_big}" if too_big else ""
        if candidates:
            detail = ngettext(
                "%(num)d candidate among %(size)d templates, best score %(score).3f",
                "%(num)d candidates among %(size)d templates, best score %(score).3f",
                len(candidates),
            ) % {"num": len(candidates), "size": size, "score": hits[0].score}
            return candidates, [(CheckOutcome(check, "failed", detail + warning), "WATCHLIST_FACE_HIT")], point
        detail = _("no candidate among %(size)d templates at %(threshold).3f (FPIR %(fpir)g)") % numbers
        return [], [(CheckOutcome(check, "passed", detail + warning), "")], point

    def watchlist_point(self, snapshot: Snapshot) -> WatchlistOperatingPoint:
        """The 1:N threshold for this snapshot's gallery at the policy's target FPIR (computed once per gallery)."""
        gallery = snapshot.gallery
        assert gallery is not None
        key = (id(gallery), len(gallery), self.policy.watchlist_fpir)
        point = self._points.get(key)
        if point is None:
            point = watchlist_operating_point(
                self.calibration, self.policy.watchlist_fpir, len(gallery), gallery.subject_count
            )
            self._points = {key: point}  # one gallery at a time: a swapped snapshot replaces it
        return point

    def gallery_warning(self, point: WatchlistOperatingPoint) -> str | None:
        """What officers must know when the calibration cannot keep this gallery at the policy's target FPIR
        (most alarms may then be false), None otherwise."""
        if point.reachable:
            return None
        return _(
            "the calibration cannot keep a gallery of {templates:,} templates at the policy's {limit:.1%} false "
            "alarms (it can up to {largest:,} templates): at its strictest threshold about {expected:.1%} of "
            "travellers on no list are expected to alarm; treat face alarms with caution and ask the centre for a "
            "calibration on more data or a smaller list"
        ).format(
            templates=point.templates,
            limit=point.target_fpir,
            largest=largest_gallery(point.fmr, point.target_fpir),
            expected=point.expected_fpir,
        )

    def _lost_stolen(self, doc: DocumentSide, snapshot: Snapshot | None, today: dt.date) -> tuple[list, list]:
        check = "lost_stolen"
        if not doc.valid:
            return [], [(CheckOutcome(check, "not_done", _("no trustworthy document number")), "DOCUMENT_UNREADABLE")]
        if snapshot is None:
            return [], [(CheckOutcome(check, "not_done", _("no watchlist snapshot loaded")), "NO_SNAPSHOT")]
        if not snapshot.in_force(today).documents:
            detail = _nothing_in_force(snapshot, _("lost/stolen document"), snapshot.documents.size > 0)
            return [], [(CheckOutcome(check, "not_done", detail), "NO_DOCUMENT_LIST")]
        f = doc.reading.mrz.fields  # type: ignore[union-attr]
        screen = snapshot.screen_document(f.issuing_state, f.document_number, None, today)
        candidates = [
            WatchCandidate(
                "document",
                e.entry_id,
                e.watchlist,
                "lost_stolen_documents",
                f"{e.issuing_state} {e.number_normalised}",
                e.reason,
                1.0,
                1.0,
                rank,
                False,
                _("reported %(date)s") % {"date": e.reported_on.isoformat()},
            )
            for rank, e in enumerate(screen.hits, start=1)
        ]
        findings = []
        if screen.hits:
            listed = _("listed on %(watchlist)s") % {"watchlist": screen.hits[0].watchlist}
            findings.append((CheckOutcome(check, "failed", listed), "DOCUMENT_LISTED"))
        if screen.flags:
            findings.append((CheckOutcome(check, "failed", "; ".join(screen.flags)), "DOCUMENT_NUMBER_FLAG"))
        if not findings:
            detail = _("not among %(size)d listed documents") % {"size": snapshot.documents.size}
            findings.append((CheckOutcome(check, "passed", detail), ""))
        return candidates, findings

    def _names(self, doc: DocumentSide, snapshot: Snapshot | None, today: dt.date) -> tuple[list, list]:
        check = "watchlist_names"
        if not doc.valid:
            return [], [
                (CheckOutcome(check, "not_done", _("no trustworthy name on the document")), "DOCUMENT_UNREADABLE")
            ]
        if snapshot is None:
            return [], [(CheckOutcome(check, "not_done", _("no watchlist snapshot loaded")), "NO_SNAPSHOT")]
        if not snapshot.in_force(today).names:
            detail = _nothing_in_force(snapshot, _("name"), bool(snapshot.subjects))
            return [], [(CheckOutcome(check, "not_done", detail), "NO_NAME_WATCHLIST")]
        f = doc.reading.mrz.fields  # type: ignore[union-attr]
        name = f"{f.given_names} {f.surname}".strip()
        birth = f.birth_date.isoformat() if f.birth_date else None
        cutoff = self.policy.name_cutoff
        matches = snapshot.screen_name(name, birth, cutoff, today)[: self.policy.watchlist_candidates]
        candidates = [
            WatchCandidate(
                "name",
                m.subject.key,
                m.subject.watchlist,
                m.subject.category,
                m.subject.name_latin,
                m.subject.reason,
                round(m.hit.score, 4),
                cutoff,
                rank,
                m.subject.has_thumbnail,
                "; ".join(m.hit.reasons),
            )
            for rank, m in enumerate(matches, start=1)
        ]
        if candidates:
            detail = ngettext(
                "%(num)d name candidate, best score %(score).3f",
                "%(num)d name candidates, best score %(score).3f",
                len(candidates),
            ) % {"num": len(candidates), "score": matches[0].hit.score}
            return candidates, [(CheckOutcome(check, "failed", detail), "WATCHLIST_NAME_HIT")]
        return [], [(CheckOutcome(check, "passed", _("no name at or above %(cutoff)g") % {"cutoff": cutoff}), "")]


def _hit_detail(score: float, similarity: float, point: WatchlistOperatingPoint) -> str:
    """Why a face candidate alarmed, for the officer: its score, the threshold and where the threshold comes from."""
    numbers = {
        "score": score,
        "similarity": similarity,
        "threshold": point.threshold,
        "fpir": point.target_fpir,
        "size": point.templates,
    }
    if point.normalisation is None:
        return _("face score %(score).3f >= %(threshold).3f (FPIR %(fpir)g at %(size)d templates)") % numbers
    return (
        _(
            "similarity %(similarity).3f, normalised against the other listed faces %(score).3f >= %(threshold).3f "
            "(FPIR %(fpir)g at %(size)d templates)"
        )
        % numbers
    )


def _nothing_in_force(snapshot: Snapshot, what: str, listed_but_expired: bool) -> str:
    """Why a watchlist check had nothing to check against, for the officer (`what`: the kind of entry, translated)."""
    if listed_but_expired:
        return _(
            "every %(what)s entry of snapshot %(version)s is past its review date: the check could not be done; "
            "the kiosk needs a newer snapshot from the centre"
        ) % {"what": what, "version": snapshot.version}
    return _("snapshot %(version)s lists no %(what)s entries: the check could not be done") % {
        "what": what,
        "version": snapshot.version,
    }


def _wire_checks(doc: DocumentSide) -> list[DocumentCheck]:
    if doc.reading is None:
        return []
    return [
        DocumentCheck(name=c.name.upper(), passed=c.ok, detail=(c.detail or None) and c.detail[:200])
        for c in doc.reading.checks
    ]
