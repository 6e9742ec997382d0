"""Device folders paired with the system descriptions and measurements folders of their
submitter, when the names were not typed alike (naming.match_device), on the published v3.0 slice
and on names made up to tempt a looser rule."""

from __future__ import annotations

import shutil

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


def _v41_device(tmp_path, device: str, system_as: str) -> str:
    """A copy of v4.1 Qualcomm's `device` with its system description (and measurements folder)
    renamed `system_as`, beside the other devices' descriptions."""
    src = corpus("mobile-v4.1") / "closed" / "Qualcomm_Innovation_Center"
    out = tmp_path / "tree" / "closed" / "Qualcomm_Innovation_Center"
    shutil.copytree(src / "results" / device, out / "results" / device)
    shutil.copytree(src / "measurements" / device, out / "measurements" / system_as)
    for name in ("code", "Calibration.md"):
        (shutil.copytree if (src / name).is_dir() else shutil.copy2)(src / name, out / name)
    (out / "systems").mkdir()
    for system in (src / "systems").glob("*.json"):
        target = f"{system_as}.json" if system.stem == device else system.name
        shutil.copy2(system, out / "systems" / target)
    for path in [out, *out.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return str(tmp_path / "tree")


def test_a_description_named_otherwise_is_found_by_the_exports_device_fields(tmp_path):
    # SD8G3's export names the vivo "iQOO 12"; its description, renamed, says "Vivo IQOO 12".
    root = _v41_device(tmp_path, "SD8G3", "Flagship_2024")
    report = check_tree(root, suite="mobile", round="v4.1", profile="published")
    assert report.valid and len(report.results) == 7
    said = {f.message for e in report.results for f in e.findings if f.code == "MOB030"}
    assert said == {"device 'SD8G3' is described by systems/Flagship_2024.json (the device fields "
                    "of the app's export)"}
    assert not [f for e in report.results for f in e.findings if f.code in ("MOB020", "MOB025")]


def test_a_description_named_otherwise_is_found_by_a_readme_line(tmp_path):
    # SDX_Elite has no app JSON export (command-line excerpts): only a README can pair it.
    root = _v41_device(tmp_path, "SDX_Elite", "Laptop_X")
    readme = tmp_path / "tree" / "closed" / "Qualcomm_Innovation_Center" / "README.md"
    readme.write_text("# Devices\n\n- SDX_Elite: the Snapdragon X Elite laptop, see "
                      "systems/Laptop_X.json\n- SD8G3: the phone\n", "utf-8")
    report = check_tree(root, suite="mobile", round="v4.1", profile="published")
    assert report.valid and len(report.results) == 6
    said = {f.message for e in report.results for f in e.findings if f.code == "MOB030"}
    assert said == {"device 'SDX_Elite' is described by systems/Laptop_X.json (a README line "
                    "naming both)"}
    readme.unlink()
    report = check_tree(root, suite="mobile", round="v4.1", profile="published")
    assert {f.code for e in report.results for f in e.errors()} == {"MOB020"}
