"""Render a report dict and its plots into one self-contained HTML page (plots embedded as PNG data URIs)."""

from __future__ import annotations

import base64
from html import escape


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.3f}%"


def _interval(i: dict | None) -> str:
    if i is None:
        return "—"
    rule = " (rule of 3: no error seen)" if i["method"] == "rule_of_three" else ""
    return f"{_pct(i['rate'])} [{_pct(i['low'])}, {_pct(i['high'])}]{rule} — {i['errors']}/{i['trials']}"


def _img(png: bytes, alt: str) -> str:
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


STYLE = """
body{font:15px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1b1b1b}
h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:1em 0;width:100%}td,th{border:1px solid #ccc;padding:.35em .6em;text-align:left}
th{background:#f3f3f3}.plots img{max-width:49%;margin:.3em 0}.warn{color:#9a3b00}code{background:#f3f3f3;padding:0 .3em}
"""


def render(report: dict, plots: dict[str, bytes]) -> str:
    """The whole page; every figure in it comes from `report` (the JSON written beside it)."""
    v, meta = report["verification"], report["reproducibility"]
    parts = [
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Match-rate report — {escape(meta['model_id'])}"
        f"</title><style>{STYLE}</style></head><body>",
        f"<h1>Match-rate report</h1><p>Model <code>{escape(meta['model_id'])}</code> on "
        f"<code>{escape(report['dataset']['images'])}</code>: {v['images']} images of {v['subjects']} subjects."
        " Rates are shown with 95% intervals from a bootstrap over subjects"
        " (comparisons of one person are not independent).</p>",
        "<h2 id=verification>Verification (1:1)</h2>",
        _table(
            ["measure", "value"],
            [
                ["genuine comparisons", str(v["genuine_comparisons"])],
                ["impostor comparisons", str(v["impostor_comparisons"])],
                ["EER", f"{_pct(v['eer'])} at threshold {v['eer_threshold']:.4f}"],
                ["failure to acquire (images with no face)", str(report["dataset"]["failure_to_acquire"])],
            ],
        ),
        _table(
            ["FMR", "threshold", "FNMR [95% interval]", "supported by the data?"],
            [
                [f"{r['fmr']:g}", f"{r['threshold']:.4f}", _interval(r["fnmr"]), "yes" if r["supported"] else r["note"]]
                for r in v["fnmr_at_fmr"]
            ],
        ),
    ]
    if "deployed" in v:
        d = v["deployed"]
        parts.append(
            f"<p><b>Deployed operating point</b> (calibration file, target FMR {d['target_fmr']:g}, threshold "
            f"{d['threshold']:.4f}): FMR {_interval(d['fmr'])}; FNMR {_interval(d['fnmr'])}.</p>"
        )
    parts.append('<div class="plots">' + "".join(_img(plots[k], k) for k in ("roc", "det", "histogram")) + "</div>")

    if "identification" in report:
        i = report["identification"]
        parts += [
            "<h2 id=identification>Identification (1:N)</h2>",
            _table(
                ["measure", "value"],
                [
                    ["enrolled subjects", str(i["enrolled_subjects"])],
                    ["failure to enrol", str(i["failure_to_enrol"])],
                    ["failure to acquire (search images)", str(i["failure_to_acquire"])],
                    ["mated / non-mated searches", f"{i['mated_searches']} / {i['nonmated_searches']}"],
                    ["rank-1 miss rate", _interval(i["rank1"])],
                ],
            ),
            _table(
                ["FPIR", "threshold", "FNIR (rank 1) [95% interval]", "supported by the data?"],
                [
                    [f"{r['fpir']:g}", f"{r['threshold']:.4f}", _interval(r["fnir"]), "yes" if r["supported"] else "no"]
                    for r in i["fnir_at_fpir"]
                ],
            ),
        ]
        if "deployed" in i:
            d = i["deployed"]
            parts.append(
                f"<p><b>At the deployed threshold</b> {d['threshold']:.4f}: FNIR {_interval(d['fnir'])};"
                f" FPIR {_interval(d['fpir'])}.</p>"
            )
        parts.append('<div class="plots">' + _img(plots["cmc"], "cmc") + "</div>")

    demo = report.get("demographics")
    parts.append("<h2 id=demographics>Demographic differentials</h2>")
    if demo is None:
        parts.append("<p class=warn>No group labels were given (--groups), so no per-group rates.</p>")
    else:
        rows = []
        for group, e in demo["groups"].items():
            ident = e.get("identification") or {}
            rows.append(
                [
                    group,
                    str(e["subjects"]),
                    _interval(e["verification"]["fnmr"]),
                    _interval(e["verification"]["fmr"]),
                    _interval(ident.get("fnir")),
                    _interval(ident.get("fpir")),
                ]
            )
        parts.append(_table(["group", "subjects", "FNMR", "FMR (within group)", "FNIR", "FPIR"], rows))
        for key, label in (("fnmr_ratio", "FNMR"), ("fmr_ratio", "FMR")):
            r = demo[key]
            text = f"{r['value']:.2f} ({r['highest']} / {r['lowest']})" if r["value"] else r["note"]
            parts.append(f"<p>{label} max/min ratio across groups: {escape(text)}</p>")

    parts += [
        "<h2 id=reproducibility>Reproducibility</h2>",
        _table(["", ""], [[k, str(val)] for k, val in meta.items() if k != "machine"]),
        _table(["machine", ""], [[k, str(val)] for k, val in meta["machine"].items()]),
        "<p>Re-run with <code>checkpoint bench verify-report REPORT.json</code>.</p></body></html>",
    ]
    return "\n".join(parts)
