#!/usr/bin/env python3
"""LCP against model parallelism on an emulated WiFi cluster.

  sudo /usr/bin/python3 bench/distributed/run.py [--models lenet,cifarnet,...]
      [--devices 1,2,4,8] [--repeat N] [--out bench/distributed/results.json]

Each device is a process in a network namespace of its own: the
coordinator (lcp-run) and N-1 lcp-workers. The namespaces hang off one
bridge, and every byte between the coordinator and the workers passes one
link whose both directions go through a single tc tbf queue (an ifb
device): one shared half-duplex medium, as WiFi is, at the paper's
62 Mbps. tc's netem is not available here, so the paper's 8.8 ms latency is
added in user space: the coordinator sleeps that long before each request
and after each reply (lcp-run --emulated-latency-ms).

Each process plays a Raspberry Pi 3B+ of the rpi3-wifi-8 preset (2e9 MAC/s
on lcp's convolutions): it runs in a cgroup (v1 cpu controller) whose CFS
quota is the fraction of a core that makes this machine run the model's
MACs at that rate. The fraction comes from timing the unsplit model at full
speed on one thread; all devices together stay under the machine's cores.

For every model and device count it measures the original on one device,
LCP SplitN on N devices (strategy=branch) and the original under layer and
channel model parallelism on N devices: latency (median of --repeat runs of
one image), throughput (N inferences in flight), tensor bytes and wire
bytes (interface counters; TCP, HTTP/2 and gRPC framing included) per
inference. Beside each it records the cluster simulator's estimate for the
same placement and devices (lcp-opt --lcp-report), for validation.

Everything it makes (namespaces lcpb-*, cgroups lcpb/, a temp folder) is
removed at the end, also on failure or Ctrl-C. Only namespace addresses
(10.77.0.0/24) are used.
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, "build", "bin")
MODELS = os.path.join(ROOT, "test", "models")
PREFIX = "lcpb"
CGROUP = "/sys/fs/cgroup/cpu/" + PREFIX
BANDWIDTH_MBPS = 62
LATENCY_MS = 8.8
DEVICE_MACS_PER_S = 2.0e9  # the rpi3-wifi-8 preset's rate
PORT = 7000
# The zoo models beyond the test fixtures, exported with models/export.py.
EXPORTED = {"alexnet": 224, "resnet18": 224}


def run(cmd, check=True, capture=True, timeout=None, ns=None):
    if ns:
        cmd = ["ip", "netns", "exec", ns] + cmd
    result = subprocess.run(cmd, capture_output=capture, text=True,
                            timeout=timeout)
    if check and result.returncode != 0:
        sys.exit("run.py: %s failed (%d):\n%s%s" % (
            " ".join(cmd), result.returncode, result.stdout or "",
            result.stderr or ""))
    return result


def address(k):
    return "10.77.0.%d" % (1 if k == 0 else 10 + k)


class Testbed:
    """The namespaces, the shared medium and the device cgroups."""

    def __init__(self, devices):
        self.devices = devices
        self.workers = []

    def ns(self, k):
        return "%s-d%d" % (PREFIX, k)

    def up(self):
        air = PREFIX + "-air"
        run(["ip", "netns", "add", air])
        run(["ip", "link", "add", "br0", "type", "bridge"], ns=air)
        run(["ip", "link", "set", "br0", "up"], ns=air)
        for k in range(self.devices):
            ns = self.ns(k)
            run(["ip", "netns", "add", ns])
            run(["ip", "link", "add", "eth0", "netns", ns, "type", "veth",
                 "peer", "name", "air%d" % k, "netns", air])
            run(["ip", "link", "set", "air%d" % k, "master", "br0", "up"],
                ns=air)
            run(["ip", "addr", "add", address(k) + "/24", "dev", "eth0"], ns=ns)
            run(["ip", "link", "set", "eth0", "up"], ns=ns)
            run(["ip", "link", "set", "lo", "up"], ns=ns)
        # The medium: both directions of the coordinator's link through one
        # queue.
        run(["ip", "link", "add", "ifb0", "type", "ifb"], ns=air)
        run(["ip", "link", "set", "ifb0", "up"], ns=air)
        run(["tc", "qdisc", "add", "dev", "ifb0", "root", "tbf", "rate",
             "%dmbit" % BANDWIDTH_MBPS, "burst", "16kb", "latency", "2s"],
            ns=air)
        run(["tc", "qdisc", "add", "dev", "air0", "clsact"], ns=air)
        for direction in ("ingress", "egress"):
            run(["tc", "filter", "add", "dev", "air0", direction, "protocol",
                 "all", "u32", "match", "u32", "0", "0", "action", "mirred",
                 "egress", "redirect", "dev", "ifb0"], ns=air)
        os.makedirs(CGROUP, exist_ok=True)

    def counters(self):
        """Bytes through the medium so far (both directions)."""
        total = 0
        for name in ("rx_bytes", "tx_bytes"):
            total += int(run(["cat", "/sys/class/net/air0/statistics/" + name],
                             ns=PREFIX + "-air").stdout)
        return total

    def cgroup(self, k, fraction):
        path = os.path.join(CGROUP, "d%d" % k)
        os.makedirs(path, exist_ok=True)
        # A 1 ms quota in a period that gives the fraction: the shortest
        # period keeps a throttled unit's time closest to the device's.
        period = max(1000, min(1000000, int(round(1000 / fraction))))
        with open(os.path.join(path, "cpu.cfs_period_us"), "w") as f:
            f.write(str(period))
        with open(os.path.join(path, "cpu.cfs_quota_us"), "w") as f:
            f.write("1000" if period > 1000 else str(int(1000 * fraction)))
        return path

    def command(self, k, fraction, argv):
        """argv run in device k's namespace and cgroup."""
        # Joined before entering the namespace, whose /sys hides the cgroup
        # tree; children inherit both.
        tasks = os.path.join(self.cgroup(k, fraction), "tasks")
        return ["sh", "-c", 'echo $$ > %s && exec "$@"' % tasks, "sh", "ip",
                "netns", "exec", self.ns(k)] + argv

    def start_workers(self, fraction, folder):
        for k in range(1, self.devices):
            port_file = os.path.join(folder, "port%d" % k)
            log = open(os.path.join(folder, "worker%d.log" % k), "w")
            p = subprocess.Popen(self.command(k, fraction, [
                os.path.join(BIN, "lcp-worker"), "--listen",
                "%s:%d" % (address(k), PORT), "--insecure", "--port-file",
                port_file]), stdout=log, stderr=log)
            self.workers.append(p)
            deadline = time.time() + 30
            while not os.path.exists(port_file):
                if p.poll() is not None or time.time() > deadline:
                    sys.exit("run.py: worker %d did not start (%s)" %
                             (k, log.name))
                time.sleep(0.02)

    def stop_workers(self):
        for p in self.workers:
            p.send_signal(signal.SIGTERM)
        for p in self.workers:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        self.workers = []

    def down(self):
        self.stop_workers()
        remove_leftovers()


def remove_leftovers():
    names = run(["ip", "netns", "list"], check=False).stdout.split()
    for name in names:
        if name.startswith(PREFIX + "-"):
            run(["ip", "netns", "del", name], check=False)
    if os.path.isdir(CGROUP):
        for child in os.listdir(CGROUP):
            path = os.path.join(CGROUP, child)
            if os.path.isdir(path):
                os.rmdir(path)
        os.rmdir(CGROUP)


def cluster_file(folder, devices):
    """The emulated cluster as placement and the simulator see it."""
    path = os.path.join(folder, "emulated-%d.json" % devices)
    with open(path, "w") as f:
        json.dump({
            "format": "lcp-cluster", "version": 1,
            "name": "emulated-%d" % devices,
            "description": "%d emulated Raspberry Pi 3B+ on %d Mbps shared, "
                           "%.1f ms" % (devices, BANDWIDTH_MBPS, LATENCY_MS),
            "network": {"medium": "shared", "bandwidth_mbps": BANDWIDTH_MBPS,
                        "latency_ms": LATENCY_MS},
            "coordinator": "d0",
            "devices": [{"name": "d", "count": devices, "kind": "cpu:host",
                         "macs_per_s": DEVICE_MACS_PER_S, "memory_mb": 1024}],
        }, f)
    return path


def model_file(folder, family, split):
    if family not in EXPORTED:
        return os.path.join(MODELS, "%s_split%d.onnx" % (family, split))
    path = os.path.join(folder, "%s_split%d.onnx" % (family, split))
    if not os.path.exists(path):
        run(["/usr/bin/python3", os.path.join(ROOT, "models", "export.py"),
             "--family", family, "--split", str(split), "--input-size",
             str(EXPORTED[family]), "-o", path])
    return path


def input_file(folder, family):
    path = os.path.join(folder, family + ".input.npy")
    if not os.path.exists(path):
        import numpy as np
        if family in EXPORTED:
            size = EXPORTED[family]
            x = np.random.default_rng(0).standard_normal(
                (1, 3, size, size)).astype(np.float32)
        else:
            x = np.load(os.path.join(MODELS, "fmnist_test_sample.input.npy"))[:1]
        np.save(path, x)
    return path


def placement_flags(strategy, cluster, compile=False):
    """lcp-compile's or lcp-opt's flags for a strategy. Stems stay units of
    their own, so that the package's units are the ones the report sees."""
    if strategy == "original":
        return []
    flags = ["--fuse-stems=false"] if compile else []
    if strategy == "branch":
        flags.append("--lcp-outline-branches")
    return flags + ['--lcp-place=cluster=%s strategy=%s' % (cluster, strategy)]


def simulate(model, strategy, cluster, folder):
    """The cluster simulator's estimate (coordinator routing)."""
    report = os.path.join(folder, "report.json")
    run([os.path.join(BIN, "lcp-opt"), model] +
        placement_flags(strategy, cluster) +
        ["--lcp-report=json=" + report, "-o", "/dev/null"])
    with open(report) as f:
        function = json.load(f)["functions"][0]
    if "placement" not in function:
        return {"macs": function["total"]["macs"]}
    row = {"macs": function["total"]["macs"]}
    # "runtime": lcp's protocol, which the emulation runs; "direct": what a
    # runtime whose devices keep their values and send each straight to
    # where it is read would need (the lower bound for model parallelism).
    for key in ("runtime", "direct"):
        estimate = function["placement"][key]
        row[key] = {
            "latency_ms": 1000 * estimate["latency_seconds"],
            "throughput_per_s": 1 / estimate["seconds_per_inference_in_flight"],
            "bytes": estimate["bytes_on_wire"]}
    return row


def device_fraction(package, sample, macs):
    """The share of a core at which this machine runs `macs` at the
    device's rate, from the unsplit package's median time on one thread."""
    out = run([os.path.join(BIN, "lcp-run"), package, "--input", sample,
               "--repeat", "21"]).stdout
    host_ms = float(re.search(r"median ([0-9.]+) ms", out).group(1))
    device_ms = 1000 * macs / DEVICE_MACS_PER_S
    return min(1.0, host_ms / device_ms), host_ms


def measure(bed, package, sample, fraction, devices, repeat, workers):
    """Latency, throughput and bytes of `package` on the testbed."""
    base = [os.path.join(BIN, "lcp-run"), package, "--input", sample]
    if workers:
        base += ["--workers", workers, "--insecure", "--worker-stats",
                 "--emulated-latency-ms", str(LATENCY_MS),
                 "--deadline-ms", "60000"]

    def once(extra):
        before = bed.counters()
        out = run(bed.command(0, fraction, base + extra), timeout=1800).stdout
        return out, bed.counters() - before

    once(["--repeat", "1"])  # ships the package to the workers
    out_small, bytes_small = once(["--repeat", "2"])
    out, bytes_big = once(["--repeat", str(repeat)])
    latency = float(re.search(r"median ([0-9.]+) ms", out).group(1))
    row = {"latency_ms": latency,
           "wire_bytes": (bytes_big - bytes_small) / (repeat - 2)}
    stats = re.search(r"(\d+) bytes sent, (\d+) received", out)
    row["tensor_bytes"] = (int(stats.group(1)) + int(stats.group(2))) / repeat \
        if stats else 0
    if devices > 1:
        out = run(bed.command(0, fraction, base + [
            "--in-flight", str(devices), "--repeat", str(repeat)]),
            timeout=1800).stdout
        row["throughput_per_s"] = float(
            re.search(r"([0-9.]+) per second", out).group(1))
    else:
        row["throughput_per_s"] = 1000 / latency
    return row


def worker_list(package, devices):
    with open(os.path.join(package, "manifest.json")) as f:
        manifest = json.load(f)
    used = {u["device"] for u in manifest["units"] if u["device"]}
    return ",".join("d%d=%s:%d" % (k, address(k), PORT)
                    for k in range(1, devices) if "d%d" % k in used)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="lenet,cifarnet,alexnet,resnet18")
    parser.add_argument("--devices", default="2,4,8")
    parser.add_argument("--strategies", default="branch,layer,channel")
    parser.add_argument("--repeat", type=int, default=12)
    parser.add_argument("--out", default=os.path.join(ROOT, "bench",
                                                      "distributed",
                                                      "results.json"))
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("run.py: needs root (network namespaces, tc, cgroups)")
    if not os.path.isdir("/sys/fs/cgroup/cpu"):
        sys.exit("run.py: needs the cgroup v1 cpu controller at "
                 "/sys/fs/cgroup/cpu")
    for tool in ("lcp-run", "lcp-worker", "lcp-compile", "lcp-opt"):
        if not os.path.exists(os.path.join(BIN, tool)):
            sys.exit("run.py: build/bin/%s is missing (scripts/build.sh)" % tool)
    device_counts = [int(d) for d in args.devices.split(",")]
    remove_leftovers()
    folder = tempfile.mkdtemp(prefix="lcp-distributed-bench-")
    rows = []
    bed = Testbed(max(device_counts))
    try:
        bed.up()
        for family in args.models.split(","):
            sample = input_file(folder, family)
            original = model_file(folder, family, 1)
            package = os.path.join(folder, family + "-original")
            run([os.path.join(BIN, "lcp-compile"), "-q", original, "-o",
                 package])
            macs = simulate(original, "original", None, folder)["macs"]
            fraction, host_ms = device_fraction(package, sample, macs)
            total = fraction * max(device_counts)
            if total > 1.8:
                sys.exit("run.py: %s: %d devices at %.2f of a core each would "
                         "oversubscribe the machine" %
                         (family, max(device_counts), fraction))
            print("%s: %d MACs, %.3f ms here at full speed, device share %.4f "
                  "of a core" % (family, macs, host_ms, fraction), flush=True)
            configs = [("original", 1, original)]
            for n in device_counts:
                for strategy in args.strategies.split(","):
                    model = model_file(folder, family, n) \
                        if strategy == "branch" else original
                    configs.append((strategy, n, model))
            for strategy, n, model in configs:
                cluster = cluster_file(folder, n)
                package = os.path.join(folder, "%s-%s-%d" % (family, strategy, n))
                run([os.path.join(BIN, "lcp-compile"), "-q", model, "-o",
                     package] + placement_flags(strategy, cluster, True))
                bed.start_workers(fraction, folder) if n > 1 else None
                row = measure(bed, package, sample, fraction, n, args.repeat,
                              worker_list(package, n) if n > 1 else "")
                bed.stop_workers()
                if n > 1:
                    sim = simulate(model, strategy, cluster, folder)
                else:
                    alone = {"latency_ms": 1000 * macs / DEVICE_MACS_PER_S,
                             "throughput_per_s": DEVICE_MACS_PER_S / macs,
                             "bytes": 0}
                    sim = {"runtime": alone, "direct": alone}
                row.update({"model": family, "strategy": strategy,
                            "devices": n, "device_share": fraction,
                            "host_ms": host_ms, "macs": macs,
                            "simulated": sim["runtime"],
                            "ideal": sim["direct"]})
                rows.append(row)
                print("  %-8s %d devices: %9.2f ms (simulated %9.2f), "
                      "%7.2f/s, %10.0f tensor bytes, %10.0f wire bytes" % (
                          strategy, n, row["latency_ms"],
                          row["simulated"]["latency_ms"],
                          row["throughput_per_s"], row["tensor_bytes"],
                          row["wire_bytes"]), flush=True)
                with open(args.out + ".tmp", "w") as f:
                    json.dump({"rows": rows, "bandwidth_mbps": BANDWIDTH_MBPS,
                               "latency_ms": LATENCY_MS,
                               "device_macs_per_s": DEVICE_MACS_PER_S,
                               "repeat": args.repeat}, f, indent=1)
                os.replace(args.out + ".tmp", args.out)
    finally:
        bed.down()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
