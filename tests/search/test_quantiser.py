"""The int8 recipe: feed-forward outlier channels in a float branch, large inputs smoothed, the rest int8."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import numpy_helper

from recall_cli.search import graph, quantiser
from recall_cli.search.bert import NumpyBert
from recall_cli.search.embed import bundled_model_path

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "float.onnx"
    graph.export(bundled_model_path(), path)
    return path


def _states(model: onnx.ModelProto, encoder: NumpyBert, texts: list[str]) -> np.ndarray:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    ids, mask, types = encoder.features(texts)
    feed = {"input_ids": ids, "attention_mask": mask.astype(np.int64), "token_type_ids": types}
    return session.run(None, feed)[0]


def test_taking_the_outlier_channels_apart_leaves_the_float_computation_unchanged(exported):
    encoder = NumpyBert(bundled_model_path())
    model = onnx.load(str(exported))
    config = graph.model_config(bundled_model_path())
    nodes = quantiser.feed_forward_matmuls(model.graph, config["hidden_size"], config["intermediate_size"])
    assert len(nodes) == 2 * config["num_hidden_layers"]
    before = _states(model, encoder, list(graph.SAMPLE))
    ranges = quantiser.input_ranges(model, list(dict.fromkeys(n.input[0] for n in nodes)), encoder)
    for first, second in zip(nodes[0::2], nodes[1::2], strict=True):
        quantiser.float_outlier_channels(model, first, second, ranges)
        quantiser.smooth_input(model, first, ranges)
    after = _states(model, encoder, list(graph.SAMPLE))
    assert np.abs(after - before).max() < 1e-3


def test_smoothing_moves_the_large_input_channels_into_the_matrix(exported):
    encoder = NumpyBert(bundled_model_path())
    model = onnx.load(str(exported))
    config = graph.model_config(bundled_model_path())
    first = quantiser.feed_forward_matmuls(model.graph, config["hidden_size"], config["intermediate_size"])[0]
    source = first.input[0]
    ranges = quantiser.input_ranges(model, [source], encoder)
    quantiser.smooth_input(model, first, ranges)
    weights = {init.name: numpy_helper.to_array(init) for init in model.graph.initializer}
    shrink = weights[f"{first.name}_smooth"]
    assert shrink.max() == 1.0  # ordinary channels pass unchanged
    peak = int(np.argmax(ranges[source]))
    assert shrink[peak] < 0.9  # the largest channel (28 where the median peaks at 1.9) is scaled down
    smoothed = ranges[source] * shrink
    assert smoothed.max() / np.median(smoothed) < ranges[source].max() / np.median(ranges[source])


def test_the_int8_graph_keeps_only_a_few_channels_float(exported, tmp_path):
    config = graph.model_config(bundled_model_path())
    target = quantiser.quantize(exported, tmp_path / "int8.onnx", NumpyBert(bundled_model_path()),
                                config["hidden_size"], config["intermediate_size"])
    model = onnx.load(str(target))
    weights = {init.name: init for init in model.graph.initializer}
    float_products = [n for n in model.graph.node
                      if n.op_type == "MatMul" and len(n.input) == 2 and n.input[1] in weights]
    assert len(float_products) == 2 * config["num_hidden_layers"]  # into and out of each block's float branch
    for node in float_products:
        assert quantiser.SIDE in node.name
        width = min(numpy_helper.to_array(weights[node.input[1]]).shape)
        assert 1 <= width <= 2 * quantiser.OUTLIER_CHANNELS
    quantised = [n for n in model.graph.node if n.op_type in ("MatMulInteger", "DynamicQuantizeMatMul")]
    assert len(quantised) == 6 * config["num_hidden_layers"]  # query, key, value, output, both projections
