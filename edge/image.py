"""Load an image from a file or bytes into an RGB uint8 array, refusing anything that is not a sane photo.

Pillow reads the header first, so the size of a decompression bomb is known before a single pixel is
decoded. EXIF orientation is applied so a phone photo taken sideways is upright.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from checkpoint.i18n import _, format_number
from edge.errors import ImageTooLarge, ImplausibleImage, UnreadableImage

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "BMP", "WEBP", "TIFF"})
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_ASPECT_RATIO = 8.0
MIN_SIDE = 32


@dataclass(frozen=True)
class ImageLimits:
    """What an input image may be; defaults suit camera frames and document scans."""

    max_pixels: int = DEFAULT_MAX_PIXELS
    max_bytes: int = DEFAULT_MAX_BYTES
    max_aspect_ratio: float = MAX_ASPECT_RATIO
    min_side: int = MIN_SIDE


def load_image(source: str | Path | bytes, limits: ImageLimits = ImageLimits(), name: str | None = None) -> np.ndarray:
    """Decode `source` (path or bytes) into an (H, W, 3) uint8 RGB array, upright per EXIF.

    `name` says which file a person sent (e.g. 'frame 2 "b.jpg"'), for the messages; a path names itself."""
    name = name or (str(source) if isinstance(source, str | Path) else _("the image"))
    data = _read_bytes(source, limits, name)
    try:
        with warnings.catch_warnings():
            # Pillow warns, then raises, on bombs; we check the size ourselves below with a clearer message.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            pil = Image.open(io.BytesIO(data))
            fmt = pil.format
            width, height = pil.size
    except Image.DecompressionBombError as exc:  # far past any limit: Pillow refuses even to size it up
        raise _too_many_pixels(name, _pixels_in(str(exc)), limits) from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise UnreadableImage(
            _("%(name)s is not an image (or not in a format we read)") % {"name": name},
            _("Send a JPEG, PNG, BMP, WebP or TIFF file"),
        ) from exc
    if fmt not in ACCEPTED_FORMATS:
        raise UnreadableImage(
            _("%(name)s is a %(format)s image, which is not accepted") % {"name": name, "format": fmt},
            _("Convert it to JPEG or PNG and try again"),
        )
    _check_geometry(name, width, height, limits)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            pil.load()
            pil = ImageOps.exif_transpose(pil)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise UnreadableImage(
            _("%(name)s is damaged or truncated (corrupt)") % {"name": name}, _("Capture or scan the image again")
        ) from exc
    return _to_rgb8(pil)


def _read_bytes(source: str | Path | bytes, limits: ImageLimits, name: str) -> bytes:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    else:
        path = Path(source)
        if not path.is_file():
            raise UnreadableImage(_("%(name)s does not exist or is not a file") % {"name": name}, _("Check the path"))
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise _too_many_bytes(name, size, limits)
        data = path.read_bytes()
    if not data:
        raise UnreadableImage(_("%(name)s is empty (0 bytes)") % {"name": name}, _("Capture or scan the image again"))
    if len(data) > limits.max_bytes:
        raise _too_many_bytes(name, len(data), limits)
    return data


def _megabytes(size: int) -> str:
    return format_number(round(size / 1_000_000, 1))


def _too_many_bytes(name: str, size: int, limits: ImageLimits) -> ImageTooLarge:
    return ImageTooLarge(
        _("%(name)s is too large: %(size)s MB (%(bytes)s bytes), over the %(limit)s MB limit")
        % {"name": name, "size": _megabytes(size), "bytes": format_number(size), "limit": _megabytes(limits.max_bytes)},
        _("Send a smaller or more compressed image"),
    )


def _pixels_in(pillow_message: str) -> int | None:
    """The pixel count Pillow's DecompressionBombError states ("Image size (N pixels) exceeds ..."), if any."""
    found = re.search(r"\((\d+) pixels\)", pillow_message)
    return int(found.group(1)) if found else None


def _too_many_pixels(name: str, pixels: int | None, limits: ImageLimits, size: str = "") -> ImageTooLarge:
    values = {
        "name": name,
        "size": size,
        "pixels": format_number(pixels),
        "megapixels": format_number(round((pixels or 0) / 1_000_000, 1)),
        "limit": format_number(round(limits.max_pixels / 1_000_000, 1)),
    }
    if pixels is None:
        problem = _("%(name)s is too large: over the %(limit)s-megapixel limit")
    elif size:
        problem = _(
            "%(name)s is too large: %(size)s = %(pixels)s pixels (%(megapixels)s megapixels), "
            "over the %(limit)s-megapixel limit"
        )
    else:
        problem = _(
            "%(name)s is too large: %(pixels)s pixels (%(megapixels)s megapixels), over the %(limit)s-megapixel limit"
        )
    problem = problem % values
    return ImageTooLarge(problem, _("Resize it below the limit (a face needs far fewer pixels)"))


def _check_geometry(name: str, width: int, height: int, limits: ImageLimits) -> None:
    if width * height > limits.max_pixels:
        raise _too_many_pixels(name, width * height, limits, f"{width}x{height}")
    if min(width, height) < limits.min_side:
        raise ImplausibleImage(
            _("%(name)s is only %(width)dx%(height)d pixels") % {"name": name, "width": width, "height": height},
            _("Send an image at least %(side)d pixels a side") % {"side": limits.min_side},
        )
    ratio = max(width, height) / min(width, height)
    if ratio > limits.max_aspect_ratio:
        raise ImplausibleImage(
            _("%(name)s has an aspect ratio of %(ratio).1f:1 (%(width)dx%(height)d)")
            % {"name": name, "ratio": ratio, "width": width, "height": height},
            _("Send a photo or scan no more elongated than %(ratio).0f:1") % {"ratio": limits.max_aspect_ratio},
        )


def _to_rgb8(pil: Image.Image) -> np.ndarray:
    mode = pil.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit (or 32-bit integer) greyscale: keep the top 8 bits of the actual range in use.
        arr = np.asarray(pil, dtype=np.uint32 if mode == "I" else np.uint16).astype(np.float64)
        top = max(float(arr.max()), 1.0)
        scale = 255.0 / (65535.0 if top > 255 and mode != "I" else top)
        grey = np.clip(arr * scale, 0, 255).astype(np.uint8)
        return np.repeat(grey[:, :, None], 3, axis=2)
    if mode == "F":
        arr = np.asarray(pil, dtype=np.float64)
        lo, hi = float(arr.min()), float(arr.max())
        grey = ((arr - lo) / max(hi - lo, 1e-9) * 255).astype(np.uint8)
        return np.repeat(grey[:, :, None], 3, axis=2)
    if mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in pil.info):
        # Transparent pixels become white, as on a printed page, rather than the arbitrary colour under them.
        rgba = pil.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        pil = Image.alpha_composite(background, rgba)
    rgb = pil.convert("RGB")
    return np.ascontiguousarray(np.asarray(rgb, dtype=np.uint8))
