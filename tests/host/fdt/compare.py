#!/usr/bin/env python3
"""Differential test of platform/dt.c against the libfdt reference.

compare.py DT_REF DT_DUMP DATA_DIR
    For every DATA_DIR/*.dtb, the reference (dt_ref) and our dt_parse
    (dt_dump) must both accept the blob and print exactly the same text.

compare.py DT_REF DT_DUMP DATA_DIR --mutants N [--seed S]
    N corrupted copies of the DTBs (fixed seed: bit flips and interesting
    32-bit words in the structure block). Whenever both accept a copy, the
    outputs must be identical, unless ours reports a full table ("truncated
    1": the reference has no table limits). Refusals by one side only are
    counted, not failed: ours is stricter than libfdt's fdt_check_full on
    purpose (e.g. /memreserve/ terminator, node names, property after a
    subnode, a truncated last token).
Prints a unified diff for each mismatch; exit status 1 on any.
"""
import argparse
import difflib
import glob
import os
import random
import struct
import subprocess
import sys
import tempfile


def run_batch(tool, files):
    """{file: output} from one run of TOOL over FILES (it prints '== FILE' headers)."""
    r = subprocess.run([tool] + files, capture_output=True, text=True, timeout=300)
    if r.stderr.strip():
        raise SystemExit(f"{os.path.basename(tool)} wrote to stderr (crash or sanitizer report?):\n"
                         + r.stderr[-3000:])
    if len(files) == 1:
        return {files[0]: r.stdout}
    out, cur = {}, None
    for line in r.stdout.splitlines(keepends=True):
        if line.startswith("== "):
            cur = line[3:].rstrip("\n")
            out[cur] = ""
        elif cur is not None:
            out[cur] += line
    missing = [f for f in files if f not in out]
    if missing:
        raise SystemExit(f"{os.path.basename(tool)} printed nothing for {missing[0]} (exit {r.returncode})")
    return out


def show_diff(name, ref, ours):
    print(f"FAIL {name}: outputs differ")
    for line in difflib.unified_diff(ref.splitlines(), ours.splitlines(), "dt_ref (libfdt)",
                                     "dt_dump (platform/dt.c)", lineterm=""):
        print("  " + line)


def compare_files(args, dtbs):
    ref = run_batch(args.ref, dtbs)
    ours = run_batch(args.dump, dtbs)
    bad = 0
    for dtb in dtbs:
        name = os.path.basename(dtb)
        if ref[dtb].startswith("refused") or ours[dtb].startswith("refused"):
            print(f"FAIL {name}: refused: ref: {ref[dtb].strip()[:200]} / ours: {ours[dtb].strip()[:200]}")
            bad += 1
        elif ref[dtb] != ours[dtb]:
            show_diff(name, ref[dtb], ours[dtb])
            bad += 1
        else:
            print(f"ok   {name}: {ours[dtb].count(chr(10) + 'mmio ')} mmio ranges, "
                  f"{ours[dtb].count(chr(10) + 'cpu ')} cpus, {ours[dtb].count(chr(10) + 'reserved ')} reserved")
    print(f"{len(dtbs) - bad}/{len(dtbs)} DTBs agree with the libfdt reference")
    return bad


def mutate(rng, blob):
    d = bytearray(blob)
    off, size = struct.unpack(">I", d[8:12])[0], struct.unpack(">I", d[36:40])[0]
    words = [0, 1, 2, 3, 4, 5, 9, 0x10000000, 0x80000000, 0xffffffff]
    for _ in range(rng.randint(1, 4)):
        r = rng.random()
        if r < 0.5:
            d[rng.randrange(off, off + size)] ^= 1 << rng.randrange(8)
        elif r < 0.9:
            at = off + 4 * rng.randrange(size // 4)
            d[at:at + 4] = struct.pack(">I", rng.choice(words + [rng.getrandbits(32)]))
        else:
            d[rng.randrange(len(d))] ^= 1 << rng.randrange(8)
    return bytes(d)


def compare_mutants(args, dtbs):
    rng = random.Random(args.seed)
    blobs = [open(f, "rb").read() for f in dtbs]
    stats = dict(both=0, same=0, truncated=0, only_ref=0, only_ours=0, neither=0)
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(args.mutants):
            path = os.path.join(tmp, f"m{i}.dtb")
            with open(path, "wb") as fp:
                fp.write(mutate(rng, blobs[i % len(blobs)]))
            files.append(path)
        ref = run_batch(args.ref, files)
        ours = run_batch(args.dump, files)
        for f in files:
            r_ok, o_ok = not ref[f].startswith("refused"), not ours[f].startswith("refused")
            if r_ok and o_ok:
                stats["both"] += 1
                if ref[f] == ours[f]:
                    stats["same"] += 1
                elif "\ntruncated 1\n" in ours[f]:
                    stats["truncated"] += 1
                else:
                    bad += 1
                    if bad <= 5:
                        show_diff(os.path.basename(f), ref[f], ours[f])
            elif r_ok:
                stats["only_ref"] += 1
            elif o_ok:
                stats["only_ours"] += 1
            else:
                stats["neither"] += 1
    print(f"{args.mutants} mutants (seed {args.seed}): both accept {stats['both']} "
          f"({stats['same']} identical, {stats['truncated']} with a full table, {bad} different); "
          f"only libfdt accepts {stats['only_ref']}, only ours accepts {stats['only_ours']}, "
          f"both refuse {stats['neither']}")
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ref")
    ap.add_argument("dump")
    ap.add_argument("data")
    ap.add_argument("--mutants", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    dtbs = sorted(glob.glob(os.path.join(args.data, "*.dtb")))
    if not dtbs:
        print(f"no .dtb files in {args.data}")
        return 1
    bad = compare_mutants(args, dtbs) if args.mutants else compare_files(args, dtbs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
