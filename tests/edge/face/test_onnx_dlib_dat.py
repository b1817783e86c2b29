"""The pure-Python reader of dlib's .dat network format, on the real ResNet file and on broken copies."""

from __future__ import annotations

import math

import numpy as np
import pytest

from edge.errors import ModelUnavailable
from edge.face.dlib_dat import DlibDatFormatError, read_network_file
from edge.face.dlib_dat.layers import AddPrev, Affine, Conv, FullyConnected, Marker, Pool, Relu
from edge.face.dlib_dat.stream import DlibReader
from edge.face.model_files import RESNET, model_path


@pytest.fixture(scope="module")
def network():
    return read_network_file(model_path(RESNET))


def test_integers_use_dlibs_control_byte_encoding():
    r = DlibReader(b"\x01\x05" + b"\x81\x05" + b"\x02\x00\x01" + b"\x02\x80\x12")
    assert [r.int(), r.int(), r.int(), r.int()] == [5, -5, 256, 4736]
    assert r.at_end()


def test_floats_are_mantissa_times_power_of_two():
    # The loss layer's margin as the real file stores it: mantissa 0xa3d70a, exponent -28.
    r = DlibReader(b"\x03\x0a\xd7\xa3\x81\x1c" + b"\x01\x03\x01\x00")
    assert r.float() == pytest.approx(0.04, rel=1e-6)
    assert r.float() == 3.0


def test_strings_flags_and_tensors():
    payload = np.arange(6, dtype="<f4").tobytes()
    r = DlibReader(b"\x01\x05relu_" + b"10" + b"\x01\x02" + b"\x01\x01\x01\x02\x01\x03\x01\x01" + payload)
    assert r.string() == "relu_"
    assert (r.bool(), r.bool()) == (True, False)
    np.testing.assert_array_equal(r.tensor(), np.arange(6, dtype=np.float32).reshape(1, 2, 3, 1))


def test_input_layer_carries_dlibs_per_channel_means(network):
    assert network.input.size == (150, 150)
    assert network.input.mean_rgb == pytest.approx((122.782, 117.001, 104.298), abs=1e-4)
    assert network.loss.margin == pytest.approx(0.04) and network.loss.distance_threshold == pytest.approx(0.6)


def test_layers_come_out_input_first_in_the_published_resnet_shape(network):
    layers = network.layers
    convs = [layer for layer in layers if isinstance(layer, Conv)]
    # dnn_face_recognition_ex.cpp: a 7x7/2 stem, then 3+4+3+3+1 residual blocks of two 3x3 convs each.
    assert len(convs) == 1 + 2 * (3 + 4 + 3 + 3 + 1)
    assert convs[0].weights.shape == (32, 3, 7, 7) and convs[0].stride == (2, 2)
    assert [c.weights.shape[0] for c in convs[1::2]] == [32] * 3 + [64] * 4 + [128] * 3 + [256] * 3 + [256]
    assert sum(c.stride == (2, 2) for c in convs) == 1 + 4  # the stem and the four down-sampling blocks
    assert isinstance(layers[1], Affine) and isinstance(layers[2], Relu) and layers[3].kind == "max"
    assert sum(isinstance(layer, AddPrev) for layer in layers) == 14
    # tag1 on every block input; each down-sampling block adds tag2 (its output) and skip1 (back to tag1).
    assert sum(isinstance(layer, Marker) for layer in layers) == 14 + 2 * 4
    assert isinstance(layers[-2], Pool) and layers[-2].window == (0, 0)
    fc = layers[-1]
    assert isinstance(fc, FullyConnected) and fc.weights.shape == (256, 128) and fc.bias is None


def test_batch_norm_is_stored_folded_with_finite_scales(network):
    affines = [layer for layer in network.layers if isinstance(layer, Affine)]
    assert len(affines) == 29
    assert all(a.per_channel and np.all(np.isfinite(a.scale)) and np.all(np.isfinite(a.shift)) for a in affines)


def test_truncated_file_is_a_named_error_with_the_offset(tmp_path):
    broken = tmp_path / "truncated.dat"
    broken.write_bytes(model_path(RESNET).read_bytes()[:100_000])
    with pytest.raises(DlibDatFormatError, match=r"file ends inside .* at byte \d+") as info:
        read_network_file(broken)
    assert isinstance(info.value, ModelUnavailable)
    assert "use the 'dlib' embedder" in info.value.remedy


def test_a_file_that_is_not_a_dlib_network_is_refused(tmp_path):
    bogus = tmp_path / "bogus.dat"
    bogus.write_bytes(b"PK\x03\x04 this is a zip, not a network" * 10)
    with pytest.raises(DlibDatFormatError, match="not a dlib network"):
        read_network_file(bogus)


def test_trailing_bytes_are_refused(tmp_path):
    padded = tmp_path / "padded.dat"
    padded.write_bytes(model_path(RESNET).read_bytes() + b"\x00" * 7)
    with pytest.raises(DlibDatFormatError, match="7 bytes left over"):
        read_network_file(padded)


def test_non_finite_float_markers():
    r = DlibReader(b"\x01\x00\x02\x00\x7d" + b"\x01\x00\x02\x02\x7d")
    assert r.float() == math.inf
    assert math.isnan(r.float())
