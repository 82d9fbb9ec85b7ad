"""The ``pathways`` command: every group is listed, and bad input is one line with exit code 2."""

from __future__ import annotations

from typer.testing import CliRunner

from pathways.cli import app

runner = CliRunner()


def test_help_lists_the_command_groups() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for group in ("serve", "demo", "db", "users", "tokens", "offices", "audit", "world"):
        assert group in result.output, group


def test_bad_input_is_one_line_and_exit_code_two(database_url: str) -> None:
    result = runner.invoke(app, ["users", "create", "someone", "--roles", "wizard", "--password", "x" * 16])
    assert result.exit_code == 2
    assert result.output.strip().startswith("error:") and "Traceback" not in result.output
    assert "roles are" in result.output


def test_db_current_names_the_head(database_url: str) -> None:
    result = runner.invoke(app, ["db", "current"])
    assert result.exit_code == 0 and "head:" in result.output
