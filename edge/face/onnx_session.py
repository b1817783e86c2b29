"""onnxruntime sessions on the CPU provider, with the thread count the operator configured."""

from __future__ import annotations

from pathlib import Path

import onnxruntime as ort

from edge.errors import ModelUnavailable


def make_cpu_session(path: Path, threads: int = 0) -> ort.InferenceSession:
    """A CPU session for the model at `path`; `threads` 0 lets onnxruntime use one per core."""
    if threads < 0:
        raise ValueError(f"thread count must be 0 (automatic) or positive, got {threads}")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    # One face batch at a time: parallelism across operators buys nothing and costs threads.
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    try:
        return ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own untyped errors for unreadable or invalid graphs
        raise ModelUnavailable(
            f"onnxruntime cannot load the model {path.name}: {str(exc).splitlines()[0][:200]}",
            "Check that the file is a complete ONNX model (re-copy it, or for the converted dlib model run "
            "`checkpoint models prepare --force`)",
        ) from exc
