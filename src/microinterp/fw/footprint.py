"""Flash and RAM of a Cortex-M firmware image, read from the ELF with ``size -A`` and ``nm``.

* **flash** = vectors + ``.text`` + ``.rodata`` + unwind tables + ``.data``
  initial values, *without* the model (reported apart as ``model``);
* **RAM** = ``.data`` + ``.bss`` with the runner's oversized static arena cut to
  the bytes the firmware reports it used, + the 512 B fault-handler stack + the
  *measured* peak of the main stack (painted at reset, scanned at exit); the
  reserved sizes are reported too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .sources import firmware_dir
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


# ---- flash by part, from the linker map ------------------------------------------

#: the flash parts of an image (``flash_split``); they sum to ``Footprint.flash``
FLASH_PARTS = ("framework", "kernels", "runtime_library", "port", "padding")

_MAP_INPUT = re.compile(r"^ (\S+)?\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)\s+(\S.*)$")


def part_of(source: str) -> str:
    """Which part of the image an input file of the link belongs to:

    * ``kernels``: objects built from ``firmware/src/kernels/`` plus ``mi_quant``
      (the kernels' shared arithmetic);
    * ``framework``: the other objects of ``firmware/src/`` (reader, interpreter,
      planner, arena, resolver, status) and the generated resolver;
    * ``runtime_library``: libc, libm and libgcc (memcpy, 64-bit division ...);
    * ``port``: the test runner, startup, vectors and semihosting (a product
      brings its own).

    The port's objects come from ``libmi.a`` or, compiled again for one model's
    image, from ``build/<target>/features-<tag>/src/`` (the framework) and
    ``build/<target>/kernels-<tag>/src/`` (its kernels)."""
    name = source.strip()
    if name.endswith("resolver.o"):
        return "framework"
    m = (re.search(r"lib([A-Za-z_]+)\.a\(([^)]+)\)$", name)
         or re.search(r"/(?:features|kernels)-[^/]*/(src)/(?:kernels/)?([^/]+\.o)$", name))
    if m:
        lib, member = m.groups()
        if lib in ("mi", "src"):
            return _port_part(member.rsplit(".", 1)[0])
        return "runtime_library"
    return "port"


def _port_part(stem: str) -> str:
    kernels_dir = firmware_dir() / "src" / "kernels"
    return "kernels" if stem == "mi_quant" or (kernels_dir / f"{stem}.c").exists() else "framework"


def flash_inputs(map_file: Path) -> list[tuple[str, int, int, str]]:
    """The input sections a GNU ld map places in flash (code, constants, ``.data``
    initial values): (output section, address, bytes, input file), non-empty ones only;
    sections the linker dropped (``--gc-sections``) are not among them."""
    lines = Path(map_file).read_text(errors="replace").splitlines()
    try:
        start = lines.index("Linker script and memory map")
    except ValueError:
        return []
    out = []
    section = None
    pending: str | None = None
    for line in lines[start + 1:]:
        if line and not line[0].isspace():
            section, pending = line.split()[0], None
            continue
        if section not in _FLASH_SECTIONS:
            continue
        if re.fullmatch(r" \S+", line):
            pending = line.strip()  # a long input-section name; address, size and file follow
            continue
        m = _MAP_INPUT.match(line)
        if not m or (m.group(1) is None and pending is None):
            pending = None
            continue
        name = m.group(1) or pending
        pending = None
        if name != "*fill*" and int(m.group(3), 16):
            out.append((section, int(m.group(2), 16), int(m.group(3), 16), m.group(4).strip()))
    return out


def flash_split(map_file: Path) -> dict[str, int]:
    """Bytes of the flash sections (code, constants, ``.data`` initial values;
    the model excluded) per part (``FLASH_PARTS``), from a GNU ld map.

    Each input section counts up to the next one's address (merged string
    sections are listed with their size before merging); the rest of each
    output section (alignment fill) is ``padding``, so the parts sum to the
    output sections' sizes."""
    out = dict.fromkeys(FLASH_PARTS, 0)
    lines = Path(map_file).read_text(errors="replace").splitlines()
    if "Linker script and memory map" not in lines:
        return out
    sections: dict[str, tuple[int, int]] = {}
    for line in lines[lines.index("Linker script and memory map") + 1:]:
        fields = line.split()
        if (line and not line[0].isspace() and fields[0] in _FLASH_SECTIONS and len(fields) >= 3
                and fields[1].startswith("0x")):
            sections[fields[0]] = (int(fields[1], 16), int(fields[2], 16))
    entries: dict[str, list[tuple[int, int, str]]] = {}
    for section, addr, nbytes, source in flash_inputs(map_file):
        entries.setdefault(section, []).append((addr, nbytes, part_of(source)))
    for section, (base, size) in sections.items():
        rows = sorted(entries.get(section, []))
        counted = 0
        for k, (addr, nbytes, part) in enumerate(rows):
            end = min(addr + nbytes, rows[k + 1][0] if k + 1 < len(rows) else base + size)
            out[part] += max(end - addr, 0)
            counted += max(end - addr, 0)
        out["padding"] += size - counted
    return out
