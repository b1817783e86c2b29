"""Named failures a caller of the matcher can cause; each says what was wrong and what to do."""

from __future__ import annotations


class MatcherError(Exception):
    """Base of every input error raised by `matcher`; `str()` is one line: problem, then remedy."""

    code = "matcher_error"

    def __init__(self, problem: str, remedy: str) -> None:
        super().__init__(f"{problem}. {remedy}")
        self.problem = problem
        self.remedy = remedy

    def __reduce__(self):
        # Rebuilt from (problem, remedy), so the error survives crossing a process boundary intact.
        return (self.__class__, (self.problem, self.remedy))


class WrongModel(MatcherError):
    """A template made by another face model than the gallery's (scores across models mean nothing)."""

    code = "wrong_model"


class WrongDimension(MatcherError):
    """A template whose length is not the gallery's dimension."""

    code = "wrong_dimension"


class InvalidTemplate(MatcherError):
    """A template holding NaN or infinity, or a zero vector (no direction, so no similarity)."""

    code = "invalid_template"


class DuplicateTemplateId(MatcherError):
    """A template id that is already in the gallery (or twice in one batch)."""

    code = "duplicate_template_id"


class UnknownTemplateId(MatcherError):
    """A template id (or subject id) that is not in the gallery."""

    code = "unknown_template_id"


class EmptyGallery(MatcherError):
    """A search of a gallery holding no template: there is nothing to screen against."""

    code = "empty_gallery"


class IndexUnusable(MatcherError):
    """The FAISS factory string or its parameters cannot serve this gallery (e.g. IVF with too few templates)."""

    code = "index_unusable"


class GalleryFileError(MatcherError):
    """A saved gallery that is missing, truncated, corrupt, of another format version or another model."""

    code = "gallery_file_error"


class GalleryTooSmall(MatcherError):
    """A search asked for cohort normalisation on a gallery with too few subjects to be its own cohort."""

    code = "gallery_too_small"
