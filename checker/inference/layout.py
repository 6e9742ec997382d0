"""Where an inference result's files live in a submission tree, for the checker and the runner.

Paths are relative to the tree and use "/" whatever the platform; `layout` is the round's
`layout` section (from v6.0 measurements and compliance are inside the result folder).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DIVISIONS", "ResultPaths"]

DIVISIONS = ("closed", "open", "network")


@dataclass(frozen=True)
class ResultPaths:
    layout: dict
    division: str
    submitter: str
    system: str
    benchmark: str  # the folder name
    scenario_folder: str

    @property
    def submitter_dir(self) -> str:
        return f"{self.division}/{self.submitter}"

    @property
    def system_json(self) -> str:
        return f"{self.submitter_dir}/systems/{self.system}.json"

    def _beside(self, part: str) -> str:
        return f"{self.submitter_dir}/{part}/{self.system}/{self.benchmark}/{self.scenario_folder}"

    @property
    def result_dir(self) -> str:
        return self._beside("results")

    @property
    def measurements_dir(self) -> str:
        inside = self.layout.get("measurements") == "inside"
        return self.result_dir if inside else self._beside("measurements")

    @property
    def compliance_dir(self) -> str:
        inside = self.layout.get("compliance") == "inside"
        return self.result_dir if inside else self._beside("compliance")

    @property
    def measurements_json(self) -> str:
        """The name the runner writes (the checker also accepts the other official spellings)."""
        if self.layout.get("measurements") == "inside":
            return "measurements.json"
        return f"{self.system}_{self.scenario_folder}.json"

    @property
    def code_dir(self) -> str:
        return f"{self.submitter_dir}/{self.layout.get('code_dir', 'code')}/{self.benchmark}"

    def run_dir(self, mode: str = "performance", run: int = 1) -> str:
        """LoadGen's logs of the result's run: performance/run_<run> or accuracy."""
        if mode == "performance":
            return f"{self.result_dir}/performance/run_{run}"
        return f"{self.result_dir}/accuracy"
