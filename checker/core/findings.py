"""Rules (a code, a name, a message template and an explain page) and the findings they produce."""

from __future__ import annotations

import enum
import inspect
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from types import ModuleType
from typing import Any, ClassVar

__all__ = ["CodeIndex", "Finding", "Rule", "Severity", "dedupe", "rules_in"]

EXPLAIN_SECTIONS = ("What it checks", "Why it matters", "Example", "How to fix", "Rounds", "Source")
_CODE = re.compile(r"^(STR|SYS|MEA|LG|ACC|CMP|PWR|MOB|AUD|RUL|INT)\d{3}$")


class Severity(str, enum.Enum):
    ERROR = "error"      # the result is invalid
    WARNING = "warning"  # valid, but a reviewer should look
    INFO = "info"        # provenance, e.g. an inferred result

    def __str__(self) -> str:
        return self.value


def _short(value: Any, limit: int = 200) -> Any:
    """Keep found/expected values printable: long strings and containers are cut."""
    if isinstance(value, str) and len(value) > limit:
        return value[: limit - 3] + "..."
    if isinstance(value, (list, tuple)) and len(value) > 20:
        return [*value[:20], f"... {len(value) - 20} more"]
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    return value


class Rule:
    """Base of every rule; a subclass's docstring is its `explain` page.

    Subclasses set `code`, `name`, `severity`, `tags` and `message`, a `str.format`
    template over `expected`, `found` and any extra keyword given to `at()`.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    tags: ClassVar[tuple[str, ...]] = ()
    message: ClassVar[str]
    # Rules that measure run length; the smoke profile downgrades them to warnings.
    run_length: ClassVar[bool] = False
    # Rules that published rounds broke and still published; the published profile (MLPerf
    # Mobile) downgrades them to warnings and says so in the finding's detail.
    published_tolerated: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        code = cls.__dict__.get("code")
        if code is None:
            return
        if not _CODE.match(code):
            raise ValueError(f"bad rule code {code!r}")

    @classmethod
    def at(
        cls,
        path: str | None,
        *,
        expected: Any = None,
        found: Any = None,
        locator: str | None = None,
        severity: Severity | None = None,
        detail: str | None = None,
        **fields: Any,
    ) -> Finding:
        expected, found = _short(expected), _short(found)
        message = cls.message.format(expected=_as_written(expected), found=_as_written(found),
                                     locator=locator,
                                     **{k: _as_written(v) for k, v in fields.items()})
        return Finding(
            code=cls.code,
            name=cls.name,
            severity=(severity or cls.severity).value,
            path=path,
            locator=locator,
            expected=expected,
            found=found,
            message=message,
            detail=detail,
        )

    @classmethod
    def explain_text(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def sections(cls) -> dict[str, str]:
        """Split the docstring into its `Title:` sections."""
        out: dict[str, str] = {}
        current = "summary"
        for line in cls.explain_text().splitlines():
            stripped = line.strip()
            if stripped.endswith(":") and stripped[:-1] in EXPLAIN_SECTIONS:
                current = stripped[:-1]
                out[current] = ""
                continue
            out[current] = (out.get(current, "") + line + "\n")
        return {k: v.strip() for k, v in out.items()}

    @classmethod
    def to_dict(cls) -> dict[str, Any]:
        return {
            "code": cls.code,
            "name": cls.name,
            "severity": cls.severity.value,
            "tags": list(cls.tags),
            "message": cls.message,
            "run_length": cls.run_length,
            "sections": cls.sections(),
        }


class _Written(float):
    """A float in a message as people write it: 75.6954, not 75.69539999999999 (the binary
    float's shortest repr); the finding keeps the value itself."""

    def __repr__(self) -> str:
        return format(float(self), ".12g")

    __str__ = __repr__


def _as_written(value: Any) -> Any:
    if isinstance(value, float) and not isinstance(value, bool):
        return _Written(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_as_written(v) for v in value)
    return value


@dataclass(frozen=True)
class Finding:
    """One problem (or provenance note) found in a submission; plain JSON values only."""

    code: str
    name: str
    severity: str
    path: str | None
    message: str
    locator: str | None = None
    expected: Any = None
    found: Any = None
    detail: str | None = field(default=None, compare=False)
    # The waiver (core/waivers.py) that allowed it, with the severity it had: None if none did.
    waived: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR.value

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for optional in ("detail", "waived"):
            if d[optional] is None:
                del d[optional]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        return cls(**d)

    def downgraded(self, severity: Severity, detail: str | None = None) -> Finding:
        """The same finding at `severity`; `detail`, if given, says why."""
        changes: dict[str, Any] = {"severity": severity.value}
        if detail is not None:
            changes["detail"] = detail
        return Finding(**{**asdict(self), **changes})

    def waived_by(self, waiver: dict[str, Any]) -> Finding:
        """The same finding allowed by `waiver`: an error becomes a warning, and says why."""
        severity = Severity.WARNING.value if self.is_error else self.severity
        return Finding(**{**asdict(self), "severity": severity, "waived": waiver})


def rules_in(*modules: ModuleType) -> tuple[type[Rule], ...]:
    """The rules defined (not merely imported) in these modules, in code order."""
    found = {obj for module in modules for obj in vars(module).values()
             if isinstance(obj, type) and issubclass(obj, Rule) and "code" in obj.__dict__
             and obj.__module__ == module.__name__}
    return tuple(sorted(found, key=lambda r: r.code))


class CodeIndex:
    """Every rule by its code, checked: a code names one rule, and a renamed code keeps working
    through its alias (`aliases` maps the old code to the new one)."""

    def __init__(self, rules: Iterable[type[Rule]], aliases: dict[str, str] | None = None) -> None:
        self._rules: dict[str, type[Rule]] = {}
        for rule in rules:
            known = self._rules.get(rule.code)
            if known is not None and known is not rule:
                raise ValueError(f"rule code {rule.code} used by {known.__name__} and {rule.__name__}")
            self._rules[rule.code] = rule
        self._rules = dict(sorted(self._rules.items()))
        self.aliases = dict(aliases or {})
        for old, new in self.aliases.items():
            if old in self._rules or new not in self._rules:
                raise ValueError(f"alias {old} -> {new}: the old code must be free, the new one known")

    def __iter__(self) -> Iterator[str]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.get(code) is not None

    def __getitem__(self, code: str) -> type[Rule]:
        rule = self.get(code)
        if rule is None:
            raise KeyError(code)
        return rule

    def get(self, code: str) -> type[Rule] | None:
        code = code.upper()
        return self._rules.get(self.aliases.get(code, code))

    def items(self):
        return self._rules.items()

    def values(self):
        return self._rules.values()

    def __or__(self, other: CodeIndex) -> CodeIndex:
        return CodeIndex([*self.values(), *other.values()], {**self.aliases, **other.aliases})


def dedupe(findings: list[Finding]) -> list[Finding]:
    """The first of each finding that more than one check (or file) reported."""
    seen, out = set(), []
    for f in findings:
        key = (f.code, f.path, f.locator, str(f.found), f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
