"""Reading a party-record CSV: clear errors for unusable files, rejects with row numbers for bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from pathways.core.errors import InvalidInput
from pathways.resolve.features import features
from pathways.resolve.records import read_records, records_from_rows


def _write(tmp_path: Path, content: bytes | str) -> Path:
    path = tmp_path / "records.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def test_good_rows_are_read_and_bad_rows_rejected_with_their_row_number(tmp_path: Path) -> None:
    path = _write(tmp_path, "ID,Name,DOB,Extra\n1,Ana Lee,1995-02-03,x\n2,Bo Chen,31/31/1990,y\n1,Ana Again,,z\n"
                            ",No Id,,\n3,,,\n4,Cy Diaz\n")
    got = read_records(path)
    assert got.records.column("id").to_pylist() == ["1"]
    assert got.ignored_columns == ["extra"]
    reasons = {r.row: r.reason for r in got.rejects}
    assert reasons == {3: "dob '31/31/1990' is not a date", 4: "duplicate id '1' (first at row 2)", 5: "empty id",
                       6: "the row has an id and nothing to match on", 7: "expected 4 fields, found 2"}


def test_broken_utf8_rejects_only_its_row(tmp_path: Path) -> None:
    path = _write(tmp_path, b"id,name\n1,Jos\xe9 Cruz\n2,Ana Lee\n")
    got = read_records(path)
    assert got.records.column("id").to_pylist() == ["2"]
    assert [(r.row, r.reason) for r in got.rejects] == [(2, "the row is not valid UTF-8")]


@pytest.mark.parametrize(("content", "message"), [
    ("", "is empty"), ("name,dob\nAna,\n", "has no id column (its columns: name, dob)"),
    ("id,name\n", "has a header and no rows"), ("id,name,id\n1,a,2\n", "repeats a column name"),
])
def test_unusable_files_are_refused_with_a_clear_message(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_records(_write(tmp_path, content))


def test_kinds_are_inferred_when_not_given() -> None:
    table = records_from_rows([
        {"id": "1", "name": "Sunrise Trdg Co., Ltd"}, {"id": "2", "name": "Luis Hall"},
        {"id": "3", "address": "1 Main St, Webber, KS 66970"}, {"id": "4", "last_name": "Hall"},
        {"id": "5", "name": "Hall", "kind": "organization"}, {"id": "6", "name": "Zeathym Wholesale"},
    ])
    kinds = features(table).column("entity_kind").to_pylist()
    assert kinds == ["organization", "person", "address", "person", "organization", "organization"]
