"""Text from the filesystem that UTF-8 cannot spell, made writable.

Linux allows any bytes in a file name; Python hands the ones that are not UTF-8 over as lone
surrogates (PEP 383), which no UTF-8 file, Parquet column or terminal accepts. Every output
shows such a byte the way Python writes it in a bytes literal, `\\xff`, so a folder named
b"Acme\\xff" is reported as `Acme\\xff` everywhere (text, JSON, CSV, Parquet, site).
"""

from __future__ import annotations

from typing import Any

__all__ = ["readable", "readable_all"]


def readable(text: str) -> str:
    """`text` with each byte that was not UTF-8 written as \\xNN."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return "".join(f"\\x{ord(c) - 0xDC00:02x}" if 0xDC80 <= ord(c) <= 0xDCFF else c
                       for c in text)


def readable_all(value: Any) -> Any:
    """`value` (strings, and lists and dicts of them, keys too) made readable throughout."""
    if isinstance(value, str):
        return readable(value)
    if isinstance(value, dict):
        return {readable_all(k): readable_all(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [readable_all(v) for v in value]
    return value
