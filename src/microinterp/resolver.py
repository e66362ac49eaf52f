"""Explicit op registration (TFLM's ``MicroMutableOpResolver``).

Nothing registers itself on import: ``kernels/__init__.py`` lists every
builtin kernel, and ``OpResolver.builtins()`` copies that list. Users add
their own kernels (for custom ops or to override a builtin) with
``register``. An op without a kernel fails at allocation time with an
``UnsupportedOpError`` that names it and lists what *is* registered, so a
missing op is never discovered halfway through an inference.
"""

from __future__ import annotations

from collections.abc import Iterable

from .context import InvokeFn, PrepareFn, Registration
from .errors import UnsupportedOpError
from .memory.declaration import KernelMemory


class OpResolver:
    """Maps op names (``"CONV_2D"``, ``"CUSTOM:MyOp"``) to kernel registrations."""

    def __init__(self, registrations: Iterable[Registration] = ()) -> None:
        self._kernels: dict[str, Registration] = {}
        for reg in registrations:
            self.add(reg)

    @classmethod
    def builtins(cls) -> OpResolver:
        """A resolver with every builtin kernel microinterp ships."""
        from .kernels import BUILTIN_KERNELS

        return cls(BUILTIN_KERNELS)

    def add(self, registration: Registration, *, replace: bool = False) -> None:
        if registration.name in self._kernels and not replace:
            raise ValueError(f"op {registration.name!r} is already registered (pass replace=True to override)")
        self._kernels[registration.name] = registration

    def register(self, name: str, prepare: PrepareFn, invoke: InvokeFn, *, replace: bool = False,
                 memory: KernelMemory | None = None) -> None:
        """Register a kernel for a builtin name or a custom op.

        For a custom op use either ``"CUSTOM:<custom_code>"`` or just the custom code.
        ``memory`` declares the scratch and persistent bytes it needs (see
        ``memory/declaration.py``); without it, it needs none.
        """
        self.add(Registration(_canonical(name), prepare, invoke, memory=memory), replace=replace)

    def resolve(self, op_name: str, where: str = "") -> Registration:
        reg = self._kernels.get(op_name)
        if reg is None:
            kind = "custom op" if op_name.startswith("CUSTOM:") else "builtin op"
            raise UnsupportedOpError(
                f"{where}{kind} {op_name!r} has no registered kernel. Registered: "
                f"{', '.join(sorted(self._kernels)) or '(none)'}. "
                "Register one with OpResolver.register(name, prepare, invoke)."
            )
        return reg

    @property
    def names(self) -> list[str]:
        return sorted(self._kernels)

    def __contains__(self, name: str) -> bool:
        return name in self._kernels


def _canonical(name: str) -> str:
    import tflite

    if name.startswith("CUSTOM:") or hasattr(tflite.BuiltinOperator, name):
        return name
    return f"CUSTOM:{name}"
