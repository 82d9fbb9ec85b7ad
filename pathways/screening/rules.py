"""Rule weights from a TOML file a supervisor can change; validated whole with a clear error."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pathways.core.errors import InvalidInput
from pathways.core.settings import get_settings

DEFAULT_RULES = Path(__file__).with_name("rules.toml")
WEIGHTS = (
    "mark_exact", "mark_disguised", "mark_typo", "imitation_phrase", "compatibility_phrase",
    "unauthorized_origin", "unauthorized_shipper", "hts_mismatch", "undervalued", "gray_market",
    "party_history_per_event", "party_history_max",
)
RULE_LABELS = {
    "mark_exact": "recorded mark", "mark_disguised": "disguised mark", "mark_typo": "misspelled mark",
    "imitation_phrase": "imitation wording", "compatibility_phrase": "compatibility wording",
    "unauthorized_origin": "unauthorized origin", "unauthorized_shipper": "unauthorized shipper",
    "hts_mismatch": "HTS does not fit", "undervalued": "undervalued", "gray_market": "gray market",
    "party_history": "party history", "sample": "compliance sample",
}


@dataclass(frozen=True)
class Rules:
    threshold: float
    sample_rate: float
    weights: dict[str, float]
    undervalued_ratio: float
    source: str
    digest: str

    def w(self, name: str) -> float:
        return self.weights[name]


def rules_path(path: Path | str | None = None) -> Path:
    if path:
        return Path(path)
    return get_settings().screening_rules or DEFAULT_RULES


def _number(value: object, where: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(f"{where} must be a number, not {value!r}")
    if not low <= float(value) <= high:
        raise InvalidInput(f"{where} must be between {low:g} and {high:g}, not {value!r}")
    return float(value)


def load_rules(path: Path | str | None = None, *, sample_rate: float | None = None,
               threshold: float | None = None) -> Rules:
    """Read and validate the rules file; ``sample_rate`` / ``threshold`` override the file's."""
    p = rules_path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"screening rules {p}: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"screening rules {p}: not valid TOML ({exc})") from None
    where = f"screening rules {p}"
    known = {"threshold", "sample_rate", "weights", "limits"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InvalidInput(f"{where}: unknown key(s) {', '.join(unknown)}")
    weights_in = data.get("weights")
    if not isinstance(weights_in, dict):
        raise InvalidInput(f"{where}: missing [weights] table")
    missing = [k for k in WEIGHTS if k not in weights_in]
    extra = sorted(set(weights_in) - set(WEIGHTS))
    if missing:
        raise InvalidInput(f"{where}: missing weight(s) {', '.join(missing)}")
    if extra:
        raise InvalidInput(f"{where}: unknown weight(s) {', '.join(extra)} (known: {', '.join(WEIGHTS)})")
    weights = {k: _number(weights_in[k], f"{where}: weights.{k}", -100, 100) for k in WEIGHTS}
    limits = data.get("limits", {})
    if not isinstance(limits, dict) or "undervalued_ratio" not in limits:
        raise InvalidInput(f"{where}: missing limits.undervalued_ratio")
    thr = _number(data.get("threshold"), f"{where}: threshold", 0, 100)
    rate = _number(data.get("sample_rate"), f"{where}: sample_rate", 0, 1)
    if threshold is not None:
        thr = _number(threshold, "--threshold", 0, 100)
    if sample_rate is not None:
        rate = _number(sample_rate, "--sample-rate", 0, 1)
    ratio = _number(limits["undervalued_ratio"], f"{where}: limits.undervalued_ratio", 0, 1)
    digest = hashlib.sha256(raw).hexdigest()
    return Rules(thr, rate, weights, ratio, str(p), digest)
