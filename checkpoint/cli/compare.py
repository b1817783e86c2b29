"""`checkpoint compare A B`: are these two faces the same person, at the calibrated threshold?"""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("compare")
@click.argument("image_a", type=click.Path(path_type=Path))
@click.argument("image_b", type=click.Path(path_type=Path))
@click.option("--fmr", type=float, help="decide at the threshold for this false match rate (default: settings)")
@click.option("--json", "as_json", is_flag=True, help="print JSON instead of text")
def compare(image_a: Path, image_b: Path, fmr: float | None, as_json: bool) -> None:
    """Compare the main face in IMAGE_A with the main face in IMAGE_B."""
    from checkpoint.compare import compare_images
    from checkpoint.settings import get_settings

    result = compare_images(image_a, image_b, get_settings(), fmr)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    verdict = "SAME PERSON" if result["match"] else "NOT THE SAME PERSON"
    click.echo(
        f"{verdict}: similarity {result['similarity']:.4f}, threshold {result['threshold']:.4f}"
        f" at FMR {result['fmr']:g} ({result['model_id']})"
    )
    for label, face in (("A", result["face_a"]), ("B", result["face_b"])):
        q = face["quality"]
        gate = "passes" if q["passed"] else "FAILS: " + "; ".join(q["reasons"])
        click.echo(
            f"  {label} {face['image']}: quality {q['score']:.0f}/100 ({gate}); eyes {q['inter_eye_distance_px']:.0f}"
            f" px apart, yaw {q['yaw_deg']:+.0f} pitch {q['pitch_deg']:+.0f} roll {q['roll_deg']:+.0f} deg"
        )
        for note in face["notes"]:
            click.echo(f"    note: {note}")
