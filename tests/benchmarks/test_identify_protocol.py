"""The LFW 1:N protocol split: who is enrolled, which searches are mated and which are non-mated."""

from pathlib import Path

import numpy as np

from benchmarks.identify_bench import lfw_identities, make_protocol, run


def paths(name: str, n: int) -> list[Path]:
    return [Path(f"/lfw/images/{name}/{name}_{i:04d}.jpg") for i in range(1, n + 1)]


def test_enrols_first_usable_image_of_identities_with_two_or_more_images():
    people = {"Ann": paths("Ann", 3), "Bob": paths("Bob", 1), "Cid": paths("Cid", 2), "Dee": paths("Dee", 2)}
    has_face = {p: True for ps in people.values() for p in ps}
    has_face[people["Cid"][0]] = False  # Cid's first image has no face: his second is enrolled
    has_face[people["Dee"][0]] = has_face[people["Dee"][1]] = False  # Dee cannot be enrolled
    protocol = make_protocol(people, has_face)
    assert protocol.enrol == [("Ann", people["Ann"][0]), ("Cid", people["Cid"][1])]
    # Cid's faceless first image stays a mated search (a miss), so failures count against the system
    assert protocol.mated == [("Ann", people["Ann"][1]), ("Ann", people["Ann"][2]), ("Cid", people["Cid"][0])]
    assert protocol.nonmated == people["Bob"]
    assert protocol.failed_to_enrol == ["Dee"]


def test_run_scores_a_perfect_system_perfectly_and_counts_faceless_probes_as_misses(tmp_path):
    images = tmp_path / "images"
    layout = {"Ann": 3, "Bob": 1, "Cid": 2, "Eve": 1, "Fay": 1}
    for name, n in layout.items():
        (images / name).mkdir(parents=True)
        for i in range(1, n + 1):
            (images / name / f"{name}_{i:04d}.jpg").write_bytes(b"")
    people = lfw_identities(tmp_path)
    rng = np.random.default_rng(0)
    identity_vectors = {name: rng.standard_normal(128).astype(np.float32) for name in layout}
    no_face = people["Ann"][2]

    def templates_for(ps):
        # every image of a person gets that person's vector: a perfect face model
        vectors = np.stack([identity_vectors[p.parent.name] for p in ps])
        return vectors, [p != no_face for p in ps]

    result = run(tmp_path, templates_for, "m", max_rank=3)
    assert result["enrolled_subjects"] == 2 and result["mated_searches"] == 3
    assert result["nonmated_searches"] == 3 and result["mated_no_face"] == 1
    assert result["rank1"] == np.float64(2 / 3)  # the faceless probe is a miss
    assert result["cmc"] == [2 / 3, 2 / 3, 2 / 3]
