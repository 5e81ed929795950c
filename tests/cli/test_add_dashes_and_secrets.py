"""What a new user typed: a note that starts with a dash is a note (it was "No such option"),
the secrets in their notes are stored redacted, and no usage error prints a secret back."""

import json

import pytest

PEM = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAFAKEFAKE\n-----END OPENSSH PRIVATE KEY-----"


def _text(cli, ref: str = "1") -> str:
    return json.loads(cli("show", ref, "--json")[1])["text"]


def test_a_note_that_starts_with_a_dash_is_added(cli):
    assert cli("add", "- buy milk and eggs") == (0, "Remembered as event 1.\n", "")
    assert _text(cli) == "- buy milk and eggs"
    assert cli("add", "-5 degrees tonight, cover the lemon tree") == (0, "Remembered as event 2.\n", "")
    assert cli("add", "--", "--tag") == (0, "Remembered as event 3.\n", "")  # after "--" everything is text
    assert _text(cli, "3") == "--tag"


def test_a_note_that_starts_with_a_dash_keeps_the_options_around_it(cli):
    code, out, err = cli("add", "--tag", "shopping", "- buy milk", "-s", "chat", "--time=2024-05-02T09:00",
                         "--speaker", "me", "--json")
    assert (code, err) == (0, "")
    event = json.loads(out)
    assert (event["text"], event["source"], event["actor"]) == ("- buy milk", "chat", "me")
    assert event["meta"]["tags"] == ["shopping"]
    assert cli("add", "-tyesterday", "- call the plumber")[0] == 0  # a short option's value glued to it


def test_a_mistyped_option_is_still_refused_not_stored(cli):
    assert cli("add", "--tga", "work", "milk") == (2, "", "Error: No such option: --tga (Possible options: --tag)\n")
    assert cli("add", "-x", "milk") == (2, "", "Error: No such option: -x\n")
    assert json.loads(cli("stats", "--json")[1])["events"] == 0


@pytest.mark.parametrize(("text", "stored", "said"), [
    ("--password hunter2 is what I used", "--password [REDACTED:password-arg] is what I used", "password-arg"),
    (PEM, "[REDACTED:pem-private-key]", "pem-private-key"),
])
def test_a_secret_that_starts_with_a_dash_is_stored_redacted_not_echoed(cli, text, stored, said):
    assert cli("add", text) == (0, f"Remembered as event 1 (secrets replaced: {said}).\n", "")
    assert _text(cli) == stored


@pytest.mark.parametrize(("text", "stored", "said"), [
    ("AWS_SECRET_ACCESS_KEY wJalrXUtnFI/K7MDENG/bPxRfiCYEXAMPLEKEY",
     "AWS_SECRET_ACCESS_KEY [REDACTED:secret-assignment]", "secret-assignment"),
    ("wJalrXUtnFI/K7MDENG/bPxRfiCYEXAMPLEKEY is the aws secret",
     "[REDACTED:high-entropy-token] is the aws secret", "high-entropy-token"),
    ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY for the backup job",
     "[REDACTED:aws-secret-key] for the backup job", "aws-secret-key"),
    ("Netflix login: me@example.com, pass: s3cr3tflix",
     "Netflix login: me@example.com, pass: [REDACTED:pass-label]", "pass-label"),
    ("user bob pass: hunter22", "user bob pass: [REDACTED:pass-label]", "pass-label"),
    ("SECRET_KEY_BASE=9f8e7d6c5b4a39281706f5e4d3c2b1a0", "SECRET_KEY_BASE=[REDACTED:secret-assignment]",
     "secret-assignment"),
    ("export SECRET_KEY_BASE=9f8e7d6c5b4a39281706f5e4d3c2b1a0",
     "export SECRET_KEY_BASE=[REDACTED:secret-assignment]", "secret-assignment"),
])
def test_the_new_users_secrets_are_stored_redacted(cli, text, stored, said):
    assert cli("add", text) == (0, f"Remembered as event 1 (secrets replaced: {said}).\n", "")
    assert _text(cli) == stored


def test_words_after_a_pass_label_are_no_password(cli):
    assert cli("add", "the pass: Glenshee, then down to Braemar") == (0, "Remembered as event 1.\n", "")
    assert cli("add", "I passed the exam; pass the salt") == (0, "Remembered as event 2.\n", "")


@pytest.mark.parametrize(("args", "error"), [
    (("stats", "--password hunter2 is what I used"),
     "Error: No such option: --password [REDACTED:password-arg] is what I used\n"),
    (("stats", PEM), "Error: No such option: [REDACTED:pem-private-key]\n"),
    # click's hint after the message names the command's options: not read as the flag's value
    (("stats", "--token=sk-ant-api03-FAKEfakeFAKEfake-FAKE"),
     "Error: No such option: --token (Possible options: --json)\n"),
    (("stats", "--json pw: Hunter2x"), "Error: No such option: --json pw: [REDACTED:password-prose]\n"),
    (("add", "milk", "--time", "password=Hunter2Fake9"),
     "Error: cannot read time 'password=[REDACTED:secret-assignment]' (try 2024-05-08, 2024-05-08T14:30 "
     "or 'yesterday')\n"),
    (("config", "set", "pw: Hunter2Fake9", "x"),
     "Error: unknown config key 'pw: [REDACTED:password-prose]' (see `recall config show`)\n"),
])
def test_a_usage_error_never_prints_a_secret_back(cli, args, error):
    code, out, err = cli(*args)
    assert (code, out, err) == (code, "", error) and code != 0


@pytest.mark.parametrize("args", [("call mum", "--tag"), ("- call mum", "--tag"), ("-5 degrees", "--time")])
def test_an_option_left_without_its_value_is_refused_not_given_the_text_separator(cli, args):
    assert cli("add", *args) == (2, "", f"Error: Option '{args[1]}' requires an argument.\n")
    assert json.loads(cli("stats", "--json")[1])["events"] == 0


def test_search_and_ask_take_a_query_that_starts_with_a_dash(cli):
    cli("add", "- buy milk and eggs")
    code, out, _ = cli("search", "- buy milk", "--json")
    assert code == 0 and json.loads(out)["results"][0]["text"] == "- buy milk and eggs"
    code, out, _ = cli("ask", "- buy milk?", "--no-llm")
    assert code == 0 and "- buy milk and eggs" in out


GHP = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"
AKIA = "AKIAIOSFODNN7EXAMPLE"


def test_a_secret_given_through_an_option_is_stored_redacted(cli, recall_home):
    # --source, --speaker and --tag are stored and printed beside the text: redacted like it
    assert cli("add", "x", "--source", GHP)[0] == 0
    assert cli("add", "note", "--speaker", GHP, "--tag", AKIA, "--tag", "family")[0] == 0
    first, second = (json.loads(cli("show", ref, "--json")[1]) for ref in ("1", "2"))
    assert first["source"] == "[REDACTED:github-token]" and first["meta"]["redacted"] == ["github-token"]
    assert second["actor"] == "[REDACTED:github-token]"
    assert second["meta"]["tags"] == ["[REDACTED:aws-access-key-id]", "family"]
    shown = "".join(cli(*args)[1] for args in (("search", "note", "--json"), ("export",), ("stats", "--json"),
                                               ("show", "1"), ("show", "2")))
    assert GHP not in shown and AKIA not in shown
    stored = b"".join(p.read_bytes() for p in recall_home.glob("recall.db*"))
    assert GHP.encode() not in stored and AKIA.encode() not in stored
    assert "[  OK] secrets: no stored text" in cli("doctor", "--no-llm")[1]
