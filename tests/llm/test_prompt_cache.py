"""KV-cache reuse with the real bundled model (small: it loads in about a second).

Reuse is measured with counters, never timings: the tokens llama.cpp actually evaluates
(a wrapper around ``Llama.eval``) and where the stable prefix came from.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from recall_cli.llm.model import Chat, LlamaLLM, bundled_gguf
from recall_cli.llm.prompt_cache import KEEP_FILES, cache_file, prune

pytestmark = pytest.mark.slow
SYSTEM = "You are recall, a personal memory assistant. Answer from the evidence only. " * 8


def _llm(tmp_path, **kwargs):
    llm = LlamaLLM(bundled_gguf(), context=1024, cache_dir=tmp_path / "kv", **kwargs)
    llm.evaluated = []
    llama = llm.llama
    original = llama.eval

    def counting_eval(tokens):
        llm.evaluated.append(len(tokens))
        return original(tokens)

    llama.eval = counting_eval  # generate() calls self.eval: the instance attribute wins
    return llm


def _prefix_tokens(llm, chat):
    return llm.tokenize(llm.render(chat)[0])


def test_the_stable_prefix_is_evaluated_once_per_process(tmp_path):
    llm = _llm(tmp_path)
    "".join(llm.stream(Chat(SYSTEM, "First question?"), max_tokens=4))
    first, first_evaluated = llm.last_usage, sum(llm.evaluated)
    llm.evaluated.clear()
    "".join(llm.stream(Chat(SYSTEM, "A different second question?"), max_tokens=4))
    second, second_evaluated = llm.last_usage, sum(llm.evaluated)
    n_prefix = len(_prefix_tokens(llm, Chat(SYSTEM, "x")))
    assert n_prefix > 100
    assert (first.prefix, second.prefix) == ("eval", "memory")
    assert llm.prefix_evals == 1 and llm.prefix_hits == 1
    assert first_evaluated >= first.prompt_tokens  # everything, the prefix included
    assert second.reused_tokens >= n_prefix
    # only the question and the tokens generated: the prefix was not evaluated again
    assert second_evaluated <= second.prompt_tokens - n_prefix + 8
    assert second_evaluated < first_evaluated / 3


def test_a_fresh_context_loads_the_prefix_from_disk_and_answers_the_same(tmp_path):
    first = _llm(tmp_path)
    expected = "".join(first.stream(Chat(SYSTEM, "Say hello."), max_tokens=6))
    assert first.prefix_evals == 1 and first.prefix_loads == 0
    (saved,) = (tmp_path / "kv").glob("prefix-*.kv")
    assert saved.stat().st_size < 20_000_000  # the KV state, not a pickled logits matrix
    second = _llm(tmp_path)  # as another process would: a new llama context
    again = "".join(second.stream(Chat(SYSTEM, "Say hello."), max_tokens=6))
    assert second.prefix_loads == 1 and second.prefix_evals == 0
    assert second.last_usage.prefix == "disk" and second.last_usage.reused_tokens >= second.last_usage.prefix_tokens
    assert sum(second.evaluated) < sum(first.evaluated) / 3
    assert again == expected


def test_another_process_reuses_the_saved_prefix(tmp_path):
    script = (
        "import sys; from pathlib import Path; from recall_cli.llm.model import Chat, LlamaLLM, bundled_gguf\n"
        f"llm = LlamaLLM(bundled_gguf(), context=1024, cache_dir=Path({str(tmp_path / 'kv')!r}))\n"
        f"text = ''.join(llm.stream(Chat({SYSTEM!r}, 'Say hello.'), max_tokens=6))\n"
        "print(llm.last_usage.prefix, repr(text))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
            for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    (p1, t1), (p2, t2) = (r.stdout.split(" ", 1) for r in runs)
    assert (p1, p2) == ("eval", "disk") and t1 == t2
    assert runs[1].stderr == ""  # llama.cpp's chatter stays silent


@pytest.mark.parametrize("damage", ["garbage", "truncated", "flipped", "empty"])
def test_a_damaged_cache_file_is_ignored_and_rebuilt(tmp_path, damage):
    first = _llm(tmp_path)
    expected = "".join(first.stream(Chat(SYSTEM, "Hi"), max_tokens=3))
    (path,) = (tmp_path / "kv").glob("prefix-*.kv")
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"\x80\x04garbage" * 50)
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flipped":
        path.write_bytes(data[:-100] + bytes([data[-100] ^ 0xFF]) + data[-99:])
    else:
        path.write_bytes(b"")
    second = _llm(tmp_path)
    out = "".join(second.stream(Chat(SYSTEM, "Hi"), max_tokens=3))
    assert out == expected
    assert second.prefix_loads == 0 and second.prefix_evals == 1
    assert cache_file(second, _prefix_tokens(second, Chat(SYSTEM, "Hi"))).stat().st_size == len(data)  # rewritten


def test_a_different_prefix_never_matches_the_cached_state(tmp_path):
    first = _llm(tmp_path)
    "".join(first.stream(Chat(SYSTEM, "Hi"), max_tokens=2))
    other = _llm(tmp_path)
    "".join(other.stream(Chat(SYSTEM + " Be terse.", "Hi"), max_tokens=2))
    assert other.prefix_loads == 0 and other.prefix_evals == 1
    assert len(list((tmp_path / "kv").glob("prefix-*.kv"))) == 2


def test_an_unwritable_cache_dir_costs_only_the_cache(tmp_path):
    blocker = tmp_path / "kv"
    blocker.write_text("a file where the cache directory should be")
    llm = LlamaLLM(bundled_gguf(), context=1024, cache_dir=blocker)
    assert "".join(llm.stream(Chat(SYSTEM, "Hi"), max_tokens=2))
    assert llm.prefix_evals == 1


def test_prune_keeps_the_most_recently_used_files(tmp_path):
    for i in range(KEEP_FILES + 3):
        f = tmp_path / f"prefix-{i:02d}.kv"
        f.write_bytes(b"x")
        os.utime(f, (1000 + i, 1000 + i))
    prune(tmp_path)
    left = sorted(p.name for p in tmp_path.glob("prefix-*.kv"))
    assert left == [f"prefix-{i:02d}.kv" for i in range(3, KEEP_FILES + 3)]
