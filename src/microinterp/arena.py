"""One aligned byte buffer holding every non-constant tensor.

Layout, as in TFLM: the *planned* (non-persistent) region at the head, whose
offsets come from ``memory/planner.py``; the *persistent* region after it, holding
variable tensors (LSTM/SVDF state), which must survive between invocations.
Tensors are numpy views at their offsets, so kernels write straight into the
arena and reuse of memory across tensors is real, not simulated.
"""

from __future__ import annotations

import numpy as np

from .memory.planner import BUFFER_ALIGNMENT


class Arena:
    def __init__(self, size: int, alignment: int = BUFFER_ALIGNMENT) -> None:
        self.size = int(size)
        # over-allocate so that offset 0 is aligned like TFLM's arena start
        self._raw = np.zeros(self.size + alignment, dtype=np.uint8)
        start = (-self._raw.ctypes.data) % alignment
        self.buffer = self._raw[start : start + self.size]

    def view(self, offset: int, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        """An ndarray of ``shape``/``dtype`` over the arena bytes at ``offset``."""
        dtype = np.dtype(dtype)
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        nbytes = count * dtype.itemsize
        if offset < 0 or offset + nbytes > self.size:
            raise ValueError(f"view [{offset}, {offset + nbytes}) outside arena of {self.size} bytes")
        return self.buffer[offset : offset + nbytes].view(dtype).reshape(shape)

    def bytes_view(self, offset: int, nbytes: int) -> np.ndarray:
        return self.buffer[offset : offset + nbytes]
