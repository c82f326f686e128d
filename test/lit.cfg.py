# -*- Python -*-
# lit configuration of lcp's regression tests.

import os
import sys

import lit.formats
from lit.llvm import llvm_config

config.name = "lcp"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".textproto", ".test"]
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py",
                   "Inputs", "models", "unit", "conformance", "fuzz"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.lcp_obj_root, "test")

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.lcp_tools_dir, append_path=True)

# Encodes a textproto ONNX model (the readable form of small fixtures).
config.substitutions.append(
    ("%onnx-encode",
     "protoc --encode=onnx.ModelProto -I {0} {0}/onnx.proto".format(
         config.onnx_proto_dir)))
config.substitutions.append(("%lcp_src", os.path.dirname(
    config.test_source_root)))
config.substitutions.append(("%models", os.path.join(
    config.test_source_root, "models")))
# A Python with NumPy (Debian's), for oracles computed in RUN lines. Not
# "%python": lit's default substitutions already define that as its own
# interpreter.
config.substitutions.append(("%numpy-python", config.python_executable))

# PyTorch (Debian's python3-torch) runs the zoo's fidelity tests.
import subprocess
for module in ("torch", "torchvision"):
    if subprocess.run([config.python_executable, "-c", "import " + module],
                      stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL).returncode == 0:
        config.available_features.add(module)
# Cross compiling for 32-bit ARM and running under qemu-user.
import shutil
if shutil.which("arm-linux-gnueabihf-gcc") and shutil.which("qemu-arm"):
    config.available_features.add("arm-cross")
# Debian's dataset-fashion-mnist, for test-set accuracy.
if os.path.exists("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"):
    config.available_features.add("fmnist")
config.substitutions.append(("%zoo", os.path.join(
    os.path.dirname(config.test_source_root), "models")))

llvm_config.add_tool_substitutions(
    ["lcp-opt", "lcp-run", "lcp-compile", "lcp-runtime-stress"],
    [config.lcp_tools_dir])

# The distributed runtime (built when gRPC is installed): N lcp-workers on
# loopback for the length of one command (distributed/with-workers.py).
worker = os.path.join(config.lcp_tools_dir, "lcp-worker")
if os.path.exists(worker):
    config.available_features.add("distributed")
    config.substitutions.append(("%with-workers", "{0} {1} --worker {2}".format(
        sys.executable, os.path.join(config.test_source_root, "distributed",
                                     "with-workers.py"), worker)))
