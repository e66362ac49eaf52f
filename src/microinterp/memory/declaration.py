"""How a kernel declares the arena memory it needs, once, for every runtime.

A kernel module puts a ``KernelMemory`` in its ``Registration`` (see
CONTRIBUTING.md, "Declaring a kernel's memory"). Everything that sizes or
lays out an arena reads that declaration through ``memory/requests.py``:

* the interpreter plans the scratch buffers it declares (``OpMemory.scratch``,
  TFLM's ``RequestScratchBufferInArena`` sizes, so the interpreter's plan is
  TFLM's);
* ``memory/tflm_arena.py`` replays TFLM's allocator with the options struct
  (``tflm_params``), the ``OpData`` struct of ``Init`` (``tflm_op_data``), the
  temporary tensors and persistent buffers of ``Prepare``
  (``OpMemory.tflm_prepare``) and the same scratch buffers;
* ``memory/firmware_arena.py`` sizes the C port's tail with the C twin's op
  data struct (``c_op_data``, field kinds as ``c_struct`` spells them) and the
  persistent arrays its prepare allocates (``OpMemory.c_arrays``).

Why a function of the node and not of prepare's results: ``microinterp plan``
sizes models the interpreter cannot run (unknown ops, other targets), so the
needs are computed from the parsed operator alone, like TFLM's own sizes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..context import Node

#: One step of a TFLM kernel's Prepare: ``("temp", tensor index)`` a temporary
#: ``TfLiteTensor`` (freed after the op's prepare), ``("persist", bytes)`` a
#: ``context->AllocatePersistentBuffer``.
TflmEvent = tuple[str, int]


@dataclass(frozen=True)
class OpMemory:
    """What one operator of a model needs beyond its tensors.

    ``scratch``: TFLM's scratch requests in request order (bytes), planned in the
    head for the time the op runs, by the interpreter and by TFLM alike.
    ``tflm_prepare``: TFLM's Prepare in order (``TflmEvent``); ``None`` means a
    temporary tensor for every input, then every output, and nothing persistent.
    ``c_arrays``: bytes of each persistent array the C twin's prepare allocates
    after its op data (per-channel multipliers, lookup tables ...).
    ``c_scratch``: the C twin's ``mi_request_scratch`` sizes in request order
    (after its arrays), planned in the C port's head while the op runs, as TFLM
    plans ``scratch``; ``c_scratch_dsp``: the same on a core with the DSP
    extension (``__ARM_FEATURE_DSP``: Cortex-M4/M4F), whose fast paths may
    ask for more, or ``None`` when it asks for ``c_scratch`` there too.
    ``c_overlap``: ``(input position, distance)`` the C twin's prepare passes to
    ``mi_allow_overlap``: its output (output 0) may start ``distance`` bytes (or
    more) before that input and run on over it when the input dies at this op,
    because the kernel's write order never overwrites an input byte it still
    reads (``memory/overlap.py``); ``firmware_arena`` decides, as the C port
    does, where it applies. ``None``: the output never overlaps an input.
    """

    scratch: tuple[int, ...] = ()
    tflm_prepare: tuple[TflmEvent, ...] | None = None
    c_arrays: tuple[int, ...] = ()
    c_scratch: tuple[int, ...] = ()
    c_scratch_dsp: tuple[int, ...] | None = None
    c_overlap: tuple[int, int] | None = None

    def c_scratch_on(self, dsp: bool) -> tuple[int, ...]:
        """The C twin's scratch requests on a core with (``dsp``) or without the DSP extension."""
        return self.c_scratch_dsp if dsp and self.c_scratch_dsp is not None else self.c_scratch


@dataclass(frozen=True)
class KernelMemory:
    """A kernel's memory declaration.

    ``tflm_params``: the builtin options struct TFLM's flatbuffer parser
    allocates for the op (``flatbuffer_conversions.cc``), if any.
    ``tflm_op_data``: the ``OpData`` struct TFLM's ``Init`` allocates, if any.
    ``c_op_data``: field kinds of the C twin's op data struct (``c_struct``);
    ``None`` when the C port has no kernel for the op, ``""`` when its kernel
    keeps no op data.
    ``needs(node, pointer_bytes)``: the per-operator part (``OpMemory``), from
    the parsed operator's tensors and options; ``pointer_bytes`` is the
    target's ``sizeof(void*)``. ``None``: no scratch, TFLM's default Prepare,
    no C arrays.
    ``modelled``: False for a declaration that only knows the options struct
    (sizes of models with that op are then reported as approximate).
    """

    tflm_params: str | None = None
    tflm_op_data: str | None = None
    c_op_data: str | None = None
    needs: Callable[[Node, int], OpMemory] | None = None
    modelled: bool = True

    def of(self, node: Node, pointer_bytes: int) -> OpMemory:
        return self.needs(node, pointer_bytes) if self.needs is not None else OpMemory()


def c_struct(p: int = 0, w: int = 0, h: int = 0, b: int = 0) -> str:
    """Field kinds of a C struct in declaration order: ``p`` pointers, ``w`` 32-bit
    words, ``h`` 16-bit halves, ``b`` bytes (group the C struct's members in that
    order, largest first, so the declared layout is the compiled one)."""
    return "p" * p + "w" * w + "h" * h + "b" * b


#: ``sizeof(void*)`` of the 64-bit host TFLM (the oracle wheel) and of the interpreter's plan
HOST_POINTER_BYTES = 8


def temps(node: Node, inputs: tuple[int, ...] = (), outputs: tuple[int, ...] = ()) -> tuple[TflmEvent, ...]:
    """Temporary ``TfLiteTensor`` events for the given input and output positions
    (inputs first), skipping absent optional inputs, as a TFLM Prepare's
    ``GetInput``/``GetOutput`` calls do."""
    ins, outs = node.op.inputs, node.op.outputs
    return (tuple(("temp", ins[i]) for i in inputs if i < len(ins) and ins[i] >= 0)
            + tuple(("temp", outs[i]) for i in outputs if i < len(outs)))


def persist(*sizes: int) -> tuple[TflmEvent, ...]:
    """``context->AllocatePersistentBuffer`` events, in order."""
    return tuple(("persist", int(n)) for n in sizes)
