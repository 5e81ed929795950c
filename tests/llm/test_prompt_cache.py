"""KV-cache reuse with the real bundled model (small: loads in about a second)."""

import pytest

from recall_cli.llm import Chat, LlamaLLM, bundled_gguf
from recall_cli.prompt_cache import cache_file

pytestmark = pytest.mark.slow
SYSTEM = "You are recall, a personal memory assistant. Answer from the evidence only. " * 8


def _llm(tmp_path):
    return LlamaLLM(bundled_gguf(), context=1024, cache_dir=tmp_path / "kv")


def test_the_stable_prefix_is_evaluated_once_per_process(tmp_path):
    llm = _llm(tmp_path)
    "".join(llm.stream(Chat(SYSTEM, "First question?"), max_tokens=4))
    first = llm.last_usage
    "".join(llm.stream(Chat(SYSTEM, "A different second question?"), max_tokens=4))
    second = llm.last_usage
    assert llm.prefix_evals == 1
    prefix_tokens = len(llm.llama.tokenize(llm.render(Chat(SYSTEM, "x"))[0].encode(), add_bos=True, special=True))
    assert second.reused_tokens >= prefix_tokens and first.reused_tokens >= prefix_tokens


def test_a_new_process_loads_the_prefix_from_disk(tmp_path):
    first = _llm(tmp_path)
    expected = "".join(first.stream(Chat(SYSTEM, "Say hello."), max_tokens=6))
    assert first.prefix_evals == 1 and first.prefix_loads == 0
    second = _llm(tmp_path)  # as another process would: a fresh llama context
    again = "".join(second.stream(Chat(SYSTEM, "Say hello."), max_tokens=6))
    assert second.prefix_loads == 1 and second.prefix_evals == 0
    assert again == expected


def test_a_corrupt_cache_file_is_ignored_and_rebuilt(tmp_path):
    first = _llm(tmp_path)
    "".join(first.stream(Chat(SYSTEM, "Hi"), max_tokens=2))
    files = list((tmp_path / "kv").glob("prefix-*.state"))
    assert len(files) == 1
    files[0].write_bytes(b"\x80\x04garbage" * 50)
    second = _llm(tmp_path)
    out = "".join(second.stream(Chat(SYSTEM, "Hi"), max_tokens=2))
    assert out and second.prefix_loads == 0 and second.prefix_evals == 1
    tokens = second.llama.tokenize(second.render(Chat(SYSTEM, "Hi"))[0].encode(), add_bos=True, special=True)
    assert cache_file(second, tokens).stat().st_size > 1000  # rewritten


def test_a_different_prefix_never_matches_the_cached_state(tmp_path):
    first = _llm(tmp_path)
    "".join(first.stream(Chat(SYSTEM, "Hi"), max_tokens=2))
    other = _llm(tmp_path)
    "".join(other.stream(Chat(SYSTEM + " Be terse.", "Hi"), max_tokens=2))
    assert other.prefix_loads == 0 and other.prefix_evals == 1
