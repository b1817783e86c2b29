"""Read a travel document's data page: locate the MRZ, OCR it, repair and validate it, check it, find the portrait.

reader = DocumentReader(MrzOcr(), make_detector("hog"))
reading = reader.read(load_image("page.jpg"))
reading.valid, reading.mrz.fields.surname, reading.checks, reading.portrait
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from edge.document.checks import MAX_AGE_YEARS, MAX_VALIDITY_YEARS, DocumentCheck, document_checks
from edge.document.errors import InvalidMRZ, NoMRZFound
from edge.document.locate import MrzBlock, block_box, find_mrz, upright_crops, upright_rotation
from edge.document.mrz_parse import ParsedMrz
from edge.document.mrz_repair import RepairOutcome, repair_mrz
from edge.document.ocr import MrzOcr
from edge.document.portrait import Portrait, find_portrait
from edge.face.detect import Detector

# Where other text lies tells up from down; between these shares of text below the MRZ, both ways are read.
SURELY_UPRIGHT, SURELY_UPSIDE_DOWN = 0.3, 0.7


@dataclass
class DocumentReading:
    """Everything read from one data page; `valid` only when the MRZ passed every check digit."""

    lines_read: tuple[str, ...]
    line_confidence: tuple[float, ...]
    rotation_deg: float
    repair: RepairOutcome
    checks: list[DocumentCheck]
    portrait: Portrait | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def mrz(self) -> ParsedMrz | None:
        """The parsed (and, when accepted, repaired) MRZ; None when the text had no MRZ shape at all."""
        return self.repair.parsed

    @property
    def valid(self) -> bool:
        """True when the MRZ was accepted: every check digit holds, unambiguously."""
        return self.repair.accepted

    @property
    def confidence(self) -> float:
        """The OCR's mean character confidence over the MRZ lines (0-1); 0 when nothing was read."""
        return float(np.mean(self.line_confidence)) if self.line_confidence else 0.0

    def require_valid(self) -> ParsedMrz:
        """The MRZ, or InvalidMRZ naming what failed."""
        if not self.valid or self.mrz is None:
            raise InvalidMRZ(
                f"the MRZ was read but cannot be trusted: {self.repair.reason}",
                "Rescan the data page flat, without glare, or enter the document by hand",
            )
        return self.mrz

    def to_dict(self) -> dict:
        """A JSON-ready view; the portrait as its box only (the pixels stay in memory)."""
        return {
            "valid": self.valid,
            "format": self.mrz.format if self.mrz else None,
            "mrz": list(self.mrz.lines) if self.mrz else None,
            "fields": self.mrz.to_dict()["fields"] if self.mrz else None,
            "mrz_checks": [c.__dict__ for c in self.mrz.checks] if self.mrz else [],
            "failing": self.mrz.failing if self.mrz else [],
            "checks": [c.__dict__ for c in self.checks],
            "repair": self.repair.to_dict(),
            "ocr": {"lines": list(self.lines_read), "line_confidence": [round(c, 4) for c in self.line_confidence]},
            "confidence": round(self.confidence, 4),
            "rotation_deg": round(self.rotation_deg, 2),
            "portrait": {"bbox": list(self.portrait.bbox), "score": round(self.portrait.score, 3)}
            if self.portrait
            else None,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }


@dataclass
class _Attempt:
    flip: bool
    texts: tuple[str, ...]
    confidence: tuple[float, ...]
    repair: RepairOutcome


class DocumentReader:
    """The document pipeline with its models loaded once; `read` is safe to call for every traveller."""

    def __init__(
        self,
        ocr: MrzOcr,
        face_detector: Detector | None = None,
        max_validity_years: int = MAX_VALIDITY_YEARS,
        max_age_years: int = MAX_AGE_YEARS,
    ) -> None:
        self.ocr = ocr
        self.face_detector = face_detector
        self.max_validity_years = max_validity_years
        self.max_age_years = max_age_years

    def read(self, rgb: np.ndarray, today: dt.date | None = None, portrait: bool = True) -> DocumentReading:
        """Read the data page in `rgb`; NoMRZFound when no MRZ is on it. An unreadable MRZ comes back invalid."""
        today = today or dt.date.today()
        timings: dict[str, float] = {}
        start = time.perf_counter()
        boxes, _ = self.ocr.detect(rgb)
        block = find_mrz(boxes)
        timings["locate"] = (time.perf_counter() - start) * 1000
        if block is None:
            raise NoMRZFound(
                f"no machine readable zone found on the image ({len(boxes)} text areas, none MRZ-shaped)",
                "Place the whole data page in view, MRZ included, flat and in focus",
            )
        start = time.perf_counter()
        first = block.upside_down_votes > 0.5
        attempts = [self._attempt(rgb, block, first, today)]
        if not attempts[0].repair.accepted:
            attempts.append(self._attempt(rgb, block, not first, today))
        best = max(attempts, key=lambda a: (a.repair.accepted, a.repair.parsed is not None, np.mean(a.confidence)))
        timings["ocr"] = (time.perf_counter() - start) * 1000
        checks = []
        if best.repair.parsed is not None:
            checks = document_checks(best.repair.parsed, today, self.max_age_years, self.max_validity_years)
        found = None
        if portrait and self.face_detector is not None:
            start = time.perf_counter()
            found = self._portrait(rgb, block, best.flip)
            timings["portrait"] = (time.perf_counter() - start) * 1000
        return DocumentReading(
            lines_read=best.texts,
            line_confidence=best.confidence,
            rotation_deg=(block.angle_deg + (180.0 if best.flip else 0.0)) % 360.0,
            repair=best.repair,
            checks=checks,
            portrait=found,
            timings_ms=timings,
        )

    def _attempt(self, rgb: np.ndarray, block: MrzBlock, flip: bool, today: dt.date) -> _Attempt:
        crops, _ = upright_crops(rgb, block, flip)
        reads = self.ocr.recognise(crops, chars_per_line=30 if len(crops) == 3 else 44)
        texts = tuple(r.text for r in reads)
        repair = repair_mrz(texts, today, [r.alternatives for r in reads])
        return _Attempt(flip, texts, tuple(r.confidence for r in reads), repair)

    def _portrait(self, rgb: np.ndarray, block: MrzBlock, flip: bool) -> Portrait | None:
        assert self.face_detector is not None
        rot, size = upright_rotation(rgb.shape, block, flip)
        upright = cv2.warpAffine(rgb, rot, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        return find_portrait(upright, block_box(block, rot), self.face_detector)
