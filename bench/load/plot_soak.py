"""Draws a konfero_load JSON summary's samples as an SVG: the server's RSS,
open descriptors, media tick p99 (wall and CPU time) and CPU over time,
one panel each, with the steady phase and the two drift windows shaded.
Plain SVG written by hand, so it needs nothing but Python 3.

  /usr/bin/python3 bench/load/plot_soak.py soak.json soak.svg
"""
import json
import math
import sys
from xml.sax.saxutils import escape

WIDTH, PANEL_H, MARGIN_L, MARGIN_R, GAP = 900, 150, 70, 20, 40
# Each panel: its label and its series (sample key, colour).
PANELS = [("RSS (MB)", [("rss_mb", "#1f77b4")]),
          ("open fds", [("fds", "#2ca02c")]),
          ("media tick p99 (ms): wall time (red), the worker's CPU time (orange)",
           [("tick_p99_ms", "#d62728"), ("tick_cpu_p99_ms", "#ff7f0e")]),
          ("server CPU (% of one core)", [("cpu_percent", "#9467bd")])]


def finite(v):
    return isinstance(v, (int, float)) and not math.isnan(v)


def nice_max(v):
    if v <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(v))
    for step in (1, 2, 2.5, 5, 10):
        if v <= step * exp:
            return step * exp
    return 10 * exp


def panel(out, top, samples, label, series, t_max, timeline, drift_window):
    plot_w = WIDTH - MARGIN_L - MARGIN_R
    x = lambda t: MARGIN_L + plot_w * t / t_max  # noqa: E731
    lines = [([(s["t"], s[key]) for s in samples if finite(s.get(key))], color)
             for key, color in series]
    y_max = nice_max(max((v for points, _ in lines for _, v in points), default=1.0) * 1.1)
    y = lambda v: top + PANEL_H - PANEL_H * v / y_max  # noqa: E731
    steady0, end = timeline["steady_start_s"], timeline["load_end_s"]
    out.append(f'<rect x="{x(steady0):.1f}" y="{top}" width="{max(0, x(end) - x(steady0)):.1f}" '
               f'height="{PANEL_H}" fill="#f4f4f4"/>')
    if drift_window > 0:
        for a, b in ((steady0, steady0 + drift_window), (end - drift_window, end)):
            out.append(f'<rect x="{x(a):.1f}" y="{top}" width="{max(0, x(b) - x(a)):.1f}" '
                       f'height="{PANEL_H}" fill="#e3ecf7"/>')
    out.append(f'<rect x="{MARGIN_L}" y="{top}" width="{plot_w}" height="{PANEL_H}" '
               f'fill="none" stroke="#888"/>')
    for frac in (0, 0.5, 1):
        v = y_max * frac
        out.append(f'<text x="{MARGIN_L - 6}" y="{y(v) + 4:.1f}" text-anchor="end" '
                   f'font-size="11">{v:g}</text>')
    out.append(f'<text x="{MARGIN_L}" y="{top - 6}" font-size="13">{escape(label)}</text>')
    for points, color in lines:
        if points:
            path = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{color}" '
                       f'stroke-width="1.5"/>')


def render(summary):
    samples = summary.get("samples", [])
    timeline = summary["timeline"]
    t_max = max([timeline["run_end_s"]] + [s["t"] for s in samples]) or 1.0
    drift_window = summary.get("drift", {}).get("window_s") or 0
    height = GAP + len(PANELS) * (PANEL_H + GAP) + 20
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
           f'font-family="sans-serif">', f'<rect width="{WIDTH}" height="{height}" fill="white"/>']
    cfg = summary.get("config", {})
    title = (f'konfero_load: {cfg.get("participants")} participants in {cfg.get("rooms")} rooms, '
             f'{cfg.get("duration_s", 0) / 60:.0f} min; {"PASSED" if summary.get("passed") else "FAILED"}'
             f' (grey: steady phase, blue: drift windows)')
    out.append(f'<text x="{MARGIN_L}" y="18" font-size="14">{escape(title)}</text>')
    for i, (label, series) in enumerate(PANELS):
        panel(out, GAP + i * (PANEL_H + GAP), samples, label, series, t_max, timeline,
              drift_window)
    plot_w = WIDTH - MARGIN_L - MARGIN_R
    axis_y = GAP + len(PANELS) * (PANEL_H + GAP) - GAP + 16
    for k in range(6):
        t = t_max * k / 5
        out.append(f'<text x="{MARGIN_L + plot_w * k / 5:.1f}" y="{axis_y}" text-anchor="middle" '
                   f'font-size="11">{t / 60:.1f} min</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: plot_soak.py SUMMARY.json OUT.svg")
    with open(argv[1]) as f:
        summary = json.load(f)
    with open(argv[2], "w") as f:
        f.write(render(summary))


if __name__ == "__main__":
    main(sys.argv)
