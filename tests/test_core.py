"""The core's small mechanisms: value coercion, profiles, the detail log's scan."""

from __future__ import annotations

import pytest

from infercheck.checker.core.coerce import as_count, as_float, as_int, is_true
from infercheck.checker.core.loadgen_log import parse_detail_log
from infercheck.checker.core.profiles import PROFILES, TOLERATED, apply_profile
from infercheck.checker.suites import ALL_CODES

from .conftest import corpus

RESNET_LOG = ("closed/UntetherAI/compliance/h13_u1_preview_dc/resnet50/server/TEST01/performance/"
              "run_1/mlperf_log_detail.txt")


@pytest.mark.parametrize("value,expected", [
    (True, True), (1, True), (1.0, True), ("true", True), (" TRUE ", True), ("1", True),
    (False, False), (0, False), (2, False), ("yes", False), ("false", False), (None, False),
    ("", False), ([], False),
])
def test_one_reading_of_yes(value, expected):
    assert is_true(value) is expected


def test_numbers_from_loose_values():
    assert as_int("12") == 12 and as_int("1.5") is None and as_int(None) is None
    assert as_float("0.5") == 0.5 and as_float("x") is None
    assert as_count("1024.0") == 1024 and as_count(3.9) == 3
    assert as_count("inf") is None and as_count("nan") is None and as_count({}) is None


def test_profiles_relax_only_their_rules():
    short = ALL_CODES["LG004"].at("r", expected=600000, found=1, round="v4.1")  # run-length
    seed = ALL_CODES["LG003"].at("r", expected=1, found=2, round="v4.1", key="qsl_rng_seed", other="")
    excerpts = ALL_CODES["MOB002"].at("d", device="x")  # published rounds did this
    found = [short, seed, excerpts]
    assert [f.severity for f in apply_profile(found, "strict", ALL_CODES)] == ["error"] * 3
    assert [f.severity for f in apply_profile(found, "smoke", ALL_CODES)] == ["warning", "error", "error"]
    published = apply_profile(found, "published", ALL_CODES)
    assert [f.severity for f in published] == ["error", "error", "warning"]
    assert published[2].detail == TOLERATED
    assert set(PROFILES) == {"strict", "smoke", "published"}


def test_the_published_profile_relaxes_what_the_round_tolerated():
    invalid = ALL_CODES["LG002"].at("r", expected="VALID", found="INVALID")
    assert apply_profile([invalid], "strict", ALL_CODES, frozenset({"LG002"}))[0].is_error
    (relaxed,) = apply_profile([invalid], "published", ALL_CODES, frozenset({"LG002"}))
    assert relaxed.severity == "warning" and relaxed.detail == TOLERATED
    assert apply_profile([invalid], "published", ALL_CODES)[0].is_error  # not in the round's list


def test_a_skipped_line_still_carries_its_error_flag():
    # The sample-index line is jumped over, not scanned; an error flagged in its metadata (the
    # flag lands on whichever line LoadGen writes next) must still be found, and the keys after it.
    text = (corpus("inference-v4.1") / RESNET_LOG).read_text("utf-8")
    clean = parse_detail_log(text, "log")
    assert clean.errors == [] and clean.get("result_validity") == "VALID"
    lines = text.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if '"key": "loaded_qsl_set"' in line)
    assert len(lines[at]) > 10_000
    lines[at] = lines[at].replace('"is_error": false', '"is_error": true')
    flagged = parse_detail_log("".join(lines), "log")
    assert [(e.key, e.line) for e in flagged.errors] == [("loaded_qsl_set", at + 1)]
    assert flagged.values == clean.values


def test_a_log_of_many_runs_keeps_first_values_and_finds_late_keys():
    # Hundreds of runs in one log narrow the search to the keys not yet found: values stay the
    # first run's, and a key only a late run logs is still read.
    text = (corpus("inference-v4.1") / RESNET_LOG).read_text("utf-8")
    one = parse_detail_log(text, "log")
    late = (':::MLLOG {"key": "test05_qsl_rng_seed", "value": 42, "time_ms": 1.0, "namespace": '
            '"mlperf::logging", "event_type": "POINT_IN_TIME", "metadata": {"is_error": false, '
            '"is_warning": false, "file": "x.cc", "line_no": 1, "pid": 1, "tid": 1}}\n')
    many = parse_detail_log(text * 200 + late + text.replace('"VALID"', '"INVALID"'), "log")
    assert many.values == {**one.values, "test05_qsl_rng_seed": 42}


def test_a_scan_for_settings_stops_before_the_samples_but_not_at_errors():
    text = (corpus("inference-v4.1") / RESNET_LOG).read_text("utf-8")
    error = (':::MLLOG {"key": "error_runtime", "value": "SUT failed", "time_ms": 1.0, "namespace": '
             '"mlperf::logging", "event_type": "POINT_IN_TIME", "metadata": {"is_error": true, '
             '"is_warning": false, "file": "x.cc", "line_no": 1, "pid": 1, "tid": 1}}\n')
    for settings in ({"effective_scenario"}, {"effective_scenario", "result_validity"}):
        log = parse_detail_log(text * 3 + error, "log", settings=settings)
        # result_validity comes after the samples are loaded: not a setting, not read
        assert log.values == {"effective_scenario": "Server"}
        assert [(e.key, e.value, e.line) for e in log.errors] == [
            ("error_runtime", "SUT failed", 3 * text.count("\n") + 1)]
