#!/usr/bin/env python3
"""Writes satellite.csv from the Satellite data frame of the Debian package r-cran-mlbench.

    apt-get download r-cran-mlbench && dpkg -x r-cran-mlbench_*.deb mlbench
    apt-get install -y python3-rdata
    /usr/bin/python3 convert-mlbench.py mlbench/usr/lib/R/site-library/mlbench/data/Satellite.rda
"""
import csv
import sys

import rdata

frame = rdata.conversion.convert(rdata.parser.parse_file(sys.argv[1]))["Satellite"]
features = [c for c in frame.columns if c != "classes"]
with open("satellite.csv", "w", newline="") as out:
    writer = csv.writer(out, lineterminator="\n")
    # Column names: band b (1..4) of pixel p (1..9, row-major over the 3x3 neighbourhood), as the UCI description orders them.
    writer.writerow([f"p{i // 4 + 1}b{i % 4 + 1}" for i in range(len(features))] + ["Label"])
    for row in frame.itertuples(index=False):
        writer.writerow([int(v) for v in row[:-1]] + [row[-1]])
