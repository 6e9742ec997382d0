"""Rule packs (data) and rules (codes): inheritance, schemas, explain pages, coverage by tests."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from infercheck.checker.core.findings import EXPLAIN_SECTIONS, CodeIndex, Rule, rules_in
from infercheck.checker.core.packs import PackStore, RulePackError, merge
from infercheck.checker.core.registry import checks_in
from infercheck.checker.inference import checks as inference_checks
from infercheck.checker.inference.checks.loadgen.latency import latency_bound
from infercheck.checker.inference.rules import PACKS, known_seed_sets
from infercheck.checker.mobile import checks as mobile_checks
from infercheck.checker.suites import SUITES, all_rules, available_rounds, load_rules

from .conftest import PROJECT
from .test_broken_trees import MUTATIONS, NOTICES
from .test_mobile import MOBILE_MUTATIONS, MOBILE_NOTICES


def test_merge_semantics():
    base = {"a": {"x": 1, "y": 2}, "l": [1, 2], "gone": 3}
    change = {"a": {"y": 5}, "l": [9], "gone": None, "new": 1}
    assert merge(base, change) == {"a": {"x": 1, "y": 5}, "l": [9], "new": 1}
    assert base["a"]["y"] == 2  # inputs are not modified


def test_every_round_resolves():
    assert {"v2.1", "v3.0", "v3.1", "v4.0", "v4.1", "v5.0"} <= set(available_rounds())
    for name in available_rounds():
        rules = load_rules("inference", name)
        assert rules.benchmarks and rules.loadgen["seeds"]


def test_pack_seeds_agree_with_the_seed_table():
    """Seeds are written twice (each pack, and _seeds.yaml for rounds without a pack)."""
    table = known_seed_sets()
    for name in available_rounds():
        seeds = load_rules("inference", name).loadgen["seeds"]
        key = (seeds["qsl_rng_seed"], seeds["sample_index_rng_seed"], seeds["schedule_rng_seed"])
        assert table.get(key) == ("v6.1" if name == "demo" else name), name


def test_a_round_holds_only_its_changes():
    chain = {"v0.5": None, "v0.7": "v0.5", "v1.0": "v0.7", "v1.1": "v1.0", "v2.0": "v1.1", "v2.1": "v2.0",
             "v3.0": "v2.1", "v3.1": "v3.0", "v4.0": "v3.1", "v4.1": "v4.0", "v5.0": "v4.1",
             "v5.1": "v5.0", "v6.0": "v5.1", "v6.1": "v6.0", "demo": "v6.1"}
    assert {name: load_rules("inference", name).data["extends"] for name in chain} == chain
    v41 = load_rules("inference", "v4.1")
    assert "rnnt" not in v41.benchmarks and "rnnt" in load_rules("inference", "v4.0").benchmarks
    # inherited untouched from v2.1, through v3.0, v3.1 and v4.0
    assert v41.benchmark("resnet")["latency_constraint_ns"] == {"Server": 15000000}
    assert v41.loadgen["min_duration_ms"] == 600000
    # what v3.1 and v4.0 brought is not repeated in the v4.1 file
    raw = PACKS.raw("v4.1")
    assert "system" not in raw and "layout" not in raw and "power" not in raw
    assert not {"resnet", "bert-99", "dlrm-v2-99"} & set(raw["benchmarks"])
    assert set(raw["benchmarks"]["llama2-70b-99"]) == {"equal_issue", "result_keys"}


def test_the_newest_rounds_extend_each_other():
    chain = {name: load_rules("inference", name).data["extends"] for name in available_rounds()}
    assert [chain[r] for r in ("v5.1", "v6.0", "v6.1", "demo")] == ["v5.0", "v5.1", "v6.0", "v6.1"]


def test_mechanisms_of_v5_1_to_v6_1_are_read_from_the_packs():
    v61 = load_rules("inference", "v6.1")
    assert v61.one_of_scenarios("llama3.1-8b", "datacenter") == [["Interactive", "Server"]]
    assert v61.one_of_scenarios("llama3.1-8b", "edge,datacenter") == [["Interactive", "Server"]]
    assert v61.one_of_scenarios("resnet", "edge") == []
    assert load_rules("inference", "v5.1").one_of_scenarios("llama2-70b-99", "datacenter")
    # qwen3-vl: Interactive is judged on an 8000-sample subset, with its own target and bound.
    qwen = "qwen3-vl-235b-a22b"
    assert [t.value for t in v61.targets(qwen, "Interactive")] == [pytest.approx(0.779922)]
    assert [t.value for t in v61.targets(qwen, "Offline")] == [pytest.approx(0.782397)]
    assert v61.accuracy_sample_count(qwen, "Interactive") == 8000
    assert v61.accuracy_sample_count(qwen, "Server") == 48289
    assert latency_bound(v61.benchmark(qwen), ("Interactive", "Server")) == ("Interactive", 1500000000)
    assert latency_bound(v61.benchmark("llama2-70b-99.9"), ("Interactive", "Server")) == (
        "Server", 20000000000)
    assert v61.accuracy_sample_count("gpt-oss-120b", "Offline") == 4395
    assert v61.accuracy_sample_count("resnet", "Offline") == 50000
    assert v61.min_duration_ms("e2e-rag-qna") == 0 and v61.min_duration_ms("resnet") == 600000
    assert v61.latency_unit_ns("wan-2.2-t2v-a14b") == 10**9 and v61.latency_unit_ns("resnet") == 10**6
    assert v61.unit("SingleStream", "wan-2.2-t2v-a14b") == "Latency (s)"
    assert v61.verify_file("TEST09") == "verify_output_len.txt" and v61.verify_file("TEST01") is None
    assert v61.compliance_tests("gpt-oss-120b") == ["TEST07", "TEST09"]
    # v6.1 still maps llama3_1-405b, to a benchmark it no longer has.
    assert v61.mlperf_model("llama3_1-405b") is None
    assert load_rules("inference", "v5.1").mlperf_model("llama3_1-8b") == "llama3.1-8b"
    assert v61.csv_accuracy_format == "all" and load_rules("inference", "v4.1").csv_accuracy_format == "first"
    # v5.1.1's table labels llama3.1-8b Interactive Queries/s (as published); #2564 fixed it for v6.0.
    assert load_rules("inference", "v5.1").unit("Interactive", "llama3.1-8b") == "Queries/s"
    assert load_rules("inference", "v6.0").unit("Interactive", "llama3.1-8b") == "Tokens/s"


def test_published_tolerates_is_stated_where_it_changes():
    """Lists replace along the chain: v2.1 starts empty whatever v0.7-v2.0 tolerate; from v3.1
    the Power WG checks' blind spots (PWR021, PWR025); v5.1 adds the dataset shortfall its checker
    only logged, and v6.0, whose checker rejects it, drops it again; the v6 package (v6.0, v6.1)
    ignores LoadGen errors, never opens the summary logs and lost the repository checks."""
    tolerated = {name: set(load_rules("inference", name).published_tolerates)
                 for name in ("v2.1", "v3.0", "v3.1", "v4.1", "v5.1", "v6.0", "v6.1")}
    assert "published_tolerates" in PACKS.raw("v2.1") and "published_tolerates" in PACKS.raw("v6.0")
    power = {"PWR021", "PWR025"}
    v6 = {"LG001", "LG019", "STR019", "STR020", "STR021", "STR022", "STR023", *power}
    assert tolerated == {"v2.1": set(), "v3.0": set(), "v3.1": power, "v4.1": power,
                         "v5.1": {"ACC007", *power}, "v6.0": v6, "v6.1": v6}


@pytest.mark.parametrize("round_name,model,value", [
    ("v2.1", "resnet", 75.6954), ("v2.1", "bert-99.9", 90.783126), ("v2.1", "3d-unet-99", 0.8530830),
    ("v4.1", "gptj-99", 42.556635), ("v4.1", "stable-diffusion-xl", 31.68631873),
    ("v5.1", "llama3.1-8b", 38.391408), ("v5.1", "whisper", 96.953571),
    ("v6.0", "gpt-oss-120b", 82.2987), ("v6.1", "dlrm-v3", 0.86600313),
])
def test_targets_are_reference_times_fraction(round_name, model, value):
    target = load_rules("inference", round_name).targets(model)[0]
    assert target.value == pytest.approx(value, rel=1e-9)


# The middle rounds against MODEL_CONFIG of tools/submission/submission_checker.py at the tags
# v3.0, v3.1 and v4.0 of mlcommons/inference: each value is written as the official tool writes
# it, so the comparison is exact.
@pytest.mark.parametrize("round_name,model,metric,value", [
    ("v3.0", "resnet", "acc", 76.46 * 0.99),
    ("v3.0", "3d-unet-99", "DICE", 0.86170 * 0.99),
    ("v3.0", "rnnt", "WER", (100 - 7.452) * 0.99),
    ("v3.1", "dlrm-v2-99.9", "AUC", 80.31 * 0.999),
    ("v3.1", "gptj-99", "GEN_LEN", 4016878 * 0.9),
    ("v3.1", "gpt3-99.9", "ROUGE2", 20.1235 * 0.999),  # GPT-J's numbers, a TODO in the tool
    ("v4.0", "llama2-70b-99", "TOKENS_PER_SAMPLE", 294.45 * 0.9),
    ("v4.0", "llama2-70b-99.9", "ROUGEL", 28.6162 * 0.999),
    ("v4.0", "stable-diffusion-xl", "FID_SCORE", 23.01085758),
])
def test_middle_round_targets_are_the_official_ones(round_name, model, metric, value):
    targets = {t.metric: t.value for t in load_rules("inference", round_name).targets(model)}
    assert targets[metric] == value


@pytest.mark.parametrize("round_name,model,metric,value", [
    ("v4.0", "llama2-70b-99", "TOKENS_PER_SAMPLE", 294.45 * 1.1),
    ("v4.0", "stable-diffusion-xl", "CLIP_SCORE", 31.81331801),
])
def test_middle_round_upper_limits_are_the_official_ones(round_name, model, metric, value):
    limits = {t.metric: t.value for t in load_rules("inference", round_name).upper_limits(model)}
    assert limits[metric] == value


@pytest.mark.parametrize("round_name,model,bound_ns", [
    ("v3.0", "resnet", 15000000),
    ("v3.0", "dlrm-99", 30000000),
    ("v3.1", "dlrm-v2-99", 60000000),
    ("v3.1", "gptj-99.9", 20000000000),
    ("v4.0", "llama2-70b-99", 20000000000),
    ("v4.0", "stable-diffusion-xl", 20000000000),
    ("v4.0", "3d-unet-99", None),
])
def test_middle_round_server_bounds_are_the_official_ones(round_name, model, bound_ns):
    bench = load_rules("inference", round_name).benchmark(model)
    assert (bench.get("latency_constraint_ns") or {}).get("Server") == bound_ns


@pytest.mark.parametrize("round_name,model,sample_count,offline_min,tests", [
    ("v3.0", "3d-unet-99.9", 43, 24576, ["TEST01", "TEST05"]),
    ("v3.0", "resnet", 1024, 24576, ["TEST01", "TEST04", "TEST05"]),
    ("v3.1", "gptj-99", 13368, 24576, []),
    ("v4.0", "rnnt", 2513, 2513, ["TEST01", "TEST05"]),
    ("v4.0", "dlrm-v2-99", 204800, 24576, ["TEST01", "TEST05"]),
    ("v4.0", "llama2-70b-99.9", 24576, 24576, ["TEST06"]),
    ("v4.0", "stable-diffusion-xl", 5000, 5000, []),
    ("v4.1", "stable-diffusion-xl", 5000, 5000, ["TEST01", "TEST04"]),
])
def test_middle_round_counts_and_audits_are_the_official_ones(round_name, model, sample_count,
                                                              offline_min, tests):
    rules = load_rules("inference", round_name)
    assert rules.benchmark(model)["performance_sample_count"] == sample_count
    assert rules.offline_min_spq(model) == offline_min
    assert rules.compliance_tests(model) == tests


# MODEL_CONFIG "models" and the required scenarios per system type (no round has optional ones).
MIDDLE_MODELS = {
    "v3.0": {"resnet", "retinanet", "rnnt", "bert-99", "bert-99.9", "dlrm-99", "dlrm-99.9",
             "3d-unet-99", "3d-unet-99.9"},
    "v3.1": {"resnet", "retinanet", "rnnt", "bert-99", "bert-99.9", "dlrm-v2-99", "dlrm-v2-99.9",
             "3d-unet-99", "3d-unet-99.9", "gptj-99", "gptj-99.9", "gpt3-99", "gpt3-99.9"},
    "v4.0": {"resnet", "retinanet", "rnnt", "bert-99", "bert-99.9", "dlrm-v2-99", "dlrm-v2-99.9",
             "3d-unet-99", "3d-unet-99.9", "gptj-99", "gptj-99.9", "llama2-70b-99",
             "llama2-70b-99.9", "stable-diffusion-xl"},
}


@pytest.mark.parametrize("round_name", sorted(MIDDLE_MODELS))
def test_middle_round_benchmarks_are_the_official_ones(round_name):
    rules = load_rules("inference", round_name)
    assert set(rules.benchmarks) == MIDDLE_MODELS[round_name]
    assert all(not rules.optional_scenarios(m, t) for m in rules.benchmarks
               for t in ("datacenter", "edge", "datacenter,edge"))


@pytest.mark.parametrize("round_name,model,system_type,scenarios", [
    ("v3.0", "resnet", "edge", ["SingleStream", "MultiStream", "Offline"]),
    ("v3.0", "bert-99.9", "edge", None),
    ("v3.1", "gptj-99", "datacenter,edge", ["SingleStream", "Offline", "Server"]),
    ("v3.1", "gpt3-99", "edge", None),
    ("v4.0", "llama2-70b-99", "edge", None),
    ("v4.0", "stable-diffusion-xl", "edge", ["SingleStream", "Offline"]),
    ("v4.0", "3d-unet-99.9", "datacenter", ["Offline"]),
])
def test_middle_round_scenarios_are_the_official_ones(round_name, model, system_type, scenarios):
    assert load_rules("inference", round_name).required_scenarios(model, system_type) == scenarios


# The version-dependent code paths of the three tools: energy in millijoules from v3.0, positive
# power samples only and meaningful system fields from v3.1, Offline minimum per benchmark from
# v4.0 (no round-wide one), Server throughput as scheduled samples until v4.1.
@pytest.mark.parametrize("round_name,energy,positive_only,schema,nonempty,round_offline_min", [
    ("v2.1", "Joules", False, "system_desc_v1", False, 24576),
    ("v3.0", "millijoules", False, "system_desc_v1", False, 24576),
    ("v3.1", "millijoules", True, "system_desc_v31", True, 24576),
    ("v4.0", "millijoules", True, "system_desc_v31", True, None),
])
def test_middle_round_mechanisms(round_name, energy, positive_only, schema, nonempty,
                                 round_offline_min):
    rules = load_rules("inference", round_name)
    assert rules.power_unit("SingleStream") == energy and rules.power_unit("Offline") == "Watts"
    assert rules.power["drop_nonpositive_samples"] is positive_only
    assert rules.system["schema"] == schema
    assert rules.layout["measurements_files_nonempty"] is nonempty
    assert bool(rules.system["nonempty_fields"]) is nonempty
    assert rules.loadgen.get("offline_min_samples_per_query") == round_offline_min
    assert rules.result_key("resnet", "Server") == "result_scheduled_samples_per_sec"
    assert ("compliance" in rules.csv_columns) is (round_name != "v2.1")


def test_a_broken_pack_is_refused(tmp_path):
    (tmp_path / "v9.9.yaml").write_text(yaml.safe_dump(
        {"round": "v9.9", "suite": "inference", "extends": None, "loadgen": {"min_duration_ms": -1}}))
    store = PackStore("inference", tmp_path, "rules")
    assert store.rounds() == ["v9.9"]
    with pytest.raises(RulePackError, match="min_duration_ms"):
        store.resolve("v9.9")


def test_every_rule_has_a_full_explain_page():
    for code, rule in all_rules().items():
        sections = rule.sections()
        missing = [s for s in EXPLAIN_SECTIONS if not sections.get(s)]
        assert not missing, f"{code} lacks {missing}"
        assert sections.get("summary"), code


def test_codes_are_unique_and_named():
    names = [r.name for r in all_rules().values()]
    assert len(names) == len(set(names))


def mutated_codes() -> set[str]:
    """Every code a table of broken real trees states exactly (errors and notices, both suites;
    for Mobile the strict profile's set, which holds the published one)."""
    tables = [(codes for _, _, codes in MUTATIONS), (codes for _, _, codes in NOTICES),
              (strict for _, _, strict, _ in MOBILE_MUTATIONS), (codes for _, _, codes in MOBILE_NOTICES)]
    return {code for table in tables for codes in table for code in codes}


# Codes no table of broken trees produces, each with the test that does produce it (checked:
# the test exists and its source names the code).
NOT_YET_MUTATED = {
    # v6.1's nameplate power: the tables' slices have no v6.1 power result; the test gives one.
    "PWR026": "tests/test_nameplate_power.py::test_no_nameplate_is_a_warning",
    "PWR027": "tests/test_nameplate_power.py::test_a_nameplate_that_cannot_be_read_is_an_error",
    # A LoadGen setting MLPerf Automotive requires: the tables' slices are inference rounds,
    # which require none; broken copies of the Automotive round give it.
    "LG022": "tests/test_automotive.py::test_constant_generation_off_is_lg022",
    # A link loop is made by the hostile-tree tests, which check the tree is left as it was
    # (root, as in CI, reads a file without read permission).
    # A formula-like system description: the spreadsheet-safety tests make one.
    "SYS009": "tests/test_spreadsheet_safety.py::test_check_warns_of_each_formula_like_field",
    # The runner's "please fill in", left in a description: the sample trees are runner-made and
    # hold it (a warning in demo); the test checks its severity in real rounds.
    "SYS010": "tests/test_runner_system.py::test_a_placeholder_warns_in_demo_and_fails_a_real_round",
    "STR018": "tests/test_hostile.py::test_a_key_named_twice_in_a_system_json_is_a_warning_the_last_counts",
    "STR012": "tests/test_hostile.py::test_a_detail_log_that_is_a_link_loop_is_unreadable_and_a_broken_link",
    # No tree can make a check raise: the test adds a check that does.
    "INT001": "tests/test_cli.py::test_a_crashing_check_is_an_internal_fault",
    # The tables always give the round; the test lets it come from seeds no pack has.
    "RUL001": "tests/test_broken_trees.py::test_a_round_no_pack_knows_is_rul001",
    # The slices of the tables are v4.1, which has no dataset-size rule; runner-made v6.1 trees do.
    "ACC007": "tests/test_corpus.py::test_v6_layout_runner_made_trees",
    # A pairing by other than the name: published v3.0 holds one (renaming a file of a table's
    # slice would move that file's own findings too).
    "MOB030": "tests/test_mobile_naming.py::test_charger_variants_share_one_described_device",
    # Information, not a fault: said whenever the round is not given (the tables give it).
    "RUL002": "tests/test_mobile_rounds.py::test_round_is_recognised_and_says_from_what",
    # The audit reads results tables, not trees: its tests plant each case in a slice's copy
    # (or, for power, in the table the slice gives).
    "AUD001": "tests/test_audit.py::test_performance_logs_copied_to_another_system_are_one_run_twice",
    "AUD002": "tests/test_audit.py::test_an_accuracy_log_copied_from_another_submitter_is_named",
    "AUD003": "tests/test_audit.py::test_a_result_ten_times_its_peers_is_an_outlier",
    "AUD004": "tests/test_audit.py::test_a_fivefold_change_since_the_previous_round_is_named",
    "AUD005": "tests/test_audit.py::test_energy_and_power_far_from_the_accelerators_are_named",
    "AUD006": "tests/test_audit.py::test_energy_and_power_far_from_the_accelerators_are_named",
    "AUD007": "tests/test_audit.py::test_a_mis_spelled_accelerator_is_named_on_its_system",
    "AUD008": "tests/test_audit.py::test_a_count_the_name_contradicts_is_named",
    # What the results repository refuses: one tree holds one of each (the tables give the
    # others, STR019 and STR023, with the mutations that make them).
    **{code: "tests/test_repository_checks.py::"
             "test_each_thing_the_repository_refuses_is_named_where_it_is"
       for code in ("STR020", "STR021", "STR022")},
    # An archive given to check: the pack tests make hostile and cut-off ones.
    "STR024": "tests/test_pack.py::test_a_member_that_could_write_outside_is_refused",
    "STR025": "tests/test_pack.py::test_a_cut_off_archive_is_unreadable_and_what_was_read_is_checked",
    # Findings about the --waivers file, not the tree: the waiver tests give one.
    "RUL003": "tests/test_waivers.py::test_an_unused_waiver_warns_and_waives_nothing",
    "RUL004": "tests/test_waivers.py::test_an_expired_waiver_is_not_applied_and_warns",
    # Endpoints (Loadgen++) results: no published tree has one; the tests build them.
    "ACC009": "tests/test_endpoints.py::test_no_accuracy_score",
    "LG018": "tests/test_endpoints.py::test_model_not_allowed",
    "CMP005": "tests/test_endpoints.py::test_closed_audits",
}


def _test_source(ref: str) -> str:
    """The source of the test function `ref` names ("tests/test_x.py::test_name")."""
    match = re.fullmatch(r"(tests/test_\w+\.py)::(test_\w+)", ref)
    assert match, f"{ref!r} is not tests/test_x.py::test_name"
    path = PROJECT / match.group(1)
    assert path.is_file(), f"{ref}: no such file"
    text = path.read_text("utf-8")
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef) and node.name == match.group(2):
            return ast.get_source_segment(text, node)
    raise AssertionError(f"{ref}: no such test")


def test_every_code_is_exercised_or_excused():
    mutated = mutated_codes()
    assert mutated <= set(all_rules()), sorted(mutated - set(all_rules()))
    for code in all_rules():
        assert code in mutated or code in NOT_YET_MUTATED, f"{code} has no broken-tree test"
    assert not mutated & set(NOT_YET_MUTATED)
    assert set(NOT_YET_MUTATED) <= set(all_rules())


@pytest.mark.parametrize("code,ref", sorted(NOT_YET_MUTATED.items()))
def test_every_excuse_names_a_test_of_the_code(code, ref):
    assert re.search(rf"\b{code}\b", _test_source(ref)), f"{ref} does not mention {code}"


SUITE_CHECKS = {
    "inference": (inference_checks.MODULES, [inference_checks.CHECKS]),
    "mobile": (mobile_checks.MODULES, [mobile_checks.DEVICE_CHECKS, mobile_checks.RESULT_CHECKS]),
}


@pytest.mark.parametrize("suite", sorted(SUITE_CHECKS))
def test_every_check_declares_rules_of_its_suite(suite):
    modules, sets = SUITE_CHECKS[suite]
    listed = [c for s in sets for c in s]
    assert listed and all(c.emits for c in listed)
    codes = SUITES[suite].codes
    for c in listed:
        assert all(codes.get(r.code) is r for r in c.emits), c.name
    # every check its modules define runs, exactly once
    assert sorted(c.name for c in listed) == sorted(c.name for c in checks_in(*modules))


@pytest.mark.parametrize("suite", sorted(SUITE_CHECKS))
def test_every_rule_of_a_suite_is_emitted_by_one_of_its_checks(suite):
    modules, sets = SUITE_CHECKS[suite]
    emitted = {r for s in sets for r in s.emitted()} | set(SUITES[suite].walk_emits)
    own = set(rules_in(*modules))
    assert own <= emitted, sorted(r.code for r in own - emitted)


def test_the_code_index_refuses_a_code_used_twice_and_resolves_aliases():
    first, second = (type(name, (Rule,), {"code": "STR901", "name": name, "message": ""})
                     for name in ("one", "two"))
    with pytest.raises(ValueError, match="STR901"):
        CodeIndex([first, second])
    index = CodeIndex([first], aliases={"STR900": "STR901"})
    assert index.get("str900") is first and "STR900" in index
    with pytest.raises(ValueError):
        CodeIndex([first], aliases={"STR901": "STR901"})


def test_the_readme_lists_every_round_with_its_benchmarks():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    rows = {line.split("|")[1].strip(): line for line in readme.splitlines()
            if line.startswith("| v") or line.startswith("| demo")}
    assert set(rows) == set(available_rounds())
    for name in available_rounds():
        rules = load_rules("inference", name)
        cells = [c.strip() for c in rows[name].split("|")[1:-1]]
        assert cells == [name, rules.data["extends"] or "-", ", ".join(sorted(rules.benchmarks))], name


def test_no_pack_names_a_key_twice():
    """YAML keeps the last of two equal keys without a word: a pack that says a key twice
    (publication: null, then publication: ...) says one of them for nothing."""
    import yaml

    packs = [*(PROJECT / "checker" / "inference" / "packs").glob("*.yaml"),
             *(PROJECT / "checker" / "mobile" / "packs").glob("*.yaml")]
    twice = []
    for path in packs:
        pending = [yaml.compose(path.read_text("utf-8"))]
        while pending:
            node = pending.pop()
            if isinstance(node, yaml.MappingNode):
                keys = [k.value for k, _ in node.value]
                twice += [f"{path.name}: {k}" for k in sorted({k for k in keys if keys.count(k) > 1})]
                pending.extend(v for _, v in node.value)
            elif isinstance(node, yaml.SequenceNode):
                pending.extend(node.value)
    assert len(packs) > 15 and twice == []
