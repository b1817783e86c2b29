"""`checkpoint models prepare`: build the converted face model now instead of on the first screening."""

from __future__ import annotations

import click


@click.group()
def models() -> None:
    """Face models: prepare the converted ONNX embedder in the data directory."""


@models.command()
@click.option("--force", is_flag=True, help="convert again even if the converted file exists")
def prepare(force: bool) -> None:
    """Convert dlib's ResNet face embedder to ONNX (keyed by the source file's SHA-256) and check it."""
    from checkpoint.i18n import _
    from checkpoint.settings import get_settings
    from edge.face.flip import flip_model_id
    from edge.face.model_files import RESNET, model_path
    from edge.face.onnx_embedder import OnnxDlibEmbedder
    from edge.face.onnx_model_cache import ensure_converted

    settings = get_settings()
    path = ensure_converted(model_path(RESNET), settings.models_dir, force=force)
    embedder = OnnxDlibEmbedder(models_dir=settings.models_dir, threads=settings.onnx_threads)
    click.echo(f"converted model: {path}")
    click.echo(f"model id: {embedder.model_id}")
    click.echo(f"self-check, smallest cosine vs dlib: {embedder.min_cosine_vs_dlib:.7f}")
    if settings.face_flip and settings.face_jitter:  # flip with jittered views: their own id again
        click.echo(
            _(
                "templates' model id (CHECKPOINT_FACE_FLIP on, CHECKPOINT_FACE_JITTER %(views)s: chip, mirror and "
                "those views): %(model)s"
            )
            % {"views": settings.face_jitter, "model": flip_model_id(embedder.model_id, settings.face_jitter)}
        )
    elif settings.face_flip:  # what templates, galleries and calibrations are keyed by is the flipped model's id
        click.echo(
            _("templates' model id (CHECKPOINT_FACE_FLIP on: chip and mirror): %(model)s")
            % {"model": flip_model_id(embedder.model_id)}
        )
