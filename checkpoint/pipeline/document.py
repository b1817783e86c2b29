"""The document side of a screening: MRZ fields and checks, and the portrait's face template."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from checkpoint.i18n import _
from edge.document.reader import DocumentReader, DocumentReading
from edge.face.analyzer import FaceAnalyzer, choose_primary
from edge.face.face import Face


@dataclass
class DocumentSide:
    """What the data page gave: the reading (None when no MRZ shape was found) and the portrait's face."""

    reading: DocumentReading | None
    portrait_face: Face | None
    portrait: np.ndarray | None
    problem: str = ""  # why the MRZ cannot be trusted, when it cannot
    notes: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.reading is not None and self.reading.valid


def read_document_side(rgb: np.ndarray, reader: DocumentReader, analyzer: FaceAnalyzer, today: dt.date) -> DocumentSide:
    """Read the MRZ and find the portrait's face; never raises on a bad page, it says what was wrong."""
    from edge.errors import EdgeError

    try:
        reading = reader.read(rgb, today, portrait=True)
    except EdgeError as exc:
        return DocumentSide(None, None, None, problem=exc.problem)
    problem = "" if reading.valid else _("the MRZ cannot be trusted: %(reason)s") % {"reason": reading.repair.reason}
    if reading.portrait is None:
        return DocumentSide(reading, None, None, problem, [_("no portrait found on the data page")])
    crop = reading.portrait.crop
    # The portrait is printed and re-photographed: the live-capture gate (inter-eye distance, sharpness) would
    # reject most of them, so the portrait's quality is recorded, not gated.
    faces = analyzer.get(crop, embed=False)
    if not faces:
        return DocumentSide(reading, None, crop, problem, [_("no face detected in the portrait crop")])
    face = choose_primary(faces, crop.shape[:2])
    face.embedding = analyzer.embedder.embed([face.chip])[0]
    face.model_id = analyzer.model_id
    return DocumentSide(reading, face, crop, problem)
