#!/usr/bin/env python3
"""Checks that the ABI compile test (tests/abi/) covers what it claims.

usage: check_abi_table.py CC SOURCE_ROOT

1. tests/abi/abi-test.c includes every header under include/ and
   user/include/zircon/ (a new public header must join the compile test).
2. tests/abi/abi-table.c names every macro that include/zircon/ defines
   (compiler.h's helpers and include guards aside): a new value must get its
   Fuchsia literal in the table.
3. The table compiles with CC and the user programs' flags, and it fails,
   naming the macro, when a header value is wrong: each canary below
   pre-includes a header, redefines one value the way a regression would, and
   compiles the table again.
"""
import os
import re
import subprocess
import sys
import tempfile

CANARIES = [
    # (header, macro, wrong value): the two values this table was written for,
    # and one of each other kind.
    ("zircon/rights.h", "ZX_DEFAULT_RESOURCE_RIGHTS", "0x804bu"),
    ("zircon/syscalls/object.h", "ZX_INFO_PROCESS", "3u"),
    ("zircon/processargs.h", "PA_USER0", "16u"),
    ("zircon/limits.h", "ZX_PAGE_SIZE", "8192u"),
    ("zircon/errors.h", "ZX_ERR_BAD_STATE", "(-21)"),
    ("zircon/time.h", "ZX_TIME_INFINITE_PAST", "(-0x7fffffffffffffffll)"),
]

FLAGS = ["--specs=picolibc.specs", "-march=rv64imac", "-mabi=lp64", "-std=gnu11", "-Wall", "-Wextra", "-Werror",
         "-fsyntax-only"]


def headers(root, sub):
    out = []
    base = os.path.join(root, sub)
    for d, _, files in os.walk(base):
        out += [os.path.relpath(os.path.join(d, f), base) for f in files if f.endswith(".h")]
    return sorted(out)


def defined_macros(path):
    names = []
    for line in open(path):
        m = re.match(r"\s*#\s*define\s+(\w+)", line)
        if m:
            names.append(m.group(1))
    return names


def main():
    cc, root = sys.argv[1], sys.argv[2]
    failures = []
    test_src = open(os.path.join(root, "tests/abi/abi-test.c")).read()
    table_path = os.path.join(root, "tests/abi/abi-table.c")
    table = open(table_path).read()

    wanted = headers(root, "include") + ["zircon/" + h for h in headers(root, "user/include/zircon")]
    for h in wanted:
        if f"#include <{h}>" not in test_src:
            failures.append(f"tests/abi/abi-test.c does not include <{h}>")

    checked = 0
    for h in headers(root, "include/zircon"):
        if h == "compiler.h":
            continue
        for name in defined_macros(os.path.join(root, "include/zircon", h)):
            if name.startswith("SYSROOT_") or name.startswith("__ZXRV_"):
                continue
            checked += 1
            if not re.search(r"\b%s\b" % re.escape(name), table):
                failures.append(f"{name} (include/zircon/{h}) is not in tests/abi/abi-table.c")

    incs = ["-I", os.path.join(root, "include"), "-I", os.path.join(root, "user/include")]
    r = subprocess.run([cc] + FLAGS + incs + [table_path], capture_output=True, text=True)
    if r.returncode != 0:
        failures.append("the table does not compile with the headers as they are:\n" + r.stderr[-2000:])
    with tempfile.TemporaryDirectory() as tmp:
        for header, macro, wrong in CANARIES:
            canary = os.path.join(tmp, "canary.h")
            with open(canary, "w") as f:
                f.write(f"#include <{header}>\n#undef {macro}\n#define {macro} {wrong}\n")
            r = subprocess.run([cc] + FLAGS + incs + ["-include", canary, table_path], capture_output=True,
                               text=True)
            if r.returncode == 0:
                failures.append(f"the table accepts {macro} = {wrong}")
            elif f"{macro} must be" not in r.stderr:
                failures.append(f"{macro} = {wrong} fails, but not on its own assertion:\n{r.stderr[-1000:]}")

    for f in failures:
        print("FAIL:", f)
    print(f"abi table: {len(wanted)} headers included, {checked} macros in the table, "
          f"{len(CANARIES)} canaries; {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
