"""The `explain` pages: each rule's docstring, rendered as text or as JSON."""

from __future__ import annotations

import json

from infercheck.checker.core.findings import Rule

__all__ = ["explain"]


def explain(rule: type[Rule], fmt: str = "text") -> str:
    """The page of `rule` (look it up by code in a CodeIndex)."""
    if fmt == "json":
        return json.dumps(rule.to_dict(), indent=2)
    head = f"{rule.code} {rule.name} ({rule.severity.value}"
    head += ", run-length: relaxed by --profile smoke)" if rule.run_length else ")"
    return f"{head}\n\n{rule.explain_text()}\n"
