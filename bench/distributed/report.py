#!/usr/bin/env python3
"""Tables and plots of bench/distributed/run.py's results.

  /usr/bin/python3 bench/distributed/report.py results-small.json ... \
      --plots bench/distributed/ > table.md

Prints the Markdown tables of bench/DISTRIBUTED.md (per model: each
strategy and device count with measured and simulated latency, throughput
and bytes) and the goals' checks, and draws latency against devices and
bytes per strategy (Debian's python3-matplotlib) into the --plots folder.
"""

import argparse
import json
import os
import sys


def load(paths):
    rows = []
    for path in paths:
        with open(path) as f:
            rows += json.load(f)["rows"]
    return rows


def by_model(rows):
    models = []
    for r in rows:
        if r["model"] not in models:
            models.append(r["model"])
    return models


def table(rows):
    out = []
    for model in by_model(rows):
        mine = [r for r in rows if r["model"] == model]
        first = mine[0]
        out.append("### %s (%d MACs; one emulated device: %.4f of a core)\n" %
                   (model, first["macs"], first["device_share"]))
        out.append("| strategy | devices | latency ms | simulated ms | error "
                   "| ideal ms | inferences/s | simulated /s | tensor B "
                   "| wire B | least B |")
        out.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
        for r in mine:
            sim, ideal = r["simulated"], r["ideal"]
            error = (sim["latency_ms"] - r["latency_ms"]) / r["latency_ms"]
            out.append("| %s | %d | %.2f | %.2f | %+.0f%% | %.2f | %.1f | %.1f "
                       "| %.0f | %.0f | %d |" % (
                           "LCP (Split%d)" % r["devices"]
                           if r["strategy"] == "branch" else r["strategy"],
                           r["devices"], r["latency_ms"], sim["latency_ms"],
                           100 * error, ideal["latency_ms"],
                           r["throughput_per_s"], sim["throughput_per_s"],
                           r["tensor_bytes"], r["wire_bytes"], ideal["bytes"]))
        out.append("")
    return "\n".join(out)


def goals(rows):
    out = ["| model | devices | LCP ms | best model-parallel ms (which) | "
           "speedup | against the ideal model-parallel runtime | LCP wire B "
           "/ least B | LCP tensor B / least B |",
           "|---|--:|--:|--:|--:|--:|--:|--:|"]
    for model in by_model(rows):
        mine = [r for r in rows if r["model"] == model]
        for n in sorted({r["devices"] for r in mine if r["devices"] > 1}):
            lcp = [r for r in mine if r["devices"] == n and
                   r["strategy"] == "branch"]
            mp = [r for r in mine if r["devices"] == n and
                  r["strategy"] in ("layer", "channel")]
            if not lcp or not mp:
                continue
            lcp = lcp[0]
            best = min(mp, key=lambda r: r["latency_ms"])
            ideal = min(r["ideal"]["latency_ms"] for r in mp)
            least = lcp["ideal"]["bytes"]
            out.append("| %s | %d | %.2f | %.2f (%s) | %.2fx | %.2fx | %.2f | "
                       "%.2f |" % (
                           model, n, lcp["latency_ms"], best["latency_ms"],
                           best["strategy"], best["latency_ms"] /
                           lcp["latency_ms"], ideal / lcp["latency_ms"],
                           lcp["wire_bytes"] / least if least else 0,
                           lcp["tensor_bytes"] / least if least else 0))
    out.append("")
    out.append("| model | original on 1 device, ms | LCP Split8 on 8, ms | "
               "speedup |")
    out.append("|---|--:|--:|--:|")
    for model in by_model(rows):
        mine = [r for r in rows if r["model"] == model]
        original = [r for r in mine if r["strategy"] == "original"]
        split8 = [r for r in mine if r["strategy"] == "branch" and
                  r["devices"] == 8]
        if original and split8:
            out.append("| %s | %.2f | %.2f | %.2fx |" % (
                model, original[0]["latency_ms"], split8[0]["latency_ms"],
                original[0]["latency_ms"] / split8[0]["latency_ms"]))
    return "\n".join(out)


def plots(rows, folder):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    models = by_model(rows)
    fig, axes = plt.subplots(1, len(models), figsize=(4 * len(models), 3.4))
    axes = axes if len(models) > 1 else [axes]
    for ax, model in zip(axes, models):
        mine = [r for r in rows if r["model"] == model]
        for strategy, label in (("branch", "LCP"), ("layer", "layer"),
                                ("channel", "channel")):
            points = sorted((r["devices"], r["latency_ms"]) for r in mine
                            if r["strategy"] == strategy)
            if points:
                ax.plot(*zip(*points), marker="o", label=label)
        original = [r for r in mine if r["strategy"] == "original"]
        if original:
            ax.axhline(original[0]["latency_ms"], color="gray", ls="--",
                       label="original, 1 device")
        ax.set_title(model)
        ax.set_xlabel("devices")
        ax.set_xticks(sorted({r["devices"] for r in mine}))
        ax.set_yscale("log")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("latency per image, ms (log)")
    axes[-1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(folder, "latency.png"), dpi=110)

    fig, axes = plt.subplots(1, len(models), figsize=(4 * len(models), 3.4))
    axes = axes if len(models) > 1 else [axes]
    for ax, model in zip(axes, models):
        mine = [r for r in rows if r["model"] == model and r["devices"] > 1]
        counts = sorted({r["devices"] for r in mine})
        width = 0.27
        for i, (strategy, label) in enumerate((("branch", "LCP"),
                                               ("layer", "layer"),
                                               ("channel", "channel"))):
            values = [next((r["wire_bytes"] for r in mine
                            if r["strategy"] == strategy and
                            r["devices"] == n), 0) for n in counts]
            ax.bar([k + (i - 1) * width for k in range(len(counts))], values,
                   width, label=label)
        ax.set_xticks(range(len(counts)))
        ax.set_xticklabels(counts)
        ax.set_title(model)
        ax.set_xlabel("devices")
        ax.set_yscale("log")
    axes[0].set_ylabel("bytes on the wire per image (log)")
    axes[-1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(folder, "bytes.png"), dpi=110)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="+")
    parser.add_argument("--plots")
    args = parser.parse_args()
    rows = load(args.results)
    print(table(rows))
    print(goals(rows))
    if args.plots:
        plots(rows, args.plots)


if __name__ == "__main__":
    main()
