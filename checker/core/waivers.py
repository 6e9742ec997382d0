"""Waivers: findings the working group allowed, read from a YAML file (schemas/waivers.schema.json).

A waived finding is never dropped: it stays in the report at warning severity, marked with the
waiver (its reason, who granted it, the round it expires in) and its own severity, so that its
result's verdict follows and a reader sees why. An entry that waives nothing, or that has
expired, is a finding about the check (RUL003, RUL004)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from infercheck.checker.core.findings import CodeIndex, Finding, Rule, Severity
from infercheck.checker.core.packs import round_key, schema_errors
from infercheck.checker.core.report import ResultEntry
from infercheck.checker.core.user_files import UserFileError, parse_user_yaml, read_user_text
from infercheck.schemas import load_schema

__all__ = ["ExpiredWaiver", "UnusedWaiver", "WaiverFileError", "Waivers"]


class UnusedWaiver(Rule):
    """A waiver of the `--waivers` file matched no finding of the check.

    What it checks:
        Each entry (result glob, code, optional path glob) waived at least one finding.

    Why it matters:
        A waiver that matches nothing is a typo in its glob or code (and the finding it meant
        is still there, unwaived), or a waiver the tree no longer needs: either way the list
        the working group reads is wrong. In a check of part of the tree (`--submitter`,
        `--select`, `--benchmark`...) an entry may only be out of its reach: the finding is
        then for information.

    Example:
        waiver 2 (closed/Acme/results/*/resnet50/Server, LG003) matched no finding

    How to fix:
        Correct the entry's `result`, `code` or `path`, or remove the entry.

    Rounds:
        All.

    Source:
        infercheck (the official checker's waivers are strings in filter_errors.py).
    """

    code = "RUL003"
    name = "unused-waiver"
    severity = Severity.WARNING
    tags = ("internal", "waivers")
    message = "waiver {number} ({result}, {code}) matched no finding{partial}"


class ExpiredWaiver(Rule):
    """A waiver of the `--waivers` file has expired for the round checked, and is not applied.

    What it checks:
        An entry applies to the rounds before its `expires` round only.

    Why it matters:
        Waivers are granted for a round; the one that let a result through last round does not
        carry over silently. The findings it would have waived count as they are.

    Example:
        waiver 1 (closed/Acme/*, SYS004) expired in v5.0; round v5.1 is checked

    How to fix:
        Ask the working group again, and record the new grant with a later `expires`; or fix
        what the finding says.

    Rounds:
        All.

    Source:
        infercheck.
    """

    code = "RUL004"
    name = "expired-waiver"
    severity = Severity.WARNING
    tags = ("internal", "waivers")
    message = "waiver {number} ({result}, {code}) expired in {expected}; round {found} is checked"


_MAX_BYTES = 1 << 20


class WaiverFileError(UserFileError):
    """The waivers file cannot be read or does not follow its schema: a usage error."""


@dataclass(frozen=True)
class Waiver:
    number: int  # its place in the file, from 1: how findings and messages name it
    result: str
    code: str
    reason: str
    granted_by: str
    expires: str
    path: str | None = None

    def matches(self, result: str | None, f: Finding, codes: CodeIndex) -> bool:
        rule = codes.get(f.code)
        if rule is None or rule is not codes.get(self.code):
            return False
        where = result if result is not None else f.path
        if where is None or not fnmatch.fnmatchcase(where, self.result):
            return False
        return self.path is None or (f.path is not None and fnmatch.fnmatchcase(f.path, self.path))


@dataclass
class Waivers:
    """The waivers of one file, as they apply to one round; counts what each entry waived."""

    source: str
    entries: tuple[Waiver, ...]
    round: str = ""
    used: dict[int, int] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str, codes: CodeIndex) -> Waivers:
        # A waivers file lists findings one by one, not a round's worth: 1 MiB is thousands.
        try:
            text = read_user_text(path, _MAX_BYTES)
        except UserFileError as exc:
            raise WaiverFileError(exc.path, exc.reason) from None
        return cls.parse(text, path, codes)

    @classmethod
    def parse(cls, text: str, source: str, codes: CodeIndex) -> Waivers:
        try:
            data = parse_user_yaml(text, source)
        except UserFileError as exc:
            raise WaiverFileError(exc.path, exc.reason) from None
        return cls._from_data(data, source, codes)

    @classmethod
    def _from_data(cls, data: Any, source: str, codes: CodeIndex) -> Waivers:
        errors = schema_errors(data, load_schema("waivers"))
        if errors:
            raise WaiverFileError(source, f"{errors[0]} (schemas/waivers.schema.json)")
        entries = []
        for number, item in enumerate(data["waivers"], 1):
            if item["code"] not in codes:
                raise WaiverFileError(source, f"waiver {number}: no rule has code "
                                              f"{item['code']!r} (infercheck explain --list)")
            entries.append(Waiver(number=number, **{**item, "code": item["code"].upper()}))
        return cls(source, tuple(entries))

    def for_round(self, round_name: str) -> Waivers:
        return Waivers(self.source, self.entries, round_name)

    def _live(self, w: Waiver) -> bool:
        # A named round (demo) has no place among the numbered ones: no waiver expires in it.
        named = round_key(self.round)[0] == 1
        return not self.round or named or round_key(self.round) < round_key(w.expires)

    def waive(self, findings: Iterable[Finding], codes: CodeIndex,
              result: str | None = None) -> list[Finding]:
        """The findings with those a live entry matches marked waived (the first entry that
        matches, in the file's order)."""
        out = []
        for f in findings:
            w = next((w for w in self.entries if self._live(w) and w.matches(result, f, codes)),
                     None)
            if w is not None:
                self.used[w.number] = self.used.get(w.number, 0) + 1
                f = f.waived_by({"waiver": w.number, "file": self.source, "reason": w.reason,
                                 "granted_by": w.granted_by, "expires": w.expires,
                                 "severity": f.severity})
            out.append(f)
        return out

    def waive_result(self, codes: CodeIndex, entry: ResultEntry) -> ResultEntry:
        entry.findings = self.waive(entry.findings, codes, entry.result)
        return entry

    def closing_findings(self, partial: bool) -> list[Finding]:
        """RUL004 for each expired entry, RUL003 for each live one that waived nothing (for
        information only when the check covered part of the tree)."""
        out = []
        for w in self.entries:
            named = {"number": w.number, "result": w.result, "code": w.code}
            if not self._live(w):
                out.append(ExpiredWaiver.at(self.source, expected=w.expires, found=self.round,
                                            locator=f"waivers[{w.number - 1}]", **named))
            elif not self.used.get(w.number):
                out.append(UnusedWaiver.at(
                    self.source, locator=f"waivers[{w.number - 1}]",
                    severity=Severity.INFO if partial else None,
                    partial=" in this partial check" if partial else "", **named))
        return out

    def for_code(self, code: str, codes: CodeIndex) -> list[Waiver]:
        """The entries that waive `code` (for `explain`)."""
        rule = codes.get(code)
        return [w for w in self.entries if rule is not None and codes.get(w.code) is rule]

    def summary(self) -> dict[str, Any]:
        return {"file": self.source, "entries": len(self.entries),
                "waived_findings": sum(self.used.values())}
