"""Write the labelled similar-mark set: ``similar_corpus.csv`` and ``similar_queries.csv`` beside this file.

Run once, by hand, and commit the two files (``.venv/bin/python tests/registry/make_similar_queries.py``);
the test reads them, so a change in the world generator never moves the goalposts.

The corpus is 3,000 marks from the world generator's brand builder (seed 7) plus a few written by
hand. Each query disguises one corpus mark the way counterfeiters do — look-alike letters, digits for
letters, spacing and punctuation, one or two character edits, a spelling that sounds the same —
and names:

- ``must_find``: the mark it disguises;
- ``also_ok``: other corpus marks that are themselves confusable with it (folded forms at most one
  edit apart, or a pair the world generator made similar on purpose), which are fair hits;
- ``must_not_find``: corpus marks that merely look a little alike (share a word or a beginning,
  RapidFuzz ratio 40-65) and would be noise.

Any hit outside ``must_find`` and ``also_ok`` counts as unrelated.
"""

from __future__ import annotations

import csv
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from registry_data import brands  # noqa: E402

from pathways.registry.normalize import fold  # noqa: E402

HERE = Path(__file__).parent
CYRILLIC = {"A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О", "P": "Р", "C": "С", "T": "Т",
            "X": "Х", "Y": "У"}
DIGITS = {"O": "0", "E": "3", "I": "1", "A": "4", "S": "5", "T": "7", "B": "8"}
SOUNDS = [
    (r"C(?=[AOU])", "K"), (r"K", "C"), (r"PH", "F"), (r"F", "PH"), (r"QU", "KW"), (r"X", "KS"), (r"CK", "K"),
    (r"(?<=[AEIOU])S(?=[AEIOU])", "Z"), (r"Y\b", "IE"), (r"EE", "EA"), (r"([BDGLMNPRST])\1", r"\1"),
    (r"(?<=[AEIOU])([LNRT])(?=[AEIOU])", r"\1\1"), (r"\bC", "K"), (r"OO", "U"), (r"IGHT", "ITE"),
]
HANDMADE_MARKS = ["NORTHERN KNIGHTS", "NORTHERN LIGHTS", "NORTHERN CROWN", "VELTRANO", "VELTRANO SPORT",
                  "QUICKSILVER TIDE", "SOUTHERN STAR"]
HANDMADE = [  # query, kind, must_find
    ("NORTHERN NIGHTS", "handmade", "NORTHERN KNIGHTS"),
    ("NORTHERN HIGHTS", "handmade", "NORTHERN KNIGHTS"),
    ("V3LTRANO", "handmade", "VELTRANO"),
    ("VЕLTRАNO", "handmade", "VELTRANO"),  # Cyrillic Е and А
    ("Vel-Trano", "handmade", "VELTRANO"),
    ("KWIKSILVER TIDE", "handmade", "QUICKSILVER TIDE"),
    ("N0RTHERN KN1GHTS", "handmade", "NORTHERN KNIGHTS"),
]


def disguise(rng: random.Random, mark: str, kind: str) -> str | None:
    letters = [i for i, ch in enumerate(mark) if ch.isalpha()]
    chars = list(mark)
    if kind == "homoglyph":
        spots = [i for i in letters if mark[i] in CYRILLIC]
        for i in rng.sample(spots, min(len(spots), rng.choice((1, 2)))):
            chars[i] = CYRILLIC[mark[i]]
    elif kind == "digits":
        spots = [i for i in letters if mark[i] in DIGITS]
        for i in rng.sample(spots, min(len(spots), rng.choice((1, 2)))):
            chars[i] = DIGITS[mark[i]]
    elif kind == "spacing":
        i = rng.randrange(1, len(mark))
        chars.insert(i, rng.choice((" ", "-", ".", "·", "_")))
        chars = list("".join(chars).lower() if rng.random() < 0.5 else "".join(chars))
    elif kind in ("edit1", "edit2"):
        for _ in range(1 if kind == "edit1" else 2):
            i = rng.randrange(1, len(chars))
            op = rng.choice(("sub", "del", "ins", "swap"))
            if op == "sub":
                chars[i] = rng.choice("ABCDEFGHIJKLMNOPRSTUVWYZ")
            elif op == "del" and len(chars) > 4:
                del chars[i]
            elif op == "ins":
                chars.insert(i, rng.choice("ABCDEFGHIKLMNOPRSTUVY"))
            elif i + 1 < len(chars):
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
    elif kind == "phonetic":
        rules = [(p, r) for p, r in SOUNDS if re.search(p, mark)]
        if not rules:
            return None
        pattern, repl = rng.choice(rules)
        return re.sub(pattern, repl, mark, count=1)
    out = "".join(chars)
    return out if out != mark else None


def main() -> None:
    rng = random.Random(20261123)
    b, _ = brands(7, 3000, scale="small")
    marks = [r.mark for r in b.recordations] + HANDMADE_MARKS
    similar_pairs: dict[str, set[str]] = defaultdict(set)
    for r in b.recordations:
        if r.similar_to >= 0:
            other = b.recordations[r.similar_to].mark
            similar_pairs[r.mark].add(other)
            similar_pairs[other].add(r.mark)
    folded = {m: fold(m) for m in marks}
    by_fold: dict[str, list[str]] = defaultdict(list)
    for m, f in folded.items():
        by_fold[f].append(m)

    def also_ok(target: str) -> list[str]:
        ft = folded[target]
        near = {m for m, f in folded.items() if m != target and abs(len(f) - len(ft)) <= 1
                and Levenshtein.distance(f, ft, score_cutoff=1) <= 1}
        return sorted(near | similar_pairs.get(target, set()))

    def must_not(target: str, ok: list[str]) -> list[str]:
        ft, words = folded[target], set(target.split())
        picks = [m for m, f in folded.items() if m != target and m not in ok and 40 <= fuzz.ratio(f, ft) <= 65
                 and (set(m.split()) & words or f[:3] == ft[:3])]
        return sorted(rng.sample(picks, min(3, len(picks))))

    rows = [(q, kind, target) for q, kind, target in HANDMADE]
    kinds = ["homoglyph", "digits", "spacing", "edit1", "edit2", "phonetic"]
    pool = [r.mark for r in b.recordations if r.type != "trade_name"]
    trade_names = [r.mark for r in b.recordations if r.type == "trade_name"]
    targets = rng.sample(pool, 220) + rng.sample(trade_names, 10)
    for n, target in enumerate(targets):
        kind = kinds[n % len(kinds)]
        if kind == "edit2" and len(folded[target]) < 8:
            kind = "edit1"
        query = disguise(rng, target, kind)
        if query is None or not fold(query):
            continue
        if fold(query) in by_fold and target not in by_fold[fold(query)]:
            continue  # the disguise happens to spell another recorded mark exactly: not a fair question
        rows.append((query, kind, target))

    with (HERE / "similar_corpus.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["mark"])
        w.writerows([m] for m in marks)
    with (HERE / "similar_queries.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["query", "kind", "must_find", "also_ok", "must_not_find"])
        for query, kind, target in rows:
            ok = also_ok(target)
            w.writerow([query, kind, target, ";".join(ok), ";".join(must_not(target, ok))])
    print(f"{len(marks)} marks, {len(rows)} queries")


if __name__ == "__main__":
    main()
