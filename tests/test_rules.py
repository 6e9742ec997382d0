"""Rule packs (data) and rules (codes): inheritance, schemas, explain pages, coverage by tests."""

from __future__ import annotations

import ast
import re

import pytest
import yaml

from infercheck.checker.core.findings import EXPLAIN_SECTIONS, CodeIndex, Rule, rules_in
from infercheck.checker.core.packs import PackStore, RulePackError, merge
from infercheck.checker.core.registry import checks_in
from infercheck.checker.inference import checks as inference_checks
from infercheck.checker.inference.checks.loadgen.latency import latency_bound
from infercheck.checker.inference.rules import known_seed_sets
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
    assert {"v2.1", "v4.1", "v5.0"} <= set(available_rounds())
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
    v41 = load_rules("inference", "v4.1")
    assert v41.data["extends"] == "v2.1"
    assert "rnnt" not in v41.benchmarks and "rnnt" in load_rules("inference", "v2.1").benchmarks
    # inherited untouched from v2.1
    assert v41.benchmark("resnet")["latency_constraint_ns"] == {"Server": 15000000}
    assert v41.loadgen["min_duration_ms"] == 600000


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


@pytest.mark.parametrize("round_name,model,value", [
    ("v2.1", "resnet", 75.6954), ("v2.1", "bert-99.9", 90.783126), ("v2.1", "3d-unet-99", 0.8530830),
    ("v4.1", "gptj-99", 42.556635), ("v4.1", "stable-diffusion-xl", 31.68631873),
    ("v5.1", "llama3.1-8b", 38.391408), ("v5.1", "whisper", 96.953571),
    ("v6.0", "gpt-oss-120b", 82.2987), ("v6.1", "dlrm-v3", 0.86600313),
])
def test_targets_are_reference_times_fraction(round_name, model, value):
    target = load_rules("inference", round_name).targets(model)[0]
    assert target.value == pytest.approx(value, rel=1e-9)


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
    # No tree can make a check raise: the test adds a check that does.
    "INT001": "tests/test_cli.py::test_a_crashing_check_is_an_internal_fault",
    # The tables always give the round; the test lets it come from seeds no pack has.
    "RUL001": "tests/test_broken_trees.py::test_a_round_no_pack_knows_is_rul001",
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
