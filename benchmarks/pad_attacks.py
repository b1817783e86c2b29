"""Simulated presentation attacks: a bona fide face photo turned into what a kiosk camera would see of it printed
on paper or shown on a screen, for `checkpoint bench pad`.

Each attack species (ISO/IEC 30107-3 "presentation attack instrument species") is a chain of image operations
on the source photo, then the same camera model:

- printed photo: the photo is printed with a reduced gamut (ink cannot reach screen white or deep black), as a
  CMY halftone (rotated dot screens), on paper with fibre texture; `print_curved_glare` also bends the page
  (cylinder) and lights it with a specular glare spot.
- screen replay: the photo is shown on an LCD, drawn as its RGB sub-pixel grid (which the camera resamples into
  moiré at a non-integer scale and a slight angle), brighter and bluer, with a reflection of the room on the
  glass; `screen_replay_bezel` shows the whole phone, its black bezel and the room around it.
- `recapture_camera_only`: the photo reaches the camera with no medium at all, as a perfect print would.
- the camera model (every species): a small rotation and perspective, the room behind, defocus blur, sensor
  noise (shot and read noise), and JPEG at the camera's quality.

What these can show: whether the detector reacts to these artefacts, as simulated. What they cannot show: how
it does on real prints and screens held by real people under real light (paper gloss, screen refresh, hands,
motion, 3-D masks are not modelled); no simulated APCER is a claim about real attacks.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

FRAME = (480, 640)  # height, width of the kiosk camera's frames


def room(rng: np.random.Generator, size: tuple[int, int] = FRAME) -> np.ndarray:
    """A plausible out-of-focus background: smooth colour gradients and low-frequency clutter."""
    height, width = size
    coarse = rng.uniform(40, 200, size=(4, 5, 3)).astype(np.float32)
    smooth = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    clutter = cv2.GaussianBlur(rng.normal(0, 25, size=(height, width, 3)).astype(np.float32), (0, 0), 6)
    return np.clip(smooth + clutter, 0, 255).astype(np.uint8)


def reduced_gamut(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """What ink on paper can reproduce: black lifted, white dimmed, colours desaturated."""
    image = rgb.astype(np.float32)
    grey = image.mean(axis=2, keepdims=True)
    image = grey + (image - grey) * rng.uniform(0.65, 0.85)
    black, white = rng.uniform(18, 40), rng.uniform(215, 240)
    return (black + image * (white - black) / 255).astype(np.uint8)


def halftone(rgb: np.ndarray, rng: np.random.Generator, upscale: int = 3) -> np.ndarray:
    """A CMY halftone at `upscale` printer dots per source pixel: each ink a dot screen at its own angle."""
    big = cv2.resize(rgb, None, fx=upscale, fy=upscale, interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
    height, width = big.shape[:2]
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    period = rng.uniform(3.0, 5.0)
    out = np.empty_like(big)
    for channel, angle in zip(range(3), (15.0, 75.0, 45.0), strict=True):  # C, M, Y are 1 - R, G, B
        theta = np.deg2rad(angle)
        u = (x * np.cos(theta) + y * np.sin(theta)) * 2 * np.pi / period
        v = (-x * np.sin(theta) + y * np.cos(theta)) * 2 * np.pi / period
        screen = (np.cos(u) + np.cos(v)) / 4 + 0.5
        ink = 1 - big[..., channel]
        out[..., channel] = np.where(ink > screen, 0.0, 1.0)
    return (out * 255).astype(np.uint8)


def paper(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Paper fibres: a faint multiplicative texture, streaked in one direction."""
    height, width = rgb.shape[:2]
    fibres = cv2.GaussianBlur(rng.normal(0, 1, size=(height, width)).astype(np.float32), (0, 0), 1.2, sigmaY=4.0)
    texture = 1 + 0.06 * fibres / (fibres.std() + 1e-6)
    return np.clip(rgb.astype(np.float32) * texture[..., None], 0, 255).astype(np.uint8)


def with_margin(rgb: np.ndarray, margin: int, colour: tuple[int, int, int]) -> np.ndarray:
    return cv2.copyMakeBorder(rgb, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=colour)


def curved(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The page bent about a vertical axis: x squeezed towards the edges, shaded where it turns away."""
    height, width = rgb.shape[:2]
    bend = rng.uniform(0.25, 0.5)
    xs = np.linspace(-1, 1, width, dtype=np.float32)
    source_x = np.sin(xs * np.pi / 2 * bend) / np.sin(np.pi / 2 * bend)  # arc length -> projected position
    map_x = np.tile((source_x + 1) / 2 * (width - 1), (height, 1)).astype(np.float32)
    map_y = np.tile(np.arange(height, dtype=np.float32)[:, None], (1, width))
    warped = cv2.remap(rgb, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
    shade = 1 - 0.25 * np.abs(xs) ** 2 * bend * 2
    return np.clip(warped * shade[None, :, None], 0, 255).astype(np.uint8)


def glare(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A specular highlight: a soft ellipse of near-white light somewhere on the medium."""
    height, width = rgb.shape[:2]
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    cx, cy = rng.uniform(0.2, 0.8) * width, rng.uniform(0.2, 0.8) * height
    sx, sy = rng.uniform(0.08, 0.2) * width, rng.uniform(0.05, 0.15) * height
    spot = np.exp(-(((x - cx) / sx) ** 2 + ((y - cy) / sy) ** 2))
    light = rng.uniform(90, 170) * spot
    return np.clip(rgb.astype(np.float32) + light[..., None], 0, 255).astype(np.uint8)


def subpixels(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A phone LCD showing `rgb` at its own resolution (about 2.5 screen pixels per source pixel), each screen
    pixel three columns (R, G, B stripes) with a darker line between rows; brighter and bluer than the photo."""
    screen = cv2.resize(rgb, None, fx=2.5, fy=2.5, interpolation=cv2.INTER_CUBIC).astype(np.float32)
    lit = np.clip(
        screen * rng.uniform(1.0, 1.15) * np.array([0.95, 1.0, 1.08], np.float32) + rng.uniform(5, 20), 0, 255
    )
    height, width = lit.shape[:2]
    pattern = np.full((height * 3, width * 3, 3), 0.25, np.float32)  # light bleeds between neighbouring stripes
    for channel in range(3):
        pattern[:, channel::3, channel] = 1.0
    pattern[2::3] *= 0.6  # the line between pixel rows
    pattern /= pattern.mean(axis=(0, 1))  # the stripes redistribute a pixel's light, they do not dim it
    big = cv2.resize(lit, (width * 3, height * 3), interpolation=cv2.INTER_NEAREST)
    return np.clip(big * pattern, 0, 255).astype(np.uint8)


def reflection(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The room reflected on the glass: a blurred scene blended in at low opacity, stronger to one side."""
    height, width = rgb.shape[:2]
    scene = cv2.GaussianBlur(room(rng, (height, width)), (0, 0), 8).astype(np.float32)
    ramp = np.linspace(rng.uniform(0.0, 0.1), rng.uniform(0.15, 0.3), width, dtype=np.float32)[None, :, None]
    return np.clip(rgb.astype(np.float32) * (1 - ramp) + scene * ramp * 1.5, 0, 255).astype(np.uint8)


def in_the_room(medium: np.ndarray, rng: np.random.Generator, fill: float) -> np.ndarray:
    """The medium held in front of the camera: scaled to `fill` of the frame height, slightly turned, over a room."""
    height, width = FRAME
    scale = fill * height / medium.shape[0]
    h, w = medium.shape[0] * scale, medium.shape[1] * scale
    cx, cy = width / 2 + rng.uniform(-0.1, 0.1) * width, height / 2 + rng.uniform(-0.05, 0.05) * height
    corners = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]], np.float32)
    angle = np.deg2rad(rng.uniform(-6, 6))
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]], np.float32)
    placed = corners @ rotation.T + [cx, cy]
    placed += rng.uniform(-0.03, 0.03, size=(4, 2)).astype(np.float32) * [w, h]  # the medium is not square-on
    source = np.array([[0, 0], [medium.shape[1], 0], [medium.shape[1], medium.shape[0]], [0, medium.shape[0]]])
    warp = cv2.getPerspectiveTransform(source.astype(np.float32), placed.astype(np.float32))
    # INTER_AREA is not offered by warpPerspective: shrink first so the resampling integrates like a sensor would.
    shrink = max(1.0, 1 / scale / 1.5)
    if shrink > 1:
        medium = cv2.resize(medium, None, fx=1 / shrink, fy=1 / shrink, interpolation=cv2.INTER_AREA)
        warp = warp @ np.diag([shrink, shrink, 1.0])
    frame = cv2.warpPerspective(medium, warp, (width, height), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.ones(medium.shape[:2], np.uint8), warp, (width, height), flags=cv2.INTER_NEAREST)
    return np.where(mask[..., None] > 0, frame, room(rng)).astype(np.uint8)


def camera(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The kiosk camera: defocus blur, shot and read noise, JPEG."""
    image = cv2.GaussianBlur(rgb, (0, 0), rng.uniform(0.5, 1.3)).astype(np.float32)
    image += rng.normal(0, 1, image.shape).astype(np.float32) * np.sqrt(image * rng.uniform(0.02, 0.08) + 4)
    quality = int(rng.integers(60, 91))
    ok, jpeg = cv2.imencode(
        ".jpg",
        cv2.cvtColor(np.clip(image, 0, 255).astype(np.uint8), cv2.COLOR_RGB2BGR),
        [cv2.IMWRITE_JPEG_QUALITY, quality],
    )
    return cv2.cvtColor(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def print_flat(photo: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    printed = paper(halftone(reduced_gamut(photo, rng), rng), rng)
    return camera(in_the_room(with_margin(printed, printed.shape[0] // 12, (235, 232, 225)), rng, 0.95), rng)


def print_curved_glare(photo: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    printed = paper(halftone(reduced_gamut(photo, rng), rng), rng)
    page = glare(curved(with_margin(printed, printed.shape[0] // 12, (235, 232, 225)), rng), rng)
    return camera(in_the_room(page, rng, 0.95), rng)


def screen_replay(photo: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return camera(in_the_room(reflection(subpixels(photo, rng), rng), rng, 1.05), rng)


def screen_replay_bezel(photo: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    shown = reflection(subpixels(photo, rng), rng)
    phone = with_margin(shown, shown.shape[0] // 10, (12, 12, 14))
    return camera(in_the_room(phone, rng, 0.85), rng)


def recapture_camera_only(photo: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return camera(in_the_room(photo, rng, 0.9), rng)


# PAI species -> how to make one attack frame from a bona fide photo (RGB) and a seeded generator.
SPECIES: dict[str, Callable[[np.ndarray, np.random.Generator], np.ndarray]] = {
    "print_flat": print_flat,
    "print_curved_glare": print_curved_glare,
    "screen_replay": screen_replay,
    "screen_replay_bezel": screen_replay_bezel,
    "recapture_camera_only": recapture_camera_only,
}
