"""The accuracy value: present, above the target, as shown, on the whole dataset."""

from __future__ import annotations

import os
import re

from infercheck.checker.core.findings import Finding, Rule, Severity
from infercheck.checker.core.registry import check
from infercheck.checker.core.textfile import ParseError, read_text
from infercheck.checker.mobile.appfile import AppRun, number_in
from infercheck.checker.mobile.context import RunLogs
from infercheck.checker.mobile.rules import AccuracyTarget


class AccuracyMissing(Rule):
    """A result has no accuracy.

    What it checks:
        The result file's entry (or the accuracy excerpt) has an accuracy value; a result that
        has no app export (a harness of the submitter's, v1.1 Intel) has it in the
        `accuracy.txt` of its accuracy folder, as the reference accuracy script printed it
        (`accuracy=76.07%`, `mAP=28.48%`, `mIoU is 55.01%`, `"f1": 89.17`: `accuracy_txt` in the
        rule pack).

    Why it matters:
        A result without accuracy cannot be held to the quality target.

    Example:
        found: accuracy_run null for object_detection

    How to fix:
        Run the accuracy mode in the app and export again.

    Rounds:
        All.

    Source:
        mobile_open rules ("Accuracy results on same commercially available device").
    """

    code = "MOB026"
    name = "accuracy-missing"
    tags = ("mobile", "accuracy")
    message = "no accuracy for {benchmark} {scenario}"


class AccuracyBelowTarget(Rule):
    """The accuracy is below the round's quality target.

    What it checks:
        The app's normalised accuracy is at least the target: a fraction of the FP32 reference
        (MobileNetV4 98 % of 82.68 %, MobileDETs 95 % of 0.285 mAP, MOSAIC 96 % of 59.8 %,
        Mobile-BERT 93 % of 90.5 F1) or a floor (EDSR 33 dB, Stable Diffusion CLIP 25.00).

    Why it matters:
        Speed at lower quality is not the benchmark.

    Example:
        expected: >= 0.810264 (81.03%), found: 0.8012 (80.12%)

    How to fix:
        Improve the quantisation; see Calibration.md for what the rules allow.

    Rounds:
        All; `accuracy` per benchmark in the rule pack. The Stable Diffusion floor is the working
        group's tentative one; the MobileNetV4 target is the seed's "81% ~ 98% of FP32". A
        warning in the open division, which publishes the accuracy beside the result.

    Source:
        mobile_open rules, "Accuracy run"; the seed's Mobile benchmark table.
    """

    code = "MOB013"
    name = "mobile-accuracy-below-target"
    tags = ("mobile", "accuracy")
    message = "{metric} {shown} is below the target {target}"


class AccuracyDatasetIncomplete(Rule):
    """The accuracy run did not cover the whole accuracy dataset.

    What it checks:
        The accuracy run's LoadGen log (qsl_reported_total_count) and the app's measured samples
        cover the dataset: ImageNet 50,000, COCO 5,000, ADE20K 2,000, SQuAD mini set 100, EDSR
        25 images, Stable Diffusion 150 captions.

    Why it matters:
        Accuracy on a subset is not the accuracy the target is defined on.

    Example:
        expected: >= 25 samples, found: 20 (v4.1 SD8SG3 EDSR, published)

    How to fix:
        Run the accuracy mode on the full dataset.

    Rounds:
        All; `accuracy.samples` per benchmark. `--profile published` tolerates it, as v4.1 did.

    Source:
        mobile_open rules, "Accuracy run" (dataset sizes).
    """

    code = "MOB014"
    name = "accuracy-dataset-incomplete"
    tags = ("mobile", "accuracy")
    message = "accuracy run covered {found} samples, the dataset has {expected}"
    published_tolerated = True


class AccuracyTextDisagree(Rule):
    """The accuracy the app shows differs from the accuracy it stores.

    What it checks:
        The formatted accuracy ("82.14%", "0.2740 mAP", "33.39 dB") is the normalised value in
        the benchmark's unit, to the digits shown.

    Why it matters:
        A hand-edited export shows one number and stores another.

    Example:
        expected: 82.14% (from 0.82138), found: 83.14%

    How to fix:
        Export the file again from the app.

    Rounds:
        All.

    Source:
        infercheck.
    """

    code = "MOB016"
    name = "accuracy-text-disagree"
    tags = ("mobile", "app-json")
    message = "accuracy shown as {found!r}, stored as {expected}"


def script_accuracy(folder: str | None, target: AccuracyTarget) -> tuple[float, str] | None:
    """The normalised accuracy and its text in the folder's accuracy.txt, as the reference
    accuracy script printed it (the last line that matches the round's pattern)."""
    how = target.accuracy_txt
    path = os.path.join(folder, "accuracy.txt") if folder else None
    if not how or not path or not os.path.isfile(path):
        return None
    try:
        found = re.findall(how["pattern"], read_text(path))
    except ParseError:
        return None
    if not found:
        return None
    value = float(found[-1])
    return value / how["divisor"], target.shown(value / how["divisor"])


def _accuracy(out, where, m, bench, scenario, target, app: AppRun | None,
              acc: RunLogs | None, division: str, acc_folder: str | None = None) -> None:
    normalized = app.accuracy if app else None
    text = app.accuracy_text if app else None
    shown_number = number_in(text)
    if normalized is None and shown_number is not None:
        normalized = shown_number / target.display_scale
    if normalized is None and (from_script := script_accuracy(acc_folder, target)):
        normalized, text = from_script
    m.update(accuracy_metric=target.metric, accuracy_unit=target.unit)
    if normalized is None:
        out.append(AccuracyMissing.at(where, benchmark=bench, scenario=scenario,
                                        locator=app.locator if app else None))
    else:
        # accuracy in the unit people quote (82.14 for %, 0.2740 for mAP), as for inference
        m.update(accuracy=normalized * target.display_scale, accuracy_normalized=normalized,
                 accuracy_display=text or target.shown(normalized),
                 accuracy_metrics={target.metric: normalized * target.display_scale})
        if normalized < target.threshold:
            # Open results may trade quality for speed; they are published with their accuracy.
            out.append(AccuracyBelowTarget.at(
                where, metric=target.metric, shown=target.shown(normalized),
                target=target.shown(target.threshold), expected=f">= {target.threshold:.6g}",
                found=round(normalized, 6),
                severity=Severity.WARNING if division == "open" else None))
        if app and app.accuracy is not None and shown_number is not None:
            digits = len(text.split(".")[1].split()[0].rstrip("%")) if "." in text else 0
            # Shown in the benchmark's unit (82.14%), or as stored (CLIP 0.2566).
            shown_ok = any(abs(app.accuracy * scale - shown_number) <= 0.51 * 10 ** -digits + 1e-9
                           for scale in {target.display_scale, 1})
            if not shown_ok:
                out.append(AccuracyTextDisagree.at(where, found=text, locator=app.locator,
                                                     expected=target.shown(app.accuracy)))
    covered = acc.detail.get("qsl_reported_total_count") if acc and acc.detail else None
    if covered is None and app:
        covered = app.accuracy_samples
    m["accuracy_samples"] = covered
    if covered is not None and covered < target.samples:
        out.append(AccuracyDatasetIncomplete.at(where, found=covered, expected=target.samples))


@check(emits=(AccuracyMissing, AccuracyBelowTarget, AccuracyDatasetIncomplete, AccuracyTextDisagree))
def check_accuracy(ctx):
    """The result's accuracy (the export's, else its display text) against the round's target,
    as shown, and on the whole dataset."""
    out: list[Finding] = []
    target = ctx.rules.target(ctx.benchmark)
    _accuracy(out, ctx.where, ctx.metrics, ctx.benchmark, ctx.scenario, target, ctx.app, ctx.acc,
              ctx.division, ctx.dirs.accuracy if ctx.dirs else None)
    yield from out
