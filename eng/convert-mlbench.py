#!/usr/bin/env python3
"""Writes one data frame of the Debian package r-cran-mlbench as CSV, label last, optionally dropping columns.

    apt-get download r-cran-mlbench && dpkg -x r-cran-mlbench_*.deb mlbench
    apt-get install -y python3-rdata
    /usr/bin/python3 eng/convert-mlbench.py mlbench/usr/lib/R/site-library/mlbench/data PimaIndiansDiabetes diabetes \
        data/pima-indians-diabetes/pima-indians-diabetes.csv
    /usr/bin/python3 eng/convert-mlbench.py mlbench/usr/lib/R/site-library/mlbench/data BostonHousing medv \
        data/boston-housing/boston-housing.csv --drop b
"""
import argparse
import csv

import rdata

parser = argparse.ArgumentParser()
parser.add_argument("folder")
parser.add_argument("frame")
parser.add_argument("label")
parser.add_argument("out")
parser.add_argument("--drop", default="")
args = parser.parse_args()

frame = rdata.conversion.convert(rdata.parser.parse_file(f"{args.folder}/{args.frame}.rda"))[args.frame]
dropped = [c for c in args.drop.split(",") if c]
features = [c for c in frame.columns if c != args.label and c not in dropped]


def text(value):
    # Factors (e.g. Boston's 0/1 'chas') come as categories: their labels are the values.
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


with open(args.out, "w", newline="") as out:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(features + ["Label"])
    for _, row in frame.iterrows():
        writer.writerow([text(row[c]) for c in features] + [text(row[args.label])])
