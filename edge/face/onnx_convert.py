"""Turn dlib's ResNet face embedder (`dlib_face_recognition_resnet_model_v1.dat`) into an equivalent ONNX graph.

The graph takes what the dlib backend takes: aligned 150x150 RGB uint8 chips, here batched NHWC as
"chips" (N, 150, 150, 3). dlib's input layer (input_rgb_image_sized, dlib/dnn/input.h) feeds the network
(pixel - mean[channel]) / 256 with the per-channel means stored in the file (122.782, 117.001, 104.298 for
R, G, B); the graph does exactly that after a cast and an NHWC -> NCHW transpose, so callers pass raw pixels.
The output "embedding" (N, 128) is dlib's raw descriptor (not normalised), as `compute_face_descriptor` returns.

Layers map one to one: con_ -> Conv (an affine_ right after a conv is folded into its weights and bias),
affine_ -> Mul + Add, relu_ -> Relu, max_pool_/avg_pool_ -> MaxPool/AveragePool, avg_pool_everything ->
GlobalAveragePool, fc_ without bias -> Flatten + MatMul. add_prev_ adds a tagged earlier output; when the two
differ in shape (the down-sampling blocks change channel count, and a 3x3 block output meets a 4x4 pooled
shortcut at 8x8 -> 4x4), dlib's `tt::add` treats missing entries as zero, so the smaller operand is zero-padded
at the end of each axis before the Add.

dlib stores tag and skip layers as bare version numbers (the tag ids are template arguments, not data), so the
topology of the residual blocks comes from the network definition in dlib's dnn_face_recognition_ex.cpp:
    residual      = add_prev1<block<tag1<x>>>
    residual_down = add_prev2<avg_pool<2,2,2,2,skip1<tag2<block<tag1<x>>>>>>
i.e. read input-first, a lone marker is tag1 (the block's input), and a pair of markers is tag2 (the block's
output) followed by skip1 (back to tag1's tensor). Any other arrangement is refused with a named error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from edge.face.dlib_dat.errors import DlibDatFormatError
from edge.face.dlib_dat.layers import AddPrev, Affine, Conv, FullyConnected, Marker, Pool, Relu
from edge.face.dlib_dat.network import DlibNetwork

# Bump when the graph this module emits changes, so cached conversions are rebuilt.
CONVERTER_VERSION = 1
INPUT_NAME = "chips"
OUTPUT_NAME = "embedding"
OPSET = 17


class ConversionError(DlibDatFormatError):
    """The network parsed but has a shape or layout the converter cannot reproduce faithfully."""

    code = "onnx_conversion_failed"


def _refuse(what: str) -> ConversionError:
    return ConversionError(
        f"cannot convert the dlib network to ONNX: {what}",
        "Set CHECKPOINT_EMBEDDER=dlib to use dlib's own inference for this model file",
    )


@dataclass
class _Value:
    """A tensor in the graph being built, with its static (channels, rows, cols) shape."""

    name: str
    shape: tuple[int, int, int]


@dataclass
class _GraphBuilder:
    nodes: list = field(default_factory=list)
    initializers: list = field(default_factory=list)
    counter: int = 0

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}_{self.counter}"

    def const(self, prefix: str, array: np.ndarray) -> str:
        name = self.fresh(prefix)
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(self, op: str, inputs: list[str], prefix: str, **attrs) -> str:
        out = self.fresh(prefix)
        self.nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out


def _pool_out(size: int, window: int, stride: int, pad: int) -> int:
    return 1 + (size + 2 * pad - window) // stride


def _pad_to(g: _GraphBuilder, v: _Value, target: tuple[int, int, int]) -> str:
    """Zero-pad `v` at the end of channels, rows and cols up to `target` (dlib's add of unequal tensors)."""
    extra = [t - s for t, s in zip(target, v.shape, strict=True)]
    if not any(extra):
        return v.name
    pads = g.const("pads", np.array([0, 0, 0, 0, 0, *extra], dtype=np.int64))
    return g.node("Pad", [v.name, pads], "pad", mode="constant")


def _conv(g: _GraphBuilder, x: _Value, conv: Conv, affine: Affine | None) -> _Value:
    weights, bias = conv.weights, conv.bias
    if weights.shape[1] != x.shape[0]:
        raise _refuse(f"conv expects {weights.shape[1]} input channels, gets {x.shape[0]}")
    if affine is not None:
        # Folding y = (conv(x) + b) * s + t into the conv: one op instead of three, same arithmetic to rounding.
        weights = weights * affine.scale[:, None, None, None]
        bias = bias * affine.scale + affine.shift
    w = g.const("conv_w", weights.astype(np.float32))
    b = g.const("conv_b", bias.astype(np.float32))
    (py, px), (sy, sx) = conv.padding, conv.stride
    out = g.node(
        "Conv", [x.name, w, b], "conv", kernel_shape=list(weights.shape[2:]), strides=[sy, sx], pads=[py, px, py, px]
    )
    rows = _pool_out(x.shape[1], weights.shape[2], sy, py)
    cols = _pool_out(x.shape[2], weights.shape[3], sx, px)
    return _Value(out, (weights.shape[0], rows, cols))


def _affine(g: _GraphBuilder, x: _Value, affine: Affine) -> _Value:
    if not affine.per_channel:
        raise _refuse("an fc-mode affine layer inside the convolutional trunk")
    scale = g.const("affine_s", affine.scale.reshape(1, -1, 1, 1).astype(np.float32))
    shift = g.const("affine_t", affine.shift.reshape(1, -1, 1, 1).astype(np.float32))
    return _Value(g.node("Add", [g.node("Mul", [x.name, scale], "scale"), shift], "shift"), x.shape)


def _pool(g: _GraphBuilder, x: _Value, pool: Pool) -> _Value:
    if pool.window == (0, 0):
        if pool.kind != "avg":
            raise _refuse("max_pool_everything")
        return _Value(g.node("GlobalAveragePool", [x.name], "gap"), (x.shape[0], 1, 1))
    (wy, wx), (sy, sx), (py, px) = pool.window, pool.stride, pool.padding
    if pool.kind == "avg" and (py or px):
        raise _refuse("padded average pooling (dlib's treatment of the border is not reproduced)")
    op = "MaxPool" if pool.kind == "max" else "AveragePool"
    out = g.node(op, [x.name], pool.kind + "pool", kernel_shape=[wy, wx], strides=[sy, sx], pads=[py, px, py, px])
    return _Value(out, (x.shape[0], _pool_out(x.shape[1], wy, sy, py), _pool_out(x.shape[2], wx, sx, px)))


def _add(g: _GraphBuilder, a: _Value, b: _Value) -> _Value:
    target = tuple(max(p, q) for p, q in zip(a.shape, b.shape, strict=True))
    out = g.node("Add", [_pad_to(g, a, target), _pad_to(g, b, target)], "residual")
    return _Value(out, target)  # type: ignore[arg-type]


def _input(g: _GraphBuilder, net: DlibNetwork) -> _Value:
    rows, cols = net.input.size or (150, 150)
    x = g.node("Cast", [INPUT_NAME], "float", to=TensorProto.FLOAT)
    x = g.node("Transpose", [x], "nchw", perm=[0, 3, 1, 2])
    mean = g.const("mean_rgb", np.array(net.input.mean_rgb, dtype=np.float32).reshape(1, 3, 1, 1))
    x = g.node("Sub", [x, mean], "centred")
    # Division by 256 (a power of two) is exact, so this matches dlib's (pixel - mean) / 256.0 bit for bit.
    x = g.node("Div", [x, g.const("div", np.array(256.0, dtype=np.float32))], "normalised")
    return _Value(x, (3, rows, cols))


def build_onnx(net: DlibNetwork, metadata: dict[str, str] | None = None) -> onnx.ModelProto:
    """An ONNX model computing the same descriptor as dlib's network `net` (see module docstring)."""
    g = _GraphBuilder()
    x = _input(g, net)
    tag1: list[_Value] = []  # block inputs, innermost last
    tag2: _Value | None = None  # a down-sampling block's output, waiting for its pooled shortcut
    layers, i = net.layers, 0
    while i < len(layers):
        layer = layers[i]
        if isinstance(layer, Marker):
            if i + 1 < len(layers) and isinstance(layers[i + 1], Marker):
                if not tag1 or tag2 is not None:
                    raise _refuse(f"a skip layer at position {i} with no block input to return to")
                tag2, x = x, tag1[-1]
                i += 2
                continue
            tag1.append(x)
        elif isinstance(layer, Conv):
            following = layers[i + 1] if i + 1 < len(layers) else None
            affine = following if isinstance(following, Affine) and following.per_channel else None
            x = _conv(g, x, layer, affine)
            i += 1 if affine is not None else 0
        elif isinstance(layer, Affine):
            x = _affine(g, x, layer)
        elif isinstance(layer, Relu):
            x = _Value(g.node("Relu", [x.name], "relu"), x.shape)
        elif isinstance(layer, Pool):
            x = _pool(g, x, layer)
        elif isinstance(layer, AddPrev):
            if not tag1:
                raise _refuse(f"an add_prev layer at position {i} with no tagged layer before it")
            other = tag2 if tag2 is not None else tag1[-1]
            tag1.pop()
            tag2 = None
            x = _add(g, x, other)
        elif isinstance(layer, FullyConnected):
            if i != len(layers) - 1:
                raise _refuse("a fully connected layer before the last position")
            flat = g.node("Flatten", [x.name], "flat", axis=1)
            if layer.weights.shape[0] != int(np.prod(x.shape)):
                raise _refuse(f"fc expects {layer.weights.shape[0]} inputs, gets {x.shape}")
            out = g.node("MatMul", [flat, g.const("fc_w", layer.weights.astype(np.float32))], "fc")
            if layer.bias is not None:
                out = g.node("Add", [out, g.const("fc_b", layer.bias.astype(np.float32))], "fc_bias")
            g.nodes[-1].output[0] = OUTPUT_NAME
            x = _Value(OUTPUT_NAME, (layer.weights.shape[1], 1, 1))
        else:
            raise _refuse(f"layer type {type(layer).__name__}")
        i += 1
    if x.name != OUTPUT_NAME or tag1 or tag2 is not None:
        raise _refuse("the network does not end in a fully connected layer with every tag consumed")

    rows, cols = net.input.size or (150, 150)
    graph = helper.make_graph(
        g.nodes,
        "dlib_face_recognition_resnet_v1",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.UINT8, ["batch", rows, cols, 3])],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, ["batch", x.shape[0]])],
        g.initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="checkpoint")
    model.ir_version = 8  # readable by every onnxruntime >= 1.14
    for key, value in {"converter_version": str(CONVERTER_VERSION), **(metadata or {})}.items():
        model.metadata_props.append(onnx.StringStringEntryProto(key=key, value=value))
    onnx.checker.check_model(model)
    return model
