#!/usr/bin/env python3
"""The test runner behind tools/test (which installs packages and builds first).

Runs, printing one line per test:
  1. the host unit tests (meson test: allocator, page tables, device tree);
  2. build checks (Image header, symbol table consistency);
  3. QEMU smoke tests: boots on virt under each firmware and hart count, on
     sifive_u, with Svpbmt, the panic paths, and the board chain through U-Boot.
Ends with "N passed, M failed"; exit status 1 if anything failed.
Logs: BUILD/test-logs/NAME.log.
"""
import argparse
import concurrent.futures
import json
import os
import re
import select
import shlex
import struct
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FW = "/usr/lib/riscv64-linux-gnu/opensbi/generic"
UBOOT = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"

SELFTEST_OK = r"selftest: \d+ passed, 0 failed"
CLEAN = "left nothing behind"  # init's leak check after each program (user/init/init.c)
BANNER = [r"zxrv 0\.1\.0", r"mmio resource map \(\d+ ranges", r"free pages: \d+"]


def qemu_case(name, machine="virt", smp=1, mem="512M", fw="default", append="test",
              status=0, expect=(), reject=(), timeout=60, extra=(), semihosting=False, solo=False,
              disk=None, virtio=None):
    """solo: run alone after the others (a timing that needs the host's cores to itself).
    disk: "blk-test" (a fresh image of blk-test's known contents, checked after QEMU exits) or
    "blank32" (32 MiB of zeros), attached with tools/run --disk; virtio: legacy or modern."""
    return dict(kind="run", name=name, machine=machine, smp=smp, mem=mem, fw=fw, append=append,
                status=status, expect=list(expect), reject=list(reject), timeout=timeout,
                extra=list(extra), semihosting=semihosting, solo=solo, disk=disk, virtio=virtio)


# The disk of user/tests/blk-test.c: DISK_BLOCKS blocks of 512 bytes, block s
# holding the 64 little-endian words TAG ^ s << 16 ^ w (blk_word() there).
# blk-test writes BLK_NEW over [BLK_WRITE_FIRST, BLK_WRITE_END); its victims
# write BLK_VICTIM blocks in [BLK_VICTIM_FIRST, BLK_VICTIM_END) and die.
BLK_DISK_BLOCKS = 16384
BLK_ORIG, BLK_NEW, BLK_VICTIM = 0xb10c000000000000, 0x5eed000000000000, 0xdead000000000000
BLK_WRITE_FIRST, BLK_WRITE_END = 4096, 6144
BLK_VICTIM_FIRST, BLK_VICTIM_END = 8192, 9216


def blk_block(tag, s):
    return struct.pack("<64Q", *((tag ^ (s << 16) ^ w) for w in range(64)))


def make_disk(build, c):
    d = os.path.join(build, "test-disks")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, c["name"] + ".img")
    with open(path, "wb") as f:
        if c["disk"] == "blk-test":
            f.write(b"".join(blk_block(BLK_ORIG, s) for s in range(BLK_DISK_BLOCKS)))
        else:
            f.truncate(32 << 20)
    return path


def check_blk_test_disk(path):
    """After blk-test: the written range holds BLK_NEW, each victim block is as it was or the
    victim's, every other block is untouched."""
    data = open(path, "rb").read()
    if len(data) != BLK_DISK_BLOCKS * 512:
        return False, f"disk image is {len(data)} bytes, expected {BLK_DISK_BLOCKS * 512}"
    victim_blocks = 0
    for s in range(BLK_DISK_BLOCKS):
        got = data[s * 512:(s + 1) * 512]
        if BLK_WRITE_FIRST <= s < BLK_WRITE_END:
            if got != blk_block(BLK_NEW, s):
                return False, f"disk block {s}: not the pattern blk-test wrote"
        elif BLK_VICTIM_FIRST <= s < BLK_VICTIM_END:
            if got == blk_block(BLK_VICTIM, s):
                victim_blocks += 1
            elif got != blk_block(BLK_ORIG, s):
                return False, f"disk block {s}: neither the original nor the victim's (corrupted)"
        elif got != blk_block(BLK_ORIG, s):
            return False, f"disk block {s}: changed, but nobody wrote it"
    return True, f"{victim_blocks} victim blocks written"


def qemu_cases():
    cases = []
    virt_expect = BANNER + [SELFTEST_OK, r"model:\s+riscv-virtio,qemu", r"ns16550a"]
    for fw in ("default", "jump", "dynamic"):
        for smp in (1, 4):
            cases.append(qemu_case(f"qemu-virt-{fw}-smp{smp}", fw=fw, smp=smp,
                                   expect=virt_expect + [r"shutdown:\s+sifive,test0", r"svpbmt:\s+no\r?\n"]))
    # Svpbmt (-cpu rv64,svpbmt=on puts _svpbmt in every hart's riscv,isa):
    # the kernel's MMIO is IO, user mappings of physical VMOs too.
    svpbmt = ["--", "-cpu", "rv64,svpbmt=on"]
    for fw, smp in (("default", 2), ("jump", 1)):
        cases.append(qemu_case(f"qemu-virt-svpbmt-{fw}-smp{smp}", fw=fw, smp=smp, extra=svpbmt,
                               expect=virt_expect + [r"_svpbmt", r"svpbmt:\s+yes"]))
    cases.append(qemu_case("qemu-user-uartdrv-virt-svpbmt", append="init.run=uartdrv", extra=svpbmt,
                           expect=[r"svpbmt:\s+yes",
                                   r"uartdrv: hello from user space, written straight to the UART registers",
                                   r"init: uartdrv exited with 0"]))
    cases.append(qemu_case("conformance-vmo-create-physical-svpbmt", append="init.run=vmo-create-physical",
                           extra=svpbmt, timeout=180,
                           expect=[r"svpbmt:\s+yes", r"\d+ passed, 0 failed",
                                   r"init: vmo-create-physical exited with 0"]))
    cases.append(qemu_case("qemu-virt-default-smp8-2G", smp=8, mem="2G", expect=virt_expect + [r"harts:\s+8 online"]))
    # A device tree naming a hart that does not exist (hart 7): the start is
    # reported and skipped, never fatal; the two real harts run.
    ghost = os.path.join(ROOT, "tests", "data", "virt-smp2-512M-ghost-hart7.dtb")
    cases.append(qemu_case("qemu-virt-smp2-hart-that-never-starts", smp=2, extra=["--", "-dtb", ghost],
                           expect=virt_expect + [r"smp: hart 7: did not come online within \d+ ms, skipped",
                                                 r"harts:\s+2 online \(hart ids [01], [01]\)"]))
    cases.append(qemu_case("qemu-virt-jump-smp2-128M", fw="jump", smp=2, mem="128M", expect=virt_expect))
    cases.append(qemu_case("qemu-virt-dynamic-smp8-2G", fw="dynamic", smp=8, mem="2G", expect=virt_expect))
    cases.append(qemu_case("qemu-virt-semihosting-exit", semihosting=True, append="test",
                           expect=virt_expect + [r"shutdown:\s+semihosting"]))
    sifive_expect = BANNER + [SELFTEST_OK, r"model:\s+SiFive HiFive Unleashed", r"sifive,uart0",
                              r"shutdown:\s+semihosting", r"svpbmt:\s+no\r?\n"]
    cases.append(qemu_case("qemu-sifive_u-smp2", machine="sifive_u", smp=2, mem="1G",
                           expect=sifive_expect, semihosting=True))
    cases.append(qemu_case("qemu-sifive_u-smp5", machine="sifive_u", smp=5, mem="2G",
                           expect=sifive_expect + [r"harts:\s+4 online", r"hart 0\s+disabled no-mmu\s+not usable"],
                           semihosting=True))
    cases.append(qemu_case("qemu-sifive_u-jump-smp3", machine="sifive_u", smp=3, mem="1G", fw="jump",
                           expect=sifive_expect, semihosting=True))
    panic_expect = [r"KERNEL PANIC", r"scause 0x000000000000000f \(store/AMO page fault\)",
                    r"stval  0x000000000dead000", r"backtrace:", r"selftest_provoke_panic\+0x",
                    r"kmain_on_kstack\+0x", r"ra 0x", r"s11 0x", r"exit status 3"]
    cases.append(qemu_case("qemu-virt-panic-fault", append="panic=fault", status=3, expect=panic_expect))
    cases.append(qemu_case("qemu-virt-panic-fault-smp4", smp=4, append="panic=fault", status=3,
                           expect=panic_expect + [r"harts:\s+4 online"]))
    cases.append(qemu_case("qemu-sifive_u-panic-fault", machine="sifive_u", smp=2, mem="1G",
                           append="panic=fault", status=3, expect=panic_expect, semihosting=True))
    cases.append(qemu_case("qemu-virt-panic-stack-guard", append="panic=stack", status=3,
                           expect=[r"kernel stack overflow \(guard page hit\)", r"recurse[.\w]*\+0x"]))
    cases.append(qemu_case("qemu-virt-panic-lock-order", append="panic=lockorder", status=3,
                           expect=[r'lock order inversion: taking "selftest-a" at \S*selftest.c:\d+ while holding '
                                   r'"selftest-b" \(taken at \S*selftest.c:\d+\); the opposite order was seen before: '
                                   r'"selftest-a" taken at \S*selftest.c:\d+, then "selftest-b" at \S*selftest.c:\d+',
                                   r"backtrace:"]))
    cases.append(qemu_case("qemu-virt-panic-assert", append="panic=assert", status=3,
                           expect=[r"assertion failed: what\[0\] == 'x'", r"backtrace:"]))
    cases.append(qemu_case("qemu-virt-poweroff", append="poweroff timer.hz=250", status=0,
                           expect=BANNER + [r"timer:\s+\S+ at 250 Hz", r"timers:\s+a timer object is \d+ bytes", r"poweroff requested after \d+ timer ticks"]))
    cases.append(qemu_case("qemu-virt-elf", append="test", expect=virt_expect, extra=["--elf"]))
    # User space: one program per area, run by init (init.run=NAME); QEMU's
    # exit status is the program's failure count.
    user_ok = [r"\d+ passed, 0 failed"]
    # Every user test and conformance family runs twice: on one hart, and on
    # four with multi-threaded TCG (the harts really run at the same time).
    smp4 = dict(smp=4, extra=["--tcg", "multi"])
    for prog in USER_TESTS:
        for sfx, kw in (("", {}), ("-smp4", smp4)):
            cases.append(qemu_case(f"qemu-user-{prog}{sfx}", append=f"init.run={prog}",
                                   expect=user_ok + [rf"init: {prog} exited with 0", rf"init: {prog} {CLEAN}"],
                                   timeout=180, **kw))
    for sfx, kw in (("", {}), ("-smp4", smp4)):
        cases.append(qemu_case(f"qemu-user-discard-test{sfx}", append="init.run=discard-test", timeout=300,
                               expect=user_ok + [r"discard-test: \d+ of \d+ unlocked VMOs discarded",
                                                 rf"init: discard-test {CLEAN}"], **kw))
    cases.append(qemu_case("qemu-user-uartdrv-virt", append="init.run=uartdrv",
                           expect=[r"uartdrv: hello from user space, written straight to the UART registers",
                                   r"init: uartdrv exited with 0"]))
    cases.append(qemu_case("qemu-user-uartdrv-sifive_u", machine="sifive_u", smp=2, mem="1G",
                           append="init.run=uartdrv", semihosting=True,
                           expect=[r"uartdrv: hello from user space, written straight to the UART registers",
                                   r"init: uartdrv exited with 0"]))
    # The conformance suite (tests/conformance/): one program per family, and
    # init's exact leak check around each: free pages (plus the heap's slab
    # pages), heap blocks and live objects back where they were before.
    for fam in CONFORMANCE:
        for sfx, kw in (("", {}), ("-smp4", smp4)):
            cases.append(qemu_case(f"conformance-{fam}{sfx}", append=f"init.run={fam}", timeout=240,
                                   expect=user_ok + [rf"init: {fam} exited with 0", rf"init: {fam} {CLEAN}"],
                                   **kw))
    # Timers between ticks, with ticks a second apart: a timer that waited
    # for the tick would be ~500 ms late (tests/conformance/timer.c).
    cases.append(qemu_case("conformance-timer-hz1", append="timer.hz=1 init.run=timer FiresBetweenTicks",
                           timeout=120, expect=[r"1 passed, 0 failed", r"init: timer exited with 0",
                                                rf"init: timer {CLEAN}"]))
    # The benchmark program (instructions retired per call under -icount
    # shift=0): run so that it keeps working; its numbers are printed at the
    # end, never asserted (machines are shared and noisy; icount is exact but
    # a number is a report, not a test).
    cases.append(qemu_case("qemu-user-bench", append="init.run=bench lockdep=off", extra=["--icount"], timeout=120,
                           expect=[r"bench: copy-on-write fault .*: \d+ instructions",
                                   r"bench: zx_vmo_create_physical \+ close: \d+ instructions",
                                   r"bench: uncontended mtx_lock \+ mtx_unlock: \d+ instructions",
                                   r"bench: zx_timer_set \+ zx_timer_cancel: \d+ instructions",
                                   r"init: bench exited with 0", rf"init: bench {CLEAN}"]))
    cases.append(qemu_case("qemu-user-bench-wait", append="init.run=bench-wait lockdep=off", extra=["--icount"],
                           timeout=120,
                           expect=[r"bench: zx_port_queue \+ zx_port_wait: \d+ instructions",
                                   r"bench: zx_object_wait_many on 8 items .*: \d+ instructions",
                                   r"bench: kernel bytes per event pair side: \d+",
                                   r"bench: zx_channel_call round trip to another process, 1 hart: \d+",
                                   r"init: bench-wait exited with 0", rf"init: bench-wait {CLEAN}"]))
    cases.append(qemu_case("qemu-user-bench-dma", append="init.run=bench-dma lockdep=off", extra=["--icount"],
                           timeout=120,
                           expect=[r"bench: zx_bti_pin \+ zx_pmt_unpin, 1 page: \d+ instructions",
                                   r"bench: kernel bytes per PMT .*: \d+",
                                   r"init: bench-dma exited with 0", rf"init: bench-dma {CLEAN}"]))
    # Interrupt latency: PLIC claim (the packet's timestamp) to zx_port_wait
    # returning in the driver, under -icount (1 ns per instruction).
    cases.append(qemu_case("qemu-irq-latency-icount", append="lockdep=off init.run=interrupt DeviceLatency KernelBytes",
                           extra=["--icount"], timeout=120,
                           expect=[r"claim -> zx_port_wait returned: best \d+ ns", r"interrupt object takes \d+ bytes",
                                   r"init: interrupt exited with 0", rf"init: interrupt {CLEAN}"]))
    # The same round trip in guest time, without -icount (instructions are
    # then not exact: only the ns figure counts), on 1 hart and on 2 harts
    # under multi-threaded TCG (client and server each on a hart).
    for n in (1, 2):
        cases.append(qemu_case(f"qemu-user-bench-call-smp{n}", smp=n, append="init.run=bench-wait call lockdep=off",
                               extra=["--tcg", "multi"], timeout=120,
                               expect=[rf"bench: zx_channel_call round trip to another process, {n} harts?: \d+",
                                       r"init: bench-wait exited with 0", rf"init: bench-wait {CLEAN}"]))
    # init is an event loop on a port: two programs at once, each exit
    # reported as its ZX_PROCESS_TERMINATED packet arrives.
    cases.append(qemu_case("qemu-init-event-loop-smp2", smp=2, append="init.run=hello init.run=counter",
                           expect=[r"hello from user space", r"init: hello exited with 0",
                                   r"init: counter exited with 0", r"zxrv: init exited with 0"]))
    # user/README.md's threads example (user/examples/mutex-counter.c).
    cases.append(qemu_case("qemu-user-mutex-counter-example", append="init.run=mutex-counter",
                           expect=[r"mutex-counter: 2000000 \(want 2000000\)", r"init: mutex-counter exited with 0",
                                   rf"init: mutex-counter {CLEAN}"]))
    # user/README.md's channel example (user/examples/channel-call.c).
    cases.append(qemu_case("qemu-user-channel-call-example", append="init.run=channel-call",
                           expect=[r"channel-call: 1 \+ 2 \+ \.\.\. \+ 100 = 5050 \(want 5050\)",
                                   r"init: channel-call exited with 0", rf"init: channel-call {CLEAN}"]))
    # The SMP stress program (user/tests/smp-stress.c) on several machines and
    # hart counts, under multi-threaded TCG (harts really run at once) and
    # single-threaded TCG (harts interleaved); asid.bits=2 forces ASID
    # generation rollovers. Rounds are fewer where QEMU is slow: under
    # single-threaded TCG every TLB shootdown waits for the other harts' turn.
    stress_ok = [r"smp-stress: 4 processes, 0 failures", r"init: smp-stress exited with 0",
                 rf"init: smp-stress {CLEAN}"]
    for name, kw, rounds in (("virt-smp2", dict(smp=2, extra=["--tcg", "multi"]), 100),
                             ("virt-smp4", dict(smp=4, extra=["--tcg", "multi"]), 60),
                             ("virt-smp8", dict(smp=8, mem="2G", extra=["--tcg", "multi"]), 20),
                             ("sifive_u-smp5", dict(machine="sifive_u", smp=5, mem="2G", semihosting=True,
                                                    extra=["--tcg", "multi"]), 40),
                             ("virt-smp2-single-tcg", dict(smp=2, extra=["--tcg", "single"]), 4),
                             ("virt-smp4-single-tcg", dict(smp=4, extra=["--tcg", "single"]), 3)):
        cases.append(qemu_case(f"qemu-smp-stress-{name}", append=f"asid.bits=2 init.run=smp-stress {rounds}",
                               timeout=600, expect=stress_ok + [r"smp-stress: \d+ harts, .* [1-9]\d* ASID rollovers"],
                               **kw))
    # The port stress program (user/tests/port-stress.c): ports, waits and
    # the objects waited on created, signalled, canceled and closed by threads
    # on every hart at once; init's leak check follows.
    for name, kw, rounds in (("virt-smp1", dict(), 3000),
                             ("virt-smp4", dict(smp=4, extra=["--tcg", "multi"]), 3000),
                             ("virt-smp8", dict(smp=8, mem="2G", extra=["--tcg", "multi"]), 3000),
                             ("virt-smp2-single-tcg", dict(smp=2, extra=["--tcg", "single"]), 1000)):
        cases.append(qemu_case(f"qemu-port-stress-{name}", append=f"init.run=port-stress {rounds}", timeout=600,
                               expect=[r"port-stress: victim killed in its waits", r"port-stress: \d+ harts, .* 0 failures",
                                       r"init: port-stress exited with 0",
                                       rf"init: port-stress {CLEAN}"], **kw))
    # The DMA stress program (user/tests/dma-stress.c): pins, unpins,
    # quarantines and releases racing decommits, zeroing, snapshots and
    # resizes on every hart, then a victim killed with pins outstanding; the
    # counters are checked around the victim and by init's leak check.
    for name, kw in (("virt-smp1", dict()), ("virt-smp4", dict(smp=4, extra=["--tcg", "multi"])),
                     ("virt-smp2-single-tcg", dict(smp=2, extra=["--tcg", "single"]))):
        cases.append(qemu_case(f"qemu-dma-stress-{name}", append="init.run=dma-stress 2000", timeout=600,
                               expect=[r"dma-stress: victim killed with 5 pins",
                                       r"dma-stress: \d+ harts, .* 0 failures",
                                       r"init: dma-stress exited with 0", rf"init: dma-stress {CLEAN}"], **kw))
    # The interrupt stress program (user/tests/irq-stress.c): interrupt
    # objects triggered, waited on, bound, acked, destroyed and closed by
    # threads on every hart, then a victim killed holding a PLIC source.
    for name, kw in (("virt-smp1", dict()), ("virt-smp4", dict(smp=4, extra=["--tcg", "multi"])),
                     ("virt-smp2-single-tcg", dict(smp=2, extra=["--tcg", "single"]))):
        cases.append(qemu_case(f"qemu-irq-stress-{name}", append="init.run=irq-stress", timeout=300,
                               expect=[r"irq-stress: \d+ replacements; \d+ triggers",
                                       r"irq-stress: victim killed holding PLIC source \d+",
                                       r"init: irq-stress exited with 0", rf"init: irq-stress {CLEAN}"], **kw))
    # What harts cost each other (printed, not asserted): bench's operations
    # on 4 harts at once under -icount, and the parallel speedup of a
    # CPU-bound program on 2 harts under multi-threaded TCG.
    cases.append(qemu_case("qemu-user-bench-smp4-ops", smp=4, append="lockdep=off init.run=bench-smp ops 4",
                           extra=["--icount"], timeout=300,
                           expect=[r"bench: 4 threads on \d+ harts at once: zx_vmo_create_child snapshot .*: \d+ instructions",
                                   r"init: bench-smp exited with 0", rf"init: bench-smp {CLEAN}"]))
    cases.append(qemu_case("qemu-user-bench-smp2-speedup", smp=2, append="lockdep=off init.run=bench-smp speedup 2",
                           extra=["--tcg", "multi"], timeout=300, solo=True,
                           expect=[r"bench: parallel speedup, 2 CPU-bound threads on 2 harts: .*x",
                                   r"init: bench-smp exited with 0"]))
    # The user-space virtio-blk driver (user/drivers/virtio-blk): blk-test on a
    # fresh image of known contents, over both virtio-mmio transports, on 1
    # and 4 harts; the host checks the image after QEMU exits.
    for virtio in ("legacy", "modern"):
        for sfx, kw in (("", {}), ("-smp4", smp4)):
            ver = "1 \\(legacy\\)" if virtio == "legacy" else "2 \\(modern\\)"
            cases.append(qemu_case(f"qemu-blk-test-{virtio}{sfx}", append="init.run=blk-test", timeout=240,
                                   disk="blk-test", virtio=virtio,
                                   expect=user_ok + [rf"virtio-blk: /soc/virtio_mmio@\w+: virtio-mmio version {ver}",
                                                     r"blk-test: victim \(exit\): \d+ requests completed",
                                                     r"blk-test: victim \(wait\): \d+ requests completed",
                                                     r"blk-test: virtio-blk exited with 0",
                                                     r"init: blk-test exited with 0", rf"init: blk-test {CLEAN}"],
                                   **kw))
    # Its figures (printed, never asserted): instructions per request under
    # -icount, sequential throughput in guest time without it.
    cases.append(qemu_case("qemu-blk-bench-ops", append="lockdep=off init.run=blk-bench ops", extra=["--icount"],
                           timeout=300, disk="blank32", virtio="legacy",
                           expect=[r"bench: virtio-blk 4 KiB read through a VMO.*: \d+ instructions",
                                   r"bench: virtio-blk 64 KiB read through a VMO.*: \d+ instructions",
                                   r"init: blk-bench exited with 0", rf"init: blk-bench {CLEAN}"]))
    for virtio in ("legacy", "modern"):
        cases.append(qemu_case(f"qemu-blk-bench-seq-{virtio}", append="lockdep=off init.run=blk-bench seq",
                               timeout=300, disk="blank32", virtio=virtio, solo=True,
                               expect=[r"bench: virtio-blk sequential read of 16 MiB .*MiB/s",
                                       r"bench: virtio-blk sequential write of 16 MiB .*MiB/s",
                                       r"init: blk-bench exited with 0", rf"init: blk-bench {CLEAN}"]))
    cases.append(qemu_case("qemu-user-testlib-selfcheck", append="init.run=testlib-test",
                           expect=[r"init: testlib-test exited with 0"]))
    # init's interactive shell (user/init/shell.c) driven through QEMU's stdin
    # on both machines, and on 4 harts: help, ls, running programs with
    # arguments and their exit status, line editing, ps, a program reading
    # stdin three ways, Ctrl-C killing a program, exit with a status. The console driver (consoled)
    # must be interrupt-driven.
    for name, kw in (("virt", {}), ("virt-smp4", smp4),
                     ("sifive_u", dict(machine="sifive_u", smp=2, mem="1G", semihosting=True)),
                     ("sifive_u-smp4", dict(machine="sifive_u", smp=4, mem="1G", semihosting=True,
                                            extra=["--tcg", "multi"]))):
        cases.append(shell_case(f"qemu-shell-{name}", SHELL_SESSION, status=3, expect=SHELL_EXPECT, **kw))
    # Keystroke to echo under -icount (1 ns per instruction): consoled.stats
    # makes the driver print each receive interrupt's timings; printed with
    # the benches, never asserted. One key at a time, each after its echo.
    keys = [(SHELL_PROMPT, "h")] + [(r"interrupt at \d+ ns[^\n]*\n", k) for k in "ello"] + \
           [(r"interrupt at \d+ ns[^\n]*\n", "\x15exit\r")]
    cases.append(shell_case("qemu-shell-keystroke-icount", keys, append="consoled.stats lockdep=off",
                            extra=["--icount"],
                            expect=[r"consoled: interrupt at \d+ ns: zx_port_wait returned \d+ ns later, 1 bytes "
                                    r"read and echoed \d+ ns later \(\d+ instructions\)", r"zxrv: init exited with 0"]))
    # user/README.md's stdin example (ask.c), taken from the README, built
    # with tools/run --user ask.c --shell and run from the shell (after the
    # other cases: tools/run runs ninja and writes build/user-run/).
    cases.append(dict(shell_case("tools-run-user-readme-stdin-example",
                                 [(SHELL_PROMPT, "ask\r"), (r"name\? ", "Ada\r"),
                                  (r"hello, Ada\r?\ninit: ask exited with 0\r?\n[^\n]*\n" + SHELL_PROMPT, "exit\r")],
                                 expect=[r"zxrv: init exited with 0"]), readme_example="ask.c",
                      solo=True))  # alone: tools/run --user writes build/user-run/ as the other example does
    # No console input (a boot archive without consoled): init says so,
    # lists the archive and exits 0, as before the shell.
    cases.append(dict(qemu_case("qemu-shell-fallback-no-consoled", append="",
                                expect=[r"init: consoled: not in the boot archive", r"init:   hello +\d+",
                                        r"init: 2 files", r"zxrv: init exited with 0"]), kind="no-consoled"))
    # Tools/run with no arguments: the shell, and exit powers off with 0.
    cases.append(shell_case("qemu-shell-exit", [(SHELL_PROMPT, "exit\r")],
                            expect=[r"init: the shell is on the console", r"zxrv: init exited with 0"]))
    cases.append(qemu_case("qemu-user-hello-exit-status", append="init.run=child exit 42", status=42,
                           expect=[r"init: child exited with 42"]))
    # Another timebase (sifive_u: 1 MHz, virt: 10 MHz): zx_ticks_per_second follows the device tree.
    cases.append(qemu_case("qemu-user-abi-test-sifive_u", machine="sifive_u", smp=2, mem="1G",
                           append="init.run=abi-test", semihosting=True,
                           expect=user_ok + [r"timebase:\s+1000000 Hz", r"init: abi-test exited with 0"]))
    cases.append(qemu_case("qemu-user-tests-smp4-sifive_u", machine="sifive_u", smp=4, mem="1G",
                           append="init.run=process-test", semihosting=True,
                           expect=user_ok + [r"init: process-test exited with 0"], timeout=120))
    cases.append(qemu_case("qemu-user-fault-report", append="init.run=child crash",
                           status=(-1028) & 0xff,
                           expect=[r'process "child" \(koid \d+\) killed', r"store/AMO page fault",
                                   r"stval  0x0000000000000010"]))
    cases.append(dict(kind="user-run", name="tools-run-user-readme-example", timeout=120, status=7,
                      expect=[r"hello: made a VMO, argc = 1\r?\n", r"init: hello exited with 7"]))
    cases.append(dict(kind="uboot", name="qemu-virt-uboot-extlinux-booti", timeout=120,
                      expect=[r"U-Boot 20\d\d", r"extlinux", r"zxrv 0\.1\.0", SELFTEST_OK]))
    return cases


SHELL_PROMPT = r"zxrv> "
# (wait for this pattern, after the previous one, then type this).
SHELL_SESSION = [
    (SHELL_PROMPT, "help\r"),
    (r"commands:[\s\S]*  ps [\s\S]*" + SHELL_PROMPT, "ls\r"),
    (r"  hello +\d+\r?\n[\s\S]*\d+ files\r?\n" + SHELL_PROMPT, "hello a b\r"),
    (r"hello from user space\r?\ninit: hello exited with 0\r?\ninit: hello left nothing behind\r?\n"
     + SHELL_PROMPT, "child exit 7\r"),
    (r"init: child exited with 7\r?\ninit: child left nothing behind\r?\n" + SHELL_PROMPT, "hellx\x7fo bad\x15chx\x7fild exit 40\x1742\r"),
    # Backspace, Ctrl-U and Ctrl-W made it "child exit 42"; the echo shows the erasing.
    (r"hellx\x08 \x08o bad(\x08 \x08){9}chx\x08 \x08ild exit 40(\x08 \x08){2}42\r?\n"
     r"init: child exited with 42\r?\ninit: child left nothing behind\r?\n" + SHELL_PROMPT, "ps\r"),
    (r"KOID +STATE +THREADS +NAME\r?\n +\d+ +job +- +root \(job\)\r?\n +\d+ +running +1 +init\r?\n"
     r" +\d+ +running +1 +consoled\r?\n" + SHELL_PROMPT, "nosuch 1\r"),
    (r"nosuch: not found[^\n]*\n" + SHELL_PROMPT, "stdin-test\r"),
    (r"stdin-test: type a line: ", "one two\r"),
    (r'stdin-test: fgets got "one two\\n"\r?\n', "second\r"),
    (r'stdin-test: getchar got "second\\n"\r?\n', "third\r"),
    (r'stdin-test: read\(0\) got "third\\n"\r?\n', "four\rfive\r\x04"),
    (r"stdin-test: end of file after 5 lines\r?\ninit: stdin-test exited with 5\r?\n"
     r"init: stdin-test left nothing behind\r?\n" + SHELL_PROMPT, "stdin-test\r"),
    # Ctrl-C kills the program running (ZX_TASK_RETCODE_SYSCALL_KILL).
    (r"stdin-test: type a line: ", "\x03"),
    (r"\^C\r?\n[\s\S]*init: stdin-test exited with -1024\r?\ninit: stdin-test left nothing behind\r?\n"
     + SHELL_PROMPT, "console-test\r"),
    # The console protocol from a client (user/tests/console-test.c).
    (r"console-test: type a line\r?\n", "alpha\r"),
    (r"console-test: press Ctrl-D\r?\n", "\x04"),
    (r"\d+ passed, 0 failed\r?\ninit: console-test exited with 0\r?\ninit: console-test left nothing behind\r?\n"
     + SHELL_PROMPT, "exit 3\r"),
]
SHELL_EXPECT = [r"consoled: \S+ at 0x[0-9a-f]+, receive interrupt \d+", r"zxrv: init exited with 3"]


def shell_case(name, steps, machine="virt", smp=1, mem="512M", status=0, expect=(), timeout=180, extra=(),
               semihosting=False, append=""):
    """A session with init's shell: steps are (pattern to wait for, keys to type); append must have
    no init.run= word."""
    c = qemu_case(name, machine=machine, smp=smp, mem=mem, append=append, status=status, expect=expect,
                  timeout=timeout, extra=extra, semihosting=semihosting)
    return dict(c, kind="shell", steps=list(steps))


USER_TESTS = ("basic-test", "handle-test", "process-test", "vmo-test", "channel-test", "badptr-test",
              "launch-test", "policy-test", "futex-test", "abi-test", "threads-test",
              "event-test")
CONFORMANCE = ("vmo-create", "vmo-create-physical", "vmo-children", "vmo-core", "vmo-clone2", "vmo-zero",
               "vmo-slice", "vmo-signal", "vmo-clone", "resource", "event-pair", "object-wait", "futex", "task",
               "port", "object-wait-many", "timer", "channel", "channel-call-etc", "channel-write-etc",
               "interrupt", "bti")


def conformance_table(build):
    """Per family and hart count: cases passed and failed, from each program's log (a case fails
    once, however many of its checks failed). Rows are (test name, label, passed, failed)."""
    rows = []
    for fam in CONFORMANCE:
        for sfx, label in (("", fam), ("-smp4", fam + " (4 harts)")):
            name = f"conformance-{fam}{sfx}"
            path = log_path(build, name)
            text = open(path, errors="replace").read() if os.path.exists(path) else ""
            ok = len(re.findall(r"^\[  OK  \]", text, re.M))
            bad = len(set(re.findall(r"^\[ FAIL \] ([^:]*)", text, re.M)))  # cases, not failed checks
            rows.append((name, label, ok, bad))
    return rows


def log_path(build, name):
    d = os.path.join(build, "test-logs")
    os.makedirs(d, exist_ok=True)
    return os.path.join(d, name + ".log")


def run_qemu(build, c):
    cmd = [os.path.join(ROOT, "tools", "run"), "--dry-run", "--machine", c["machine"], "--smp", str(c["smp"]),
           "--mem", c["mem"], "--firmware", c["fw"], "--append", c["append"]]
    if c["semihosting"]:
        cmd.append("--semihosting")
    disk = None
    if c.get("disk"):
        disk = make_disk(build, c)
        cmd += ["--disk", disk] + (["--virtio", c["virtio"]] if c.get("virtio") else [])
    cmd += c["extra"]  # tools/run options, then "--" and QEMU's own
    env = dict(os.environ, ZXRV_BUILD=build)
    line = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout.strip()
    ok, why, dt = run_cmd(build, c, ["bash", "-c", "exec " + line])
    if ok and c.get("disk") == "blk-test":
        ok, why = check_blk_test_disk(disk)
        with open(log_path(build, c["name"]), "a") as f:
            f.write(f"\nhost: disk image check: {'ok' if ok else 'FAILED'}: {why}\n")
        why = "" if ok else why
    return ok, why, dt


def run_shell(build, c):
    """Types each step's keys once its pattern has appeared (after the previous match) in QEMU's
    output; then waits for QEMU to exit and checks status and expect as run_cmd does."""
    cmd = [os.path.join(ROOT, "tools", "run"), "--dry-run", "--machine", c["machine"], "--smp", str(c["smp"]),
           "--mem", c["mem"], "--firmware", c["fw"], "--append", c["append"]]
    if c["semihosting"]:
        cmd.append("--semihosting")
    cmd += c["extra"]
    env = dict(os.environ, ZXRV_BUILD=build)
    if c.get("readme_example"):
        # The example program of user/README.md: from "    // NAME" to the
        # first "    }" line; tools/run --user NAME --shell builds and boots it.
        lines = open(os.path.join(ROOT, "user", "README.md")).read().splitlines()
        try:
            first = lines.index("    // " + c["readme_example"])
            last = next(i for i in range(first, len(lines)) if lines[i] == "    }")
        except (ValueError, StopIteration):
            return False, f"user/README.md lost its {c['readme_example']} example", 0.0
        d = os.path.join(build, "readme-example")
        os.makedirs(d, exist_ok=True)
        src = os.path.join(d, c["readme_example"])
        with open(src, "w") as f:
            f.write("\n".join(l[4:] for l in lines[first:last + 1]) + "\n")
        line = shlex.join([os.path.join(ROOT, "tools", "run"), "--user", src, "--shell"])
    else:
        line = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout.strip()
    t0 = time.time()
    p = subprocess.Popen(["bash", "-c", "exec " + line], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, env=env)
    out, pos, why = b"", 0, ""
    for i, (pat, keys) in enumerate(c["steps"]):
        rx = re.compile(pat.encode())
        while True:
            m = rx.search(out, pos)
            if m:
                pos = m.end()
                break
            left = c["timeout"] - (time.time() - t0)
            r = select.select([p.stdout], [], [], max(0.0, min(1.0, left)))[0] if left > 0 else []
            data = os.read(p.stdout.fileno(), 65536) if r else b""
            if r and not data:
                why = f"QEMU exited before step {i + 1}: output lacks /{pat}/"
                break
            out += data
            if left <= 0:
                why = f"timed out at step {i + 1}: output lacks /{pat}/"
                break
        if why:
            break
        try:
            p.stdin.write(keys.encode("latin-1"))
            p.stdin.flush()
        except BrokenPipeError:
            why = f"QEMU exited at step {i + 1}"
            break
    status = None
    if not why:
        try:
            rest, _ = p.communicate(timeout=max(1.0, c["timeout"] - (time.time() - t0)))
            out += rest
            status = p.returncode
        except subprocess.TimeoutExpired:
            why = "timed out waiting for QEMU to exit"
    if p.poll() is None:
        p.kill()
        out += p.communicate()[0]
    dt = time.time() - t0
    text = out.decode("utf-8", "replace")
    with open(log_path(build, c["name"]), "w") as f:
        f.write("$ " + line + "\n" + text)
    if why:
        return False, why, dt
    if status != c["status"]:
        return False, f"exit status {status}, expected {c['status']}", dt
    for pat in c["expect"]:
        if not re.search(pat, text):
            return False, f"output lacks /{pat}/", dt
    return True, "", dt


def run_no_consoled(build, c):
    """Boots with an archive of init and hello alone (no consoled)."""
    out = os.path.join(build, "no-consoled.cpio")
    r = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "mkinitrd"), out,
                        os.path.join(build, "user", "init.bootfs") + "=init",
                        os.path.join(build, "user", "hello.bootfs") + "=hello"], capture_output=True, text=True)
    if r.returncode != 0:
        return False, "mkinitrd failed: " + r.stderr.strip()[-300:], 0.0
    return run_qemu(build, dict(c, extra=["--initrd", out] + c["extra"]))


def run_uboot(build, c):
    out = os.path.join(build, "boot-test")
    r = subprocess.run([sys.executable, os.path.join(ROOT, "tools", "mkboot"), "--build", build,
                        "--append", "test", "--out", out], capture_output=True, text=True)
    if r.returncode != 0:
        return False, "mkboot failed: " + r.stderr.strip()[-300:], 0.0
    cmd = ["qemu-system-riscv64", "-machine", "virt", "-m", "512M", "-smp", "2", "-nographic",
           "-bios", "default", "-kernel", UBOOT,
           "-drive", f"file={os.path.join(out, 'disk.img')},format=raw,if=virtio"]
    c = dict(c, status=0, reject=[])
    return run_cmd(build, c, cmd)


def run_user_example(build, c):
    """The README's "run your own program" example, taken from README.md itself
    (the heredoc between `cat > hello.c <<'END'` and `END`), through tools/run --user."""
    lines = open(os.path.join(ROOT, "README.md")).read().splitlines()
    try:
        first = next(i for i, l in enumerate(lines) if l.strip() == "cat > hello.c <<'END'") + 1
        last = next(i for i in range(first, len(lines)) if lines[i].strip() == "END")
    except StopIteration:
        return False, "README.md lost its tools/run --user example", 0.0
    d = os.path.join(build, "readme-example")
    os.makedirs(d, exist_ok=True)
    src = os.path.join(d, "hello.c")
    with open(src, "w") as f:
        f.write("\n".join(l[4:] for l in lines[first:last]) + "\n")
    env = dict(os.environ, ZXRV_BUILD=build)
    return run_cmd(build, dict(c, reject=[]), [os.path.join(ROOT, "tools", "run"), "--user", src], env=env)


def run_cmd(build, c, cmd, env=None):
    t0 = time.time()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=c["timeout"], env=env)
        out, status = p.stdout.decode("utf-8", "replace"), p.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        status = None
    dt = time.time() - t0
    with open(log_path(build, c["name"]), "w") as f:
        f.write("$ " + " ".join(cmd) + "\n" + out)
    if status is None:
        return False, f"timed out after {c['timeout']}s", dt
    if status != c["status"]:
        return False, f"exit status {status}, expected {c['status']}", dt
    for pat in c["expect"]:
        if not re.search(pat, out):
            return False, f"output lacks /{pat}/", dt
    for pat in c.get("reject", []):
        if re.search(pat, out):
            return False, f"output has /{pat}/", dt
    return True, "", dt


def check_image_header(build):
    with open(os.path.join(build, "Image"), "rb") as f:
        data = f.read()
    code0, code1, text_offset, image_size, flags, version, res1, res2, magic, magic2, res3 = \
        struct.unpack_from("<IIQQQIIQ8sII", data, 0)
    problems = []
    if code0 & 0x3 != 0x3 or code0 & 0x7f != 0x6f:
        problems.append(f"code0 {code0:#x} is not an uncompressed jal")
    if text_offset != 0x200000:
        problems.append(f"text_offset {text_offset:#x}")
    if image_size < len(data) or image_size % 4096:
        problems.append(f"image_size {image_size:#x} vs file {len(data):#x}")
    if flags & 1:
        problems.append("flags say big endian")
    if version != 2:
        problems.append(f"version {version:#x}")
    if magic != b"RISCV\0\0\0" or magic2 != 0x05435352:
        problems.append(f"magic {magic!r} {magic2:#x}")
    return (not problems), "; ".join(problems)


def text_symbols(build, elf):
    out = subprocess.run(["riscv64-unknown-elf-nm", "-n", "--defined-only", os.path.join(build, elf)],
                         check=True, capture_output=True, text=True).stdout
    return [tuple(l.split()[::2]) for l in out.splitlines() if len(l.split()) == 3 and l.split()[1] in "tT"]


def check_ksyms(build):
    a, b = text_symbols(build, "kernel-stage1.elf"), text_symbols(build, "kernel.elf")
    if a != b:
        return False, "text symbols differ between the two link passes"
    return True, ""


def check_elf_wx(build):
    out = subprocess.run(["riscv64-unknown-elf-readelf", "-lW", os.path.join(build, "kernel.elf")],
                         check=True, capture_output=True, text=True).stdout
    for l in out.splitlines():
        if l.strip().startswith("LOAD") and "W" in l.split()[-2] and "E" in l.split()[-2]:
            return False, "a LOAD segment is writable and executable: " + l.strip()
    return True, ""


def host_tests(build, only):
    r = subprocess.run(["meson", "test", "-C", build, "--no-rebuild", "--print-errorlogs"],
                       capture_output=True, text=True)
    results = []
    path = os.path.join(build, "meson-logs", "testlog.json")
    if os.path.exists(path):
        for line in open(path):
            t = json.loads(line)
            if only and only not in t["name"]:
                continue
            ok = t["result"] == "OK"
            why = "" if ok else f"{t['result']} (see {path} / meson-logs/testlog.txt)"
            results.append((f"host:{t['name']}", ok, why, t.get("duration", 0.0)))
    if not results and r.returncode != 0:
        results.append(("host:meson-test", False, r.stdout[-500:] + r.stderr[-500:], 0.0))
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="")
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    passed = failed = 0

    def report(name, ok, why, dt):
        nonlocal passed, failed
        if ok:
            passed += 1
            print(f"PASS {name} ({dt:.1f}s)", flush=True)
        else:
            failed += 1
            print(f"FAIL {name} ({dt:.1f}s): {why}", flush=True)

    for name, ok, why, dt in host_tests(a.build, a.only):
        report(name, ok, why, dt)
    for name, fn in (("build:image-header", check_image_header), ("build:ksyms-stable", check_ksyms),
                     ("build:elf-no-wx-segment", check_elf_wx)):
        if a.only and a.only not in name:
            continue
        t0 = time.time()
        ok, why = fn(a.build)
        report(name, ok, why, time.time() - t0)

    cases = [c for c in qemu_cases() if not a.only or a.only in c["name"]]
    if a.quick:
        cases = cases[:1]

    def run(c):
        if c["kind"] == "uboot":
            return run_uboot(a.build, c)
        if c["kind"] == "user-run":
            return run_user_example(a.build, c)
        if c["kind"] == "shell":
            return run_shell(a.build, c)
        if c["kind"] == "no-consoled":
            return run_no_consoled(a.build, c)
        return run_qemu(a.build, c)

    def finish(c, f):
        try:
            ok, why, dt = f.result()
        except Exception as e:  # a broken runner is a failure, not a crash
            ok, why, dt = False, f"runner error: {e}", 0.0
        if not ok:
            why += f" [log: {log_path(a.build, c['name'])}]"
        report(c["name"], ok, why, dt)

    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        futs = {ex.submit(run, c): c for c in cases if not c.get("solo")}
        for f in concurrent.futures.as_completed(futs):
            finish(futs[f], f)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as ex:
        for c in (c for c in cases if c.get("solo")):
            finish(c, ex.submit(run, c))

    ran = {c["name"] for c in cases}
    fams = [r for r in conformance_table(a.build) if (r[2] or r[3]) and r[0] in ran]
    if fams:
        print("conformance: family                      passed  failed")
        for _, label, ok, bad in fams:
            print(f"conformance: {label:<30} {ok:>6}  {bad:>6}")
    for b in ("qemu-user-bench", "qemu-user-bench-wait", "qemu-user-bench-dma", "qemu-user-bench-call-smp1", "qemu-user-bench-call-smp2", "qemu-user-bench-smp4-ops", "qemu-user-bench-smp2-speedup",
              "qemu-blk-bench-ops", "qemu-blk-bench-seq-legacy", "qemu-blk-bench-seq-modern"):
        path = log_path(a.build, b)
        if b in ran and os.path.exists(path):
            for line in open(path, errors="replace"):
                if line.startswith("bench: "):
                    print(line.rstrip())
    path = log_path(a.build, "qemu-irq-latency-icount")
    if "qemu-irq-latency-icount" in ran and os.path.exists(path):
        for line in open(path, errors="replace"):
            if "claim -> zx_port_wait" in line or "interrupt object takes" in line:
                print("bench: interrupt: " + line.strip())
    path = log_path(a.build, "qemu-shell-keystroke-icount")
    if "qemu-shell-keystroke-icount" in ran and os.path.exists(path):
        got = re.findall(r"zx_port_wait returned (\d+) ns later, 1 bytes read and echoed (\d+) ns later "
                         r"\((\d+) instructions\)", open(path, errors="replace").read())
        if got:
            wake = sorted(int(g[0]) for g in got)
            echo = sorted(int(g[2]) for g in got)
            print(f"bench: console keystroke ({len(got)} keys, median): PLIC claim -> consoled's zx_port_wait "
                  f"returned {wake[len(wake) // 2]} ns (= instructions under -icount, 100 ns steps), then read "
                  f"+ line discipline + echo through zx_debug_write: {echo[len(echo) // 2]} instructions")
    for b in sorted(n for n in ran if n.startswith("qemu-smp-stress-")):
        path = log_path(a.build, b)
        if os.path.exists(path):
            for line in open(path, errors="replace"):
                if re.match(r"smp-stress: \d+ harts", line):
                    print(f"stress: {b[len('qemu-smp-stress-'):]}: {line.rstrip()[len('smp-stress: '):]}")
    for b in sorted(n for n in ran if n.startswith("qemu-dma-stress-")):
        path = log_path(a.build, b)
        if os.path.exists(path):
            for line in open(path, errors="replace"):
                if re.match(r"dma-stress: \d+ harts", line):
                    print(f"stress: dma {b[len('qemu-dma-stress-'):]}: {line.rstrip()[len('dma-stress: '):]}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
