#!/usr/bin/env python3
"""System tests of Kiln's GDB stub, driven by real gdb (gdb-multiarch) in
batch mode, plus a raw protocol client for malformed input.

usage: gdb_test.py SCENARIO --kiln KILN --accel ACCEL --elf GUEST.elf --src SRC --work DIR

Scenarios:
  baremetal  break at a function, exact stepi (minstret +1), step, finish,
             registers and memory read and written, a write watchpoint,
             Ctrl-C while spinning, detach: the guest runs on to a clean exit
  hotbreak   a breakpoint set inside a loop the JIT has already compiled (a
             region, chained) stops on every pass
  exit       -gdb tcp::PORT: break, backtrace, continue to a clean exit
  kill       gdb's kill ends Kiln (status 0) with the guest stopped
  protocol   malformed packets, bad checksums, an oversize packet and a client
             vanishing mid-packet: the stub errors or drops the client and the
             guest keeps running (-chardev socket,... -gdb chardev:ID)
  linux      the shared riscv64 Linux (-smp 2): break at a kernel function
             during boot, registers, backtrace, threads, a page walk, a stop on
             a privilege switch, continue to the marker
  linux_quick  the same kernel to start_kernel only (registers, backtrace,
             threads, a page walk), then kill: what the sanitizer build runs
Exit status 0 on success, 1 on failure, 77 when the Linux images are absent.
"""
import argparse
import ctypes
import gzip
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

GDB = shutil.which("gdb-multiarch") or shutil.which("gdb")
STARTED = []  # Kiln processes, killed when the test ends however it ends


def die_with_parent():
    """In the child: SIGKILL when this driver dies (ctest's timeout kills only the driver)."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def fail(msg, *outputs):
    print("FAIL:", msg)
    for o in outputs:
        print("----\n" + o)
    sys.exit(1)


class Kiln:
    """A Kiln process whose output goes to a file."""

    def __init__(self, args, work):
        self.log = os.path.join(work, "kiln.out")
        self.f = open(self.log, "w")
        self.p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self.f, stderr=subprocess.STDOUT,
                                  preexec_fn=die_with_parent)
        STARTED.append(self.p)

    def output(self):
        self.f.flush()
        with open(self.log, errors="replace") as f:
            return f.read()

    def wait(self, timeout):
        try:
            return self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            fail("kiln did not exit within %ds" % timeout, self.output())

    def alive(self):
        return self.p.poll() is None

    def backtraces(self):
        """Where each of Kiln's threads is now (host gdb attached for a moment): for a hang's report."""
        if not self.alive():
            return "(kiln has exited: %s)" % self.p.returncode
        try:
            r = subprocess.run([GDB, "-nx", "-batch", "-p", str(self.p.pid), "-ex", "thread apply all bt 12"],
                               stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
            return r.stdout[-20000:]
        except (OSError, subprocess.TimeoutExpired) as e:
            return "(no backtraces: %s)" % e


def wait_for_socket(path, kiln, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        if os.path.exists(path):
            return
        if not kiln.alive():
            fail("kiln exited early", kiln.output())
        time.sleep(0.02)
    fail("no socket at " + path, kiln.output())


def wait_for_port(kiln, timeout=20):
    """The TCP port a Kiln started with -gdb tcp::0 reports on stderr."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        m = re.search(r"gdb: listening on tcp:127\.0\.0\.1:(\d+)", kiln.output())
        if m:
            return int(m.group(1))
        if not kiln.alive():
            break
        time.sleep(0.05)
    fail("kiln did not report its gdb port", kiln.output())


def run_gdb(script, work, timeout=90, kiln=None):
    path = os.path.join(work, "script.gdb")
    with open(path, "w") as f:
        f.write("set pagination off\nset confirm off\nset width 0\n" + script)
    try:
        r = subprocess.run([GDB, "-nx", "-batch", "-x", path], stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        def text(b):
            return (b or b"").decode(errors="replace") if isinstance(b, bytes) else str(b or "")
        # gdb's stderr holds the `monitor` replies: where a session stopped answering shows there.
        fail("gdb timed out", text(e.stdout), "gdb's stderr:\n" + text(e.stderr),
             "Kiln's output:\n" + (kiln.output() if kiln else "(not kept)"),
             "Kiln's threads:\n" + (kiln.backtraces() if kiln else "(not kept)"))
    return r.stdout + r.stderr


def expect(out, patterns, *more):
    for p in patterns:
        if not re.search(p, out, re.M):
            fail("gdb output lacks /%s/" % p, out, *more)


# A timer in gdb's own process sends it SIGINT, as a user's Ctrl-C would.
CTRL_C_AFTER_1S = """python
import os, signal, threading
threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
end
"""


def halted_spike_session(a, work, commands):
    """Kiln -S on the bare-metal program, and gdb attached through a Unix socket running `commands`."""
    sock = os.path.join(work, "gdb.sock")
    k = Kiln([a.kiln, "-M", "spike", "-kernel", a.elf, "-accel", a.accel, "-S", "-gdb", "unix:" + sock], work)
    wait_for_socket(sock, k)
    return k, run_gdb(f"file {a.elf}\ntarget remote {sock}\n" + commands, work, kiln=k)


def symbol_address(elf, name):
    """The address of `name` in the guest (riscv64-unknown-elf-nm, which the build uses too)."""
    nm = shutil.which("riscv64-unknown-elf-nm") or "nm"
    for line in subprocess.run([nm, elf], capture_output=True, text=True).stdout.splitlines():
        f = line.split()
        if len(f) == 3 and f[2] == name:
            return int(f[0], 16)
    fail("no symbol %s in %s" % (name, elf))


def source_line(a, text):
    """The line of gdb_guest.c holding `text`."""
    with open(os.path.join(a.src, "tests", "system", "gdb", "gdb_guest.c")) as f:
        for n, line in enumerate(f, 1):
            if text in line:
                return n
    fail("gdb_guest.c has no line with %r" % text)


def baremetal(a, work):
    counter = symbol_address(a.elf, "counter")
    spin_line = source_line(a, "while (spin_flag)")
    k, out = halted_spike_session(a, work, f"""info registers pc
break compute
continue
info registers a0
set $i0 = $minstret
stepi
print $minstret - $i0
set $i0 = $minstret
stepi 5
print $minstret - $i0
step
finish
finish
set $t0 = 0x1234abcd
print/x $t0
print/x $pc == $pc
print counter
watch counter
continue
print counter
delete
monitor phys-write {counter:#x} 2a00000000000000
print counter
monitor regs
set var counter = 40
x/1gx &counter
print $priv
info registers mstatus
monitor priv
monitor walk 0x80000000
monitor phys-read 0x80000000 8
monitor stats
break gdb_guest.c:{spin_line}
continue
delete
{CTRL_C_AFTER_1S}
continue
print spin_flag
set var spin_flag = 0
detach
""")
    code = k.wait(60)
    kout = k.output()
    expect(out, [r"^pc\s+0x80000000", r"Breakpoint 1, compute \(n=n@entry=10\)", r"^a0\s+0xa\s+10",
                 r"^\$1 = 1$", r"^\$2 = 5$", r"add \(a=0, b=0\)", r"Value returned is \$\d+ = 0", r"Value returned is \$\d+ = 45",
                 r"^\$\d+ = 0x1234abcd$", r"Hardware watchpoint 2: counter", r"Old value = 0\s+New value = 1",
                 r"in bump \(\)", r"^\$\d+ = 42$", r"^mepc\s+0x[0-9a-f]{16}$", r"^pmpaddr15\s+0x",
                 r"%#x <counter>:\s+0x0000000000000028" % counter, r"^\$\d+ = prv:3 \[Machine\]|^\$\d+ = 3",
                 r"^mstatus\s+0x", r"privilege: M \(machine\)", r"M-mode: no translation",
                 r"0x80000000: [0-9a-f ]{23}", r"hart 0: \d+ blocks cached", r"Program received signal SIGINT",
                 r"^\$\d+ = 1$", r"Inferior 1 \(Remote target\) detached"], kout)
    # Breakpoints and the watchpoint did not send the JIT's code back to the interpreter.
    if a.accel.startswith("jit"):
        expect(out, [r"hart 0: .* executed \([1-9]\d* as native code\)"], kout)
    if code != 0 or "compute=45 counter=41" not in kout or "done" not in kout:
        fail("kiln exited %d; expected 0 with compute=45 counter=41 and done" % code, kout, out)


def hotbreak(a, work):
    """A breakpoint inside a loop the JIT has compiled (and chained) stops on every pass."""
    k, out = halted_spike_session(a, work, """break warmed
continue
break *hot_odd
continue
print hot_iter
continue
print hot_iter
continue
print hot_iter
delete
set var spin_flag = 0
continue
""")
    code = k.wait(60)
    kout = k.output()
    expect(out, [r"Breakpoint 1, .*warmed", r"Breakpoint 2, .*hot", r"\$1 = 1$", r"\$2 = 3$", r"\$3 = 5$",
                 r"exited normally"], kout)
    if code != 0 or "done" not in kout:
        fail("kiln exited %d; expected 0" % code, kout, out)


def exit_scenario(a, work):
    # tcp::0: Kiln picks a free port and says which (no race with another test taking it).
    k = Kiln([a.kiln, "-M", "spike", "-kernel", a.elf, "-accel", a.accel, "-S", "-gdb", "tcp::0"], work)
    port = wait_for_port(k)
    out = run_gdb(f"""file {a.elf}
target remote 127.0.0.1:{port}
info threads
break add if a == 3
continue
bt
info registers a0 a1
break compute
delete 1
set var spin_flag = 0
continue
""", work)
    code = k.wait(60)
    kout = k.output()
    expect(out, [r"\* 1\s+Thread 1", r"Breakpoint 1, add \(a=3, b=3\)", r"#1 .* compute", r"#2 .* main",
                 r"^a0\s+0x3", r"exited normally"], kout)
    if code != 0 or "done" not in kout:
        fail("kiln exited %d; expected 0" % code, kout, out)


def kill_scenario(a, work):
    k, out = halted_spike_session(a, work, """break bump
continue
kill
""")
    code = k.wait(30)
    kout = k.output()
    expect(out, [r"Breakpoint 1, bump \(\)", r"\[Inferior 1 \(Remote target\) killed\]"], kout)
    if code != 0 or "compute=" in kout:
        fail("kiln exited %d after gdb's kill; expected 0, before the guest printed anything" % code, kout, out)


class Client:
    """A raw remote-protocol client."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(10)
        self.s.connect(path)
        self.buf = b""

    def send_raw(self, data):
        self.s.sendall(data)

    def send(self, payload):
        if isinstance(payload, str):
            payload = payload.encode()
        self.send_raw(b"$" + payload + b"#%02x" % (sum(payload) & 0xff))

    def read_byte(self):
        while not self.buf:
            chunk = self.s.recv(4096)
            if not chunk:
                raise EOFError
            self.buf += chunk
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def reply(self):
        """The next packet's payload (acks skipped)."""
        while True:
            c = self.read_byte()
            if c == b"$":
                break
            if c == b"-":
                return "-"
        data = b""
        while True:
            c = self.read_byte()
            if c == b"#":
                break
            data += c
        self.read_byte(), self.read_byte()
        return data.decode(errors="replace")

    def ask(self, payload):
        self.send(payload)
        return self.reply()

    def close(self):
        self.s.close()

    def minstret(self):
        return int.from_bytes(bytes.fromhex(self.ask("p%x" % (65 + 0xb02))), "little")

    def run_then_ctrl_c(self):
        """Continue for 0.3 s, then Ctrl-C: the stop reply."""
        self.send("vCont;c")
        time.sleep(0.3)
        self.send_raw(b"\x03")
        return self.reply()


def protocol(a, work):
    counter = symbol_address(a.elf, "counter")
    spin_flag = symbol_address(a.elf, "spin_flag")
    sock = os.path.join(work, "gdb.sock")
    k = Kiln([a.kiln, "-M", "spike", "-kernel", a.elf, "-accel", a.accel,
              "-chardev", "socket,path=%s,server=on,wait=off,id=g0" % sock, "-gdb", "chardev:g0"], work)
    wait_for_socket(sock, k)
    time.sleep(0.5)  # the guest runs (no -S) and reaches its spin loop
    checks = []

    def check(cond, what):
        if not cond:
            fail(what, k.output())

    c = Client(sock)
    r = c.ask("qSupported:multiprocess+;swbreak+")
    check("PacketSize=4000" in r and "qXfer:features:read+" in r, "qSupported: " + r)
    check(c.ask("?").startswith("T05thread:1;"), "stop reply on attach")
    check(c.ask("m zz,4") == "E01", "malformed m")
    check(c.ask("mffffffffffffffff0,4") == "E01", "m with a 17-digit address")
    check(c.ask("m0,4") == "E14", "m of unmapped memory")
    check(c.ask("M%x,2:zz11" % counter) == "E01", "M with bad hex")
    check(c.ask("M%x,3:1122" % counter) == "E01", "M with a length mismatch")
    check(c.ask("X%x,0:" % counter) == "OK", "X probe")
    check(c.ask("p99999") == "E01", "p of an unknown register")
    check(c.ask("P20=zz") == "E01", "P with bad hex")
    check(c.ask("G1234") == "E01", "short G")
    check(c.ask("Hg5") == "E01", "Hg of a missing thread")
    check(c.ask("Z9,0,0") == "", "unsupported Z type")
    check(c.ask("Z2,%x,3" % (counter + 1)) == "OK" and c.ask("z2,%x,3" % (counter + 1)) == "OK", "odd-sized watchpoint")
    check(c.ask("z3,%x,3" % (counter + 1)) == "E22", "removing a watchpoint that is not there")
    check(c.ask("vCont;x") == "E01", "bad vCont action")
    check(c.ask("vCont;s:7") == "E01", "vCont for a missing thread")
    check(c.ask("qFrobnicate") == "", "unknown packet")
    check(c.ask("") == "", "empty packet")
    check(c.ask("qXfer:features:read:target.xml:0,20").startswith("m<?xml"), "target.xml")
    check(c.ask("qXfer:features:read:other.xml:0,20") == "E00", "unknown annex")
    check(c.ask("qRcmd,zz") == "E01", "qRcmd with bad hex")
    r = c.ask("qRcmd," + b"frob".hex())
    check(r.startswith("O") and "unknown command" in bytes.fromhex(r[1:]).decode(), "unknown monitor command")
    check(c.reply() == "OK", "monitor ends with OK")
    # Random requests (of the kinds that leave the guest as it is): each gets a reply.
    rng = random.Random(5)
    alphabet = b"0123456789abcdefxX,:;=-}$*#\x03\xff "
    for _ in range(300):
        head = rng.choice([b"m", b"p", b"g", b"?", b"qXfer:features:read:", b"qRcmd,", b"Z1", b"z0", b"Z2,", b"z4,",
                           b"H", b"T", b"qThreadExtraInfo,", b"v", b"q", b"Q", b"qC", b"qf"])
        body = bytes(rng.choice(alphabet) for _ in range(rng.randrange(0, 40))).replace(b"#", b"").replace(b"$", b"")
        r = c.ask(head + body)
        if r.startswith("O"):  # monitor output, then the OK
            c.reply()
    check(c.ask("D") == "OK", "detach after the random requests")
    c.close()
    c = Client(sock)
    check(c.ask("?").startswith("T05"), "attach again")
    c.send_raw(b"$g#00")  # bad checksum: '-' asks for it again
    check(c.reply() == "-", "bad checksum answered with '-'")
    c.send_raw(b"$g#zz")
    check(c.reply() == "-", "non-hex checksum answered with '-'")
    check(c.ask("QStartNoAckMode") == "OK", "no-ack mode")
    c.send_raw(b"$g#00")
    check(c.reply() == "E01", "bad checksum without acks: an error")
    # Stepping through the raw protocol: exactly one instruction.
    before = c.minstret()
    check(c.ask("vCont;s:1").startswith("T05"), "step reply")
    after = c.minstret()
    check(after == before + 1, "one step retires one instruction (%d -> %d)" % (before, after))
    # Continue, then Ctrl-C: the guest ran meanwhile.
    check(c.run_then_ctrl_c().startswith("T02thread:1;"), "Ctrl-C stop reply")
    later = c.minstret()
    check(later > after + 10, "the guest ran between continue and Ctrl-C")
    # An oversize packet drops the client; the guest runs on.
    c.send_raw(b"$" + b"A" * 0x5000 + b"#00")
    try:
        while c.reply():
            pass
        check(False, "oversize packet did not drop the client")
    except (EOFError, ConnectionResetError):
        pass
    c.close()
    # A client vanishing in the middle of a packet.
    c = Client(sock)
    c.send_raw(b"+$m8000")
    time.sleep(0.2)
    c.close()
    time.sleep(0.3)
    check(k.alive(), "kiln died after a client vanished mid-packet")
    # The guest still runs: a new client sees minstret move, then lets it finish.
    c = Client(sock)
    first = c.minstret()
    check(c.run_then_ctrl_c().startswith("T02"), "Ctrl-C after reconnecting")
    second = c.minstret()
    check(second > first + 10, "the guest keeps running after bad clients")
    check(c.ask("M%x,4:00000000" % spin_flag) == "OK", "clear spin_flag")
    check(c.ask("D") == "OK", "detach")
    c.close()
    code = k.wait(30)
    if code != 0 or "done" not in k.output():
        fail("kiln exited %d; expected 0 after the guest finished" % code, k.output())


def linux_session(a, work, commands, timeout):
    """The shared Linux on -M virt -smp 2, halted, with gdb (symbols from vmlinux) running `commands`."""
    img = os.path.join(a.src, "..", "shared", "images", "riscv64")
    if not os.path.isfile(os.path.join(img, "Image")) or not os.path.isfile(os.path.join(img, "vmlinux.gz")):
        print("SKIP: %s/Image or vmlinux.gz not found (the shared Linux images are only present beside the repo in CI)" % img)
        sys.exit(77)
    vmlinux = os.path.join(a.work, "vmlinux")
    if not os.path.exists(vmlinux) or os.path.getmtime(vmlinux) < os.path.getmtime(os.path.join(img, "vmlinux.gz")):
        tmp = vmlinux + ".%d" % os.getpid()
        with gzip.open(os.path.join(img, "vmlinux.gz")) as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.replace(tmp, vmlinux)
    sock = os.path.join(work, "gdb.sock")
    k = Kiln([a.kiln, "-M", "virt", "-m", "512M", "-smp", "2", "-nographic", "-no-reboot", "-accel", a.accel,
              "-kernel", os.path.join(img, "Image"), "-initrd", os.path.join(img, "initrd.gz"),
              "-append", "console=ttyS0 panic=-1", "-S", "-gdb", "unix:" + sock], work)
    wait_for_socket(sock, k)
    return k, run_gdb(f"file {vmlinux}\ntarget remote {sock}\n" + commands, work, timeout=timeout, kiln=k)


def linux_quick(a, work):
    k, out = linux_session(a, work, """break start_kernel
continue
info registers pc sp
bt 1
info threads
eval "monitor walk 0x%lx", $pc
monitor hart 2
monitor priv
monitor hart 3
kill
""", 240)
    code = k.wait(60)
    kout = k.output()
    expect(out, [r"Breakpoint 1, 0x[0-9a-f]+ in start_kernel \(\)", r"^pc\s+0xffffffff8[0-9a-f]+\s+0x[0-9a-f]+ <start_kernel>",
                 r"#0\s+0x[0-9a-f]+ in start_kernel", r"2\s+Thread 2 \(CPU#1", r"Sv(39|48), root table",
                 r"monitor commands act on thread 2 \(CPU#1, M \(machine\)\)", r"privilege: M \(machine\)",
                 r"usage: hart \[N\]",
                 r"\[Inferior 1 \(Remote target\) killed\]"], kout)
    if code != 0:
        fail("kiln exited %d after gdb's kill; expected 0" % code, kout, out)


def linux(a, work):
    k, out = linux_session(a, work, """break start_kernel
continue
info registers pc sp ra
print $priv
bt 3
monitor priv
monitor memory physical
x/2bx 0x80200000
monitor memory virtual
break kernel_init
continue
info threads
bt 1
eval "monitor walk 0x%lx", $pc
delete
monitor stop-on-mode-switch on
continue
monitor priv
monitor stop-on-mode-switch off
continue
""", 300)
    code = k.wait(300)
    kout = k.output()
    expect(out, [r"Breakpoint 1, 0x[0-9a-f]+ in start_kernel \(\)", r"^pc\s+0xffffffff8[0-9a-f]+\s+0x[0-9a-f]+ <start_kernel>",
                 r"^sp\s+0xffffffff", r"#0\s+0x[0-9a-f]+ in start_kernel", r"privilege: S \(supervisor\)", r"0x80200000:\s+0x4d\s+0x5a",
                 r"Breakpoint 2, 0x[0-9a-f]+ in kernel_init \(\)", r"\* 1\s+Thread 1 \(CPU#0 \[S \(supervisor\)\]\)", r"2\s+Thread 2 \(CPU#1",
                 r"#0\s+0x[0-9a-f]+ in kernel_init",
                 r"Sv(39|48), root table", r"level \d: PTE at 0x[0-9a-f]+ = 0x[0-9a-f]+ VR-X",
                 r"0xffffffff8[0-9a-f]+ -> 0x8[0-9a-f]+", r"stop on mode switch: on",
                 r"received signal SIGTRAP", r"stop on mode switch: off", r"exited normally"], kout)
    for marker in ("KILN-BOOT-OK", "KILN-INIT-DONE"):
        if marker not in kout:
            fail("no %s marker" % marker, kout, out)
    if code != 0:
        fail("kiln exited %d; expected a clean power-off" % code, kout, out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", choices=["baremetal", "hotbreak", "exit", "kill", "protocol", "linux", "linux_quick"])
    ap.add_argument("--kiln", required=True)
    ap.add_argument("--accel", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    if not GDB:
        print("FAIL: gdb-multiarch not found (scripts/install-deps.sh installs it)")
        return 1
    os.makedirs(a.work, exist_ok=True)
    # Unix socket paths are short: the per-run directory lives in /tmp.
    work = tempfile.mkdtemp(prefix="kiln-gdb-")
    t0 = time.time()
    try:
        {"baremetal": baremetal, "hotbreak": hotbreak, "exit": exit_scenario, "kill": kill_scenario, "protocol": protocol,
         "linux": linux, "linux_quick": linux_quick}[a.scenario](a, work)
    finally:
        for p in STARTED:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(work, ignore_errors=True)
    print("PASS: %s under -accel %s (%.1f s)" % (a.scenario, a.accel, time.time() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
