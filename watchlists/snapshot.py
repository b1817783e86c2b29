"""Signed, versioned watchlist snapshots: the centre builds one bundle, kiosks load it only if it is genuine and newer.

A bundle is one uncompressed tar file:
    manifest.json   format, version, creation time and author, face model, counts, and the SHA-256 and size of
                    every other member
    manifest.sig    Ed25519 signature of manifest.json's exact bytes
    subjects.json.gz  per subject only what an officer needs to judge a hit: names, date of birth, nationality,
                    sex, list, category, reason, review date
    names.json.gz   the names (Latin, original script, aliases) and dates of birth screened against
    documents.json.gz lost/stolen documents: issuing state, normalised number, type, dates
    faces/*         the FAISS gallery of face templates (matcher/gallery.py, saved by matcher/persist.py)
    thumbnails/*.jpg small face thumbnails, only for lists whose configuration allows officers to see one
No source photo is ever included. The signature covers the manifest and the manifest covers every member, so
changing, dropping or truncating anything is detected; the version must exceed the one in use (no rollback).
Expiry is checked again on the kiosk at screening time, so an old bundle never matches an expired entry.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlmodel import Session, col, func, select

from checkpoint.i18n import _
from matcher.atomic_file import atomic_write
from matcher.score_norm import CohortNormalisation
from watchlists.documents import DocumentList, DocumentScreen, ListedDocument
from watchlists.errors import SnapshotIncomplete, SnapshotRejected
from watchlists.models import FaceTemplate, SnapshotIssued, Watchlist
from watchlists.names import ListedName, NameHit, NameIndex
from watchlists.signing import verify
from watchlists.store import list_documents, list_subjects

FORMAT = "checkpoint-snapshot/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
FACES_DIR = "faces/"
THUMBS_DIR = "thumbnails/"
CURRENT = "current.snapshot"
HIGHEST = "highest_version"
MAX_BUNDLE_BYTES = 4 * 1024**3  # a 1M-face gallery with metadata stays well below


@dataclass(frozen=True)
class SubjectCard:
    """What an officer sees about a listed person on a hit; nothing more travels to the kiosk."""

    key: str
    watchlist: str
    category: str
    name_latin: str
    name_original: str
    aliases: list[str]
    birth_date: str | None
    nationality: str | None
    sex: str | None
    reason: str
    review_by: str  # ISO date; past it the entry is not matched
    has_thumbnail: bool = False


@dataclass
class SnapshotContent:
    """Everything a bundle will hold, collected from the database (or made up, for a size benchmark)."""

    subjects: list[SubjectCard]
    documents: list[ListedDocument]
    model_id: str | None = None
    dim: int = 0
    template_ids: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    template_subjects: list[str] = field(default_factory=list)
    vectors: np.ndarray = field(default_factory=lambda: np.empty((0, 0), np.float32))
    thumbnails: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class BundleInfo:
    path: Path
    version: int
    sha256: str
    size_bytes: int
    subjects: int
    templates: int
    names: int
    documents: int

    def summary(self) -> dict:
        """What the audit chain records of a published bundle: counts and hash, never its contents."""
        return {
            "version": self.version,
            "sha256": self.sha256,
            "subjects": self.subjects,
            "templates": self.templates,
            "names": self.names,
            "documents": self.documents,
        }


# --- centre side: collect, write, sign --------------------------------------------------------------------------


def subject_key(subject_id: int) -> str:
    """The id a subject has in bundles and galleries (never the owning authority's reference)."""
    return f"s{subject_id}"


def collect(session: Session, model_id: str, today: dt.date | None = None) -> SnapshotContent:
    """Matchable subjects (with their `model_id` templates) and documents on `today`, minimised for kiosks.

    Raises SnapshotIncomplete when a matchable subject has face templates but none of `model_id`: a kiosk
    would load the bundle and never alarm on that face, a silent pass worse than no bundle at all.
    """
    today = today or dt.date.today()
    lists = {w.id: w for w in session.exec(select(Watchlist)).all()}
    subjects = list_subjects(session, matchable_on=today)
    wanted = {s.id for s in subjects}
    # One query for every template (best quality first), grouped in Python: a query per subject would take
    # minutes at 100k subjects.
    # Only the columns a bundle needs: never the source photo, even where the site keeps it.
    by_subject: dict[int, list] = {}
    columns = select(
        FaceTemplate.id,
        FaceTemplate.subject_id,
        FaceTemplate.model_id,
        FaceTemplate.vector,
        FaceTemplate.thumbnail_jpeg,
    ).order_by(col(FaceTemplate.quality).desc())
    for template in session.exec(columns):
        if template.subject_id in wanted:
            by_subject.setdefault(template.subject_id, []).append(template)
    cards, thumbnails = [], {}
    ids, owners, vectors = [], [], []
    unmatchable: dict[str, int] = {}  # other model id -> subjects whose faces only that model can match
    for subject in subjects:
        watchlist = lists[subject.watchlist_id]
        key = subject_key(subject.id)
        templates = by_subject.get(subject.id, [])
        ours = [t for t in templates if t.model_id == model_id]
        for template in ours:
            ids.append(template.id)
            owners.append(key)
            vectors.append(np.frombuffer(template.vector, np.float32))
        if templates and not ours:
            for other in {t.model_id for t in templates}:
                unmatchable[other] = unmatchable.get(other, 0) + 1
        thumb = next((t.thumbnail_jpeg for t in templates if t.thumbnail_jpeg), None)
        if thumb is not None and watchlist.officer_thumbnail:
            thumbnails[key] = thumb
        cards.append(
            SubjectCard(
                key=key,
                watchlist=watchlist.name,
                category=watchlist.category.value,
                name_latin=subject.name_latin,
                name_original=subject.name_original,
                aliases=list(subject.aliases),
                birth_date=subject.birth_date,
                nationality=subject.nationality,
                sex=subject.sex,
                reason=subject.reason,
                review_by=subject.review_by.isoformat(),
                has_thumbnail=key in thumbnails,
            )
        )
    if unmatchable:
        found = ", ".join(
            _("%(count)s subject(s) with only %(model)s templates") % {"count": n, "model": m}
            for m, n in sorted(unmatchable.items())
        )
        raise SnapshotIncomplete(
            _("snapshot refused: kiosks match faces with model %(model)s, but %(found)s; those faces would never alarm")
            % {"model": model_id, "found": found},
            _(
                "Re-enrol their photos with the configured embedder (checkpoint watchlist import), or set "
                "CHECKPOINT_EMBEDDER to the model they were enrolled with, then publish again"
            ),
        )
    documents = [
        ListedDocument(
            entry_id=f"d{d.id}",
            issuing_state=d.issuing_state,
            number_normalised=d.number_normalised,
            doc_type=d.doc_type,
            reported_on=d.reported_on,
            review_by=d.review_by,
            watchlist=lists[d.watchlist_id].name,
            reason=d.reason,
        )
        for d in list_documents(session, matchable_on=today)
    ]
    content = SnapshotContent(cards, documents, thumbnails=thumbnails)
    if vectors:
        content.model_id = model_id
        content.vectors = np.vstack(vectors).astype(np.float32)
        content.dim = content.vectors.shape[1]
        content.template_ids = np.array(ids, np.int64)
        content.template_subjects = owners
    return content


def next_version(session: Session) -> int:
    """One more than the highest version ever issued (versions never repeat, so kiosks never roll back)."""
    highest = session.exec(select(func.max(SnapshotIssued.version))).one()
    return (highest or 0) + 1


def build_snapshot(
    session: Session,
    private_key: Ed25519PrivateKey,
    out_path: Path,
    actor: str,
    model_id: str,
    today: dt.date | None = None,
) -> BundleInfo:
    """Collect what is matchable today, write and sign the next version, and record it as issued."""
    content = collect(session, model_id, today)
    version = next_version(session)
    info = write_bundle(content, version, private_key, out_path, actor)
    session.add(
        SnapshotIssued(
            version=version,
            created_by=actor,
            sha256=info.sha256,
            subjects=info.subjects,
            templates=info.templates,
            names=info.names,
            documents=info.documents,
        )
    )
    session.flush()
    return info


def write_bundle(
    content: SnapshotContent, version: int, private_key: Ed25519PrivateKey, out_path: Path, created_by: str
) -> BundleInfo:
    """Write `content` as signed bundle `version` at `out_path` (atomically: temp file, then rename)."""
    members: dict[str, bytes] = {
        "subjects.json.gz": _gzip_json([asdict(c) for c in content.subjects]),
        "names.json.gz": _gzip_json(
            [
                {
                    "key": c.key,
                    "names": [n for n in (c.name_latin, c.name_original, *c.aliases) if n],
                    "birth_date": c.birth_date,
                    "review_by": c.review_by,
                }  # fmt: skip
                for c in content.subjects
            ]
        ),
        "documents.json.gz": _gzip_json([_document_json(d) for d in content.documents]),
    }
    for key, jpeg in sorted(content.thumbnails.items()):
        members[f"{THUMBS_DIR}{key}.jpg"] = jpeg
    if content.model_id is not None and len(content.template_ids):
        members.update(_face_files(content))
    manifest = {
        "format": FORMAT,
        "version": version,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "created_by": created_by,
        "model_id": content.model_id,
        "counts": {
            "subjects": len(content.subjects),
            "templates": len(content.template_ids),
            "names": sum(1 + (1 if c.name_original else 0) + len(c.aliases) for c in content.subjects),
            "documents": len(content.documents),
            "thumbnails": len(content.thumbnails),
        },
        "members": {name: {"sha256": _sha256(data), "size": len(data)} for name, data in sorted(members.items())},
    }
    manifest_bytes = _json(manifest)
    signature = private_key.sign(manifest_bytes)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out_path.parent, prefix=".snapshot-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            with tarfile.open(fileobj=fh, mode="w", format=tarfile.PAX_FORMAT) as tar:
                for name, data in [(MANIFEST, manifest_bytes), (SIGNATURE, signature), *sorted(members.items())]:
                    _add(tar, name, data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    counts = manifest["counts"]
    return BundleInfo(
        out_path,
        version,
        _file_sha256(out_path),
        out_path.stat().st_size,
        counts["subjects"],
        counts["templates"],
        counts["names"],
        counts["documents"],
    )


def _face_files(content: SnapshotContent) -> dict[str, bytes]:
    """The face gallery as the matcher saves it, as bundle members under faces/ (the one FAISS touch point)."""
    from matcher.gallery import Gallery
    from matcher.persist import save_gallery

    gallery = Gallery(content.model_id, content.dim, background_rebuild=False)
    gallery.add_many(content.template_subjects, content.template_ids, content.vectors, content.model_id)
    with tempfile.TemporaryDirectory(prefix="snapshot-faces-") as tmp:
        save_gallery(gallery, Path(tmp))
        return {FACES_DIR + p.name: p.read_bytes() for p in sorted(Path(tmp).iterdir()) if p.is_file()}


def _load_face_gallery(files: dict[str, bytes], model_id: str):
    """The gallery from verified faces/ members."""
    from matcher.persist import load_gallery

    with tempfile.TemporaryDirectory(prefix="snapshot-faces-") as tmp:
        for name, data in files.items():
            (Path(tmp) / Path(name).name).write_bytes(data)
        return load_gallery(Path(tmp), model_id)


# --- kiosk side: verify, load, screen ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FaceHit:
    subject: SubjectCard
    score: float  # what the threshold applies to: the similarity, or the normalised score
    template_id: int
    similarity: float  # cosine similarity of the subject's best template


@dataclass(frozen=True)
class NameMatch:
    subject: SubjectCard
    hit: NameHit


@dataclass(frozen=True)
class InForce:
    """How many entries each watchlist check can match on a day; 0 means that check has nothing to check
    against (an empty list, or every entry past its review date on a kiosk that has been offline too long)."""

    faces: int  # subjects with a face template
    names: int  # subjects (every subject has a name)
    documents: int  # lost/stolen documents


class Snapshot:
    """A verified bundle in memory: screen faces, names and documents against it."""

    def __init__(self, manifest: dict, subjects: list[SubjectCard], names: list[ListedName],
                 documents: list[ListedDocument], gallery, thumbnails: dict[str, bytes]) -> None:  # fmt: skip
        self.manifest = manifest
        self.version: int = manifest["version"]
        self.model_id: str | None = manifest["model_id"]
        self.subjects = {s.key: s for s in subjects}
        self._review_by = {s.key: dt.date.fromisoformat(s.review_by) for s in subjects}
        self._review_days = np.array([d.toordinal() for d in self._review_by.values()], dtype=np.int64)
        self.names = NameIndex(names)
        self.documents = DocumentList(documents)
        self.gallery = gallery
        self.thumbnails = thumbnails
        faces = gallery.subject_ids() if gallery is not None else []
        self._face_review_days = np.array([self._review_by[k].toordinal() for k in faces], dtype=np.int64)

    def in_force(self, today: dt.date) -> InForce:
        """What each check can match on `today`."""
        day = today.toordinal()
        return InForce(
            faces=int((self._face_review_days >= day).sum()),
            names=int((self._review_days >= day).sum()),
            documents=self.documents.in_force(today),
        )

    def _current(self, key: str, today: dt.date) -> bool:
        return self._review_by[key] >= today

    def screen_face(
        self,
        probe: np.ndarray,
        model_id: str,
        threshold: float,
        k: int = 5,
        today: dt.date | None = None,
        normalisation: CohortNormalisation | None = None,
    ) -> list[FaceHit]:
        """Listed subjects whose best template scores at least `threshold` (from a calibration), best first;
        with a `normalisation` the threshold applies to the cohort-normalised score (matcher/score_norm.py)."""
        if self.gallery is None:
            return []
        today = today or dt.date.today()
        expired = int((self._review_days < today.toordinal()).sum())
        candidates = self.gallery.search(probe, model_id, k + expired, threshold, normalisation)
        hits = [
            FaceHit(
                self.subjects[c.subject_id], c.score, c.template_id, c.score if c.similarity is None else c.similarity
            )
            for c in candidates
        ]
        return [h for h in hits if self._current(h.subject.key, today)][:k]

    def screen_name(
        self, name: str, birth_date: str | None, cutoff: float, today: dt.date | None = None
    ) -> list[NameMatch]:
        """Listed subjects whose names score at least `cutoff` against `name` (+ date of birth), with reasons."""
        today = today or dt.date.today()
        hits = self.names.screen(name, birth_date, cutoff)
        return [NameMatch(self.subjects[h.entry_id], h) for h in hits if self._current(h.entry_id, today)]

    def screen_document(
        self, issuing_state: str, number: str, check_digit: str | None = None, today: dt.date | None = None
    ) -> DocumentScreen:
        return self.documents.screen(issuing_state, number, check_digit, today)


def read_bundle(data: bytes, public_key: Ed25519PublicKey, newer_than: int = 0, what: str | None = None) -> Snapshot:
    """Verify and load a bundle: signature, format, version > `newer_than`, every member's hash. Raises
    SnapshotRejected saying why; nothing is half-loaded."""
    what = what or _("the bundle")
    members = _members(data, what)
    manifest_bytes, signature = members.pop(MANIFEST, None), members.pop(SIGNATURE, None)
    if manifest_bytes is None or signature is None:
        raise _rejected(what, _("it has no signed manifest (truncated, or not a snapshot bundle)"))
    if not verify(public_key, signature, manifest_bytes):
        raise _rejected(what, _("its signature does not verify with the configured public key (tampered or foreign)"))
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError as exc:
        raise _rejected(what, _("its manifest is not JSON (%(reason)s)") % {"reason": exc}) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise _rejected(
            what, _("it has format %(found)r; this kiosk reads %(format)r") % {"found": found, "format": FORMAT}
        )
    if not isinstance(manifest.get("version"), int) or manifest["version"] <= newer_than:
        raise _rejected(
            what,
            _(
                "its version %(version)s is not newer than the version in use (%(in_use)s); "
                "an older snapshot could bring back delisted entries"
            )
            % {"version": manifest.get("version"), "in_use": newer_than},
        )
    listed = manifest["members"]
    if set(listed) != set(members):
        missing, extra = sorted(set(listed) - set(members)), sorted(set(members) - set(listed))
        raise _rejected(
            what,
            _("its members differ from the manifest (missing %(missing)s, unlisted %(extra)s)")
            % {"missing": missing[:3], "extra": extra[:3]},
        )
    for name, expected in listed.items():
        if len(members[name]) != expected["size"] or _sha256(members[name]) != expected["sha256"]:
            raise _rejected(
                what, _("member %(name)s does not match its signed hash (altered or truncated)") % {"name": name}
            )
    subjects = [SubjectCard(**s) for s in _gunzip_json(members["subjects.json.gz"])]
    names = [ListedName(n["key"], tuple(n["names"]), n["birth_date"]) for n in _gunzip_json(members["names.json.gz"])]
    documents = [_document_from_json(d) for d in _gunzip_json(members["documents.json.gz"])]
    faces = {n: d for n, d in members.items() if n.startswith(FACES_DIR)}
    gallery = _load_face_gallery(faces, manifest["model_id"]) if faces else None
    thumbnails = {Path(n).stem: d for n, d in members.items() if n.startswith(THUMBS_DIR)}
    return Snapshot(manifest, subjects, names, documents, gallery, thumbnails)


class SnapshotStore:
    """A kiosk's snapshot: the bundle in use, kept on disk, replaced only by a verified newer one."""

    def __init__(self, directory: Path, public_key: Ed25519PublicKey) -> None:
        self.directory = Path(directory)
        self.public_key = public_key
        self.current: Snapshot | None = None
        path = self.directory / CURRENT
        if path.is_file():
            self.current = read_bundle(path.read_bytes(), public_key, 0, str(path))
        # The highest version ever accepted is kept apart from the bundle, so losing or deleting the current
        # bundle does not reopen the door to an older one.
        highest = self.directory / HIGHEST
        self._highest = int(highest.read_text()) if highest.is_file() and highest.read_text().strip().isdigit() else 0

    @property
    def version(self) -> int:
        """The version a new bundle must exceed."""
        return max(self.current.version if self.current else 0, self._highest)

    def install(self, bundle: Path) -> Snapshot:
        """Verify `bundle` and switch to it; on any problem raise SnapshotRejected and keep the current one."""
        bundle = Path(bundle)
        try:
            size = bundle.stat().st_size
        except OSError as exc:
            raise _rejected(str(bundle), _("it cannot be read (%(reason)s)") % {"reason": exc.strerror}) from exc
        if size > MAX_BUNDLE_BYTES:
            raise _rejected(
                str(bundle),
                _("it is %(size)s bytes, more than the %(limit)s allowed") % {"size": size, "limit": MAX_BUNDLE_BYTES},
            )
        data = bundle.read_bytes()
        snapshot = read_bundle(data, self.public_key, self.version, str(bundle))
        self.directory.mkdir(parents=True, exist_ok=True)
        atomic_write(self.directory / CURRENT, data)
        atomic_write(self.directory / HIGHEST, f"{snapshot.version}\n".encode())
        self._highest = snapshot.version
        self.current = snapshot
        return snapshot


# --- internals --------------------------------------------------------------------------------------------------


def _members(data: bytes, what: str) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
            for info in tar:
                if not info.isfile() or info.name in out or info.name.startswith("/") or ".." in info.name:
                    raise _rejected(what, _("it holds an unexpected member %(name)r") % {"name": info.name})
                handle = tar.extractfile(info)
                content = handle.read() if handle else b""
                if len(content) != info.size:
                    raise _rejected(what, _("member %(name)s is truncated") % {"name": info.name})
                out[info.name] = content
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise _rejected(what, _("it is not a complete bundle (%(reason)s)") % {"reason": exc}) from exc
    if not out:
        raise _rejected(what, _("it is empty"))
    return out


def _rejected(what: str, why: str) -> SnapshotRejected:
    return SnapshotRejected(
        _("snapshot %(what)s refused: %(why)s") % {"what": what, "why": why},
        _("The kiosk keeps screening with the snapshot it has; fetch a fresh bundle from the centre"),
    )


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0  # identical content gives identical bytes apart from the manifest
    info.mode = 0o644
    tar.addfile(info, io.BytesIO(data))


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _gzip_json(value) -> bytes:
    """JSON, gzipped without a timestamp: metadata shrinks several-fold on the way to a poorly connected post."""
    return gzip.compress(_json(value), compresslevel=6, mtime=0)


def _gunzip_json(data: bytes):
    return json.loads(gzip.decompress(data))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _document_json(d: ListedDocument) -> dict:
    return {**asdict(d), "reported_on": d.reported_on.isoformat(), "review_by": d.review_by.isoformat()}


def _document_from_json(d: dict) -> ListedDocument:
    return ListedDocument(
        **{
            **d,
            "reported_on": dt.date.fromisoformat(d["reported_on"]),
            "review_by": dt.date.fromisoformat(d["review_by"]),
        }
    )
