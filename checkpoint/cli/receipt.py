"""`checkpoint receipt verify|consistency`: a traveller's (or anyone's) offline checks against the centre's public
key: that a receipt is in the signed log, and that the log only grew between two signed tree heads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from checkpoint.cli.errors import EXIT_BAD_INPUT
from checkpoint.i18n import _

_KEY_OPTION = click.option(
    "--public-key",
    "public_key",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="the centre's Ed25519 public key (PEM, from /public/public-key; compare its fingerprint with the poster)",
)


def _json_file(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise click.ClickException(_("%(file)s is not a readable JSON file: save it again") % {"file": path}) from exc
    if not isinstance(value, dict):
        raise click.ClickException(_("%(file)s does not hold a JSON object") % {"file": path})
    return value


@click.group()
def receipt() -> None:
    """Check a traveller's receipt and the public log offline."""


@receipt.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_KEY_OPTION
@click.option(
    "--proof",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="the answer of /public/receipts/<reference>, when FILE holds only the receipt",
)
@click.pass_context
def verify(ctx: click.Context, file: Path, public_key: Path, proof: Path | None) -> None:
    """Verify that the receipt in FILE is in the centre's signed log.

    FILE is JSON: {"receipt": {reference, post_id, screening_date, recommendation, outcome, salt}, "proof": <the
    answer of GET /public/receipts/<reference>>}; or the receipt alone (the QR code's text) with --proof.
    """
    from api.audit.signing import load_public_key
    from api.public.offline_check import receipt_problem

    held = _json_file(file)
    printed = held.get("receipt", held)
    answer = _json_file(proof) if proof else held.get("proof")
    if not isinstance(answer, dict) or not isinstance(printed, dict):
        raise click.ClickException(
            _("%(file)s has no proof: pass the answer of /public/receipts/<reference> with --proof") % {"file": file}
        )
    problem = receipt_problem(printed, answer, load_public_key(public_key))
    if problem is not None:
        click.echo(_("FAILED: %(problem)s") % {"problem": problem}, err=True)
        ctx.exit(EXIT_BAD_INPUT)
    head = answer["signed_tree_head"]
    click.echo(
        _(
            "OK: receipt %(reference)s is in the log (event %(event)d of the tree head of %(size)d events, "
            "signed %(when)s)"
        )
        % {
            "reference": printed["reference"],
            "event": answer["event"]["sequence"],
            "size": head["tree_size"],
            "when": head["timestamp"],
        }
    )


@receipt.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_KEY_OPTION
@click.pass_context
def consistency(ctx: click.Context, file: Path, public_key: Path) -> None:
    """Verify that the log grew without rewriting between two signed tree heads.

    FILE is the answer of GET /public/proofs/consistency?first=SIZE1&second=SIZE2.
    """
    from api.audit.signing import load_public_key
    from api.public.offline_check import consistency_problem

    answer = _json_file(file)
    try:
        first, second, path = answer["first"], answer["second"], answer["path"]
    except KeyError as exc:
        raise click.ClickException(
            _("%(file)s is not a consistency proof: save the answer of /public/proofs/consistency") % {"file": file}
        ) from exc
    problem = consistency_problem(first, second, path, load_public_key(public_key))
    if problem is not None:
        click.echo(_("FAILED: %(problem)s") % {"problem": problem}, err=True)
        ctx.exit(EXIT_BAD_INPUT)
    click.echo(
        _("OK: the log of %(second)d events extends the log of %(first)d events unchanged")
        % {"first": first["tree_size"], "second": second["tree_size"]}
    )
