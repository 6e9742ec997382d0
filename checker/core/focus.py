"""Focus: a check of part of a tree or of part of the rules (ruff's --select / --ignore, by
code, family or tag; the benchmarks and scenarios to check), which every verdict and report of
it names, so that a focused run can never pass for a full one."""

from __future__ import annotations

from dataclasses import dataclass

from infercheck.checker.core.findings import CodeIndex, Finding

__all__ = ["Focus"]

# Findings that say how the check itself went: never focused away.
_ALWAYS = ("RUL", "INT")


def _split(values) -> tuple[str, ...]:
    return tuple(v.strip() for value in values or () for v in str(value).split(",") if v.strip())


@dataclass(frozen=True)
class Focus:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    benchmarks: tuple[str, ...] = ()
    scenarios: tuple[str, ...] = ()
    # The folder names `benchmarks` stand for (a model as `rules` prints it, `resnet`, is also
    # its folders' names, resnet50), resolved by the command line from the packs; empty: the
    # names as given. The reports name `benchmarks`, as the user typed them.
    benchmark_folders: tuple[str, ...] = ()

    @classmethod
    def of(cls, select=(), ignore=(), benchmarks=(), scenarios=(), benchmark_folders=()) -> Focus:
        return cls(_split(select), _split(ignore), _split(benchmarks), _split(scenarios),
                   tuple(benchmark_folders))

    @property
    def active(self) -> bool:
        return bool(self.select or self.ignore or self.benchmarks or self.scenarios)

    def describe(self) -> str:
        """What was left out, as the options that left it out."""
        parts = [f"--{name} {','.join(values)}" for name, values in
                 (("select", self.select), ("ignore", self.ignore),
                  ("benchmark", self.benchmarks), ("scenario", self.scenarios)) if values]
        return " ".join(parts)

    @staticmethod
    def _matches(token: str, f: Finding, codes: CodeIndex) -> bool:
        rule = codes.get(f.code)
        return (token.upper() == f.code or (token.isalpha() and f.code.startswith(token.upper()))
                or (rule is not None and (token.lower() in rule.tags or token == rule.name)))

    def keeps_finding(self, f: Finding, codes: CodeIndex) -> bool:
        if f.code.startswith(_ALWAYS):
            return True
        if self.select and not any(self._matches(t, f, codes) for t in self.select):
            return False
        return not any(self._matches(t, f, codes) for t in self.ignore)

    def keeps_result(self, benchmark: str | None, scenario: str | None, folder: str | None) -> bool:
        def named(wanted, *names) -> bool:
            return not wanted or any(str(n).lower() in {w.lower() for w in wanted}
                                     for n in names if n)

        return (named(self.benchmark_folders or self.benchmarks, benchmark)
                and named(self.scenarios, scenario, folder))
