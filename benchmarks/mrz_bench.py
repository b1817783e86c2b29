"""MRZ reading accuracy and speed on generated data pages: 3 layouts x 3 distortion levels.

For each page: exact (accepted and every MRZ character right), accepted-but-wrong (the failure that must never
happen: a valid-looking MRZ that is not the document's), refused (invalid or ambiguous: the officer rescans or
types), no MRZ found; per field, the share read right among accepted pages and among all pages; wall and CPU
time per page (locate + OCR + repair + checks, image already decoded) after warm-up. Prints one table, keeps JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from benchmarks.datapages import LAYOUTS, LEVELS, generate_page
from edge.document.errors import NoMRZFound
from edge.document.reader import DocumentReader
from edge.image import load_image

RESULTS_DIR = Path(__file__).resolve().parent / "results"
FIELDS = ("document_code", "issuing_state", "surname", "given_names", "document_number", "nationality")
DATE_FIELDS = ("birth_date", "expiry_date")
TARGETS = {"clean_exact": 0.995, "moderate_exact": 0.97, "wrong_but_valid": 0, "median_s": 1.0}
REFERENCE_DATE = dt.date(2026, 1, 1)


@dataclass
class PageResult:
    """One page's outcome."""

    seed: int
    layout: str
    level: str
    found: bool
    accepted: bool
    exact: bool
    seconds: float
    cpu_seconds: float
    fields_right: dict[str, bool]
    reason: str
    read: list[str]
    truth: list[str]


def _fields_right(reading, truth: dict) -> dict[str, bool]:
    if reading is None or reading.mrz is None:
        return {name: False for name in (*FIELDS, *DATE_FIELDS, "sex")}
    f = reading.mrz.fields
    ident = truth["identity"]
    out = {
        name: getattr(f, name) == ident[name].replace(" ", "").replace("<", "")
        for name in FIELDS
        if name not in ("surname", "given_names")
    }
    out["surname"] = f.surname == ident["surname"]
    out["given_names"] = f.given_names == ident["given_names"] or reading.mrz.fields.name_truncated
    for name in DATE_FIELDS:
        out[name] = (getattr(f, name).isoformat() if getattr(f, name) else None) == ident[name]
    out["sex"] = f.sex == ident["sex"]
    return out


def _split(right: dict[str, bool], accepted: bool) -> dict[str, bool]:
    """Field right in an accepted read (what the kiosk uses) and right in the raw parse (OCR quality)."""
    return {k: v and accepted for k, v in right.items()} | {f"raw_{k}": v for k, v in right.items()}


def read_page(reader: DocumentReader, seed: int, layout: str, level: str, faces_dir: Path | None) -> PageResult:
    """Generate page `seed` and read it once, timed."""
    page = generate_page(seed, layout, level, faces_dir, today=REFERENCE_DATE)
    rgb = load_image(page.jpeg)
    start, cpu_start = time.perf_counter(), time.process_time()
    try:
        reading = reader.read(rgb, REFERENCE_DATE, portrait=reader.face_detector is not None)
    except NoMRZFound as exc:
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        return PageResult(
            seed,
            layout,
            level,
            False,
            False,
            False,
            seconds,
            cpu,
            _split(_fields_right(None, page.truth), False),
            exc.problem,
            [],
            page.truth["mrz"],
        )
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    lines = list(reading.mrz.lines) if reading.mrz else []
    right = _fields_right(reading, page.truth)
    return PageResult(
        seed,
        layout,
        level,
        True,
        reading.valid,
        reading.valid and lines == page.truth["mrz"],
        seconds,
        cpu,
        _split(right, reading.valid),
        reading.repair.reason,
        list(reading.lines_read),
        page.truth["mrz"],
    )


def summarise(pages: list[PageResult]) -> dict:
    """Shares and times over `pages`."""
    n = len(pages)
    times = np.array([p.seconds for p in pages]) if pages else np.zeros(1)
    field_names = [k for k in pages[0].fields_right if not k.startswith("raw_")] if pages else []
    return {
        "pages": n,
        "exact": sum(p.exact for p in pages) / n if n else 0.0,
        "accepted": sum(p.accepted for p in pages) / n if n else 0.0,
        "wrong_but_valid": sum(p.accepted and not p.exact for p in pages),
        "refused": sum(p.found and not p.accepted for p in pages) / n if n else 0.0,
        "no_mrz_found": sum(not p.found for p in pages),
        "field_accuracy": {k: sum(p.fields_right[k] for p in pages) / n for k in field_names} if n else {},
        "raw_field_accuracy": {k: sum(p.fields_right[f"raw_{k}"] for p in pages) / n for k in field_names} if n else {},
        "median_s": float(np.median(times)),
        "p95_s": float(np.percentile(times, 95)),
        # CPU seconds of the whole process (all OCR threads): unlike wall time, not inflated by other load.
        "median_cpu_s": float(np.median([p.cpu_seconds for p in pages])) if pages else 0.0,
    }


def _machine() -> dict:
    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    try:
        commit = subprocess.run(
            ["git", "-C", str(Path(__file__).resolve().parent), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        commit = None
    return {
        "cpu_count": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "onnxruntime": version("onnxruntime"),
        "rapidocr_onnxruntime": version("rapidocr_onnxruntime"),
        "git_commit": commit,
    }


def run(
    reader: DocumentReader,
    pages_per_cell: int,
    seed: int = 0,
    faces_dir: Path | None = None,
    warmup: int = 3,
    out_file: Path | None = None,
    progress: bool = True,
) -> dict:
    """Read `pages_per_cell` pages for every layout x level, summarise, write JSON; returns the results."""
    for i in range(warmup):  # model sessions allocate on first use; not counted
        read_page(reader, 10_000_000 + i, LAYOUTS[i % 3], "clean", faces_dir)
    machine_before = _machine()
    pages: list[PageResult] = []
    started = time.time()
    total = pages_per_cell * len(LAYOUTS) * len(LEVELS)
    for level in LEVELS:
        for layout in LAYOUTS:
            for k in range(pages_per_cell):
                pages.append(read_page(reader, seed + k, layout, level, faces_dir))
                if progress and len(pages) % 25 == 0:
                    print(f"  {len(pages)}/{total} pages, {time.time() - started:.0f} s", flush=True)
    results = {
        "benchmark": "mrz",
        "reference_date": REFERENCE_DATE.isoformat(),
        "seed": seed,
        "pages_per_cell": pages_per_cell,
        "portrait": reader.face_detector is not None,
        "targets": TARGETS,
        "machine_before": machine_before,
        "machine_after": _machine(),
        "wall_s": round(time.time() - started, 1),
        "overall": summarise(pages),
        "by_level": {lv: summarise([p for p in pages if p.level == lv]) for lv in LEVELS},
        "by_cell": {
            f"{lv}/{lay}": summarise([p for p in pages if p.level == lv and p.layout == lay])
            for lv in LEVELS
            for lay in LAYOUTS
        },
        "failures": [p.__dict__ for p in pages if not p.exact],
    }
    results["targets_met"] = {
        "clean_exact": results["by_level"]["clean"]["exact"] >= TARGETS["clean_exact"],
        "moderate_exact": results["by_level"]["moderate"]["exact"] >= TARGETS["moderate_exact"],
        "wrong_but_valid": results["overall"]["wrong_but_valid"] == 0,
        "median_s": results["overall"]["median_s"] <= TARGETS["median_s"],
    }
    out_file = out_file or RESULTS_DIR / "mrz.json"
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(json.dumps(results, indent=2, default=str))
    results["results_file"] = str(out_file)
    return results


def format_table(results: dict) -> str:
    """The same table every run: one row per level x layout, then per level, then overall."""
    head = f"{'cell':<16}{'pages':>6}{'exact':>8}{'accepted':>9}{'wrong+valid':>12}{'refused':>8}{'no MRZ':>7}"
    head += f"{'median s':>9}{'p95 s':>7}{'cpu s':>7}"
    rows = [head, "-" * len(head)]

    def row(name: str, s: dict) -> str:
        return (
            f"{name:<16}{s['pages']:>6}{s['exact']:>8.1%}{s['accepted']:>9.1%}{s['wrong_but_valid']:>12}"
            f"{s['refused']:>8.1%}{s['no_mrz_found']:>7}{s['median_s']:>9.2f}{s['p95_s']:>7.2f}{s['median_cpu_s']:>7.2f}"
        )

    rows += [row(name, s) for name, s in results["by_cell"].items()]
    rows.append("-" * len(head))
    rows += [row(name, s) for name, s in results["by_level"].items()]
    rows.append(row("overall", results["overall"]))
    fields = results["overall"]["field_accuracy"]
    rows.append("field accuracy (accepted reads): " + ", ".join(f"{k} {v:.1%}" for k, v in fields.items()))
    before, after = results["machine_before"], results["machine_after"]
    rows.append(
        f"machine: {before['cpu_count']} CPUs, load {before['load_average']} before, {after['load_average']} after"
    )
    rows.append("targets met: " + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in results["targets_met"].items()))
    return "\n".join(rows)
