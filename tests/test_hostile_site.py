"""The site of a hostile results table in a real headless Chromium: markup in a name reaches the
charts as text, and a result path that is no relative path becomes no link."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from click.testing import CliRunner
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.support.ui import Select, WebDriverWait

from infercheck.cli import main

from .conftest import copy_slice
from .test_site_browser import browser, drawn_charts, rows  # noqa: F401 - the fixture, shared

NAME = '<a href="javascript:alert(1)">x</a>'
TWIN = "<br>two &lt;b&gt; <i>it</i>"
SUBMITTER = '<span style="color:red">Evil</span> & <b>Co</b>'
MODEL = "resnet <sub>50</sub>"
UNITS = "<b>Samples</b>/s"
SAFE = "closed/UntetherAI/results/twin/resnet50/Offline"
REFUSED = ["javascript:alert(1)", "data:text/html,<script>alert(2)</script>",
           "//evil.example/x", "../../../../etc/passwd", "java\tscript:alert(3)",
           "a/%2e%2e/%2E%2e/%2e%2e/x", " javascript:alert(4)", "\\\\evil.example\\x"]
NAMES = [NAME, TWIN, "plain", "fourth", "fifth"]


def _hostile_table(base):
    """The power slice checked into a table, then edited as anyone may edit a table: two systems
    whose names, submitter, model and units hold markup, and result paths of every kind."""
    tree = copy_slice(base / "tree", "power")
    out = CliRunner().invoke(main, ["check", str(tree), "-q", "--parquet", str(base / "t.parquet")])
    assert out.exit_code == 0, out.output
    one = pd.read_parquet(base / "t.parquet").sort_values("scenario", ignore_index=True)
    assert list(one["scenario"]) == ["Offline", "Server"] and one["valid"].all()
    one = one.assign(system_name=NAME, model=MODEL, result=REFUSED[:2])
    one.loc[one["scenario"] == "Offline", "units"] = UNITS
    two = one.assign(system="twin", system_name=TWIN, submitter=SUBMITTER, result=[SAFE, REFUSED[2]])
    three = one.assign(system="third", system_name="plain", result=[REFUSED[3], REFUSED[0]])
    four = one.assign(system="fourth", system_name="fourth", result=REFUSED[4:6])
    five = one.assign(system="fifth", system_name="fifth", result=REFUSED[6:8])
    table = pd.concat([one, two, three, four, five], ignore_index=True)
    table.to_parquet(base / "hostile.parquet", index=False)
    return base / "hostile.parquet"


@pytest.fixture(scope="module")
def hostile_table(tmp_path_factory):
    return _hostile_table(tmp_path_factory.mktemp("hostile-table"))


def _build(table, out):
    result = CliRunner().invoke(main, ["report", str(table), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def hostile_site(hostile_table, tmp_path_factory):
    return _build(hostile_table, tmp_path_factory.mktemp("hostile-site") / "site")


def _no_alert(driver):
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 - raises when no script ran


def _short(text, n=22):  # app.js's tick label of a name, under the bar's ID
    return text if len(text) <= n else text[:n - 1] + "…"


def _name_of_tick(text):
    """A tick label is the bar's ID over its short name (two lines, one text): the name."""
    return re.sub(r"^.*?-\d{4}", "", text, count=1)


def _svg_anchors(driver, selector):
    return driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].flatMap(c =>"
        " [...c.querySelectorAll('svg a')].map(a => a.outerHTML))", selector)


def test_markup_in_names_reaches_the_charts_as_text(browser, hostile_site):  # noqa: F811
    browser.get((hostile_site / "index.html").as_uri())
    assert len(rows(browser)) == len(NAMES)
    charts = drawn_charts(browser)
    assert len(charts) == 2  # Offline and Server
    assert _svg_anchors(browser, "#charts .chart") == []
    drawn = browser.execute_script(
        "return [...document.querySelectorAll('#charts .chart')].map(c => ({"
        " ticks: [...c.querySelectorAll('.xtick text')].map(t => t.textContent),"
        " legend: [...c.querySelectorAll('.legend .legendtext')].map(t => t.textContent),"
        " title: c.querySelector('.gtitle').textContent,"
        " ytitle: c.querySelector('.g-ytitle text').textContent,"
        " tags: c.querySelectorAll('svg a, svg tspan[style*=\"font-weight\"],"
        "  svg tspan[style*=\"font-style\"], svg tspan[style*=\"fill\"]').length}))")
    for chart in drawn:
        # every bar's name as written (cut to the tick's length), no tag made a style of
        assert sorted(map(_name_of_tick, chart["ticks"])) == sorted(_short(n) for n in NAMES)
        assert SUBMITTER in chart["legend"] and "UntetherAI" in chart["legend"]
        assert chart["title"].startswith(MODEL + " ") and chart["tags"] == 0
    assert {c["ytitle"] for c in drawn} == {UNITS, "Queries/s"}
    # the hover label of each bar: the whole name, as text
    hovers = []
    for chart in charts:
        bars = browser.execute_script("return arguments[0].data.filter(t => t.type === 'bar')"
                                      ".map(t => t.x.length)", chart)
        for curve, points in enumerate(bars):
            for point in range(points):
                # plotly draws one hover per 50 ms: a quicker call would be dropped
                hovers.append(browser.execute_async_script(
                    "const [div, curve, point, done] = arguments; setTimeout(() => {"
                    " Plotly.Fx.hover(div, [{curveNumber: curve, pointNumber: point}]);"
                    " const h = div.querySelector('.hoverlayer');"
                    " done([h.textContent, h.querySelectorAll('a').length]); }, 120)",
                    chart, curve, point))
    assert len(hovers) == 2 * len(NAMES), hovers
    assert any(NAME in text for text, _ in hovers) and any(TWIN in text for text, _ in hovers), hovers
    assert all(anchors == 0 for _, anchors in hovers)
    _no_alert(browser)


def test_markup_in_a_model_reaches_the_compare_chart_as_text(browser, hostile_site):  # noqa: F811
    browser.get((hostile_site / "index.html").as_uri())
    assert rows(browser)
    ids = [o.get_attribute("value") for o in browser.find_elements("css selector", "#cmp-a option")][1:]
    Select(browser.find_element("id", "cmp-a")).select_by_value(ids[0])
    Select(browser.find_element("id", "cmp-b")).select_by_value(ids[1])
    chart = WebDriverWait(browser, 20).until(
        lambda d: d.find_element("id", "compare-chart").get_attribute("data-drawn")
        and d.find_element("id", "compare-chart"))
    ticks = browser.execute_script(
        "return [...arguments[0].querySelectorAll('.xtick text')].map(t => t.textContent)", chart)
    assert sorted(ticks) == [f"{MODEL} Offline", f"{MODEL} Server"]
    assert _svg_anchors(browser, "#compare-chart") == []


def _anchors(driver):
    return driver.execute_script(
        "return [...document.querySelectorAll('a')].map(a => [a.getAttribute('href'), a.href,"
        " a.textContent])")


def _open_every_system(driver):
    for i in range(len(rows(driver))):
        rows(driver)[i].find_element("css selector", "button.expand").click()


def _assert_only_relative_links(driver, site):
    anchors = _anchors(driver)
    hrefs = [href for href, _, _ in anchors if href is not None]
    lowered = [h.strip().lower() for h in hrefs]
    assert not [h for h in lowered if h.startswith(("javascript:", "data:", "vbscript:"))]
    # resolved, each stays below the site's folder (the page is read from file://)
    assert all(url.startswith(site.as_uri() + "/") for href, url, _ in anchors if href is not None)
    return hrefs


def test_a_result_path_that_is_no_relative_path_is_shown_without_a_link(browser, hostile_site):  # noqa: F811
    browser.get((hostile_site / "index.html").as_uri())
    _open_every_system(browser)
    hrefs = _assert_only_relative_links(browser, hostile_site)
    assert hrefs.count(SAFE) == 2  # the value in the table and "files" in its panel
    # every result is still shown: its value in the table, its line in its system's panel
    panels = browser.find_elements("css selector", "#results table.system-results tr")
    assert len(panels) == len(NAMES) * (1 + 2)  # each system's panel: a header, its two results
    cells = browser.find_elements("css selector", "#results tr.system td.num a")
    assert len(cells) == 2 * len(NAMES)
    assert sum(a.get_dom_attribute("href") is not None for a in cells) == 1
    for a in cells:
        if a.get_dom_attribute("href") is None:
            a.click()
    _no_alert(browser)
    # no link followed: the page and its view (the URL's fragment holds the view since the
    # issue "Publish every result")
    assert browser.current_url.split("#")[0] == (hostile_site / "index.html").as_uri()


def test_the_script_refuses_such_a_link_from_data_it_did_not_build(browser, hostile_table,  # noqa: F811
                                                                   tmp_path, monkeypatch):
    """data.js as a site.py that let every path through would write it: app.js refuses them."""
    monkeypatch.setattr("infercheck.reports.site.relative_link", lambda path: path)
    site = _build(hostile_table, tmp_path / "site")
    assert "javascript:alert(1)" in (site / "assets" / "data.js").read_text("utf-8")
    browser.get((site / "index.html").as_uri())
    _open_every_system(browser)
    assert _assert_only_relative_links(browser, site).count(SAFE) == 2
