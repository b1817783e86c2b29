"""`checkpoint screen --document IMG --face IMG_OR_DIR`: screen one traveller, print the recommendation as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("screen")
@click.option("--document", "document", required=True, type=click.Path(path_type=Path), help="data page image")
@click.option(
    "--face", "face", required=True, help="camera frames: an image, a folder of images, a video file or camera:N"
)
@click.option("--policy", type=click.Path(path_type=Path), help="policy TOML (default: settings kiosk_policy)")
def screen(document: Path, face: str, policy: Path | None) -> None:
    """Screen one traveller against the installed watchlist snapshot; CLEAR or REFER with reasons, as JSON."""
    from checkpoint.pipeline.assemble import make_screener
    from checkpoint.pipeline.frames import frames_from
    from checkpoint.pipeline.snapshot_source import open_snapshot_store
    from checkpoint.policy import load_policy
    from checkpoint.settings import get_settings
    from edge.image import ImageLimits, load_image

    settings = get_settings()
    limits = ImageLimits(max_pixels=settings.max_image_pixels, max_bytes=settings.max_image_bytes)
    document_rgb = load_image(document, limits)  # a file that is not an image is the user's to fix: exit 3
    frames = frames_from(face, limits)
    store = open_snapshot_store(settings)
    screener = make_screener(
        settings, lambda: store.current if store else None, load_policy(policy or settings.kiosk_policy)
    )
    result = screener.screen(document_rgb, frames)
    click.echo(json.dumps(result.to_dict(), indent=2, default=str))
