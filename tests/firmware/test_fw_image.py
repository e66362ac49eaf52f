"""What a Cortex-M image links and how its flash splits (issue 10 items 3 and 5).

An image built for a model links only the kernels that model uses (the
generated resolver of ``fw/kernel_select.py`` replaces the weak full registry),
so kernels added to the port do not grow it; ``firmware check --json`` carries
the structured instructions / flash / RAM numbers, and the flash parts read
from the linker map add up to the image's flash exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from oracle import model_path

from microinterp.fw import check as fwcheck
from microinterp.fw import kernel_select
from microinterp.fw.build import build_library, link_runner, map_path
from microinterp.fw.cores import CORES
from microinterp.fw.footprint import FLASH_PARTS, flash_split, footprint, part_of, symbols
from microinterp.fw.toolchain import toolchain_missing
from microinterp.model import load_model

_missing = toolchain_missing()
needs_toolchain = pytest.mark.skipif(_missing is not None, reason=f"Cortex-M toolchain/emulator absent: {_missing}")

AD = "mlperf-tiny/ad01_int8.tflite"
KWS = "mlperf-tiny/kws_ref_model.tflite"


def test_resolver_lists_the_model_ops_only() -> None:
    ops = kernel_select.model_ops(load_model(str(model_path(KWS))))
    assert ops == ["AVERAGE_POOL_2D", "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "RESHAPE", "SOFTMAX"]
    src = kernel_select.resolver_source(ops + ["NOT_AN_OP"], "kws")
    assert src.count("&mi_registration_") == len(ops)
    assert "&mi_registration_depthwise_conv_2d," in src and "not_an_op" not in src
    assert "const mi_resolver_t mi_builtin_resolver = {model_kernels, 6u};" in src


def test_parts_of_link_inputs() -> None:
    assert part_of("/b/libmi.a(mi_conv_2d.o)") == "kernels"
    assert part_of("/b/libmi.a(mi_convolution.o)") == "kernels"
    assert part_of("/b/libmi.a(mi_quant.o)") == "kernels"
    assert part_of("/b/libmi.a(mi_interpreter.o)") == "framework"
    assert part_of("/b/resolver.o") == "framework"
    assert part_of("/usr/lib/arm-none-eabi/lib/thumb/v6-m/nofp/libc_nano.a(lib_a-memcpy.o)") == "runtime_library"
    assert part_of("/usr/lib/gcc/arm-none-eabi/12.2.1/thumb/v6-m/nofp/libgcc.a(_udivsi3.o)") == "runtime_library"
    assert part_of("/b/obj/runner/mi_runner.o") == "port"


@needs_toolchain
@pytest.mark.parametrize("core", ["cortex-m0plus", "cortex-m4"])
def test_image_links_only_its_kernels(core: str, tmp_path: Path) -> None:
    target = CORES[core]
    build = build_library(target, tmp_path)
    ad = model_path(AD)
    only = link_runner(target, build, ad)
    full = link_runner(target, build, ad, kernels="all")
    syms_only, syms_full = symbols(only), symbols(full)
    assert "mi_registration_fully_connected" in syms_only
    for absent in ("mi_registration_conv_2d", "mi_registration_softmax", "mi_registration_add"):
        assert absent in syms_full and absent not in syms_only
    split_only, split_full = flash_split(map_path(only)), flash_split(map_path(full))
    assert sum(split_only.values()) == footprint(only).flash
    assert sum(split_full.values()) == footprint(full).flash
    assert split_only["kernels"] < split_full["kernels"]
    assert set(split_only) == set(FLASH_PARTS)


@needs_toolchain
def test_check_json_has_structured_numbers() -> None:
    report = fwcheck.check(model_path(AD), "cortex-m4", vectors=2, timeout=120)
    assert report.ok, "\n".join(report.lines())
    data = json.loads(report.to_json())
    ins = data["instructions"]
    assert ins["min"] <= ins["median"] <= ins["max"] and ins["min"] > 0
    flash = data["flash"]
    assert flash["total"] == sum(flash[k] for k in FLASH_PARTS)
    assert min(flash["framework"], flash["kernels"], flash["runtime_library"]) > 0
    assert data["ram"]["arena"] == report.arena_used_bytes == report.arena_predicted["total_bytes"]
    assert data["ram"]["static"] > 0 and data["ram"]["stack_peak"] > 0


def test_host_check_json_has_no_instructions() -> None:
    report = fwcheck.check(model_path(AD), "host", vectors=1, timeout=120)
    if report.outcome == "unavailable":
        pytest.skip(report.message)
    data = json.loads(report.to_json())
    assert data["instructions"] is None and data["flash"] is None
    assert data["ram"]["arena"] == report.arena_used_bytes
