"""Flash and RAM of a Cortex-M firmware image, read from the ELF with ``size -A`` and ``nm``.

* **flash** = vectors + ``.text`` + ``.rodata`` + unwind tables + ``.data``
  initial values, *without* the model (reported apart as ``model``);
* **RAM** = ``.data`` + ``.bss`` with the runner's oversized static arena cut to
  the bytes the firmware reports it used, + the 512 B fault-handler stack + the
  *measured* peak of the main stack (painted at reset, scanned at exit); the
  reserved sizes are reported too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .toolchain import CROSS_PREFIX, ToolchainError, run_tool


@dataclass(frozen=True)
class Symbol:
    address: int
    size: int
    kind: str


def symbols(elf: Path) -> dict[str, Symbol]:
    """``nm -S`` as a dict (Thumb bit left in function addresses)."""
    proc = run_tool([CROSS_PREFIX + "nm", "-S", str(elf)])
    if proc.returncode != 0:
        raise ToolchainError(f"nm {elf} failed: {proc.stderr}")
    out: dict[str, Symbol] = {}
    for line in proc.stdout.splitlines():
        parts = line.split()
        if len(parts) == 4:
            out[parts[3]] = Symbol(int(parts[0], 16), int(parts[1], 16), parts[2])
        elif len(parts) == 3:
            out.setdefault(parts[2], Symbol(int(parts[0], 16), 0, parts[1]))
    return out


def section_sizes(elf: Path) -> dict[str, int]:
    """``size -A``: section name -> bytes."""
    proc = run_tool([CROSS_PREFIX + "size", "-A", str(elf)])
    if proc.returncode != 0:
        raise ToolchainError(f"size {elf} failed: {proc.stderr}")
    sizes: dict[str, int] = {}
    for line in proc.stdout.splitlines()[2:]:
        parts = line.split()
        if len(parts) == 3 and parts[1].isdigit():
            sizes[parts[0]] = int(parts[1])
    return sizes


_FLASH_SECTIONS = (".isr_vector", ".text", ".rodata", ".ARM.extab", ".ARM.exidx", ".data")


@dataclass
class Footprint:
    """Flash and RAM of one firmware image (bytes)."""

    text: int
    rodata: int
    data: int
    bss: int
    model: int
    stack_reserved: int
    fault_stack: int
    arena: int | None = None
    stack_used: int | None = None
    sections: dict[str, int] = field(default_factory=dict)

    @property
    def flash(self) -> int:
        """Code + constants + .data initial values, without the model."""
        return sum(self.sections.get(s, 0) for s in _FLASH_SECTIONS)

    @property
    def ram(self) -> int | None:
        """.data + .bss (arena included) + fault stack + measured peak stack."""
        if self.stack_used is None:
            return None
        return self.data + self.bss + self.fault_stack + self.stack_used

    @property
    def ram_reserved(self) -> int:
        """.data + .bss + both stacks as reserved by the linker script."""
        return self.data + self.bss + self.fault_stack + self.stack_reserved


def footprint(elf: Path, *, arena_symbol: str | None = None, stack_used: int | None = None) -> Footprint:
    """Measure an ELF; ``arena_symbol`` names the static arena (its size comes from nm)."""
    s = section_sizes(elf)
    arena = None
    if arena_symbol:
        sym = symbols(elf).get(arena_symbol)
        arena = sym.size if sym else None
    return Footprint(
        text=s.get(".isr_vector", 0) + s.get(".text", 0),
        rodata=s.get(".rodata", 0) + s.get(".ARM.extab", 0) + s.get(".ARM.exidx", 0),
        data=s.get(".data", 0),
        bss=s.get(".bss", 0),
        model=s.get(".model", 0),
        stack_reserved=s.get(".stack", 0),
        fault_stack=s.get(".fault_stack", 0),
        arena=arena,
        stack_used=stack_used,
        sections=s,
    )
