"""Landmarks: dlib's 5-point model for alignment, its 68-point model for head pose."""

from __future__ import annotations

import dlib
import numpy as np

from edge.face.model_files import SHAPE_5, SHAPE_68, model_path


def shape_to_array(shape: dlib.full_object_detection) -> np.ndarray:
    return np.array([[p.x, p.y] for p in shape.parts()], dtype=np.float32)


class LandmarkModel:
    """A dlib shape predictor: `predict(rgb, rect)` gives the full_object_detection dlib's chip code needs."""

    def __init__(self, points: int) -> None:
        if points not in (5, 68):
            raise ValueError("dlib ships 5- and 68-point landmark models only")
        self.points = points
        self._predictor = dlib.shape_predictor(str(model_path(SHAPE_5 if points == 5 else SHAPE_68)))

    def predict(self, rgb: np.ndarray, rect: dlib.rectangle) -> dlib.full_object_detection:
        return self._predictor(rgb, rect)
