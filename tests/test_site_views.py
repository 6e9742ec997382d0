"""The site as people read MLPerf results (issue "Publish every result"), in a real headless
Chromium: every valid result on the page, the benchmark and scenario pickers, best first, readable
charts, Compare in one direction, official IDs, the view in the URL, and what `report` leaves out."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner
from selenium.webdriver.support.ui import Select, WebDriverWait

from infercheck.cli import main

from .conftest import corpus, read_site_data
from .test_site_browser import browser, drawn_charts, rows  # noqa: F401 - the fixture, shared

ROUNDS = {"v2.1": "inference-v2.1", "v4.1": "inference-v4.1", "v5.1": "inference-v5.1"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    base = tmp_path_factory.mktemp("views")
    result = CliRunner().invoke(main, ["report", *(str(corpus(f)) for f in ROUNDS.values()),
                                       "--out", str(base / "site"), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    return base / "site"


@pytest.fixture(scope="module")
def table(site):
    return pd.read_parquet(site / "downloads" / "results.parquet")


def _open(driver, site, view=""):
    driver.get("about:blank")
    driver.get((site / "index.html").as_uri() + (f"#{view}" if view else ""))
    return rows(driver)


def _show_all(driver):
    more = driver.find_elements("id", "show-all")
    if more:
        more[0].click()


def _in_tab(table: pd.DataFrame, tab: str) -> pd.DataFrame:
    if tab == "power":
        return table[table["power_value"].notna()]
    if tab.endswith(" closed") and not tab.startswith("mobile"):
        suite = tab.split()[0]
        return table[(table["division"] == "closed")
                     & table["system_type"].fillna("").str.contains(suite)]
    return table[table["division"] == tab]


@pytest.mark.parametrize("round_name", list(ROUNDS))
def test_every_result_of_each_tab_is_in_the_table(browser, site, table, round_name):  # noqa: F811
    """The DOM holds one value per result of the results table, tab by tab (the open division
    too, where a submitter ran several models for one benchmark)."""
    _open(browser, site, f"round={round_name}")
    tabs = [b.get_attribute("data-tab") for b in browser.find_elements("css selector", "#tabs button")]
    mine = table[table["round"] == round_name]
    assert "open" in tabs
    for tab in tabs:
        _open(browser, site, f"round={round_name}&tab={tab.replace(' ', '+')}")
        _show_all(browser)
        shown = browser.find_elements("css selector", "#results tbody tr.system a.value")
        expected = _in_tab(mine, tab)
        assert len(shown) == len(expected), (round_name, tab)
        assert int(browser.find_element("id", "count").get_attribute("data-results")) == len(expected)
        # every value of the tab, as the table holds it
        wanted = "power_value" if tab == "power" else "value"
        assert sorted(float(a.text) for a in shown) == pytest.approx(sorted(expected[wanted]), rel=1e-5)


def test_the_open_division_names_each_model_used_with_its_accuracy(browser, site):  # noqa: F811
    _open(browser, site, "round=v2.1&tab=open")
    text = browser.find_element("id", "results").text
    # NeuralMagic's three bert-99 models, each a row: obert-mobilebert's 928.575 the best
    for model in ("bert-99_obert-large", "bert-99_obert-mobilebert", "bert-99_prune-ofa-large"):
        assert model in text
    assert "928.575" in text and "acc 90.3207" in text
    top = browser.find_element("css selector", '#top table.top[data-top="bert-99 Offline"]')
    first = top.find_elements("css selector", "tr")[1].text
    assert "obert-mobilebert" in first and "928.575" in first
    # and in the spreadsheet: a row per model used
    import openpyxl

    book = openpyxl.load_workbook(site / "downloads" / "results.xlsx")
    sheet = book["v2.1 edge open"]
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert {"bert-99_obert-large", "bert-99_obert-mobilebert", "bert-99_prune-ofa-large"} <= set(values)
    assert 928.575 in values and 230.743 in values


def test_the_benchmark_and_scenario_pickers(browser, site):  # noqa: F811
    _open(browser, site, "round=v4.1&tab=edge+closed")
    heads = [h.text for h in browser.find_elements("css selector", "#results thead tr:last-child th")]
    assert "Benchmark" in heads and {"a#", "Nodes", "Processor", "p#"} <= set(heads)
    Select(browser.find_element("id", "f-bench")).select_by_value("resnet")
    heads = [h.text for h in browser.find_elements("css selector", "#results thead tr:last-child th")]
    assert "Benchmark" not in heads  # one benchmark: its units in each scenario's header
    assert any(h.startswith("Offline (Samples/s)") for h in heads)
    assert any(h.startswith("SingleStream (Latency (ms))") and "↓ better" in h for h in heads)
    scenarios = [o.get_attribute("value") for o in
                 browser.find_elements("css selector", "#f-scen option")][1:]
    assert scenarios == ["SingleStream", "MultiStream", "Offline"]
    Select(browser.find_element("id", "f-scen")).select_by_value("Offline")
    heads = [h.get_attribute("data-sort") for h in
             browser.find_elements("css selector", "#results thead tr:last-child th")]
    assert [h for h in heads if h and h.startswith("s:")] == ["s:Offline"]
    charts = browser.find_elements("css selector", "#charts .chart")
    assert [c.get_attribute("data-chart") for c in charts] == ["resnet Offline"]


def test_filter_lists_hold_only_what_the_tab_holds(browser, site, table):  # noqa: F811
    _open(browser, site, "round=v4.1&tab=edge+closed")
    offered = {o.get_attribute("value") for o in
               browser.find_elements("css selector", "#f-submitter option")} - {""}
    edge = _in_tab(table[table["round"] == "v4.1"], "edge closed")
    assert offered == set(edge["submitter"])
    datacenter = _in_tab(table[table["round"] == "v4.1"], "datacenter closed")
    # a submitter of the other tab only is not offered here
    only = set(datacenter["submitter"]) - set(edge["submitter"])
    assert only and not only & offered


def _column(driver, key):
    heads = [h.get_attribute("data-sort") for h in
             driver.find_elements("css selector", "#results thead tr:last-child th")]
    col = heads.index(key)
    cells = [r.find_elements("css selector", "td")[col].text for r in rows(driver)]
    return [float(c.split()[0]) for c in cells if c]


@pytest.mark.parametrize("scenario,best_first_is_high", [("Offline", True), ("SingleStream", False)])
def test_a_value_column_sorts_best_first_on_the_first_click(browser, site, scenario,  # noqa: F811
                                                            best_first_is_high):
    _open(browser, site, "round=v4.1&tab=edge+closed&benchmark=resnet")
    browser.find_element("css selector", f'th[data-sort="s:{scenario}"]').click()
    values = _column(browser, f"s:{scenario}")
    assert len(values) > 2 and values == sorted(values, reverse=best_first_is_high)


def _chart_labels(driver):
    drawn_charts(driver)
    return driver.execute_script(
        "return [...document.querySelectorAll('#charts .chart')].map(c => {"
        " const b = c.getBoundingClientRect();"
        " const ticks = [...c.querySelectorAll('.xtick text')];"
        " return {name: c.dataset.chart, single: c.classList.contains('single'), width: b.width,"
        "  wanted: c._fullLayout.xaxis.ticktext.map(t => t.replace(/<br>/g, '')),"
        "  drawn: ticks.map(t => t.textContent),"
        "  cut: ticks.filter(t => { const r = t.getBoundingClientRect();"
        "   return r.left < b.left - 1 || r.right > b.right + 1 || r.top < b.top - 1"
        "    || r.bottom > b.bottom + 1; }).map(t => t.textContent),"
        "  y2: c.data.some(t => t.yaxis === 'y2'),"
        "  colours: c.data.filter(t => t.type === 'bar').map(t => [t.name, t.marker.color])}; })")


@pytest.mark.parametrize("width", [1400, 390])
def test_chart_labels_tell_bars_apart_at_desktop_and_phone_width(browser, site, width):  # noqa: F811
    browser.set_window_size(width, 900)
    try:
        for view in ("round=v4.1&tab=edge+closed", "round=v2.1&tab=open",
                     "round=v5.1&tab=datacenter+closed", "round=v5.1&tab=power"):
            _open(browser, site, view)
            charts = _chart_labels(browser)
            assert charts, view
            colour = {}
            for chart in charts:
                # a label per bar, each its own (ID and a short name), drawn whole, in its box
                assert chart["drawn"] == [t.replace("&amp;", "&") for t in chart["wanted"]] \
                    or len(chart["drawn"]) == len(chart["wanted"]), chart
                assert len(set(chart["drawn"])) == len(chart["drawn"]), chart
                assert all(re.match(r"^v?\d+\.\d+-\d{4}\S", t) for t in chart["drawn"]), chart
                assert not chart["cut"], chart
                # a colour per submitter, the same in every chart, two submitters never one
                names = dict(chart["colours"])
                assert len(set(names.values())) == len(names), chart
                for name, c in names.items():
                    assert colour.setdefault(name, c) == c
                if chart["single"]:
                    assert chart["width"] <= 470
            # one power point: no second axis for it
            if view.endswith("power"):
                assert not any(c["y2"] for c in charts)
    finally:
        browser.set_window_size(1400, 1000)


def test_compare_says_better_and_worse_in_the_chart_s_direction(browser, site):  # noqa: F811
    data = read_site_data(site)
    untether = sorted((s for s in data["systems"] if s["round"] == "v4.1"
                       and s["submitter"] == "UntetherAI" and s["division"] == "closed"
                       and any(r["scenario"] == "SingleStream" for r in s["results"])),
                      key=lambda s: s["id"])
    single = {s["id"]: next(r["value"] for r in s["results"] if r["scenario"] == "SingleStream"
                            and r["model"] == "resnet") for s in untether}
    fast, slow = min(single, key=single.get), max(single, key=single.get)
    _open(browser, site, f"round=v4.1&a={slow}&b={fast}")
    WebDriverWait(browser, 10).until(lambda d: d.find_element("id", "compare").text)
    line = next(tr for tr in browser.find_elements("css selector", "#compare tbody tr")
                if tr.text.startswith("resnet SingleStream"))
    verdict = line.find_elements("css selector", "td")[3].text
    # B's latency is lower: B is better, as a share of A above 100 %, two decimals
    number = float(re.fullmatch(r"(\d+\.\d\d)[\u00a0 ]% better", verdict).group(1))
    assert number == pytest.approx(100 * single[slow] / single[fast], abs=0.01)
    assert "Latency (ms)" in line.find_elements("css selector", "td")[1].text  # units on figures
    chart = WebDriverWait(browser, 20).until(
        lambda d: d.find_element("id", "compare-chart").get_attribute("data-drawn")
        and d.find_element("id", "compare-chart"))
    bars = browser.execute_script("return arguments[0].data[0]", chart)
    y = dict(zip(bars["x"], bars["y"], strict=True))["resnet SingleStream"]
    assert y == pytest.approx(number, abs=0.01) and y > 100
    text = browser.find_element("id", "compare").text
    assert "a# (accelerators in all)" in text and "per node" in text
    # per accelerator: throughput divided by a#
    browser.find_element("id", "cmp-per-acc").click()
    assert "Samples/s per accelerator" in browser.find_element("id", "compare").text


def test_the_panel_and_top_results_say_what_they_mean(browser, site):  # noqa: F811
    _open(browser, site, "round=v2.1&tab=open")
    rows(browser)[0].find_element("css selector", "button.expand").click()
    panel = browser.find_element("css selector", "#results tr.details").text
    assert "N/A ×" not in panel and "× 0" not in panel and "Model used" in panel
    _open(browser, site, "round=v2.1&tab=edge+closed")
    for r in range(len(rows(browser))):
        row = rows(browser)[r]
        row.find_element("css selector", "button.expand").click()
    panels = " ".join(p.text for p in browser.find_elements("css selector", "#results tr.details"))
    assert "edge,datacenter" not in panels and "datacenter,edge" not in panels
    heads = [th.text for th in browser.find_elements("css selector", "#top th")]
    assert "Efficiency" not in heads  # always with its unit
    assert any(re.fullmatch(r"Efficiency \((samples per joule|.+ per watt)\)", h) for h in heads)


def test_the_view_is_in_the_url_and_the_back_button_steps_through_views(browser, site):  # noqa: F811
    _open(browser, site)
    Select(browser.find_element("id", "round")).select_by_value("v4.1")
    browser.find_element("css selector", '#tabs button[data-tab="edge closed"]').click()
    Select(browser.find_element("id", "f-bench")).select_by_value("resnet")
    Select(browser.find_element("id", "f-scen")).select_by_value("Offline")
    Select(browser.find_element("id", "f-submitter")).select_by_value("UntetherAI")
    browser.find_element("css selector", 'th[data-sort="s:Offline"]').click()
    ids = [o.get_attribute("value") for o in browser.find_elements("css selector", "#cmp-a option")][1:]
    Select(browser.find_element("id", "cmp-a")).select_by_value(ids[0])
    Select(browser.find_element("id", "cmp-b")).select_by_value(ids[1])
    url = browser.current_url
    for part in ("round=v4.1", "tab=edge+closed", "benchmark=resnet", "scenario=Offline",
                 "submitter=UntetherAI", "sort=s%3AOffline%3Adesc", f"a={ids[0]}", f"b={ids[1]}"):
        assert part in url, (part, url)
    table = browser.find_element("id", "results").text
    compare = browser.find_element("id", "compare").text
    # back: the view before the comparison's B, then before the sort, then before the filter
    browser.back()
    WebDriverWait(browser, 10).until(lambda d: f"b={ids[1]}" not in d.current_url)
    assert "a=" in browser.current_url
    browser.back()
    browser.back()
    WebDriverWait(browser, 10).until(lambda d: "sort=" not in d.current_url)
    browser.back()
    WebDriverWait(browser, 10).until(lambda d: "submitter=" not in d.current_url)
    assert Select(browser.find_element("id", "f-submitter")).first_selected_option.text == "all"
    assert Select(browser.find_element("id", "f-scen")).first_selected_option.text == "Offline"
    # the link reproduces the view
    _open(browser, site, url.split("#", 1)[1])
    assert browser.find_element("id", "results").text == table
    assert WebDriverWait(browser, 10).until(lambda d: d.find_element("id", "compare").text) == compare
    assert Select(browser.find_element("id", "f-submitter")).first_selected_option.text == "UntetherAI"


def test_official_ids_where_the_round_publishes_them(site, table):
    published = json.loads((site / "downloads" / "summary_results_v5.1.json").read_text("utf-8"))
    by_system = {}
    for entry in published:
        by_system.setdefault(entry["Platform"], set()).add(entry["ID"])
    v51 = table[table["round"] == "v5.1"]
    assert v51["id"].str.fullmatch(r"5\.1-\d{4}").all()
    for system, ids in v51.groupby("system")["id"]:
        assert set(ids) <= by_system[system]
    # v4.1's script wrote only its spreadsheet, numbered as MLCommons numbers (4.1-0001); the
    # site numbers only the rounds that publish nothing (v2.1), in its own file
    assert table[table["round"] == "v4.1"]["id"].str.fullmatch(r"4\.1-\d{4}").all()
    own = json.loads((site / "downloads" / "results_ids.json").read_text("utf-8"))
    assert own and not [k for k in own if k.startswith(("v5.1/", "v4.1/"))]
    assert table[table["round"] == "v2.1"]["id"].str.startswith("v2.1-").all()
    # kept across rebuilds
    for name in ("ids_v5.1.json", "ids_v4.1.json"):
        assert json.loads((site / "downloads" / name).read_text("utf-8"))


def test_report_says_what_it_left_out_and_titles_a_mobile_site(browser, tmp_path):  # noqa: F811
    done = CliRunner().invoke(main, ["report", str(corpus("mobile-v4.1")), "--out", str(tmp_path / "s")])
    assert done.exit_code == 2
    assert ("19 results left out as invalid under the strict profile; `--profile published` "
            "publishes what the round published") in done.output
    done = CliRunner().invoke(main, ["report", str(corpus("mobile-v4.1")), "--profile", "published",
                                     "--out", str(tmp_path / "site")])
    assert done.exit_code == 0, done.output
    assert "MLPerf Mobile results" in done.output and "left out" not in done.output
    browser.get((tmp_path / "site" / "index.html").as_uri())
    assert rows(browser)
    assert browser.title == "MLPerf Mobile results"
    assert browser.find_element("tag name", "h1").text == "MLPerf Mobile results"
    assert not browser.find_element("id", "f-power").is_displayed()
