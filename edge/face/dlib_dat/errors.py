"""Named failures when reading a dlib `.dat` network or turning it into ONNX."""

from __future__ import annotations

from edge.errors import ModelUnavailable


class DlibDatFormatError(ModelUnavailable):
    """The `.dat` file is not a dlib network in a layout this reader understands (truncated, other version)."""

    code = "dlib_dat_unreadable"
