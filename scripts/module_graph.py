#!/usr/bin/env python3
"""Draws audit-tui's module graph from the `crate::` paths each file names.

    scripts/module_graph.py [SRC_DIR] [--mermaid]

A node is a top-level module of src/ (`ingest`, `model`, `ui`...); an edge a -> b says
how many lines of a's files name `crate::b`. The layers are those of tests/layers.rs
(bottom first); an edge that points up a layer is listed as a violation. Plain output is
one edge per line; --mermaid prints a Mermaid graph for docs/architecture.md.
"""
import pathlib
import re
import sys

LAYERS = [
    ["sanitize", "json", "profile", "error", "paths"],
    ["model"],
    ["ingest"],
    ["query", "marks", "redact", "evidence", "config"],
    ["report", "cli"],
    ["ui", "follow"],
    ["app"],
]


def layer_of(module):
    for i, names in enumerate(LAYERS):
        if module in names:
            return i
    return None


def names_in(line):
    code = line.split("//", 1)[0]
    names = re.findall(r"crate::([A-Za-z_][A-Za-z0-9_]*)", code)
    for group in re.findall(r"crate::\{([^}]*)\}", code):
        names += [p.strip().split("::")[0] for p in group.split(",") if p.strip()]
    return names


def edges(src):
    out = {}
    for path in sorted(src.rglob("*.rs")):
        rel = path.relative_to(src)
        module = rel.parts[0].removesuffix(".rs")
        if module in ("lib", "main"):
            continue
        in_tests = False
        for line in path.read_text(encoding="utf-8").splitlines():
            # Unit tests may reach anywhere; the layering is about the code that ships.
            if line.startswith("#[cfg(test)]"):
                in_tests = True
            if in_tests:
                continue
            for name in names_in(line):
                if name != module and layer_of(name) is not None:
                    out[(module, name)] = out.get((module, name), 0) + 1
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    src = pathlib.Path(args[0] if args else "src")
    graph = edges(src)
    up = {e: n for e, n in graph.items() if layer_of(e[1]) > layer_of(e[0])}
    if "--mermaid" in sys.argv:
        print("```mermaid")
        print("graph BT")
        for i, names in enumerate(LAYERS):
            print(f"  subgraph L{i}[\"layer {i}\"]")
            for n in names:
                print(f"    {n}")
            print("  end")
        for (a, b), n in sorted(graph.items()):
            arrow = "-.->|UP " + str(n) + "|" if (a, b) in up else "-->"
            print(f"  {a} {arrow} {b}")
        print("```")
    else:
        for (a, b), n in sorted(graph.items()):
            print(f"{a} -> {b} {n}{'  UP' if (a, b) in up else ''}")
    print(f"{len(graph)} edges, {len(up)} pointing up", file=sys.stderr)


if __name__ == "__main__":
    main()
