"""Calibration files: for one model, the similarity threshold that yields each false match rate (FMR).

Policy asks for "the threshold at FMR 1e-3"; only this module turns that into a number, read from a file
the verification benchmark wrote. Lookup order: the data directory (a site's own calibration), then the
files shipped in `matcher/calibrations/` (produced by `checkpoint bench verify --ship` on LFW-dev).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from matcher.atomic_file import atomic_write
from matcher.errors import MatcherError
from matcher.score_norm import CohortNormalisation

FORMAT = "checkpoint-calibration/1"
SHIPPED_DIR = Path(__file__).resolve().parent / "calibrations"


class CalibrationError(MatcherError):
    """No usable calibration for a model, or a request it cannot answer."""

    code = "calibration_error"


@dataclass(frozen=True)
class OperatingPoint:
    fmr: float
    threshold: float
    impostor_comparisons: int  # how many impostor scores the threshold rests on


@dataclass(frozen=True)
class Calibration:
    """Thresholds on cosine similarity (inner product of L2-normalised templates) for one model id."""

    model_id: str
    dataset: str
    dataset_fingerprint: str
    created: str
    points: list[OperatingPoint]
    source: str = ""
    notes: list[str] = field(default_factory=list)
    # The face pipeline the scores came from; "" in files written before it was recorded (issue 16).
    detector: str = ""
    alignment: str = ""
    identification: IdentificationCalibration | None = None  # 1:N block, below; None in files before issue 16

    def threshold_at(self, fmr: float) -> float:
        """The threshold for `fmr`; if that FMR is not tabulated, the next stricter one (never a looser one)."""
        usable = [p for p in self.points if p.fmr <= fmr * (1 + 1e-9)]
        if not usable:
            tabulated = ", ".join(f"{p.fmr:g}" for p in sorted(self.points, key=lambda p: p.fmr))
            raise CalibrationError(
                f"the calibration of {self.model_id} has no threshold at FMR {fmr:g} or stricter "
                f"(tabulated: {tabulated})",
                "Ask for a tabulated FMR, or recalibrate on a larger dataset with "
                "`checkpoint bench verify --write-calibration`",
            )
        return max(usable, key=lambda p: p.fmr).threshold

    def to_json(self) -> str:
        body = {"format": FORMAT, **asdict(self)}
        return json.dumps(body, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str, where: str = "calibration file") -> Calibration:
        try:
            body = json.loads(text)
            if body.get("format") != FORMAT:
                raise ValueError(f"format is {body.get('format')!r}, expected {FORMAT!r}")
            points = [OperatingPoint(**p) for p in body["points"]]
            for p in points:
                if not (0 < p.fmr < 1) or not math.isfinite(p.threshold):
                    raise ValueError(f"bad operating point {p}")
            return cls(
                model_id=body["model_id"],
                dataset=body["dataset"],
                dataset_fingerprint=body["dataset_fingerprint"],
                created=body["created"],
                points=points,
                source=body.get("source", ""),
                notes=list(body.get("notes", [])),
                detector=body.get("detector", ""),
                alignment=body.get("alignment", ""),
                identification=IdentificationCalibration.from_dict(body.get("identification")),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CalibrationError(
                f"{where} is not a valid calibration ({exc})",
                "Regenerate it with `checkpoint bench verify --write-calibration`",
            ) from exc


def calibration_filename(model_id: str) -> str:
    return f"{model_id}.json"


def load_calibration(model_id: str, search_dirs: list[Path] | tuple[Path, ...] = ()) -> Calibration:
    """The calibration for `model_id` from the first directory holding one (then the shipped ones)."""
    for directory in [*search_dirs, SHIPPED_DIR]:
        path = Path(directory) / calibration_filename(model_id)
        if path.is_file():
            calibration = Calibration.from_json(path.read_text(), str(path))
            if calibration.model_id != model_id:
                raise CalibrationError(
                    f"{path} is for model {calibration.model_id}, not {model_id}",
                    "Remove the misnamed file or regenerate it with `checkpoint bench verify --write-calibration`",
                )
            return calibration
    raise CalibrationError(
        f"no calibration for face model {model_id}",
        "Run `checkpoint bench verify --write-calibration` on a labelled dataset to produce one",
    )


def save_calibration(calibration: Calibration, directory: Path) -> Path:
    """Write atomically (temp file + rename) so a reader never sees half a file."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / calibration_filename(calibration.model_id)
    atomic_write(path, calibration.to_json().encode())
    return path


# --- 1:N (issue 16, items 3-4): how subject scores are made, and their impostor table -------------------------


@dataclass(frozen=True)
class SizeTable:
    """Per-comparison FMR -> threshold of normalised subject scores, measured on galleries of one size.

    Cohort-normalised scores depend on the gallery's size (a probe's best others are higher among more subjects),
    so each size has its own table."""

    gallery_subjects: int
    points: list[OperatingPoint]


@dataclass(frozen=True)
class IdentificationCalibration:
    """How a 1:N search scores a subject (fusion of its templates, normalisation), and per gallery size the
    FMR -> threshold table of those scores, from which a gallery's threshold at a target FPIR is computed."""

    fusion: str  # "max": a subject scores as its best template
    normalisation: dict  # matcher.score_norm.CohortNormalisation.to_dict()
    tables: list[SizeTable]  # by gallery size, smallest first

    @classmethod
    def from_dict(cls, body: dict | None) -> IdentificationCalibration | None:
        if body is None:
            return None
        tables = []
        for table in body["tables"]:
            points = [OperatingPoint(**p) for p in table["points"]]
            if not points or any(not (0 < p.fmr < 1) or not math.isfinite(p.threshold) for p in points):
                raise ValueError("each identification table needs operating points with 0 < fmr < 1")
            tables.append(SizeTable(int(table["gallery_subjects"]), points))
        if not tables:
            raise ValueError("the identification block has no table")
        if body["fusion"] != "max":
            raise ValueError(f"unknown subject fusion {body['fusion']!r}")
        tables.sort(key=lambda t: t.gallery_subjects)
        block = cls(body["fusion"], dict(body["normalisation"]), tables)
        block.scoring()  # an unknown normalisation is refused when the file is read, not at the first search
        return block

    def scoring(self) -> CohortNormalisation:
        """The score normalisation the tables' thresholds apply to."""
        return CohortNormalisation.from_dict(self.normalisation)

    def table_for(self, subjects: int) -> SizeTable | None:
        """The table of the largest measured gallery not bigger than `subjects` (its thresholds are the stricter:
        among fewer subjects a probe's best others score lower, so normalised impostor scores run higher)."""
        fitting = [t for t in self.tables if t.gallery_subjects <= subjects]
        return fitting[-1] if fitting else None
