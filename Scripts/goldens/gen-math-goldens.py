#!/usr/bin/env python3
"""Regenerates every LAPQMath golden file from numpy and scipy (the reference libraries).

    python3 Scripts/goldens/gen-math-goldens.py

Writes Tests/LAPQMathTests/Goldens/<name>.json. Deterministic: fixed seeds, so an unchanged
scipy/numpy gives byte-identical files.
"""
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
from goldens import optimizer_goldens, quantization_goldens  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "LAPQMathTests" / "Goldens"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    goldens = {**quantization_goldens.make(), **optimizer_goldens.make()}
    for name, content in sorted(goldens.items()):
        path = OUT / f"{name}.json"
        path.write_text(json.dumps(content, indent=1, sort_keys=True) + "\n")
        print(f"wrote {path.relative_to(OUT.parent.parent.parent)}")


if __name__ == "__main__":
    main()
