"""The MLPerf Mobile rules (codes MOB001-MOB029); each docstring is its `explain` page.

Generic problems (a missing or malformed file, a bad measurements JSON) keep their STR/MEA codes.
A rule with `published_tolerated` (see findings.Rule) is one that published rounds broke and
still published; `--profile published` downgrades it to a warning and lists it.
"""

from __future__ import annotations

from infercheck.checker.core.findings import Rule, Severity


class MobileRule(Rule):
    """Base of the MOB rules (their registry entries are made by Rule itself)."""


class ResultFileMissing(MobileRule):
    """A device folder has no app result file.

    What it checks:
        `results/<device>/` (or `results/` when there is no device level) holds the app's
        exported `result.json` (also spelled `results.json`), or at least the command-line tool's
        `performance_results.txt` / `accuracy_results.txt`.

    Why it matters:
        The app's export is the submission's score sheet: the value and accuracy of every
        benchmark come from it.

    Example:
        expected: closed/Acme/results/PhoneX/result.json, found: nothing

    How to fix:
        Export the results from the app (Results > share) and add the file.

    Rounds:
        All Mobile rounds.

    Source:
        mobile_open rules, "Directory structure": results/<system_desc_id>/result.json.
    """

    code = "MOB001"
    name = "result-file-missing"
    tags = ("mobile", "structure")
    message = "no result.json (nor command-line excerpts) for device {device!r}"


class CliExcerptsOnly(MobileRule):
    """The results come from the command-line tool's excerpts, not from the app's JSON export.

    What it checks:
        A device with `performance_results.txt` / `accuracy_results.txt` but no result.json.

    Why it matters:
        The excerpts are hand-made copies of log lines: they carry no app build, no device
        description and no validity flags, so they prove less than the export.

    Example:
        SDX_Elite (Windows laptop, v4.1): performance_results.txt and accuracy_results.txt only.

    How to fix:
        Run the app (or the CLI with result export) and add its result.json.

    Rounds:
        All; published Windows-laptop results (v3.0 onwards) rely on excerpts, which
        `--profile published` accepts with a warning.

    Source:
        mobile_open rules, "Directory structure" (result.json is mandatory).
    """

    code = "MOB002"
    name = "cli-excerpts-only"
    tags = ("mobile", "structure")
    message = "results of device {device!r} come from command-line excerpts only, no result.json"
    published_tolerated = True


class ResultFileNotJson(MobileRule):
    """The app result file is not valid JSON.

    What it checks:
        result.json parses as JSON.

    Why it matters:
        Nothing in it can be read, so no result of the device has a value.

    Example:
        found: Expecting ',' delimiter: line 40 column 5

    How to fix:
        Export the file again from the app; do not edit it by hand.

    Rounds:
        All.

    Source:
        infercheck.
    """

    code = "MOB003"
    name = "result-file-not-json"
    tags = ("mobile", "app-json")
    message = "app result file is not valid JSON: {found}"


class ResultFileSchema(MobileRule):
    """The app result file does not have the shape of any app generation.

    What it checks:
        The file validates against the JSON Schema of its generation: legacy Android app
        (a flat list, v1.1-v2.0), Flutter 2 (a list with one export, v2.1) or Flutter 3/4 (one
        export object, v3.0 onwards); see schemas/mobile_result_*.schema.json.

    Why it matters:
        A missing or mistyped field (a throughput as text, no scenario) means the value read
        from it could be wrong.

    Example:
        locator: $.results[2].performance_run.loadgen.latency90, found: '0.00091' is not of type 'number'

    How to fix:
        Export the file again from the app; do not edit it by hand.

    Rounds:
        All.

    Source:
        mobile_app_open tools/extended_result_schema.json and docs/result-spec.md.
    """

    code = "MOB004"
    name = "result-file-schema"
    tags = ("mobile", "app-json")
    message = "app result file ({generation}) fails its schema at {locator}: {found}"


class BenchmarkMissing(MobileRule):
    """A benchmark every submission of the round must have is missing on a device.

    What it checks:
        Each device has every required benchmark of the round (for v4.1: MobileNetV4,
        MobileDETs, MOSAIC, Mobile-BERT, EDSR; Stable Diffusion is optional), and one of each
        `one_of` group (v2.0-v2.1: MOSAIC or DeepLabV3+).

    Why it matters:
        A Mobile result is a device's row across the whole suite; a partial row is not
        comparable.

    Example:
        expected: edsr, found: (absent) on device SD8G3

    How to fix:
        Run the missing benchmark in the app and add its logs and result.

    Rounds:
        All; the `required` flags and `one_of` groups of the rule pack. In the open division it
        is a warning (open submissions may cover a subset).

    Source:
        mobile_open rules/submissionRuleV3_0.adoc ("results for all 5 models").
    """

    code = "MOB005"
    name = "benchmark-missing"
    tags = ("mobile", "structure")
    message = "device {device!r} lacks required benchmark {expected}"


class UnknownMobileBenchmark(MobileRule):
    """A benchmark folder or app benchmark id is not a benchmark of the round.

    What it checks:
        Folders under `results/<device>/` name a benchmark of the round (any case or
        punctuation: mobileBERT, Mobile-BERT) or are app log folders
        `<benchmark_id>-performance` / `-accuracy`; ids in the result JSON are ids of the round.

    Why it matters:
        Without a benchmark there is no quality target and no run rule to judge the result by.

    Example:
        found: deeplabV3+ (round v4.1, whose segmentation benchmark is MOSAIC)

    How to fix:
        Check `--version`; remove results of retired benchmarks or rename the folder.

    Rounds:
        All; names are each benchmark's `folders` and `app_ids` in the rule pack.

    Source:
        mobile_open rules: "<benchmark> must be one of {MobilenetEdgeTPU, MobileDETSSD, MOSAIC,
        EDSR, MobileBERT}".
    """

    code = "MOB006"
    name = "unknown-mobile-benchmark"
    tags = ("mobile", "structure")
    message = "{what} {found!r} is not a benchmark of Mobile round {round}"


class ScenarioMissing(MobileRule):
    """A benchmark lacks a scenario the round requires.

    What it checks:
        Each benchmark present has its required scenarios: SingleStream always, and up to
        v3.1 also Offline for MobileNetEdgeTPU.

    Why it matters:
        The round's table has a column for each required scenario.

    Example:
        expected: Offline, found: SingleStream only (mobilenet_edgetpu, v2.1)

    How to fix:
        Run the missing scenario and add its logs and result.

    Rounds:
        All; `scenarios` per benchmark in the rule pack (Offline optional from v4.0). A warning in
        the open division.

    Source:
        submissionRuleV3_0.adoc ("... and MobilenetEdgeTPU offline scenario"); the seed's Mobile
        page ("The Image classification benchmark permits an optional Offline scenario").
    """

    code = "MOB007"
    name = "scenario-missing"
    tags = ("mobile", "structure")
    message = "{benchmark} on device {device!r} lacks scenario {expected}"


class UnknownMobileScenario(MobileRule):
    """A result has a scenario its benchmark does not have.

    What it checks:
        Scenario folders and result entries are SingleStream, or Offline for image
        classification, and an entry's scenario is the one of its app benchmark id
        (image_classification_offline_v2 is Offline).

    Why it matters:
        Other scenarios have no run rules in Mobile and are not published.

    Example:
        found: Offline for mobilebert (closed division)

    How to fix:
        Remove the result, or submit it in the open division (a warning there).

    Rounds:
        All.

    Source:
        mobile_open rules: "<scenario> must be one of {SingleStream, Offline}".
    """

    code = "MOB008"
    name = "unknown-mobile-scenario"
    tags = ("mobile", "structure")
    message = "{found!r} is not a scenario of {benchmark} in round {round}"


class LogsMissing(MobileRule):
    """A result lacks its LoadGen logs.

    What it checks:
        Each result has a performance and an accuracy log folder (`log_performance/` and
        `log_accuracy/` under `<benchmark>/<Scenario>/`, or `<benchmark_id>-performance/` and
        `-accuracy/`), each with mlperf_log_summary.txt and mlperf_log_detail.txt.

    Why it matters:
        The logs are what the app's numbers are checked against; the audit replays them.

    Example:
        expected: .../mosaic/SingleStream/log_performance/mlperf_log_detail.txt, found: nothing

    How to fix:
        Copy the app's log folders for the run (they are under the app's log directory).

    Rounds:
        All.

    Source:
        mobile_open rules, "Directory structure" and the list of mandatory files.
    """

    code = "MOB009"
    name = "logs-missing"
    tags = ("mobile", "loadgen")
    message = "{what} missing for {benchmark} {scenario}"


class RunTooShort(MobileRule):
    """A performance run is shorter than the round's minimum.

    What it checks:
        SingleStream: at least 1,024 queries and 60 s (LoadGen's flags and counts, and the
        app's); Offline: at least 24,576 samples. Stable Diffusion (v4.1 onwards) is exempt from
        the query minimum: its runs stop at 300 s with 75-85 queries.

    Why it matters:
        Short runs make the 90th percentile unstable and favour thermally throttling phones.

    Example:
        expected: >= 1024 queries, found: 512

    How to fix:
        Run in the app's submission mode (not quick or rapid mode).

    Rounds:
        All; `run` in the rule pack, per-benchmark overrides under `benchmarks.<name>.run`.

    Source:
        The app's tasks.pbtxt (min_query_count, min_duration, max_duration) per round tag;
        mobile_open rules, "Scenarios".
    """

    code = "MOB010"
    name = "run-too-short"
    tags = ("mobile", "run-length")
    message = "{what}: expected {expected}, found {found}"
    run_length = True


class RunSettings(MobileRule):
    """The run was configured with other limits than the round's.

    What it checks:
        LoadGen's effective settings (min duration, min query count, max duration, Offline min
        sample count) and the app's `min_duration` / `min_samples` equal the round's.

    Why it matters:
        Different limits mean a different app build or mode; the result is not comparable even if
        it passes the minimum.

    Example:
        locator: effective_max_duration_ms, expected: 600000, found: 0 (v4.1)

    How to fix:
        Use the round's submission build of the app.

    Rounds:
        All; max duration from v4.0 (600 s, 300 s for Stable Diffusion). The v4.1 Windows
        laptop (command-line tool) ran with 1,000 as the minimum query count; as the runs
        still exceeded 1,024 queries (MOB010 checks the counts), `--profile published` tolerates
        the setting.

    Source:
        The app's tasks.pbtxt per round tag.
    """

    code = "MOB011"
    name = "run-settings"
    tags = ("mobile", "loadgen")
    message = "{what} is {found}, the round requires {expected}"
    published_tolerated = True


class RunInvalid(MobileRule):
    """LoadGen or the app called the performance run invalid.

    What it checks:
        The summary says "Result is : VALID" and the app's validity flags agree, except for the
        criteria the round waives (Stable Diffusion: min queries and early stopping).

    Why it matters:
        An invalid run did not meet the statistical requirements of the metric.

    Example:
        found: INVALID (Min queries satisfied : NO)

    How to fix:
        Re-run in submission mode; check for throttling that stretched the run.

    Rounds:
        All.

    Source:
        mobile_app_open flutter/lib/benchmark/performance_result_validity.dart.
    """

    code = "MOB012"
    name = "run-invalid"
    tags = ("mobile", "loadgen")
    message = "{source} says the performance run is invalid: {found}"


class AccuracyBelowTarget(MobileRule):
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


class AccuracyDatasetIncomplete(MobileRule):
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


class AppLogDisagree(MobileRule):
    """A number in the app's result file differs from the LoadGen log beside it.

    What it checks:
        The app's p90 latency (or 1/throughput) equals the summary's 90th percentile latency,
        its Offline throughput the log's samples per second, its query count LoadGen's, and
        its validity LoadGen's "Result is".

    Why it matters:
        Either the logs belong to another run or the result file was edited: the published
        value would not be the measured one.

    Example:
        locator: latency90, expected: 0.000914218 s (log), found: 0.000814218 s (result.json)

    How to fix:
        Put the logs of the exported run beside the export.

    Rounds:
        All rounds whose results carry both.

    Source:
        infercheck (the Mobile review compares them by hand).
    """

    code = "MOB015"
    name = "app-log-disagree"
    tags = ("mobile", "app-json", "loadgen")
    message = "{what}: result file says {found}, the LoadGen log says {expected}"


class AccuracyTextDisagree(MobileRule):
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


class ResultNotExported(MobileRule):
    """Logs of a benchmark are present but the app's result file has no entry for it.

    What it checks:
        Every benchmark and scenario folder with logs has an entry in the device's result file.

    Why it matters:
        The published value comes from the result file; logs alone have no accuracy.

    Example:
        found: results/PhoneX/EDSR/SingleStream with no super_resolution entry in result.json

    How to fix:
        Export the run that produced these logs, or remove the folder.

    Rounds:
        All.

    Source:
        infercheck.
    """

    code = "MOB017"
    name = "result-not-exported"
    tags = ("mobile", "app-json")
    message = "{benchmark} {scenario} has logs but no entry in {source}"


class SupportingLogMissing(MobileRule):
    """A log the rules list as mandatory is missing or incomplete (trace, accuracy log, split parts).

    What it checks:
        The accuracy run has mlperf_log_accuracy.json; both runs have mlperf_log_trace.json
        when the round requires it; a log split into parts (`.jsonaa`, `_aa`, `_split/1.json`)
        has every part up to the last.

    Why it matters:
        Auditors re-score accuracy from mlperf_log_accuracy.json and look at the trace for
        throttling.

    Example:
        expected: mlperf_log_trace.jsonaa, mlperf_log_trace.jsonab, found: mlperf_log_trace.jsonac only

    How to fix:
        Add the file (split it with `split -b 90m` if it is over GitHub's 100 MB limit).

    Rounds:
        All; published rounds lack many traces, which `--profile published` tolerates.

    Source:
        mobile_open rules, list of mandatory files.
    """

    code = "MOB018"
    name = "supporting-log-missing"
    tags = ("mobile", "loadgen")
    message = "{what} of the {run} run of {benchmark} {scenario}"
    published_tolerated = True


class ScreenshotsMissing(MobileRule):
    """A device folder has no screenshot of the app's results.

    What it checks:
        `results/<device>/` holds at least one image (.jpg, .jpeg, .png).

    Why it matters:
        The screenshots show the numbers as the app displayed them, before any export.

    Example:
        found: no image in closed/Acme/results/PhoneX

    How to fix:
        Add the performance and accuracy screenshots.

    Rounds:
        All (a warning: several published devices lack them).

    Source:
        mobile_open rules: "screenshots of the performance and accuracy results".
    """

    code = "MOB019"
    name = "screenshots-missing"
    severity = Severity.WARNING
    tags = ("mobile", "structure")
    message = "no screenshot of the app's results for device {device!r}"


class SystemMissing(MobileRule):
    """A device has no system description.

    What it checks:
        `systems/<device>.json` exists for each device folder (any case), or the one file in
        `systems/` when results have no device level.

    Why it matters:
        The device, SoC and software stack in the results table come from it.

    Example:
        expected: closed/Acme/systems/PhoneX.json, found: nothing

    How to fix:
        Add the description (the Mobile working group's template).

    Rounds:
        All.

    Source:
        mobile_open rules, "<system_desc_id>.json metadata".
    """

    code = "MOB020"
    name = "system-missing"
    tags = ("mobile", "system")
    message = "no system description for device {device!r}"


class SystemNotJson(MobileRule):
    """The system description is not valid JSON.

    What it checks:
        `systems/<device>.json` parses as strict JSON.

    Why it matters:
        Tools that read it fail; infercheck still reads it leniently (trailing commas removed)
        to fill the results table.

    Example:
        found: Expecting property name enclosed in double quotes: line 9 column 9 (a trailing comma)

    How to fix:
        Remove trailing commas, quote every key and text value.

    Rounds:
        All; every Qualcomm file of v4.1 and v5.0 has trailing commas, which
        `--profile published` tolerates.

    Source:
        infercheck.
    """

    code = "MOB021"
    name = "system-not-json"
    tags = ("mobile", "system")
    message = "system description is not valid JSON: {found}"
    published_tolerated = True


class SystemFieldMissing(MobileRule):
    """The system description does not name the processor (SoC) or the device.

    What it checks:
        Some field names the processor / SoC ("Processor Name", "Processor_name", "SoC_ID",
        host_processor_model_name) and some field or note names the device ("System",
        "Phone summary", system_name); the Mobile template is free form, so spellings vary.

    Why it matters:
        The results table is keyed by device and SoC.

    Example:
        expected: a processor name field, found: System, DRAM, OS Version

    How to fix:
        Add "Processor Name" (and "Phone summary" under "notes").

    Rounds:
        All.

    Source:
        The Mobile working group's system description template.
    """

    code = "MOB022"
    name = "system-field-missing"
    tags = ("mobile", "system")
    message = "system description names no {expected}"


class UnknownCategory(MobileRule):
    """The system description gives a category that Mobile does not have.

    What it checks:
        A `status` / `category` field, if present, is a Mobile category: Available or R&D SoC
        ("research" and "rdi" mean R&D SoC).

    Why it matters:
        R&D SoC results must be resubmitted as Available later; readers filter on it.

    Example:
        found: preview (expected Available or R&D SoC)

    How to fix:
        Use "available" or "rdi".

    Rounds:
        All; categories in the rule pack.

    Source:
        mobile_open rules, "Submission Categories".
    """

    code = "MOB023"
    name = "unknown-category"
    tags = ("mobile", "system")
    message = "category {found!r} is not a Mobile category ({expected})"


class OtherRoundBuild(MobileRule):
    """The app build says it was made for another round.

    What it checks:
        build_info.git_branch, when it names a submission branch (submission-vX.Y), names the
        round being checked.

    Why it matters:
        Another round's build runs other tasks and limits; usually the wrong `--version`.

    Example:
        expected: submission-v4.1, found: submission-v4.0

    How to fix:
        Check with the round's build, or pass the right `--version`.

    Rounds:
        v2.1 onwards (earlier builds carry no branch).

    Source:
        infercheck.
    """

    code = "MOB024"
    name = "other-round-build"
    severity = Severity.WARNING
    tags = ("mobile", "app-json")
    message = "app build from branch {found!r}, the round is {expected}"


class MeasurementsMissing(MobileRule):
    """A result has no measurements JSON.

    What it checks:
        `measurements/<device>/<benchmark>/<Scenario>/` holds a JSON describing the
        implementation (input and weight data types, starting weights, retraining).

    Why it matters:
        It tells how the model was quantised; the review compares it to Calibration.md.

    Example:
        expected: measurements/PhoneX/mosaic/SingleStream/*.json, found: nothing

    How to fix:
        Add `<device>_<runtime>_<Scenario>.json` with the five implementation fields.

    Rounds:
        All.

    Source:
        mobile_open rules, "Directory structure".
    """

    code = "MOB025"
    name = "measurements-missing"
    tags = ("mobile", "measurements")
    message = "no measurements JSON for {benchmark} {scenario} on device {device!r}"


class AccuracyMissing(MobileRule):
    """A result has no accuracy.

    What it checks:
        The result file's entry (or the accuracy excerpt) has an accuracy value.

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


class PerformanceMissing(MobileRule):
    """A result has no performance value.

    What it checks:
        The result file's entry (or the performance excerpt) has a throughput or latency.

    Why it matters:
        There is nothing to publish.

    Example:
        found: performance_run null for natural_language_processing

    How to fix:
        Run the performance mode in the app and export again.

    Rounds:
        All.

    Source:
        mobile_open rules ("Inference performance results").
    """

    code = "MOB027"
    name = "performance-missing"
    tags = ("mobile", "app-json")
    message = "no performance value for {benchmark} {scenario}"


class OfflinePaddedThroughput(MobileRule):
    """The app's Offline throughput counts the samples it padded to whole batches.

    What it checks:
        For Offline, the app's throughput equals LoadGen's samples per second. The app divides
        its own sample count by the run time; with a large batch (12,360) that count includes
        the padding of the last batch (24,720 instead of LoadGen's 24,576 samples), which makes
        the throughput 0.6 % higher than LoadGen measured.

    Why it matters:
        Padding is not work LoadGen asked for; the published value overstates the result.

    Example:
        expected: 1648.73 (24576 samples), found: 1658.39 (24720 samples)

    How to fix:
        Report LoadGen's samples per second (the summary's), or count only issued samples.

    Rounds:
        v4.0 onwards (the app computes throughput as samples / p90 since the Flutter 3 app).
        Every published v4.1 Offline result with batching has it; `--profile published`
        tolerates it and keeps the app's value as the published one.

    Source:
        mobile_app_open flutter/lib/state/task_runner.dart, _calculateThroughput
        (numSamples / latency90).
    """

    code = "MOB028"
    name = "offline-padded-throughput"
    tags = ("mobile", "app-json", "loadgen")
    message = "the app's Offline throughput {found} counts batch padding; LoadGen measured {expected}"
    published_tolerated = True


class SubmitterFileMissing(MobileRule):
    """The submitter folder lacks its quantisation write-up or its code folder.

    What it checks:
        `<division>/<submitter>/` holds `Calibration.md` (any case) and a `code/` folder (the
        backend's glue code, a patch, or a source.txt naming the private repository).

    Why it matters:
        Reviewers judge closed-division quantisation against the write-up, and auditors rebuild
        the app from the code.

    Example:
        expected: closed/Acme/Calibration.md, found: nothing

    How to fix:
        Add the write-up (how the model was quantised, on which calibration set) and the code.

    Rounds:
        All.

    Source:
        mobile_open rules, "Directory structure": Calibration.md, code/.
    """

    code = "MOB029"
    name = "submitter-file-missing"
    tags = ("mobile", "structure")
    message = "submitter folder lacks {expected}"
