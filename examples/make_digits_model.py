"""Train, quantize and write microinterp's built-in example model (deterministic).

A small CNN for scikit-learn's 8x8 handwritten digits (1,797 images, UCI
optdigits), trained from scratch with plain numpy (hand-written backprop, Adam),
then quantized by this script to int8 with per-channel weights, and written
with microinterp's own builder:

    input int8 [1,8,8,1]
      -> CONV_2D 3x3, 8 ch, SAME, RELU           [1,8,8,8]
      -> DEPTHWISE_CONV_2D 3x3, stride 2, RELU   [1,4,4,8]
      -> CONV_2D 1x1, 16 ch, RELU                [1,4,4,16]
      -> RESHAPE                                 [1,256]
      -> FULLY_CONNECTED 10                      [1,10]
      -> SOFTMAX                                 [1,10] int8

Run:  python examples/make_digits_model.py   (needs scikit-learn; writes
src/microinterp/examples/digits_int8.tflite and digits_test.npz, the held-out
test split as quantized int8 images with labels, which `microinterp run
--example` evaluates). Same seed, same bytes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from microinterp.builder import ModelBuilder

SEED = 20261122
OUT = Path(__file__).resolve().parents[1] / "src" / "microinterp" / "examples"


# --------------------------------------------------------------------------- float model


def same_padding(size: int, k: int, stride: int) -> tuple[int, int]:
    """TFLite SAME padding: (before, after); the odd pixel goes after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + k - size, 0)
    return total // 2, total - total // 2


def im2col(x: np.ndarray, k: int, stride: int, pad: tuple[int, int]) -> np.ndarray:
    """(N,H,W,C) -> (N,OH,OW,k*k,C) patches, with TFLite's (before, after) padding."""
    n, h, w, c = x.shape
    xp = np.pad(x, ((0, 0), pad, pad, (0, 0)))
    oh = (h + sum(pad) - k) // stride + 1
    ow = (w + sum(pad) - k) // stride + 1
    cols = np.empty((n, oh, ow, k * k, c), x.dtype)
    for dy in range(k):
        for dx in range(k):
            cols[:, :, :, dy * k + dx, :] = xp[:, dy : dy + stride * oh : stride, dx : dx + stride * ow : stride, :]
    return cols


def col2im(cols: np.ndarray, shape: tuple[int, ...], k: int, stride: int, pad: tuple[int, int]) -> np.ndarray:
    n, h, w, c = shape
    xp = np.zeros((n, h + sum(pad), w + sum(pad), c), cols.dtype)
    oh, ow = cols.shape[1], cols.shape[2]
    for dy in range(k):
        for dx in range(k):
            xp[:, dy : dy + stride * oh : stride, dx : dx + stride * ow : stride, :] += cols[:, :, :, dy * k + dx, :]
    return xp[:, pad[0] : pad[0] + h, pad[0] : pad[0] + w, :]


def init_params(rng: np.random.Generator) -> dict[str, np.ndarray]:
    def he(shape: tuple[int, ...], fan_in: int) -> np.ndarray:
        return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)

    return {
        "w1": he((9, 1, 8), 9), "b1": np.zeros(8, np.float32),        # conv 3x3: (kk, cin, cout)
        "w2": he((9, 8), 9), "b2": np.zeros(8, np.float32),           # depthwise: (kk, c)
        "w3": he((8, 16), 8), "b3": np.zeros(16, np.float32),         # conv 1x1: (cin, cout)
        "w4": he((256, 10), 256), "b4": np.zeros(10, np.float32),     # fc: (in, out)
    }


def forward(p: dict[str, np.ndarray], x: np.ndarray) -> tuple[np.ndarray, dict]:
    c1 = im2col(x, 3, 1, same_padding(8, 3, 1))  # (N,8,8,9,1)
    z1 = np.einsum("nhwkc,kco->nhwo", c1, p["w1"]) + p["b1"]
    a1 = np.maximum(z1, 0)
    c2 = im2col(a1, 3, 2, same_padding(8, 3, 2))  # (N,4,4,9,8), SAME, stride 2
    z2 = np.einsum("nhwkc,kc->nhwc", c2, p["w2"]) + p["b2"]
    a2 = np.maximum(z2, 0)
    z3 = a2 @ p["w3"] + p["b3"]
    a3 = np.maximum(z3, 0)
    f = a3.reshape(len(x), -1)
    logits = f @ p["w4"] + p["b4"]
    return logits, {"x": x, "c1": c1, "z1": z1, "a1": a1, "c2": c2, "z2": z2, "a2": a2, "z3": z3, "a3": a3, "f": f}


def backward(p: dict, cache: dict, dlogits: np.ndarray) -> dict[str, np.ndarray]:
    g = {}
    g["w4"] = cache["f"].T @ dlogits
    g["b4"] = dlogits.sum(0)
    da3 = (dlogits @ p["w4"].T).reshape(cache["a3"].shape) * (cache["z3"] > 0)
    g["w3"] = np.einsum("nhwc,nhwo->co", cache["a2"], da3)
    g["b3"] = da3.sum((0, 1, 2))
    dz2 = (da3 @ p["w3"].T) * (cache["z2"] > 0)
    g["w2"] = np.einsum("nhwkc,nhwc->kc", cache["c2"], dz2)
    g["b2"] = dz2.sum((0, 1, 2))
    dc2 = dz2[:, :, :, None, :] * p["w2"][None, None, None]
    dz1 = col2im(dc2, cache["a1"].shape, 3, 2, same_padding(8, 3, 2)) * (cache["z1"] > 0)
    g["w1"] = np.einsum("nhwkc,nhwo->kco", cache["c1"], dz1)
    g["b1"] = dz1.sum((0, 1, 2))
    return g


def train(x: np.ndarray, y: np.ndarray, rng: np.random.Generator, epochs: int = 60) -> dict[str, np.ndarray]:
    p = init_params(rng)
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v = {k: np.zeros_like(val) for k, val in p.items()}
    lr, b1, b2, step = 3e-3, 0.9, 0.999, 0
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for i in range(0, len(x), 32):
            idx = order[i : i + 32]
            logits, cache = forward(p, x[idx])
            e = np.exp(logits - logits.max(1, keepdims=True))
            prob = e / e.sum(1, keepdims=True)
            prob[np.arange(len(idx)), y[idx]] -= 1.0
            grads = backward(p, cache, prob / len(idx))
            step += 1
            for k in p:
                m[k] = b1 * m[k] + (1 - b1) * grads[k]
                v[k] = b2 * v[k] + (1 - b2) * grads[k] ** 2
                mh, vh = m[k] / (1 - b1**step), v[k] / (1 - b2**step)
                p[k] = (p[k] - lr * mh / (np.sqrt(vh) + 1e-8)).astype(np.float32)
    return p


# --------------------------------------------------------------------------- quantization

INPUT_SCALE, INPUT_ZP = 1.0 / 255.0, -128  # pixels 0..16 scaled to [0, 1]


def quantize_input(pixels: np.ndarray) -> np.ndarray:
    x = pixels.astype(np.float32) / 16.0
    return np.clip(np.round(x / INPUT_SCALE) + INPUT_ZP, -128, 127).astype(np.int8)


def act_quant(values: np.ndarray, relu: bool) -> tuple[float, int]:
    """Asymmetric int8 quantization covering the calibration range (and 0)."""
    lo = 0.0 if relu else min(0.0, float(values.min()))
    hi = max(float(values.max()), lo + 1e-6)
    scale = (hi - lo) / 255.0
    zp = int(np.clip(round(-128 - lo / scale), -128, 127))
    return float(np.float32(scale)), zp


def per_channel(w: np.ndarray, axis_out: int) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-channel int8 weights along ``axis_out``."""
    moved = np.moveaxis(w, axis_out, 0)
    scales = np.maximum(np.abs(moved).reshape(len(moved), -1).max(1), 1e-8) / 127.0
    scales = scales.astype(np.float32)
    q = np.clip(np.round(moved / scales.reshape(-1, *[1] * (moved.ndim - 1))), -127, 127).astype(np.int8)
    return np.moveaxis(q, 0, axis_out), scales


def build_model(p: dict[str, np.ndarray], x_calib: np.ndarray) -> bytes:
    _, cache = forward(p, x_calib)
    logits, _ = forward(p, x_calib)
    s1, z1 = act_quant(cache["a1"], True)
    s2, z2 = act_quant(cache["a2"], True)
    s3, z3 = act_quant(cache["a3"], True)
    s4, z4 = act_quant(logits, False)

    b = ModelBuilder(description="microinterp built-in example: 8x8 digits CNN, int8 per-channel")
    x = b.add_input("image", (1, 8, 8, 1), "int8", scale=INPUT_SCALE, zero_point=INPUT_ZP)

    # conv1: TFLite filter layout (out, kh, kw, in)
    w1 = p["w1"].reshape(3, 3, 1, 8).transpose(3, 0, 1, 2)
    q1, ws1 = per_channel(w1, 0)
    f1 = b.add_constant("conv1/filter", q1, scale=ws1, zero_point=0, quantized_dimension=0)
    bias1 = b.add_constant("conv1/bias", np.round(p["b1"] / (INPUT_SCALE * ws1)).astype(np.int32),
                           scale=INPUT_SCALE * ws1, zero_point=0)
    t1 = b.add_tensor("conv1/relu", (1, 8, 8, 8), "int8", scale=s1, zero_point=z1)
    b.add_operator("CONV_2D", [x, f1, bias1], [t1], padding="SAME", stride_w=1, stride_h=1,
                   fused_activation_function="RELU")

    # depthwise: layout (1, kh, kw, channels)
    w2 = p["w2"].reshape(1, 3, 3, 8)
    q2, ws2 = per_channel(w2, 3)
    f2 = b.add_constant("dw/filter", q2, scale=ws2, zero_point=0, quantized_dimension=3)
    bias2 = b.add_constant("dw/bias", np.round(p["b2"] / (s1 * ws2)).astype(np.int32),
                           scale=s1 * ws2, zero_point=0)
    t2 = b.add_tensor("dw/relu", (1, 4, 4, 8), "int8", scale=s2, zero_point=z2)
    b.add_operator("DEPTHWISE_CONV_2D", [t1, f2, bias2], [t2], padding="SAME", stride_w=2, stride_h=2,
                   depth_multiplier=1, fused_activation_function="RELU")

    w3 = p["w3"].T.reshape(16, 1, 1, 8)
    q3, ws3 = per_channel(w3, 0)
    f3 = b.add_constant("conv2/filter", q3, scale=ws3, zero_point=0, quantized_dimension=0)
    bias3 = b.add_constant("conv2/bias", np.round(p["b3"] / (s2 * ws3)).astype(np.int32),
                           scale=s2 * ws3, zero_point=0)
    t3 = b.add_tensor("conv2/relu", (1, 4, 4, 16), "int8", scale=s3, zero_point=z3)
    b.add_operator("CONV_2D", [t2, f3, bias3], [t3], padding="VALID", stride_w=1, stride_h=1,
                   fused_activation_function="RELU")

    shape = b.add_constant("flatten/shape", np.array([1, 256], np.int32))
    t4 = b.add_tensor("flatten", (1, 256), "int8", scale=s3, zero_point=z3)
    b.add_operator("RESHAPE", [t3, shape], [t4], new_shape=[1, 256])

    w4 = p["w4"].T  # (out, in)
    q4, ws4 = per_channel(w4, 0)
    f4 = b.add_constant("fc/weights", q4, scale=ws4, zero_point=0, quantized_dimension=0)
    bias4 = b.add_constant("fc/bias", np.round(p["b4"] / (s3 * ws4)).astype(np.int32),
                           scale=s3 * ws4, zero_point=0)
    t5 = b.add_tensor("logits", (1, 10), "int8", scale=s4, zero_point=z4)
    b.add_operator("FULLY_CONNECTED", [t4, f4, bias4], [t5])

    y = b.add_output("probabilities", (1, 10), "int8", scale=1.0 / 256.0, zero_point=-128)
    b.add_operator("SOFTMAX", [t5], [y], beta=1.0)
    return b.build()


def main() -> None:
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = digits.images.astype(np.float32)  # (1797, 8, 8), values 0..16
    labels = digits.target.astype(np.int64)
    rng = np.random.default_rng(SEED)
    order = rng.permutation(len(images))
    n_test = 360
    test_idx, train_idx = np.sort(order[:n_test]), order[n_test:]

    x_train = (images[train_idx] / 16.0)[..., None].astype(np.float32)
    params = train(x_train, labels[train_idx], rng)
    x_test = (images[test_idx] / 16.0)[..., None].astype(np.float32)
    float_acc = float((forward(params, x_test)[0].argmax(1) == labels[test_idx]).mean())

    model = build_model(params, x_train)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "digits_int8.tflite").write_bytes(model)
    q_test = quantize_input(images[test_idx])[..., None]
    np.savez_compressed(OUT / "digits_test.npz", images=q_test, labels=labels[test_idx].astype(np.uint8))
    print(f"float test accuracy: {float_acc:.4f} on {n_test} held-out images")
    print(f"wrote {OUT / 'digits_int8.tflite'} ({len(model)} bytes, sha256 {hashlib.sha256(model).hexdigest()[:16]})")
    try:
        from microinterp import Interpreter

        it = Interpreter.from_bytes(model)
        correct = 0
        for img, label in zip(q_test, labels[test_idx]):
            it.set_input(img[None], 0)
            it.invoke()
            correct += int(it.get_output(0).argmax() == label)
        print(f"int8 test accuracy (microinterp): {correct / n_test:.4f}")
    except Exception as e:  # kernels may be missing while bootstrapping the project
        print(f"(int8 accuracy not evaluated: {e})")


if __name__ == "__main__":
    main()
