# gdb helper for x86 guests under Kiln (-M pc -s): disassembles in the mode
# the CPU is in. Kiln describes one register layout, i386:x86-64, in every
# mode (so one session follows a guest from the reset vector into long mode),
# but gdb cannot `set architecture i8086` or `i386` against that description:
# it rejects the description or, with it forced, misreads the 64-bit
# registers. So this script keeps gdb's architecture and switches the
# *disassembly* architecture instead: at each stop it reads CR0, EFER, EFLAGS
# and CS's hidden attributes (Kiln's org.kiln.x86.system registers) and
# decodes `x/i`, `display/i $pc` and `disassemble` as i8086, i386 or
# i386:x86-64, through the Capstone library Kiln itself uses (libcapstone4).
#
#   (gdb) source scripts/gdb/kiln-x86.py
#   (gdb) kiln-arch              # the mode and the disassembly architecture
#   (gdb) kiln-arch i8086        # force one (auto: follow the CPU again)
#   (gdb) kiln-break 0xf000:0x5e  # a breakpoint at a real-mode CS:IP (linear 0xf005e)
#
# In 16-bit code, addresses are linear (CS.base + IP, as $pc is) and branch
# targets are shown as offsets in CS, as the instruction encodes them.
import ctypes
import ctypes.util

import gdb
import gdb.disassembler

_CS_ARCH_X86 = 3
_CS_MODE = {"i8086": 1 << 1, "i386": 1 << 2, "i386:x86-64": 1 << 3}
_CS_OPT_SYNTAX, _CS_OPT_SYNTAX_INTEL, _CS_OPT_SYNTAX_ATT = 1, 1, 2


def _load_capstone():
    for name in ("libcapstone.so.4", "libcapstone.so.5", ctypes.util.find_library("capstone")):
        if not name:
            continue
        try:
            return ctypes.CDLL(name)
        except OSError:
            pass
    raise gdb.GdbError("kiln-x86: the Capstone library (libcapstone4) is not installed")


_cs = _load_capstone()
_major = ctypes.c_int()
_cs.cs_version(ctypes.byref(_major), None)


class _Insn(ctypes.Structure):
    # cs_insn: the instruction bytes field is 16 bytes in Capstone 4, 24 in 5.
    _fields_ = [("id", ctypes.c_uint), ("address", ctypes.c_uint64), ("size", ctypes.c_uint16),
                ("bytes", ctypes.c_uint8 * (24 if _major.value >= 5 else 16)), ("mnemonic", ctypes.c_char * 32),
                ("op_str", ctypes.c_char * 160), ("detail", ctypes.c_void_p)]


_cs.cs_open.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.c_size_t)]
_cs.cs_option.argtypes = [ctypes.c_size_t, ctypes.c_int, ctypes.c_size_t]
_cs.cs_disasm.argtypes = [ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint64, ctypes.c_size_t,
                          ctypes.POINTER(ctypes.POINTER(_Insn))]
_cs.cs_disasm.restype = ctypes.c_size_t
_cs.cs_free.argtypes = [ctypes.POINTER(_Insn), ctypes.c_size_t]
_handles = {}


def _handle(arch, att):
    key = (arch, att)
    if key not in _handles:
        h = ctypes.c_size_t()
        if _cs.cs_open(_CS_ARCH_X86, _CS_MODE[arch], ctypes.byref(h)) != 0:
            raise gdb.GdbError("kiln-x86: cs_open failed")
        _cs.cs_option(h.value, _CS_OPT_SYNTAX, _CS_OPT_SYNTAX_ATT if att else _CS_OPT_SYNTAX_INTEL)
        _handles[key] = h.value
    return _handles[key]


def _reg(name):
    return int(gdb.selected_frame().read_register(name)) & 0xFFFFFFFFFFFFFFFF


_forced = None  # an architecture named by `kiln-arch NAME`, or None: follow the CPU
_mode = None    # (architecture, description, CS base), computed at each stop


def cpu_mode():
    """(disassembly architecture, the mode in words, CS base) from the CPU's registers."""
    cr0, efer, eflags, cs_attr, cs_base = (_reg(r) for r in ("cr0", "efer", "eflags", "cs_attr", "cs_base"))
    if not cr0 & 1:
        return "i8086", "real mode", cs_base
    if eflags & (1 << 17):
        return "i8086", "virtual-8086 mode", cs_base
    if efer & (1 << 10) and cs_attr & (1 << 13):
        return "i386:x86-64", "long mode, 64-bit code", cs_base
    words = "long mode, compatibility code" if efer & (1 << 10) else "protected mode"
    if cs_attr & (1 << 14):
        return "i386", words + " (32-bit)", cs_base
    return "i8086", words + " (16-bit)", cs_base


def _current():
    global _mode
    if _mode is None:
        _mode = cpu_mode()
    arch, words, cs_base = _mode
    return (_forced or arch), words, cs_base


def _forget(_event=None):
    global _mode
    _mode = None


class KilnX86Disassembler(gdb.disassembler.Disassembler):
    def __init__(self):
        super().__init__("kiln-x86")

    def __call__(self, info):
        try:
            arch, _, cs_base = _current()
        except (gdb.error, RuntimeError):
            return None  # not a Kiln x86 target (or no frame): gdb's own disassembler
        code = bytes(info.read_memory(15, 0))  # raises if unreadable: gdb reports it
        att = "att" in gdb.parameter("disassembly-flavor")
        # 16-bit code: decode at the offset in CS, so branch targets read as the encoding means them.
        at = (info.address - cs_base) & 0xFFFF if arch == "i8086" else info.address
        insn = ctypes.POINTER(_Insn)()
        n = _cs.cs_disasm(_handle(arch, att), code, len(code), at, 1, ctypes.byref(insn))
        if n == 0:
            return gdb.disassembler.DisassemblerResult(1, "(bad)")
        text = insn[0].mnemonic.decode()
        if insn[0].op_str:
            text += " " + insn[0].op_str.decode()
        size = insn[0].size
        _cs.cs_free(insn, n)
        return gdb.disassembler.DisassemblerResult(size, text)


class KilnArch(gdb.Command):
    """kiln-arch [i8086|i386|i386:x86-64|auto]: show or force the disassembly architecture.
Without an argument: the CPU's mode and the architecture x/i decodes with."""

    def __init__(self):
        super().__init__("kiln-arch", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        global _forced
        arg = arg.strip()
        if arg:
            if arg != "auto" and arg not in _CS_MODE:
                raise gdb.GdbError("usage: kiln-arch [i8086|i386|i386:x86-64|auto]")
            _forced = None if arg == "auto" else arg
        _forget()
        arch, words, _ = _current()
        print("kiln-x86: %s: disassembling as %s%s" % (words, arch, " (forced)" if _forced else ""))


class KilnBreak(gdb.Command):
    """kiln-break SEG:OFF: a breakpoint at a real-mode (or virtual-8086) address, linear SEG * 16 + OFF.
Kiln's breakpoints are on linear addresses; this spells one the way real-mode code is read."""

    def __init__(self):
        super().__init__("kiln-break", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        try:
            seg, off = (int(gdb.parse_and_eval(p.strip())) for p in arg.split(":"))
        except (ValueError, gdb.error):
            raise gdb.GdbError("usage: kiln-break SEG:OFF   (e.g. kiln-break 0xf000:0xfff0)")
        if not 0 <= seg <= 0xFFFF or not 0 <= off <= 0xFFFF:
            raise gdb.GdbError("kiln-break: SEG and OFF are 16-bit values")
        gdb.execute("break *%#x" % (seg * 16 + off), from_tty)


gdb.disassembler.register_disassembler(KilnX86Disassembler(), "i386:x86-64")
gdb.events.stop.connect(_forget)
gdb.events.register_changed.connect(_forget)
KilnArch()
KilnBreak()
