"""Settings of a result's run read from its measurements' mlperf.conf and user.conf."""

from __future__ import annotations


def conf_setting(ctx, name: str):
    """A setting for this benchmark and scenario from the measurements' mlperf.conf/user.conf."""
    base = ctx.model.replace("-99.9", "").replace("-99", "").lower()
    value = None
    for conf in ("mlperf.conf", "user.conf"):  # user.conf overrides mlperf.conf
        rel = f"{ctx.measurements_dir}/{conf}"
        text = ctx.text(rel) if ctx.exists(rel) else None
        for line in (text or "").splitlines():
            line = line.split("#", 1)[0].replace(" ", "")
            if "=" not in line or line.count(".") < 2:
                continue
            key, val = line.split("=", 1)
            model, scenario, setting = (key.split(".", 2) + ["", ""])[:3]
            if setting == name and model.lower() in (base, "*") and scenario in (ctx.scenario, "*"):
                value = val
    return value
