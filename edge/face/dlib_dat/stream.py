"""dlib's serialisation primitives (dlib/serialize.h, dlib/dnn/tensor.h), read from bytes with numpy.

Integers: one control byte (low 4 bits = number of payload bytes, 0x80 = negative) then the magnitude,
little-endian. Floats: an integer mantissa then an integer exponent, value = mantissa * 2**exponent, with three
reserved exponents for inf, -inf and NaN. Strings: a length integer then the raw bytes. Booleans: the ASCII
characters '1' and '0'. Tensors (version 2): version, four dimensions, then little-endian IEEE float32; the
older version 1 stores each value with the float encoding above.
"""

from __future__ import annotations

import math

import numpy as np

from edge.face.dlib_dat.errors import DlibDatFormatError

# dlib/float_details.h marks non-finite values with these exponents.
_EXPONENT_INF = 32000
_EXPONENT_NINF = 32001
_EXPONENT_NAN = 32002
_MAX_STRING = 1 << 16
_MAX_TENSOR_VALUES = 1 << 28


class DlibReader:
    """A cursor over the bytes of a dlib serialisation; every read checks bounds and names what it expected."""

    def __init__(self, data: bytes, source: str = "the .dat file") -> None:
        self.data = memoryview(data)
        self.pos = 0
        self.source = source

    def fail(self, what: str) -> DlibDatFormatError:
        """A named error pointing at the byte offset where `what` could not be read."""
        return DlibDatFormatError(
            f"{self.source} is not a dlib network this reader understands: {what} at byte {self.pos}",
            "Reinstall face_recognition_models (the file may be truncated) or use the 'dlib' embedder",
        )

    def _take(self, count: int, what: str) -> memoryview:
        if count < 0 or self.pos + count > len(self.data):
            raise self.fail(f"file ends inside {what}")
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def at_end(self) -> bool:
        return self.pos >= len(self.data)

    def int(self, what: str = "an integer") -> int:
        """A signed or unsigned integer in dlib's variable-length encoding."""
        control = self._take(1, what)[0]
        size = control & 0x0F
        if size == 0 or size > 8 or control & 0x70:
            raise self.fail(f"bad control byte 0x{control:02x} for {what}")
        value = int.from_bytes(self._take(size, what), "little")
        return -value if control & 0x80 else value

    def peek_int(self) -> int | None:
        """The next integer without consuming it, or None if the bytes there are not one."""
        saved = self.pos
        try:
            return self.int()
        except DlibDatFormatError:
            return None
        finally:
            self.pos = saved

    def float(self, what: str = "a float") -> float:
        """A float or double in dlib's portable (mantissa, exponent) encoding."""
        mantissa = self.int(what + " (mantissa)")
        exponent = self.int(what + " (exponent)")
        if exponent == _EXPONENT_INF:
            return math.inf
        if exponent == _EXPONENT_NINF:
            return -math.inf
        if exponent == _EXPONENT_NAN:
            return math.nan
        return math.ldexp(mantissa, exponent)

    def string(self, what: str = "a string") -> str:
        size = self.int(what + " (length)")
        if not 0 <= size <= _MAX_STRING:
            raise self.fail(f"implausible length {size} for {what}")
        raw = bytes(self._take(size, what))
        try:
            return raw.decode("ascii")
        except UnicodeDecodeError as exc:
            raise self.fail(f"non-ASCII bytes in {what}") from exc

    def bool(self, what: str = "a flag") -> bool:
        char = bytes(self._take(1, what))
        if char == b"1":
            return True
        if char == b"0":
            return False
        raise self.fail(f"{what} is {char!r}, not '0' or '1'")

    def tensor(self, what: str = "a tensor") -> np.ndarray:
        """A dlib tensor as a float32 array of shape (num_samples, k, nr, nc)."""
        version = self.int(what + " (version)")
        if version not in (1, 2):
            raise self.fail(f"unknown tensor version {version} for {what}")
        shape = tuple(self.int(what + " (dimension)") for _ in range(4))
        if any(d < 0 for d in shape):
            raise self.fail(f"negative dimension {shape} for {what}")
        count = math.prod(shape)
        if count > _MAX_TENSOR_VALUES:
            raise self.fail(f"implausible size {shape} for {what}")
        if version == 2:
            raw = self._take(4 * count, what)
            values = np.frombuffer(raw, dtype="<f4").astype(np.float32)
        else:
            values = np.array([self.float(what) for _ in range(count)], dtype=np.float32)
        return values.reshape(shape)

    def alias_tensor_shape(self, what: str = "a tensor view") -> tuple[int, int, int, int]:
        """An alias_tensor: only the shape of a view into a layer's `params` (version 1)."""
        version = self.int(what + " (version)")
        if version != 1:
            raise self.fail(f"unknown alias_tensor version {version} for {what}")
        return tuple(self.int(what + " (dimension)") for _ in range(4))  # type: ignore[return-value]
