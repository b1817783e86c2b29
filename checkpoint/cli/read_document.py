"""`checkpoint read-document IMAGE`: the MRZ fields, checks, repairs, confidence and timing of a data page, as JSON."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import click


@click.command("read-document")
@click.argument("image", type=click.Path(path_type=Path))
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="date the checks are made at (default: today)")
@click.option("--no-portrait", is_flag=True, help="skip the portrait search (faster)")
@click.option("--portrait-out", type=click.Path(path_type=Path), help="save the portrait crop to this file (PNG/JPEG)")
@click.option("--no-visual-zone", is_flag=True, help="skip comparing the printed visual zone with the MRZ (faster)")
def read_document(
    image: Path, today: dt.datetime | None, no_portrait: bool, portrait_out: Path | None, no_visual_zone: bool
) -> None:
    """Read the MRZ of the travel document data page in IMAGE; exit 3 with a reason when it cannot be trusted."""
    from PIL import Image

    from checkpoint.settings import get_settings
    from edge.document.ocr import MrzOcr
    from edge.document.reader import DocumentReader
    from edge.face.detect import make_detector
    from edge.image import ImageLimits, load_image

    settings = get_settings()
    start = time.perf_counter()
    rgb = load_image(image, ImageLimits(max_pixels=settings.max_image_pixels, max_bytes=settings.max_image_bytes))
    load_ms = (time.perf_counter() - start) * 1000
    reader = DocumentReader(
        MrzOcr(settings.document_detect_side, settings.document_ocr_threads),
        None if no_portrait else make_detector(settings.face_detector, settings.face_upsample),
        settings.document_max_validity_years,
    )
    reading = reader.read(
        rgb, today.date() if today else None, portrait=not no_portrait, visual_zone=not no_visual_zone
    )
    out = {"image": str(image), **reading.to_dict()}
    out["timings_ms"] = {"load": round(load_ms, 1), **out["timings_ms"]}
    if portrait_out is not None and reading.portrait is not None:
        Image.fromarray(reading.portrait.crop).save(portrait_out)
        out["portrait"]["saved_to"] = str(portrait_out)
    click.echo(json.dumps(out, indent=2))
    reading.require_valid()  # after the JSON, so a caller sees what was read and why it is refused
