"""`checkpoint bench embedder`: ONNX vs dlib embedder equivalence and speed on LFW dev faces."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import click


@click.command("embedder")
@click.option(
    "--faces", type=click.IntRange(1), default=500, show_default=True, help="LFW faces for the equivalence measure"
)
@click.option("--timing-faces", default=200, show_default=True, help="faces timed one at a time per backend")
@click.option(
    "--batch",
    "batch_size",
    type=click.IntRange(1),
    default=16,
    show_default=True,
    help="batch size for the throughput measure",
)
@click.option(
    "--threads", default=None, type=click.IntRange(1), help="onnxruntime threads (default: CHECKPOINT_ONNX_THREADS)"
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    help="results JSON (default: benchmarks/results/embedder_equivalence.json)",
)
def embedder(faces: int, timing_faces: int, batch_size: int, threads: int | None, output: Path | None) -> None:
    """Compare the ONNX embedder with dlib's own on real faces; print a table and save JSON."""
    from benchmarks.embedder_bench import format_table, run, to_json_dict
    from benchmarks.result_file import RESULTS_DIR
    from checkpoint.settings import get_settings
    from edge.face.dlib_embedder import DlibEmbedder
    from edge.face.onnx_embedder import OnnxDlibEmbedder

    # Not relative to where the command is run from: that wrote a benchmarks/results/ into any folder.
    output = output or RESULTS_DIR / "embedder_equivalence.json"
    settings = get_settings()
    images = settings.lfw_dir / "images"
    if not images.is_dir():
        raise click.ClickException(f"LFW dev images not found at {images}: set CHECKPOINT_SHARED_DATA")
    if timing_faces > faces:
        raise click.BadParameter("cannot time more faces than are extracted", param_hint="--timing-faces")
    threads = settings.onnx_threads if threads is None else threads
    onnx = OnnxDlibEmbedder(models_dir=settings.models_dir, threads=threads, batch_size=batch_size)
    result = run(
        images,
        DlibEmbedder(),
        onnx,
        faces=faces,
        timing_faces=timing_faces,
        batch_size=batch_size,
        onnx_threads=threads,
        command=shlex.join(
            ["checkpoint", "bench", "embedder", "--faces", str(faces), "--timing-faces", str(timing_faces)]
            + ["--batch", str(batch_size), "--threads", str(threads), "--output", str(output)]
        ),
        progress=lambda msg: click.echo(msg, err=True),
        jitter=settings.face_jitter if settings.face_flip else "",
    )
    click.echo(format_table(result))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(to_json_dict(result), indent=2) + "\n")
    click.echo(f"saved {output}")
