"""What a scoring process remembers from chunk to chunk: values per key, as a Polars table that
grows by the keys it has not seen yet.

Manifest descriptions, shippers, origins and HTS codes repeat from chunk to chunk and day to day,
so each is matched or checked once per process (and per catalog and rules) and then only joined.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

MAX_ROWS = 3_000_000  # beyond this a memo starts again, so a long-lived process stays bounded


class Memo:
    def __init__(self, on: list[str]) -> None:
        self.on = on
        self.owner = ""  # the catalog and rules the values were computed for
        self.table: pl.DataFrame | None = None

    def reset(self, owner: str) -> None:
        if owner != self.owner:
            self.owner, self.table = owner, None

    def lookup(self, keys: pl.DataFrame, compute: Callable[[pl.DataFrame], pl.DataFrame]) -> pl.DataFrame:
        """The remembered rows of these keys' columns; ``compute`` gets the distinct unseen keys and
        returns their rows (with the key columns)."""
        keys = keys.select(self.on).unique()
        new = keys if self.table is None else keys.join(self.table.select(self.on), on=self.on, how="anti")
        if new.height:
            self.add(compute(new), keep=keys)
        assert self.table is not None
        return self.table

    def add(self, rows: pl.DataFrame, keep: pl.DataFrame | None = None) -> None:
        """Remember rows of new keys; when full, only the rows of ``keep`` stay besides them."""
        if self.table is None or rows.height > MAX_ROWS:
            self.table = rows
        elif self.table.height + rows.height > MAX_ROWS:
            old = self.table.join(keep, on=self.on, how="semi") if keep is not None else self.table.clear()
            self.table = pl.concat([old, rows])
        else:
            self.table = pl.concat([self.table, rows])
