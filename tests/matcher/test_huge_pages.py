"""Large galleries are backed by 2 MiB pages (faster graph walks), and doing so changes no search result."""

from pathlib import Path

import faiss
import numpy as np
import pytest

from matcher.gallery import Gallery
from matcher.huge_pages import MIN_BYTES, back_with_huge_pages, huge_page_regions, reserve_on_huge_pages

THP = Path("/sys/kernel/mm/transparent_hugepage/enabled")


def huge_kb_around(address: int) -> int:
    """AnonHugePages (kB) of the memory mapping that holds `address` in this process."""
    inside = False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()[0]
        if "-" in head and ":" not in head:
            start, end = (int(x, 16) for x in head.split("-"))
            inside = start <= address < end
        elif inside and line.startswith("AnonHugePages:"):
            return int(line.split()[1])
    return 0


@pytest.mark.skipif(not THP.is_file() or "[never]" in THP.read_text(), reason="no transparent huge pages here")
def test_a_large_gallery_sits_on_huge_pages_and_answers_as_before():
    rng = np.random.default_rng(0)
    n = MIN_BYTES // (128 * 4) + 4096  # just over the size worth a huge page
    vectors = rng.standard_normal((n, 128)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    gallery = Gallery("m", 128, "Flat")
    gallery.add_many([f"s{i}" for i in range(n)], np.arange(n), vectors, "m")  # backs it with huge pages
    regions = huge_page_regions(gallery._state.index)
    assert regions and regions[0][1] >= MIN_BYTES
    assert huge_kb_around(regions[0][0] + regions[0][1] // 2) > 0
    before = [gallery.search(v, "m", k=5) for v in vectors[:20]]
    assert back_with_huge_pages(regions) > 0  # again: idempotent, and the contents are untouched
    assert [gallery.search(v, "m", k=5) for v in vectors[:20]] == before
    assert all(found[0].template_id == i for i, found in enumerate(before))


@pytest.mark.skipif(not THP.is_file() or "[never]" in THP.read_text(), reason="no transparent huge pages here")
@pytest.mark.parametrize("factory", ["Flat", "HNSW8"])
def test_a_bulk_add_grows_into_memory_already_on_huge_pages(factory):
    n = MIN_BYTES // (64 * 4) + 4096
    vectors = np.random.default_rng(1).standard_normal((n, 64)).astype(np.float32)
    index = faiss.index_factory(64, factory, faiss.METRIC_INNER_PRODUCT)
    if factory.startswith("HNSW"):
        index.hnsw.efConstruction = 8  # keep the test fast: the graph's quality is not what is tested
    reserve_on_huge_pages(index, n)
    index.add(vectors)  # no collapse afterwards: the memory FAISS filled must already be on huge pages
    vector_region = huge_page_regions(index)[-1]
    assert vector_region[1] == n * 64 * 4
    assert huge_kb_around(vector_region[0] + vector_region[1] // 2) > 0
    assert np.array_equal(index.reconstruct(n - 1), vectors[-1])


def test_a_small_gallery_is_left_alone():
    gallery = Gallery("m", 4, "Flat")
    gallery.add("a", [1], np.array([[1, 0, 0, 0]], np.float32), "m")
    assert huge_page_regions(gallery._state.index) == []
    assert back_with_huge_pages([]) == 0
