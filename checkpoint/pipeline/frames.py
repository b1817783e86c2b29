"""Where camera frames come from: an image folder, a video file or a camera device (OpenCV), as RGB arrays."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from checkpoint.i18n import _
from checkpoint.policy.errors import KioskError
from edge.errors import EdgeError
from edge.image import ImageLimits, load_image

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}
VIDEO_SUFFIXES = {".mp4", ".avi", ".mkv", ".mov", ".webm", ".mjpeg"}


class FrameSourceError(KioskError):
    """The frame source named cannot give frames (missing folder, unreadable video, no camera)."""

    code = "frame_source"


class OutsideCaptureFolder(KioskError):
    """A path to screen lies outside the kiosk's capture folder (the message never says whether it exists)."""

    code = "outside_capture_folder"


def captured_file(path: str, folder: Path) -> Path:
    """`path` if it lies inside the capture `folder` once `..` and symbolic links are resolved."""
    try:
        resolved = (folder / path).resolve()  # an absolute `path` replaces `folder`; a relative one is taken inside
    except ValueError:  # a NUL byte: no file anywhere has that name
        resolved = None
    if resolved is None or not resolved.is_relative_to(folder.resolve()):
        raise OutsideCaptureFolder(
            "this kiosk screens files by path only from its capture folder",
            "Upload the files on the page, or have the camera and scanner write into CHECKPOINT_KIOSK_CAPTURE_DIR",
        )
    return resolved


def captured_frames(source: str, folder: Path, limits: ImageLimits | None = None) -> Iterable[np.ndarray | None]:
    """Frames of a camera ("camera:N") or of a path inside the capture `folder` (see `frames_from`)."""
    return frames_from(source if source.startswith("camera:") else captured_file(source, folder), limits)


def frames_from(source: str | Path, limits: ImageLimits | None = None) -> Iterable[np.ndarray | None]:
    """Frames of `source`: a folder of images (sorted by name), one image, a video file, or "camera:N"."""
    text = str(source)
    if text.startswith("camera:"):
        device = text.split(":", 1)[1] or "0"
        if not device.isdigit() or len(device) > 3:
            raise FrameSourceError(
                _("%(source)s names no camera") % {"source": text},
                _("Write camera:N with N the device number, e.g. camera:0"),
            )
        return camera_frames(int(device))
    path = Path(text)
    if path.is_dir():
        return folder_frames(path, limits)
    if not path.is_file():
        raise FrameSourceError(
            _("frame source %(path)s does not exist") % {"path": path},
            _("Give an image, a folder of images, a video file or camera:N"),
        )
    if path.suffix.lower() in VIDEO_SUFFIXES:
        return video_frames(path)
    return [load_image(path, limits or ImageLimits())]


@dataclass(frozen=True)
class FolderFrames:
    """The images of a folder in name order, decoded one at a time; an unreadable file comes as None, so it keeps
    its place (a bad frame is not a bad screening) and the count and numbering are those of the folder."""

    files: list[Path]
    limits: ImageLimits | None = None

    def __len__(self) -> int:
        return len(self.files)

    def __iter__(self) -> Iterator[np.ndarray | None]:
        for path in self.files:
            try:
                yield load_image(path, self.limits or ImageLimits())
            except EdgeError:
                yield None


def folder_frames(folder: Path, limits: ImageLimits | None = None) -> FolderFrames:
    """Every image in `folder` in name order (see FolderFrames)."""
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise FrameSourceError(
            _("folder %(folder)s holds no images") % {"folder": folder}, _("Put the camera frames there as JPEG or PNG")
        )
    return FolderFrames(files, limits)


def video_frames(path: Path) -> Iterator[np.ndarray]:
    """Frames of a video file, decoded by OpenCV."""
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise FrameSourceError(
            _("video %(path)s cannot be opened") % {"path": path},
            _("Use a video OpenCV can decode (MP4/H.264, MJPEG)"),
        )
    return _read_all(capture)


def camera_frames(device: int) -> Iterator[np.ndarray]:
    """Live frames of camera `device` (0 = the first), until the caller stops asking."""
    capture = cv2.VideoCapture(device)
    if not capture.isOpened():
        raise FrameSourceError(
            _("camera %(device)s cannot be opened") % {"device": device},
            _("Check the camera is connected and not in use"),
        )
    return _read_all(capture)


def _read_all(capture: cv2.VideoCapture) -> Iterator[np.ndarray]:
    try:
        while True:
            ok, bgr = capture.read()
            if not ok:
                return
            yield cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    finally:
        capture.release()
