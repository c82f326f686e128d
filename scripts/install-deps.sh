#!/usr/bin/env bash
# Installs every Debian package that building lcp and running its tests needs.
# Idempotent: packages already present are left as they are.
#   --with-torch  also PyTorch (about 900 MiB), which the zoo's fidelity test
#                 and regenerating models need; the build does not.
set -euo pipefail

packages=(
  cmake ninja-build g++ clang-format
  llvm-19-dev llvm-19-tools libmlir-19-dev mlir-19-tools
  protobuf-compiler libprotobuf-dev libonnx-dev libonnx-testdata
  libgtest-dev python3 python3-numpy python3-dev pybind11-dev python3-pytest
  python3-matplotlib
  libhalide14-0-dev nlohmann-json3-dev
  g++-arm-linux-gnueabihf qemu-user file dataset-fashion-mnist
  clang-19 libclang-rt-19-dev valgrind
  libgrpc++-dev protobuf-compiler-grpc iproute2 openssl
)

if [ "${1:-}" = "--with-torch" ]; then
  packages+=(python3-torch python3-torchvision)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${missing[@]}"
