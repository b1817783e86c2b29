"""`checkpoint bench gallery` refuses bad options with one clear line before any heavy work."""

from checkpoint.cli import main


def test_bad_sizes_are_a_usage_error(capsys):
    assert main(["bench", "gallery", "--sizes", "10k"]) == 2
    assert "sizes must be integers" in capsys.readouterr().err


def test_an_unknown_index_is_one_line_naming_it_before_any_work(capsys, tmp_path):
    code = main(["bench", "gallery", "--sizes", "1000", "--index", "NoSuchIndex7", "--out", str(tmp_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 3
    assert err[-1].startswith("checkpoint: FAISS cannot build index 'NoSuchIndex7'")
    assert list(tmp_path.iterdir()) == []  # nothing half-written
