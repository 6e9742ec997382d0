"""Device folders paired with the system descriptions and measurements folders of their
submitter, when the names were not typed alike (naming.match_device), on the published v3.0 slice
and on names made up to tempt a looser rule."""

from __future__ import annotations

import pytest

from infercheck.checker.mobile.naming import match_device
from infercheck.checker.suites import check_tree

from .conftest import corpus


@pytest.mark.parametrize("device,candidates,expected", [
    ("SD8G1_Mi_12", ["SD8G1_MI_12"], ("SD8G1_MI_12", "spelling")),
    ("SDCX8G3_AC", ["SD7PG2", "SD8CXG3", "SD8G2"], ("SD8CXG3", "transposed")),
    ("SD8Elite_RDI", ["SD8Elite", "SD8Elite_RDI"], ("SD8Elite_RDI", "name")),
    ("PhoneX_battery", ["PhoneX", "PhoneY"], ("PhoneX", "variant")),
    # One character apart is another device of the family, never the same one.
    ("SD8G3", ["SD8G2"], None),
    # Two candidates alike: no guess.
    ("ab_c", ["AB", "ab"], None),
])
def test_device_names_pair_only_when_they_say_the_same(device, candidates, expected):
    found = match_device(device, candidates)
    assert (found.name, found.how) == expected if expected else found is None


def test_charger_variants_share_one_described_device():
    report = check_tree(str(corpus("mobile-v3.0")), suite="mobile", round="v3.0",
                        profile="published")
    laptops = [e for e in report.results if e.system.startswith("SDCX8G3_")]
    assert len(laptops) == 12 and all(e.valid for e in laptops)
    # Both variants are the Lenovo X13s of systems/SD8CXG3.json, and each says how it was paired.
    assert {e.system_info["system_name"] for e in laptops} == {"Lenovo X13s"}
    paired = {(f.message, f.path) for e in laptops for f in e.findings if f.code == "MOB030"}
    assert paired == {
        (f"device {d!r} is described by systems/SD8CXG3.json (the same letters and digits in "
         "another order)", "closed/Qualcomm_Innovation_Center/systems/SD8CXG3.json")
        for d in ("SDCX8G3_AC", "SDCX8G3_DC")}
    assert not [f for e in laptops for f in e.findings if f.code in ("MOB020", "MOB025")]
