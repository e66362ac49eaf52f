"""Bad input on the command line: one line ``microinterp: error: ...``, a non-zero
exit, never a traceback; and the API arguments behind it (``arena_size``,
``trace``, ``from_bytes``) refused with a clear ``ArgumentError``.

Every case runs ``microinterp.cli.main.main`` in-process (an escaping exception
would fail the test, as a traceback would); ``test_entry_point_*`` runs the
installed ``microinterp`` command itself for a few of them. The model is the
built-in example, so nothing here needs the shared models.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from microinterp import ArgumentError, Interpreter
from microinterp.cli.main import main
from microinterp.examples import digits_model_path

MODEL = str(digits_model_path())


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    """Bad files of every kind, and a path whose parent is a file (never writable)."""
    text = tmp_path / "text.npy"
    text.write_text("hello\n")
    npz = tmp_path / "arrays.npz"
    np.savez(npz, input_0=np.zeros(3))
    short = tmp_path / "short.tflite"
    short.write_bytes(b"TFL3")
    junk = tmp_path / "junk.tflite"
    junk.write_bytes(b"\0\0\0\0TFL3" + b"\xff" * 40)
    binary_csv = tmp_path / "binary.csv"
    binary_csv.write_bytes(b"\xff\xfe\x00\x81" * 8)
    return {
        "missing": str(tmp_path / "missing.tflite"), "dir": str(tmp_path), "text": str(text),
        "npz": str(npz), "short": str(short), "junk": str(junk), "binary_csv": str(binary_csv),
        "missing_npy": str(tmp_path / "missing.npy"), "unwritable": str(text / "sub" / "x"),
    }


#: (argv with {placeholders} from ``files``/MODEL, exit code, words the one line must hold)
CASES: list[tuple[str, int, str]] = [
    # inspect
    ("inspect {missing}", 1, "cannot read model file"),
    ("inspect {dir}", 1, "Is a directory"),
    ("inspect {short}", 1, "not a .tflite model"),
    ("inspect {junk}", 1, "model"),
    # run
    ("run {missing}", 1, "No such file or directory"),
    ("run {dir}", 1, "Is a directory"),
    ("run {model} --input {missing_npy}", 1, "cannot read input file"),
    ("run {model} --input {text}", 1, "is not a .npy array"),
    ("run {model} --input {npz}", 1, "is an .npz archive"),
    ("run {model} --input {dir}", 1, "cannot read input file"),
    ("run {model} --seed -1", 2, "--seed: -1 is negative"),
    ("run {model} --seed abc", 2, "--seed: 'abc' is not an integer"),
    ("run {model} --trace 9", 2, "trace level 9 does not exist"),
    ("run {model} --trace -1", 2, "trace level -1 does not exist"),
    ("run {model} --arena-size -5", 2, "--arena-size: -5 is negative"),
    ("run {model} --arena-size 10", 1, "arena too small"),
    ("run {model} --arena-size 99999999999", 1, "arena_size=99999999999 is out of range"),
    ("run {model} --bogus", 2, "unrecognized arguments: --bogus"),
    # plan
    ("plan {missing}", 1, "cannot read model file"),
    ("plan {model} --target foo", 2, "invalid choice: 'foo'"),
    ("plan {model} --planner foo", 2, "invalid choice: 'foo'"),
    ("plan {model} --plot {text}", 1, "--plot expects a .png or .svg"),
    ("plan {model} --write-offline-plan {unwritable}", 1, "cannot write"),
    # golden
    ("golden {model} --out {unwritable}", 1, "Not a directory"),
    ("golden {model} --out {dir}/g --random 0", 2, "--random: 0 must be at least 1"),
    ("golden {model} --out {dir}/g --seed -1", 2, "--seed: -1 is negative"),
    ("golden {model} --out {dir}/g --format bogus", 1, "unknown golden format"),
    ("golden {model} --out {dir}/g --engine foo", 2, "invalid choice: 'foo'"),
    ("golden {model} --out {dir}/g --inputs {missing_npy}", 1, "cannot read input file"),
    ("golden {model} --out {dir}/g --inputs {text}", 1, "is not a .npy array"),
    ("golden {model} --out {dir}/g --inputs {binary_csv}", 1, "not a text CSV"),
    ("golden {missing} --out {dir}/g", 1, "cannot read model file"),
    # diff
    ("diff {model} {missing_npy} {missing_npy}", 2, "is neither a golden case folder"),
    ("diff {missing} {dir} {dir}", 2, "hold no case folders"),
    ("diff {missing} {npz} {npz}", 2, "cannot read model file"),
    # firmware
    ("firmware", 2, "firmware: choose an action"),
    ("firmware check {model} --target foo", 2, "unknown --target 'foo'"),
    ("firmware check {missing}", 1, "cannot read model file"),
    ("firmware check {short}", 1, "not a .tflite model"),
    ("firmware check {model} --vectors 0", 2, "--vectors: 0 must be at least 1"),
    ("firmware check {model} --seed -3", 2, "--seed: -3 is negative"),
    ("firmware check {model} --arena -1", 2, "--arena: -1 is negative"),
    ("firmware check {model} --timeout -1", 2, "--timeout: -1 seconds"),
    ("firmware check {model} --target cortex-m4 --sanitize", 2, "--sanitize applies to --target host"),
    ("firmware build --target foo", 2, "unknown --target 'foo'"),
    ("firmware sizes --target foo", 2, "unknown firmware target 'foo'"),
    ("firmware sizes {missing}", 1, "cannot read model file"),
    ("firmware frobnicate", 2, "invalid choice: 'frobnicate'"),
    # the command itself
    ("frobnicate", 2, "invalid choice: 'frobnicate'"),
]


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert "Traceback" not in err, err
    assert len(lines) == 1, err
    assert lines[0].startswith("microinterp: error: "), err
    return lines[0]


@pytest.mark.parametrize("argv, code, words", CASES, ids=[c[0].replace(" ", "_") for c in CASES])
def test_bad_input_is_one_line_and_a_nonzero_exit(argv: str, code: int, words: str, files: dict[str, str],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    args = [a.format(model=MODEL, **files) for a in argv.split()]
    try:
        rc = main(args)
    except SystemExit as e:  # argparse and usage errors exit through SystemExit
        rc = e.code
    line = _one_error_line(capsys.readouterr().err)
    assert rc == code, line
    assert words in line, line


def test_bad_trace_level_in_the_environment(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    for value in ("9", "verbose"):
        monkeypatch.setenv("MICROINTERP_TRACE", value)
        assert main(["run", MODEL]) == 1
        assert "MICROINTERP_TRACE" in _one_error_line(capsys.readouterr().err)


def test_progress_without_tqdm_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)  # what find_spec reports for a missing module
    assert main(["golden", MODEL, "--out", str(tmp_path / "g"), "--progress"]) == 0
    err = capsys.readouterr().err
    assert "microinterp: warning: --progress needs tqdm" in err
    assert (tmp_path / "g" / "case_0000").is_dir()


def test_firmware_check_names_an_allocation_failure_with_the_bytes_needed(
        capsys: pytest.CaptureFixture[str]) -> None:
    from microinterp.fw import targets as tg
    from microinterp.memory import firmware_arena

    if tg.get_target("host").unavailable():
        pytest.skip(f"the C port cannot be built here: {tg.get_target('host').unavailable()}")
    need = firmware_arena.firmware_arena_bytes(MODEL, "host")["total_bytes"]
    assert main(["firmware", "check", MODEL, "--target", "host", "--arena", "100", "--vectors", "1"]) == 2
    out = capsys.readouterr().out
    assert "None" not in out and "failed at op" not in out, out
    assert (f"ARENA-TOO-SMALL: allocation failed (MI_ERR_ARENA_TOO_SMALL): the firmware was given 100 bytes, "
            f"the model needs {need} bytes on host; pass --arena {need} or more") in out, out


@pytest.mark.parametrize("argv, words", [
    (["inspect", "/nonexistent/model.tflite"], "cannot read model file"),
    (["run", MODEL, "--seed", "-1"], "--seed: -1 is negative"),
    (["firmware", "check", MODEL, "--target", "foo"], "unknown --target 'foo'"),
])
def test_entry_point_prints_one_line(argv: list[str], words: str) -> None:
    """The installed command (not only ``main``): the same one line, no traceback."""
    exe = Path(sys.executable).with_name("microinterp")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "microinterp.cli"]
    proc = subprocess.run(cmd + argv, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
                          env={**os.environ, "MICROINTERP_TRACE": ""})
    assert proc.returncode != 0
    assert words in _one_error_line(proc.stderr)


# ---- the API arguments behind the options ------------------------------------------------


@pytest.mark.parametrize("arena_size, words", [
    ("big", r"arena_size must be a number of bytes \(an int\) or None, not str"),
    ([1024], "not list"),
    (1.5, "not float"),
    (True, "not bool"),
    (-1, "arena_size=-1 is out of range"),
    (1 << 40, "is out of range"),
])
def test_arena_size_is_checked(arena_size: object, words: str) -> None:
    with pytest.raises(ArgumentError, match=words) as e:
        Interpreter.from_file(MODEL, arena_size=arena_size)
    assert isinstance(e.value, (TypeError if not isinstance(arena_size, int) else ValueError))


@pytest.mark.parametrize("trace, words", [(7, "trace=7 is not a trace level"), (-1, "trace=-1"),
                                          ("1", "trace must be an integer 0 to 3, not str")])
def test_trace_level_is_checked(trace: object, words: str) -> None:
    with pytest.raises(ArgumentError, match=words):
        Interpreter.from_file(MODEL, trace=trace)


def test_from_bytes_refuses_a_path_and_non_bytes() -> None:
    with pytest.raises(ArgumentError, match="from_bytes takes the model's bytes, not str; for a file use"):
        Interpreter.from_bytes(MODEL)
    with pytest.raises(ArgumentError, match="not list"):
        Interpreter.from_bytes([1, 2, 3])
    with pytest.raises(ArgumentError, match="from_file takes a path"):
        Interpreter.from_file(Path(MODEL).read_bytes())
    data = Path(MODEL).read_bytes()  # the accepted kinds of bytes all load
    for kind in (bytes, bytearray, memoryview):
        assert Interpreter.from_bytes(kind(data)).num_inputs == 1
