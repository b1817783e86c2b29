"""Snapshot keys: made once, private key private, clear errors when missing or wrong."""

from __future__ import annotations

import stat

import pytest

from watchlists.errors import SigningKeyError
from watchlists.signing import generate_keypair, load_private_key, load_public_key, verify


def test_keypair_signs_and_verifies_and_private_key_is_owner_only(tmp_path):
    private, public = tmp_path / "k.pem", tmp_path / "k.pub.pem"
    generate_keypair(private, public)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    signature = load_private_key(private).sign(b"manifest")
    assert verify(load_public_key(public), signature, b"manifest")
    assert not verify(load_public_key(public), signature, b"manifest!")


def test_existing_key_is_never_overwritten(tmp_path):
    private, public = tmp_path / "k.pem", tmp_path / "k.pub.pem"
    generate_keypair(private, public)
    before = private.read_bytes()
    with pytest.raises(SigningKeyError, match="exists already"):
        generate_keypair(private, public)
    assert private.read_bytes() == before


def test_missing_or_garbled_key_says_what_to_do(tmp_path):
    with pytest.raises(SigningKeyError, match="checkpoint watchlist keygen"):
        load_public_key(tmp_path / "absent.pem")
    garbled = tmp_path / "bad.pem"
    garbled.write_text("not a key")
    with pytest.raises(SigningKeyError, match="not a readable PEM"):
        load_private_key(garbled)
