#!/usr/bin/env python3
"""Writes Tests/LAPQEngineTests/Fixtures/glob-goldens.json: whether Python's
fnmatch.fnmatchcase matches each name with each pattern, the semantics `GlobPattern` (the
`--keep-float` patterns) follows. Rerunning regenerates the file byte-identically:

    python3 Scripts/goldens/gen-glob-goldens.py
"""
import fnmatch
import json
import os

PATTERNS = ["conv1", "conv*", "*", "", "layer?.conv", "layer[12].*", "layer[!12].*", "layer[1-3]*",
            "*.weight", "*/*", "a*b*c", "*bias", "[]]x", "[!]]x", "[a-]z", "x[", "\\*", "a\\?b", "**",
            "*conv*1", "fc.[wb]*", "Conv_?[0-9]", "[z-a]"]
NAMES = ["conv1", "conv10", "conv", "layer1.conv", "layer2.conv", "layer3.conv", "layer12.conv", "fc.weight",
         "fc.bias", "fc", "onnx::Conv_12", "model/conv1/Conv", "abc", "aXbYc", "ac", "]x", "-z", "az", "x[",
         "*", "a?b", "aXb", "Conv_12", "Conv_1", "", "relu_3", "layer1.0.conv1.weight"]


def main():
    cases = [{"pattern": p, "name": n, "matches": fnmatch.fnmatchcase(n, p)} for p in PATTERNS for n in NAMES]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "LAPQEngineTests", "Fixtures",
                        "glob-goldens.json")
    with open(path, "w") as handle:
        json.dump({"cases": cases}, handle, indent=1, sort_keys=True)
        handle.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
