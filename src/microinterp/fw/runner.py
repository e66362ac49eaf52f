"""The file protocol of ``firmware/runner/mi_runner.c``, on the Python side.

The runner reads raw input bytes and writes raw output bytes (no headers):

* inputs file: for each vector, every model input's bytes in input order;
* outputs file: for each vector, every model output's bytes in output order;
* dump file (``--dump``): for each vector, for each operator in order, each of
  its output tensors' bytes, written right after the operator ran.

Its console lines start with ``mi: `` and hold ``key=value`` pairs; an error
is one ``mi: error stage=... status=... failed_op=... message=...`` line.
Exit codes are mirrored from the C file. Keeping this in one module lets the
host and the emulated targets share the comparison code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..model import Model

#: mi_runner.c exit codes
EXIT_OK, EXIT_USAGE, EXIT_IO, EXIT_MODEL, EXIT_ALLOCATE, EXIT_INVOKE, EXIT_INPUT_SIZE = 0, 2, 3, 4, 5, 6, 7
#: sanitizer exit codes the host target sets (ASAN_OPTIONS / UBSAN_OPTIONS)
EXIT_ASAN, EXIT_UBSAN = 86, 87

EXIT_MEANING = {
    EXIT_OK: "ok",
    EXIT_USAGE: "usage error",
    EXIT_IO: "file I/O error",
    EXIT_MODEL: "model rejected by mi_interpreter_init",
    EXIT_ALLOCATE: "mi_interpreter_allocate failed",
    EXIT_INVOKE: "mi_interpreter_invoke failed",
    EXIT_INPUT_SIZE: "inputs file does not hold whole vectors",
    EXIT_ASAN: "AddressSanitizer report",
    EXIT_UBSAN: "UndefinedBehaviorSanitizer report",
}

#: mi_status.h, in enum order
STATUS_NAMES = (
    "MI_OK", "MI_ERR_NULL_ARG", "MI_ERR_BAD_STATE", "MI_ERR_MODEL_TRUNCATED", "MI_ERR_MODEL_IDENTIFIER",
    "MI_ERR_MODEL_CORRUPT", "MI_ERR_MODEL_INVALID", "MI_ERR_MODEL_MISALIGNED", "MI_ERR_MODEL_TOO_LARGE",
    "MI_ERR_UNSUPPORTED_OP", "MI_ERR_UNSUPPORTED_TYPE", "MI_ERR_UNSUPPORTED_SHAPE", "MI_ERR_BAD_PARAM",
    "MI_ERR_ARENA_TOO_SMALL", "MI_ERR_BAD_INDEX", "MI_ERR_BAD_SIZE",
)

_LINE = re.compile(r"^mi: (?!log )(.*)$", re.M)
_KV = re.compile(r"(\w+)=(\S*)")


@dataclass
class RunnerOutput:
    """What one runner process printed and returned, parsed."""

    returncode: int | None
    stdout: str
    stderr: str
    timed_out: bool = False
    seconds: float = 0.0
    values: dict[str, int] = field(default_factory=dict)
    op_data_sizes: dict[str, int] = field(default_factory=dict)
    tensor_offsets: dict[int, int] = field(default_factory=dict)  # --plan: tensor index -> arena offset
    invoke_cycles: list[int] = field(default_factory=list)
    error: dict[str, str] | None = None
    command: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.returncode == EXIT_OK and not self.timed_out

    @property
    def status_name(self) -> str | None:
        if self.error is None or not self.error.get("status", "").isdigit():
            return None
        s = int(self.error["status"])
        return STATUS_NAMES[s] if 0 <= s < len(STATUS_NAMES) else f"status {s}"

    @property
    def failed_op(self) -> int | None:
        if self.error is None:
            return None
        try:
            op = int(self.error.get("failed_op", "-1"))
        except ValueError:
            return None
        return op if op >= 0 else None

    def describe(self) -> str:
        """One paragraph for an error message."""
        if self.timed_out:
            head = "timed out"
        else:
            head = f"exit code {self.returncode} ({EXIT_MEANING.get(self.returncode or 0, 'unexpected')})"
        parts = [head]
        if self.error is not None:
            parts.append(f"stage {self.error.get('stage')}: {self.status_name}: {self.error.get('message', '')}")
        logs = [line for line in (self.stdout + "\n" + self.stderr).splitlines()
                if line.startswith("mi: log ") or "Sanitizer" in line or "runtime error" in line]
        if logs:
            parts.append("\n".join(logs[-12:]))
        if self.command:
            parts.append("command: " + " ".join(self.command))
        return "\n".join(parts)


def parse(returncode: int | None, stdout: str, stderr: str, *, timed_out: bool = False, seconds: float = 0.0,
          command: Sequence[str] = ()) -> RunnerOutput:
    """Parse a runner's console (the ``mi: `` lines may be mixed with a port's own lines)."""
    out = RunnerOutput(returncode, stdout, stderr, timed_out, seconds, command=list(command))
    for m in _LINE.finditer(stdout):
        body = m.group(1).strip()
        if body.startswith("error "):
            err = dict(_KV.findall(body))
            msg = body.partition(" message=")[2]
            if msg:
                err["message"] = msg
            out.error = err
            continue
        if body.startswith("plan "):
            kv = dict(_KV.findall(body))
            if kv.get("tensor", "").isdigit() and kv.get("offset", "").isdigit():
                out.tensor_offsets[int(kv["tensor"])] = int(kv["offset"])
            continue
        if body.startswith("op_data_size "):
            name, _, value = body[len("op_data_size "):].partition("=")
            if value.isdigit():
                out.op_data_sizes[name] = int(value)
            continue
        for key, value in _KV.findall(body):
            if not value.lstrip("-").isdigit():
                continue
            if key == "invoke_cycles":
                out.invoke_cycles.append(int(value))
            else:
                out.values[key] = int(value)
    return out


# --------------------------------------------------------------------------- files


def pack_inputs(vectors: Sequence[Sequence[np.ndarray]]) -> bytes:
    """The inputs file for ``vectors`` (each a list with one array per model input)."""
    return b"".join(np.ascontiguousarray(x).tobytes() for inputs in vectors for x in inputs)


def output_sizes(model: Model) -> list[int]:
    sg = model.main
    return [sg.tensors[i].nbytes for i in sg.outputs]


def dump_layout(model: Model) -> list[tuple[int, int, int, int]]:
    """(op index, output slot, tensor index, bytes) in the order the runner dumps them."""
    sg = model.main
    return [(op.index, k, t, sg.tensors[t].nbytes) for op in sg.operators for k, t in enumerate(op.outputs)]


def split(data: bytes, sizes: Sequence[int], vectors: int) -> list[list[bytes]]:
    """Cut a runner file into ``vectors`` x ``len(sizes)`` chunks; ValueError if the length is off."""
    per_vector = sum(sizes)
    if len(data) != per_vector * vectors:
        raise ValueError(f"expected {vectors} x {per_vector} bytes, got {len(data)}")
    out, pos = [], 0
    for _ in range(vectors):
        row = []
        for n in sizes:
            row.append(data[pos:pos + n])
            pos += n
        out.append(row)
    return out
