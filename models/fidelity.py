#!/usr/bin/env python3
"""Fidelity of lcp's splitter to the PyTorch zoo.

For each family and split count n, exports the zoo's original (Split1) to
ONNX, splits it with `lcp-opt --lcp-split="branches=n fatten=F"`, and
compares the parameters and MACs that `--lcp-report` counts, per unit and in
total, with what models/count.py counts on the zoo's own SplitN model
(weights and biases of conv and dense layers after batch-norm folding).
Every number must be equal. Exits 1 on any difference.

  /usr/bin/python3 models/fidelity.py --lcp-opt build/bin/lcp-opt \
      --families lenet,resnet18 [--splits 2,4,8] [--fatten 0] [--keep DIR]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import count  # noqa: E402
import export  # noqa: E402
import lcp_zoo  # noqa: E402


def lcp_counts(lcp_opt, onnx_path, n, fatten, json_path):
    """Units and totals as lcp-report counts them after lcp-split."""
    subprocess.run([lcp_opt, onnx_path,
                    "--lcp-split=branches=%d fatten=%d" % (n, fatten),
                    "--lcp-report=json=%s" % json_path, "-o", os.devnull],
                   check=True, stderr=subprocess.DEVNULL)
    with open(json_path) as f:
        report = json.load(f)["functions"][0]
    units = [{"name": ("branch" + u["id"][1:]) if u["kind"] == "branch"
              else u["id"], "params": u["params"], "macs": u["macs"]}
             for u in report["units"]]
    return {"params": report["total"]["params"],
            "macs": report["total"]["macs"], "units": units}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lcp-opt", required=True)
    parser.add_argument("--families", default=",".join(lcp_zoo.FAMILIES))
    parser.add_argument("--splits", default="2,4,8")
    parser.add_argument("--fatten", type=int, default=0)
    parser.add_argument("--keep", help="keep the exported originals here")
    args = parser.parse_args()

    torch.set_num_threads(2)
    workdir = args.keep or tempfile.mkdtemp(prefix="lcp-fidelity-")
    os.makedirs(workdir, exist_ok=True)
    failures = checks = 0
    for family in args.families.split(","):
        original = os.path.join(workdir, family + ".onnx")
        if not os.path.exists(original):
            torch.manual_seed(0)
            model = lcp_zoo.build(family, 1, 0)
            export.randomize_batchnorm(model, 0)
            export.export(model, original)
        size_mb = os.path.getsize(original) / 2**20
        for n in [int(s) for s in args.splits.split(",")]:
            expected = count.count_member(family, n, args.fatten)
            actual = lcp_counts(args.lcp_opt, original, n, args.fatten,
                                os.path.join(workdir, "%s.%d.json" %
                                             (family, n)))
            same = (actual["params"] == expected["params"] and
                    actual["macs"] == expected["macs"] and
                    actual["units"] == expected["units"])
            checks += 1
            failures += not same
            print("%-4s %-10s Split%d%s  params %11d (torch %11d)  "
                  "MACs %13d (torch %13d)  original %.1f MB" % (
                      "ok" if same else "FAIL", family, n,
                      "-f%d" % args.fatten if args.fatten else "",
                      actual["params"], expected["params"], actual["macs"],
                      expected["macs"], size_mb))
            if not same:
                for a, e in zip(actual["units"], expected["units"]):
                    if a != e:
                        print("     unit %s: lcp %s, torch %s" % (
                            a["name"], a, e))
            sys.stdout.flush()
    print("%d passed, %d failed" % (checks - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
