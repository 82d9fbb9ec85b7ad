"""API token scopes: what a script acting for a user may do, never more than the user may."""

from __future__ import annotations

SCOPES = {
    "read": "Read records the user may see",
    "write": "Create and change records the user may change",
    "audit": "Search the audit log (auditors)",
    "admin": "Manage users, offices and compartments (administrators)",
}


def parse_scopes(text: str | list[str] | tuple[str, ...]) -> frozenset[str]:
    items = text.replace(",", " ").split() if isinstance(text, str) else list(text)
    scopes = frozenset(s.strip().lower() for s in items if s.strip())
    unknown = scopes - SCOPES.keys()
    if unknown:
        raise ValueError(f"unknown scope(s) {', '.join(sorted(unknown))}; choose from {', '.join(SCOPES)}")
    if not scopes:
        raise ValueError("a token needs at least one scope")
    return scopes
