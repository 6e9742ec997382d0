"""audit.html: one table of the audit's flags, filterable by code and submitter, each result a
link into its tree (or the link base given), readable from file:// with no network."""

from __future__ import annotations

import os

from jinja2 import Environment, PackageLoader, select_autoescape

from infercheck.checker.core.outputs import atomic_path

from .links import relative_link

__all__ = ["write_audit_page"]


def write_audit_page(report, folder: str, links: dict[str, str]) -> str:
    """Write `folder`/audit.html; `links`: round ("v4.1", "mobile v4.1") -> the URL prefix its
    results' paths are joined to. Returns the page's path. A path no link may be made of
    (links.relative_link: an audited table may hold `javascript:...`) is shown as text."""
    env = Environment(loader=PackageLoader("infercheck.reports", "templates"),
                      autoescape=select_autoescape(["html", "j2"]))
    rows = []
    for flag in report.flags:
        base = links.get(flag.round) or links.get(f"mobile {flag.round}")
        rows.append({
            "code": flag.finding.code, "name": flag.finding.name, "round": flag.round,
            "submitter": flag.submitter or "", "message": flag.finding.message,
            "results": [(r, f"{base}{r}" if base and relative_link(r) else None)
                        for r in flag.results],
        })
    page = env.get_template("audit.html.j2").render(
        rows=rows, counts=report.counts(), rounds=report.rounds, results=report.results,
        codes=sorted({r["code"] for r in rows}),
        submitters=sorted({r["submitter"] for r in rows if r["submitter"]}))
    path = os.path.join(folder, "audit.html")
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as f:
        f.write(page)
    return path
