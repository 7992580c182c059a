#!/usr/bin/env python3
"""A program quoted in a README must be the program the build runs.

usage: check_readme_example.py README.md EXAMPLE.c

Finds the 4-space-indented block of README.md that starts with EXAMPLE.c's
first line and checks it is exactly EXAMPLE.c (indent removed).
"""
import sys


def main():
    readme, example = sys.argv[1], sys.argv[2]
    want = open(example).read().rstrip("\n").split("\n")
    lines = open(readme).read().split("\n")
    for i, line in enumerate(lines):
        if line == "    " + want[0]:
            block = []
            for l in lines[i:]:
                if l.startswith("    ") or l == "":
                    block.append(l[4:])
                else:
                    break
            got = block[:len(want)]
            if got == want:
                print(f"{readme} quotes {example} exactly")
                return 0
            for n, (a, b) in enumerate(zip(got, want)):
                if a != b:
                    print(f"{readme}:{i + n + 1}: quoted line differs from {example}:{n + 1}:\n  {a!r}\n  {b!r}")
                    return 1
            print(f"{readme}:{i + 1}: the quote of {example} is shorter than the file")
            return 1
    print(f"{readme} does not quote {example} (no block starting with its first line)")
    return 1


if __name__ == "__main__":
    sys.exit(main())
