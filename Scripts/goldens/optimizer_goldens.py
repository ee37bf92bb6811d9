"""Goldens for LAPQMath's optimizers: scipy's bracket, brent, bounded minimize_scalar and Powell.

Every objective is written as explicit scalar loops on Python floats (IEEE binary64, one
rounding per operation, no fused multiply-add) in the same operation order as its Swift twin
in Tests/LAPQMathTests/Optimization/OptimizerTestFunctions.swift, so both sides evaluate
bit-identical values and the optimizers' trajectories (and evaluation counts) can be compared
exactly. Random problem data come from a seeded numpy generator and are stored in the goldens.

    python3 Scripts/goldens/optimizer_goldens.py   # writes the optimizer-*.json goldens alone
"""
import math

import numpy as np
from scipy import optimize
from scipy.optimize import _optimize as scipy_optimize  # private: Powell's line search, patched below
from scipy.optimize._optimize import BracketError  # not exported; the type bracket() raises

SEED = 20240611


# ----------------------------------------------------------------------------- objectives
def rosenbrock(x, _params):
    """sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2, summed left to right."""
    total = 0.0
    for i in range(len(x) - 1):
        a = float(x[i + 1]) - float(x[i]) * float(x[i])
        b = 1.0 - float(x[i])
        total = total + 100.0 * (a * a) + b * b
    return total


def quadratic(x, params):
    """1/2 (x - c)^T A (x - c) + offset, rows then columns left to right."""
    d = [float(x[i]) - params["center"][i] for i in range(len(x))]
    total = 0.0
    for i, row in enumerate(params["matrix"]):
        row_sum = 0.0
        for j, entry in enumerate(row):
            row_sum = row_sum + entry * d[j]
        total = total + d[i] * row_sum
    return 0.5 * total + params["offset"]


def absolute(x, params):
    """sum_i |x_i - c_i| + w x_i^2: non-smooth at every c_i."""
    total = 0.0
    for i in range(len(x)):
        xi = float(x[i])
        total = total + abs(xi - params["center"][i]) + params["weight"] * (xi * xi)
    return total


def partly_flat(x, _params):
    """(x0 - 2)^2 + (x0 - x2)^2, independent of x1: the line search along e2 finds no bracket."""
    a = float(x[0]) - 2.0
    b = float(x[0]) - float(x[2])
    return a * a + b * b


FUNCTIONS = {"rosenbrock": rosenbrock, "quadratic": quadratic, "absolute": absolute,
             "partlyFlat": partly_flat}


def scalar(name):
    """1-D test functions, also written in Swift with the same operation order."""
    return {
        "shiftedSquare": lambda x: (x - 1.0) * (x - 1.0),
        "quartic": lambda x: x * x * x * x - 3.0 * (x * x * x) + 2.0,
        "expLinear": lambda x: math.exp(x) - 4.0 * x,
        "kink": lambda x: abs(x - 0.3) + 0.1 * (x * x),
        "cosine": lambda x: math.cos(x),
        "line": lambda x: 1.0 - 2.0 * x,
        "constant": lambda x: 3.0,
    }[name]


# ----------------------------------------------------------------------------- problems
def powell_problems():
    rng = np.random.default_rng(SEED)
    factor = rng.normal(size=(5, 5))
    matrix = (factor @ factor.T / 5.0 + 0.5 * np.eye(5)).tolist()
    quad = {"matrix": matrix, "center": rng.uniform(-2, 2, size=5).tolist(), "offset": 1.5}
    rosen10_start = rng.uniform(-1.5, 1.5, size=10).tolist()
    kink = {"center": rng.uniform(-1, 1, size=4).tolist(), "weight": 0.05}
    quad_start = [0.0] * 5
    rotation = np.linalg.qr(rng.normal(size=(5, 5)))[0].tolist()
    return [
        ("rosenbrock-2d", "rosenbrock", {}, [-1.2, 1.0], {}),
        ("rosenbrock-2d-tight", "rosenbrock", {}, [-1.2, 1.0], {"xtol": 1e-10, "ftol": 1e-12}),
        ("rosenbrock-10d", "rosenbrock", {}, rosen10_start, {}),
        ("quadratic-5d", "quadratic", quad, quad_start, {}),
        ("quadratic-5d-rotated-directions", "quadratic", quad, quad_start, {"direc": rotation}),
        ("absolute-4d", "absolute", kink, [0.0] * 4, {}),
        ("partly-flat-3d", "partlyFlat", {}, [0.0, 0.5, 1.0], {}),
        ("rosenbrock-2d-maxiter", "rosenbrock", {}, [-1.2, 1.0], {"maxiter": 3}),
        ("rosenbrock-2d-maxfev", "rosenbrock", {}, [-1.2, 1.0], {"maxfev": 100}),
        # The 62nd evaluation is the first point of a bracket's initial pair.
        ("rosenbrock-2d-maxfev-split-batch", "rosenbrock", {}, [-1.2, 1.0], {"maxfev": 62}),
        ("rosenbrock-10d-maxfev", "rosenbrock", {}, rosen10_start, {"maxfev": 400}),
        ("rosenbrock-10d-callback-stop", "rosenbrock", {}, rosen10_start, {"stop_after": 3}),
    ]


def run_powell(function, params, start, options):
    stop_after = options.get("stop_after")
    seen = []

    def callback(intermediate_result):
        seen.append(intermediate_result.fun)
        if stop_after is not None and len(seen) >= stop_after:
            raise StopIteration

    scipy_options = {k: v for k, v in options.items() if k != "stop_after"}
    if "direc" in scipy_options:
        scipy_options["direc"] = np.array(scipy_options["direc"])
    return optimize.minimize(lambda x: FUNCTIONS[function](x, params), np.array(start, dtype=float),
                             method="Powell", callback=callback, options=scipy_options)


def clamped_linesearch_powell(func, p, xi, tol=1e-3, lower_bound=None, upper_bound=None, fval=None):
    """lapq's bounded line search (docs/algorithms.md, "Bounds"), built from scipy's own parts:
    scipy's unbounded search on alpha -> f(p + clip(alpha, lmin, lmax) xi), the result clipped,
    an end's point evaluated once. Replaces scipy's fminbound-based bounded line search."""
    if lower_bound is None and upper_bound is None or not np.any(xi):
        return UNBOUNDED_LINESEARCH(func, p, xi, tol=tol, fval=fval)
    lmin, lmax = scipy_optimize._line_for_search(p, xi, lower_bound, upper_bound)
    if np.isneginf(lmin) and np.isposinf(lmax):
        return UNBOUNDED_LINESEARCH(func, p, xi, tol=tol, fval=fval)
    ends = {}

    def along(alpha):
        clamped = min(max(alpha, lmin), lmax)
        if math.isnan(alpha) or clamped == alpha:
            return func(p + alpha * xi)
        if clamped not in ends:
            ends[clamped] = func(p + clamped * xi)
        return ends[clamped]

    res = scipy_optimize._recover_from_bracket_error(scipy_optimize._minimize_scalar_brent,
                                                     along, None, tuple(), xtol=tol)
    step = min(max(res.x, lmin), lmax) * xi
    return res.fun, p + step, step


UNBOUNDED_LINESEARCH = scipy_optimize._linesearch_powell


def bounded_powell_problems():
    rng = np.random.default_rng(SEED + 1)
    factor = rng.normal(size=(5, 5))
    matrix = (factor @ factor.T / 5.0 + 0.5 * np.eye(5)).tolist()
    quad = {"matrix": matrix, "center": rng.uniform(-2, 2, size=5).tolist(), "offset": 1.5}
    rotation = np.linalg.qr(rng.normal(size=(5, 5)))[0].tolist()
    kink = {"center": rng.uniform(-1, 1, size=4).tolist(), "weight": 0.05}
    inf = math.inf
    box = ([-0.5] * 5, [0.5] * 5)
    return [
        ("rosenbrock-2d-box", "rosenbrock", {}, [-1.2, 1.0], {}, ([-1.5, 0.0], [0.5, 2.0])),
        ("rosenbrock-2d-upper-only", "rosenbrock", {}, [-1.2, 1.0], {}, ([-inf, -inf], [0.8, inf])),
        ("quadratic-5d-box", "quadratic", quad, [0.0] * 5, {}, box),
        ("quadratic-5d-box-rotated-directions", "quadratic", quad, [0.0] * 5, {"direc": rotation}, box),
        ("absolute-4d-box", "absolute", kink, [0.0] * 4, {}, ([-0.3] * 4, [0.3] * 4)),
        ("rosenbrock-2d-box-maxfev", "rosenbrock", {}, [-1.2, 1.0], {"maxfev": 40}, ([-1.5, 0.0], [0.5, 2.0])),
    ]


def powell_bounded_golden():
    cases = []
    scipy_optimize._linesearch_powell = clamped_linesearch_powell
    try:
        for name, function, params, start, options, (lower, upper) in bounded_powell_problems():
            scipy_options = dict(options)
            if "direc" in scipy_options:
                scipy_options["direc"] = np.array(scipy_options["direc"])
            result = optimize.minimize(lambda x: FUNCTIONS[function](x, params), np.array(start, dtype=float),
                                       method="Powell", bounds=optimize.Bounds(lower, upper),
                                       options=scipy_options)
            cases.append({
                "name": name, "function": function, "parameters": params, "x0": start,
                "xtol": 1e-4, "ftol": 1e-4, "maxiter": None, "maxfev": options.get("maxfev"),
                "direc": options.get("direc"), "stop_after": None,
                "lower": [bound_json(v) for v in lower], "upper": [bound_json(v) for v in upper],
                "x": result.x.tolist(), "fun": float(result.fun), "nfev": int(result.nfev),
                "nit": int(result.nit), "status": int(result.status),
                "final_direc": np.asarray(result.direc).tolist(),
            })
    finally:
        scipy_optimize._linesearch_powell = UNBOUNDED_LINESEARCH
    return {"source": f"scipy {__import__('scipy').__version__} minimize(method='Powell', bounds=...) with "
                      "_linesearch_powell replaced by the clamped line search (clamped_linesearch_powell)",
            "cases": cases}


def bound_json(value):
    """JSON has no infinity: ±inf as the strings "inf" / "-inf"."""
    return str(value) if math.isinf(value) else value


def powell_golden():
    cases = []
    for name, function, params, start, options in powell_problems():
        result = run_powell(function, params, start, options)
        cases.append({
            "name": name, "function": function, "parameters": params, "x0": start,
            "xtol": options.get("xtol", 1e-4), "ftol": options.get("ftol", 1e-4),
            "maxiter": options.get("maxiter"), "maxfev": options.get("maxfev"),
            "direc": options.get("direc"), "stop_after": options.get("stop_after"),
            "x": result.x.tolist(), "fun": float(result.fun), "nfev": int(result.nfev),
            "nit": int(result.nit), "status": int(result.status),
            "final_direc": np.asarray(result.direc).tolist(),
        })
    return {"source": f"scipy {__import__('scipy').__version__} minimize(method='Powell')",
            "cases": cases}


def brent_golden():
    problems = [
        ("shiftedSquare", None, {}), ("shiftedSquare", [1.0, 2.0], {}),
        ("shiftedSquare", [-1.0, 0.5, 2.0], {}), ("quartic", [0.0, 1.0], {}),
        ("expLinear", None, {}), ("kink", [0.0, 1.0], {}), ("cosine", [2.0, 4.0], {"tol": 1e-12}),
        ("quartic", [0.0, 1.0], {"maxiter": 4}), ("cosine", [1.0, 5.0, 6.0], {}),
    ]
    cases = []
    for function, brack, options in problems:
        tol, maxiter = options.get("tol", 1.48e-8), options.get("maxiter", 500)
        entry = {"function": function, "brack": brack, "tol": tol, "maxiter": maxiter}
        try:
            x, fun, nit, nfev = optimize.brent(scalar(function), brack=None if brack is None else tuple(brack),
                                               tol=tol, maxiter=maxiter, full_output=True)
            entry.update({"x": float(x), "fun": float(fun), "nit": int(nit), "nfev": int(nfev),
                          "error": None})
        except ValueError as error:
            entry.update({"error": "ValueError: " + str(error).split(":")[0]})
        cases.append(entry)
    return {"source": "scipy.optimize.brent(full_output=True)", "cases": cases}


def bracket_golden():
    problems = [("shiftedSquare", 0.0, 1.0), ("shiftedSquare", 5.0, 6.0), ("quartic", 0.0, 1.0),
                ("expLinear", -3.0, -2.0), ("cosine", 0.0, 0.1), ("kink", 2.0, 1.5),
                ("constant", 0.0, 1.0)]
    cases = []
    for function, xa, xb in problems:
        entry = {"function": function, "xa0": xa, "xb0": xb}
        try:
            xa1, xb1, xc1, fa, fb, fc, calls = optimize.bracket(scalar(function), xa=xa, xb=xb)
            entry.update({"bracket": [float(v) for v in (xa1, xb1, xc1, fa, fb, fc)],
                          "nfev": int(calls), "error": None})
        except BracketError as error:
            entry.update({"error": "BracketError", "bracket": [float(v) for v in error.data[:6]],
                          "nfev": int(error.data[6])})
        except RuntimeError:
            entry.update({"error": "RuntimeError", "bracket": None, "nfev": None})
        cases.append(entry)
    return {"source": "scipy.optimize.bracket", "cases": cases}


def bounded_golden():
    problems = [("shiftedSquare", (0.0, 5.0), {}), ("quartic", (0.0, 4.0), {}),
                ("expLinear", (-1.0, 3.0), {}), ("kink", (-1.0, 1.0), {}),
                ("cosine", (2.0, 4.0), {"xatol": 1e-10}), ("cosine", (0.0, 10.0), {}),
                ("line", (0.0, 1.0), {}), ("quartic", (0.0, 4.0), {"maxiter": 5}),
                ("shiftedSquare", (2.0, 2.0), {})]
    cases = []
    for function, bounds, options in problems:
        xatol, maxiter = options.get("xatol", 1e-5), options.get("maxiter", 500)
        result = optimize.minimize_scalar(scalar(function), bounds=bounds, method="bounded",
                                          options={"xatol": xatol, "maxiter": maxiter})
        cases.append({"function": function, "bounds": list(bounds), "xatol": xatol, "maxiter": maxiter,
                      "x": float(result.x), "fun": float(result.fun), "nfev": int(result.nfev),
                      "nit": int(result.nit), "success": bool(result.success)})
    return {"source": "scipy.optimize.minimize_scalar(method='bounded')", "cases": cases}


def make():
    """{golden-file-stem: JSON-serializable content} for Scripts/goldens/gen-math-goldens.py."""
    return {"optimizer-powell": powell_golden(), "optimizer-powell-bounded": powell_bounded_golden(),
            "optimizer-brent": brent_golden(),
            "optimizer-bracket": bracket_golden(), "optimizer-bounded": bounded_golden()}


if __name__ == "__main__":
    import json, pathlib  # noqa: E401
    out = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "LAPQMathTests" / "Goldens"
    for stem, content in make().items():
        (out / f"{stem}.json").write_text(json.dumps(content, indent=1, sort_keys=True) + "\n")
