"""Category of a tip that came without one: weighted keyword and phrase rules, with the reason in words."""

from __future__ import annotations

import re

CATEGORIES: dict[str, str] = {
    "child_exploitation": "Child exploitation",
    "human_smuggling": "Human smuggling",
    "human_trafficking": "Human trafficking",
    "counterfeit_goods": "Counterfeit goods / IP theft",
    "narcotics_smuggling": "Narcotics smuggling",
    "weapons_export_control": "Weapons and export control",
    "money_laundering": "Money laundering",
    "cyber_crime": "Cyber crime",
    "other": "Other",
}

# phrase -> weight; a phrase is matched on word boundaries, case-insensitively.
RULES: dict[str, dict[str, int]] = {
    "child_exploitation": {"minor": 4, "minors": 4, "child exploitation": 6, "exploits children": 6, "kids": 2,
                           "children": 2, "exploitative material": 5, "pictures from minors": 6, "child": 2},
    "human_smuggling": {"smuggling operation": 5, "across the border": 4, "migrants": 4, "smugglers": 4,
                        "moving people": 4, "dropped at a house": 3, "pick up groups": 3, "smuggling": 2},
    "human_trafficking": {"trafficking": 5, "passports held": 6, "forced to work": 6, "without pay": 3,
                          "fake job offers": 5, "cannot leave": 3, "recruits women": 4},
    "counterfeit_goods": {"counterfeit": 5, "fake": 3, "replica": 4, "sold as real": 4, "knockoff": 4,
                          "knock-off": 4, "sells fake": 5},
    "narcotics_smuggling": {"drugs": 5, "narcotics": 5, "pills": 3, "load arriving": 3, "cocaine": 5,
                            "fentanyl": 6, "meth": 4},
    "weapons_export_control": {"rifle": 4, "firearm": 5, "firearms": 5, "weapons": 5, "without a license": 4,
                               "controlled electronics": 5, "rifle parts": 5, "ammunition": 5},
    "money_laundering": {"launders": 6, "laundering": 6, "shell companies": 5, "cash deposits": 4,
                         "moves cash": 5, "transfers": 2},
    "cyber_crime": {"scammed": 5, "phishing": 6, "ransomware": 6, "never ships": 4, "scam": 4, "hacked": 5},
}
THRESHOLD = 3

_PATTERNS = {cat: [(re.compile(r"\b" + re.escape(p) + r"\b", re.I), p, w) for p, w in rules.items()]
             for cat, rules in RULES.items()}


def classify(narrative: str) -> tuple[str, str]:
    """(category, reason) e.g. ``("human_smuggling", "classified: 'migrants' (4), 'smuggling' (2)")``."""
    best, best_score, best_hits = "other", 0, []
    for cat, patterns in _PATTERNS.items():
        hits = [(p, w) for rx, p, w in patterns if rx.search(narrative)]
        score = sum(w for _, w in hits)
        if score > best_score:
            best, best_score, best_hits = cat, score, hits
    if best_score < THRESHOLD:
        return "other", "classified as other: no category's words were found"
    words = ", ".join(f"'{p}' ({w})" for p, w in sorted(best_hits, key=lambda h: -h[1]))
    return best, f"classified from the narrative: {words}"
