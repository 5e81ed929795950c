import json

import pytest


def test_config_set_persists_to_config_toml_and_get_reads_it(cli, recall_home):
    assert cli("config", "set", "search.limit", "25") == (0, "search.limit = 25\n", "")
    assert cli("config", "get", "search.limit")[1] == "25\n"
    assert "limit = 25" in (recall_home / "config.toml").read_text()
    assert cli("config", "path")[1] == f"{recall_home / 'config.toml'}\n"


def test_environment_overrides_config_toml(cli, monkeypatch):
    cli("config", "set", "search.limit", "25")
    monkeypatch.setenv("RECALL_SEARCH_LIMIT", "7")
    assert cli("config", "get", "search.limit")[1] == "7\n"
    shown = json.loads(cli("config", "show", "--json")[1])
    assert shown["search.limit"] == {"value": 7, "source": "env RECALL_SEARCH_LIMIT",
                                     "env": "RECALL_SEARCH_LIMIT",
                                     "help": "results shown by default"}


def test_unknown_keys_and_wrong_types_are_one_line_errors(cli):
    assert cli("config", "get", "nope.key") == (
        6, "", "Error: unknown config key 'nope.key' (see `recall config show`)\n")
    assert cli("config", "set", "search.limit", "many")[2] == (
        "Error: config key 'search.limit' needs a whole number, got 'many'\n")
    assert cli("config", "set", "ask.model_answers", "sometimes") == (
        6, "", "Error: config key 'ask.model_answers' must be one of auto, always, never, got 'sometimes'\n")
    assert cli("config", "get", "ask.model_answers")[1] == "auto\n"  # unchanged


def test_a_value_that_would_break_later_commands_is_refused_when_set(cli, recall_home):
    for key, value, error in (
            ("search.limit", "0", "must be at least 1, got 0"),
            ("search.limit", "-5", "must be at least 1, got -5"),  # a value, not an unknown flag
            ("search.dense_weight", "nan", "needs a finite number, got nan"),
            ("search.min_score", "2", "must be at most 0.999, got 2"),
            ("llm.context", "10", "must be at least 512, got 10")):
        assert cli("config", "set", key, value) == (6, "", f"Error: config key '{key}' {error}\n")
    assert not (recall_home / "config.toml").exists()  # nothing written
    assert cli("search", "anything")[0] == 0
    (recall_home / "config.toml").write_text("[search]\nlimit = 0\n")  # edited by hand: named at once
    assert cli("search", "anything")[2] == "Error: config key 'search.limit' must be at least 1, got 0\n"


def test_a_keymap_naming_no_binding_or_no_key_is_refused_when_set(cli, recall_home):
    for piece in ("bogus", "no-such-id=f3", "app-help="):
        assert cli("config", "set", "tui.keymap", f"search-tab=ctrl+f,{piece}") == (
            6, "", f"Error: config key 'tui.keymap' needs binding-id=key pieces with known ids, got {piece!r} "
                   "(the ids are in the TUI's help, F1)\n")
    assert not (recall_home / "config.toml").exists()
    assert cli("config", "set", "tui.keymap", "app-help=f2, search-tab=ctrl+f") == (
        0, 'tui.keymap = "app-help=f2, search-tab=ctrl+f"\n', "")


def test_a_keymap_key_no_key_press_can_make_or_an_id_given_twice_is_refused_when_set(cli, recall_home):
    for value, error in (
            ("app-help=F2,search-tab=ctrl+f", "'F2' is no key the TUI can see (did you mean 'f2'?) (for 'app-help')"),
            ("search-tab=ctrl-f", "'ctrl-f' is no key the TUI can see (did you mean 'ctrl+f'?) (for 'search-tab')"),
            ("help=notakey", "'notakey' is no key the TUI can see (keys are written like f2, ctrl+f, x, ?, "
                             "escape) (for 'help')"),
            ("help=h,help=j", "'help' is given twice (help=h, help=j): keep one")):
        assert cli("config", "set", "tui.keymap", value) == (6, "", f"Error: config key 'tui.keymap': {error}\n")
    assert not (recall_home / "config.toml").exists()
    # a character is a key as written ('?' is the key Textual calls question_mark), and so is a capital
    assert cli("config", "set", "tui.keymap", "app-help=F, pin=!")[0] == 0


def test_a_keymap_that_takes_a_key_another_binding_keeps_is_refused(cli, recall_home):
    assert cli("config", "set", "tui.keymap", "search-tab=a") == (
        6, "", "Error: config key 'tui.keymap': 'a' is already the key of 'ask'; rebind that one too, or choose "
               "another key for 'search-tab'\n")
    assert not (recall_home / "config.toml").exists()
    assert cli("config", "set", "tui.keymap", "search-tab=a,ask=ctrl+k")[0] == 0  # both moved: no clash


def test_search_limit_from_config_is_the_default_limit(cli):
    for i in range(5):
        cli("add", f"apple number {i}", "--time", f"2023-01-0{i + 1}")
    cli("config", "set", "search.limit", "2")
    assert len(json.loads(cli("search", "apple", "--json")[1])["results"]) == 2


def test_the_readme_settings_table_states_the_defaults_config_show_prints():
    import re
    from pathlib import Path

    from recall_cli.config import DEFAULTS

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    checked = 0
    for keys_cell, values_cell in re.findall(r"^\| (`[a-z_.]+`(?:, `[a-z_.]+`)*) \| ([^|]+) \|", readme, re.M):
        keys = re.findall(r"`([a-z_.]+)`", keys_cell)
        values = values_cell.strip().split(", ") if len(keys) > 1 else [values_cell.strip()]
        for key, value in zip(keys, values, strict=True):
            if key in DEFAULTS and re.fullmatch(r"[\d,.]+", value):
                default = DEFAULTS[key][0]
                assert value in {str(default), f"{default:,}"}, f"README says {key} = {value}, config says {default}"
                checked += 1
    assert checked >= 10  # embed.batch_size among them


def test_a_bad_value_in_config_toml_is_a_failed_check_and_config_set_repairs_it(cli, recall_home):
    recall_home.mkdir(parents=True, exist_ok=True)
    (recall_home / "config.toml").write_text('[search]\nlimit = "ten"\n')
    code, out, _err = cli("doctor", "--no-llm")
    assert code == 1
    assert ("[FAIL] config: config key 'search.limit' needs a whole number, got 'ten' "
            "(set it right: recall config set search.limit VALUE)") in out
    assert "[  OK] store:" in out  # the other checks still ran
    assert "other commands refuse to run until it is fixed" in cli("config", "show")[2]
    assert cli("config", "set", "search.limit", "5") == (0, "search.limit = 5\n", "")
    assert cli("config", "get", "search.limit")[1] == "5\n"


def test_config_show_and_doctor_name_a_mistyped_key_and_the_key_it_likely_means(cli, recall_home):
    recall_home.mkdir(parents=True, exist_ok=True)
    path = recall_home / "config.toml"
    path.write_text("[search]\nlimt = 3\n[serach]\nlimit = 2\n")
    code, _out, err = cli("config", "show")
    assert code == 0
    assert err == (f"warning: {path}: unknown key 'search.limt' (did you mean 'search.limit'?) is ignored "
                   "(`recall config unset search.limt` removes it)\n"
                   f"warning: {path}: unknown key 'serach.limit' (did you mean 'search.limit'?) is ignored "
                   "(`recall config unset serach.limit` removes it)\n")
    code, out, _err = cli("doctor", "--no-llm")
    assert code == 1
    assert (f"[WARN] config: {path}: unknown key 'search.limt' (did you mean 'search.limit'?); unknown key "
            "'serach.limit' (did you mean 'search.limit'?) (ignored; `recall config unset KEY` removes one)\n") in out
    assert cli("config", "get", "search.limt") == (
        6, "", "Error: unknown config key 'search.limt' (did you mean 'search.limit'? see `recall config show`)\n")


def test_config_unset_goes_back_to_the_default_and_removes_a_mistyped_key(cli, recall_home, monkeypatch):
    path = recall_home / "config.toml"
    assert cli("config", "set", "search.limit", "4") == (0, "search.limit = 4\n", "")
    assert cli("config", "unset", "search.limit") == (0, "search.limit = 10  # default\n", "")
    assert cli("config", "unset", "search.limit") == (
        0, "search.limit = 10  # default\n", f"(search.limit was not set in {path})\n")
    monkeypatch.setenv("RECALL_SEARCH_LIMIT", "7")
    assert cli("config", "unset", "search.limit")[1] == "search.limit = 7  # env RECALL_SEARCH_LIMIT\n"
    path.write_text("limit = 5\n[search]\nlimt = 3\n")
    assert cli("config", "unset", "search.limt") == (0, f"Removed search.limt from {path}.\n", "")
    assert cli("config", "unset", "limit") == (0, f"Removed limit from {path}.\n", "")
    assert cli("config", "show")[2] == ""
    assert cli("config", "unset", "nope.key") == (6, "", "Error: unknown config key 'nope.key' (see `recall config "
                                                        "show`)\n")


def test_decay_dormant_below_must_stay_below_fading_below(cli, recall_home):
    assert cli("config", "set", "decay.dormant_below", "0.9") == (
        6, "", "Error: config key 'decay.dormant_below' must be below decay.fading_below (0.5), got 0.9 "
               "(raise decay.fading_below first)\n")
    assert cli("config", "set", "decay.fading_below", "0.1") == (
        6, "", "Error: config key 'decay.fading_below' must be above decay.dormant_below (0.1), got 0.1 "
               "(lower decay.dormant_below first)\n")
    assert not (recall_home / "config.toml").exists()  # nothing written
    assert cli("config", "set", "decay.fading_below", "0.95")[0] == 0
    assert cli("config", "set", "decay.dormant_below", "0.9") == (0, "decay.dormant_below = 0.9\n", "")
    assert cli("config", "unset", "decay.fading_below")[2] == (
        "Error: config key 'decay.fading_below' must be above decay.dormant_below (0.9), got 0.5 "
        "(lower decay.dormant_below first)\n")
    (recall_home / "config.toml").write_text("[decay]\ndormant_below = 0.6\n")  # edited by hand: named at once
    assert cli("memories")[2] == ("Error: config key 'decay.dormant_below' must be below decay.fading_below (0.5), "
                                  "got 0.6 (raise decay.fading_below first)\n")
    code, out, _err = cli("doctor", "--no-llm")
    assert code == 1 and "[FAIL] config: config key 'decay.dormant_below' must be below" in out


def test_a_config_file_that_is_not_toml_is_named_and_left_for_an_editor(cli, recall_home):
    recall_home.mkdir(parents=True, exist_ok=True)
    broken = "[search]\nlimit = [broken\n"
    (recall_home / "config.toml").write_text(broken)
    error = (f"Error: {recall_home / 'config.toml'} is not valid TOML (Invalid value (at line 2, column 10)); "
             "fix it in an editor\n")
    assert cli("search", "anything") == (6, "", error)
    assert cli("config", "set", "search.limit", "5") == (6, "", error)
    assert (recall_home / "config.toml").read_text() == broken  # not overwritten with what it could parse
    code, out, err = cli("config", "show")
    assert code == 0 and "search.limit = 10  # default" in out
    assert err.endswith("until it is fixed)\n") and "config set" not in err


def test_a_number_too_large_for_the_store_is_refused_in_one_line(cli):
    assert cli("config", "set", "search.limit", "99999999999999999999") == (
        6, "", "Error: config key 'search.limit' must be at most 9,223,372,036,854,775,807, "
               "got 99,999,999,999,999,999,999\n")
    cli("add", "apples")
    too_large = (2, "", "Error: a number given is too large (at most 9,223,372,036,854,775,807)\n")
    for args in (("show", "99999999999999999999999"), ("forget", "99999999999999999999999", "--yes"),
                 ("search", "apples", "--limit", "99999999999999999999")):
        assert cli(*args) == too_large
    assert cli("search", "apples")[0] == 0  # nothing was stored or broken


def test_an_ignore_pattern_that_is_no_regular_expression_is_refused_when_set(cli, recall_home):
    assert cli("config", "set", "capture.ignore_patterns", "re:[unclosed") == (
        6, "", "Error: config key 'capture.ignore_patterns': 're:[unclosed' is not a regular expression "
               "(unterminated character set at position 0)\n")
    assert not (recall_home / "config.toml").exists()
    assert cli("config", "set", "capture.ignore_patterns", r"re:^ls\b,git st*")[0] == 0


def test_a_context_window_no_model_has_is_refused(cli):
    # found by a new user: 99999999 was taken, and every ask then failed after 24 s blaming the file
    code, _, err = cli("config", "set", "llm.context", "99999999")
    assert code != 0 and "llm.context" in err and "131,072" in err
    assert cli("config", "set", "llm.context", "8192")[0] == 0



def test_config_show_prints_lines_config_toml_takes(cli, recall_home):
    assert cli("config", "set", "llm.prompt_cache", "no") == (0, "llm.prompt_cache = false\n", "")
    shown = cli("config", "show")[1].splitlines()
    assert "llm.prompt_cache = false  # config.toml" in shown
    assert any(line.startswith('llm.model = "') for line in shown)


def test_a_value_with_control_characters_is_written_as_toml_that_reads_back_the_same(cli, recall_home):
    import tomllib

    value = 'pass show recall\nx\ty\r\x01\x7f"\\ é'
    assert cli("config", "set", "sync.passphrase_cmd", value) == (
        0, 'sync.passphrase_cmd = "pass show recall\\nx\\ty\\r\\u0001\\u007F\\"\\\\ é"\n', "")
    text = (recall_home / "config.toml").read_text(encoding="utf-8")
    assert tomllib.loads(text)["sync"]["passphrase_cmd"] == value
    assert cli("config", "get", "sync.passphrase_cmd") == (0, value + "\n", "")
    assert cli("config", "unset", "sync.passphrase_cmd")[0] == 0


@pytest.mark.parametrize(("line", "error"), [
    ("[search]\nlimit = true", "config key 'search.limit' needs a whole number, got true"),
    ("[search]\ndense_weight = false", "config key 'search.dense_weight' needs a number, got false"),
    ("[search]\ncandidates = 150.9", "config key 'search.candidates' needs a whole number, got 150.9"),
    ('[sync]\npassphrase_cmd = ["pass", "show"]',
     "config key 'sync.passphrase_cmd' needs text in quotes, got [\"pass\", \"show\"]"),
    ("[screen]\nenabled = 1", "config key 'screen.enabled' needs true or false, got 1"),
])
def test_a_value_of_the_wrong_toml_type_in_config_toml_is_reported_not_converted(cli, recall_home, line, error):
    recall_home.mkdir(parents=True, exist_ok=True)
    (recall_home / "config.toml").write_text(line + "\n")
    assert cli("search", "anything") == (6, "", f"Error: {error}\n")
    assert cli("config", "show")[2].startswith(f"warning: {error} (shown with its default here")
    key = error.split("'")[1]
    assert f"[FAIL] config: {error} (set it right: recall config set {key} VALUE)" in cli("doctor", "--no-llm")[1]


def test_a_whole_number_is_taken_for_a_number_key_in_config_toml(cli, recall_home):
    recall_home.mkdir(parents=True, exist_ok=True)
    (recall_home / "config.toml").write_text("[search]\nbm25_weight = 1\n")
    assert cli("config", "get", "search.bm25_weight") == (0, "1.0\n", "")
    # a number written in quotes is read as the environment's text is, not refused
    (recall_home / "config.toml").write_text('[search]\nlimit = "20"\n')
    assert cli("config", "get", "search.limit") == (0, "20\n", "")


def test_a_bad_environment_value_is_named_with_advice_to_fix_the_variable(cli, recall_home, monkeypatch):
    monkeypatch.setenv("RECALL_SEARCH_LIMIT", "abc")
    error = ("config key 'search.limit' needs a whole number, got 'abc' from RECALL_SEARCH_LIMIT "
             "(fix or unset the variable: it overrides config.toml)")
    assert cli("search", "anything") == (6, "", f"Error: {error}\n")
    code, out, _err = cli("doctor", "--no-llm")
    assert code == 1 and f"[FAIL] config: {error}\n" in out  # no `config set`: the variable would still win
    assert cli("config", "show")[2] == (f"warning: {error} (shown with its default here; other commands refuse to "
                                        "run until it is fixed)\n")
    for args in (("set", "search.limit", "7"), ("unset", "search.limit")):  # refused before anything is written
        assert cli("config", *args) == (6, "", f"Error: {error}\n")
        assert not (recall_home / "config.toml").exists()


def test_config_set_says_when_an_environment_variable_overrides_the_value_written(cli, recall_home, monkeypatch):
    monkeypatch.setenv("RECALL_SEARCH_LIMIT", "5")
    assert cli("config", "set", "search.limit", "20") == (
        0, "search.limit = 5  # env RECALL_SEARCH_LIMIT (overrides 20, written to config.toml)\n", "")
    assert "limit = 20" in (recall_home / "config.toml").read_text()
    monkeypatch.delenv("RECALL_SEARCH_LIMIT")
    assert cli("config", "get", "search.limit") == (0, "20\n", "")


def test_a_relative_serve_socket_is_stored_as_a_full_path(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("config", "set", "serve.socket", "rel.sock") == (0, f'serve.socket = "{tmp_path / "rel.sock"}"\n', "")
    monkeypatch.chdir("/")
    assert cli("config", "get", "serve.socket") == (0, f"{tmp_path / 'rel.sock'}\n", "")


def test_an_embedding_model_that_is_neither_registered_nor_a_directory_is_refused_when_set(
        cli, recall_home, tmp_path, monkeypatch):
    assert cli("config", "set", "embed.model", "nonexistent-model") == (
        5, "", "Error: embedding model 'nonexistent-model' is neither a registered embedder (minilm) nor an "
               "existing directory\n")
    assert not (recall_home / "config.toml").exists()  # nothing written
    assert cli("config", "set", "embed.model", "minilm") == (0, 'embed.model = "minilm"\n', "")
    (tmp_path / "my-model").mkdir()
    monkeypatch.chdir(tmp_path)  # a directory is kept as a full path: searches run from any folder
    assert cli("config", "set", "embed.model", "my-model") == (0, f'embed.model = "{tmp_path / "my-model"}"\n', "")


def test_setting_sync_dir_to_a_folder_that_is_not_there_is_saved_with_a_one_line_warning(cli, tmp_path):
    missing = tmp_path / "S2-missing"
    code, out, err = cli("config", "set", "sync.dir", str(missing))
    assert code == 0 and out == f"sync.dir = \"{missing}\"\n"
    assert err == (f"warning: {missing} does not exist (yet): `recall sync` and the daemon's syncs fail until it is "
                   "the folder your devices share\n")
    missing.mkdir()
    assert cli("config", "set", "sync.dir", str(missing))[2] == ""
