"""The report as one self-contained HTML page: CSS inline, images as base64 PNG, laid out
for A4 printing (@media print, page breaks between sections)."""
from __future__ import annotations

import base64
import datetime as _dt
import html
import json
import math
from collections import Counter

from station import __version__
from station.report.compare import METHOD_TEXT, MIN_STRIDES, REAL, Change
from station.report.data import TYPICAL, SessionData
from station.report.frames import PHASES, MatchedFrames
from station.report.plots import COLOURS

CSS = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; color: #222; margin: 24px auto;
       max-width: 1100px; font-size: 14px; line-height: 1.4; }
h1 { font-size: 24px; margin: 0 0 4px 0; }
h2 { font-size: 18px; border-bottom: 2px solid #ccc; padding-bottom: 3px; margin-top: 28px; }
.sub { color: #555; margin-bottom: 12px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { padding: 4px 8px; border-bottom: 1px solid #ddd; text-align: right;
         vertical-align: top; }
th { background: #f2f2f2; font-weight: 600; }
td.l, th.l { text-align: left; }
table.metrics td { white-space: nowrap; font-size: 13px; }
table.metrics td.wrap { white-space: normal; }
table.metrics td.typ { white-space: normal; max-width: 130px; }
.real { background: #fff1cc; }
.verdict-real { font-weight: 700; color: #8a4b00; }
.verdict-noise { color: #557; }
.na { color: #999; }
.est { font-size: 11px; color: #a33; font-weight: 600; }
.box { border: 1px solid #ccc; background: #fafafa; padding: 10px 14px; border-radius: 4px; }
.small { font-size: 12px; color: #555; }
.warn { border: 1px solid #d9a400; background: #fff8e0; padding: 8px 12px; margin: 8px 0;
        border-radius: 4px; }
.sessions td, .sessions th { text-align: left; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px;
          vertical-align: middle; margin-right: 4px; }
img.fig { width: 100%; }
.frames { display: grid; grid-template-columns: 160px 1fr 1fr; gap: 6px 10px;
          align-items: center; }
.frames img { max-width: 100%; max-height: 360px; border: 1px solid #ccc; }
.frames .ph { font-weight: 600; }
ul.changes { margin: 4px 0; }
@media print {
  body { margin: 0; max-width: none; font-size: 11px; }
  h2 { break-before: page; page-break-before: always; }
  h2.first { break-before: auto; page-break-before: auto; }
  table, .frames > *, img.fig, .box { break-inside: avoid; page-break-inside: avoid; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  .frames img { max-height: 230px; }
}
@page { size: A4; margin: 12mm; }
"""


def _e(text: object) -> str:
    return html.escape(str(text))


def _img(png: bytes, alt: str, cls: str = "") -> str:
    data = base64.b64encode(png).decode("ascii")
    c = f' class="{cls}"' if cls else ""
    return f'<img{c} alt="{_e(alt)}" src="data:image/png;base64,{data}">'


def _num(v: float, digits: int = 1, sign: bool = False) -> str:
    if v is None or not math.isfinite(v):
        return "–"
    if round(v, digits) == 0:
        v = 0.0  # no "-0.0"
    text = f"{v:+.{digits}f}" if sign and v != 0 else f"{v:.{digits}f}"
    return text.replace("-", "−")


def _range(lo: float, hi: float, digits: int, sign: bool = False) -> str:
    return f"{_num(lo, digits, sign)} to {_num(hi, digits, sign)}"


#: Units on a ratio scale, where a change in % of the before value means something.
RATIO_UNITS = ("spm", "ms", "cm")


def _digits(unit: str) -> int:
    return 0 if unit in ("ms",) else 1


def _label(m) -> str:
    base = _e(m.label.replace(" (est.)", ""))
    return base + (' <span class="est">est.</span>' if m.estimate else "")


def _when(s: SessionData) -> str:
    try:
        t = _dt.datetime.fromisoformat(s.info.started_at)
        return t.strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return s.info.started_at


def _session_table(sessions: list[SessionData]) -> str:
    roles = ["Before", "After"] if len(sessions) == 2 else ["Session"]
    rows = []
    for i, (role, s) in enumerate(zip(roles, sessions)):
        info = s.info
        ended = info.status
        if ended == "interrupted":
            ended = "interrupted (cut off: power cut or crash)"
        rows.append(
            f'<tr><td><span class="swatch" style="background:{COLOURS[i]}"></span>{role}</td>'
            f"<td>{info.id}</td><td>{_e(_when(s))}</td><td>{info.duration_s / 60:.1f} min</td>"
            f"<td>{len(s.strides)}</td><td>{_e(ended)}</td><td>{_e(info.station)} · "
            f"v{_e(info.software_version)} · {_e(info.source or '-')}</td>"
            f"<td>{'kept' if info.video_path else 'not kept'}</td></tr>")
    return ('<table class="sessions"><tr><th></th><th>Session</th><th>Started</th>'
            "<th>Length</th><th>Strides</th><th>Ended</th><th>Station · software · source</th>"
            "<th>Video</th></tr>" + "".join(rows) + "</table>")


def _warnings(sessions: list[SessionData]) -> str:
    out = []
    for s in sessions:
        n, sid = len(s.strides), s.info.id
        if n < MIN_STRIDES:
            out.append(f"Session {sid}: only {n} stride(s) measured — too few for trustworthy "
                       f"medians (at least {MIN_STRIDES} are needed to compare sessions).")
        if s.info.end_reason == "interrupted":
            out.append(f"Session {sid} was cut off (power cut or crash): it ends at the last "
                       "data saved, up to a second before the cut.")
        elif s.info.end_reason and s.info.end_reason.startswith("recording stopped"):
            out.append(f"Session {sid}: {s.info.end_reason}; the rest of the run is missing.")
    return "".join(f"<div class='warn'>{_e(w)}</div>" for w in out)


def _summary(changes: list[Change]) -> str:
    real = [c for c in changes if c.real]
    items = []
    for c in real:
        d = _digits(c.before.unit)
        pct = f", {c.pct:+.0f}%".replace("-", "−") \
            if math.isfinite(c.pct) and c.before.unit in RATIO_UNITS else ""
        items.append(f"<li><b>{_label(c.before)}</b>: {_num(c.before.median, d)} → "
                     f"{_num(c.after.median, d)} {_e(c.before.unit)} "
                     f"(change {_num(c.delta, d, True)}{pct}; 95% interval "
                     f"{_range(c.ci_lo, c.ci_hi, d, True)})</li>")
    unchanged = [c.before.label for c in changes if c.verdict == "within noise"]
    missing = [c.before.label for c in changes if c.verdict not in (REAL, "within noise")]
    out = ['<div class="box"><b>Changes larger than the stride-to-stride noise:</b>']
    out.append(f'<ul class="changes">{"".join(items)}</ul>' if items else " none.")
    out.append(f"<div><b>Within noise (no real change):</b> {_e(', '.join(unchanged)) or 'none'}"
               "</div>")
    if missing:
        out.append(f"<div class='small'>Not compared: {_e(', '.join(missing))}</div>")
    out.append("</div>")
    return "".join(out)


def _compare_table(changes: list[Change]) -> str:
    rows = []
    for c in changes:
        b, a = c.before, c.after
        d = _digits(b.unit)
        cls = ' class="real"' if c.real else ""
        vcls = "verdict-real" if c.real else ("verdict-noise" if c.verdict == "within noise"
                                              else "na")
        verdict = c.verdict
        if c.verdict == "not measured":
            verdict += f" ({_e(b.reason or a.reason)})" if (b.reason or a.reason) else ""
        rows.append(
            f"<tr{cls}><td class='l wrap'>{_label(b)}</td><td class='l'>{_e(b.unit)}</td>"
            f"<td class='l small typ'>{_e(TYPICAL[b.name])}</td><td>{_num(b.median, d)}</td>"
            f"<td class='small'>{_range(b.p10, b.p90, d)}</td><td>{_num(a.median, d)}</td>"
            f"<td class='small'>{_range(a.p10, a.p90, d)}</td>"
            f"<td><b>{_num(c.delta, d, True)}</b></td>"
            f"<td class='small'>{_range(c.ci_lo, c.ci_hi, d, True)}</td>"
            f"<td class='small'>{_num(c.noise_sd, d)}</td><td class='small'>"
            f"{_num(c.floor, d)}</td><td class='l {vcls}'>{verdict}</td></tr>")
    return ("<table class='metrics'><tr><th class='l'>Metric</th><th class='l'>Unit</th>"
            "<th class='l'>Typical</th><th>Before<br>median</th><th>p10–p90</th>"
            "<th>After<br>median</th><th>p10–p90</th>"
            "<th>Change</th><th>95% interval</th><th>Stride<br>noise (SD)</th>"
            "<th>Smallest<br>real</th><th class='l'>Verdict</th></tr>" + "".join(rows) + "</table>")


def _single_table(s: SessionData) -> str:
    rows = []
    for m in s.metrics.values():
        d = _digits(m.unit)
        if not m.n:
            rows.append(f"<tr><td class='l'>{_label(m)}</td><td class='l'>{_e(m.unit)}</td>"
                        f"<td class='l small typ'>{_e(TYPICAL[m.name])}</td>"
                        f"<td class='na' colspan='3'>not measured: {_e(m.reason)}</td></tr>")
            continue
        rows.append(f"<tr><td class='l'>{_label(m)}</td><td class='l'>{_e(m.unit)}</td>"
                    f"<td class='l small typ'>{_e(TYPICAL[m.name])}</td>"
                    f"<td><b>{_num(m.median, d)}</b></td><td>{_range(m.p10, m.p90, d)}"
                    f"</td><td>{m.n}</td></tr>")
    return ("<table class='metrics'><tr><th class='l'>Metric</th><th class='l'>Unit</th>"
            "<th class='l'>Typical</th><th>Median</th>"
            "<th>p10–p90</th><th>Strides</th></tr>" + "".join(rows) + "</table>")


def _frames_section(sessions: list[SessionData], frames: list[MatchedFrames | None]) -> str:
    if all(f is None for f in frames):
        return "<p>No stride with contact and toe-off found to show.</p>"
    foot = next(f.foot for f in frames if f is not None)
    names = ["Before", "After"] if len(sessions) == 2 else [f"Session {sessions[0].info.id}"]
    parts = [f"<p>A typical stride of the <b>{foot}</b> foot (the leg nearer the camera) from "
             "each session: the stride whose overstride, shank angle, trunk lean, knee angle, "
             "foot strike, hip extension and cadence are closest to the session's medians. "
             "Same gait phase side by side; the green line is the trunk, the grey line "
             "vertical.</p>"]
    notes = [f"{names[i]} (session {f.session_id}): {f.note}" for i, f in enumerate(frames)
             if f is not None and f.note]
    if notes:
        parts.append("<p class='small'>" + "<br>".join(_e(n) for n in notes) + "</p>")
    cols = len(sessions)
    if cols == 1 and frames[0] is not None:  # one session: the three phases in a row
        f = frames[0]
        row = "".join(f"<div><div class='ph'>{_e(im.phase.capitalize())}</div>"
                      f"{_img(im.png, im.phase)}</div>" for im in f.images)
        return "".join(parts) + ("<div class='frames' style='grid-template-columns: "
                                 f"repeat(3, 1fr)'>{row}</div>")
    grid = [f"<div class='frames' style='grid-template-columns: 140px repeat({cols}, 1fr)'>"]
    grid.append("<div></div>" + "".join(f"<div class='ph'>{n}</div>" for n in names))
    for k, phase in enumerate(PHASES):
        grid.append(f"<div class='ph'>{_e(phase.capitalize())}</div>")
        for i, f in enumerate(frames):
            if f is None:
                grid.append("<div class='na'>no stride found</div>")
            else:
                grid.append(f"<div>{_img(f.images[k].png, f'{names[i]} {phase}')}</div>")
    grid.append("</div>")
    return "".join(parts + grid)


def _cues_section(sessions: list[SessionData]) -> str:
    names = ["Before", "After"] if len(sessions) == 2 else ["This session"]
    out = []
    for name, s in zip(names, sessions):
        counts = Counter((c.id, c.message) for c in s.cues)
        first = {}
        for c in s.cues:
            first.setdefault(c.id, (c.t_ns - s.info.started_ns) / 1e9)
        if not counts:
            out.append(f"<p><b>{name} (session {s.info.id})</b>: no cues.</p>")
            continue
        rows = "".join(f"<tr><td class='l'>{_e(msg)}</td><td class='l small'>{_e(cid)}</td>"
                       f"<td>{n}</td><td>{first[cid] / 60:.1f}</td></tr>"
                       for (cid, msg), n in counts.most_common())
        out.append(f"<p><b>{name} (session {s.info.id})</b>: {len(s.cues)} cue(s)</p>"
                   "<table><tr><th class='l'>Cue</th><th class='l'>id</th><th>Times</th>"
                   f"<th>First at (min)</th></tr>{rows}</table>")
    return "".join(out)


def _flatten(d: dict, prefix: str = "") -> dict[str, str]:
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = json.dumps(v)
    return out


def _notes_section(sessions: list[SessionData]) -> str:
    names = ["Before", "After"] if len(sessions) == 2 else ["Session"]
    parts = []
    s0 = sessions[0]
    if s0.info.runner_name:
        h = f", {s0.runner_height_cm:.0f} cm" if s0.runner_height_cm else ""
        parts.append(f"<p><b>Runner</b>: {_e(s0.info.runner_name)}{h}. "
                     f"{_e(s0.runner_notes) or '<span class=na>no notes</span>'}</p>")
    for name, s in zip(names, sessions):
        parts.append(f"<p><b>{name} (session {s.info.id})</b>: "
                     f"{_e(s.info.notes) or '<span class=na>no notes</span>'}</p>")
    if len(sessions) == 2:
        a, b = (_flatten(s.info.config) for s in sessions)
        diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        if diff:
            rows = "".join(f"<tr><td class='l'>{_e(k)}</td><td class='l'>{_e(a.get(k, '–'))}</td>"
                           f"<td class='l'>{_e(b.get(k, '–'))}</td></tr>" for k in diff[:40])
            parts.append("<p><b>The station settings differed between the sessions</b> (cue "
                         "thresholds affect the cues, not the metrics):</p><table><tr>"
                         f"<th class='l'>setting</th><th class='l'>before</th>"
                         f"<th class='l'>after</th></tr>{rows}</table>")
        else:
            parts.append("<p class='small'>Both sessions used the same station settings.</p>")
    return "".join(parts)


def render_html(sessions: list[SessionData], changes: list[Change], over_time: bytes,
                distributions: bytes, frames: list[MatchedFrames | None]) -> str:
    s0 = sessions[0]
    runner = s0.info.runner_label
    if len(sessions) == 2:
        title = f"Running form: before and after — {runner}"
        sub = (f"Session {s0.info.id} ({_when(s0)}) compared with session "
               f"{sessions[1].info.id} ({_when(sessions[1])})")
    else:
        title = f"Running form — {runner}"
        sub = f"Session {s0.info.id}, {_when(s0)}"
    body = [f"<h1>{_e(title)}</h1><div class='sub'>{_e(sub)}</div>", _session_table(sessions),
            _warnings(sessions)]
    if changes:
        body += ["<h2 class='first'>What changed</h2>", _summary(changes),
                 _compare_table(changes),
                 f"<p class='small'><b>How “real” is decided.</b> {_e(METHOD_TEXT)}</p>"]
    else:
        body += ["<h2 class='first'>Metrics</h2>", _single_table(s0)]
    body.append("<p class='small'><span class='est'>est.</span> = a proxy estimated from the "
                "2D side view (pelvic tilt and rib flare read from the silhouette), not a "
                "measured joint angle; treat changes in them as indications. p10–p90: the "
                "middle 80% of strides.</p>")
    body += ["<h2>Over the session</h2><p class='small'>Dots: single strides; line: running "
             "median of 9 strides.</p>", _img(over_time, "metrics over time", "fig"),
             "<h2>Distributions</h2><p class='small'>Box: middle half of the strides; black "
             "line: median; whiskers: p10–p90.</p>",
             _img(distributions, "metric distributions", "fig"),
             "<h2>Matched frames</h2>", _frames_section(sessions, frames),
             "<h2>Cues given</h2>", _cues_section(sessions),
             "<h2>Notes</h2>", _notes_section(sessions),
             f"<p class='small'>Generated {_dt.datetime.now(_dt.timezone.utc):%Y-%m-%d %H:%M} UTC"
             f" by treadmill station {__version__}. Metric definitions: METRICS.md.</p>"]
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
            + "\n".join(body) + "</body></html>\n")
