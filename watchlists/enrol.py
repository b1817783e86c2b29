"""Enrolment: a folder per subject of photos plus a CSV/JSON manifest, through the face pipeline, into a watchlist.

    FOLDER/<reference>/*.jpg     photos of the subject whose manifest row has that `reference`
    manifest.csv | .json         one row per subject: reference, name_latin, reason, review_by (or a default),
                                 name_original, aliases (";"-separated in CSV), birth_date, nationality, sex

Each photo runs through the face pipeline with the enrolment quality gate (stricter than screening: an
enrolled template is compared with every traveller), and must show one face clearly larger than any other.
A rejected photo is reported with the gate's reasons. Import is idempotent: a subject is found again by its
reference and updated; a photo already enrolled (same SHA-256, same face model) is not processed again; a
template whose photo has left the subject's folder is removed. One subject is one transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session
from tqdm import tqdm

from checkpoint.i18n import _
from checkpoint.validation_words import sentence
from edge.errors import EdgeError
from edge.face.analyzer import FaceAnalyzer
from edge.face.face import Face
from edge.image import load_image
from watchlists.errors import ForbiddenTransition, InvalidEntry, ManifestError
from watchlists.models import SubjectCreate
from watchlists.store import add_template, get_watchlist, remove_template, templates_of, upsert_subject

_REFERENCE = re.compile(r"^[\w.\-]+$")
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})
# Another face in an enrolment photo must be this many times smaller than the subject's (a bystander far behind).
DOMINANT_FACE_RATIO = 2.0
_FIELDS = ("reference", "name_latin", "name_original", "aliases", "birth_date", "nationality", "sex", "reason",
           "review_by")  # fmt: skip


@dataclass(frozen=True)
class ImageOutcome:
    reference: str
    file: str
    status: str  # enrolled | unchanged | rejected
    reasons: list[str] = field(default_factory=list)
    quality: float | None = None


@dataclass
class EnrolReport:
    """What an import did, per subject and per image, for the summary and for scripts (JSON)."""

    subjects: dict[str, str] = field(default_factory=dict)  # reference -> created | updated | unchanged | refused
    refused: dict[str, str] = field(default_factory=dict)  # reference -> why
    images: list[ImageOutcome] = field(default_factory=list)
    templates_removed: int = 0
    folders_without_row: list[str] = field(default_factory=list)
    rows_without_folder: list[str] = field(default_factory=list)
    seconds: float = 0.0
    images_processed: int = 0  # went through the face pipeline (not unchanged)

    def count(self, status: str) -> int:
        return sum(1 for i in self.images if i.status == status)

    @property
    def images_per_second(self) -> float:
        return self.images_processed / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        """A few lines a person reads at the end of an import."""
        by_status = {s: sum(1 for v in self.subjects.values() if v == s) for s in ("created", "updated", "unchanged")}
        lines = [
            f"subjects: {by_status['created']} created, {by_status['updated']} updated, "
            f"{by_status['unchanged']} unchanged, {len(self.refused)} refused",
            f"images: {self.count('enrolled')} enrolled, {self.count('unchanged')} already enrolled, "
            f"{self.count('rejected')} rejected; {self.templates_removed} template(s) removed (photo gone)",
            f"time: {self.seconds:.1f} s ({self.images_per_second:.2f} images/s through the face pipeline)",
        ]
        for reference, why in sorted(self.refused.items()):
            lines.append(f"  refused {reference}: {why}")
        for outcome in self.images:
            if outcome.status == "rejected":
                lines.append(f"  rejected {outcome.reference}/{outcome.file}: {'; '.join(outcome.reasons)}")
        if self.folders_without_row:
            lines.append(f"  folders with no manifest row (skipped): {', '.join(sorted(self.folders_without_row))}")
        if self.rows_without_folder:
            lines.append(f"  subjects with no photo folder (names only): {', '.join(sorted(self.rows_without_folder))}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            "subjects": self.subjects,
            "refused": self.refused,
            "images": [vars(i) for i in self.images],
            "templates_removed": self.templates_removed,
            "folders_without_row": self.folders_without_row,
            "rows_without_folder": self.rows_without_folder,
            "seconds": self.seconds,
            "images_processed": self.images_processed,
            "images_per_second": self.images_per_second,
        }


# --- manifest ---------------------------------------------------------------------------------------------------


def read_manifest(path: Path, default_review_by: dt.date | None = None) -> list[SubjectCreate]:
    """Subjects from a CSV or JSON manifest; a bad row raises ManifestError naming the row and the field."""
    path = Path(path)
    if not path.is_file():
        raise ManifestError(
            _("manifest %(path)s does not exist") % {"path": path}, _("Check the path given to --manifest")
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ManifestError(
            _("manifest %(path)s is not UTF-8 text") % {"path": path}, _("Save it as UTF-8 (CSV or JSON)")
        ) from exc
    if path.suffix.lower() == ".json":
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ManifestError(
                _("manifest %(path)s is not valid JSON (%(reason)s)") % {"path": path, "reason": exc},
                _("Fix the JSON syntax"),
            ) from exc
        if isinstance(rows, dict):
            rows = rows.get("subjects")
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ManifestError(
                _('manifest %(path)s must be a JSON list of subjects (or {"subjects": [...]})') % {"path": path},
                _("Fix its structure"),
            )
    elif path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        for row in rows:
            if isinstance(row.get("aliases"), str):
                row["aliases"] = row["aliases"].split(";")
    else:
        raise ManifestError(
            _("manifest %(path)s is neither .csv nor .json") % {"path": path}, _("Give a CSV or JSON manifest")
        )
    subjects, seen = [], set()
    for number, row in enumerate(rows, start=2 if path.suffix.lower() == ".csv" else 1):
        where = (_("%(file)s line %(number)s") if path.suffix.lower() == ".csv" else _("%(file)s item %(number)s")) % {
            "file": path.name,
            "number": number,
        }
        unknown = set(row) - set(_FIELDS) - {None}
        if unknown:
            raise ManifestError(
                _("%(where)s: unknown column(s) %(unknown)s") % {"where": where, "unknown": sorted(unknown)},
                _("Use only these columns: %(columns)s") % {"columns": ", ".join(_FIELDS)},
            )
        values = {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items() if k and v not in ("", None)}
        reference = values.pop("reference", None)
        if not reference:
            raise ManifestError(
                _("%(where)s: no reference") % {"where": where},
                _("Every row needs the subject's reference (its folder name)"),
            )
        if not _REFERENCE.match(reference) or reference in (".", ".."):
            raise ManifestError(
                _("%(where)s: reference %(ref)r is not a plain folder name") % {"where": where, "ref": reference},
                _("Use letters, digits, '.', '-' and '_' only (it names the subject's photo folder)"),
            )
        if reference in seen:
            raise ManifestError(
                _("%(where)s: reference %(ref)r appears twice") % {"where": where, "ref": reference},
                _("Give each subject one row"),
            )
        seen.add(reference)
        if "review_by" not in values:
            if default_review_by is None:
                raise ManifestError(
                    _("%(where)s: subject %(ref)r has no review_by date") % {"where": where, "ref": reference},
                    _("Add a review_by column, or give --review-by for rows without one"),
                )
            values["review_by"] = default_review_by
        try:
            subjects.append(SubjectCreate(external_ref=reference, **values))
        except ValidationError as exc:
            raise ManifestError(
                _("%(where)s: %(error)s") % {"where": where, "error": sentence(exc.errors()[0])},
                _("Correct that value"),
            ) from exc
    return subjects


# --- enrolment --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EnrolOptions:
    actor: str
    reason: str
    keep_source_images: bool = False
    thumbnail_px: int = 96
    progress: bool = True
    today: dt.date | None = None


def enrol_folder(
    engine: Engine,
    watchlist_name: str,
    folder: Path,
    subjects: list[SubjectCreate],
    analyzer: FaceAnalyzer,
    options: EnrolOptions,
) -> EnrolReport:
    """Create or update every manifest subject on the list and enrol the photos in its folder."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ManifestError(
            _("photo folder %(folder)s does not exist") % {"folder": folder},
            _("Give the folder holding one folder per subject"),
        )
    report = EnrolReport()
    start = time.perf_counter()
    references = {s.external_ref for s in subjects}
    report.folders_without_row = sorted(p.name for p in folder.iterdir() if p.is_dir() and p.name not in references)
    photos = {s.external_ref: _photos(folder / s.external_ref) for s in subjects}
    report.rows_without_folder = sorted(r for r in references if not (folder / r).is_dir())
    total = sum(len(p) for p in photos.values())
    with (
        Session(engine) as session,
        tqdm(total=total, unit="img", desc="enrolling", disable=not options.progress, leave=False) as bar,
    ):
        get_watchlist(session, watchlist_name)  # an unknown list fails before any work
        for data in subjects:
            files = photos[data.external_ref]
            try:
                watchlist = get_watchlist(session, watchlist_name)
                subject, outcome = upsert_subject(
                    session, watchlist, data, options.actor, options.reason, options.today
                )
                outcomes, digests = _enrol_photos(
                    session, subject, files, analyzer, options, watchlist.officer_thumbnail, bar, report
                )
                removed = 0
                if (folder / data.external_ref).is_dir():
                    removed = _drop_vanished(session, subject, digests, analyzer.model_id, options)
                session.commit()
            except (InvalidEntry, ForbiddenTransition) as exc:
                session.rollback()
                report.subjects[data.external_ref] = "refused"
                report.refused[data.external_ref] = exc.problem
                bar.update(len(files))
                continue
            if outcome == "unchanged" and (removed or any(o.status == "enrolled" for o in outcomes)):
                outcome = "updated"
            report.subjects[data.external_ref] = outcome
            report.templates_removed += removed
            report.images.extend(outcomes)
    report.seconds = time.perf_counter() - start
    return report


def _photos(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def _enrol_photos(session, subject, files, analyzer, options, thumbnails, bar, report) -> tuple[list, set[str]]:
    """Enrol the photos not enrolled yet; returns their outcomes and the SHA-256 of every photo in the folder."""
    existing = {t.source_sha256 for t in templates_of(session, subject.id) if t.model_id == analyzer.model_id}
    outcomes, digests = [], set()
    for path in files:
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        digests.add(digest)
        if digest in existing:
            outcomes.append(ImageOutcome(subject.external_ref, path.name, "unchanged"))
            bar.update(1)
            continue
        report.images_processed += 1
        outcome = _enrol_one(session, subject, path, data, digest, analyzer, options, thumbnails)
        existing.add(digest)
        outcomes.append(outcome)
        bar.update(1)
    return outcomes, digests


def _enrol_one(session, subject, path: Path, data: bytes, digest: str, analyzer, options, thumbnails) -> ImageOutcome:
    reference = subject.external_ref
    try:
        rgb = load_image(data)
    except EdgeError as exc:
        return ImageOutcome(reference, path.name, "rejected", [exc.problem])
    faces = analyzer.get(rgb, embed=False)
    problem = _face_problem(faces)
    if problem:
        return ImageOutcome(reference, path.name, "rejected", [problem])
    face = faces[0]
    quality = face.quality
    if not quality.passed:
        return ImageOutcome(reference, path.name, "rejected", list(quality.reasons), round(quality.score, 1))
    vector = analyzer.embedder.embed([face.chip])[0]
    add_template(
        session,
        subject,
        analyzer.model_id,
        vector,
        quality.score,
        digest,
        options.actor,
        options.reason,
        source_name=path.name,
        thumbnail_jpeg=_thumbnail(rgb, face, options.thumbnail_px) if thumbnails else None,
        source_image=data if options.keep_source_images else None,
    )
    return ImageOutcome(reference, path.name, "enrolled", [], round(quality.score, 1))


def _face_problem(faces: list[Face]) -> str | None:
    if not faces:
        return "no face found: use a photo where the face is fully visible, frontal and well lit"
    if len(faces) > 1 and faces[0].area < DOMINANT_FACE_RATIO * faces[1].area:
        return f"{len(faces)} faces of similar size in the photo: crop it to the subject alone"
    return None


def _drop_vanished(session, subject, present: set[str], model_id: str, options: EnrolOptions) -> int:
    removed = 0
    for template in templates_of(session, subject.id):
        if template.model_id == model_id and template.source_sha256 not in present:
            remove_template(
                session, template.id, options.actor, f"photo no longer in the import folder: {options.reason}"
            )
            removed += 1
    return removed


def _thumbnail(rgb: np.ndarray, face: Face, size: int) -> bytes:
    """A small JPEG of the face with some margin, for officers judging a hit (never the full photo)."""
    left, top, right, bottom = (float(v) for v in face.bbox)
    margin = 0.35 * max(right - left, bottom - top)
    height, width = rgb.shape[:2]
    box = (
        int(max(0, left - margin)),
        int(max(0, top - margin)),
        int(min(width, right + margin)),
        int(min(height, bottom + margin)),
    )
    image = Image.fromarray(rgb).crop(box)
    image.thumbnail((size, size))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()
