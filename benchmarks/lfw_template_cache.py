"""Stop-gap template extraction for the identification and gallery benchmarks, cached once per model.

`templates_for(paths)` returns one L2-normalised template per image (the primary face) and whether a face
was found. The first call extracts every image not yet cached (dlib, ~0.2 s an image on one core) and keeps
the result in one .npz under the data directory's cache, so LFW is extracted at most once per model.
To be replaced by the lead's `benchmarks/templates.py` when it lands on main (same signature).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

DIM = 128
SAVE_EVERY = 250  # images between checkpoints, so an interrupted extraction loses little


def _cache_path(cache_dir: Path, model_id: str) -> Path:
    return cache_dir / f"templates-{model_id}.npz"


def _load(path: Path) -> dict[str, tuple[np.ndarray, bool]]:
    if not path.is_file():
        return {}
    with np.load(path, allow_pickle=False) as data:
        return {
            str(k): (v.astype(np.float32), bool(ok))
            for k, v, ok in zip(data["keys"], data["vectors"], data["ok"], strict=True)
        }


def _save(path: Path, cache: dict[str, tuple[np.ndarray, bool]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    keys = sorted(cache)
    vectors = np.stack([cache[k][0] for k in keys]) if keys else np.zeros((0, DIM), np.float32)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".templates-", suffix=".npz")
    with os.fdopen(fd, "wb") as fh:
        np.savez(fh, keys=np.array(keys), vectors=vectors, ok=np.array([cache[k][1] for k in keys], dtype=bool))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _key(path: Path, root: Path | None) -> str:
    # Cache keys are paths relative to the dataset root, so the cache survives moving the dataset.
    if root is not None:
        try:
            return str(path.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path.resolve())


def templates_for(
    paths: Sequence[Path], cache_dir: Path | None = None, root: Path | None = None, progress: bool = True
) -> tuple[np.ndarray, list[bool]]:
    """Templates (n, 128) float32 of the primary face of each image and, per image, whether a face was found."""
    from edge.face.dlib_embedder import dlib_resnet_model_id

    if cache_dir is None:
        from checkpoint.settings import get_settings

        cache_dir = get_settings().cache_dir
    model_id = dlib_resnet_model_id()
    store = _cache_path(cache_dir, model_id)
    cache = _load(store)
    keys = [_key(Path(p), root) for p in paths]
    missing = [(k, Path(p)) for k, p in zip(keys, paths, strict=True) if k not in cache]
    if missing:
        _extract(missing, cache, store, progress)
    vectors = np.stack([cache[k][0] for k in keys]) if keys else np.zeros((0, DIM), np.float32)
    return vectors, [cache[k][1] for k in keys]


def _extract(missing: list[tuple[str, Path]], cache: dict, store: Path, progress: bool) -> None:
    from edge.errors import EdgeError
    from edge.face.factory import make_analyzer
    from edge.image import load_image

    analyzer = make_analyzer()
    iterator = missing
    if progress:
        from tqdm import tqdm

        iterator = tqdm(missing, desc="extracting templates", unit="img")
    for done, (key, path) in enumerate(iterator, start=1):
        try:
            vector, ok = analyzer.primary(load_image(path), what=path.name).embedding, True
        except EdgeError:
            vector, ok = np.zeros(DIM, np.float32), False
        cache[key] = (np.asarray(vector, dtype=np.float32), ok)
        if done % SAVE_EVERY == 0:
            _save(store, cache)
    _save(store, cache)


if __name__ == "__main__":
    # Warm the cache for the whole LFW-dev copy: `python -m benchmarks.lfw_template_cache`.
    from checkpoint.settings import get_settings

    images = get_settings().lfw_dir / "images"
    all_paths = sorted(images.glob("*/*.jpg"))
    vecs, found = templates_for(all_paths, root=images)
    print(f"{len(all_paths)} images, {sum(found)} with a face, cache holds {vecs.shape}")
