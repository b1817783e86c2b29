"""The layer records of a dlib DNN and how each one's "details" are laid out in the file (dlib/dnn/layers.h,
input.h, loss.h). Only inference parameters are kept; training state (gradients, learning-rate multipliers) is
read past and dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from edge.face.dlib_dat.stream import DlibReader


@dataclass(frozen=True)
class InputRGBImage:
    """input_rgb_image(_sized): the network sees (pixel - mean[channel]) / 256, channels in R, G, B order."""

    mean_rgb: tuple[float, float, float]
    size: tuple[int, int] | None  # (rows, cols) for the _sized variant


@dataclass(frozen=True)
class Conv:
    """con_: cross-correlation with bias; weights (out, in, rows, cols) like ONNX Conv."""

    weights: np.ndarray
    bias: np.ndarray
    stride: tuple[int, int]
    padding: tuple[int, int]


@dataclass(frozen=True)
class Affine:
    """affine_ (or bn_ folded at load time, as dlib does): y = x * scale[c] + shift[c]."""

    scale: np.ndarray
    shift: np.ndarray
    per_channel: bool  # CONV_MODE: one scale per channel; FC_MODE: one per element


@dataclass(frozen=True)
class Relu:
    pass


@dataclass(frozen=True)
class Pool:
    """max_pool_ / avg_pool_; a window of 0 means "the whole input" (avg_pool_everything)."""

    kind: str  # "max" or "avg"
    window: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]


@dataclass(frozen=True)
class AddPrev:
    """add_prev_: adds the output of a tagged earlier layer (which tag is a template argument, not stored)."""


@dataclass(frozen=True)
class FullyConnected:
    """fc_: y = x_flat @ weights (+ bias); weights (inputs, outputs) as dlib stores them."""

    weights: np.ndarray
    bias: np.ndarray | None


@dataclass(frozen=True)
class Marker:
    """A tag or skip layer: version number and nothing else in the file, so the two look identical."""


@dataclass(frozen=True)
class LossMetric:
    margin: float
    distance_threshold: float


Layer = InputRGBImage | Conv | Affine | Relu | Pool | AddPrev | FullyConnected | Marker


def read_input_layer(r: DlibReader) -> InputRGBImage:
    """input_rgb_image_sized (means then rows, cols) or input_rgb_image (means only)."""
    name = r.string("input layer name")
    if name not in ("input_rgb_image_sized", "input_rgb_image"):
        raise r.fail(f"unsupported input layer {name!r}")
    mean = (r.float("avg_red"), r.float("avg_green"), r.float("avg_blue"))
    size = (r.int("input rows"), r.int("input cols")) if name == "input_rgb_image_sized" else None
    return InputRGBImage(mean, size)


def read_loss(r: DlibReader) -> LossMetric:
    name = r.string("loss layer name")
    if name != "loss_metric_2":
        raise r.fail(f"unsupported loss layer {name!r} (expected loss_metric_2)")
    return LossMetric(r.float("margin"), r.float("dist_thresh"))


def _skip_multipliers(r: DlibReader, count: int) -> None:
    for _ in range(count):
        r.float("learning-rate/weight-decay multiplier")


def _conv(r: DlibReader) -> Conv:
    params = r.tensor("con_ params").ravel()
    filters = r.int("num_filters")
    rows, cols = r.int("filter rows"), r.int("filter cols")
    stride = (r.int("stride_y"), r.int("stride_x"))
    padding = (r.int("padding_y"), r.int("padding_x"))
    shape = r.alias_tensor_shape("con_ filters")
    bias_shape = r.alias_tensor_shape("con_ biases")
    _skip_multipliers(r, 4)
    count = int(np.prod(shape))
    if shape[0] != filters or shape[2:] != (rows, cols) or count + filters != params.size or bias_shape[1] != filters:
        raise r.fail(f"con_ shapes disagree: filters {shape}, biases {bias_shape}, {params.size} params")
    return Conv(params[:count].reshape(shape), params[count:].copy(), stride, padding)


def _bn_as_affine(r: DlibReader, name: str) -> Affine:
    # dlib folds a batch-norm layer into affine_ when it loads one into an affine slot (layers.h, affine_(bn_)):
    # scale = gamma / sqrt(running_variance + eps), shift = beta - scale * running_mean, in float32.
    params = r.tensor(name + " params").ravel()
    gamma_shape = r.alias_tensor_shape(name + " gamma")
    r.alias_tensor_shape(name + " beta")
    r.tensor(name + " means")
    r.tensor(name + " invstds")
    running_means = r.tensor(name + " running_means").ravel()
    running_variances = r.tensor(name + " running_variances").ravel()
    r.int("num_updates")
    r.int("running_stats_window_size")
    _skip_multipliers(r, 4)
    eps = np.float32(r.float("eps"))
    n = int(np.prod(gamma_shape))
    gamma, beta = params[:n], params[n : 2 * n]
    scale = (gamma * (np.float32(1.0) / np.sqrt(running_variances + eps))).astype(np.float32)
    shift = (beta - scale * running_means).astype(np.float32)
    return Affine(scale, shift, per_channel=name == "bn_con2")


def _affine(r: DlibReader) -> Affine:
    params = r.tensor("affine_ params").ravel()
    gamma_shape = r.alias_tensor_shape("affine_ gamma")
    r.alias_tensor_shape("affine_ beta")
    mode = r.int("affine_ mode")
    n = int(np.prod(gamma_shape))
    if params.size != 2 * n:
        raise r.fail(f"affine_ has {params.size} params for gamma {gamma_shape}")
    return Affine(params[:n].copy(), params[n:].copy(), per_channel=mode == 0)


def _pool(r: DlibReader, kind: str) -> Pool:
    window = (r.int("pool rows"), r.int("pool cols"))
    stride = (r.int("stride_y"), r.int("stride_x"))
    padding = (r.int("padding_y"), r.int("padding_x"))
    return Pool(kind, window, stride, padding)


def _fc(r: DlibReader) -> FullyConnected:
    outputs, inputs = r.int("fc_ num_outputs"), r.int("fc_ num_inputs")
    params = r.tensor("fc_ params").ravel()
    r.alias_tensor_shape("fc_ weights")
    r.alias_tensor_shape("fc_ biases")
    bias_mode = r.int("fc_ bias mode")
    _skip_multipliers(r, 4)
    expected = inputs * outputs + (outputs if bias_mode == 0 else 0)
    if params.size != expected:
        raise r.fail(f"fc_ has {params.size} params, expected {expected}")
    weights = params[: inputs * outputs].reshape(inputs, outputs)
    bias = params[inputs * outputs :].copy() if bias_mode == 0 else None
    return FullyConnected(weights, bias)


def read_layer_details(r: DlibReader) -> Layer:
    """One computational layer's details, dispatched on the version string dlib writes first."""
    name = r.string("layer name")
    if name == "con_4":
        return _conv(r)
    if name in ("bn_con2", "bn_fc2"):
        return _bn_as_affine(r, name)
    if name == "affine_":
        return _affine(r)
    if name == "relu_":
        return Relu()
    if name == "max_pool_2":
        return _pool(r, "max")
    if name == "avg_pool_2":
        return _pool(r, "avg")
    if name == "add_prev_":
        return AddPrev()
    if name == "fc_2":
        return _fc(r)
    raise r.fail(f"unsupported layer type {name!r}")
