"""Making the embedder's ONNX graph int8 without losing its vectors.

Dynamic quantisation gives each weight matrix one int8 scale and each activation tensor one
uint8 range. Both break in a BERT feed-forward block:

- the input of its first projection (the attention block's LayerNorm output) carries a few
  channels 10-15x larger than the rest (channel 99 of all-MiniLM-L6-v2 reaches 28 where the
  median channel peaks at 1.9), and so does the input of its second (the GELU output);
- the second projection's matrix has one or two rows 10-50x larger than the others (up to
  7.9 where the median row peaks at 0.15).

One range for all of it leaves the ordinary values a handful of steps. So:

- the second projection's outlier channels (the largest GELU outputs on a fixed calibration
  text, and the rows of its matrix that are largest) are taken out of both projections: the
  first makes zero for them (its columns and bias zeroed), the second skips them (its rows
  zeroed), and a small float branch computes them from the block's input, through GELU, and
  adds their share to the block's output;
- the first projection's large input channels are scaled down, and its matrix rows scaled up
  to match (SmoothQuant's migration, strength 0.3): one multiplication by a constant vector
  of 384, where a float side product would add a 1,536-wide sum;
- attention is exported without the fused kernel's NaN guard (eager attention), which cost
  5% of the run in Where/IsNaN nodes.

Measured against the float model on 964 texts (600 synthetic notes, commands and chat lines,
LoCoMo turns and the verification sample), mean cosine / lowest: int8 everywhere as-is
0.955; the earlier recipe (both projections' outlier inputs as float side products) 0.9948 /
0.983; this recipe 0.9939 / 0.981, at 1.34x its speed (one thread on an AMD EPYC core:
133 -> 179 texts/s on the `bench perf` corpus). Fusing attention (ONNX Runtime's BERT
optimiser) added nothing measurable.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ModelError

if TYPE_CHECKING:
    from .bert import BertEncoder

# input channels of each second feed-forward projection computed in float, by activation and by weight
OUTLIER_CHANNELS = 4
SIDE = "_float_channels"  # suffix of the nodes that carry them
# how much of the first projection's activation range moves into its weights (SmoothQuant's
# alpha): 0.3 agreed best with the float model of 0.1-0.85
MIGRATION = 0.3
# Text the activation ranges are measured on. The outlier channels are a property of the
# model (the same channels on any text), so a few sentences of different kinds find them;
# the graph is verified on a different sample (graph.SAMPLE).
CALIBRATION = (
    "Picked up the dry cleaning and paid the electricity bill online.",
    "kubectl rollout restart deployment/api -n production",
    "Jon: Did you see the match last night? We should get tickets for the final in June.",
    "Recipe: fry two onions, add the lentils, cumin and a tin of tomatoes, simmer for 25 minutes.",
    "The quarterly review moved to Tuesday 9:30; bring the latency graphs and the budget sheet.",
    "ls -la ~/Downloads | grep pdf",
    "thanks!",
    "git status",
)


def feed_forward_matmuls(graph: Any, hidden: int, intermediate: int) -> list[Any]:
    """MatMul nodes of the feed-forward projections: a weight of (hidden, intermediate) or
    (intermediate, hidden), in graph order (each block's first, then its second)."""
    shapes = {init.name: list(init.dims) for init in graph.initializer}
    wanted = ([hidden, intermediate], [intermediate, hidden])
    return [node for node in graph.node
            if node.op_type == "MatMul" and len(node.input) == 2 and shapes.get(node.input[1]) in wanted]


def weight_matmuls(graph: Any) -> list[str]:
    """Names of MatMul nodes whose second operand is a weight matrix, except the float
    branches float_outlier_channels adds."""
    weights = {init.name for init in graph.initializer}
    return [node.name for node in graph.node
            if node.op_type == "MatMul" and len(node.input) == 2 and node.input[1] in weights
            and SIDE not in node.name]


def input_ranges(model: Any, tensors: list[str], encoder: BertEncoder) -> dict[str, Any]:
    """Each tensor's largest magnitude per channel (last axis) over CALIBRATION: each text
    alone, and all of them in one padded batch. Bulk batches pad their shorter texts, and
    the padding's states take part in each activation's one int8 range, so they are
    measured too (without them, "ok" padded beside longer texts fell to cosine 0.965)."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper

    from .graph import onnx_runtime

    ort = onnx_runtime()

    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    for name in tensors:
        probe.graph.output.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, None))
    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(probe.SerializeToString(), options, providers=["CPUExecutionProvider"])
    ranges: dict[str, Any] = {}
    for texts in [[text] for text in CALIBRATION] + [list(CALIBRATION)]:
        ids, mask, types = encoder.features(texts)
        feed = {"input_ids": ids, "attention_mask": mask.astype(np.int64), "token_type_ids": types}
        for name, value in zip(tensors, session.run(tensors, feed), strict=True):
            peak = np.abs(value.reshape(-1, value.shape[-1])).max(axis=0)
            ranges[name] = np.maximum(ranges[name], peak) if name in ranges else peak
    return ranges


class _Graph:
    """Edits of one ONNX graph: its weights by name, who reads each tensor, inserted nodes."""

    def __init__(self, model: Any) -> None:
        self.graph = model.graph
        self.weights = {init.name: init for init in self.graph.initializer}
        self.readers: dict[str, list[Any]] = {}
        for node in self.graph.node:
            for name in node.input:
                self.readers.setdefault(name, []).append(node)

    def array(self, name: str) -> Any:
        from onnx import numpy_helper

        return numpy_helper.to_array(self.weights[name]).copy()

    def put(self, name: str, value: Any) -> None:
        """Replace (or add) the weight ``name``."""
        from onnx import numpy_helper

        tensor = numpy_helper.from_array(value, name)
        if name in self.weights:
            self.weights[name].CopyFrom(tensor)
        else:
            self.graph.initializer.append(tensor)
            self.weights[name] = self.graph.initializer[-1]

    def bias_of(self, node: Any) -> str:
        """The bias added to ``node``'s output (the weight operand of the Add that reads it)."""
        for reader in self.readers.get(node.output[0], []):
            if reader.op_type == "Add":
                for name in reader.input:
                    if name in self.weights:
                        return str(name)
        raise ModelError(f"{node.name}: no bias after the feed-forward projection")

    def insert(self, position: int, nodes: list[Any]) -> None:
        for offset, node in enumerate(nodes):
            self.graph.node.insert(position + offset, node)


def float_outlier_channels(model: Any, first: Any, second: Any, ranges: dict[str, Any],
                           keep: int = OUTLIER_CHANNELS) -> None:
    """Take the second projection's outlier input channels (the ``keep`` largest in
    ``ranges`` and the ``keep`` largest rows of its matrix) out of both projections and
    compute them in a float branch from the first projection's input: GELU(x W1[:, c] + b1[c])
    W2[c, :], added to the second projection's output."""
    import numpy as np
    from onnx import helper

    g = _Graph(model)
    w1, w2, bias = g.array(first.input[1]), g.array(second.input[1]), g.bias_of(first)
    b1 = g.array(bias)
    by_input = np.argsort(-ranges[second.input[0]])[:keep]
    by_weight = np.argsort(-np.abs(w2).max(axis=1))[:keep]
    picked = np.unique(np.concatenate([by_input, by_weight]))
    base = f"{second.name or second.output[0]}{SIDE}"
    g.put(f"{base}_w1", w1[:, picked].copy())
    g.put(f"{base}_b1", b1[picked].copy())
    g.put(f"{base}_w2", w2[picked].copy())
    g.put(f"{base}_root_half", np.array(1 / np.sqrt(2), dtype=np.float32))
    g.put(f"{base}_one", np.array(1.0, dtype=np.float32))
    g.put(f"{base}_half", np.array(0.5, dtype=np.float32))
    w1[:, picked], b1[picked], w2[picked] = 0.0, 0.0, 0.0  # GELU(0) = 0: the int8 path adds nothing for them
    g.put(first.input[1], w1)
    g.put(bias, b1)
    g.put(second.input[1], w2)
    final = second.output[0]
    second.output[0] = f"{base}_main"

    def step(op: str, inputs: list[str], output: str) -> Any:
        return helper.make_node(op, inputs, [f"{base}_{output}"], name=f"{base}_{output}")

    branch = [
        helper.make_node("MatMul", [first.input[0], f"{base}_w1"], [f"{base}_pre"], name=base),
        step("Add", [f"{base}_pre", f"{base}_b1"], "biased"),
        step("Mul", [f"{base}_biased", f"{base}_root_half"], "scaled"),  # GELU, exact (erf) as BERT's
        step("Erf", [f"{base}_scaled"], "erf"),
        step("Add", [f"{base}_erf", f"{base}_one"], "gate"),
        step("Mul", [f"{base}_biased", f"{base}_gate"], "gated"),
        step("Mul", [f"{base}_gated", f"{base}_half"], "gelu"),
        helper.make_node("MatMul", [f"{base}_gelu", f"{base}_w2"], [f"{base}_out"], name=f"{base}_project"),
        helper.make_node("Add", [f"{base}_main", f"{base}_out"], [final], name=f"{base}_add"),
    ]
    g.insert(list(g.graph.node).index(second) + 1, branch)


def smooth_input(model: Any, node: Any, ranges: dict[str, Any], migration: float = MIGRATION) -> None:
    """Divide ``node``'s large input channels by s and multiply its matrix rows by s, where
    s = range^migration / weight_range^(1 - migration), over its median, at least 1: the
    product is unchanged, and the input's one int8 range fits its ordinary channels."""
    import numpy as np
    from onnx import helper

    g = _Graph(model)
    matrix = g.array(node.input[1])
    activation = np.maximum(ranges[node.input[0]], 1e-5)
    weight = np.maximum(np.abs(matrix).max(axis=1), 1e-5)
    scale = activation ** migration / weight ** (1 - migration)
    scale = np.maximum(scale / np.median(scale), 1.0).astype(np.float32)
    g.put(node.input[1], (matrix * scale[:, None]).astype(np.float32))
    name = f"{node.name or node.output[0]}_smooth"
    g.put(name, (1.0 / scale).astype(np.float32))
    source = node.input[0]
    node.input[0] = f"{name}ed"
    g.insert(list(g.graph.node).index(node), [helper.make_node("Mul", [source, name], [f"{name}ed"], name=name)])


def quantize(source: Path, target: Path, encoder: BertEncoder, hidden: int, intermediate: int) -> Path:
    """An int8 (dynamic) copy of the float graph at ``source`` (see the module's docstring;
    activation ranges calibrated with ``encoder``'s tokenizer); returns ``target``."""
    import onnx

    from .graph import onnx_runtime

    onnx_runtime()  # before quantize_dynamic makes sessions of its own
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = onnx.load(str(source))
    nodes = feed_forward_matmuls(model.graph, hidden, intermediate)
    if not nodes or len(nodes) % 2:
        raise ModelError(f"{source.name}: no feed-forward blocks of {hidden}x{intermediate} to quantise")
    ranges = input_ranges(model, list(dict.fromkeys(n.input[0] for n in nodes)), encoder)
    for first, second in zip(nodes[0::2], nodes[1::2], strict=True):
        float_outlier_channels(model, first, second, ranges)
        smooth_input(model, first, ranges)
    split = source.with_name(f"{source.stem}-split.onnx")
    onnx.save(model, str(split))
    logging.disable(logging.WARNING)  # it advises a pre-processing step on the root logger
    try:
        quantize_dynamic(str(split), str(target), weight_type=QuantType.QInt8,
                         op_types_to_quantize=["MatMul"], nodes_to_quantize=weight_matmuls(model.graph))
    finally:
        logging.disable(logging.NOTSET)
    return target
