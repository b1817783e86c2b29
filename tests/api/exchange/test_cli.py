"""`checkpoint exchange ...` as a user runs it: a separate process, its exit code and one line on failure."""

from __future__ import annotations

from tests.api.exchange.conftest import free_port
from tests.cli.run import one_line_error, run_checkpoint


def test_the_two_centre_demo_check_exits_0_with_every_outcome_as_expected(tmp_path):
    result = run_checkpoint(
        "exchange",
        "demo",
        "--check",
        "--ports",
        str(free_port()),
        str(free_port()),
        data_dir=tmp_path,
        timeout=240,
        env={"LC_ALL": "en_US.UTF-8"},  # the summary's words, in English
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAIL" not in result.stdout
    assert "every request MLI recorded is in NER's chain" in result.stdout
    assert "All 12 exchange outcomes as expected" in result.stdout


def test_a_partner_over_plain_http_elsewhere_than_loopback_is_refused(tmp_path):
    key = run_checkpoint("exchange", "key", data_dir=tmp_path, env={"CHECKPOINT_EXCHANGE_CENTRE_ID": "NER"})
    assert key.returncode == 0, key.stderr
    pem = tmp_path / "ner.pub.pem"
    pem.write_text(key.stdout.split("\n", 1)[1])
    added = run_checkpoint("exchange", "partner", "add", "NER", "--url", "http://ner.example.org", "--key-file",
                           str(pem), data_dir=tmp_path / "mli")  # fmt: skip
    assert added.returncode == 3
    assert "neither HTTPS nor plain HTTP on 127.0.0.1" in one_line_error(added)
    added = run_checkpoint("exchange", "partner", "add", "NER", "--url", "https://ner.example.org", "--key-file",
                           str(pem), data_dir=tmp_path / "mli")  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = run_checkpoint("exchange", "partner", "list", data_dir=tmp_path / "mli")
    assert "NER" in listed.stdout and "https://ner.example.org" in listed.stdout


def test_a_centre_without_an_exchange_id_says_how_to_set_one(tmp_path):
    result = run_checkpoint("exchange", "key", data_dir=tmp_path, env={"CHECKPOINT_EXCHANGE_CENTRE_ID": ""})
    assert result.returncode == 3
    assert "CHECKPOINT_EXCHANGE_CENTRE_ID" in one_line_error(result)


def test_an_agreement_for_an_unknown_partner_is_refused(tmp_path):
    result = run_checkpoint("exchange", "agreement", "set", "NER", "--kinds", "document", "--categories",
                            "lost_stolen_documents", "--daily-quota", "10", "--legal-basis", "art. 3", "--expires",
                            "2030-01-01", data_dir=tmp_path)  # fmt: skip
    assert result.returncode == 3
    assert "not an active partner" in one_line_error(result)


def test_a_query_to_a_partner_that_is_down_exits_4_and_stays_queued(tmp_path):
    env = {"CHECKPOINT_EXCHANGE_CENTRE_ID": "MLI"}
    key = run_checkpoint("exchange", "key", data_dir=tmp_path / "bfa", env={"CHECKPOINT_EXCHANGE_CENTRE_ID": "BFA"})
    pem = tmp_path / "bfa.pub.pem"
    pem.write_text(key.stdout.split("\n", 1)[1])
    url = f"http://127.0.0.1:{free_port()}"  # nobody listens there
    added = run_checkpoint("exchange", "partner", "add", "BFA", "--url", url, "--key-file", str(pem),
                           data_dir=tmp_path / "mli", env=env)  # fmt: skip
    assert added.returncode == 0, added.stderr
    result = run_checkpoint(
        "exchange", "query", "BFA", "--document", "BFA:AB1234567", data_dir=tmp_path / "mli", env=env
    )
    assert result.returncode == 4
    line = one_line_error(result)
    assert "BFA did not answer" in line and "outbox retries it" in line
