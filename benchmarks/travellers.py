"""Synthetic travellers for the demo, the end-to-end tests and the screening benchmark.

A traveller is a real face photo turned into (1) a data page whose portrait is that photo and whose MRZ holds a
fictional identity, and (2) a few "camera frames" of the same photo re-shot (scaled, shifted, dimmer, mirrored,
JPEG-compressed), as a kiosk camera would give them.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from benchmarks.datapages import draw_distortion, photograph, random_identity, render_page
from edge.document.mrz_build import MrzIdentity


@dataclass(frozen=True)
class Traveller:
    identity: MrzIdentity
    document_jpeg: bytes
    frames: list[np.ndarray]  # RGB

    def write(self, folder: Path) -> tuple[Path, Path]:
        """Write document.jpg and frames/frame_NN.jpg under `folder`; returns (document, frames folder)."""
        folder.mkdir(parents=True, exist_ok=True)
        document = folder / "document.jpg"
        document.write_bytes(self.document_jpeg)
        frames_dir = folder / "frames"
        frames_dir.mkdir(exist_ok=True)
        for i, rgb in enumerate(self.frames):
            cv2.imwrite(str(frames_dir / f"frame_{i:02d}.jpg"), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
        return document, frames_dir


def astronaut_portrait() -> np.ndarray:
    """scikit-image's astronaut photo cropped like an LFW image (250x250, face in the middle)."""
    from skimage import data

    photo = np.ascontiguousarray(data.astronaut())
    return cv2.resize(photo[8:233, 107:332], (250, 250), interpolation=cv2.INTER_AREA)


def hopper_portrait() -> np.ndarray:
    """Grace Hopper's portrait from Matplotlib's bundled sample data (a U.S. Navy photo, public domain), cropped like
    an LFW image: a second real person that needs no download, for a traveller on no list."""
    from matplotlib import cbook

    photo = cv2.cvtColor(cv2.imread(str(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))), cv2.COLOR_BGR2RGB)
    return cv2.resize(photo[22:442, 63:483], (250, 250), interpolation=cv2.INTER_AREA)


def make_traveller(
    portrait: np.ndarray,
    seed: int,
    frames: int = 5,
    surname: str | None = None,
    given_names: str | None = None,
    birth_date: dt.date | None = None,
    today: dt.date | None = None,
) -> Traveller:
    """A traveller whose document portrait and camera frames both show `portrait` (an LFW-like RGB crop)."""
    today = today or dt.date.today()
    rng = random.Random(f"traveller/{seed}")
    identity = random_identity(rng, "TD3", today)
    changes = {"expiry_date": today + dt.timedelta(days=365 * 5)}  # a valid passport: expiry is not the point
    if surname:
        changes["surname"] = surname
    if given_names is not None:
        changes["given_names"] = given_names
    if birth_date:
        changes["birth_date"] = birth_date
    identity = MrzIdentity(**{**identity.__dict__, **changes})
    with tempfile.TemporaryDirectory() as tmp:
        person = Path(tmp) / "holder"
        person.mkdir()
        cv2.imwrite(str(person / "photo.jpg"), cv2.cvtColor(portrait, cv2.COLOR_RGB2BGR))
        page, box = render_page(identity, rng, Path(tmp))
    jpeg, _ = photograph(page, box, draw_distortion(rng, "clean"), rng)
    return Traveller(identity, jpeg, camera_frames(portrait, frames, rng))


def camera_frames(portrait: np.ndarray, count: int, rng: random.Random) -> list[np.ndarray]:
    """`count` re-shots of the portrait on a 640x480 canvas: scale, position, light and mirroring vary."""
    out = []
    for i in range(count):
        scale = rng.uniform(1.3, 1.7)
        face = cv2.resize(portrait, (0, 0), fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
        if i % 2:
            face = face[:, ::-1]
        canvas = np.full((480, 640, 3), rng.randint(60, 120), np.uint8)
        h, w = min(face.shape[0], 480), min(face.shape[1], 640)
        y = rng.randint(0, 480 - h)
        x = rng.randint(0, 640 - w)
        canvas[y : y + h, x : x + w] = face[:h, :w]
        lit = np.clip(canvas.astype(np.float32) * rng.uniform(0.8, 1.1) + rng.uniform(-10, 10), 0, 255)
        ok, jpeg = cv2.imencode(".jpg", lit.astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, rng.randint(70, 90)])
        out.append(cv2.imdecode(jpeg, cv2.IMREAD_UNCHANGED))
    return out
