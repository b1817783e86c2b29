"""Searches running while the gallery changes never see half an update, and no update is lost."""

import threading
import time

import numpy as np
import pytest

from matcher.gallery import Gallery
from matcher.rwlock import ReadWriteLock
from tests.matcher.conftest import DIM, MODEL, near, unit


def run_threads(targets, seconds: float = 1.5, until=lambda: True, patience: float = 60.0) -> list[BaseException]:
    """Run each target in a loop on its own thread for `seconds`, then on (up to `patience`) until `until()`.

    On a starved machine 1.5 s may not be enough for the race to happen at all; `until` says when it has.
    """
    stop = threading.Event()
    errors: list[BaseException] = []

    def guarded(fn):
        try:
            while not stop.is_set():
                fn()
        except BaseException as exc:  # collected and asserted empty by the test
            errors.append(exc)
            stop.set()

    threads = [threading.Thread(target=guarded, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    stop.wait(seconds)
    deadline = time.monotonic() + patience
    while not stop.is_set() and not until() and time.monotonic() < deadline:
        stop.wait(0.1)
    stop.set()
    for t in threads:
        t.join(10)
    return errors


@pytest.mark.parametrize("spec", ["Flat", "HNSW16"])
def test_readers_see_the_old_or_the_new_templates_of_a_subject_never_neither(people, rng, spec):
    subjects, ids, vectors, bases = people
    gallery = Gallery(MODEL, DIM, spec, background_rebuild=False)
    gallery.add_many(subjects, ids, vectors, MODEL)
    target = bases[50]
    generation = {"n": 0}
    seen_ids: set[int] = set()

    def writer():
        generation["n"] += 1
        n = generation["n"]
        # new ids each time: a reader seeing a removed-but-not-yet-added state would miss "s050" entirely
        gallery.replace_subject("s050", [10**6 + 2 * n, 10**6 + 2 * n + 1], near(rng, target, 2, 0.05), MODEL)

    def reader():
        top = gallery.search(target, MODEL, k=3)[0]
        assert top.subject_id == "s050", top
        seen_ids.add(top.template_id)

    errors = run_threads([writer, reader, reader, reader], until=lambda: generation["n"] > 10 and len(seen_ids) > 3)
    assert not errors, errors[0]
    assert generation["n"] > 10 and len(seen_ids) > 3  # the race really ran


def test_updates_made_during_a_rebuild_are_kept(people, rng):
    subjects, ids, vectors, _ = people
    gallery = Gallery(MODEL, DIM, background_rebuild=False, rebuild_dead_fraction=0.99)
    gallery.add_many(subjects, ids, vectors, MODEL)
    added: list[int] = []
    enrolled: dict[int, np.ndarray] = {}
    removed: list[int] = []
    counter = {"n": 0}

    def writer():
        counter["n"] += 1
        new_id = 5_000_000 + counter["n"]
        enrolled[new_id] = unit(rng, 1)
        gallery.add(f"new{counter['n']}", [new_id], enrolled[new_id], MODEL)
        added.append(new_id)
        if counter["n"] % 3 == 0:
            victim = added.pop(0)
            gallery.remove([victim])
            removed.append(victim)

    def rebuilder():
        gallery.rebuild()

    def reader():
        assert gallery.search(vectors[0], MODEL, k=1)[0].template_id == ids[0]

    errors = run_threads([writer, rebuilder, reader])
    assert not errors, errors[0]
    gallery.rebuild()
    assert all(i in gallery for i in added)
    assert not any(i in gallery for i in removed)
    assert len(gallery) == len(ids) + len(added)
    for template_id in added[-5:]:  # searchable, not just listed
        assert gallery.search(enrolled[template_id][0], MODEL, k=1)[0].template_id == template_id
    hits = gallery.search_batch(unit(rng, 3), MODEL, k=len(gallery))
    returned = {c.template_id for row in hits for c in row}
    assert not returned & set(removed)


def test_searches_run_in_parallel_with_each_other():
    lock = ReadWriteLock()
    inside = threading.Barrier(3, timeout=5)

    def reader():
        with lock.read():
            inside.wait()  # only passes if all three readers hold the lock at once

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not inside.broken


def test_a_writer_excludes_readers_and_is_not_starved():
    lock = ReadWriteLock()
    log: list[str] = []
    reader_in = threading.Event()
    release_reader = threading.Event()

    def long_reader():
        with lock.read():
            reader_in.set()
            release_reader.wait(5)
            log.append("reader1 out")

    def writer():
        with lock.write():
            log.append("writer")

    def late_reader():
        with lock.read():
            log.append("reader2")

    r1 = threading.Thread(target=long_reader)
    r1.start()
    reader_in.wait(5)
    w = threading.Thread(target=writer)
    w.start()
    while not lock._writers_waiting:
        threading.Event().wait(0.01)
    r2 = threading.Thread(target=late_reader)
    r2.start()
    threading.Event().wait(0.1)
    assert log == []  # the writer waits for reader1; reader2 queues behind the waiting writer
    release_reader.set()
    for t in (r1, w, r2):
        t.join(5)
    assert log == ["reader1 out", "writer", "reader2"]


def test_background_rebuild_does_not_block_searches(people):
    subjects, ids, vectors, _ = people
    gallery = Gallery(MODEL, DIM, background_rebuild=True, rebuild_dead_fraction=0.1)
    gallery.add_many(subjects, ids, vectors, MODEL)
    for i in range(30):
        gallery.remove_subject(f"s{i:03d}")
        assert gallery.search(vectors[-1], MODEL, k=1)[0].template_id == ids[-1]
    gallery.wait_for_maintenance(10)
    assert gallery.last_rebuild_error is None
    assert len(gallery) == 510
    assert np.all([c.subject_id >= "s030" for c in gallery.search(vectors[0], MODEL, k=600)])
