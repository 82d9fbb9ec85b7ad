"""Identifiers that tips and parties carry: phone numbers, emails, crypto addresses, usernames, plates.

Crypto addresses are structurally valid (checksums included) but random: they belong to no one.
"""

from __future__ import annotations

import hashlib

import numpy as np

from pathways.world.rng import pick

# Country calling code, national significant number patterns (first digits, total length).
_PHONE_PLANS: dict[str, tuple[str, tuple[str, ...], int]] = {
    "CN": ("86", ("13", "15", "17", "18", "19"), 11),
    "HK": ("852", ("5", "6", "9"), 8),
    "MX": ("52", ("55", "33", "81", "664"), 10),
    "GB": ("44", ("7",), 10),
    "TR": ("90", ("53", "54"), 10),
    "RU": ("7", ("9",), 10),
    "IN": ("91", ("9", "8", "7"), 10),
    "CO": ("57", ("3",), 10),
    "IT": ("39", ("3",), 10),
    "FR": ("33", ("6", "7"), 9),
    "DE": ("49", ("15", "16", "17"), 11),
    "TH": ("66", ("8", "9"), 9),
    "VN": ("84", ("9", "3"), 9),
    "AE": ("971", ("50", "55"), 9),
    "CA": ("1", ("416", "604", "514"), 10),
    "ES": ("34", ("6", "7"), 9),
    "JP": ("81", ("70", "80", "90"), 10),
    "KR": ("82", ("10",), 10),
    "TW": ("886", ("9",), 9),
    "BD": ("880", ("17", "18", "19"), 10),
    "MY": ("60", ("1",), 9),
    "PK": ("92", ("3",), 10),
    "SG": ("65", ("8", "9"), 8),
    "ID": ("62", ("81",), 10),
    "PT": ("351", ("9",), 9),
    "CH": ("41", ("7",), 9),
    "SE": ("46", ("7",), 9),
    "NL": ("31", ("6",), 9),
    "BR": ("55", ("11",), 11),
    "NG": ("234", ("80", "70"), 10),
    "GT": ("502", ("5",), 8),
    "HN": ("504", ("9",), 8),
    "DO": ("1", ("809", "829"), 10),
    "PH": ("63", ("9",), 10),
    "UA": ("380", ("67", "50"), 9),
    "KZ": ("7", ("70",), 10),
}
PHONE_COUNTRIES: frozenset[str] = frozenset(_PHONE_PLANS) | {"US", "PR", "VI", "GU", "AS", "MP"}
_US_AREA_CODES = ("212", "213", "305", "312", "404", "415", "469", "512", "602", "617", "646", "702", "713",
                  "718", "786", "832", "909", "917", "949", "956", "210", "915", "619", "206", "303", "313")


def phone_e164(rng: np.random.Generator, country: str, area_code: str | None = None) -> str:
    """A plausible E.164 number for a country (US/territories use NANP with a real area code).

    Countries without a plan here get a US number: callers keep foreign parties to planned countries.
    """
    if country not in _PHONE_PLANS:
        area = area_code or pick(rng, _US_AREA_CODES)
        exchange = int(rng.integers(200, 1000))
        return f"+1{area}{exchange:03d}{int(rng.integers(0, 10000)):04d}"
    cc, prefixes, length = _PHONE_PLANS[country]
    prefix = pick(rng, prefixes)
    rest = "".join(str(int(d)) for d in rng.integers(0, 10, length - len(prefix)))
    return f"+{cc}{prefix}{rest}"


def phone_display(rng: np.random.Generator, e164: str) -> str:
    """The same number as a person would write it."""
    if e164.startswith("+1") and len(e164) == 12:
        n = e164[2:]
        style = int(rng.integers(4))
        return (f"({n[:3]}) {n[3:6]}-{n[6:]}", f"{n[:3]}-{n[3:6]}-{n[6:]}", f"{n[:3]}.{n[3:6]}.{n[6:]}",
                f"+1 {n[:3]} {n[3:6]} {n[6:]}")[style]
    if rng.random() < 0.5:
        return e164
    body = e164[1:]
    return f"+{body[:2]} {body[2:5]} {body[5:9]} {body[9:]}".strip()


WEBMAIL = ("swiftmail.example", "postbox.example", "inboxly.example", "qmail.example", "mailhub.example")


def email_for(rng: np.random.Generator, local_words: list[str], domain: str | None = None) -> str:
    words = [w.lower().replace("'", "") for w in local_words if w]
    sep = pick(rng, (".", "_", "", "."))
    local = sep.join(words)
    if rng.random() < 0.5:
        local += str(int(rng.integers(1, 999)))
    return f"{local}@{domain or pick(rng, WEBMAIL)}"


# --- crypto -------------------------------------------------------------------------------------

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58check(payload: bytes) -> str:
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + out


def base58check_decode(text: str) -> bytes | None:
    n = 0
    for ch in text:
        i = _B58.find(ch)
        if i < 0:
            return None
        n = n * 58 + i
    pad = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    raw = b"\0" * pad + body
    if len(raw) < 5:
        return None
    payload, check = raw[:-4], raw[-4:]
    return payload if hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] == check else None


_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if ((top >> i) & 1) else 0
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp]


def _convertbits(data: bytes, frombits: int, tobits: int) -> list[int]:
    acc = bits = 0
    out: list[int] = []
    maxv = (1 << tobits) - 1
    for value in data:
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if bits:
        out.append((acc << (tobits - bits)) & maxv)
    return out


def bech32_segwit_v0(program: bytes, hrp: str = "bc") -> str:
    data = [0, *_convertbits(program, 8, 5)]
    polymod = _polymod(_hrp_expand(hrp) + data + [0] * 6) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32[d] for d in data + checksum)


def bech32_verify(addr: str) -> bool:
    addr = addr.lower()
    pos = addr.rfind("1")
    if pos < 1 or pos + 7 > len(addr):
        return False
    hrp, data = addr[:pos], addr[pos + 1 :]
    if any(c not in _BECH32 for c in data):
        return False
    return _polymod(_hrp_expand(hrp) + [_BECH32.find(c) for c in data]) == 1


def btc_address(rng: np.random.Generator) -> str:
    raw = rng.bytes(20)
    kind = int(rng.integers(3))
    if kind == 0:
        return base58check(b"\x00" + raw)  # P2PKH, starts with 1
    if kind == 1:
        return base58check(b"\x05" + raw)  # P2SH, starts with 3
    return bech32_segwit_v0(raw)  # P2WPKH, starts with bc1q


def eth_address(rng: np.random.Generator) -> str:
    return "0x" + rng.bytes(20).hex()


# --- handles, plates, vessels --------------------------------------------------------------------

_HANDLE_WORDS = ("shadow", "lucky", "deal", "king", "queen", "fast", "drop", "plug", "boss", "ghost", "wave",
                 "cash", "gold", "zen", "nova", "vibe", "city", "real", "official", "store")


def username(rng: np.random.Generator) -> str:
    a, b = pick(rng, _HANDLE_WORDS), pick(rng, _HANDLE_WORDS)
    sep = pick(rng, ("_", "", ".", "_"))
    return f"@{a}{sep}{b}{int(rng.integers(1, 1000)) if rng.random() < 0.7 else ''}"


def plate(rng: np.random.Generator, state: str) -> str:
    letters = "".join(chr(65 + int(x)) for x in rng.integers(0, 26, 3))
    return f"{state} plate {letters}-{int(rng.integers(1000, 10000))}"


_VESSEL_WORDS = ("Sea", "Lark", "Star", "Marlin", "Dorado", "Aurora", "Bella", "Esperanza", "Pelican", "Wind")


def vessel(rng: np.random.Generator) -> str:
    return f"M/V {pick(rng, _VESSEL_WORDS).upper()} {pick(rng, _VESSEL_WORDS).upper()}"
