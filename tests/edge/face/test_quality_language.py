"""The quality gate's reasons are what an officer reads when no camera frame was good enough: in French on a French
kiosk, in English on an English one, with the same numbers."""

from __future__ import annotations

from checkpoint import i18n
from edge.face.quality import Quality, QualityGate

# A face that misses every minimum of the default gate.
POOR = Quality(
    inter_eye_distance_px=12,
    yaw_deg=50,
    pitch_deg=0,
    roll_deg=0,
    sharpness=5,
    brightness=20,
    contrast=3,
    clipped_fraction=0.4,
    faces_in_frame=1,
    score=10,
)


def test_every_quality_reason_reads_in_french_with_its_numbers():
    gate = QualityGate()
    with i18n.language("en"):
        english = gate.reasons(POOR)
    with i18n.language("fr"):
        french = gate.reasons(POOR)
    assert len(french) == len(english) == 6
    assert not set(french) & set(english), "a reason left in English on a French kiosk"
    assert english[0] == "face too small: eyes 12 px apart, need 30 (move closer to the camera)"
    assert french[0] == "visage trop petit : yeux écartés de 12 px, il en faut 30 (approchez-vous de la caméra)"
