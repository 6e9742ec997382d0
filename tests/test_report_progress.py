"""report and audit show the checks' progress, as check does: load_results passes it to each
tree's check (ProgressLine shows it on a terminal once a check takes a second)."""

from __future__ import annotations

from infercheck.reports import load_results

from .conftest import corpus


class _Seen:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int, int]] = []
        self.closed = 0

    def __call__(self, done: int, total: int, results: int) -> None:
        self.calls.append((done, total, results))

    def close(self) -> None:
        self.closed += 1


def test_each_tree_s_check_reports_its_progress_and_clears_it():
    seen = _Seen()
    table, _ = load_results([str(corpus("inference-v2.1")), str(corpus("inference-v4.1"))],
                            progress=seen)
    ends = [c for c in seen.calls if c[0] == c[1]]
    assert len(ends) == 2 and seen.closed == 2
    assert sum(results for _, _, results in ends) >= len(table)
