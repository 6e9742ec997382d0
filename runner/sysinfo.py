"""The system description JSON, detected from the machine where it can be."""

from __future__ import annotations

import os
import platform
import shutil
import sys

__all__ = ["UNKNOWN", "describe_system"]

# Written where the machine cannot tell; the runner lists these fields for the user to fill.
# The round's pack names the text (`system.placeholders`), which the checker then finds (SYS010);
# this is the default.
UNKNOWN = "unknown (not detected; please fill in)"


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _cpu() -> dict:
    info = _read("/proc/cpuinfo")
    model = next((line.split(":", 1)[1].strip() for line in info.splitlines()
                  if line.lower().startswith("model name")), "") or platform.processor()
    sockets = {line.split(":", 1)[1].strip() for line in info.splitlines()
               if line.startswith("physical id")}
    cores = {(p, c) for p, c in zip(
        [x.split(":", 1)[1].strip() for x in info.splitlines() if x.startswith("physical id")],
        [x.split(":", 1)[1].strip() for x in info.splitlines() if x.startswith("core id")],
        strict=False)}
    logical = os.cpu_count() or 1
    n_sockets = max(len(sockets), 1)
    per_socket = (len(cores) // n_sockets) if cores else logical
    mhz = next((line.split(":", 1)[1].strip() for line in info.splitlines()
                if line.lower().startswith("cpu mhz")), "")
    cache = next((line.split(":", 1)[1].strip() for line in info.splitlines()
                  if line.lower().startswith("cache size")), "")
    return {
        "host_processor_model_name": model or UNKNOWN,
        "host_processors_per_node": str(n_sockets),
        "host_processor_core_count": str(per_socket),
        "host_processor_frequency": f"{float(mhz):.0f} MHz" if mhz else UNKNOWN,
        "host_processor_caches": cache or UNKNOWN,
    }


def _memory() -> str:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            kib = int(line.split()[1])
            return f"{kib / 1024 / 1024:.0f} GB"
    return UNKNOWN


def _os() -> str:
    pretty = next((line.split("=", 1)[1].strip().strip('"') for line in
                   _read("/etc/os-release").splitlines() if line.startswith("PRETTY_NAME=")), "")
    return f"{pretty or platform.system()} (kernel {platform.release()})"


def describe_system(*, submitter: str, division: str, system_name: str, system_type: str,
                    framework: str, loadgen: str, status: str = "available",
                    placeholder: str = UNKNOWN) -> tuple[dict, list[str]]:
    """The 35 fields of a v3.1+ system description, and the ones the machine could not tell
    (which hold `placeholder`)."""
    disk = shutil.disk_usage(os.getcwd()).total
    desc = {
        "division": division,
        "submitter": submitter,
        "status": status,
        "system_name": system_name,
        "system_type": system_type,
        "system_type_detail": f"{system_type} (reference runner)",
        "number_of_nodes": "1",
        **_cpu(),
        "host_memory_capacity": _memory(),
        "host_memory_configuration": UNKNOWN,
        "host_storage_capacity": f"{disk / 1e9:.0f} GB",
        "host_storage_type": UNKNOWN,
        "host_processor_interconnect": "N/A",
        "host_networking": "N/A (single node)",
        "host_networking_topology": "N/A (single node)",
        "host_network_card_count": "N/A (single node)",
        # A CPU run: no accelerator. The checker wants text here, not 0.
        "accelerators_per_node": "0",
        "accelerator_model_name": "N/A",
        "accelerator_frequency": "N/A",
        "accelerator_host_interconnect": "N/A",
        "accelerator_interconnect": "N/A",
        "accelerator_interconnect_topology": "N/A",
        "accelerator_memory_capacity": "N/A",
        "accelerator_memory_configuration": "N/A",
        "accelerator_on-chip_memories": "N/A",
        "cooling": UNKNOWN,
        "framework": framework,
        "operating_system": _os(),
        "other_software_stack": f"Python {platform.python_version()}, mlcommons-loadgen {loadgen}",
        "hw_notes": "",
        "sw_notes": f"Made by the infercheck reference runner ({sys.platform}).",
    }
    desc = {k: placeholder if v == UNKNOWN else v for k, v in desc.items()}
    unknown = sorted(k for k, v in desc.items() if v == placeholder)
    return dict(sorted(desc.items())), unknown
