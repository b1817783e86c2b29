"""Load and validate a screening policy file; the policy's SHA-256 identifies it in every transaction."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from checkpoint.i18n import _
from checkpoint.policy.errors import PolicyError

DEFAULT_POLICY = Path(__file__).with_name("default_policy.toml")
CHECKS = ("document", "face_vs_document", "presentation_attack", "watchlist_face", "lost_stolen", "watchlist_names")
# Every reason code the pipeline can raise; a policy must say what each one means.
REASON_CODES = (
    "DOCUMENT_UNREADABLE",
    "DOCUMENT_CHECK_FAILED",
    "DOCUMENT_LISTED",
    "DOCUMENT_NUMBER_FLAG",
    "NO_USABLE_FACE",
    "NO_PORTRAIT",
    "FACE_MISMATCH",
    "WATCHLIST_FACE_HIT",
    "WATCHLIST_NAME_HIT",
    "NO_SNAPSHOT",
    "NO_FACE_WATCHLIST",
    "FACE_MODEL_MISMATCH",
    "NO_DOCUMENT_LIST",
    "NO_NAME_WATCHLIST",
    "PRESENTATION_ATTACK_SUSPECTED",
    "PAD_UNAVAILABLE",
)
_SECTIONS = {
    "matching": {"face_vs_document_fmr", "watchlist_fpir", "watchlist_candidates", "name_cutoff"},
    "capture": {"max_frames", "enough_good_frames"},
    "presentation_attack": {"live_threshold"},
    "checks": set(CHECKS),
    "reasons": set(REASON_CODES),
}


class CheckMode(StrEnum):
    MANDATORY = "mandatory"  # cannot be done -> REFER with the check's reason
    OPTIONAL = "optional"  # cannot be done -> noted only


@dataclass(frozen=True)
class Policy:
    """A validated policy; `sha256` is the hash of the file's bytes exactly as read."""

    face_vs_document_fmr: float
    watchlist_fpir: float  # target share of travellers on no list the 1:N search may alarm for
    watchlist_candidates: int
    name_cutoff: float
    max_frames: int
    enough_good_frames: int
    pad_threshold: float  # a live face scoring below it is referred as a suspected presentation attack
    checks: dict[str, CheckMode]
    reasons: dict[str, str]
    sha256: str
    source: str

    def mandatory(self, check: str) -> bool:
        """True when a check that could not be done must refer the traveller."""
        return self.checks[check] == CheckMode.MANDATORY

    def meaning(self, code: str) -> str:
        """The sentence an officer reads for a reason code, in the language of the moment: the shipped meanings
        are in the catalog (checkpoint/policy/meanings.py); a site's own wording is shown as the site wrote it."""
        return _(self.reasons[code])


def load_policy(path: Path | None = None) -> Policy:
    """Read and validate the policy at `path` (the shipped default when None); PolicyError says what is wrong."""
    path = Path(path) if path is not None else DEFAULT_POLICY
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PolicyError(
            f"policy file {path} cannot be read ({exc.strerror})",
            "Fix CHECKPOINT_KIOSK_POLICY or unset it to use the shipped default policy",
        ) from exc
    try:
        body = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"policy file {path} is not valid TOML ({exc})", "Fix the syntax at that line") from exc
    matching, capture = body.get("matching", {}), body.get("capture", {})
    if isinstance(matching, dict) and {"watchlist_fmr", "max_watchlist_fpir"} & set(matching):
        raise PolicyError(
            f"{path}: matching.watchlist_fmr and max_watchlist_fpir are replaced by watchlist_fpir, the share of "
            "travellers on no list the watchlist search may alarm for (the threshold is computed for the gallery's "
            "size)",
            "Write watchlist_fpir = 0.01 (or your post's figure) in [matching] and remove the two old keys",
        )
    _known_keys(body, path)
    face_fmr = _fmr(matching, "face_vs_document_fmr", path)
    max_fpir = matching.get("watchlist_fpir")
    if not isinstance(max_fpir, int | float) or isinstance(max_fpir, bool) or not 0 < max_fpir < 0.5:
        raise PolicyError(
            f"{path}: matching.watchlist_fpir must be a share of travellers between 0 and 0.5 (e.g. 0.01), "
            f"got {max_fpir!r}",
            _REMEDY,
        )
    candidates = _integer(matching, "watchlist_candidates", path, 1, 50)
    cutoff = matching.get("name_cutoff")
    if not isinstance(cutoff, int | float) or isinstance(cutoff, bool) or not 0 < cutoff <= 1:
        raise PolicyError(f"{path}: matching.name_cutoff must be a number in (0, 1], got {cutoff!r}", _REMEDY)
    max_frames = _integer(capture, "max_frames", path, 1, 300)
    enough = _integer(capture, "enough_good_frames", path, 1, max_frames)
    pad_threshold = body.get("presentation_attack", {}).get("live_threshold")
    if not isinstance(pad_threshold, int | float) or isinstance(pad_threshold, bool) or not 0 <= pad_threshold < 1:
        raise PolicyError(
            f"{path}: presentation_attack.live_threshold must be a score from 0 to below 1 (0 never alarms), "
            f"got {pad_threshold!r}",
            _REMEDY,
        )
    checks = {}
    for check in CHECKS:
        value = body.get("checks", {}).get(check)
        if value not in {m.value for m in CheckMode}:
            raise PolicyError(f'{path}: checks.{check} must be "mandatory" or "optional", got {value!r}', _REMEDY)
        checks[check] = CheckMode(value)
    reasons = body.get("reasons", {})
    missing = [code for code in REASON_CODES if not isinstance(reasons.get(code), str) or not reasons[code].strip()]
    if missing:
        raise PolicyError(f"{path}: [reasons] does not say what {', '.join(missing)} mean", _REMEDY)
    return Policy(
        face_vs_document_fmr=face_fmr,
        watchlist_fpir=float(max_fpir),
        watchlist_candidates=candidates,
        name_cutoff=float(cutoff),
        max_frames=max_frames,
        enough_good_frames=enough,
        pad_threshold=float(pad_threshold),
        checks=checks,
        reasons={code: reasons[code].strip() for code in REASON_CODES},
        sha256=hashlib.sha256(data).hexdigest(),
        source=str(path),
    )


_REMEDY = "Compare with checkpoint/policy/default_policy.toml, which documents every key"


def _known_keys(body: dict, path: Path) -> None:
    for section, value in body.items():
        if section not in _SECTIONS:
            raise PolicyError(f"{path}: unknown section [{section}]", _REMEDY)
        if not isinstance(value, dict):
            raise PolicyError(f"{path}: {section} must be a table", _REMEDY)
        unknown = sorted(set(value) - _SECTIONS[section])
        if unknown:
            raise PolicyError(f"{path}: unknown key(s) {', '.join(unknown)} in [{section}]", _REMEDY)
    absent = [s for s in _SECTIONS if s not in body]
    if absent:
        raise PolicyError(f"{path}: missing section(s) {', '.join(f'[{s}]' for s in absent)}", _REMEDY)


def _fmr(table: dict, key: str, path: Path) -> float:
    value = table.get(key)
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value < 0.5:
        raise PolicyError(
            f"{path}: matching.{key} must be a target false match rate between 0 and 0.5 (e.g. 1e-3), got {value!r}",
            _REMEDY,
        )
    return float(value)


def _integer(table: dict, key: str, path: Path, low: int, high: int) -> int:
    value = table.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise PolicyError(f"{path}: {key} must be a whole number from {low} to {high}, got {value!r}", _REMEDY)
    return value
