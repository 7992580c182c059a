#!/usr/bin/env python3
"""user/libzircon/status.c names every status code of include/zircon/errors.h
(zx_status_get_string), with the right spelling, and nothing else.

usage: check_status_strings.py ERRORS_H STATUS_C
"""
import re
import sys

codes = re.findall(r"^#define (ZX_(?:OK|ERR_\w+)) \(-?\d+\)", open(sys.argv[1]).read(), re.M)
cases = re.findall(r'case (ZX_\w+): return "(ZX_\w+)";', open(sys.argv[2]).read())
bad = [c for c, s in cases if c != s]
missing = sorted(set(codes) - {c for c, _ in cases})
extra = sorted({c for c, _ in cases} - set(codes))
for what, names in (("misspelled", bad), ("missing", missing), ("unknown", extra)):
    if names:
        print(f"status-strings: {what}: {' '.join(names)}")
print(f"status-strings: {len(codes)} codes, {len(cases)} cases: {'ok' if not (bad or missing or extra) else 'FAILED'}")
sys.exit(1 if bad or missing or extra or not codes else 0)
