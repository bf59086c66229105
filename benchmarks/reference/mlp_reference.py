#!/usr/bin/python3
"""PyTorch port of the seed recipe, the yardstick for benchmarks/ (issue 6).

Model: 784 -> 50 -> 50 -> 50 -> 50 -> 10. Each hidden block is
Linear(Keras he_normal: truncated normal) -> BatchNorm1d(momentum 0.01, eps 1e-3)
-> ReLU -> Dropout(0.2); the output Linear is glorot_uniform; biases start at 0.
Softmax cross-entropy, Adam(lr 1e-3, eps 1e-7), batch 32, reshuffled every epoch.
Those are Keras' semantics where they differ from torch's defaults (see DESIGN.md).

Runs on one thread, like the .NET side. Prints per-epoch lines for people and a last
line `RESULT {json}` for benchmarks/Microsoft.ML.Mlp.Benchmarks to parse.
Run it with Debian's /usr/bin/python3 (python3-torch); run-reference.sh does the setup.
"""
import argparse
import gzip
import json
import math
import os
import resource
import struct
import sys
import time

import numpy as np
import torch
from torch import nn

# Keras' VarianceScaling divides the stddev by this so the *truncated* (±2 sd) normal
# keeps the requested variance: the stddev of a standard normal truncated at ±2.
TRUNCATION_STD = 0.87962566103423978


def read_idx(path):
    """Reads an IDX file (gzipped or not) into a uint8 array of its declared shape."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    if magic >> 8 != 0x08:  # 0x08 = unsigned byte data
        raise ValueError(f"{path}: not a uint8 IDX file (magic {magic:#x})")
    ndim = magic & 0xFF
    shape = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load(images_path, labels_path):
    """IDX files -> (float32 tensor rows x pixels scaled to 0..1, int64 labels), as the Keras tutorial does."""
    images = read_idx(images_path)
    labels = read_idx(labels_path)
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    x = torch.from_numpy(images.reshape(len(images), -1).astype(np.float32) / 255.0)
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def he_normal_(weight, generator):
    """Keras he_normal: truncated normal (±2 sd), sd = sqrt(2 / fan_in) / 0.8796."""
    fan_in = weight.shape[1]  # torch stores Linear weights as (out, in)
    std = math.sqrt(2.0 / fan_in) / TRUNCATION_STD
    with torch.no_grad():
        # trunc_normal_ takes no generator in 1.13: draw with ours and resample outliers.
        w = torch.randn(weight.shape, generator=generator)
        bad = w.abs() > 2
        while bad.any():
            w[bad] = torch.randn(int(bad.sum()), generator=generator)
            bad = w.abs() > 2
        weight.copy_(w * std)


def glorot_uniform_(weight, generator):
    """Keras glorot_uniform: uniform(±sqrt(6 / (fan_in + fan_out)))."""
    limit = math.sqrt(6.0 / (weight.shape[0] + weight.shape[1]))
    with torch.no_grad():
        weight.copy_(torch.rand(weight.shape, generator=generator) * 2 * limit - limit)


def build_model(inputs, hidden, classes, dropout, generator):
    layers = []
    width = inputs
    for units in hidden:
        linear = nn.Linear(width, units)
        he_normal_(linear.weight, generator)
        nn.init.zeros_(linear.bias)
        layers += [linear, nn.BatchNorm1d(units, eps=1e-3, momentum=0.01), nn.ReLU(), nn.Dropout(dropout)]
        width = units
    output = nn.Linear(width, classes)
    glorot_uniform_(output.weight, generator)
    nn.init.zeros_(output.bias)
    layers.append(output)
    return nn.Sequential(*layers)


def train_epoch(model, optimizer, loss_fn, x, y, batch_size, generator):
    model.train()
    order = torch.randperm(len(x), generator=generator)
    total_loss = 0.0
    batches = 0
    start = time.perf_counter()
    for i in range(0, len(x), batch_size):
        idx = order[i:i + batch_size]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        optimizer.step()
        total_loss += loss.item()
        batches += 1
    return time.perf_counter() - start, total_loss / batches


def accuracy(model, x, y, batch_size):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch_size):
            correct += (model(x[i:i + batch_size]).argmax(1) == y[i:i + batch_size]).sum().item()
    return correct / len(x)


def scoring_rows_per_s(model, x, batch_size, passes):
    """Best of `passes` eval-mode passes over x: probabilities for every row."""
    model.eval()
    best = float("inf")
    with torch.no_grad():
        for _ in range(passes):
            start = time.perf_counter()
            for i in range(0, len(x), batch_size):
                torch.softmax(model(x[i:i + batch_size]), 1)
            best = min(best, time.perf_counter() - start)
    return len(x) / best


def single_row_latency_us(model, x, rows):
    """p50/p99 of one-row probability calls (the PredictionEngine analogue), microseconds."""
    model.eval()
    times = []
    with torch.no_grad():
        for i in range(min(200, len(x))):  # warm-up
            torch.softmax(model(x[i:i + 1]), 1)
        for i in range(min(rows, len(x))):
            start = time.perf_counter_ns()
            torch.softmax(model(x[i:i + 1]), 1)
            times.append((time.perf_counter_ns() - start) / 1000.0)
    times.sort()
    return times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))]


def loaded_blas():
    """Which BLAS this process mapped (the reference libblas or OpenBLAS): tells the variants apart."""
    try:
        with open("/proc/self/maps") as f:
            names = {os.path.basename(line.split()[-1]) for line in f if "blas" in line.lower() and "/" in line}
    except OSError:
        return "unknown"
    openblas = sorted(n for n in names if "openblas" in n)
    return (openblas or sorted(names) or ["unknown"])[0]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist",
                   help="folder holding {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz")
    for name in ("--train-images", "--train-labels", "--test-images", "--test-labels"):
        p.add_argument(name, help="overrides the file of that name under --data")
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--score-batch", type=int, default=1000, help="rows per forward call when batch scoring")
    p.add_argument("--label", default="pytorch", help="name echoed in the RESULT line (e.g. the BLAS variant)")
    a = p.parse_args()

    def path(given, name):
        return given or os.path.join(a.data, name)

    torch.set_num_threads(a.threads)
    generator = torch.Generator().manual_seed(a.seed)
    torch.manual_seed(a.seed)  # dropout draws from the global generator

    start = time.perf_counter()
    x_train, y_train = load(path(a.train_images, "train-images-idx3-ubyte.gz"), path(a.train_labels, "train-labels-idx1-ubyte.gz"))
    load_seconds = time.perf_counter() - start
    x_test, y_test = load(path(a.test_images, "t10k-images-idx3-ubyte.gz"), path(a.test_labels, "t10k-labels-idx1-ubyte.gz"))

    classes = int(max(y_train.max(), y_test.max())) + 1
    model = build_model(x_train.shape[1], [50, 50, 50, 50], classes, 0.2, generator)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()

    print(f"[{a.label}] torch {torch.__version__}, threads {torch.get_num_threads()}, "
          f"train {tuple(x_train.shape)}, test {tuple(x_test.shape)}, load {load_seconds:.3f} s", flush=True)
    epoch_seconds = []
    for epoch in range(1, a.epochs + 1):
        seconds, loss = train_epoch(model, optimizer, loss_fn, x_train, y_train, a.batch_size, generator)
        epoch_seconds.append(seconds)
        print(f"[{a.label}] epoch {epoch}: loss {loss:.4f}, {seconds:.2f} s", flush=True)

    acc = accuracy(model, x_test, y_test, a.score_batch)
    rows_per_s = scoring_rows_per_s(model, x_test, a.score_batch, passes=3)
    p50, p99 = single_row_latency_us(model, x_test, rows=2000)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux
    print(f"[{a.label}] test accuracy {acc:.4f}, scoring {rows_per_s:,.0f} rows/s, "
          f"single row p50 {p50:.1f} us p99 {p99:.1f} us, peak RSS {peak_mib:.0f} MiB", flush=True)

    result = {
        "label": a.label,
        "blas": loaded_blas(),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "epochs": a.epochs,
        "epoch_seconds": epoch_seconds,
        "mean_epoch_seconds": sum(epoch_seconds) / len(epoch_seconds),
        "accuracy": acc,
        "scoring_rows_per_s": rows_per_s,
        "single_row_p50_us": p50,
        "single_row_p99_us": p99,
        "load_seconds": load_seconds,
        "peak_rss_mib": peak_mib,
    }
    print("RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
