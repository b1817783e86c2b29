"""Convert the Silent-Face-Anti-Spoofing MiniFASNet weights to ONNX once, and prove the ONNX equals torch.

Run with a Python that has torch, onnx, onnxruntime and opencv-python-headless < 5 (OpenCV 5 no longer reads
upstream's Caffe face detector); conversion time only, the kiosk never imports torch:

    python -m edge.face.pad_convert --upstream /tmp/sfas --lfw /path/to/lfw-dev/images

`--upstream` is a checkout of minivision-ai/Silent-Face-Anti-Spoofing: the architecture is imported from there,
never copied. Writes edge/face/models/pad/*.onnx and benchmarks/results/pad_conversion.json (max absolute
difference of the softmax outputs, torch vs onnxruntime, on LFW face patches and on random inputs).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import OrderedDict
from pathlib import Path

import cv2
import numpy as np

from edge.face.pad_crop import model_input, patch

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "edge" / "face" / "models" / "pad"
PROOF = ROOT / "benchmarks" / "results" / "pad_conversion.json"
# Upstream file name -> our file name. The names carry the scale of the patch and the input size.
WEIGHTS = {
    "2.7_80x80_MiniFASNetV2.pth": "2.7_80x80_MiniFASNetV2.onnx",
    "4_0_0_80x80_MiniFASNetV1SE.pth": "4_0_0_80x80_MiniFASNetV1SE.onnx",
}
# LFW images are 250x250 with the face in the middle: a fixed box is enough to prove two runtimes agree.
LFW_BOX = (75.0, 80.0, 100.0, 100.0)


def load_torch_model(upstream: Path, weights: Path):  # type: ignore[no-untyped-def]
    """The upstream architecture named by the file, with its weights and softmax appended, in eval mode; its input
    (height, width) and patch scale, both read from the file name as upstream reads them."""
    import torch

    sys.path.insert(0, str(upstream))
    from src.model_lib import MiniFASNet
    from src.utility import get_kernel, parse_model_name

    height, width, model_type, scale = parse_model_name(weights.name)
    # The last conv's kernel follows the input size (80x80 -> 5x5), as upstream's predict computes it.
    model = getattr(MiniFASNet, model_type)(conv6_kernel=get_kernel(height, width))
    state = torch.load(weights, map_location="cpu")
    # Trained under DataParallel: every key starts with "module.".
    state = OrderedDict((key.removeprefix("module."), value) for key, value in state.items())
    model.load_state_dict(state)
    return torch.nn.Sequential(model, torch.nn.Softmax(dim=1)).eval(), (height, width), scale


def export(model, size: tuple[int, int], path: Path) -> None:  # type: ignore[no-untyped-def]
    import torch

    dummy = torch.zeros(1, 3, *size)
    torch.onnx.export(
        model,
        dummy,
        str(path),
        input_names=["input"],
        output_names=["softmax"],
        dynamic_axes={"input": {0: "batch"}, "softmax": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )


def lfw_batches(images: Path, count: int, seed: int = 0) -> list[np.ndarray]:
    """`count` LFW images (BGR) drawn with a fixed seed."""
    files = sorted(images.glob("*/*.jpg"))
    return [cv2.imread(str(f)) for f in random.Random(seed).sample(files, min(count, len(files)))]


def upstream_box(upstream: Path, bgr: np.ndarray) -> tuple[float, float, float, float]:
    """Upstream's own face box (its RetinaFace Caffe model, as its Detection.get_bbox runs it): x, y, w, h."""
    folder = upstream / "resources" / "detection_model"
    net = cv2.dnn.readNetFromCaffe(str(folder / "deploy.prototxt"), str(folder / "Widerface-RetinaFace.caffemodel"))
    height, width = bgr.shape[:2]
    ratio = width / height
    small = cv2.resize(bgr, (int(192 * np.sqrt(ratio)), int(192 / np.sqrt(ratio))), interpolation=cv2.INTER_LINEAR)
    net.setInput(cv2.dnn.blobFromImage(small, 1, mean=(104, 117, 123)), "data")
    out = net.forward("detection_out").squeeze()
    left, top, right, bottom = out[int(np.argmax(out[:, 2])), 3:7] * [width, height, width, height]
    return float(int(left)), float(int(top)), float(int(right - left + 1)), float(int(bottom - top + 1))


def upstream_samples(upstream: Path, sessions: dict) -> dict:
    """Upstream's sample images (F = attack, T = real) through the ONNX models on upstream's own box: the label
    its test.py prints (1 = real) must come out, which checks our crops and input scaling, not only the graph."""
    results = {}
    for path in sorted((upstream / "images" / "sample").glob("image_[FT][0-9].jpg")):
        bgr = cv2.imread(str(path))
        box = upstream_box(upstream, bgr)
        total = sum(
            session.run(None, {"input": model_input([patch(bgr, box, scale, size)])})[0][0]
            for session, scale, size in sessions.values()
        )
        results[path.name] = {"box_xywh": box, "label": int(np.argmax(total)), "real_score": float(total[1] / 2)}
    return results


def main(argv: list[str] | None = None) -> int:
    import onnxruntime as ort
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", type=Path, required=True, help="checkout of Silent-Face-Anti-Spoofing")
    parser.add_argument("--lfw", type=Path, required=True, help="LFW-dev images folder")
    parser.add_argument("--faces", type=int, default=300)
    parser.add_argument("--random", type=int, default=300)
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    faces = lfw_batches(args.lfw, args.faces)
    rng = np.random.default_rng(0)
    sessions = {}
    proof: dict = {"torch": torch.__version__, "onnxruntime": ort.__version__, "models": {}}
    for source, target in WEIGHTS.items():
        model, size, scale = load_torch_model(args.upstream, args.upstream / "resources" / "anti_spoof_models" / source)
        export(model, size, OUT / target)
        session = ort.InferenceSession(str(OUT / target), providers=["CPUExecutionProvider"])
        face_batch = model_input([patch(bgr, LFW_BOX, scale, size) for bgr in faces])
        random_batch = rng.uniform(0, 255, size=(args.random, 3, *size)).astype(np.float32)
        figures = {}
        for name, batch in (("lfw_faces", face_batch), ("random", random_batch)):
            with torch.no_grad():
                expected = model(torch.from_numpy(batch)).numpy()
            got = session.run(None, {"input": batch})[0]
            figures[name] = {
                "inputs": len(batch),
                "max_abs_diff_softmax": float(np.abs(expected - got).max()),
                "same_argmax": float(np.mean(expected.argmax(1) == got.argmax(1))),
            }
        sessions[target] = (session, scale, size)
        proof["models"][target] = {"source": source, "patch_scale": scale, "input": list(size), **figures}
        print(target, json.dumps(figures))
    proof["upstream_samples"] = upstream_samples(args.upstream, sessions)
    print(json.dumps(proof["upstream_samples"]))
    PROOF.write_text(json.dumps(proof, indent=2) + "\n")
    print(f"proof: {PROOF}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
