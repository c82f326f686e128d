#!/usr/bin/env python3
"""The cluster simulator on clusters this machine cannot emulate.

  /usr/bin/python3 bench/distributed/simulate.py [--clusters aws-t2micro-8,pynq-z1-2]
      [--models lenet,cifarnet,alexnet,resnet18]

For each shipped preset and model, lcp-opt --lcp-report places the
original (layer and channel model parallelism) and the Split model with
as many branches as the cluster has devices (LCP), and prints the
simulator's estimates: as lcp's runtime runs it ("runtime") and for a
runtime that keeps values on the devices and sends each straight where it
is read ("ideal"). Unit times are MACs over the preset's device rate, the
model the emulated runs validate (bench/DISTRIBUTED.md).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (the harness's model and flag helpers)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", default="rpi3-wifi-8,aws-t2micro-8,pynq-z1-2")
    parser.add_argument("--models", default="lenet,cifarnet,alexnet,resnet18")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="lcp-simulate-")
    print("| cluster | model | strategy | runtime ms | runtime /s | ideal ms "
          "| bytes (runtime) |")
    print("|---|---|---|--:|--:|--:|--:|")
    for cluster in args.clusters.split(","):
        devices = int(cluster.rsplit("-", 1)[1])
        for family in args.models.split(","):
            original = bench.model_file(folder, family, 1)
            for strategy in ("branch", "layer", "channel"):
                model = bench.model_file(folder, family, devices) \
                    if strategy == "branch" else original
                sim = bench.simulate(model, strategy, cluster, folder)
                runtime, ideal = sim["runtime"], sim["direct"]
                print("| %s | %s | %s | %.2f | %.1f | %.2f | %d |" % (
                    cluster, family,
                    "LCP (Split%d)" % devices if strategy == "branch"
                    else strategy, runtime["latency_ms"],
                    runtime["throughput_per_s"], ideal["latency_ms"],
                    runtime["bytes"]), flush=True)


if __name__ == "__main__":
    main()
