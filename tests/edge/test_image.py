"""Loading images: every format a kiosk or scanner produces works; everything else fails with a named error."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from edge.errors import ImageTooLarge, ImplausibleImage, UnreadableImage
from edge.image import ImageLimits, load_image


def _encode(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


@pytest.fixture
def photo() -> Image.Image:
    rng = np.random.default_rng(0)
    arr = rng.integers(0, 255, size=(60, 80, 3), dtype=np.uint8)
    arr[:, :40] = (200, 30, 30)  # left half red, to see orientation and channel order
    return Image.fromarray(arr, "RGB")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "BMP", "WEBP", "TIFF"])
def test_common_formats_decode_to_rgb(photo: Image.Image, fmt: str) -> None:
    rgb = load_image(_encode(photo, fmt))
    assert rgb.shape == (60, 80, 3) and rgb.dtype == np.uint8
    red = rgb[:, :40].reshape(-1, 3).mean(axis=0)
    assert red[0] > 150 and red[1] < 80, "channels must come out in RGB order"


def test_greyscale_becomes_three_equal_channels() -> None:
    grey = Image.fromarray(np.full((50, 50), 77, dtype=np.uint8), "L")
    rgb = load_image(_encode(grey, "PNG"))
    assert rgb.shape == (50, 50, 3)
    assert (rgb == 77).all()


def test_transparent_pixels_become_white() -> None:
    rgba = np.zeros((40, 40, 4), dtype=np.uint8)
    rgba[:, :20] = (0, 0, 255, 255)  # opaque blue left, fully transparent right
    rgb = load_image(_encode(Image.fromarray(rgba, "RGBA"), "PNG"))
    assert tuple(rgb[5, 5]) == (0, 0, 255)
    assert tuple(rgb[5, 35]) == (255, 255, 255)


def test_sixteen_bit_greyscale_keeps_its_tones() -> None:
    ramp = np.tile(np.linspace(0, 65535, 64, dtype=np.uint16), (40, 1))
    rgb = load_image(_encode(Image.fromarray(ramp), "PNG"))
    assert rgb[0, 0, 0] < 5 and rgb[0, -1, 0] > 250
    assert np.all(np.diff(rgb[0, :, 0].astype(int)) >= 0), "tones stay in order"


def test_exif_orientation_is_applied(photo: Image.Image) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to view": a phone held upright
    rgb = load_image(_encode(photo, "JPEG", exif=exif))
    assert rgb.shape[:2] == (80, 60)
    # The red left half of the stored image ends up at the top after the rotation.
    assert rgb[:30, :, 0].mean() > rgb[50:, :, 0].mean() + 30


def test_empty_file_is_refused_with_a_remedy(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableImage, match="empty") as info:
        load_image(empty)
    assert "again" in info.value.remedy


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(UnreadableImage, match="nope.jpg"):
        load_image(tmp_path / "nope.jpg")


def test_truncated_jpeg_is_refused(photo: Image.Image) -> None:
    data = _encode(photo.resize((400, 300)), "JPEG")
    with pytest.raises(UnreadableImage, match="damaged or truncated"):
        load_image(data[: len(data) // 2])


def test_text_is_not_an_image() -> None:
    with pytest.raises(UnreadableImage, match="not an image"):
        load_image(b"name,passport\nJohn,123\n" * 10)


def test_gif_is_refused_with_a_conversion_hint(photo: Image.Image) -> None:
    with pytest.raises(UnreadableImage, match="GIF") as info:
        load_image(_encode(photo, "GIF"))
    assert "JPEG or PNG" in info.value.remedy


def test_decompression_bomb_is_refused_before_decoding() -> None:
    bomb = _encode(Image.new("1", (8000, 6000)), "PNG")  # 48 MP in a few kilobytes
    assert len(bomb) < 200_000
    with pytest.raises(ImageTooLarge, match="48,000,000 pixels"):
        load_image(bomb)


def test_pixel_limit_is_configurable(photo: Image.Image) -> None:
    with pytest.raises(ImageTooLarge):
        load_image(_encode(photo, "PNG"), ImageLimits(max_pixels=1000))


def test_byte_limit(photo: Image.Image) -> None:
    data = _encode(photo, "BMP")
    with pytest.raises(ImageTooLarge, match="bytes"):
        load_image(data, ImageLimits(max_bytes=len(data) - 1))


def test_absurd_aspect_ratio_is_refused() -> None:
    strip = Image.new("RGB", (2000, 100))
    with pytest.raises(ImplausibleImage, match="aspect ratio"):
        load_image(_encode(strip, "PNG"))


def test_tiny_image_is_refused() -> None:
    with pytest.raises(ImplausibleImage, match="only 10x10"):
        load_image(_encode(Image.new("RGB", (10, 10)), "PNG"))
