"""Text that XML 1.0 can hold.

XML 1.0 forbids most control characters (\\x00-\\x08, \\x0b, \\x0c, \\x0e-\\x1f), U+FFFE, U+FFFF
and lone surrogates, even as character references: a file holding one is not XML, and no CI
system or spreadsheet program reads it (openpyxl refuses the controls with
IllegalCharacterError). Linux allows them all in a folder name. Each is written as its Python
escape, `\\x1b`, `\\ufffe`, so that the name stays recognisable; a lone surrogate that stands for
a byte that was not UTF-8 (PEP 383) as that byte, as names.readable writes it.
"""

from __future__ import annotations

import re

__all__ = ["xml_text"]

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def xml_text(text: str) -> str:
    """`text` with every character XML 1.0 forbids written as a visible escape."""
    return _FORBIDDEN.sub(_escape, text)
