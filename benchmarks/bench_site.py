"""Site speed in a real headless Chromium: build an all-rounds site, time first paint and a filter.

    python benchmarks/bench_site.py               # 25,000 results, every round of the corpus
    python benchmarks/bench_site.py --results 1200
    python benchmarks/bench_site.py --table round.parquet   # a real round: `check --parquet`

The table is every official summary CSV of the corpus (v0.7 to v5.1), each round's systems repeated
under new submitter names until the site holds --results results, about as many as every
published round together. Targets (issue 13): the table painted under 1 s after navigation, a
filter answered (the table redrawn and painted) under 100 ms. Then, per tab of the newest round,
the results the page shows (every row, "show all") beside the results table's count of that tab:
the two are equal (issue "Publish every result").
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.environ.get("INFERCHECK_CORPUS", os.path.join(HERE, "..", "..", "shared", "corpus"))


def round_sized_table(count: int) -> pd.DataFrame:
    from infercheck.reports import load_results

    expected = os.path.join(CORPUS, "expected")
    base, _ = load_results(sorted(os.path.join(expected, name) for name in os.listdir(expected)
                                  if name.endswith(".summary.csv")))
    copies = []
    for i in range(max(1, -(-count // len(base)))):
        copy = base.copy()
        copy["submitter"] = copy["submitter"] + f"-{i:02d}"
        copy["result"] = copy["result"].str.replace("/", f"-{i:02d}/", n=2, regex=False)
        copies.append(copy)
    return pd.concat(copies, ignore_index=True).head(count)


def in_tab(table: pd.DataFrame, tab: str) -> pd.DataFrame:
    """The results of a tab of the page (app.js tabsOf), from the results table."""
    if tab == "power":
        return table[table["power_value"].notna()]
    if tab in ("edge closed", "datacenter closed"):
        return table[(table["division"] == "closed")
                     & table["system_type"].fillna("").str.contains(tab.split()[0])]
    return table[table["division"] == tab]


def dom_counts(driver, site: str, table: pd.DataFrame) -> None:
    """Per tab of the newest round: the results in the DOM beside the table's."""
    newest = sorted(table["round"].unique())[-1]
    driver.get(f"file://{site}#round={newest}")
    tabs = [b.get_attribute("data-tab") for b in driver.find_elements("css selector", "#tabs button")]
    mine = table[table["round"] == newest]
    for tab in tabs:
        driver.get("about:blank")
        driver.get(f"file://{site}#round={newest}&tab={tab.replace(' ', '+')}")
        start = time.perf_counter()
        driver.execute_script("const b = document.getElementById('show-all'); if (b) b.click();")
        shown = driver.execute_script(
            "return document.querySelectorAll('#results tbody tr.system a.value').length")
        expected = len(in_tab(mine, tab))
        print(f"{newest} {tab}: {shown} results in the DOM, {expected} in the results table "
              f"({'equal' if shown == expected else 'DIFFERENT'}; every row drawn in "
              f"{(time.perf_counter() - start) * 1000:.0f} ms)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=int, default=25000)
    parser.add_argument("--table", help="a results table (check --parquet) instead: a whole "
                                        "round as published, its valid results")
    args = parser.parse_args()
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    from infercheck.reports import build_site

    work = tempfile.mkdtemp(prefix="infercheck-site-")
    try:
        if args.table:
            from infercheck.reports import load_results

            table, _ = load_results([args.table])
        else:
            table = round_sized_table(args.results)
        start = time.perf_counter()
        done = build_site(table, os.path.join(work, "site"), ids_path=os.path.join(work, "ids.json"))
        print(f"built {done['results']} results of {done['systems']} systems in "
              f"{time.perf_counter() - start:.2f} s")
        options = Options()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--no-first-run", "--window-size=1400,1000"):
            options.add_argument(arg)
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or
                                                  "/usr/bin/chromedriver"), options=options)
        try:
            driver.set_script_timeout(30)
            for attempt in range(3):
                driver.get("file://" + os.path.join(work, "site", "index.html"))
                # performance.mark("infercheck-data") is the first line of app.js: data.js parsed.
                marks = driver.execute_async_script(
                    "const done = arguments[0];"
                    "const wait = () => performance.getEntriesByName('infercheck-ready').length"
                    " ? done(['infercheck-data', 'infercheck-table', 'infercheck-first-paint',"
                    " 'infercheck-ready'].map(n => performance.getEntriesByName(n)[0].startTime))"
                    " : setTimeout(wait, 20); wait();")
                # A filter: the change handler, then the frame that shows its table.
                filter_ms = driver.execute_async_script(
                    "const done = arguments[0]; const s = document.getElementById('f-submitter');"
                    "s.value = document.querySelector('#results tbody tr.system td:nth-child(3)')"
                    ".textContent; const t = performance.now();"
                    "s.dispatchEvent(new Event('change'));"
                    "const handled = performance.now() - t;"
                    "requestAnimationFrame(() => setTimeout(() => done([handled,"
                    " performance.now() - t]), 0));")
                rows = len(driver.find_elements("css selector", "#results tbody tr.system"))
                # The text search, the widest filter (every field of every system of the round).
                search_ms = driver.execute_async_script(
                    "const done = arguments[0]; document.getElementById('f-submitter').value = '';"
                    "const s = document.getElementById('f-text'); s.value = 'xeon';"
                    "const t = performance.now(); s.dispatchEvent(new Event('input'));"
                    "requestAnimationFrame(() => setTimeout(() => done(performance.now() - t), 0));")
                print(f"run {attempt + 1}: data read {marks[0]:.0f} ms, table built {marks[1]:.0f} ms, "
                      f"first paint {marks[2]:.0f} ms, everything drawn {marks[3]:.0f} ms after "
                      f"navigation; filter handled in "
                      f"{filter_ms[0]:.0f} ms, painted in {filter_ms[1]:.0f} ms ({rows} rows shown); "
                      f"text search painted in {search_ms:.0f} ms")
            dom_counts(driver, os.path.join(work, "site", "index.html"), table)
        finally:
            driver.quit()
        sizes = {name: os.path.getsize(os.path.join(work, "site", "assets", name)) / 1e6
                 for name in ("data.js", "plotly.min.js")}
        print(", ".join(f"{name} {size:.1f} MB" for name, size in sizes.items()))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
