"""Sortable, filterable, paged tables: parse ``?sort=&dir=&page=`` safely, slice rows, build links.

A page builds a ``Table`` from the request, fills it from a list (``from_list``) or a SQL statement
(``from_statement``), and renders it with the ``data_table`` macro in ``macros/table.html``.
Sorting happens on the server, so the table works the same with or without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams

PER_PAGE_CHOICES = (10, 25, 50, 100)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    sortable: bool = True
    numeric: bool = False


@dataclass
class Table:
    """One table on one page: its columns, the request's sort/paging/filters, and the current rows."""

    id: str
    path: str
    columns: Sequence[Column]
    sort: str
    dir: str = "asc"
    page: int = 1
    per_page: int = 25
    filters: dict[str, str] = field(default_factory=dict)
    rows: list[Any] = field(default_factory=list)
    total: int = 0
    empty: str = "No rows match."
    caption: str = ""

    @classmethod
    def from_request(
        cls,
        id: str,
        path: str,
        params: QueryParams | Mapping[str, str],
        columns: Sequence[Column],
        default_sort: str,
        default_dir: str = "asc",
        filter_keys: Sequence[str] = (),
        per_page: int = 25,
        **kw: Any,
    ) -> Table:
        sortable = {c.key for c in columns if c.sortable}
        sort = params.get("sort") or default_sort
        if sort not in sortable:
            sort = default_sort
        direction = params.get("dir") or (default_dir if sort == default_sort else "asc")
        if direction not in ("asc", "desc"):
            direction = "asc"
        page = _positive_int(params.get("page"), 1)
        size = _positive_int(params.get("per_page"), per_page)
        if size not in PER_PAGE_CHOICES:
            size = per_page
        filters = {k: (params.get(k) or "").strip() for k in filter_keys}
        return cls(id, path, columns, sort, direction, page, size, filters, **kw)

    # Filling -------------------------------------------------------------------------------------

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def from_list(self, items: Sequence[Any], keys: Mapping[str, Callable[[Any], Any]]) -> Table:
        """Sort a list by the chosen column (``keys[column]`` gives a sort key) and take one page."""
        key = keys.get(self.sort)
        ordered = list(items)
        if key is not None:
            ordered.sort(key=lambda row: _sortable(key(row)), reverse=self.dir == "desc")
        self.total = len(ordered)
        self._clamp_page()
        self.rows = ordered[self.offset : self.offset + self.per_page]
        return self

    def from_statement(self, session: Session, stmt: Select[Any], order: Mapping[str, Any]) -> Table:
        """Count, order by the chosen column (``order[column]`` is a SQL expression) and take one page."""
        self.total = count_rows(session, stmt)
        self._clamp_page()
        column = order.get(self.sort)
        if column is not None:
            stmt = stmt.order_by(None).order_by(column.desc() if self.dir == "desc" else column.asc())
        self.rows = list(session.execute(stmt.limit(self.per_page).offset(self.offset)).scalars())
        return self

    def set_page(self, rows: list[Any], total: int) -> Table:
        """For services that page themselves: hand over the rows of this page and the total."""
        self.rows, self.total = rows, total
        return self

    def _clamp_page(self) -> None:
        self.page = min(self.page, self.pages)

    # Links ---------------------------------------------------------------------------------------

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_shown(self) -> int:
        return 0 if self.total == 0 else self.offset + 1

    @property
    def last_shown(self) -> int:
        return min(self.offset + self.per_page, self.total)

    def url(self, **changes: Any) -> str:
        """This table's URL with the current state, changed by ``changes`` (None drops a key)."""
        state: dict[str, Any] = {k: v for k, v in self.filters.items() if v}
        state.update(sort=self.sort, dir=self.dir, page=self.page, per_page=self.per_page)
        state.update(changes)
        clean = {k: v for k, v in state.items() if v not in (None, "")}
        return f"{self.path}?{urlencode(clean)}" if clean else self.path

    def sort_url(self, key: str) -> str:
        direction = "desc" if key == self.sort and self.dir == "asc" else "asc"
        return self.url(sort=key, dir=direction, page=1)

    def aria_sort(self, key: str) -> str:
        if key != self.sort:
            return "none"
        return "ascending" if self.dir == "asc" else "descending"

    def page_url(self, page: int) -> str:
        return self.url(page=page)

    @property
    def filtered(self) -> bool:
        return any(self.filters.values())


def count_rows(session: Session, stmt: Select[Any]) -> int:
    return int(session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one())


def _positive_int(text: str | None, default: int) -> int:
    try:
        value = int(text or "")
    except ValueError:
        return default
    return value if value >= 1 else default


def _sortable(value: Any) -> tuple[int, Any]:
    """None sorts last; strings sort without regard to case."""
    if value is None:
        return (1, "")
    if isinstance(value, str):
        return (0, value.casefold())
    return (0, value)
