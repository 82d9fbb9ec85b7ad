"""``pathways resolve dedupe``: a spreadsheet in, entity ids and explained pairs out, bad input refused."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from pathways.cli import app

RECORDS = """id,kind,name,dob,address,country,phone,email,notes
1,person,"Smith, John A.",1970-01-02,"8171 Ridge Way, Unit 27, Hillsboro, OR 97123",US,(713) 555-0142,,a
2,,JOHN A SMITH,01/02/1970,"8171 RIDGE WAY HILLSBORO OR 97123",US,,,b
3,,Sunrise Trading Co. Ltd,,"Room 5, No. 9 Jin Long Road, Shenzhen",CN,,sales@sunrise.example,c
4,,Sunrise Trdg Co.,,,CN,,sales@sunrise.example,d
5,,Sunrise Trdg Co.,,,CN,,sales@sunrise.example,e
6,,Maria Lopez,1981-05-05,,MX,,,f
7,bogus,X,,,,,,g
"""


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def test_dedupe_writes_entities_pairs_and_rejects(tmp_path: Path) -> None:
    source = tmp_path / "parties.csv"
    source.write_text(RECORDS)
    out, pairs = tmp_path / "entities.csv", tmp_path / "pairs.csv"
    result = CliRunner().invoke(app, ["resolve", "dedupe", str(source), "--out", str(out), "--pairs", str(pairs)])
    assert result.exit_code == 0, result.output
    entity = {r["id"]: r["entity_id"] for r in _rows(out)}
    assert entity == {"1": "1", "2": "1", "3": "3", "4": "3", "5": "3", "6": "6"}
    scored = {(r["id_l"], r["id_r"]): r for r in _rows(pairs)}
    assert "same date of birth" in scored[("1", "2")]["explanation"]
    assert "same e-mail" in scored[("3", "4")]["explanation"]
    assert scored[("4", "5")]["explanation"] == "identical after normalization"
    rejects = _rows(tmp_path / "entities.csv.rejects.csv")
    assert [(r["row"], r["id"]) for r in rejects] == [("8", "7")]
    assert "6 records → 3 entities" in result.output
    assert "ignored columns: notes" in result.output and "1 rows rejected" in result.output


def test_link_mode_matches_across_files_only(tmp_path: Path) -> None:
    left, right = tmp_path / "a.csv", tmp_path / "b.csv"
    left.write_text("id,name,email\na1,Luis Hall,luis.hall@mailhub.example\na2,Luis Hall,\n")
    right.write_text("id,name,email\nb1,\"HALL, Luis\",Luis.Hall@mailhub.example\n")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["resolve", "dedupe", str(left), "--link", str(right), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert {r["id"]: r["entity_id"] for r in _rows(out)} == {"a1": "a1", "a2": "a2", "b1": "a1"}


def test_bad_input_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    runner = CliRunner()
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    no_id = tmp_path / "no_id.csv"
    no_id.write_text("name\nAna\n")
    for args, message in (([str(empty)], "is empty"), ([str(no_id)], "has no id column"),
                          ([str(tmp_path / "missing.csv")], "No such file"),
                          ([str(no_id), "--engine", "oracle"], "--engine must be one of")):
        result = runner.invoke(app, ["resolve", "dedupe", *args, "--out", str(tmp_path / "o.csv")])
        assert result.exit_code == 2, (args, result.output)
        assert "error:" in result.output and message in result.output, result.output
