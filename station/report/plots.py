"""The report's figures (matplotlib, Agg): metrics over time and their distributions,
one small panel per metric, every session in its own colour; returned as PNG bytes."""
from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from station.report.data import SessionData  # noqa: E402

COLOURS = ("#4c72b0", "#dd8452")   # before (blue), after (orange)
# Matplotlib 3.10 added boxplot(orientation=...) and deprecated vert=.
_HORIZONTAL = {"orientation": "horizontal"} \
    if tuple(int(x) for x in matplotlib.__version__.split(".")[:2]) >= (3, 10) else {"vert": False}
COLUMNS = 4


def session_names(sessions: list[SessionData]) -> list[str]:
    if len(sessions) == 1:
        return [f"session {sessions[0].info.id}"]
    return [f"before (session {sessions[0].info.id})", f"after (session {sessions[1].info.id})"]


def _grid(n: int, panel_h_in: float = 2.0) -> tuple[plt.Figure, np.ndarray]:
    rows = max(1, math.ceil(n / COLUMNS))
    fig, axes = plt.subplots(rows, COLUMNS, figsize=(11.0, panel_h_in * rows + 0.6),
                             squeeze=False)
    for ax in axes.flat[n:]:
        ax.axis("off")
    return fig, axes


def _png(fig: plt.Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return buf.getvalue()


def _running_median(t: np.ndarray, v: np.ndarray, k: int = 9) -> tuple[np.ndarray, np.ndarray]:
    if v.size < k:
        return t, v
    half = k // 2
    med = np.array([np.median(v[max(0, i - half):i + half + 1]) for i in range(v.size)])
    return t, med


def measured_names(sessions: list[SessionData]) -> list[str]:
    names = list(sessions[0].metrics)
    return [n for n in names if any(s.metrics[n].n for s in sessions)]


def over_time_png(sessions: list[SessionData]) -> bytes:
    """Each stride's value (dots) and a 9-stride running median (line) against minutes
    since the session started."""
    names = measured_names(sessions)
    fig, axes = _grid(len(names))
    labels = session_names(sessions)
    for ax, name in zip(axes.flat, names):
        for i, s in enumerate(sessions):
            m = s.metrics[name]
            if not m.n:
                continue
            t_min = m.t_s / 60.0
            ax.plot(t_min, m.values, ".", ms=2.5, color=COLOURS[i], alpha=0.45)
            tt, med = _running_median(t_min, m.values)
            ax.plot(tt, med, "-", lw=1.6, color=COLOURS[i], label=labels[i])
        m0 = sessions[0].metrics[name]
        ax.set_title(f"{m0.label} [{m0.unit}]", fontsize=9)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        ax.set_xlabel("minutes into session", fontsize=7)
    handles, lbls = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, lbls, loc="upper center", ncol=2, fontsize=9, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.45 / fig.get_figheight()))
    return _png(fig)


def distributions_png(sessions: list[SessionData]) -> bytes:
    """Box plots per session: box = quartiles, line = median, whiskers = p10..p90."""
    names = measured_names(sessions)
    fig, axes = _grid(len(names), panel_h_in=1.45)
    labels = ["before", "after"] if len(sessions) == 2 else [f"s{sessions[0].info.id}"]
    for ax, name in zip(axes.flat, names):
        data, pos, cols = [], [], []
        for i, s in enumerate(sessions):
            m = s.metrics[name]
            if m.n:
                data.append(m.values)
                pos.append(len(sessions) - i)
                cols.append(COLOURS[i])
        bp = ax.boxplot(data, positions=pos, whis=(10, 90), showfliers=False, widths=0.6,
                        patch_artist=True, **_HORIZONTAL)
        for patch, c in zip(bp["boxes"], cols):
            patch.set_facecolor(c)
            patch.set_alpha(0.55)
        for med in bp["medians"]:
            med.set_color("black")
        ax.set_yticks(range(len(sessions), 0, -1), labels, fontsize=7)
        m0 = sessions[0].metrics[name]
        ax.set_title(f"{m0.label} [{m0.unit}]", fontsize=9)
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(axis="x", alpha=0.3)
        ax.set_ylim(0.4, len(sessions) + 0.6)
    fig.tight_layout()
    return _png(fig)
