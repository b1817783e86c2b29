"""Face image quality: measured components, one 0-100 score, and a gate with reasons.

Component names follow ISO/IEC 29794-5 where the standard has one (inter-eye distance, head pose
yaw/pitch/roll, sharpness, luminance mean = brightness, luminance spread = contrast, exposure). The
0-100 score is our own unification: a weighted geometric mean of per-component utilities, so one very
bad component (a 15-pixel face, a profile view) drags the whole score down rather than being averaged away.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import cv2
import numpy as np

from checkpoint.i18n import _

# A generic adult head in millimetres (nose tip at the origin) for the 68-point landmarks used below;
# the absolute scale does not matter for angles.
_HEAD_MODEL_3D = np.array(
    [
        (0.0, 0.0, 0.0),  # 30 nose tip
        (0.0, -330.0, -65.0),  # 8 chin
        (-225.0, 170.0, -135.0),  # 36 outer corner of the image-left eye
        (225.0, 170.0, -135.0),  # 45 outer corner of the image-right eye
        (-150.0, -150.0, -125.0),  # 48 image-left mouth corner
        (150.0, -150.0, -125.0),  # 54 image-right mouth corner
    ],
    dtype=np.float64,
)
_HEAD_MODEL_INDICES = [30, 8, 36, 45, 48, 54]


@dataclass(frozen=True)
class Quality:
    """Measured components of one face, its 0-100 score and, after a gate, why it failed (if it did)."""

    inter_eye_distance_px: float
    yaw_deg: float
    pitch_deg: float
    roll_deg: float
    sharpness: float  # variance of the Laplacian on the aligned chip
    brightness: float  # mean luminance of the central face region, 0-255
    contrast: float  # standard deviation of luminance there
    clipped_fraction: float  # share of pixels under- or over-exposed (<=5 or >=250)
    faces_in_frame: int
    score: float
    passed: bool = True
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, float):
                out[key] = round(value, 2)
        return out


@dataclass(frozen=True)
class QualityGate:
    """Minimums a face must meet; screening and enrolment use different gates (enrolment is stricter)."""

    min_inter_eye_px: float = 30.0
    max_yaw_deg: float = 35.0
    max_pitch_deg: float = 30.0
    max_roll_deg: float = 25.0
    min_sharpness: float = 20.0
    min_brightness: float = 40.0
    max_brightness: float = 220.0
    min_contrast: float = 20.0
    min_score: float = 40.0

    def reasons(self, q: Quality) -> list[str]:
        """Every minimum `q` misses, as sentences an officer can act on."""
        out = []
        if q.inter_eye_distance_px < self.min_inter_eye_px:
            out.append(
                _("face too small: eyes %(eyes).0f px apart, need %(need).0f (move closer to the camera)")
                % {"eyes": q.inter_eye_distance_px, "need": self.min_inter_eye_px}
            )
        for name, value, limit in (
            (_("yaw"), q.yaw_deg, self.max_yaw_deg),
            (_("pitch"), q.pitch_deg, self.max_pitch_deg),
            (_("roll"), q.roll_deg, self.max_roll_deg),
        ):
            if abs(value) > limit:
                out.append(
                    _("head turned: %(axis)s %(value)+.0f deg, limit %(limit).0f (look straight at the camera)")
                    % {"axis": name, "value": value, "limit": limit}
                )
        if q.sharpness < self.min_sharpness:
            out.append(
                _("image blurred: sharpness %(value).0f, need %(need).0f (hold still)")
                % {"value": q.sharpness, "need": self.min_sharpness}
            )
        if q.brightness < self.min_brightness:
            out.append(
                _("face too dark: brightness %(value).0f, need %(need).0f")
                % {"value": q.brightness, "need": self.min_brightness}
            )
        if q.brightness > self.max_brightness:
            out.append(
                _("face over-exposed: brightness %(value).0f, limit %(limit).0f")
                % {"value": q.brightness, "limit": self.max_brightness}
            )
        if q.contrast < self.min_contrast:
            out.append(
                _("low contrast: %(value).0f, need %(need).0f") % {"value": q.contrast, "need": self.min_contrast}
            )
        if q.score < self.min_score:
            out.append(
                _("overall quality %(value).0f/100, need %(need).0f") % {"value": q.score, "need": self.min_score}
            )
        return out

    def apply(self, q: Quality) -> Quality:
        reasons = self.reasons(q)
        return Quality(**{**asdict(q), "passed": not reasons, "reasons": reasons})


def head_pose(landmarks68: np.ndarray, image_size: tuple[int, int]) -> tuple[float, float, float]:
    """(yaw, pitch, roll) in degrees from 68 landmarks with a pinhole camera guess; 0,0,0 is frontal."""
    height, width = image_size
    focal = float(max(width, height))
    camera = np.array([[focal, 0, width / 2], [0, focal, height / 2], [0, 0, 1]], dtype=np.float64)
    image_points = landmarks68[_HEAD_MODEL_INDICES].astype(np.float64)
    # Flip the model's y axis: image rows grow downwards.
    model = _HEAD_MODEL_3D * np.array([1.0, -1.0, 1.0])
    ok, rvec, _tvec = cv2.solvePnP(model, image_points, camera, None, flags=cv2.SOLVEPNP_ITERATIVE)
    if not ok:
        return (float("nan"),) * 3
    rotation, _jacobian = cv2.Rodrigues(rvec)
    # Euler angles of R = Rz(roll) @ Ry(yaw) @ Rx(pitch).
    yaw = math.degrees(math.asin(float(np.clip(-rotation[2, 0], -1.0, 1.0))))
    pitch = math.degrees(math.atan2(rotation[2, 1], rotation[2, 2]))
    roll = math.degrees(math.atan2(rotation[1, 0], rotation[0, 0]))
    return yaw, _wrap(pitch), roll


def _wrap(angle: float) -> float:
    return (angle + 180.0) % 360.0 - 180.0


def measure(
    rgb: np.ndarray,
    kps5: np.ndarray,
    landmarks68: np.ndarray,
    chip: np.ndarray,
    faces_in_frame: int,
) -> Quality:
    """Measure every component for one face; `chip` is the aligned crop (any size)."""
    right_eye = kps5[0:2].mean(axis=0)
    left_eye = kps5[2:4].mean(axis=0)
    ied = float(np.linalg.norm(right_eye - left_eye))
    yaw, pitch, _roll = head_pose(landmarks68, rgb.shape[:2])
    # Roll is read straight off the eye line: steadier than the PnP estimate.
    dx, dy = left_eye - right_eye
    roll = math.degrees(math.atan2(dy, dx))
    roll = roll - 180.0 if roll > 90 else roll + 180.0 if roll < -90 else roll

    grey = cv2.cvtColor(chip, cv2.COLOR_RGB2GRAY)
    sharpness = float(cv2.Laplacian(grey, cv2.CV_64F).var())
    h, w = grey.shape
    centre = grey[int(h * 0.2) : int(h * 0.8), int(w * 0.2) : int(w * 0.8)].astype(np.float64)
    brightness = float(centre.mean())
    contrast = float(centre.std())
    clipped = float(np.mean((centre <= 5) | (centre >= 250)))

    score = unified_score(ied, yaw, pitch, roll, sharpness, brightness, contrast, clipped)
    return Quality(ied, yaw, pitch, roll, sharpness, brightness, contrast, clipped, faces_in_frame, score)


def _ramp(value: float, zero_at: float, one_at: float) -> float:
    t = (value - zero_at) / (one_at - zero_at)
    return float(min(max(t, 0.0), 1.0))


def unified_score(
    ied: float,
    yaw: float,
    pitch: float,
    roll: float,
    sharpness: float,
    brightness: float,
    contrast: float,
    clipped: float,
) -> float:
    """0-100: weighted geometric mean of component utilities in [0, 1] (floored so a log exists)."""
    if any(math.isnan(v) for v in (yaw, pitch, roll)):
        pose = 0.0
    else:
        pose = 1.0 - max(_ramp(abs(yaw), 10, 50), _ramp(abs(pitch), 10, 45), _ramp(abs(roll), 10, 45))
    utilities = {
        # weight, utility
        "size": (2.0, _ramp(ied, 15, 60)),
        "pose": (2.0, pose),
        "sharpness": (1.0, _ramp(math.log10(max(sharpness, 1e-3)), math.log10(5), math.log10(150))),
        "brightness": (1.0, min(_ramp(brightness, 20, 80), 1.0 - _ramp(brightness, 180, 245))),
        "contrast": (1.0, _ramp(contrast, 8, 40)),
        "exposure": (0.5, 1.0 - _ramp(clipped, 0.02, 0.3)),
    }
    total = sum(w for w, _utility in utilities.values())
    log_mean = sum(w * math.log(max(u, 0.01)) for w, u in utilities.values()) / total
    return 100.0 * math.exp(log_mean)
