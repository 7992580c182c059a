#!/usr/bin/env python3
"""Build checks of the user programs (what user/user.ld and the flags promise):

  - ELF64 little-endian RISC-V ET_EXEC, soft-float ABI, no PT_INTERP/PT_DYNAMIC;
  - exactly three PT_LOAD segments, in order R-X, R--, RW-: none writable and
    executable, each starting on its own page, inside [0x1000, 0x4000000000);
  - the entry point is _start, in the text segment;
  - tp's value __tls_base is the start of PT_TLS (picolibc's errno is TLS);
  - the heap [__heap_start, __heap_end) lies in the RW segment;
  - no floating-point instruction anywhere (user mode runs with sstatus.FS off).

usage: check_user_elf.py OBJDUMP NM ELF...
"""
import re
import struct
import subprocess
import sys

USER_BASE, USER_END, PAGE = 0x1000, 0x4000000000, 0x1000
PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_TLS = 1, 2, 3, 7
PF_X, PF_W, PF_R = 1, 2, 4
# FP mnemonics start with 'f' (fence/fence.i/fence.tso are not FP); the FP
# CSRs may also be reached through csrr*/csrw*.
FP_CSR = re.compile(r"\b(fflags|frm|fcsr)\b")


def check(path, objdump, nm):
    problems = []
    data = open(path, "rb").read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return ["not an ELF64 little-endian file"]
    (etype, machine, _ver, entry, phoff, _shoff, flags, _ehsize, phentsize,
     phnum) = struct.unpack_from("<HHIQQQIHHH", data, 16)
    if etype != 2 or machine != 243:
        problems.append(f"e_type {etype} / e_machine {machine}: want ET_EXEC RISC-V")
    if flags & 0x6:
        problems.append(f"e_flags {flags:#x}: hard-float ABI")
    phdrs = [struct.unpack_from("<IIQQQQQQ", data, phoff + i * phentsize) for i in range(phnum)]
    loads = [p for p in phdrs if p[0] == PT_LOAD]
    if any(p[0] in (PT_DYNAMIC, PT_INTERP) for p in phdrs):
        problems.append("dynamic segments present")
    want = [PF_R | PF_X, PF_R, PF_R | PF_W]
    if [p[1] for p in loads] != want:
        problems.append(f"PT_LOAD flags {[p[1] for p in loads]}, want {want} (R-X, R--, RW-)")
    prev_end = USER_BASE
    for _t, fl, off, va, _pa, fsz, msz, _al in loads:
        if fl & PF_W and fl & PF_X:
            problems.append(f"segment at {va:#x} is writable and executable")
        if va % PAGE or off % PAGE != va % PAGE:
            problems.append(f"segment at {va:#x} not page-aligned / offset {off:#x} inconsistent")
        if va < prev_end:
            problems.append(f"segment at {va:#x} shares a page with the previous one")
        prev_end = (va + msz + PAGE - 1) // PAGE * PAGE
        if prev_end > USER_END or fsz > msz or off + fsz > len(data):
            problems.append(f"segment at {va:#x}: outside user space or the file")
    syms = {}
    for line in subprocess.run([nm, path], check=True, capture_output=True, text=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms[parts[2]] = int(parts[0], 16)
    if len(loads) == 3:
        text, data_seg = loads[0], loads[2]
        if syms.get("_start") != entry or not text[3] <= entry < text[3] + text[5]:
            problems.append(f"entry {entry:#x} is not _start in the text segment")
        lo, hi = data_seg[3], data_seg[3] + data_seg[6]
        if not lo <= syms.get("__heap_start", 0) < syms.get("__heap_end", 0) <= hi:
            problems.append("heap not inside the RW segment")
    tls = [p for p in phdrs if p[0] == PT_TLS]
    if tls and syms.get("__tls_base") != tls[0][3]:
        problems.append(f"__tls_base {syms.get('__tls_base', 0):#x} != PT_TLS start {tls[0][3]:#x}")
    dis = subprocess.run([objdump, "-d", "--no-show-raw-insn", path], check=True, capture_output=True,
                         text=True).stdout
    fp = []
    for line in dis.splitlines():
        m = re.match(r"\s+[0-9a-f]+:\s+(\S+)\s*(.*)", line)
        if not m:
            continue
        op, args = m.group(1), m.group(2)
        if (op.startswith("f") and not op.startswith("fence")) or (op.startswith("csr") and FP_CSR.search(args)):
            fp.append(line.strip())
    if fp:
        problems.append(f"{len(fp)} floating-point instructions, e.g. {fp[0]}")
    return problems


def main():
    objdump, nm, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    failed = 0
    for path in files:
        problems = check(path, objdump, nm)
        print(f"user-elf: {path}: {'ok' if not problems else 'FAILED'}")
        for p in problems:
            print(f"    {p}")
        failed += bool(problems)
    print(f"user-elf: {len(files)} programs, {failed} failed")
    return 1 if failed or not files else 0


if __name__ == "__main__":
    sys.exit(main())
