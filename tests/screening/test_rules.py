"""Rule weights: a supervisor's TOML file, validated with a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pathways.cli import app
from pathways.core.errors import InvalidInput
from pathways.screening.rules import DEFAULT_RULES, load_rules


def test_the_shipped_rules_load() -> None:
    r = load_rules()
    assert r.threshold == 70 and r.sample_rate == 0.01 and r.w("mark_exact") == 35


def test_overrides_and_bad_files(tmp_path: Path) -> None:
    assert load_rules(sample_rate=0.05).sample_rate == 0.05
    bad = tmp_path / "rules.toml"
    bad.write_text(DEFAULT_RULES.read_text().replace("mark_exact = 35", "mark_exact = \"high\""))
    with pytest.raises(InvalidInput, match=r"weights\.mark_exact must be a number"):
        load_rules(bad)
    bad.write_text(DEFAULT_RULES.read_text().replace("undervalued = 30", "undervalud = 30"))
    with pytest.raises(InvalidInput, match="missing weight\\(s\\) undervalued"):
        load_rules(bad)
    bad.write_text("threshold = [")
    with pytest.raises(InvalidInput, match="not valid TOML"):
        load_rules(bad)
    with pytest.raises(InvalidInput, match="--sample-rate must be between 0 and 1"):
        load_rules(sample_rate=2)


def test_cli_reports_a_bad_rules_file_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "rules.toml"
    bad.write_text(DEFAULT_RULES.read_text().replace("threshold = 70", "threshold = 170"))
    result = CliRunner().invoke(app, ["screening", "rules", str(bad)])
    assert result.exit_code == 2
    assert "threshold must be between 0 and 100" in result.output
    ok = CliRunner().invoke(app, ["screening", "rules"])
    assert ok.exit_code == 0 and "mark_disguised" in ok.output
