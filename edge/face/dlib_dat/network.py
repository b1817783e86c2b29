"""Read a whole dlib network (`serialize(net, file)`) into a flat list of layers, input first.

Layout (dlib/dnn/core.h): the loss layer writes its version, its own details, then the network under it. Every
add_layer writes its version and then *its whole subnetwork* before its own details; tag and skip layers write
only a version. So the file holds all the versions from the output down to the input, then the input layer, then
each layer's details from the input back up to the output.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from edge.face.dlib_dat.layers import InputRGBImage, Layer, LossMetric, Marker, read_input_layer, read_layer_details
from edge.face.dlib_dat.layers import read_loss as _read_loss
from edge.face.dlib_dat.stream import DlibReader

_ADD_LAYER = 2  # add_layer<details, subnet> (current format, with params_grad)
_MARKER = 1  # add_tag_layer / add_skip_layer
_INPUT_ADD_LAYER = (2, 3)  # add_layer<details, input_layer>, told apart by the input layer's name that follows


@dataclass(frozen=True)
class DlibNetwork:
    """A dlib network as read from its file: the input layer, the layers above it in order, and the loss."""

    input: InputRGBImage
    layers: list[Layer]  # computational layers and tag/skip markers, input side first
    loss: LossMetric


def _skip_trailer(r: DlibReader, version: int, is_input: bool) -> None:
    # Training state after the details: three flags and cached tensors (empty in a cleaned network).
    for what in ("this_layer_setup_called", "gradient_input_is_stale", "get_output_and_gradient_input_disabled"):
        r.bool(what)
    r.tensor("x_grad")
    r.tensor("cached_output")
    if is_input:
        r.tensor("grad_final")
        if version >= 3:
            r.int("_sample_expansion_factor")
    else:
        r.tensor("params_grad")


def read_network(r: DlibReader) -> DlibNetwork:
    """Parse a network written by dlib's `serialize(net, out)` with a loss_metric loss layer."""
    loss_version = r.int("loss layer version")
    if loss_version != 1:
        raise r.fail(f"unknown add_loss_layer version {loss_version}")
    loss = _read_loss(r)

    outer_to_inner: list[int] = []
    while True:
        version = r.int("layer version")
        following = r.peek_int()
        if version in _INPUT_ADD_LAYER and following is not None and following > 3:
            input_version = version
            break  # a string length, i.e. the input layer's name: this is the bottom add_layer
        if version in (_ADD_LAYER, _MARKER):
            outer_to_inner.append(version)
            continue
        raise r.fail(f"unknown layer version {version}")

    input_layer = read_input_layer(r)
    layers: list[Layer] = [read_layer_details(r)]
    _skip_trailer(r, input_version, is_input=True)
    for version in reversed(outer_to_inner):
        if version == _MARKER:
            layers.append(Marker())
            continue
        layers.append(read_layer_details(r))
        _skip_trailer(r, version, is_input=False)
    return DlibNetwork(input_layer, layers, loss)


def read_network_file(path: Path) -> DlibNetwork:
    """Read a `.dat` network file; the file must hold the network and nothing we cannot account for."""
    r = DlibReader(Path(path).read_bytes(), source=Path(path).name)
    network = read_network(r)
    if not r.at_end():
        raise r.fail(f"{len(r.data) - r.pos} bytes left over after the network")
    return network
