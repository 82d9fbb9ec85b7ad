import hashlib
from pathlib import Path

from typer.testing import CliRunner

from pathways.world.cli import app
from pathways.world.generate import generate_world


def _digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_world(tmp_path, world_dir):
    again = generate_world(tmp_path / "again", seed=11, scale="tiny")
    assert _digests(world_dir) == _digests(again.out_dir)
    other = generate_world(tmp_path / "other", seed=12, scale="tiny")
    a, b = _digests(world_dir), _digests(other.out_dir)
    assert a.keys() == b.keys()
    differing = [k for k in a if a[k] != b[k]]
    assert "tips.jsonl" in differing and "recordations.csv" in differing
    assert any(k.startswith("manifests/") for k in differing)


def test_world_json_lists_every_file_with_its_digest(tiny_world, world_dir):
    import json

    manifest = json.loads((world_dir / "world.json").read_text())
    assert manifest["seed"] == 11 and manifest["scale"] == "tiny"
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    actual = _digests(world_dir)
    actual.pop("world.json")
    assert listed == actual
    assert manifest["counts"] == tiny_world.counts


def test_cli_generates_csv_manifests(tmp_path):
    result = CliRunner().invoke(app, ["generate", "--seed", "4", "--scale", "tiny", "--out", str(tmp_path / "w"),
                                      "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "world written to" in result.output
    header = (tmp_path / "w" / "manifests" / "part-00000.csv").read_text().splitlines()[0]
    assert header.replace('"', "").split(",")[:3] == ["line_id", "entry_number", "arrival_date"]


def test_cli_rejects_unknown_scale(tmp_path):
    result = CliRunner().invoke(app, ["generate", "--scale", "galactic", "--out", str(tmp_path / "w")])
    assert result.exit_code == 2
    assert "unknown scale" in result.output
