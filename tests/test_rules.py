"""Rule packs (data) and rules (codes): inheritance, schemas, explain pages, coverage by tests."""

from __future__ import annotations

import pytest
import yaml

from infercheck.checker.core.findings import EXPLAIN_SECTIONS
from infercheck.checker.core.packs import PackStore, RulePackError, merge
from infercheck.checker.inference.checks import CHECKS
from infercheck.checker.inference.rules import known_seed_sets
from infercheck.checker.suites import all_rules, available_rounds, load_rules

from .test_broken_trees import MUTATIONS
from .test_mobile import MOBILE_MUTATIONS


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


@pytest.mark.parametrize("round_name,model,value", [
    ("v2.1", "resnet", 75.6954), ("v2.1", "bert-99.9", 90.783126), ("v2.1", "3d-unet-99", 0.8530830),
    ("v4.1", "gptj-99", 42.556635), ("v4.1", "stable-diffusion-xl", 31.68631873),
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


# Codes no broken-tree test produces yet, each with the reason.
NOT_YET_MUTATED = {
    "INT001": "tested in test_cli (a check that raises)",
    "RUL001": "tested in test_cli (unknown round)",
    "STR008": "test_cli::test_tree_level_findings",
    "STR009": "test_cli::test_tree_level_findings",
    "STR012": "needs an unreadable file; root ignores permissions",
    "STR013": "tested in test_cli (empty tree)",
    "STR014": "tested in test_cli (bad model_mapping.json)",
    "SYS003": "present in the real UntetherAI slice (host_processor_url)",
    "SYS004": "test_cli::test_tree_level_findings",
    "SYS007": "test_cli::test_tree_level_findings",
    "SYS008": "network division: no slice yet",
    "MEA002": "test_cli::test_tree_level_findings",
    "LG005": "no scenario without early stopping has a minimum above 1 in v4.1",
    "LG010": "equal-issue benchmarks are LLMs; no slice yet",
    "LG011": "LLM slice not in the tests yet",
    "LG012": "LLM slice not in the tests yet",
    "LG015": "info; test_multistream_inferred_from_singlestream",
    "LG016": "needs an inferred MultiStream slice",
    "ACC002": "SDXL/LLM slice not in the tests yet",
    "ACC003": "test_cli::test_tree_level_findings",
    "ACC008": "SDXL images: tested on the v4.1 corpus (CTuning) in test_cli",
    "CMP004": "TEST06: LLM slice not in the tests yet",
    "PWR002": "test_cli::test_extra_power_file_is_a_warning",
    "MOB019": "warning: test_mobile::test_mobile_warnings",
    "MOB024": "warning: test_mobile::test_mobile_warnings",
    "MOB028": "in the real v4.1 slice: test_mobile::test_padded_offline_throughput_is_named...",
}


def test_every_code_is_exercised_or_excused():
    mutated = {code for _, _, code in MUTATIONS} | {code for _, _, code, _ in MOBILE_MUTATIONS}
    for code in all_rules():
        assert code in mutated or code in NOT_YET_MUTATED, f"{code} has no broken-tree test"
    assert not mutated & set(NOT_YET_MUTATED)


def test_every_check_declares_rules():
    assert CHECKS and all(c.emits for c in CHECKS)
    registered = set(all_rules().values())
    assert all(set(c.emits) <= registered for c in CHECKS)
