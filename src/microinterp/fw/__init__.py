"""Build and run microinterp's C port (``firmware/``) on the host and on emulated
microcontrollers, and cross-check it byte for byte with the Python interpreter.

* ``targets``    the registry of targets (``host``, ``host-asan`` and the three
                 Cortex-M ones) with ``build(target, workdir)`` and
                 ``run(target, binary, model, inputs, outputs, timeout)``;
* ``runner``     the runner's file protocol and console parsing;
* ``check``      the cross-check behind ``microinterp firmware check``;
* ``toolchain``  the arm-none-eabi tools; ``cores`` the three Cortex-M cores and
                 their flags; ``build`` the Makefile builds for them;
* ``emulator``   QEMU / Renode runs; ``footprint`` flash and RAM from the ELF;
* ``cortex_m``   the Cortex-M targets as ``targets`` sees them.
"""
