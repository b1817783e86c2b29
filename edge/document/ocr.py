"""Text detection and MRZ-alphabet recognition with RapidOCR's ONNX models (PP-OCRv4, shipped in the wheel).

The recogniser's vocabulary has ~6,600 symbols; an MRZ has 37. Decoding the CTC output over A-Z, 0-9 and '<'
only (plus the blank), with lower-case and look-alike classes added to their MRZ character, removes whole
classes of confusions (Chinese look-alikes of '<', punctuation, lower case) before the field-aware repair.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, replace

import cv2
import numpy as np
import onnxruntime

from checkpoint.i18n import gettext
from edge.document.check_digits import MRZ_ALPHABET
from edge.errors import ModelUnavailable

DEFAULT_DETECT_SIDE = 640  # the MRZ lines stay ~500 px long: plenty for the detector, cheap on a CPU


# The detector's (pixel, box) probability thresholds for a look at faint text: RapidOCR's are (0.3, 0.5), at
# which a light, blurred MRZ on a pale card can go wholly unboxed while the visual zone's bold print is found.
FAINT_THRESHOLDS = (0.2, 0.3)
MAX_WIDTH_PER_CHAR = 1.0  # a line is read at ~0.5 line heights a character; twice that is room enough
ALTERNATIVE_MIN_PROB = 0.02  # a character the model gave at least this probability is a plausible reading
# Where CTC's best is the blank, a character with at least this probability is a weak peak: the recogniser half
# saw a thin glyph there ('Y', 'J'). Kept aside, used only to fill a character the pitch says was skipped.
WEAK_PEAK_MIN_PROB = 0.05
# Look-alike pairs whose rival's probability is kept however small: OCR-B's O and 0 differ by a sliver, and how
# small the rival is (0.01 or 0.0003) is the only evidence for which of the two was printed.
LOOKALIKE = {"O": "0", "0": "O", "I": "1", "1": "I", "B": "8", "8": "B", "S": "5", "5": "S", "Z": "2", "2": "Z"}
LOOKALIKE |= {"G": "6", "6": "G"}


@dataclass(frozen=True)
class LineRead:
    """One recognised line: the text and the mean character confidence (0-1); per character its confidence,
    the other MRZ characters the model found plausible (all the repair may swap in) with their probabilities
    (its look-alike, O for 0 and the like, always, however unlikely), and where it sits on the line (CTC
    frame, 8 px of the 48-px-high line)."""

    text: str
    confidence: float
    alternatives: tuple[frozenset[str], ...] = ()
    char_confidence: tuple[float, ...] = ()
    alternative_probs: tuple[tuple[tuple[str, float], ...], ...] = ()
    position: tuple[float, ...] = ()
    frame_px: float = 0.0  # pixels of the crop one CTC frame spans: position x frame_px is x on the crop
    # (CTC frame, character, probability) where the blank won but a character came close (WEAK_PEAK_MIN_PROB)
    weak_peaks: tuple[tuple[float, str, float], ...] = ()
    # positions of `text` filled from a weak peak (see mrz_align.mark_gaps): read, but barely
    guessed: tuple[int, ...] = ()


def _without_spinning(session: onnxruntime.InferenceSession, threads: int) -> onnxruntime.InferenceSession:
    """The same model as `session`, with RapidOCR's options (all graph optimisations, no memory arena), `threads`
    intra-op threads and no spin-waiting between operators (onnxruntime's session.intra_op.allow_spinning)."""
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 4
    options.enable_cpu_mem_arena = False
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(session._model_path, sess_options=options, providers=["CPUExecutionProvider"])


class MrzOcr:
    """RapidOCR's detector and recogniser, loaded once; `detect` finds text boxes, `recognise` reads MRZ lines."""

    def __init__(self, detect_side: int = DEFAULT_DETECT_SIDE, threads: int | None = None) -> None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:  # pragma: no cover - a dependency of the project
            raise ModelUnavailable(
                gettext("the OCR engine rapidocr_onnxruntime is not installed"),
                gettext("Run scripts/setup.sh or pip install -e ."),
            ) from exc
        threads = threads or min(2, os.cpu_count() or 1)
        try:
            engine = RapidOCR(intra_op_num_threads=threads, det_limit_type="max")
            # RapidOCR builds its sessions with onnxruntime's default of worker threads that spin-wait between
            # operators; on the kiosk's 2 cores that spinning is CPU taken from the page's other work and counted
            # against the reader's CPU budget, so both sessions are rebuilt from the same model files without it.
            engine.text_det.infer.session = _without_spinning(engine.text_det.infer.session, threads)
            engine.text_rec.session.session = _without_spinning(engine.text_rec.session.session, threads)
        except Exception as exc:  # noqa: BLE001 - any failure to load the ONNX models means the same to the user
            raise ModelUnavailable(
                gettext("the OCR models could not be loaded (%(error)s)") % {"error": exc},
                gettext("Reinstall rapidocr_onnxruntime"),
            ) from exc
        self.detect_side = detect_side
        self._det = engine.text_det
        self._det.limit_type = "max"  # never upscale: the default 'min' enlarges pages to 736 px on the short side
        # RapidOCR's detector keeps per-call state on itself (its resize step, and here the thresholds a faint look
        # swaps in): one page at a time goes through it, or a concurrent screening could be detected at the other's
        # size or thresholds.
        self._detect_lock = threading.Lock()
        self._rec = engine.text_rec
        self._symbols = [""] + sorted(MRZ_ALPHABET)
        self._index = {s: i for i, s in enumerate(self._symbols)}
        self._merge = _merge_matrix(self._rec.postprocess_op.character, self._symbols)

    def detect(self, rgb: np.ndarray, side: int | None = None, faint: bool = False) -> tuple[list[np.ndarray], float]:
        """Text boxes (4x2 float32 corner arrays, input-image pixels) and the scale the detector ran at; the
        image is shrunk to `side` (default: detect_side) pixels on its longest side first. With `faint`, text the
        detector is less sure of is boxed too (FAINT_THRESHOLDS)."""
        scale = min(1.0, (side or self.detect_side) / max(rgb.shape[:2]))
        small = rgb if scale == 1.0 else cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        post = self._det.postprocess_op
        with self._detect_lock:
            usual = post.thresh, post.box_thresh
            post.thresh, post.box_thresh = FAINT_THRESHOLDS if faint else usual
            try:
                boxes, _ = self._det(np.ascontiguousarray(small[:, :, ::-1]))
            finally:
                post.thresh, post.box_thresh = usual
        if boxes is None:
            return [], scale
        return [np.asarray(b, dtype=np.float32) / scale for b in boxes], scale

    def recognise(self, crops: list[np.ndarray], chars_per_line: int = 44, stretch: float = 1.0) -> list[LineRead]:
        """Read each RGB line crop as MRZ characters only; crops are widened to ~24 px a character at 48 px high,
        then stretched (or squeezed) `stretch` times horizontally."""
        if not crops:
            return []
        _, height, width = self._rec.rec_image_shape
        # CTC needs a blank frame (8 px) between two equal characters: '<<<<' runs need >= 2 frames a character.
        min_ratio = chars_per_line * 0.5
        original = [c.shape[1] for c in crops]
        crops = [_widen(c, min_ratio) for c in crops]
        if stretch != 1.0:
            crops = [cv2.resize(c, (max(1, round(c.shape[1] * stretch)), c.shape[0])) for c in crops]
        # A crop cut too thin (a box that caught the page's edge) would make the whole batch thousands of pixels
        # wide and one reading take a minute: no crop is read wider than MAX_WIDTH_PER_CHAR heights a character.
        widest = max(width / height, chars_per_line * MAX_WIDTH_PER_CHAR * stretch)
        ratio = min(widest, max(width / height, *(c.shape[1] / c.shape[0] for c in crops)))
        batch = np.stack([self._rec.resize_norm_img(np.ascontiguousarray(c[:, :, ::-1]), ratio) for c in crops])
        probs = self._rec.session(batch.astype(np.float32))[0]
        # The recogniser resizes each crop to `height` pixels high (at most `ratio` times as wide), and a CTC
        # frame is 8 of its pixels wide.
        frame_px = [
            8.0 * w / min(np.ceil(height * c.shape[1] / c.shape[0]), height * ratio)
            for w, c in zip(original, crops, strict=True)
        ]
        return [replace(self._decode(p @ self._merge), frame_px=f) for p, f in zip(probs, frame_px, strict=True)]

    def read_text(self, crops: list[np.ndarray]) -> list[str]:
        """Each RGB crop read as ordinary printed text (the recogniser's whole vocabulary), for the visual zone."""
        if not crops:
            return []
        results, _ = self._rec([np.ascontiguousarray(c[:, :, ::-1]) for c in crops])
        return [text for text, _ in results]

    def _decode(self, probs: np.ndarray) -> LineRead:
        best = probs.argmax(axis=1)
        chars: list[dict] = []
        peaks: list[list] = []  # [first frame, last frame, symbol index, probability]
        previous = 0
        for t, k in enumerate(best):
            if k == 0:
                previous = 0
                rival = int(probs[t, 1:].argmax()) + 1
                p = float(probs[t, rival])
                if p >= WEAK_PEAK_MIN_PROB:
                    if peaks and peaks[-1][1] == t - 1 and peaks[-1][2] == rival:
                        peaks[-1][1], peaks[-1][3] = t, max(peaks[-1][3], p)
                    else:
                        peaks.append([t, t, rival, p])
                continue
            if k != previous or not chars:
                chars.append({"symbol": self._symbols[k], "p": 0.0, "alts": {}, "first": t, "last": t})
            c = chars[-1]
            c["last"] = t
            c["p"] = max(c["p"], float(probs[t, k]))
            for i in np.flatnonzero(probs[t, 1:] >= ALTERNATIVE_MIN_PROB) + 1:
                if i != k:
                    c["alts"][self._symbols[i]] = max(c["alts"].get(self._symbols[i], 0.0), float(probs[t, i]))
            twin = LOOKALIKE.get(c["symbol"])
            if twin is not None:
                c["twin"] = max(c.get("twin", 0.0), float(probs[t, self._index[twin]]))
            previous = k
        for c in chars:
            if "twin" in c and LOOKALIKE[c["symbol"]] not in c["alts"]:
                c["alts"][LOOKALIKE[c["symbol"]]] = c["twin"]
        return LineRead(
            text="".join(c["symbol"] for c in chars),
            confidence=float(np.mean([c["p"] for c in chars])) if chars else 0.0,
            alternatives=tuple(frozenset(a for a, p in c["alts"].items() if p >= ALTERNATIVE_MIN_PROB) for c in chars),
            char_confidence=tuple(c["p"] for c in chars),
            alternative_probs=tuple(tuple(sorted(c["alts"].items())) for c in chars),
            position=tuple((c["first"] + c["last"]) / 2 for c in chars),
            weak_peaks=tuple(((a + b) / 2, self._symbols[k], p) for a, b, k, p in peaks),
        )


# Vocabulary entries that are the same MRZ character: lower case (blurred capitals often come out lower case)
# and the filler's look-alikes.
FILLER_LIKE = "<‹«〈く＜"


def _merge_matrix(vocabulary: list[str], symbols: list[str]) -> np.ndarray:
    """A (vocabulary x symbols) 0/1 matrix summing each MRZ symbol's look-alike classes; column 0 is the blank."""
    index = {s: i for i, s in enumerate(symbols)}
    merge = np.zeros((len(vocabulary), len(symbols)), dtype=np.float32)
    merge[0, 0] = 1.0  # CTC blank
    for k, char in enumerate(vocabulary[1:], start=1):
        target = "<" if char in FILLER_LIKE else char.upper() if char.isascii() and char.isalpha() else char
        if target in index:
            merge[k, index[target]] = 1.0
    return merge


def _widen(crop: np.ndarray, min_ratio: float) -> np.ndarray:
    h, w = crop.shape[:2]
    if w >= min_ratio * h:
        return crop
    return cv2.resize(crop, (int(np.ceil(min_ratio * h)), h), interpolation=cv2.INTER_LINEAR)
