#!/usr/bin/env python3
"""Host tests of tools/mkinitrd, with a newc parser written here (independent
of the tool's own reader): layout, alignment, determinism, renaming, --base,
and the errors it must report. If a `cpio` binary is installed, its listing
must agree too.

usage: test_mkinitrd.py PATH/TO/mkinitrd
"""
import os
import shutil
import subprocess
import sys
import tempfile

FIELDS = ("ino", "mode", "uid", "gid", "nlink", "mtime", "filesize", "devmajor", "devminor",
          "rdevmajor", "rdevminor", "namesize", "check")
failures = 0
cases = 0


def parse(blob):
    """Strict newc parse: [(name, fields, data)], trailer required, 4-byte layout."""
    out, off = [], 0
    while True:
        assert off % 4 == 0, f"header at {off} not 4-aligned"
        h = blob[off:off + 110]
        assert len(h) == 110, f"truncated header at {off}"
        assert h[:6] == b"070701", f"magic {h[:6]!r} at {off}"
        f = {}
        for i, k in enumerate(FIELDS):
            digits = h[6 + 8 * i:14 + 8 * i]
            assert all(c in b"0123456789ABCDEF" for c in digits), f"{k}: {digits!r} (want upper-case hex)"
            f[k] = int(digits, 16)
        ns = f["namesize"]
        name = blob[off + 110:off + 110 + ns]
        assert len(name) == ns and name.endswith(b"\0") and b"\0" not in name[:-1], f"name at {off}"
        name = name[:-1].decode()
        pad = blob[off + 110 + ns:(off + 110 + ns + 3) // 4 * 4]
        assert pad == b"\0" * len(pad), "name padding not zero"
        data_off = (off + 110 + ns + 3) // 4 * 4
        data = blob[data_off:data_off + f["filesize"]]
        assert len(data) == f["filesize"], f"data of {name} truncated"
        end = data_off + f["filesize"]
        nxt = (end + 3) // 4 * 4
        assert blob[end:nxt] == b"\0" * (nxt - end), "data padding not zero"
        if name == "TRAILER!!!":
            assert f["filesize"] == 0 and nxt == len(blob), "bytes after the trailer"
            return out
        out.append((name, f, data))
        off = nxt


def run(tool, args, cwd, ok=True):
    p = subprocess.run([sys.executable, tool] + args, cwd=cwd, capture_output=True, text=True)
    if ok and p.returncode != 0:
        raise AssertionError(f"mkinitrd {args} failed: {p.stderr.strip()}")
    if not ok and (p.returncode == 0 or "mkinitrd:" not in p.stderr):
        raise AssertionError(f"mkinitrd {args} should fail with a message, got {p.returncode}: {p.stderr!r}")
    return p


def case(fn):
    def wrapped(tool):
        global failures, cases
        cases += 1
        d = tempfile.mkdtemp(prefix="mkinitrd-test-")
        try:
            fn(tool, d)
            print(f"mkinitrd: {fn.__name__:<40} ok")
        except AssertionError as e:
            failures += 1
            print(f"mkinitrd: {fn.__name__:<40} FAILED: {e}")
        finally:
            shutil.rmtree(d)
    return wrapped


def write(d, name, data):
    path = os.path.join(d, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return path


@case
def layout_and_fields(tool, d):
    contents = {"a": b"1", "bb": b"22", "ccc": b"333", "four": b"4444", "five5": b"55555", "zero": b""}
    for n, c in contents.items():
        write(d, n, c)
    run(tool, ["out.cpio"] + list(contents), d)
    blob = open(os.path.join(d, "out.cpio"), "rb").read()
    entries = parse(blob)
    assert [e[0] for e in entries] == list(contents), "names or order"
    for i, (name, f, data) in enumerate(entries, 1):
        assert data == contents[name], f"{name} contents"
        assert f["mode"] == 0o100755, f"{name} mode {oct(f['mode'])}"
        assert f["mtime"] == 0 and f["uid"] == 0 and f["gid"] == 0 and f["nlink"] == 1, f"{name} fields"
        assert f["ino"] == i, f"{name} ino {f['ino']} (want {i}, increasing)"
        assert f["check"] == 0 and f["devmajor"] == 0 and f["rdevmajor"] == 0


@case
def deterministic(tool, d):
    p = write(d, "prog", os.urandom(1000))
    q = write(d, "sub/other", b"x" * 7)
    run(tool, ["one.cpio", p, q], d)
    os.utime(p, (1, 123456789))
    os.chmod(q, 0o600)
    run(tool, ["two.cpio", p, q], d)
    a = open(os.path.join(d, "one.cpio"), "rb").read()
    b = open(os.path.join(d, "two.cpio"), "rb").read()
    assert a == b, "output depends on mtime or permissions"


@case
def renaming(tool, d):
    write(d, "build/hello.bootfs", b"hi")
    write(d, "a=b/prog", b"eq")
    run(tool, ["o.cpio", "build/hello.bootfs=hello", "build/hello.bootfs=/bin/hi",
               "a=b/prog=prog"], d)
    names = [e[0] for e in parse(open(os.path.join(d, "o.cpio"), "rb").read())]
    assert names == ["hello", "bin/hi", "prog"], names
    run(tool, ["p.cpio", "build/hello.bootfs"], d)
    names = [e[0] for e in parse(open(os.path.join(d, "p.cpio"), "rb").read())]
    assert names == ["hello.bootfs"], names


@case
def no_files(tool, d):
    run(tool, ["empty.cpio"], d)
    blob = open(os.path.join(d, "empty.cpio"), "rb").read()
    assert parse(blob) == [] and len(blob) == 124, len(blob)


@case
def base_archive(tool, d):
    write(d, "init", b"I" * 9)
    write(d, "hello", b"H")
    write(d, "new", b"N" * 3)
    write(d, "hello2", b"HELLO")
    run(tool, ["base.cpio", "init", "hello"], d)
    run(tool, ["--base", "base.cpio", "out.cpio", "new", "hello2=hello"], d)
    entries = parse(open(os.path.join(d, "out.cpio"), "rb").read())
    assert [(e[0], e[2]) for e in entries] == [("init", b"I" * 9), ("hello", b"HELLO"), ("new", b"NNN")], entries
    assert [e[1]["ino"] for e in entries] == [1, 2, 3]


@case
def errors(tool, d):
    write(d, "f", b"f")
    write(d, "g", b"g")
    run(tool, [], d, ok=False)
    run(tool, ["o.cpio", "missing"], d, ok=False)
    run(tool, ["o.cpio", "f=x", "g=x"], d, ok=False)
    run(tool, ["o.cpio", "f="], d, ok=False)
    run(tool, ["o.cpio", "f=/"], d, ok=False)
    run(tool, ["o.cpio", "f=a/../b"], d, ok=False)
    run(tool, ["o.cpio", "f=TRAILER!!!"], d, ok=False)
    run(tool, ["--base"], d, ok=False)
    with open(os.path.join(d, "bad.cpio"), "wb") as f:
        f.write(b"070701" + b"0" * 20)
    run(tool, ["--base", "bad.cpio", "o.cpio", "f"], d, ok=False)
    run(tool, ["--base", "nonexistent.cpio", "o.cpio", "f"], d, ok=False)
    assert not os.path.exists(os.path.join(d, "o.cpio")), "a failed run left an output file"


@case
def agrees_with_cpio_tool(tool, d):
    cpio = shutil.which("cpio")
    if cpio is None:
        print("mkinitrd:   (cpio not installed: listing comparison skipped)")
        return
    write(d, "x", b"abc")
    write(d, "y", b"")
    run(tool, ["o.cpio", "x=first", "y=dir/second"], d)
    p = subprocess.run([cpio, "-t", "--quiet"], stdin=open(os.path.join(d, "o.cpio"), "rb"),
                       capture_output=True, text=True)
    assert p.returncode == 0 and p.stdout.split() == ["first", "dir/second"], p.stdout + p.stderr


def main():
    tool = os.path.abspath(sys.argv[1])
    for fn in (layout_and_fields, deterministic, renaming, no_files, base_archive, errors,
               agrees_with_cpio_tool):
        fn(tool)
    print(f"mkinitrd: {cases} cases, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
