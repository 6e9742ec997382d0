"""Site speed in a real headless Chromium: build a round-sized site, time first paint and a filter.

    python benchmarks/bench_site.py --results 1200

The table is the v2.1 and v4.1 official summary CSVs, their systems repeated under new submitter
names until the site holds about --results results. Target: first paint and a filter under 1 s.
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

    base, _ = load_results([os.path.join(CORPUS, "expected", "inference-v2.1.summary.csv"),
                            os.path.join(CORPUS, "expected", "inference-v4.1.summary.csv")])
    copies = []
    for i in range(max(1, -(-count // len(base)))):
        copy = base.copy()
        copy["submitter"] = copy["submitter"] + f"-{i:02d}"
        copy["result"] = copy["result"].str.replace("/", f"-{i:02d}/", n=2, regex=False)
        copies.append(copy)
    return pd.concat(copies, ignore_index=True).head(count)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=int, default=1200)
    args = parser.parse_args()
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    from infercheck.reports import build_site

    work = tempfile.mkdtemp(prefix="infercheck-site-")
    try:
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
            for attempt in range(3):
                driver.get("file://" + os.path.join(work, "site", "index.html"))
                paint = driver.execute_script(
                    "const e = performance.getEntriesByName('first-contentful-paint')[0];"
                    "return e ? e.startTime : null;")
                ready = driver.execute_script(
                    "return performance.timing.loadEventEnd - performance.timing.navigationStart;")
                filter_ms = driver.execute_script(
                    "const s = document.getElementById('f-submitter');"
                    "s.value = document.querySelector('#results tbody tr.system td:nth-child(3)')"
                    ".textContent; const t = performance.now();"
                    "s.dispatchEvent(new Event('change')); return performance.now() - t;")
                rows = len(driver.find_elements("css selector", "#results tbody tr.system"))
                print(f"run {attempt + 1}: first contentful paint {paint:.0f} ms, load {ready} ms, "
                      f"filter {filter_ms:.0f} ms ({rows} rows left)")
        finally:
            driver.quit()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
