"""The `explain` pages: each rule's docstring, rendered as text or as JSON."""

from __future__ import annotations

import json

from .findings import rule_for

__all__ = ["explain"]


def explain(code: str, fmt: str = "text") -> str | None:
    """The page of rule `code` (e.g. "LG003"), or None when no rule has that code."""
    rule = rule_for(code)
    if rule is None:
        return None
    if fmt == "json":
        return json.dumps(rule.to_dict(), indent=2)
    head = f"{rule.code} {rule.name} ({rule.severity.value}"
    head += ", run-length: relaxed by --profile smoke)" if rule.run_length else ")"
    return f"{head}\n\n{rule.explain_text()}\n"
