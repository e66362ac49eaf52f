"""One error hierarchy for everything microinterp raises on purpose.

Every error names what was wrong and what to do about it. Callers can catch
``MicrointerpError`` to handle all of them; the subclasses also inherit from
the built-in exception a TFLM Python user would already catch (``ValueError``
for bad inputs, ``RuntimeError`` for kernel failures), so microinterp can be
swapped in for ``tflite_micro``'s runtime without changing ``except`` clauses.
"""

from __future__ import annotations


class MicrointerpError(Exception):
    """Base class of every error microinterp raises deliberately."""


class ModelError(MicrointerpError, ValueError):
    """The .tflite file is malformed, truncated, or inconsistent."""


class UnsupportedOpError(MicrointerpError, NotImplementedError):
    """An operator (builtin or custom) has no registered kernel, or a kernel
    does not support the dtype/parameter combination the model uses."""


class ArenaTooSmallError(MicrointerpError, MemoryError):
    """The arena given is smaller than the plan needs.

    ``needed`` and ``given`` are in bytes, so scripts can retry with the
    exact size instead of guessing.
    """

    def __init__(self, needed: int, given: int, detail: str = "") -> None:
        self.needed = needed
        self.given = given
        msg = (
            f"arena too small: the model needs {needed} bytes but arena_size={given}; "
            f"pass arena_size>={needed} (or arena_size=None to size it exactly)"
        )
        if detail:
            msg += f" [{detail}]"
        super().__init__(msg)


class InputError(MicrointerpError, ValueError):
    """An input has the wrong dtype or shape, or an index is out of range."""


class ArgumentError(InputError, TypeError):
    """An API argument of the wrong type or out of range (``arena_size``, ``trace``,
    the data given to ``from_bytes``). Also a ``TypeError`` and a ``ValueError``,
    so a caller catching either built-in one for a bad argument still does."""


class KernelError(MicrointerpError, RuntimeError):
    """A kernel rejected its tensors while preparing (TFLM's ``kTfLiteError``)."""
