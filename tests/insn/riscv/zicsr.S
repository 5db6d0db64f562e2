/* Zicsr + M-mode CSR essentials: the six CSR instructions (rs1 = x0 and
 * uimm = 0 forms of csrrs/csrrc do not write), misa, mhartid, mscratch,
 * mtvec, mepc (bit 0 reads 0 with C), mcause, mtval, mie/mip writable bits,
 * mstatus.MPP WARL, fcsr/frm/fflags aliasing, counters, minstret write
 * semantics, non-existent CSRs and writes to read-only CSRs (illegal). */
#include "test.h"

#define RESTORE_MSCRATCH la t0, kiln_trap_area; csrw mscratch, t0

KILN_CODE_BEGIN

    /* ---- csrrw / csrrs / csrrc / immediate forms on mscratch (no traps
     * can happen until it is restored) */
    li a1, 0x0f0f0f0f0f0f0f0f; csrw mscratch, a1
    TEST_CASE(1, a4, 0x0f0f0f0f0f0f0f0f, li a2, 0x1122334455667788; csrrw a4, mscratch, a2)
    TEST_CASE(2, a4, 0x1122334455667788, csrr a4, mscratch)
    TEST_CASE(3, a4, 0x1122334455667788, li a2, 0xff; csrrs a4, mscratch, a2)
    TEST_CASE(4, a4, 0x11223344556677ff, csrr a4, mscratch)
    TEST_CASE(5, a4, 0x11223344556677ff, li a2, 0xff00000000000000; csrrc a4, mscratch, a2)
    TEST_CASE(6, a4, 0x00223344556677ff, csrr a4, mscratch)
    TEST_CASE(7, a4, 0x00223344556677ff, csrrwi a4, mscratch, 0x15)
    TEST_CASE(8, a4, 0x15, csrr a4, mscratch)
    TEST_CASE(9, a4, 0x15, csrrsi a4, mscratch, 0x0a)
    TEST_CASE(10, a4, 0x1f, csrr a4, mscratch)
    TEST_CASE(11, a4, 0x1f, csrrci a4, mscratch, 0x11)
    TEST_CASE(12, a4, 0x0e, csrr a4, mscratch)
    /* rs1 = x0 / uimm = 0: read only */
    TEST_CASE(13, a4, 0x0e, csrrs a4, mscratch, x0; csrrc a5, mscratch, x0; \
              csrrsi a5, mscratch, 0; csrrci a5, mscratch, 0; csrr a4, mscratch)
    /* csrrw with rs1 = x0 writes zero; rd = x0 still writes */
    TEST_CASE(14, a4, 0, csrrw x0, mscratch, x0; csrr a4, mscratch)
    TEST_CASE(15, a4, 0x1234, li a2, 0x1234; csrrw x0, mscratch, a2; csrr a4, mscratch)
    /* rd == rs1: old value to rd, rs1's old value written */
    TEST_CASE(16, a4, 0x1234, li a2, 0x777; csrrw a2, mscratch, a2; mv a4, a2)
    TEST_CASE(17, a4, 0x777, csrr a4, mscratch)
    /* immediates are zero-extended 5-bit values */
    TEST_CASE(18, a4, 0x1f, csrwi mscratch, 31; csrr a4, mscratch)
    RESTORE_MSCRATCH

    /* ---- identification */
    TEST_CASE(19, a4, 2, csrr a5, misa; srli a4, a5, 62)               /* MXL=2 */
#define MISA_IMAFDC ((1 << 8) | (1 << 12) | (1 << 0) | (1 << 5) | (1 << 3) | (1 << 2))
    TEST_CASE(20, a4, MISA_IMAFDC, csrr a5, misa; li a4, MISA_IMAFDC; and a4, a4, a5)
    TEST_CASE(21, a4, 0, csrr a4, mhartid)
    TEST_CASE(22, a4, 0, csrr a4, mvendorid; csrr a4, marchid; csrr a4, mimpid; li a4, 0)

    /* ---- mtvec (direct mode), mepc, mcause, mtval */
    TEST_CASE(23, a4, 0, la a2, alt_vector; csrw mtvec, a2; csrr a4, mtvec; sub a4, a4, a2)
    la t0, kiln_trap_handler; csrw mtvec, t0
#ifndef KILN_QEMU_QUIRKS  /* QEMU 7.2 reads back mepc[0] as written */
    TEST_CASE(24, a4, 0x80001234, li a2, 0x80001235; csrw mepc, a2; csrr a4, mepc)
    TEST_CASE(25, a4, 0xfffffffffffffffe, li a2, -1; csrw mepc, a2; csrr a4, mepc)
#endif
    TEST_CASE(26, a4, 0x80000ffe, li a2, 0x80000ffe; csrw mepc, a2; csrr a4, mepc)
    TEST_CASE(27, a4, 2, csrwi mcause, 2; csrr a4, mcause)
    TEST_CASE(28, a4, 0x8000000000000007, li a2, 0x8000000000000007; csrw mcause, a2; \
              csrr a4, mcause)
    TEST_CASE(29, a4, 0x80004000, li a2, 0x80004000; csrw mtval, a2; csrr a4, mtval)
    TEST_CASE(30, a4, 0, csrw mtval, x0; csrr a4, mtval)

    /* ---- mie / mip (mstatus.MIE stays 0: nothing is taken) */
    TEST_CASE(31, a4, 0x888, li a2, -1; csrw mie, a2; csrr a5, mie; li a4, 0x888; \
              and a4, a4, a5)            /* MSIE, MTIE, MEIE writable */
    TEST_CASE(32, a4, 0x222, csrr a5, mie; li a4, 0x222; and a4, a4, a5) /* S-level */
    TEST_CASE(33, a4, 0, csrw mie, x0; csrr a4, mie)
    TEST_CASE(34, a4, 2, csrsi mip, 2; csrr a5, mip; andi a4, a5, 2)  /* SSIP */
    TEST_CASE(35, a4, 0, csrci mip, 2; csrr a5, mip; andi a4, a5, 2)

    /* ---- mstatus.MPP is WARL: the reserved value 2 does not stick */
#ifndef KILN_QEMU_QUIRKS  /* QEMU 7.2 keeps MPP = 2 */
    TEST_CASE(36, a4, 1, li a2, MSTATUS_MPP; csrc mstatus, a2; li a2, 0x1000; \
              csrs mstatus, a2; csrr a5, mstatus; srli a5, a5, 11; andi a5, a5, 3; \
              li a2, 2; sub a4, a5, a2; snez a4, a4)
#endif
    TEST_CASE(37, a4, 3, li a2, MSTATUS_MPP; csrs mstatus, a2; csrr a5, mstatus; \
              srli a4, a5, 11; andi a4, a4, 3)

    /* ---- fcsr / frm / fflags aliasing: fcsr = frm << 5 | fflags */
    TEST_CASE(38, a4, 0xff, li a2, 0xff; csrw fcsr, a2; csrr a4, fcsr)
    TEST_CASE(39, a4, 7, csrr a4, frm)
    TEST_CASE(40, a4, 0x1f, csrr a4, fflags)
    TEST_CASE(41, a4, 0x7f, csrwi frm, 3; csrr a4, fcsr)
    TEST_CASE(42, a4, 0x61, csrwi fflags, 1; csrr a4, fcsr)
    TEST_CASE(43, a4, 0xff, li a2, -1; csrw fcsr, a2; csrr a4, fcsr)    /* 31:8 zero */
    TEST_CASE(44, a4, 0x1f, li a2, -1; csrw fflags, a2; csrr a4, fflags)
    TEST_CASE(45, a4, 7, li a2, -1; csrw frm, a2; csrr a4, frm)
    TEST_CASE(46, a4, 0x1f, csrrw a4, fflags, x0)     /* read-and-clear */
    TEST_CASE(47, a4, 0xe0, csrr a4, fcsr)
    TEST_CASE(48, a4, 0x40, li a2, 2; fsrm a5, a2; frcsr a4)
    TEST_CASE(49, a4, 0x45, li a2, 5; fsflags a2; frcsr a4)
    TEST_CASE(50, a4, 0, fscsr x0; frcsr a4)

    /* ---- counters: readable and increasing */
    TEST_CASE(51, a4, 1, rdinstret a1; nop; nop; nop; rdinstret a2; sltu a4, a1, a2)
    TEST_CASE(52, a4, 1, csrr a1, minstret; nop; nop; csrr a2, minstret; sltu a4, a1, a2)
    TEST_CASE(53, a4, 1, rdcycle a1; li a3, 100; 1: addi a3, a3, -1; bnez a3, 1b; \
              rdcycle a2; sltu a4, a2, a1; xori a4, a4, 1)
    TEST_CASE(54, a4, 1, csrr a1, mcycle; li a3, 100; 1: addi a3, a3, -1; bnez a3, 1b; \
              csrr a2, mcycle; sltu a4, a2, a1; xori a4, a4, 1)
#ifndef KILN_QEMU_QUIRKS  /* QEMU 7.2 spike board: time CSR traps */
    TEST_CASE(55, a4, 1, rdtime a1; li a3, 1000; 1: addi a3, a3, -1; bnez a3, 1b; \
              rdtime a2; sltu a4, a2, a1; xori a4, a4, 1)
#endif
    /* the user counters mirror the machine counters */
    TEST_CASE(56, a4, 1, csrr a1, minstret; rdinstret a2; sltu a4, a1, a2)
    /* minstret write: "any CSR write takes effect after the writing
     * instruction has otherwise completed", so the writing instruction's own
     * retirement is not counted and the next instruction reads the value
     * written; each later instruction adds one */
#ifndef KILN_QEMU_QUIRKS
    TEST_CASE(57, a4, 0x1000, li a2, 0x1000; csrw minstret, a2; csrr a4, minstret)
    TEST_CASE(58, a4, 0x2003, li a2, 0x2000; csrw minstret, a2; nop; nop; nop; \
              csrr a4, minstret)
    TEST_CASE(59, a4, 0x3001, li a2, 0x3000; csrw minstret, a2; nop; rdinstret a4)
#endif
    /* mcycle is writable; only monotonic behaviour is architectural */
    TEST_CASE(60, a4, 1, li a2, 0x100000; csrw mcycle, a2; csrr a5, mcycle; \
              sltu a4, a5, a2; xori a4, a4, 1)

    /* ---- non-existent CSRs and writes to read-only CSRs are illegal */
    TEST_TRAP(61, CAUSE_ILLEGAL_INSN, csrr a4, 0x8ff)
    TEST_TRAP(62, CAUSE_ILLEGAL_INSN, csrw 0x8ff, a1)
    TEST_TRAP(63, CAUSE_ILLEGAL_INSN, csrr a4, 0x0ff)      /* unallocated */
    TEST_TRAP(64, CAUSE_ILLEGAL_INSN, csrr a4, 0x7ff)
    TEST_TRAP(65, CAUSE_ILLEGAL_INSN, csrw mhartid, a1)
    TEST_TRAP(66, CAUSE_ILLEGAL_INSN, csrwi mvendorid, 1)
    TEST_TRAP(67, CAUSE_ILLEGAL_INSN, csrw cycle, a1)
    TEST_TRAP(68, CAUSE_ILLEGAL_INSN, csrrwi a4, instret, 0)
#ifndef KILN_QEMU_QUIRKS  /* QEMU 7.2 looks at the value of rs1, not the field */
    TEST_TRAP(69, CAUSE_ILLEGAL_INSN, li a1, 0; csrrs a4, mhartid, a1) /* rs1 != x0 */
#endif
    TEST_TRAP(70, CAUSE_ILLEGAL_INSN, csrrci a4, mimpid, 1)
    TEST_TRAP(71, CAUSE_ILLEGAL_INSN, csrrw x0, mhartid, x0)
    /* reads of read-only CSRs with rs1 = x0 / uimm = 0 do not trap */
    TEST_CASE(72, a4, 0, csrrs a4, mhartid, x0; csrrc a5, cycle, x0; \
              csrrsi a5, instret, 0; csrrci a5, mvendorid, 0)
    /* mtval holds 0 or the faulting instruction */
    KILN_TESTNUM(73)
    la a1, 1f; lwu a5, 0(a1)
    EXPECT_TRAP_TVAL_OR_ZERO(CAUSE_ILLEGAL_INSN, a5)
1:  csrw mhartid, x0
    CHECK_TRAPPED(73)
    /* the trapping CSR instruction left rd alone */
    TEST_CASE(74, a4, 0x55, li a4, 0x55; EXPECT_TRAP(CAUSE_ILLEGAL_INSN); \
              csrrs a4, 0x8ff, x0; CHECK_TRAPPED(74))

KILN_CODE_END

    .align 2
alt_vector:
    j kiln_fail
