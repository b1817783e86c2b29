"""The ONNX graph built from dlib's .dat computes dlib's own descriptor, stage by stage and at the end."""

from __future__ import annotations

import dlib
import numpy as np
import onnx
import onnxruntime as ort
import pytest

from edge.face.dlib_dat import read_network_file
from edge.face.dlib_dat.layers import AddPrev, Relu
from edge.face.dlib_dat.network import DlibNetwork
from edge.face.model_files import RESNET, model_path
from edge.face.onnx_convert import INPUT_NAME, OUTPUT_NAME, ConversionError, build_onnx
from edge.face.onnx_model_cache import self_check_chips


@pytest.fixture(scope="module")
def network():
    return read_network_file(model_path(RESNET))


@pytest.fixture(scope="module")
def model(network):
    return build_onnx(network)


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_graph_takes_raw_150px_rgb_chips_and_returns_128_values(model):
    graph = model.graph
    (inp,) = graph.input
    (out,) = graph.output
    dims = [d.dim_value or d.dim_param for d in inp.type.tensor_type.shape.dim]
    assert (inp.name, dims, inp.type.tensor_type.elem_type) == (
        INPUT_NAME,
        ["batch", 150, 150, 3],
        onnx.TensorProto.UINT8,
    )
    assert out.name == OUTPUT_NAME and out.type.tensor_type.shape.dim[1].dim_value == 128


def test_intermediate_shapes_follow_dlibs_pooling_arithmetic(model):
    # 150 -7x7/2-> 72 -max3/2-> 35 -> (down) 17 -> (down) 8 -> (down) 4: the 3x3/2 conv gives 3x3 there and
    # dlib's add zero-pads it to the 4x4 of the pooled shortcut -> (down) 2 -> global average -> 128.
    inferred = onnx.shape_inference.infer_shapes(model)
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim][1:] for v in inferred.graph.value_info}
    conv_shapes = [shapes[n.output[0]] for n in model.graph.node if n.op_type == "Conv"]
    assert conv_shapes[0] == [32, 72, 72]
    stages = [tuple(s[:2]) for i, s in enumerate(conv_shapes) if i == 0 or s != conv_shapes[i - 1]]
    # The down-sampling block of level 1 convolves 8x8 to 3x3; its 4x4 sum feeds the next blocks.
    assert stages == [(32, 72), (32, 35), (64, 17), (128, 8), (256, 3), (256, 4), (256, 1)]
    adds = [shapes[n.output[0]] for n in model.graph.node if n.op_type == "Add" and n.output[0] in shapes]
    assert [256, 4, 4] in adds and [256, 2, 2] in adds
    assert any(n.op_type == "Pad" for n in model.graph.node)


def test_output_matches_dlibs_own_inference(model):
    chips = self_check_chips(4)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    got = session.run(None, {INPUT_NAME: np.stack(chips)})[0]
    reference = dlib.face_recognition_model_v1(str(model_path(RESNET))).compute_face_descriptor(chips)
    expected = np.array([np.asarray(d) for d in reference], dtype=np.float32)
    # Raw (unnormalised) descriptors agree to float rounding, not just in direction.
    np.testing.assert_allclose(got, expected, atol=1e-5)
    assert np.min(np.sum(_unit(got) * _unit(expected), axis=1)) >= 0.9999


def test_a_residual_add_without_a_tag_is_refused(network):
    broken = DlibNetwork(network.input, [network.layers[0], Relu(), AddPrev(), *network.layers[-2:]], network.loss)
    with pytest.raises(ConversionError, match="add_prev layer at position 2 with no tagged layer"):
        build_onnx(broken)


def test_a_network_not_ending_in_fc_is_refused(network):
    truncated = DlibNetwork(network.input, network.layers[:4], network.loss)
    with pytest.raises(ConversionError, match="does not end in a fully connected layer"):
        build_onnx(truncated)
