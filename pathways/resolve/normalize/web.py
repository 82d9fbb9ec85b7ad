"""URLs, registered domains (offline public-suffix snapshot) and IP addresses."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

import tldextract

# The snapshot bundled with tldextract; suffix_list_urls=() means it never fetches the list.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=100_000)
def normalize_domain(text: str) -> str | None:
    """The registered domain: ``https://Shop.Veltrano-Outlet.co.uk/x`` -> ``veltrano-outlet.co.uk``.

    Reserved names without a public suffix (``.example``, ``.test``) keep their last two labels."""
    raw = (text or "").strip().lower()
    if not raw:
        return None
    try:
        host = urlsplit(raw if "//" in raw else "//" + raw).hostname or ""
    except ValueError:
        return None
    host = host.strip(".")
    if not host or " " in host or normalize_ip(host) is not None:
        return None
    labels = host.split(".")
    if len(labels) < 2 or not all(labels) or any(len(x) > 63 for x in labels):
        return None
    if not all(ch.isalnum() or ch in "-." for ch in host):
        return None
    parts = _EXTRACT(host)
    if parts.suffix and parts.domain:
        return f"{parts.domain}.{parts.suffix}"
    if labels[-1] in {"example", "test", "invalid", "localhost", "onion"}:
        return ".".join(labels[-2:])
    return None


def normalize_url(text: str) -> str | None:
    """Scheme and host lower-cased, default scheme https, fragment and trailing slash dropped."""
    raw = (text or "").strip().rstrip(".,;:)!?\"'")
    if not raw or len(raw) > 2000 or any(ch.isspace() for ch in raw):
        return None
    if "//" not in raw:
        raw = "https://" + raw
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if normalize_domain(host) is None and normalize_ip(host) is None:
        return None
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), netloc, path, parts.query, ""))


def normalize_ip(text: str) -> str | None:
    """IPv4 or IPv6 in canonical form (``2001:DB8::0:1`` -> ``2001:db8::1``); ``None`` otherwise."""
    raw = (text or "").strip().strip("[]")
    if not raw or len(raw) > 45:
        return None
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None
