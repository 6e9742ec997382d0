"""`infercheck pack` and `check` of an archive, on copies of real slices: the archive checks as
the tree it was packed from; an invalid tree is packed only with --force; an archive with a
member that climbs out or a link out is refused member by member, writing nothing outside."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import tarfile
import tempfile
import zipfile

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from infercheck.checker.suites import check_tree
from infercheck.cli import main
from infercheck.schemas import load_schema

from .test_broken_trees import session_field_missing


def _same(report) -> dict:
    """A report as data, without where the tree was."""
    d = report.to_dict()
    d.pop("root")
    return d


def _pack(tree, out, *more):
    return CliRunner().invoke(main, ["pack", str(tree), "--out", str(out), *more])


def test_a_packed_tree_checks_as_the_tree_and_its_manifest_holds(pristine, tmp_path):
    tree = pristine["edge"]
    archive = tmp_path / "sub.tar.gz"
    result = _pack(tree, archive, "--receipt", str(tmp_path / "receipt.json"))
    assert result.exit_code == 0, result.output
    assert _same(check_tree(str(archive))) == _same(check_tree(str(tree)))
    assert check_tree(str(archive)).root == str(archive)
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = tar.extractfile("MANIFEST.sha256").read().decode()
        inside = json.loads(tar.extractfile("infercheck-receipt.json").read())
        sums = {m.name: hashlib.sha256(tar.extractfile(m).read()).hexdigest()
                for m in tar.getmembers() if m.isreg() and m.name.startswith("closed/")}
    assert all(n.startswith("closed") for n in names if n not in
               ("MANIFEST.sha256", "infercheck-receipt.json"))
    assert {line.split("  ", 1)[1]: line.split("  ", 1)[0]
            for line in manifest.splitlines()} == sums
    receipt = json.loads((tmp_path / "receipt.json").read_text("utf-8"))
    validator = Draft202012Validator(load_schema("pack_receipt"))
    assert not list(validator.iter_errors(receipt)) and not list(validator.iter_errors(inside))
    assert receipt["archive_sha256"] == hashlib.sha256(archive.read_bytes()).hexdigest()
    assert receipt["archive_bytes"] == archive.stat().st_size
    assert receipt["tree_digest"] == "sha256:" + hashlib.sha256(manifest.encode()).hexdigest()
    assert (receipt["valid"], receipt["forced"], receipt["files"]) == (True, False, len(sums))
    # The same tree packs to the same bytes (no packing time in it).
    again = tmp_path / "again.tar.gz"
    assert _pack(tree, again).exit_code == 0
    assert again.read_bytes() == archive.read_bytes()


def test_check_of_an_archive_reports_as_of_the_tree(pristine, tmp_path):
    archive = tmp_path / "sub.tar.gz"
    assert _pack(pristine["power"], archive).exit_code == 0
    out = CliRunner().invoke(main, ["check", str(archive), "--json", str(tmp_path / "r.json")])
    tree = CliRunner().invoke(main, ["check", str(pristine["power"])])
    assert out.exit_code == tree.exit_code == 0, out.output
    assert out.output == tree.output
    assert json.loads((tmp_path / "r.json").read_text("utf-8"))["root"] == str(archive)
    assert sorted(os.listdir(tmp_path)) == ["r.json", "sub.tar.gz"]


def test_an_invalid_tree_is_packed_only_with_force(broken_tree, tmp_path):
    tree = broken_tree("power", session_field_missing)
    archive = tmp_path / "sub.tar.gz"
    refused = _pack(tree.root, archive)
    assert refused.exit_code == 1 and "not packed: the tree is invalid" in refused.output
    assert not archive.exists() and os.listdir(tmp_path) == [tree.root.name]
    forced = _pack(tree.root, archive, "--force", "--receipt", str(tmp_path / "r.json"))
    assert forced.exit_code == 1 and archive.is_file()
    receipt = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert (receipt["valid"], receipt["forced"], receipt["invalid_results"]) == (False, True, 1)


def test_a_zip_of_the_tree_checks_as_the_tree(pristine, tmp_path):
    tree = pristine["edge"]
    archive = tmp_path / "sub.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for folder, _, files in os.walk(tree):
            for name in files:
                path = os.path.join(folder, name)
                zf.write(path, os.path.relpath(path, tree))
    assert _same(check_tree(str(archive))) == _same(check_tree(str(tree)))


def _hostile_tar(path, pristine, *members):
    """The edge slice as a tar, then `members`: (TarInfo fields, bytes or None)."""
    with tarfile.open(path, "w:gz") as tar:
        tar.add(pristine["edge"], arcname=".")
        for fields, data in members:
            info = tarfile.TarInfo(fields.pop("name"))
            for k, v in fields.items():
                setattr(info, k, v)
            if data is not None:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)


@pytest.mark.parametrize(("member", "why"), [
    ({"name": "../escaped.txt"}, 'a name that climbs out with ".."'),
    ({"name": "closed/../../escaped.txt"}, 'a name that climbs out with ".."'),
    ({"name": "/tmp/escaped-absolute.txt"}, "an absolute name"),
    ({"name": "closed/UntetherAI/code/out", "type": tarfile.SYMTYPE, "linkname": "/etc"},
     "a link to '/etc', outside the archive"),
    ({"name": "closed/UntetherAI/code/up", "type": tarfile.SYMTYPE,
      "linkname": "../../../../escaped"}, "outside the archive"),
    ({"name": "closed/UntetherAI/code/hard", "type": tarfile.LNKTYPE, "linkname": "/etc/passwd"},
     "a hard link to '/etc/passwd'"),
    ({"name": "closed/UntetherAI/code/fifo", "type": tarfile.FIFOTYPE}, "a named pipe"),
])
def test_a_member_that_could_write_outside_is_refused(pristine, tmp_path, member, why):
    archive = tmp_path / "work" / "hostile.tar.gz"
    archive.parent.mkdir()
    data = b"x" if member.get("type", tarfile.REGTYPE) == tarfile.REGTYPE else None
    _hostile_tar(archive, pristine, (dict(member), data))
    report = check_tree(str(archive))
    refused = [f for f in report.findings if f.code == "STR024"]
    assert [f.path for f in refused] == [member["name"]] and why in refused[0].message
    assert not report.valid
    assert sorted(os.listdir(tmp_path)) == ["work"] and os.listdir(archive.parent) == [archive.name]
    assert not os.path.exists("/tmp/escaped-absolute.txt")
    # Everything else of the archive is checked: the slice's results are all there.
    assert {e.result for e in report.results} == {e.result for e in check_tree(
        str(pristine["edge"])).results}


def test_a_link_that_leads_out_through_an_earlier_link_is_refused(pristine, tmp_path):
    archive = tmp_path / "chain.tar.gz"
    _hostile_tar(archive, pristine,
                 ({"name": "here", "type": tarfile.SYMTYPE, "linkname": "."}, None),
                 ({"name": "parent", "type": tarfile.SYMTYPE, "linkname": "here/.."}, None),
                 ({"name": "parent/escaped.txt"}, b"x"))
    report = check_tree(str(archive))
    assert [f.path for f in report.findings if f.code == "STR024"] == ["parent"]
    # The file then lands in a plain folder "parent" inside the unpacked tree, not above it.
    assert not os.path.exists(os.path.join(tempfile.gettempdir(), "escaped.txt"))


def test_a_cut_off_archive_is_unreadable_and_what_was_read_is_checked(pristine, tmp_path):
    archive = tmp_path / "sub.tar.gz"
    assert _pack(pristine["edge"], archive).exit_code == 0
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    out = CliRunner().invoke(main, ["check", str(cut)])
    assert out.exit_code == 1 and "STR025 archive-unreadable" in out.output, out.output


def test_a_member_beyond_what_any_check_reads_costs_no_disk_and_checks_the_same(broken_tree,
                                                                                tmp_path):
    tree = broken_tree("edge")
    big = tree.result("Offline") / "accuracy" / "mlperf_log_accuracy.json"
    text = big.read_bytes()
    with big.open("r+b") as fh:  # 80 MiB: over the 64 MiB any check reads, with its own edges
        fh.seek(80 << 20)
        fh.write(text[-100:])
    archive = tmp_path / "big.tar.gz"
    assert _pack(tree.root, archive, "--force").exit_code == 1
    from_tree, from_archive = check_tree(str(tree.root)), check_tree(str(archive))
    assert _same(from_archive) == _same(from_tree)
    assert "STR019" in {f.code for e in from_tree.results for f in e.findings}


def test_check_refuses_a_file_that_is_no_archive(tmp_path):
    stray = tmp_path / "notes.txt"
    stray.write_text("x", "utf-8")
    out = CliRunner().invoke(main, ["check", str(stray)])
    assert out.exit_code == 2 and "neither a folder nor an archive" in out.output


def test_diff_of_two_uploads_names_the_result_that_changed(pristine, broken_tree, tmp_path):
    old, new = tmp_path / "old.tar.gz", tmp_path / "new.tar.gz"
    assert _pack(pristine["power"], old).exit_code == 0
    tree = broken_tree("power", session_field_missing)
    assert _pack(tree.root, new, "--force").exit_code == 1
    out = CliRunner().invoke(main, ["diff", str(old), str(new), "--format", "json"])
    assert out.exit_code == 1, out.output
    changed = json.loads(out.output)["verdicts"]
    assert [c["result"] for c in changed] == [
        f"closed/{tree.submitter}/results/{tree.system}/{tree.bench}/{tree.result('offline').name}"]


def test_the_results_table_of_an_archive_is_the_trees(pristine, tmp_path):
    from infercheck.reports.inputs import load_results

    archive = tmp_path / "sub.tar.gz"
    assert _pack(pristine["power"], archive).exit_code == 0
    from_archive, roots = load_results([str(archive)])
    from_tree, _ = load_results([str(pristine["power"])])
    assert from_archive.equals(from_tree) and roots == {"v4.1": str(archive)}


def test_a_zip_member_that_climbs_out_or_links_out_is_refused(pristine, tmp_path):
    archive = tmp_path / "work" / "hostile.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as zf:
        for folder, _, files in os.walk(pristine["edge"]):
            for name in files:
                path = os.path.join(folder, name)
                zf.write(path, os.path.relpath(path, pristine["edge"]))
        zf.writestr("../escaped.txt", b"x")
        link = zipfile.ZipInfo("closed/UntetherAI/code/out")
        link.external_attr = (0o120777 << 16)  # a symbolic link, as zip -y stores one
        zf.writestr(link, "/etc")
    report = check_tree(str(archive))
    refused = sorted((f.path, f.message) for f in report.findings if f.code == "STR024")
    assert [p for p, _ in refused] == ["../escaped.txt", "closed/UntetherAI/code/out"]
    assert "outside the archive" in refused[1][1]
    assert os.listdir(tmp_path) == ["work"] and os.listdir(archive.parent) == [archive.name]


def test_a_member_under_a_file_or_with_an_overlong_name_is_refused_alone(pristine, tmp_path):
    archive = tmp_path / "odd.tar.gz"
    _hostile_tar(archive, pristine,
                 ({"name": "closed/UntetherAI/code/notes"}, b"a file"),
                 ({"name": "closed/UntetherAI/code/notes/inside.txt"}, b"x"),
                 ({"name": "closed/UntetherAI/code/" + "n" * 300}, b"x"))
    report = check_tree(str(archive))
    refused = [f.path for f in report.findings if f.code == "STR024"]
    assert refused == ["closed/UntetherAI/code/notes/inside.txt",
                       "closed/UntetherAI/code/" + "n" * 300]
    assert not [f for f in report.findings if f.code == "STR025"]
    assert len(report.results) == len(check_tree(str(pristine["edge"])).results)


def test_the_manifest_verifies_with_sha256sum_even_for_odd_names(broken_tree, tmp_path):
    tree = broken_tree("edge-v1.0")  # a round without repository limits: such names pass
    code = tree.sub / "code" / tree.bench
    (code / "back\\slash.txt").write_text("1", "utf-8")
    (code / "new\nline.txt").write_text("2", "utf-8")
    (code / b"caf\xe9.txt".decode("utf-8", "surrogateescape")).write_text("3", "utf-8")
    archive = tmp_path / "odd.tar.gz"
    assert _pack(tree.root, archive, "--force").exit_code in (0, 1)
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    subprocess.run(["tar", "-xzf", str(archive), "-C", str(unpacked)], check=True)  # GNU tar
    done = subprocess.run(["sha256sum", "--check", "--strict", "MANIFEST.sha256"], cwd=unpacked,
                          capture_output=True)
    assert done.returncode == 0, done.stdout[-500:] + done.stderr[-500:]
    assert done.stdout.count(b": OK") == len(list(tree_files(tree.root)))


def tree_files(root):
    for folder, _, files in os.walk(root):
        yield from (os.path.join(folder, f) for f in files)


def test_github_annotations_of_an_archive_name_the_path_in_the_message(broken_tree, tmp_path):
    tree = broken_tree("power", session_field_missing)
    archive = tmp_path / "sub.tar.gz"
    assert _pack(tree.root, archive, "--force").exit_code == 1
    out = CliRunner().invoke(main, ["check", str(archive), "--format", "github"])
    errors = [x for x in out.output.splitlines() if x.startswith("::error")]
    assert errors and all("file=" not in x.split("::")[1] for x in errors)
    assert any("::closed/" in x and "server.json" in x for x in errors), errors
