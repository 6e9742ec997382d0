"""Rules (a code, a name, a message template and an explain page) and the findings they produce."""

from __future__ import annotations

import enum
import inspect
import re
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

__all__ = ["TOLERATED", "Finding", "Rule", "Severity", "all_rules", "apply_profile", "dedupe",
           "rule_for"]

EXPLAIN_SECTIONS = ("What it checks", "Why it matters", "Example", "How to fix", "Rounds", "Source")
_CODE = re.compile(r"^(STR|SYS|MEA|LG|ACC|CMP|PWR|MOB|RUL|INT)\d{3}$")


class Severity(str, enum.Enum):
    ERROR = "error"      # the result is invalid
    WARNING = "warning"  # valid, but a reviewer should look
    INFO = "info"        # provenance, e.g. an inferred result

    def __str__(self) -> str:
        return self.value


_REGISTRY: dict[str, type[Rule]] = {}


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
        if code in _REGISTRY and _REGISTRY[code] is not cls:
            raise ValueError(f"rule code {code} used twice")
        _REGISTRY[code] = cls

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
        message = cls.message.format(expected=expected, found=found, locator=locator, **fields)
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

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR.value

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if d["detail"] is None:
            del d["detail"]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        return cls(**d)

    def downgraded(self, severity: Severity) -> Finding:
        return Finding(**{**asdict(self), "severity": severity.value})


def all_rules() -> dict[str, type[Rule]]:
    """Every registered rule, by code (imports the check modules so all are present)."""
    from . import checks  # noqa: F401  (registers the rules)
    from .mobile import codes  # noqa: F401

    return dict(sorted(_REGISTRY.items()))


def rule_for(code: str) -> type[Rule] | None:
    return all_rules().get(code.upper())


TOLERATED = "tolerated by --profile published"


def dedupe(findings: list[Finding]) -> list[Finding]:
    """The first of each finding that more than one check (or file) reported."""
    seen, out = set(), []
    for f in findings:
        key = (f.code, f.path, f.locator, str(f.found), f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def apply_profile(findings: list[Finding], profile: str) -> list[Finding]:
    """smoke: run-length errors become warnings; published: the tolerated ones, marked as such."""
    if profile not in ("smoke", "published"):
        return findings
    rules = all_rules()
    out = []
    for f in findings:
        rule = rules[f.code]
        if f.is_error and profile == "smoke" and rule.run_length:
            f = f.downgraded(Severity.WARNING)
        elif f.is_error and profile == "published" and rule.published_tolerated:
            f = Finding(**{**asdict(f), "severity": Severity.WARNING.value, "detail": TOLERATED})
        out.append(f)
    return out
