"""The bundled embedder, for real: the NumPy path must equal sentence-transformers."""

import numpy as np
import pytest

from recall_cli.search.embed import NUMPY_BATCH_LIMIT, SentenceTransformerEmbedder, bundled_model_path

pytestmark = pytest.mark.slow

TEXTS = [
    "Caroline went to the LGBTQ support group yesterday",
    "hi",
    "Parked the car on level 3 of the airport garage, near the elevators to departures",
    "Ünïcödé and emoji 🚲 survive tokenisation",
    "word " * 400,  # longer than the 256-token window: truncated the same way
]


def test_numpy_forward_pass_matches_sentence_transformers():
    from sentence_transformers import SentenceTransformer

    ours = SentenceTransformerEmbedder().embed(TEXTS)
    reference = SentenceTransformer(str(bundled_model_path()), device="cpu").encode(
        TEXTS, normalize_embeddings=True)
    assert ours.shape == (5, 384) and ours.dtype == np.float32
    assert np.abs(ours - reference).max() < 1e-5


def test_large_batches_use_torch_and_give_the_same_vectors():
    embedder = SentenceTransformerEmbedder(quantize=False)
    many = [f"note {i}: {TEXTS[i % 4]}" for i in range(NUMPY_BATCH_LIMIT + 1)]
    batch = embedder.embed(many)
    assert embedder._model is not None  # the torch path ran
    single = embedder.embed(many[:3])
    assert np.abs(batch[:3] - single).max() < 1e-5


def test_int8_batches_rank_like_float_ones_for_a_float_query():
    docs = [f"note {i}: {TEXTS[i % 4]}" for i in range(NUMPY_BATCH_LIMIT + 1)]
    docs[7] = "Sam asked me to water the basil and the tomatoes on the balcony"
    int8 = SentenceTransformerEmbedder(quantize=True).embed(docs)  # a big batch: torch, int8 linear layers
    exact = SentenceTransformerEmbedder(quantize=False).embed(docs)
    query = SentenceTransformerEmbedder().embed(["who waters the plants?"])[0]  # small: float NumPy
    assert int(np.argmax(int8 @ query)) == int(np.argmax(exact @ query)) == 7
    assert np.abs(int8 - exact).max() > 1e-4  # really a different (int8) computation
    assert np.sum(int8 * exact, axis=1).min() > 0.85


def test_similar_sentences_are_closer_than_unrelated_ones():
    a, b, c = SentenceTransformerEmbedder().embed(
        ["Who waters the plants?", "Sam asked me to water the basil", "The TLS certificate expired"])
    assert float(a @ b) > float(a @ c) + 0.1


def test_a_few_long_texts_go_to_torch_and_a_query_stays_on_numpy():
    embedder = SentenceTransformerEmbedder(quantize=False)
    embedder.embed(["who waters the plants?"])
    assert embedder._model is None  # a query never pays torch's import
    long = embedder.embed(["word " * 1000] * 5)  # five full 256-token windows: cheaper on torch
    assert embedder._model is not None
    assert np.abs(long[0] - SentenceTransformerEmbedder().embed(["word " * 1000])[0]).max() < 1e-5


def test_forcing_torch_shows_torch_as_the_bulk_embedder_whatever_the_config_says(tmp_path, monkeypatch):
    from recall_cli.search.embed import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder(backend="onnx-int8", cache_dir=tmp_path)
    assert embedder.bulk_backend == "onnx-int8"
    monkeypatch.setenv("RECALL_EMBED_TORCH", "1")
    assert embedder.bulk_backend == "torch"
    assert embedder.bulk_status() == "bulk batches: torch"


def test_what_i_said_in_a_chat_comes_before_the_assistants_long_echo_of_it(recall_home):
    from recall_cli.config import load_config
    from recall_cli.service import Recall

    svc = Recall(load_config(recall_home), embedder=SentenceTransformerEmbedder())
    chat = {"source": "chat", "session": "budget", "kind": "message"}
    turns = [
        ("user", "I want three new columns in my transactions table: category, merchant and notes."),
        ("assistant", "Adding columns to your transactions table is easy. The columns you want to add to the "
                      "transactions table (category, merchant, notes) go in with ALTER TABLE, one column at a time."),
        ("user", "Thanks. How should I back up the database before the migration?"),
        ("assistant", "Copy the SQLite file while nothing writes to it, or use the .backup command."),
    ]
    turns += [("user", f"Unrelated question {i} about my garden and the tomatoes") for i in range(3)]
    turns += [("assistant", f"Water the tomatoes every morning, tip {i}") for i in range(3)]
    try:
        for i, (actor, text) in enumerate(turns):
            svc.add(text, ts=1_709_370_000 + 60 * i, actor=actor, **chat)
        mine = svc.search("Which columns did I want to add to the transactions table?", limit=4).hits
        assert mine[0].actor == "user" and mine[0].text.startswith("I want three new columns")
        told = svc.search("How did you tell me to add the new columns?", limit=4).hits
        assert "ALTER TABLE" in told[0].text + told[1].text  # asked of the assistant: its reply is not pushed down
    finally:
        svc.close()


def test_a_graph_that_cannot_be_built_leaves_big_batches_to_numpy(tmp_path, monkeypatch):
    # a full disk: the ONNX graph cannot be written, so the first big batch of an import failed
    from recall_cli.errors import ModelError
    from recall_cli.search import graph

    def no_space(*_args, **_kwargs):
        raise ModelError("cannot export all-MiniLM-L6-v2 to ONNX: [Errno 28] No space left on device")

    monkeypatch.setattr(graph, "load", no_space)
    embedder = SentenceTransformerEmbedder(backend="onnx-int8", cache_dir=tmp_path)
    many = [f"note {i}: {TEXTS[i % 4]}" for i in range(NUMPY_BATCH_LIMIT + 1)]
    vectors = embedder.embed(many)
    assert vectors.shape == (len(many), 384) and "No space left" in embedder.bulk_failed
    assert np.abs(vectors[:3] - embedder.embed(many[:3])).max() < 1e-5
