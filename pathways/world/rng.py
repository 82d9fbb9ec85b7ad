"""Named, independent random streams derived from one seed (never Python's hash())."""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, name: str, *extra: int) -> np.random.Generator:
    """A PCG64 generator for one purpose; the same (seed, name, extra) always gives the same draws."""
    key = [int(seed) & 0xFFFFFFFF, (int(seed) >> 32) & 0xFFFFFFFF, zlib.crc32(name.encode("utf-8")), *extra]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(key)))


def pick(rng: np.random.Generator, items: list[str] | tuple[str, ...]) -> str:
    return items[int(rng.integers(len(items)))]
