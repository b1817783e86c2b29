"""One object per detected face, filled in stage by stage (detect, landmarks, quality, embed)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from edge.face.quality import Quality


@dataclass
class Face:
    """A face in one image. Coordinates are pixels of the input image; `embedding` is L2-normalised."""

    bbox: np.ndarray  # (4,) float32: left, top, right, bottom
    det_score: float
    kps: np.ndarray  # (5, 2) float32: dlib's 5 points (eye corners x4, nose base)
    landmarks68: np.ndarray | None = None  # (68, 2) float32, used for head pose
    chip: np.ndarray | None = None  # aligned RGB crop the embedder saw
    quality: Quality | None = None
    embedding: np.ndarray | None = None
    model_id: str | None = None
    faces_in_frame: int = 1
    notes: list[str] = field(default_factory=list)

    @property
    def width(self) -> float:
        return float(self.bbox[2] - self.bbox[0])

    @property
    def height(self) -> float:
        return float(self.bbox[3] - self.bbox[1])

    @property
    def area(self) -> float:
        return max(self.width, 0.0) * max(self.height, 0.0)

    def summary(self) -> dict:
        """JSON-ready description (no embedding, no pixels): what a person or a log may see."""
        return {
            "bbox": [round(float(v), 1) for v in self.bbox],
            "det_score": round(self.det_score, 3),
            "faces_in_frame": self.faces_in_frame,
            "quality": self.quality.to_dict() if self.quality else None,
            "model_id": self.model_id,
            "notes": list(self.notes),
        }
