"""Render a report dict and its plots into one self-contained HTML page (plots embedded as PNG data URIs), in the
current language (checkpoint.i18n): headings, labels and explanations translated, numbers in the locale's format."""

from __future__ import annotations

import base64
import datetime as dt
from html import escape

from babel.numbers import format_decimal

from checkpoint.i18n import _, current, format_datetime, format_number, format_percent


def _pct(x: float | None) -> str:
    return "—" if x is None else format_percent(x, digits=3)


def _threshold(x: float) -> str:
    """A similarity threshold with its four decimals, in the locale's digits."""
    return format_decimal(x, format="0.0000", locale=current())


def _rate(x: float) -> str:
    """A target rate such as 1e-4 written out in full (0.0001, 0,0001), never rounded away."""
    return format_decimal(x, locale=current(), decimal_quantization=False)


def _count(n: int) -> str:
    return format_number(n)


def _interval(i: dict | None) -> str:
    if i is None:
        return "—"
    rule = " " + _("(rule of 3: no error seen)") if i["method"] == "rule_of_three" else ""
    errors = f"{_count(i['errors'])}/{_count(i['trials'])}"
    return f"{_pct(i['rate'])} [{_pct(i['low'])}, {_pct(i['high'])}]{rule} — {errors}"


def _img(png: bytes, alt: str) -> str:
    return f'<img alt="{escape(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'


def _by_enrolment(main: dict, others: list[dict], level: dict) -> str:
    """FNIR at each FPIR per enrolment protocol, on raw similarities and (when calibrated) normalised scores."""
    rows = []
    for section in [main, *others]:
        scorings = [(_("raw similarity"), section["fnir_at_fpir"])]
        if "normalised" in section:
            scorings.append((_("normalised against the other subjects"), section["normalised"]["fnir_at_fpir"]))
        for scoring, at_fpir in scorings:
            for r in at_fpir:
                name = section.get("enrolment", "first")
                rows.append([name, scoring, _rate(r["fpir"]), _threshold(r["threshold"]), _interval(r["fnir"])])
    header = [_("enrolment"), _("scores"), _("FPIR"), _("threshold"), _("FNIR (rank 1) [%(level)s interval]") % level]
    return _table(header, rows)


def _table(header: list[str], rows: list[list[str]]) -> str:
    """A table in its own horizontally scrollable box, so a narrow screen scrolls the table, not the page."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _yes_no(supported: bool, note: str = "") -> str:
    return _("yes") if supported else (note or _("no"))


def _heading(anchor: str, text: str) -> str:
    return f"<h2 id={anchor}>{escape(text)}</h2>"


def _machine_value(key: str, value: object) -> str:
    if key == "time_utc" and isinstance(value, str):
        try:
            return format_datetime(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


STYLE = """
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1b1b1b}
h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:1em 0;width:100%}td,th{border:1px solid #ccc;padding:.35em .6em;text-align:left}
td{overflow-wrap:anywhere}
th{background:#f3f3f3}.plots img{max-width:49%;margin:.3em 0}.warn{color:#9a3b00}code{background:#f3f3f3;padding:0 .3em}
code{overflow-wrap:anywhere}
@media (max-width:640px){body{margin:1em auto;padding:0 .6em;font-size:14px}.plots img{max-width:100%}}
"""


def render(report: dict, plots: dict[str, bytes]) -> str:
    """The whole page; every figure in it comes from `report` (the JSON written beside it)."""
    v, meta = report["verification"], report["reproducibility"]
    model = escape(meta["model_id"])
    title = _("Match-rate report")
    level = {"level": format_percent(0.95, digits=0)}  # the confidence level of every interval, as the locale writes it
    parts = [
        f'<!doctype html><html lang="{current()}"><head><meta charset=utf-8>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} — {model}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1><p>"
        + _("Model %(model)s on %(dataset)s: %(images)s images of %(subjects)s subjects.")
        % {
            "model": f"<code>{model}</code>",
            "dataset": f"<code>{escape(report['dataset']['images'])}</code>",
            "images": _count(v["images"]),
            "subjects": _count(v["subjects"]),
        }
        + " "
        + escape(
            _(
                "Rates are shown with %(level)s intervals from a bootstrap over subjects "
                "(comparisons of one person are not independent)."
            )
            % level
        )
        + "</p>",
        _heading("verification", _("Verification (1:1)")),
        _table(
            [_("measure"), _("value")],
            [
                [_("genuine comparisons"), _count(v["genuine_comparisons"])],
                [_("impostor comparisons"), _count(v["impostor_comparisons"])],
                [
                    _("EER"),
                    _("%(rate)s at threshold %(threshold)s")
                    % {"rate": _pct(v["eer"]), "threshold": _threshold(v["eer_threshold"])},
                ],
                [_("failure to acquire (images with no face)"), _count(report["dataset"]["failure_to_acquire"])],
            ],
        ),
        _table(
            [_("FMR"), _("threshold"), _("FNMR [%(level)s interval]") % level, _("supported by the data?")],
            [
                [
                    _rate(r["fmr"]),
                    _threshold(r["threshold"]),
                    _interval(r["fnmr"]),
                    _yes_no(r["supported"], r["note"]),
                ]
                for r in v["fnmr_at_fmr"]
            ],
        ),
    ]
    if "deployed" in v:
        d = v["deployed"]
        parts.append(
            "<p><b>"
            + escape(_("Deployed operating point"))
            + "</b> "
            + escape(
                _("(calibration file, target FMR %(fmr)s, threshold %(threshold)s): FMR %(fmr_rate)s; FNMR %(fnmr)s.")
                % {
                    "fmr": _rate(d["target_fmr"]),
                    "threshold": _threshold(d["threshold"]),
                    "fmr_rate": _interval(d["fmr"]),
                    "fnmr": _interval(d["fnmr"]),
                }
            )
            + "</p>"
        )
    parts.append('<div class="plots">' + "".join(_img(plots[k], k) for k in ("roc", "det", "histogram")) + "</div>")

    if "identification" in report:
        i = report["identification"]
        parts += [
            _heading("identification", _("Identification (1:N)")),
            _table(
                [_("measure"), _("value")],
                [
                    [_("enrolled subjects"), _count(i["enrolled_subjects"])],
                    [_("failure to enrol"), _count(i["failure_to_enrol"])],
                    [_("failure to acquire (search images)"), _count(i["failure_to_acquire"])],
                    [
                        _("mated / non-mated searches"),
                        f"{_count(i['mated_searches'])} / {_count(i['nonmated_searches'])}",
                    ],
                    [_("rank-1 miss rate"), _interval(i["rank1"])],
                ],
            ),
            _table(
                [
                    _("FPIR"),
                    _("threshold"),
                    _("FNIR (rank 1) [%(level)s interval]") % level,
                    _("supported by the data?"),
                ],
                [
                    [
                        _rate(r["fpir"]),
                        _threshold(r["threshold"]),
                        _interval(r["fnir"]),
                        _yes_no(r["supported"]),
                    ]
                    for r in i["fnir_at_fpir"]
                ],
            ),
        ]
        if "deployed" in i:
            d = i["deployed"]
            parts.append(
                "<p><b>"
                + escape(_("At the deployed threshold %(threshold)s:") % {"threshold": _threshold(d["threshold"])})
                + "</b> "
                + escape(
                    _("FNIR %(fnir)s; FPIR %(fpir)s.") % {"fnir": _interval(d["fnir"]), "fpir": _interval(d["fpir"])}
                )
                + "</p>"
            )
        parts.append(_by_enrolment(i, report.get("identification_other_enrolments", []), level))
        parts.append('<div class="plots">' + _img(plots["cmc"], "cmc") + "</div>")

    demo = report.get("demographics")
    parts.append(_heading("demographics", _("Demographic differentials")))
    if demo is None:
        message = _("No group labels were given (--groups), so no per-group rates.")
        parts.append(f"<p class=warn>{escape(message)}</p>")
    else:
        rows = []
        for group, e in demo["groups"].items():
            ident = e.get("identification") or {}
            rows.append(
                [
                    group,
                    _count(e["subjects"]),
                    _interval(e["verification"]["fnmr"]),
                    _interval(e["verification"]["fmr"]),
                    _interval(ident.get("fnir")),
                    _interval(ident.get("fpir")),
                ]
            )
        header = [_("group"), _("subjects"), _("FNMR"), _("FMR (within group)"), _("FNIR"), _("FPIR")]
        parts.append(_table(header, rows))
        for key, label in (("fnmr_ratio", _("FNMR")), ("fmr_ratio", _("FMR"))):
            r = demo[key]
            text = (
                f"{format_number(round(r['value'], 2))} ({r['highest']} / {r['lowest']})" if r["value"] else r["note"]
            )
            sentence = _("%(measure)s max/min ratio across groups: %(ratio)s") % {"measure": label, "ratio": text}
            parts.append(f"<p>{escape(sentence)}</p>")

    rerun = _("Re-run with %(command)s.") % {"command": "<code>checkpoint bench verify-report REPORT.json</code>"}
    parts += [
        _heading("reproducibility", _("Reproducibility")),
        _table(["", ""], [[k, str(val)] for k, val in meta.items() if k != "machine"]),
        _table([_("machine"), ""], [[k, _machine_value(k, val)] for k, val in meta["machine"].items()]),
        f"<p>{rerun}</p></body></html>",
    ]
    return "\n".join(parts)
