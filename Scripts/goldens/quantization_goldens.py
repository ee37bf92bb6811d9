"""Goldens for the quantizer, Lp-optimal clipping and the quadratic fit, from numpy and scipy.

The clip search mirrors lapq's documented contract (docs/algorithms.md): scipy's
minimize_scalar(method="bounded") over t = alpha / max|x| in (0, 1) with xatol = 1e-5, then
alpha = max|x| if that has a lower error.
"""
import numpy as np
from scipy.optimize import minimize_scalar

SAMPLE_COUNT = 2000
BITS = [2, 3, 4, 8]
P_VALUES = [2.0, 2.5, 3.0, 4.0]


def quant_max(bits, signed):
    return 2 ** (bits - 1) - 1 if signed else 2 ** bits - 1


def quant_min(bits, signed):
    return -quant_max(bits, signed) if signed else 0


def fake_quantize(x, step, bits, signed):
    """x_hat = clamp(round(x / step), qmin, qmax) * step, float32, round half to even."""
    x = np.asarray(x, dtype=np.float32)
    step = np.float32(step)
    codes = np.clip(np.round(x / step), quant_min(bits, signed), quant_max(bits, signed))
    return (codes.astype(np.float32) * step).astype(np.float32)


def mean_lp_error(x64, clip, bits, signed, p):
    step = clip / quant_max(bits, signed)
    codes = np.clip(np.round(x64 / step), quant_min(bits, signed), quant_max(bits, signed))
    return float(np.mean(np.abs(codes * step - x64) ** p))


def optimal_clip(x, bits, signed, p):
    x64 = np.asarray(x, dtype=np.float32).astype(np.float64)
    top = float(np.max(np.abs(x64)))
    f = lambda t: mean_lp_error(x64, t * top, bits, signed, p)
    result = minimize_scalar(f, bounds=(0.0, 1.0), method="bounded", options={"xatol": 1e-5})
    fraction, error = float(result.x), float(result.fun)
    at_max = f(1.0)
    if at_max < error:
        fraction, error = 1.0, at_max
    return {"clip": fraction * top, "error": error, "nfev": int(result.nfev) + 1}


def samples(rng):
    gaussian = rng.standard_normal(SAMPLE_COUNT).astype(np.float32)
    laplace = rng.laplace(0.0, 1.0, SAMPLE_COUNT).astype(np.float32)
    relu = np.maximum(rng.standard_normal(SAMPLE_COUNT) * 2.0 + 0.3, 0).astype(np.float32)
    return [("gaussian", gaussian, True), ("laplace", laplace, True), ("relu", relu, False)]


def quantizer_cases(rng):
    values = np.concatenate([
        rng.standard_normal(200).astype(np.float32) * 3,
        np.arange(-20, 21, dtype=np.float32) * np.float32(0.25),  # exact ties at step 0.5
        np.array([0.0, -0.0, 1e-30, -1e30, 1e30], dtype=np.float32),
    ])
    cases = []
    for bits in [2, 3, 4, 8]:
        for signed in [True, False]:
            step = 0.5
            cases.append({"bits": bits, "signed": signed, "step": step,
                          "expected": fake_quantize(values, step, bits, signed).tolist()})
    return {"values": values.tolist(), "cases": cases}


def clipping_cases(rng):
    sets = []
    for name, x, signed in samples(rng):
        results = []
        for bits in BITS:
            for p in P_VALUES:
                results.append({"bits": bits, "p": p, **optimal_clip(x, bits, signed, p)})
        sets.append({"name": name, "signed": signed, "values": x.tolist(), "results": results})
    return {"sets": sets}


def polyfit_cases(rng):
    cases = []
    grid = np.linspace(2, 4, 10)
    for a, b, c, noise in [(0.8, -4.4, 7.0, 0.01), (-0.3, 1.0, 2.0, 0.02), (0.05, -0.1, 1.2, 0.001),
                           (1.0, -1.0, 0.5, 0.05)]:
        losses = a * grid ** 2 + b * grid + c + noise * rng.standard_normal(grid.size)
        coefficients = np.polyfit(grid, losses, 2)
        cases.append({"points": grid.tolist(), "losses": losses.tolist(),
                      "coefficients": coefficients.tolist()})
    return {"cases": cases}


def make():
    rng = np.random.default_rng(20261129)
    return {
        "quantizer": quantizer_cases(rng),
        "lp-clipping": clipping_cases(rng),
        "polyfit": polyfit_cases(rng),
    }
