#!/usr/bin/env bash
# Runs the PyTorch reference (mlp_reference.py) with Debian's torch, once with the reference BLAS
# (libblas3, what python3-torch links by default) and once with OpenBLAS, 1 thread each.
# Installs what it needs on first use (idempotent; needs root for apt-get, as on the project's machines).
#
#   benchmarks/reference/run-reference.sh [--variant both|reference|openblas] [mlp_reference.py args...]
#   e.g. run-reference.sh --epochs 2 --data /usr/share/datasets/fashion-mnist
#
# Each run ends with a line `RESULT {json}` (label "pytorch-refblas" or "pytorch-openblas").
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python=/usr/bin/python3          # Debian's python: a pyenv python3 on PATH has no torch
openblas_root="${OPENBLAS_ROOT:-/tmp/mlp-bench-openblas}"
openblas_lib="$openblas_root/usr/lib/x86_64-linux-gnu/openblas-pthread"

variant=both
if [ "${1:-}" = "--variant" ]; then variant="$2"; shift 2; fi

# Data folder (for the dataset install check only; the same --data is passed on to python).
data=/usr/share/datasets/fashion-mnist
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [ "${args[$i]}" = "--data" ]; then data="${args[$((i + 1))]}"; fi
done

apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! "$python" -c 'import torch' 2>/dev/null; then
  echo "run-reference: installing python3-torch python3-sklearn" >&2
  apt_install python3-torch python3-sklearn
fi
if [ "$data" = /usr/share/datasets/fashion-mnist ] && [ ! -f "$data/train-images-idx3-ubyte.gz" ]; then
  echo "run-reference: installing dataset-fashion-mnist" >&2
  apt_install dataset-fashion-mnist
fi
if [[ "$variant" != reference && ! -f "$openblas_lib/libblas.so.3" ]]; then
  # Unpacked beside the system, not installed: the system default BLAS stays the reference one.
  echo "run-reference: unpacking libopenblas0-pthread into $openblas_root" >&2
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  tmp="$(mktemp -d)"
  (cd "$tmp" && apt-get download -qq libopenblas0-pthread)
  mkdir -p "$openblas_root"
  dpkg -x "$tmp"/libopenblas0-pthread_*.deb "$openblas_root"
  rm -rf "$tmp"
fi

# One thread everywhere: torch's intra-op pool, OpenMP and OpenBLAS' own pool.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

if [[ "$variant" = both || "$variant" = reference ]]; then
  "$python" "$here/mlp_reference.py" --label pytorch-refblas "$@"
fi
if [[ "$variant" = both || "$variant" = openblas ]]; then
  LD_LIBRARY_PATH="$openblas_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    "$python" "$here/mlp_reference.py" --label pytorch-openblas "$@"
fi
