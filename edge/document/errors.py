"""Named failures of the document reader; each says what went wrong and what to do."""

from __future__ import annotations

from edge.errors import EdgeError


class DocumentError(EdgeError):
    """Base of every input error raised by `edge.document` (an EdgeError, so the CLI reports it in one line)."""

    code = "document_error"


class NoMRZFound(DocumentError):
    """No machine readable zone could be located or read on the image."""

    code = "no_mrz"


class InvalidMRZ(DocumentError):
    """Text was read but it is no ICAO 9303 MRZ, or its check digits fail."""

    code = "invalid_mrz"
