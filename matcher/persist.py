"""Save and load a gallery: a FAISS index file and an id sidecar, committed together by one atomic rename.

A saved gallery is a directory holding `gallery.json` (the manifest: format version, model id, dimension,
index spec, counts, and the name and SHA-256 of the two data files) plus `index-<digest>.faiss` and
`ids-<digest>.npz`. Data files are written under new names (temp file, fsync, rename) before the manifest is
replaced the same way, so the manifest rename is the single commit point: a crash leaves the old gallery or
the new one, never a mix. Loading checks every field and both digests, so a truncated, foreign or mismatched
file is a GalleryFileError, never a silently empty gallery. Removed templates are not in the files: their
vectors were zeroed (or removed) at removal time and their ids are stored as -1.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np

from matcher.atomic_file import atomic_write
from matcher.errors import GalleryFileError
from matcher.gallery import Gallery
from matcher.index_choice import IndexSpec, supports_ids
from matcher.template import check_model

FORMAT = "checkpoint-gallery/1"
MANIFEST = "gallery.json"


def save_gallery(gallery: Gallery, directory: Path) -> Path:
    """Write `gallery` into `directory` atomically; returns the manifest path. Searches may run meanwhile."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    index, template_ids, subject_of, names, spec, release = gallery.export()
    try:
        index_file = _write_data(directory, "index", ".faiss", lambda tmp: faiss.write_index(index, str(tmp)))
        ids_file = _write_data(
            directory,
            "ids",
            ".npz",
            lambda tmp: np.savez(
                tmp, template_ids=template_ids, subject_of=subject_of, subject_names=np.array(names, dtype=str)
            ),
        )
        manifest = {
            "format": FORMAT,
            "model_id": gallery.model_id,
            "dim": gallery.dim,
            "index_spec": str(spec),
            "index_spec_fixed": gallery._fixed_spec is not None,
            "positions": int(template_ids.size),
            "templates": int((template_ids >= 0).sum()),
            "index_file": index_file[0],
            "index_sha256": index_file[1],
            "ids_file": ids_file[0],
            "ids_sha256": ids_file[1],
            "saved_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
    finally:
        release()
    path = directory / MANIFEST
    atomic_write(path, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    for stale in directory.glob("index-*.faiss"):
        if stale.name != manifest["index_file"]:
            stale.unlink(missing_ok=True)
    for stale in directory.glob("ids-*.npz"):
        if stale.name != manifest["ids_file"]:
            stale.unlink(missing_ok=True)
    return path


def load_gallery(directory: Path, model_id: str) -> Gallery:
    """The gallery saved in `directory`, which must hold templates of `model_id`."""
    directory = Path(directory)
    manifest = _read_manifest(directory)
    check_model(manifest["model_id"], model_id, f"the gallery saved in {directory}")
    index_path = _verified(directory, manifest["index_file"], manifest["index_sha256"])
    ids_path = _verified(directory, manifest["ids_file"], manifest["ids_sha256"])
    try:
        index = faiss.read_index(str(index_path))
        with np.load(ids_path, allow_pickle=False) as arrays:
            template_ids = arrays["template_ids"].astype(np.int64)
            subject_of = arrays["subject_of"].astype(np.int32)
            names = [str(n) for n in arrays["subject_names"]]
    except (RuntimeError, ValueError, KeyError, OSError) as exc:
        raise _bad(directory, f"its data files cannot be read ({str(exc).splitlines()[0][:160]})") from exc
    live = int((template_ids >= 0).sum())
    expected_ntotal = live if supports_ids(index) else template_ids.size
    problems = [
        (index.d != manifest["dim"], f"index dimension {index.d} != {manifest['dim']}"),
        (index.ntotal != expected_ntotal, f"index holds {index.ntotal} vectors, the ids say {expected_ntotal}"),
        (template_ids.size != manifest["positions"] or live != manifest["templates"], "id counts differ"),
        (subject_of.size != template_ids.size, "subject array length differs"),
        (bool(((subject_of >= len(names)) | ((subject_of < 0) != (template_ids < 0))).any()), "bad subject refs"),
        (np.unique(template_ids[template_ids >= 0]).size != live, "duplicate template ids"),
    ]
    for failed, what in problems:
        if failed:
            raise _bad(directory, what)
    spec = IndexSpec.parse(manifest["index_spec"])
    return Gallery.from_parts(
        model_id, index, template_ids, subject_of, names, spec, bool(manifest["index_spec_fixed"])
    )


def _read_manifest(directory: Path) -> dict:
    path = directory / MANIFEST
    if not path.is_file():
        raise GalleryFileError(
            f"no saved gallery in {directory} ({MANIFEST} is missing)",
            "Check the path, or build the gallery again from the watchlist",
        )
    try:
        manifest = json.loads(path.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(directory, f"{MANIFEST} is not valid JSON ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise _bad(directory, f"{MANIFEST} has format {found!r}, this version reads {FORMAT!r}")
    required = {
        "model_id": str, "dim": int, "index_spec": str, "index_spec_fixed": bool, "positions": int,
        "templates": int, "index_file": str, "index_sha256": str, "ids_file": str, "ids_sha256": str,
    }  # fmt: skip
    for key, kind in required.items():
        if not isinstance(manifest.get(key), kind):
            raise _bad(directory, f"{MANIFEST} lacks a valid {key!r}")
    return manifest


def _verified(directory: Path, name: str, digest: str) -> Path:
    path = directory / Path(name).name  # never follow a path out of the directory
    if not path.is_file():
        raise _bad(directory, f"its data file {path.name} is missing")
    if _sha256(path) != digest:
        raise _bad(directory, f"{path.name} does not match its recorded SHA-256 (truncated or altered)")
    return path


def _bad(directory: Path, what: str) -> GalleryFileError:
    return GalleryFileError(
        f"the saved gallery in {directory} is unusable: {what}",
        "Restore it from a backup or rebuild it from the watchlist; nothing was loaded",
    )


def _write_data(directory: Path, stem: str, suffix: str, write) -> tuple[str, str]:
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{stem}-", suffix=suffix)
    os.close(fd)
    try:
        write(Path(tmp))
        _fsync(Path(tmp))
        digest = _sha256(Path(tmp))
        name = f"{stem}-{digest[:16]}{suffix}"
        os.replace(tmp, directory / name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return name, digest


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
