"""`checkpoint demo`: the README's first command. Until the kiosk lands it compares two real faces that
need no download (scikit-image's bundled astronaut photo and a re-shot variant of it)."""

from __future__ import annotations

import click


@click.command("demo")
def demo() -> None:
    """Write two sample photos to the data directory and compare them, as `checkpoint compare` would."""
    import cv2
    import numpy as np
    from skimage import data

    from checkpoint.compare import compare_images
    from checkpoint.settings import get_settings

    settings = get_settings()
    folder = settings.data_dir / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    photo = np.ascontiguousarray(data.astronaut())
    # The same woman "at the kiosk": mirrored, smaller, dimmer and JPEG-compressed.
    live = cv2.resize((photo[:, ::-1] * 0.7).astype(np.uint8), (0, 0), fx=0.8, fy=0.8)
    document_path, live_path = folder / "document-photo.png", folder / "live-capture.jpg"
    cv2.imwrite(str(document_path), cv2.cvtColor(photo, cv2.COLOR_RGB2BGR))
    cv2.imwrite(str(live_path), cv2.cvtColor(live, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 60])
    result = compare_images(document_path, live_path, settings)
    verdict = "SAME PERSON" if result["match"] else "NOT THE SAME PERSON"
    click.echo(f"Compared {document_path}\n     with {live_path}")
    click.echo(
        f"{verdict}: similarity {result['similarity']:.3f} vs threshold {result['threshold']:.3f}"
        f" (FMR {result['fmr']:g}, model {result['model_id']})"
    )
    click.echo("Next: `checkpoint compare IMAGE_A IMAGE_B` on your own photos; `checkpoint --help` for more.")
