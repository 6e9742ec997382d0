"""v6.1's nameplate power: a power result's design power from its system description's
`system_power_capacity` or from `systems/<system>_power.yaml` (the supplies a leaf needs, the
redundant ones left out), written in summary.csv's design_power_watts; "None" where unknown, as
the official table writes it."""

from __future__ import annotations

import json

import pytest

from infercheck.checker import check_tree
from infercheck.checker.inference.checks.nameplate import design_power

from .v61_trees import build

NAMEPLATE = """\
Chassis:
  Node A:
    PSUs:
      - {Name: PSU1, PowerCapacityWatts: 2700}
      - {Name: PSU2, PowerCapacityWatts: 2700}
      - {Name: PSU3, PowerCapacityWatts: 1600}
    Min PSUs Needed: 2
  Switch:
    psus:
      - {PowerCapacityWatts: 300}
      - {PowerCapacityWatts: 450}
    min psus needed: 1
"""


def test_design_power_counts_the_supplies_a_leaf_needs():
    import yaml

    assert design_power(yaml.safe_load(NAMEPLATE)) == 2700 + 2700 + 450
    assert design_power({"PSUs": [{"PowerCapacityWatts": 500}], "Min PSUs Needed": 3}) == 500
    assert design_power([{"a": {"PSUs": [], "Min PSUs Needed": 1}}, "text", 7]) == 0


@pytest.fixture
def power_result(tmp_path):
    """The v6.1 LoadGen tree, its result given a power folder (its power files are not at
    issue here)."""
    root = build("loadgen-valid", tmp_path)
    result = next(root.glob("open/MyOrg/results/*/*/Offline"))
    (result / "performance" / "power").mkdir()
    return root, root / "open" / "MyOrg" / "systems"


def _entry(root):
    (entry,) = check_tree(str(root), round="v6.1").results
    return entry


def _codes(entry) -> set[str]:
    return {f.code for f in entry.findings if f.code in ("PWR026", "PWR027")}


def test_without_power_the_column_says_none(tmp_path):
    entry = _entry(build("loadgen-valid", tmp_path))
    assert entry.valid and entry.metrics["design_power_watts"] is None and not _codes(entry)


def test_the_nameplate_yaml_gives_the_design_power(power_result):
    root, systems = power_result
    (systems / "cpu2-onnxruntime_power.yaml").write_text(NAMEPLATE, "utf-8")
    entry = _entry(root)
    assert entry.metrics["design_power_watts"] == 5850 and not _codes(entry)


def test_the_description_s_capacity_comes_first(power_result):
    root, systems = power_result
    (systems / "cpu2-onnxruntime_power.yaml").write_text(NAMEPLATE, "utf-8")
    path = systems / "cpu2-onnxruntime.json"
    path.write_text(json.dumps({**json.loads(path.read_text("utf-8")),
                                "system_power_capacity": 3200}), "utf-8")
    assert _entry(root).metrics["design_power_watts"] == 3200


def test_no_nameplate_is_a_warning(power_result):
    root, _ = power_result
    entry = _entry(root)
    assert _codes(entry) == {"PWR026"} and entry.metrics["design_power_watts"] is None
    [missing] = [f for f in entry.findings if f.code == "PWR026"]
    assert missing.severity == "warning"
    assert missing.path == "open/MyOrg/systems/cpu2-onnxruntime_power.yaml"


@pytest.mark.parametrize("text", ["Chassis: [\n", "", "a: &x [1]\nb: *x\n"])
def test_a_nameplate_that_cannot_be_read_is_an_error(power_result, text):
    root, systems = power_result
    (systems / "cpu2-onnxruntime_power.yaml").write_text(text, "utf-8")
    entry = _entry(root)
    assert _codes(entry) == {"PWR027"} and not entry.valid


def test_summary_csv_writes_none_for_an_unknown_design_power(tmp_path):
    from infercheck.checker.inference.summary import summary_rows

    report = check_tree(str(build("loadgen-valid", tmp_path)), round="v6.1")
    columns, rows = summary_rows(report)
    assert "design_power_watts" in columns and [r["design_power_watts"] for r in rows] == ["None"]
