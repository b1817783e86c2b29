"""A reader for dlib's DNN serialisation (the `.dat` files), in pure Python + numpy: no dlib tools needed."""

from edge.face.dlib_dat.errors import DlibDatFormatError
from edge.face.dlib_dat.network import DlibNetwork, read_network_file

__all__ = ["DlibDatFormatError", "DlibNetwork", "read_network_file"]
