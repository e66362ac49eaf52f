# semihost_hook.py - ARM semihosting serviced by a Renode CPU hook.
#
# Renode runs this file (IronPython 2.7, hence the old syntax) each time the
# firmware enters cm_sh_call(op, block), with `self` bound to the CPU. Renode's
# built-in semihosting handles only console output; the cross-check also needs
# SYS_OPEN/READ/WRITE/FLEN/CLOSE (input and output vectors in files),
# SYS_GET_CMDLINE and SYS_EXIT(_EXTENDED), so they are implemented here against
# the host file system, relative to $MI_RENODE_WORKDIR, exactly as QEMU's
# `-semihosting-config target=native` does. The hook then returns to the caller
# with the result in r0, as the real `bkpt 0xAB` would.
#
# Environment (set by src/microinterp/fw/emulator.py, RenodeEmulator):
#   MI_RENODE_WORKDIR  directory for relative paths, console.txt and exit_code.txt
#   MI_RENODE_CMDLINE  the command line returned by SYS_GET_CMDLINE
#
# UNTESTED: Renode is not installable on the machine this was written on.
import os
import sys

from System import Environment

_st = getattr(sys, "_mi_semihost", None)
if _st is None:
    _st = {
        "files": {},
        "next": 3,
        "workdir": Environment.GetEnvironmentVariable("MI_RENODE_WORKDIR") or ".",
        "cmdline": Environment.GetEnvironmentVariable("MI_RENODE_CMDLINE") or "fw",
    }
    sys._mi_semihost = _st

_bus = self.Bus  # noqa: F821 - `self` is the CPU, provided by Renode
_MODES = ["r", "rb", "r+", "r+b", "w", "wb", "w+", "w+b", "a", "ab", "a+", "a+b"]


def _word(addr):
    return int(_bus.ReadDoubleWord(addr))


def _read(addr, n):
    return bytearray([int(_bus.ReadByte(addr + i)) for i in range(n)])


def _write(addr, data):
    for i in range(len(data)):
        _bus.WriteByte(addr + i, data[i])


def _cstring(addr):
    out = bytearray()
    while True:
        b = int(_bus.ReadByte(addr + len(out)))
        if b == 0:
            return str(out)
        out.append(b)


def _console(text):
    f = open(os.path.join(_st["workdir"], "console.txt"), "a")
    f.write(text)
    f.close()


def _exit(code):
    f = open(os.path.join(_st["workdir"], "exit_code.txt"), "w")
    f.write(str(code) + "\n")
    f.close()
    Environment.Exit(code)


def _service(op, block):
    files = _st["files"]
    if op == 0x01:  # SYS_OPEN
        name = str(_read(_word(block), _word(block + 8)))
        mode = _MODES[_word(block + 4) % 12]
        if name == ":tt":
            return 1
        try:
            fh = open(os.path.join(_st["workdir"], name), mode)
        except (IOError, OSError):  # noqa: UP024 - distinct classes in IronPython 2.7
            return -1
        h = _st["next"]
        _st["next"] = h + 1
        files[h] = fh
        return h
    if op == 0x02:  # SYS_CLOSE
        fh = files.pop(_word(block), None)
        if fh is not None:
            fh.close()
        return 0
    if op == 0x04:  # SYS_WRITE0
        _console(_cstring(block))
        return 0
    if op == 0x05:  # SYS_WRITE -> bytes NOT written
        h, buf, n = _word(block), _word(block + 4), _word(block + 8)
        data = _read(buf, n)
        if h == 1:
            _console(str(data))
        elif h in files:
            files[h].write(str(data))
        else:
            return n
        return 0
    if op == 0x06:  # SYS_READ -> bytes NOT read
        h, buf, n = _word(block), _word(block + 4), _word(block + 8)
        if h not in files:
            return n
        data = bytearray(files[h].read(n))
        _write(buf, data)
        return n - len(data)
    if op == 0x0C:  # SYS_FLEN
        fh = files.get(_word(block))
        if fh is None:
            return -1
        pos = fh.tell()
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(pos)
        return size
    if op == 0x15:  # SYS_GET_CMDLINE
        buf, cap = _word(block), _word(block + 4)
        text = bytearray(_st["cmdline"][: cap - 1]) + bytearray([0])
        _write(buf, text)
        _bus.WriteDoubleWord(block + 4, len(text) - 1)
        return 0
    if op == 0x18:  # SYS_EXIT: r1 is the reason itself
        _exit(0 if block == 0x20026 else 1)
    if op == 0x20:  # SYS_EXIT_EXTENDED: [reason, code]
        _exit(_word(block + 4) & 0xFF if _word(block) == 0x20026 else 1)
    _console("[renode] unsupported semihosting op " + hex(op) + "\n")
    return -1


_op = int(self.GetRegisterUnsafe(0).RawValue)  # noqa: F821
_blk = int(self.GetRegisterUnsafe(1).RawValue)  # noqa: F821
_ret = _service(_op, _blk)
self.SetRegisterUnsafe(0, _ret & 0xFFFFFFFF)  # noqa: F821
self.PC = self.LR  # noqa: F821 - return from cm_sh_call without running it
