"""Test configuration.

Hypothesis profiles: ``dev`` (default) draws fresh examples on every run, to
keep exploring; ``ci`` (``HYPOTHESIS_PROFILE=ci``, set by scripts/test.sh) is
derandomized, so CI checks the same examples on every clean clone and a red
run is always reproducible with the same command.
"""

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

settings.register_profile("dev", deadline=None)
settings.register_profile(
    "ci", deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


# ----------------------------------------------------------------------------- strict mode and run summary
# Under CI=true or MICROINTERP_STRICT=1 a run cannot pass by skipping: a missing oracle, model set or
# toolchain stops the session with a message saying what is missing and how to get it, and any skip
# whose reason is a missing prerequisite becomes a failure. Every run ends with one line saying what
# actually ran (oracle, real-model and firmware tests per core), strict or not.

STRICT = os.environ.get("MICROINTERP_STRICT") == "1" or os.environ.get("CI", "").lower() == "true"

#: Skip reasons that mean "something the tests need is not installed or not fetched".
MISSING_PREREQUISITE = ("TFLM oracle", "not found under", "shared models", "toolchain", "cannot be built",
                        "headless browser", "TensorFlow converter")

_CORES = ("cortex-m0plus", "cortex-m4f", "cortex-m4")  # m4f before m4: the first name found wins
_outcomes: dict[str, str] = {}


def missing_prerequisites() -> list[str]:
    """What a strict run lacks, each with how to get it (empty when complete)."""
    import json

    import oracle

    from microinterp.fw import targets as tg
    from microinterp.fw.toolchain import toolchain_missing

    missing = []
    if oracle.tflm_runtime is None:
        missing.append("the TFLM oracle (`tflite-micro` from PyPI, Linux x86_64 only): "
                       "scripts/bootstrap.sh test, or pip install tflite-micro")
    models = json.loads(oracle.MODEL_LIST.read_text())["models"]
    absent = [name for name, m in models.items()
              if not (oracle.MODELS_DIR / name).is_file() or (oracle.MODELS_DIR / name).stat().st_size != m["size"]]
    if absent:
        missing.append(f"the test models: {len(absent)} of {len(models)} listed in tests/models.json are missing "
                       f"or of the wrong size under {oracle.MODELS_DIR} (e.g. {absent[0]}); {oracle.FETCH_HINT}")
    host = tg.get_target("host").unavailable()
    if host:
        missing.append(f"the host C toolchain: {host} (scripts/test.sh installs it: apt-get install gcc make)")
    cross = toolchain_missing()
    if cross:
        missing.append(f"the Cortex-M toolchain/emulator: {cross}")
    converter = _converter_missing()
    if converter:
        missing.append(converter)
    return missing


def _converter_missing() -> str | None:
    """tests/converter/'s TensorFlow venv, when absent (its conftest says how to make it)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_converter_conftest",
                                                  Path(__file__).resolve().parent / "converter" / "conftest.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.converter_missing()


def pytest_sessionstart(session) -> None:  # type: ignore[no-untyped-def]
    if not STRICT:
        return
    missing = missing_prerequisites()
    if missing:
        pytest.exit("strict mode (CI=true or MICROINTERP_STRICT=1) refuses to run with skipped prerequisites; "
                    "missing:\n  - " + "\n  - ".join(missing), returncode=3)


def pytest_runtest_setup(item) -> None:  # type: ignore[no-untyped-def]
    import oracle

    oracle.CURRENT_TEST[0] = item.nodeid


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    """Under strict mode a skip for a missing prerequisite is reported as a failure."""
    outcome = yield
    report = outcome.get_result()
    if STRICT and report.skipped and not hasattr(report, "wasxfail"):
        reason = str(report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr)
        if any(p in reason for p in MISSING_PREREQUISITE):
            report.outcome = "failed"
            report.longrepr = f"strict mode: a missing prerequisite may not be skipped: {reason}"


def pytest_runtest_logreport(report) -> None:  # type: ignore[no-untyped-def]
    if report.when == "call" or report.outcome != "passed":
        previous = _outcomes.get(report.nodeid)
        if previous != "failed":
            _outcomes[report.nodeid] = report.outcome


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    import oracle

    session_items = getattr(terminalreporter, "_session", None)
    items = {it.nodeid: it for it in (session_items.items if session_items is not None else [])}
    ran = {n for n, o in _outcomes.items() if o in ("passed", "failed")}
    skipped = sum(1 for o in _outcomes.values() if o == "skipped")

    def uses_oracle(nodeid: str) -> bool:
        item = items.get(nodeid)
        return item is not None and any("TFLM oracle" in str(m.kwargs.get("reason", ""))
                                        for m in item.iter_markers("skipif"))

    firmware = {core: 0 for core in ("host", "cortex-m0plus", "cortex-m4", "cortex-m4f")}
    for n in ran:
        if n.startswith("tests/firmware/"):
            firmware[next((c for c in _CORES if c in n), "host")] += 1
    cores = ", ".join(f"{c} {k}" for c, k in firmware.items())
    terminalreporter.write_line(
        f"microinterp: ran {len(ran)} tests: {sum(map(uses_oracle, ran))} against the TFLM oracle, "
        f"{len(ran & oracle.MODEL_TESTS)} on real models, firmware {cores}; {skipped} skipped"
        f"{' (strict)' if STRICT else ''}")
