#!/usr/bin/env python3
"""The layering check: every `#include "…"` in a layer names a file of that layer or of a layer it declares.

The table is written by CMakeLists.txt (delvex_layer), one line a layer:

    name | folders | layers it may include | system headers it may not include

A file belongs to the layer whose folder is the longest prefix of its path. Errors are printed as
`path:line: error: …` (GCC's shape, so editors jump to them); the exit code is 1 when there is any.
With --stamp, the stamp file is written only when the tree passes (the build waits for it).

    python3 cmake/check_layers.py --root . --table build/generated/layers.txt
"""

import argparse
import os
import re
import sys

SOURCE_SUFFIXES = (".cpp", ".hpp", ".h", ".ipp")
QUOTED = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
ANGLED = re.compile(r"^\s*#\s*include\s*<([^>]+)>")


class Layer:
    def __init__(self, name, folders, uses, forbids):
        self.name = name
        self.folders = folders
        self.uses = uses
        self.forbids = forbids


def read_table(path):
    layers = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 4 or not parts[0]:
                raise SystemExit(f"{path}:{number}: error: expected 'name | folders | uses | forbids'")
            name, folders, uses, forbids = parts[0], parts[1].split(), parts[2].split(), parts[3].split()
            if name in layers:
                raise SystemExit(f"{path}:{number}: error: layer {name} declared twice")
            layers[name] = Layer(name, [f.strip("/") for f in folders], uses, forbids)
    return layers


def table_errors(layers):
    """Unknown names and cycles in the declared dependencies themselves."""
    errors = []
    for layer in layers.values():
        for used in layer.uses:
            if used not in layers:
                errors.append(f"layer {layer.name} uses {used}, which is not a layer")
    state = {}

    def visit(name, path):
        if state.get(name) == "done":
            return
        if state.get(name) == "open":
            cycle = path[path.index(name):] + [name]
            errors.append("layers form a cycle: " + " -> ".join(cycle))
            return
        state[name] = "open"
        for used in layers[name].uses:
            if used in layers:
                visit(used, path + [name])
        state[name] = "done"

    for name in layers:
        visit(name, [])
    return errors


def layer_of(path, layers):
    """The layer whose folder is the longest prefix of `path` (a /-separated path from the root), or None."""
    best, best_len = None, -1
    for layer in layers.values():
        for folder in layer.folders:
            if (path == folder or path.startswith(folder + "/")) and len(folder) > best_len:
                best, best_len = layer, len(folder)
    return best


def tops(layers):
    """The top folders the layers live in (bot, forums): every source below them must be in a layer."""
    return sorted({folder.split("/")[0] for layer in layers.values() for folder in layer.folders})


def check_file(root, rel, layer, layers):
    errors = []
    allowed = set(layer.uses) | {layer.name}
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, 1):
            m = QUOTED.match(line)
            if m:
                included = m.group(1)
                target = layer_of(included, layers)
                if target is None:
                    # A path relative to the including file stays in its folder.
                    beside = os.path.normpath(os.path.join(os.path.dirname(rel), included)).replace(os.sep, "/")
                    if os.path.exists(os.path.join(root, beside)):
                        target = layer_of(beside, layers)
                if target is None:
                    errors.append(f'{rel}:{number}: error: {layer.name} includes "{included}", which is in no '
                                  "layer (include bot/… and forums/… paths from the project root)")
                elif target.name not in allowed:
                    uses = "only " + ", ".join(layer.uses) if layer.uses else "no other layer"
                    errors.append(f'{rel}:{number}: error: wrong-way include: {layer.name} ({" ".join(layer.folders)}) '
                                  f'may not include "{included}" of {target.name}; {layer.name} may use {uses} '
                                  "(declared in CMakeLists.txt)")
                continue
            m = ANGLED.match(line)
            if m:
                included = m.group(1)
                for prefix in layer.forbids:
                    if included.startswith(prefix):
                        errors.append(f"{rel}:{number}: error: {layer.name} may not include <{included}> "
                                      f"(no {prefix} in this layer; declared in CMakeLists.txt)")
    return errors


def check_tree(root, layers):
    errors = table_errors(layers)
    checked = 0
    for top in tops(layers):
        for directory, dirs, files in os.walk(os.path.join(root, top)):
            dirs.sort()
            for name in sorted(files):
                if not name.endswith(SOURCE_SUFFIXES):
                    continue
                rel = os.path.relpath(os.path.join(directory, name), root).replace(os.sep, "/")
                layer = layer_of(rel, layers)
                if layer is None:
                    errors.append(f"{rel}:1: error: in no layer; add its folder to a delvex_layer in CMakeLists.txt")
                    continue
                errors.extend(check_file(root, rel, layer, layers))
                checked += 1
    return errors, checked


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="the source tree")
    parser.add_argument("--table", required=True, help="the layer table written by CMakeLists.txt")
    parser.add_argument("--stamp", help="file written when the tree passes")
    args = parser.parse_args()

    layers = read_table(args.table)
    errors, checked = check_tree(args.root, layers)
    if errors:
        if args.stamp and os.path.exists(args.stamp):
            os.remove(args.stamp)
        for error in errors:
            print(error, file=sys.stderr)
        print(f"layering check failed: {len(errors)} error(s) in {checked} files; the layers and what each may "
              "use are declared with delvex_layer in CMakeLists.txt (see docs/ARCHITECTURE.md)", file=sys.stderr)
        return 1
    if args.stamp:
        with open(args.stamp, "w", encoding="utf-8") as f:
            f.write(f"{checked} files follow the layers\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
