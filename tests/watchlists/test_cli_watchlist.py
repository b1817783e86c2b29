"""`checkpoint watchlist ...` and `checkpoint bench names` as an administrator uses them: outputs and errors."""

from __future__ import annotations

import json

import pytest

from checkpoint.cli import main
from checkpoint.settings import get_settings


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CHECKPOINT_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    yield run
    get_settings.cache_clear()


def _manifest(tmp_path):
    (tmp_path / "photos" / "ML-1").mkdir(parents=True)
    path = tmp_path / "manifest.csv"
    path.write_text(
        "reference,name_latin,aliases,birth_date,reason,review_by\n"
        "ML-1,Mohamed Ag Traoré,Hamma,1978-04,armed robbery,2099-01-01\n"
        "ML-2,Fatoumata Keïta,,1995,kidnapping,2099-01-01\n",
        encoding="utf-8",
    )
    return path


def test_administrator_round_trip_from_list_to_installed_snapshot(cli, tmp_path):
    assert cli("watchlist", "keygen")[0] == 0
    code, out, _ = cli("watchlist", "create", "wanted-ml", "--category", "wanted_person", "--authority", "Police ML",
                       "--legal-basis", "Warrants 2026", "--reason", "new list")  # fmt: skip
    assert code == 0 and "created watchlist wanted-ml" in out
    manifest = _manifest(tmp_path)
    code, out, _ = cli("watchlist", "import", str(tmp_path / "photos"), "--manifest", str(manifest),
                       "--watchlist", "wanted-ml", "--quiet", "--report", str(tmp_path / "report.json"))  # fmt: skip
    assert code == 0 and "subjects: 2 created" in out and "(names only): ML-2" in out
    assert json.loads((tmp_path / "report.json").read_text())["subjects"] == {"ML-1": "created", "ML-2": "created"}
    code, out, _ = cli("watchlist", "import", str(tmp_path / "photos"), "--manifest", str(manifest),
                       "--watchlist", "wanted-ml", "--quiet")  # fmt: skip
    assert "0 created, 0 updated, 2 unchanged" in out
    docs = tmp_path / "docs.csv"
    docs.write_text("issuing_state,number,reported_on,review_by\nMLI,AA0012345,2026-10-01,2099-01-01\n")
    code, out, _ = cli("watchlist", "import-documents", str(docs), "--watchlist", "wanted-ml")
    assert code == 0 and "1 created" in out
    code, out, _ = cli("watchlist", "snapshot", str(tmp_path / "v1.snapshot"))
    assert code == 0 and "snapshot v1: 2 subjects, 0 face templates" in out and "1 documents" in out
    code, out, _ = cli("watchlist", "install", str(tmp_path / "v1.snapshot"))
    assert code == 0 and "installed snapshot v1" in out
    code, _, err = cli("watchlist", "install", str(tmp_path / "v1.snapshot"))
    assert code == 3 and "not newer than the version in use (1)" in err and "keeps screening" in err


def test_removal_is_logged_and_cannot_be_repeated(cli, tmp_path):
    cli("watchlist", "create", "w", "--category", "security_alert", "--authority", "A", "--legal-basis", "B",
        "--reason", "r")  # fmt: skip
    cli("watchlist", "import", str(tmp_path / "photos"), "--manifest", str(_manifest(tmp_path)), "--watchlist", "w",
        "--quiet")  # fmt: skip
    code, out, _ = cli("watchlist", "list", "--watchlist", "w")
    subject_id = out.splitlines()[0].split("\t")[0]
    code, out, _ = cli("watchlist", "remove", subject_id, "--reason", "warrant withdrawn")
    assert code == 0 and "is now removed" in out
    code, _, err = cli("watchlist", "remove", subject_id, "--reason", "again")
    assert code == 3 and "is removed, so it cannot be given 'remove'" in err
    code, out, _ = cli("watchlist", "history", "subject", subject_id)
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert "\tcreate [" in lines[0] and "name_latin" in lines[0]
    assert "\tremove active->removed [status]\twarrant withdrawn" in lines[1]


def test_user_errors_are_one_line_with_what_to_do(cli, tmp_path):
    code, _, err = cli("watchlist", "import", str(tmp_path), "--manifest", str(tmp_path / "absent.csv"),
                       "--watchlist", "nope", "--quiet")  # fmt: skip
    assert code == 3 and "manifest" in err and "does not exist" in err and len(err.strip().splitlines()) == 1
    code, _, err = cli("watchlist", "snapshot", str(tmp_path / "x.snapshot"))
    assert code == 3 and "checkpoint watchlist keygen" in err
    code, _, err = cli("watchlist", "list", "--watchlist", "nope")
    assert code == 3 and "no watchlist named 'nope'" in err


def test_bench_names_prints_precision_recall_and_keeps_json(cli, tmp_path):
    code, out, _ = cli("bench", "names", "--results-dir", str(tmp_path / "results"))
    assert code == 0 and "precision" in out and "recall" in out
    (result,) = (tmp_path / "results").glob("names-*.json")
    report = json.loads(result.read_text())
    assert report["pairs"] >= 200 and report["at_cutoff"]["cutoff"] == get_settings().watchlists_name_cutoff


def test_changes_made_from_the_cli_are_in_the_central_audit_chain(cli, tmp_path):
    cli("watchlist", "create", "w", "--category", "security_alert", "--authority", "A", "--legal-basis", "B",
        "--reason", "r", "--actor", "amina")  # fmt: skip
    cli("watchlist", "import", str(tmp_path / "photos"), "--manifest", str(_manifest(tmp_path)), "--watchlist", "w",
        "--quiet", "--actor", "amina")  # fmt: skip
    subject_id = cli("watchlist", "list", "--watchlist", "w")[1].splitlines()[0].split("\t")[0]
    cli("watchlist", "suspend", subject_id, "--reason", "under review", "--actor", "amina")
    export = tmp_path / "audit.jsonl"
    assert cli("audit", "export", str(export))[0] == 0
    events = [json.loads(line) for line in export.read_text().splitlines()]
    actions = [(e.get("actor"), e.get("action")) for e in events if "action" in e]
    assert ("amina", "watchlist.create") in actions and ("amina", "watchlist.import") in actions
    assert ("amina", "watchlist.subject.suspend") in actions
    assert "Traor" not in export.read_text(), "the chain carries counts and reasons, not the names on the list"
    code, out, err = cli("audit", "verify", str(export), "--public-key", str(tmp_path / "audit.pub.pem"))
    assert code == 0, err
