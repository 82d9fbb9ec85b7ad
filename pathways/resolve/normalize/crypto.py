"""Cryptocurrency addresses: Bitcoin (base58check P2PKH/P2SH, bech32/bech32m segwit) and Ethereum.

Only well-formed addresses with a valid checksum pass; a typo in a BTC address fails its checksum."""

from __future__ import annotations

import hashlib
import re

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {c: i for i, c in enumerate(_BECH32)}
_ETH = re.compile(r"^0x[0-9a-fA-F]{40}$")


def _b58decode(text: str) -> bytes | None:
    n = 0
    for ch in text:
        if ch not in _B58_INDEX:
            return None
        n = n * 58 + _B58_INDEX[ch]
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    pad = len(text) - len(text.lstrip("1"))
    return b"\x00" * pad + body


def _base58check_ok(text: str) -> bool:
    raw = _b58decode(text)
    if raw is None or len(raw) != 25 or raw[0] not in (0x00, 0x05):
        return False
    return hashlib.sha256(hashlib.sha256(raw[:-4]).digest()).digest()[:4] == raw[-4:]


def _polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def _convertbits(data: list[int], frombits: int, tobits: int) -> list[int] | None:
    acc, bits, out, maxv = 0, 0, [], (1 << tobits) - 1
    for value in data:
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if bits >= frombits or ((acc << (tobits - bits)) & maxv):
        return None
    return out


def _bech32_ok(text: str) -> bool:
    if text.lower() != text and text.upper() != text:
        return False
    s = text.lower()
    if not s.startswith("bc1") or not 14 <= len(s) <= 74:
        return False
    data = [_BECH32_INDEX.get(c, -1) for c in s[3:]]
    if -1 in data or len(data) < 7:
        return False
    hrp = [ord(c) >> 5 for c in "bc"] + [0] + [ord(c) & 31 for c in "bc"]
    check = _polymod(hrp + data)
    version = data[0]
    if check not in (1, 0x2BC830A3) or version > 16:
        return False
    if (version == 0) != (check == 1):  # v0 uses bech32, v1+ bech32m (BIP 350)
        return False
    program = _convertbits(data[1:-6], 5, 8)
    if program is None or not 2 <= len(program) <= 40:
        return False
    return not (version == 0 and len(program) not in (20, 32))


def normalize_btc(text: str) -> str | None:
    """A valid Bitcoin mainnet address (bech32 lower-cased), else ``None``."""
    raw = (text or "").strip()
    if raw[:3].lower() == "bc1":
        return raw.lower() if _bech32_ok(raw) else None
    if raw[:1] in ("1", "3") and 26 <= len(raw) <= 35 and _base58check_ok(raw):
        return raw
    return None


def normalize_eth(text: str) -> str | None:
    """``0x`` and 40 hex digits, lower-cased (the EIP-55 mixed case is a display form)."""
    raw = (text or "").strip()
    return raw.lower() if _ETH.match(raw) else None
