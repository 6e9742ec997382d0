"""The Power WG checks (checks/power_wg): the rounds they apply to, the published power results
of v4.1 and v5.1, descriptors of every wrong shape, and where we differ from power_checker.py."""

from __future__ import annotations

import json
import re

import pytest

from infercheck.checker import check_tree
from infercheck.checker.core.engine import collect_findings
from infercheck.checker.core.findings import rules_in
from infercheck.checker.core.registry import CheckSet
from infercheck.checker.inference.checks import CHECKS, power
from infercheck.checker.inference.checks.power_wg import checksums, phases, ptd, ptd_log, sessions
from infercheck.checker.inference.context import ResultContext, SystemInfo
from infercheck.checker.inference.rules import load_rules

from .conftest import corpus
from .test_broken_trees import MUTATIONS, NOTICES, _ptd_log_insert, error_codes, ptd_error_after_a_warning

POWER_CHECKS = CheckSet.of(power.check_power, sessions.check_power_sessions, ptd.check_ptd_session,
                           phases.check_power_phases, checksums.check_power_checksums,
                           ptd_log.check_ptd_log)


def test_the_power_checks_run_after_check_power():
    names = [c.name for c in CHECKS]
    at = names.index("check_power")
    assert names[at:at + 6] == [c.name for c in POWER_CHECKS]


def test_every_power_wg_code_has_its_mutation():
    codes = {r.code for r in rules_in(sessions, ptd, phases, checksums, ptd_log)}
    assert codes == {f"PWR{n:03d}" for n in range(3, 26)}
    covered = {c for key, _, found in [*MUTATIONS, *NOTICES] if key == "power" for c in found}
    assert codes <= covered


@pytest.mark.parametrize("round_name,tolerance_ms,versions,source_sets,amps_positions", [
    ("v3.1", 500, ["1.10.0"], 3, [3]),
    ("v4.0", 800, ["1.10.0"], 1, [3]),
    ("v4.1", 800, ["1.10.0"], 1, [3]),
    ("v5.0", 800, ["1.11.1"], 1, [3]),
    ("v6.1", 800, ["1.11.1"], 1, [3, 4]),
])
def test_each_round_has_its_checkers_data(round_name, tolerance_ms, versions, source_sets,
                                          amps_positions):
    """power_checker.py at each round's tag: on by default from v3.1 (--skip-power-check)."""
    power_rules = load_rules(round_name).power
    wg = power_rules["wg"]
    assert power_rules["wg_checks"] is True
    assert wg["time_tolerance_ms"] == tolerance_ms
    assert wg["ptd_versions"] == versions
    assert len(wg["sources"]) == source_sets
    assert wg["restore_positions"] == {"SR,A": amps_positions, "SR,V": [3]}
    assert ("YokogawaWT330_DC" in wg["analyzers"]) is (round_name != "v3.1")


@pytest.mark.parametrize("round_name", ["v2.1", "v3.0"])
def test_rounds_with_the_optional_check_do_not_apply_it(round_name):
    """Up to v3.0 the official checker ran the Power WG check only with --more-power-check."""
    assert load_rules(round_name).power["wg_checks"] is False


def _power_findings(report):
    return {e.result: [f for f in e.findings if f.code.startswith("PWR")]
            for e in report.results if e.metrics.get("has_power")}


def test_published_v4_1_power_results_pass_with_the_one_ptd_warning():
    """The official v4.1 checker: power checks passed, one PTD warning (r760 Offline: a bad
    reading during the ranging run). We read the whole log: three such lines, one finding."""
    report = check_tree(str(corpus("inference-v4.1")), round="v4.1", submitter="UntetherAI")
    found = _power_findings(report)
    assert len(found) == 5
    assert all(e.valid for e in report.results if e.metrics.get("has_power"))
    flagged = {result: fs for result, fs in found.items() if fs}
    (result, (warning,)), = flagged.items()
    assert result == "closed/UntetherAI/results/r760_u6_slim/resnet50/offline"
    assert (warning.code, warning.severity, warning.locator) == ("PWR022", "warning", "line 976")
    assert warning.found.startswith("07-25-2024 11:06:38.244: ERROR: Bad watts reading 9910")
    assert "logged 3 uncommon error line(s) during the ranging run" in warning.message


def _lenovo(round_name: str, scenario: str):
    """A v5.1 Lenovo SR780a power result checked by the power checks alone: the v5.1 pack is
    not in this tree, and v6.1's power data is v5.1.1's."""
    ctx = ResultContext(root=str(corpus("inference-v5.1")), rules=load_rules(round_name),
                        profile="strict", division="closed", submitter="Lenovo",
                        system="SR780a_V3_B200SXMx8_TRT", benchmark="llama3.1-8b",
                        scenario_folder=scenario, scenario=scenario, model="llama3.1-8b",
                        system_info=SystemInfo("systems/SR780a_V3_B200SXMx8_TRT.json", {}))
    return [*collect_findings(ctx, ctx.result_dir, POWER_CHECKS), *ctx.load_findings], ctx


@pytest.mark.parametrize("scenario", ["Offline", "Server"])
def test_published_v5_1_power_results_pass_the_v5_1_checks(scenario):
    findings, ctx = _lenovo("v6.1", scenario)
    assert findings == []
    assert ctx.metrics["power_value"] > 0


@pytest.mark.parametrize("scenario", ["Offline", "Server"])
def test_v5_1_sessions_need_the_fourth_sr_a_of_the_v5_1_tool(scenario):
    """These sessions send "SR,A,Auto" twice at the start, so the reset after the testing run
    is the fourth "SR,A": v5.0's tool rejects them, v5.1's accepts them. A v5.1 pack must
    therefore carry power.wg.restore_positions SR,A [3, 4], as v6.1's does."""
    findings, _ = _lenovo("v5.0", scenario)
    assert {f.code for f in findings} == {"PWR008"}


# Every field the checks read, in shapes the PTD client and server never write: a finding each
# (PWR003), never a crash, and the other checks go on.
BAD_VALUES = ["x", 3, None, [None], {"a": 1}, [{"cmd": 1}]]
FIELDS = [("client.json", f) for f in ("timezone", "sources", "messages", "uuid", "session_name",
                                        "results", "phases")] + \
         [("server.json", f) for f in ("ptd_messages", "ptd_config", "uuid", "phases", "timezone")]
CASES = [(name, key, value) for name, key in FIELDS for value in BAD_VALUES
         if (key, value) not in (("session_name", "x"), ("timezone", 3))]  # those are fine


@pytest.mark.parametrize("name,key,value", CASES, ids=[f"{n}-{k}-{v!r}" for n, k, v in CASES])
def test_a_field_of_the_wrong_shape_is_pwr003(broken_tree, name, key, value):
    tree = broken_tree("power", lambda t: t.edit_power_json(name, lambda d: d.update({key: value})))
    report = check_tree(str(tree.root), round="v4.1")
    assert not report.crashed, [f.detail for f in report.all_findings() if f.code == "INT001"]
    assert "PWR003" in error_codes(report)
    (malformed,) = [f for f in report.all_findings() if f.code == "PWR003"]
    assert f"{name} field {key!r} is not " in malformed.message


@pytest.mark.parametrize("shape", [
    {"phases": {"ranging": [["a", 1]] * 4, "testing": [[1.0, 1]] * 4}},
    {"uuid": {"client": "not-a-uuid", "server": "also not"}},
    {"ptd_messages": [{"cmd": "Identify", "reply": None}, {"cmd": "RR", "reply": 7},
                      {"cmd": "Stop", "reply": []}]},
    {"ptd_config": [{"device_type": [8]}, {"device_type": 77, "command": None, "channel": 5}]},
    {"messages": []},
    {"results": {"run_1/spl.txt": "0" * 40, "power/ptd_logs.txt": "zz"}},
    {"sources": {}},
    {"debug": "yes"},
])
def test_odd_contents_are_findings_not_crashes(broken_tree, shape):
    tree = broken_tree("power", lambda t: t.edit_power_json("server.json", lambda d: d.update(shape)))
    report = check_tree(str(tree.root), round="v4.1")
    assert not report.crashed, [f.detail for f in report.all_findings() if f.code == "INT001"]
    assert not report.valid


def test_a_ptd_log_not_in_utf8_is_str003(broken_tree):
    tree = broken_tree("power", lambda t: t.power("ptd_logs.txt").write_bytes(b"ERROR: \xff\xfe\n"))
    report = check_tree(str(tree.root), round="v4.1")
    assert not report.crashed
    assert error_codes(report) == {"STR003", "PWR017"}  # the log is not read further


def test_a_ptd_log_of_garbage_is_findings_not_a_crash(broken_tree):
    def garbage(t):
        t.power("ptd_logs.txt").write_text("ERROR: x\nWARNING:\n99-99-9999 99:99:99.999: ERROR: y\n")

    report = check_tree(str(broken_tree("power", garbage).root), round="v4.1")
    assert not report.crashed
    # no ranging run, no uncertainty checking, ERROR lines without a time, a changed file
    assert error_codes(report) == {"PWR017", "PWR018", "PWR019", "STR004"}
    (untimed,) = [f for f in report.all_findings() if f.code == "STR004"]
    assert untimed.locator == "line 1" and "2 ERROR/WARNING line(s) without a time" in untimed.message


def test_the_findings_name_the_line_and_the_file(broken_tree):
    tree = broken_tree("power", lambda t: _ptd_log_insert(
        t, "Go with mark '2024-07-25_14-06-24_testing'",
        "07-25-2024 18:40:00.000: ERROR: Bad watts reading nan from Yokogawa"))
    report = check_tree(str(tree.root), round="v4.1")
    (error,) = [f for f in report.all_findings() if f.code == "PWR020"]
    assert error.path.endswith("/server/performance/power/ptd_logs.txt")
    assert error.locator == "line 3538"
    assert error.found == "07-25-2024 18:40:00.000: ERROR: Bad watts reading nan from Yokogawa"
    (checksum,) = [f for f in report.all_findings() if f.code == "PWR017"]
    assert re.fullmatch(r"power/ptd_logs\.txt: recorded [0-9a-f]{8}\.\.\., file is [0-9a-f]{8}\.\.\.",
                        checksum.message)


# Where we differ from the official tool on purpose (confirmed by running power_checker.py of
# tag v4.1 on the same mutated copies).
def test_an_error_after_the_first_warning_is_still_found(broken_tree):
    """The official tool stops reading ptd_logs.txt at the first warning: on the published
    r760 Offline log (whose ranging run has one) it accepts an error added to the testing run,
    rc 0. We judge every line."""
    def error_in_offline_testing(t):
        _ptd_log_insert(t, "Go with mark '2024-07-25_06-58-23_testing'",
                        "07-25-2024 11:30:00.000: ERROR: Bad watts reading nan from Yokogawa",
                        scenario="offline")
        t.record_power_checksums("offline")

    tree = broken_tree("power", error_in_offline_testing)
    report = check_tree(str(tree.root), round="v4.1")
    assert error_codes(report) == {"PWR025"}  # after the ranging run's warning
    offline = next(e for e in report.results if e.scenario == "Offline")
    assert [f.code for f in offline.findings if f.code.startswith("PWR")] == ["PWR022", "PWR025"]
    # what the official tool said: accepted, as --profile published says
    assert check_tree(str(tree.root), round="v4.1", profile="published").valid


def test_ptd_warnings_inside_the_testing_run_are_judged(broken_tree):
    """check_ptd_logs keeps out warnings closer than TIME_DELTA_TOLERANCE to LoadGen's window,
    but adds the 800 (milliseconds) to times in seconds: in a run under 1,600 s it judges none,
    so the official tool accepts an uncertainty above 1 % in the middle of this 600 s run. We
    use the 0.8 s it means."""
    def above_limit(t):
        _ptd_log_insert(t, "Go with mark '2024-07-25_14-06-24_testing'",
                        "07-25-2024 18:40:00.000: WARNING: Uncertainty 1.52%, which is above 1.00% "
                        "limit for the last sample!")
        t.record_power_checksums("server")

    report = check_tree(str(broken_tree("power", above_limit).root), round="v4.1")
    assert error_codes(report) == {"PWR021"}


def test_recorded_checksums_are_what_the_session_wrote():
    """The published descriptors record the files as published (so no PWR017 above)."""
    perf = (corpus("inference-v4.1") / "closed" / "UntetherAI" / "results" / "r760_u6_slim" / "resnet50"
            / "server" / "performance")
    recorded = json.loads((perf / "power" / "server.json").read_text("utf-8"))["results"]
    assert set(recorded) >= {"power/ptd_logs.txt", "run_1/spl.txt", "ranging/spl.txt"}


def test_the_published_profile_reads_the_ptd_log_as_the_official_tool(broken_tree):
    """An error after a warning is PWR025: strict rejects the result, published accepts it as
    the official tool did (it stops reading at the warning)."""
    from_v41 = broken_tree("power", ptd_error_after_a_warning)
    strict = check_tree(str(from_v41.root), round=from_v41.round)
    assert "PWR025" in error_codes(strict)
    published = check_tree(str(from_v41.root), round=from_v41.round, profile="published")
    assert published.valid
    assert any(f.code == "PWR025" and f.severity == "warning" for f in published.all_findings())
