"""Back a large FAISS index with 2 MiB pages, so graph walks stop missing the TLB on every hop.

An HNSW search at 1M templates reads ~10,000 vectors scattered over 512 MB plus their neighbour lists
(260 MB at M=32): with 4 KiB pages nearly every one of those reads also misses the TLB. Linux's transparent
huge pages are on by default only for memory that asks for them (`madvise` mode, Debian's default), and
FAISS never asks. MADV_COLLAPSE (Linux 6.1+) rewrites an existing range into huge pages synchronously; it
is safe while other threads read the range. Measured at 1M templates, HNSW32 efConstruction 80, efSearch
384, quiet 2-core machine, same run conditions (`checkpoint bench gallery` with and without --no-huge-pages;
gallery.json, gallery-1m-no-huge-pages.json): build 176 s instead of 211 s, single probe p50 1.77 ms instead of
2.08 ms, p99 1.98 ms instead of 2.33 ms. On a busy machine (load ~9) the median probe took 1.8 ms instead of
6.5-13 ms.

Best effort: on another OS, an older kernel or with THP disabled nothing changes and nothing fails.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys
from collections.abc import Iterator

import faiss

HUGE_PAGE = 2 << 20
MIN_BYTES = 32 << 20  # below this the index fits in the TLB's reach anyway: not worth a syscall
_MADV_HUGEPAGE = 14  # the hint khugepaged acts on later (kernels before 6.1)
_MADV_COLLAPSE = 25  # collapse now (Linux 6.1+)
_enabled = True


def set_enabled(enabled: bool) -> None:
    """Turn huge pages on or off for this process (on by default; off lets `bench gallery` measure the gain)."""
    global _enabled
    _enabled = enabled


def huge_page_regions(index: faiss.Index) -> list[tuple[int, int]]:
    """(address, bytes) of the large arrays a search of `index` reads at random: vectors and HNSW links."""
    return [(address, size) for address, size in _arrays(index) if size >= MIN_BYTES]


def back_with_huge_pages(regions: list[tuple[int, int]]) -> int:
    """Ask the kernel to back these (address, bytes) regions with huge pages now; returns the bytes it took.

    Safe without a lock: if a writer has meanwhile moved an array, the old range is unmapped (the call fails
    harmlessly) or reused (collapsing never changes memory contents).
    """
    libc = _libc()
    if libc is None or not _enabled:
        return 0
    accepted = 0
    for address, size in regions:
        start = -(-address // HUGE_PAGE) * HUGE_PAGE  # only whole huge pages inside the array
        end = (address + size) // HUGE_PAGE * HUGE_PAGE
        if end <= start:
            continue
        if (
            libc.madvise(start, end - start, _MADV_COLLAPSE) == 0
            or libc.madvise(start, end - start, _MADV_HUGEPAGE) == 0
        ):
            accepted += end - start
    return accepted


def reserve_on_huge_pages(index: faiss.Index, extra: int) -> None:
    """Before adding `extra` vectors, grow `index`'s arrays to their new size on huge pages, then hand them back.

    Building a 1M HNSW graph is itself a long random walk over these arrays, so they should sit on huge pages
    while it runs, not only afterwards. FAISS sizes them inside `add`, where nothing can be advised; but a
    std::vector keeps its capacity when it shrinks, so growing it here (zeros), collapsing it, and shrinking
    it back to the old length leaves `add` room to grow into memory that is already on huge pages.
    """
    if not _enabled:
        return
    index = faiss.downcast_index(index)
    wanted = []  # (vector, its length after the add, bytes per element)
    if isinstance(index, faiss.IndexHNSW):
        # Level 0 holds 2M links per vertex; upper levels add about M/(M-1) per vertex on average (FAISS draws
        # levels with P(level >= l) = M^-l): 2M + 2 per vertex covers both with room to spare.
        links = index.hnsw.neighbors
        wanted.append((links, links.size() + extra * (index.hnsw.nb_neighbors(0) + 2), 4))
        index = faiss.downcast_index(index.storage)
    if isinstance(index, faiss.IndexFlatCodes):
        wanted.append((index.codes, index.codes.size() + extra * index.code_size, 1))
    for vector, length, itemsize in wanted:
        old = vector.size()
        if not vector.is_owned or (length - old) * itemsize < MIN_BYTES:
            continue  # a small add: not worth holding the writer; the gallery collapses moved arrays afterwards
        vector.resize(length)
        back_with_huge_pages([_address(vector, itemsize)])
        vector.resize(old)  # capacity stays: FAISS's add grows back into the collapsed memory


def _arrays(index: faiss.Index) -> Iterator[tuple[int, int]]:
    index = faiss.downcast_index(index)
    if isinstance(index, faiss.IndexHNSW):
        yield _address(index.hnsw.neighbors, 4)
        index = faiss.downcast_index(index.storage)
    if isinstance(index, faiss.IndexFlatCodes):
        yield _address(index.codes, 1)


def _address(vector, itemsize: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(address, bytes) of a FAISS vector's elements."""
    if vector.size() == 0:
        return 0, 0
    view = faiss.rev_swig_ptr(vector.data(), vector.size())
    return int(view.ctypes.data), int(vector.size() * itemsize)


@functools.cache
def _libc():  # type: ignore[no-untyped-def]
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    libc = ctypes.CDLL(name, use_errno=True)
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    libc.madvise.restype = ctypes.c_int
    return libc
