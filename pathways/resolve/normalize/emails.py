"""E-mail addresses: trimmed, lower-cased, a syntactically plausible local part and domain."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")


def normalize_email(text: str) -> str | None:
    """``Brian.OBrien@Inboxly.Example`` -> ``brian.obrien@inboxly.example``; ``None`` if not an address."""
    value = (text or "").strip().strip("<>.,;:()[]\"'").lower()
    if value.startswith("mailto:"):
        value = value[7:]
    if len(value) > 254 or not _EMAIL.match(value):
        return None
    local = value.split("@", 1)[0]
    if len(local) > 64:
        return None
    return value
