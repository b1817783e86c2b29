"""Named failures a user can cause at the edge; each carries what went wrong and what to do."""

from __future__ import annotations


class EdgeError(Exception):
    """Base of every input error raised by `edge`; `str()` is one line: problem, then remedy."""

    code = "edge_error"

    def __init__(self, problem: str, remedy: str) -> None:
        super().__init__(f"{problem}. {remedy}")
        self.problem = problem
        self.remedy = remedy


class UnreadableImage(EdgeError):
    """The bytes are empty, truncated, corrupt or not an image format we accept."""

    code = "unreadable_image"


class ImageTooLarge(EdgeError):
    """The image would decode into more pixels or bytes than allowed (decompression bomb guard)."""

    code = "image_too_large"


class ImplausibleImage(EdgeError):
    """The image decodes but its geometry cannot hold a usable face or page (absurd aspect ratio, tiny)."""

    code = "implausible_image"


class NoFaceFound(EdgeError):
    """No face was detected in the image."""

    code = "no_face"


class ModelUnavailable(EdgeError):
    """A model file the pipeline needs is not installed or cannot be loaded."""

    code = "model_unavailable"
