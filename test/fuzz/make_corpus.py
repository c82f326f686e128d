#!/usr/bin/env python3
"""Gathers the fuzz targets' seed corpus from lcp's own files.

corpus/onnx         test/models/*.onnx, test/import/*.textproto (encoded
                    with protoc) and the ONNX conformance models
                    (libonnx-testdata)
corpus/mlir         test/**/*.mlir, one file per '// -----' split
corpus/npy          test/**/*.npy
corpus/manifest     test/fuzz/seeds/manifest/*
corpus/safetensors  test/fuzz/seeds/safetensors/*
corpus/cluster      targets/cluster/presets/*.json and
                    test/passes/Inputs/clusters/*.json
corpus/tensor-message  test/fuzz/seeds/tensor-message/*.textproto, encoded
corpus/<reader>.dict  the libFuzzer dictionary: test/fuzz/dicts/<reader>.dict
                    plus, for ONNX, the op types of docs/SupportedOps.md
                    and, for MLIR, every op name in dialect/*.td

Files are named by their SHA-1, so that duplicates collapse, and only
inputs of at most 64 KiB are kept: the fuzzer mutates faster on small ones.
"""

import argparse
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys

MAX_SEED_BYTES = 64 * 1024
CONFORMANCE = "/usr/share/libonnx-testdata/data"


def add(out, reader, data):
    if len(data) > MAX_SEED_BYTES:
        return
    folder = os.path.join(out, reader)
    os.makedirs(folder, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True)
    parser.add_argument("--onnx-proto-dir", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    src, out = args.source, args.out
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)

    for path in sorted(glob.glob(os.path.join(src, "test/models/*.onnx"))):
        add(out, "onnx", read(path))
    for path in sorted(glob.glob(os.path.join(src, "test/import/*.textproto"))):
        encoded = subprocess.run(
            ["protoc", "--encode=onnx.ModelProto", "-I", args.onnx_proto_dir,
             os.path.join(args.onnx_proto_dir, "onnx.proto")],
            stdin=open(path, "rb"), capture_output=True)
        # Some fixtures are deliberately not valid textproto.
        if encoded.returncode == 0:
            add(out, "onnx", encoded.stdout)
    for path in sorted(glob.glob(os.path.join(CONFORMANCE, "*/*/model.onnx"))):
        add(out, "onnx", read(path))

    for path in sorted(glob.glob(os.path.join(src, "test/**/*.mlir"),
                                 recursive=True)):
        for part in re.split(rb"\n// -----\n", read(path)):
            add(out, "mlir", part)
    for path in sorted(glob.glob(os.path.join(src, "test/**/*.npy"),
                                 recursive=True)):
        add(out, "npy", read(path))
    for reader in ("manifest", "safetensors"):
        for path in sorted(glob.glob(
                os.path.join(src, "test/fuzz/seeds", reader, "*"))):
            add(out, reader, read(path))

    for path in sorted(
            glob.glob(os.path.join(src, "targets/cluster/presets/*.json")) +
            glob.glob(os.path.join(src, "test/passes/Inputs/clusters/*.json"))):
        add(out, "cluster", read(path))

    # Run messages, written as text and encoded here: the first byte says
    # request (0) or reply (1), a reply's second byte which units it answers.
    proto_dir = os.path.join(src, "runtime/distributed")
    for path in sorted(glob.glob(
            os.path.join(src, "test/fuzz/seeds/tensor-message/*.textproto"))):
        name = os.path.basename(path)
        reply = name.startswith("reply-")
        encoded = subprocess.run(
            ["protoc", "--encode=lcp.distributed." +
             ("RunReply" if reply else "RunRequest"), "-I", proto_dir,
             os.path.join(proto_dir, "worker.proto")],
            stdin=open(path, "rb"), capture_output=True, check=True)
        prefix = bytes([1, int(name.split("-")[1])]) if reply else b"\0"
        add(out, "tensor-message", prefix + encoded.stdout)

    for reader in ("onnx", "mlir", "npy", "manifest", "safetensors",
                   "cluster", "tensor-message"):
        if not os.listdir(os.path.join(out, reader)):
            sys.exit("make_corpus.py: no seeds for " + reader)
        dictionary = read(os.path.join(src, "test/fuzz/dicts", reader + ".dict"))
        if reader == "mlir":
            ops = set()
            for td in glob.glob(os.path.join(src, "dialect/*.td")):
                ops.update(re.findall(
                    rb'^def Lcp_\w+Op\s*:\s*Lcp_\w+<\s*"([a-z0-9_]+)"',
                    read(td), re.M))
            dictionary += b"".join(b'"lcp.%s"\n' % op for op in sorted(ops))
        if reader == "onnx":
            table = read(os.path.join(src, "docs/SupportedOps.md"))
            names = set()
            for cell in re.findall(rb"^\| ([A-Za-z, ]+) \|", table, re.M):
                names.update(n.strip() for n in cell.split(b","))
            names.discard(b"ONNX op")
            dictionary += b"".join(b'"%s"\n' % n for n in sorted(names))
        with open(os.path.join(out, reader + ".dict"), "wb") as f:
            f.write(dictionary)
    open(os.path.join(out, ".stamp"), "w").close()


if __name__ == "__main__":
    main()
