"""Build and run microinterp's C port (``firmware/``) on the host and on emulated
microcontrollers, and cross-check it byte for byte with the Python interpreter.

* ``targets``  the registry of targets (``host``, ``host-asan``; the Cortex-M ones
               register from ``cortex_m``) with ``build(target, workdir)`` and
               ``run(target, binary, model, inputs, outputs, timeout)``;
* ``runner``   the runner's file protocol and console parsing;
* ``check``    the cross-check behind ``microinterp firmware check``;
* ``cortex_m`` / ``emulator``  arm-none-eabi builds and QEMU runs.
"""
