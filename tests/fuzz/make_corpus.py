#!/usr/bin/env python3
"""Regenerates the seed corpora in tests/fuzz/corpus/ (committed; run this only
to change them). Seeds are real inputs, kept small: ELFs and code from the demo
program, device trees the virt board generates, gdb sessions as gdb sends them,
virtio-blk requests as Linux builds them. Needs a normal build (for `kiln` and
roms/demo.elf): tests/fuzz/make_corpus.py [BUILD_DIR]  (default: build)."""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")
RAM = 0x80000000


def save(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def elf_sections(path):
    """(name, addr, bytes) of every section with contents, and {symbol: value}."""
    data = open(path, "rb").read()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    shdrs = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    names = shdrs[shstrndx]
    name = lambda off: data[names[4] + off:data.index(b"\0", names[4] + off)].decode()
    sections, symbols = [], {}
    for sh in shdrs:
        if sh[1] == 1:  # PROGBITS
            sections.append((name(sh[0]), sh[3], data[sh[4]:sh[4] + sh[5]]))
        if sh[1] == 2:  # SYMTAB
            strtab = shdrs[sh[6]]
            for off in range(sh[4], sh[4] + sh[5], 24):
                st_name, _, _, _, value, _ = struct.unpack_from("<IBBHQQ", data, off)
                if st_name:
                    end = data.index(b"\0", strtab[4] + st_name)
                    symbols[data[strtab[4] + st_name:end].decode()] = value
    return sections, symbols


def make_elf(segments, symbols=None, machine=243, entry=RAM, ident_class=2):
    """A little-endian ELF64: PT_LOAD per (addr, bytes, memsz), then .symtab/.strtab."""
    symbols = symbols or {}
    phoff = 64
    data_off = phoff + 56 * len(segments)
    body = b""
    phdrs = b""
    for addr, payload, memsz in segments:
        phdrs += struct.pack("<IIQQQQQQ", 1, 7, data_off + len(body), addr, addr, len(payload), memsz, 4)
        body += payload
    strtab = b"\0"
    syms = b"\0" * 24
    for n, v in symbols.items():
        syms += struct.pack("<IBBHQQ", len(strtab), 0x10, 0, 1, v, 8)
        strtab += n.encode() + b"\0"
    sym_off = data_off + len(body)
    str_off = sym_off + len(syms)
    sh_off = str_off + len(strtab)
    shdrs = b"\0" * 64
    shdrs += struct.pack("<IIQQQQIIQQ", 0, 2, 0, 0, sym_off, len(syms), 2, 1, 8, 24)
    shdrs += struct.pack("<IIQQQQIIQQ", 0, 3, 0, 0, str_off, len(strtab), 0, 0, 1, 0)
    ident = b"\x7fELF" + bytes([ident_class, 1, 1]) + b"\0" * 9
    hdr = ident + struct.pack("<HHIQQQIHHHHHH", 2, machine, 1, entry, phoff, sh_off, 0, 64, 56,
                              len(segments), 64, 3, 0)
    return hdr + phdrs + body + syms + strtab + shdrs


def elf_corpus(demo):
    sections, symbols = elf_sections(demo)
    text = next(s for s in sections if s[0] == ".text")
    rodata = next(s for s in sections if s[0] == ".rodata")
    htif = {k: symbols[k] for k in ("tohost", "fromhost")}
    save("elf", "demo", make_elf([(text[1], text[2], len(text[2])), (symbols["tohost"], b"\0" * 16, 0x1000),
                                  (rodata[1], rodata[2], len(rodata[2]))], htif))
    save("elf", "demo-text-only", make_elf([(text[1], text[2][:512], len(text[2]))], htif))
    save("elf", "bss-only", make_elf([(RAM, b"\x6f\x00\x00\x00", 0x10000)], htif))
    save("elf", "no-symbols", make_elf([(RAM, b"\x6f\x00\x00\x00", 4)]))
    save("elf", "x86-64", make_elf([(0x100000, b"\xeb\xfe", 2)], machine=62, entry=0x100000))
    save("elf", "elf32", make_elf([(RAM, b"\x6f\x00\x00\x00", 4)], ident_class=1))
    save("elf", "outside-ram", make_elf([(0x1000, b"\x6f\x00\x00\x00", 4)], htif))
    save("elf", "truncated", make_elf([(RAM, b"\x6f\x00\x00\x00" * 8, 32)], htif)[:100])
    return text[2]


def image(text_offset, image_size, payload, new_magic=True):
    hdr = struct.pack("<IIQQQIIQQ", 0x0000006f, 0, text_offset, image_size, 0, 2, 0, 0, 0)
    hdr += b"RISCV\0\0\0" + (b"RSC\x05" if new_magic else b"\0\0\0\0") + b"\0\0\0\0"
    return hdr + payload


def image_corpus(text):
    save("riscv_image", "linux-like", image(0x200000, 0x1000, text[:256]))
    save("riscv_image", "text-offset-0", image(0, 0x400, text[:64]))
    save("riscv_image", "old-header", image(0x200000, 0, text[:128], new_magic=False))
    save("riscv_image", "size-below-file", image(0x200000, 16, text[:128]))
    save("riscv_image", "unaligned-offset", image(0x200010, 0x1000, text[:64]))
    save("riscv_image", "too-big", image(0x200000, 0x4000000, text[:64]))
    save("riscv_image", "raw", text[:256])


def dtb_corpus(kiln):
    variants = {
        "default": [],
        "smp4-512M": ["-smp", "4", "-m", "512M"],
        "append": ["-append", "console=ttyS0 root=/dev/vda rw"],
        "rng-serial": ["-device", "virtio-rng-device", "-device", "virtio-serial-device"],
        "small-ram": ["-m", "16M"],
    }
    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "disk.img")
        with open(disk, "wb") as f:
            f.truncate(1 << 20)
        variants["drive"] = ["-drive", f"file={disk},format=raw,if=virtio"]
        for name, args in variants.items():
            out = os.path.join(tmp, name + ".dtb")
            subprocess.run([kiln, "-M", f"virt,dumpdtb={out}"] + args, check=True)
            save("device_tree", name, open(out, "rb").read())
    save("device_tree", "header-only", open(os.path.join(CORPUS, "device_tree", "default"), "rb").read()[:40])


def cli_corpus():
    lines = {
        "spike-kernel": "-M spike -kernel prog.elf",
        "spike-bios-none": "-M spike -bios none -kernel prog.elf --stats",
        "log": "-M spike -kernel prog.elf -d in_asm,op,int -D trace.log",
        "linux": "-M virt -m 512M -nographic -kernel Image -initrd initrd.gz -append console=ttyS0",
        "drive": "-M virt -smp 2 -m 512M -kernel Image -drive file=disk.img,format=raw,if=virtio,snapshot=on",
        "gdb": "-M virt -m 512M -kernel Image -s -S",
        "gdb-chardev": "-chardev socket,id=g,path=/tmp/g.sock,server=on,wait=off -gdb chardev:g -S",
        "gdb-unix": "-gdb unix:/tmp/kiln.sock -M spike -kernel a.elf",
        "accel": "-accel jit,threshold=1,straight=1,optimize=1,sync=on -M spike -kernel a.elf",
        "interp": "-accel interp -no-reboot -M virt -bios none -kernel a.bin",
        "devices": "-M virt -device virtio-rng-device -device virtio-serial-device -serial stdio",
        "dumpdtb": "-M virt,dumpdtb=out.dtb -dtb in.dtb",
        "harness": "-nodefaults -nographic -serial mon:stdio -machine virt -accel tcg -cpu rv64 -smp 2 "
                   "-bios F -kernel T.flat -append a",
        "help": "--help",
        "version": "--version",
        "smp-topology": "-smp cpus=2,sockets=1,cores=2,threads=1,maxcpus=2 -M virt",
    }
    for name, line in lines.items():
        save("cli", name, line.replace(" ", "\0").encode())


def frame(payload):
    esc = b""
    for c in payload:
        esc += bytes([0x7d, c ^ 0x20]) if c in b"#$}*" else bytes([c])
    return b"$" + esc + b"#%02x" % (sum(esc) & 0xff)


def session(*packets, acks=True):
    out = b""
    for p in packets:
        out += (frame(p) if isinstance(p, bytes) else p) + (b"+" if acks else b"")
    return out


def gdb_corpus():
    hexs = lambda s: s.encode().hex().encode()
    start = [b"qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;xmlRegisters=i386", b"vCont?",
             b"qXfer:features:read:target.xml:0,ffb", b"?", b"qfThreadInfo", b"qsThreadInfo", b"Hg1", b"g"]
    stub = {
        "attach": session(*start, b"qAttached", b"qC", b"p20", b"m80000000,40", b"D"),
        "no-ack": session(b"QStartNoAckMode", acks=True) + session(*start, b"k", acks=False),
        "breakpoint": session(*start, b"Z0,80000010,4", b"c", b"z0,80000010,4", b"s", b"vCont;s:1", b"vKill;1"),
        "watch": session(*start, b"Z2,80002000,8", b"Z3,80002000,4", b"Z4,80002010,1", b"vCont;c",
                         b"z2,80002000,8", b"k"),
        "memory": session(b"M80003000,4:13000000", b"X80003004,4:" + bytes([0x13, 0x7d, 0, 0]), b"m80003000,8",
                          b"m0,10", b"Pa=0100000000000000", b"G" + b"00" * 8 * 33, b"k"),
        "monitor": session(*[b"qRcmd," + hexs(c) for c in (
            "help", "stats", "hart 1", "memory physical", "phys-read 0x80000000 32",
            "phys-write 0x80003000 13000000", "step-interrupts on", "stop-on-mode-switch on", "csr mstatus",
            "memory virtual")], b"k"),
        "threads": session(b"T1", b"T2", b"Hc-1", b"qThreadExtraInfo,1", b"vCont;c:1;s:1", b"k"),
        "hart2": session(b"Hg2", b"g", b"p20", b"m80000000,8", b"vCont;s:2", b"qThreadExtraInfo,2",
                         b"qRcmd," + hexs("hart 2"), b"s", b"k"),
        "noise": b"+-\x03garbage$bad#00" + session(b"?", b"m80000000,4") + b"\x03" + frame(b"k"),
    }
    for name, data in stub.items():
        save("gdb_stub", name, data)
        save("gdb_packet", name, data)
    save("gdb_packet", "endpoint-tcp", b"tcp:127.0.0.1:1234")
    save("gdb_packet", "endpoint-unix", b"unix:/tmp/kiln-gdb.sock,server,nowait")


def blk_ram(requests, queue_size=8):
    """Guest RAM for tests/fuzz/virtio_blk.cpp: descriptors at 0, available ring
    at 0x100, used ring at 0x140; request headers from 0x200, status bytes from
    0x300, data from 0x400. `requests`: (type, sector, [(len, device_writes)])."""
    ram = bytearray(0x400)
    desc, data_at, ring = 0, 0x400, []
    for i, (rtype, sector, bufs) in enumerate(requests):
        chain = [(RAM + 0x200 + 16 * i, 16, False)]
        for n, w in bufs:
            chain.append((RAM + data_at, n, w))
            data_at += n
        chain.append((RAM + 0x300 + i, 1, True))
        struct.pack_into("<IIQ", ram, 0x200 + 16 * i, rtype, 0, sector)
        ring.append(desc)
        for j, (addr, n, w) in enumerate(chain):
            flags = (2 if w else 0) | (1 if j + 1 < len(chain) else 0)
            struct.pack_into("<QIHH", ram, 16 * desc, addr, n, flags, desc + 1)
            desc += 1
    struct.pack_into("<HH", ram, 0x100, 0, len(ring))
    for k, head in enumerate(ring):
        struct.pack_into("<H", ram, 0x104 + 2 * k, head)
    ram += bytes((i * 13) & 0xff for i in range(data_at - 0x400))
    return bytes(ram)


def blk_corpus():
    opts = lambda mode, qsize_log2, flush=True: bytes([mode | (qsize_log2 - 1) << 2 | (0x30 if flush else 0)])
    seeds = {
        "read": (0, [(0, 2, [(512, True)])]),
        "write": (0, [(1, 5, [(1024, False)])]),
        "write-snapshot": (1, [(1, 63, [(512, False)]), (0, 63, [(512, True)])]),
        "write-readonly": (2, [(1, 0, [(512, False)])]),
        "flush-getid": (0, [(4, 0, []), (8, 0, [(20, True)])]),
        "scatter": (0, [(0, 1, [(256, True), (256, True), (512, True)])]),
        "past-end": (0, [(0, 64, [(512, True)])]),
        "odd-length": (0, [(0, 0, [(100, True)])]),
        "unsupported": (0, [(99, 0, [(512, True)])]),
    }
    for name, (mode, reqs) in seeds.items():
        size_log2 = 3 if sum(len(r[2]) + 2 for r in reqs) <= 8 else 4
        save("virtio_blk", name, opts(mode, size_log2) + blk_ram(reqs))


def translate_corpus(text):
    # opts: bits 0-1 privilege (U, S, M), 2 FPU on, 3 MPRV (MPP from bits 4-5), 6 run the block, 7 Sv39.
    for i, off in enumerate(range(0, min(len(text), 0xc00), 0x100)):
        opts = [0x46, 0x47, 0x44, 0xc5, 0x4e, 0x06, 0xc4, 0x5e][i % 8]
        save("riscv_translate", f"demo-{off:04x}", bytes([opts]) + text[off:off + 0x100])
    asm = {
        "csr": "f1402573 30002573 34102573 30529073 10551073 c0102573 00000073 30200073",
        "amo": "0405252f 0805352f 1005252f 1805352f 6005352f e005352f 00000013",
        "fp": "00053007 02b57053 0ab57053 5a057053 e2050553 d2257053 f2050053 00000013",
        "system": "10500073 10200073 12000073 0000100f 0ff0000f 00100073 00000013",
        "compressed": "4501 4585 952e 8082 c10c 4108 0001 a001",
    }
    for name, words in asm.items():
        code = b"".join(bytes.fromhex(w)[::-1] for w in words.split())
        for priv in (0x43, 0x41, 0x40):
            save("riscv_translate", f"{name}-{priv:02x}", bytes([priv | 4]) + code)


def main():
    kiln = os.path.join(BUILD, "kiln")
    demo = os.path.join(BUILD, "roms", "demo.elf")
    for path in (kiln, demo):
        if not os.path.exists(path):
            sys.exit(f"make_corpus: {path} is missing: build first (scripts/build.sh {BUILD})")
    shutil.rmtree(CORPUS, ignore_errors=True)
    text = elf_corpus(demo)
    image_corpus(text)
    dtb_corpus(kiln)
    cli_corpus()
    gdb_corpus()
    blk_corpus()
    translate_corpus(text)


main()
