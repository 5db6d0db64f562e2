/* RV64F arithmetic: fadd/fsub/fmul/fdiv/fsqrt under every static rounding
 * mode (RNE/RTZ/RDN/RUP here, RMM below) and the dynamic mode from frm,
 * fflags after every operation (read-and-clear), canonical NaN results,
 * signed zeros, overflow (inf or max-finite by rounding mode), underflow
 * (UF only when tiny after rounding and inexact), DZ, NV; fmin/fmax.
 * Expected values were computed independently on the host (IEEE 754 with
 * tininess after rounding) and by hand for RMM. */
#include "test.h"

#define ONE   0x3f800000
#define TWO   0x40000000
#define THREE 0x40400000
#define M1    0xbf800000
#define TINY  0x33800000   /* 2^-24: half an ulp of 1.0 */
#define TINY15 0x33c00000  /* 1.5 * 2^-24 */
#define MTINY 0xb3800000
#define INF   0x7f800000
#define MINF  0xff800000
#define SNAN  0x7f800001
#define PNAN  0x7fc12345
#define MAXF  0x7f7fffff
#define MINN  0x00800000
#define MINS  0x00000001
#define MAXS  0x007fffff

KILN_CODE_BEGIN

    /* ---- fadd: exact, ties and non-ties under every static mode */
    TEST_FP_OP2_S(1, fadd.s, 0x40400000, 0, 0x3f800000, 0x40000000, rne)
    TEST_FP_OP2_S(2, fadd.s, 0x3f800000, FF_NX, 0x3f800000, 0x33800000, rne)
    TEST_FP_OP2_S(3, fadd.s, 0x3f800000, FF_NX, 0x3f800000, 0x33800000, rtz)
    TEST_FP_OP2_S(4, fadd.s, 0x3f800000, FF_NX, 0x3f800000, 0x33800000, rdn)
    TEST_FP_OP2_S(5, fadd.s, 0x3f800001, FF_NX, 0x3f800000, 0x33800000, rup)
    TEST_FP_OP2_S(6, fadd.s, 0x3f800001, FF_NX, 0x3f800000, 0x33c00000, rne)
    TEST_FP_OP2_S(7, fadd.s, 0x3f800000, FF_NX, 0x3f800000, 0x33c00000, rtz)
    TEST_FP_OP2_S(8, fadd.s, 0x3f800000, FF_NX, 0x3f800000, 0x33c00000, rdn)
    TEST_FP_OP2_S(9, fadd.s, 0x3f800001, FF_NX, 0x3f800000, 0x33c00000, rup)
    TEST_FP_OP2_S(10, fadd.s, 0xbf800000, FF_NX, 0xbf800000, 0xb3800000, rne)
    TEST_FP_OP2_S(11, fadd.s, 0xbf800000, FF_NX, 0xbf800000, 0xb3800000, rtz)
    TEST_FP_OP2_S(12, fadd.s, 0xbf800001, FF_NX, 0xbf800000, 0xb3800000, rdn)
    TEST_FP_OP2_S(13, fadd.s, 0xbf800000, FF_NX, 0xbf800000, 0xb3800000, rup)
    TEST_FP_OP2_S(14, fadd.s, 0x00000000, 0, 0x3f800000, 0xbf800000, rne)
    TEST_FP_OP2_S(15, fadd.s, 0x00000000, 0, 0x3f800000, 0xbf800000, rtz)
    TEST_FP_OP2_S(16, fadd.s, 0x80000000, 0, 0x3f800000, 0xbf800000, rdn)
    TEST_FP_OP2_S(17, fadd.s, 0x00000000, 0, 0x3f800000, 0xbf800000, rup)
    TEST_FP_OP2_S(18, fadd.s, 0x80000000, 0, 0x80000000, 0x80000000, rne)
    TEST_FP_OP2_S(19, fadd.s, 0x7f800000, FF_OF|FF_NX, 0x7f7fffff, 0x7f7fffff, rne)
    TEST_FP_OP2_S(20, fadd.s, 0x7f7fffff, FF_OF|FF_NX, 0x7f7fffff, 0x7f7fffff, rtz)
    TEST_FP_OP2_S(21, fadd.s, 0x7f7fffff, FF_OF|FF_NX, 0x7f7fffff, 0x7f7fffff, rdn)
    TEST_FP_OP2_S(22, fadd.s, 0x7f800000, FF_OF|FF_NX, 0x7f7fffff, 0x7f7fffff, rup)
    TEST_FP_OP2_S(23, fadd.s, 0xff800000, FF_OF|FF_NX, 0xff7fffff, 0xff7fffff, rne)
    TEST_FP_OP2_S(24, fadd.s, 0xff7fffff, FF_OF|FF_NX, 0xff7fffff, 0xff7fffff, rtz)
    TEST_FP_OP2_S(25, fadd.s, 0xff800000, FF_OF|FF_NX, 0xff7fffff, 0xff7fffff, rdn)
    TEST_FP_OP2_S(26, fadd.s, 0xff7fffff, FF_OF|FF_NX, 0xff7fffff, 0xff7fffff, rup)
    TEST_FP_OP2_S(27, fadd.s, 0x7f800000, 0, 0x7f800000, 0x3f800000, rne)
    TEST_FP_OP2_S(28, fadd.s, 0x7fc00000, FF_NV, 0x7f800000, 0xff800000, rne)
    TEST_FP_OP2_S(29, fadd.s, 0x7fc00000, 0, 0x7fc00000, 0x3f800000, rne)
    TEST_FP_OP2_S(30, fadd.s, 0x7fc00000, 0, 0x7fc12345, 0x3f800000, rne)
    TEST_FP_OP2_S(31, fadd.s, 0x7fc00000, FF_NV, 0x3f800000, 0x7f800001, rne)
    TEST_FP_OP2_S(32, fadd.s, 0x00000002, 0, 0x00000001, 0x00000001, rne)
    TEST_FP_OP2_S(33, fadd.s, 0x00800000, 0, 0x007fffff, 0x00000001, rne)
    /* ---- fsub */
    TEST_FP_OP2_S(34, fsub.s, 0x40000000, 0, 0x40400000, 0x3f800000, rne)
    TEST_FP_OP2_S(35, fsub.s, 0x00000000, 0, 0x3f800000, 0x3f800000, rne)
    TEST_FP_OP2_S(36, fsub.s, 0x00000000, 0, 0x3f800000, 0x3f800000, rtz)
    TEST_FP_OP2_S(37, fsub.s, 0x80000000, 0, 0x3f800000, 0x3f800000, rdn)
    TEST_FP_OP2_S(38, fsub.s, 0x00000000, 0, 0x3f800000, 0x3f800000, rup)
    TEST_FP_OP2_S(39, fsub.s, 0x3f7fffff, 0, 0x3f800000, 0x33800000, rne)
    TEST_FP_OP2_S(40, fsub.s, 0x3f7fffff, 0, 0x3f800000, 0x33800000, rtz)
    TEST_FP_OP2_S(41, fsub.s, 0x3f7fffff, 0, 0x3f800000, 0x33800000, rdn)
    TEST_FP_OP2_S(42, fsub.s, 0x3f7fffff, 0, 0x3f800000, 0x33800000, rup)
    TEST_FP_OP2_S(43, fsub.s, 0x7fc00000, FF_NV, 0x7f800000, 0x7f800000, rne)
    TEST_FP_OP2_S(44, fsub.s, 0x007fffff, 0, 0x00800000, 0x00000001, rne)
    TEST_FP_OP2_S(45, fsub.s, 0xff800000, FF_OF|FF_NX, 0xff7fffff, 0x7f7fffff, rne)
    TEST_FP_OP2_S(46, fsub.s, 0xff7fffff, FF_OF|FF_NX, 0xff7fffff, 0x7f7fffff, rtz)
    TEST_FP_OP2_S(47, fsub.s, 0xff800000, FF_OF|FF_NX, 0xff7fffff, 0x7f7fffff, rdn)
    TEST_FP_OP2_S(48, fsub.s, 0xff7fffff, FF_OF|FF_NX, 0xff7fffff, 0x7f7fffff, rup)
    TEST_FP_OP2_S(49, fsub.s, 0x7fc00000, FF_NV, 0x7f800001, 0x7fc00000, rne)
    /* ---- fmul */
    TEST_FP_OP2_S(50, fmul.s, 0x40c00000, 0, 0x40000000, 0x40400000, rne)
    TEST_FP_OP2_S(51, fmul.s, 0x7f800000, FF_OF|FF_NX, 0x7f7fffff, 0x40000000, rne)
    TEST_FP_OP2_S(52, fmul.s, 0x7f7fffff, FF_OF|FF_NX, 0x7f7fffff, 0x40000000, rtz)
    TEST_FP_OP2_S(53, fmul.s, 0x7f7fffff, FF_OF|FF_NX, 0x7f7fffff, 0x40000000, rdn)
    TEST_FP_OP2_S(54, fmul.s, 0x7f800000, FF_OF|FF_NX, 0x7f7fffff, 0x40000000, rup)
    TEST_FP_OP2_S(55, fmul.s, 0xff800000, FF_OF|FF_NX, 0xff7fffff, 0x40000000, rne)
    TEST_FP_OP2_S(56, fmul.s, 0xff7fffff, FF_OF|FF_NX, 0xff7fffff, 0x40000000, rtz)
    TEST_FP_OP2_S(57, fmul.s, 0xff800000, FF_OF|FF_NX, 0xff7fffff, 0x40000000, rdn)
    TEST_FP_OP2_S(58, fmul.s, 0xff7fffff, FF_OF|FF_NX, 0xff7fffff, 0x40000000, rup)
    TEST_FP_OP2_S(59, fmul.s, 0x00400000, 0, 0x00800000, 0x3f000000, rne)
    TEST_FP_OP2_S(60, fmul.s, 0x00400002, FF_UF|FF_NX, 0x00800003, 0x3f000000, rne)
    TEST_FP_OP2_S(61, fmul.s, 0x00400001, FF_UF|FF_NX, 0x00800003, 0x3f000000, rtz)
    TEST_FP_OP2_S(62, fmul.s, 0x00400001, FF_UF|FF_NX, 0x00800003, 0x3f000000, rdn)
    TEST_FP_OP2_S(63, fmul.s, 0x00400002, FF_UF|FF_NX, 0x00800003, 0x3f000000, rup)
    TEST_FP_OP2_S(64, fmul.s, 0x00800000, FF_NX, 0x00800001, 0x3f7fffff, rne)
    TEST_FP_OP2_S(65, fmul.s, 0x00800000, FF_NX, 0x00800001, 0x3f7fffff, rtz)
    TEST_FP_OP2_S(66, fmul.s, 0x00800000, FF_NX, 0x00800001, 0x3f7fffff, rdn)
    TEST_FP_OP2_S(67, fmul.s, 0x00800001, FF_NX, 0x00800001, 0x3f7fffff, rup)
    TEST_FP_OP2_S(68, fmul.s, 0x00000000, FF_UF|FF_NX, 0x00000001, 0x3f000000, rne)
    TEST_FP_OP2_S(69, fmul.s, 0x00000000, FF_UF|FF_NX, 0x00000001, 0x3f000000, rtz)
    TEST_FP_OP2_S(70, fmul.s, 0x00000000, FF_UF|FF_NX, 0x00000001, 0x3f000000, rdn)
    TEST_FP_OP2_S(71, fmul.s, 0x00000001, FF_UF|FF_NX, 0x00000001, 0x3f000000, rup)
    TEST_FP_OP2_S(72, fmul.s, 0x7fc00000, FF_NV, 0x00000000, 0x7f800000, rne)
    TEST_FP_OP2_S(73, fmul.s, 0x80000000, 0, 0x80000000, 0x40400000, rne)
    TEST_FP_OP2_S(74, fmul.s, 0x7f800000, 0, 0xff800000, 0xbf800000, rne)
    TEST_FP_OP2_S(75, fmul.s, 0x7fc00000, 0, 0x7fc00000, 0x00000000, rne)
    TEST_FP_OP2_S(76, fmul.s, 0x7fc00000, FF_NV, 0x7f800001, 0x3f800000, rne)
    /* ---- fdiv */
    TEST_FP_OP2_S(77, fdiv.s, 0x3eaaaaab, FF_NX, 0x3f800000, 0x40400000, rne)
    TEST_FP_OP2_S(78, fdiv.s, 0x3eaaaaaa, FF_NX, 0x3f800000, 0x40400000, rtz)
    TEST_FP_OP2_S(79, fdiv.s, 0x3eaaaaaa, FF_NX, 0x3f800000, 0x40400000, rdn)
    TEST_FP_OP2_S(80, fdiv.s, 0x3eaaaaab, FF_NX, 0x3f800000, 0x40400000, rup)
    TEST_FP_OP2_S(81, fdiv.s, 0xbeaaaaab, FF_NX, 0xbf800000, 0x40400000, rne)
    TEST_FP_OP2_S(82, fdiv.s, 0xbeaaaaaa, FF_NX, 0xbf800000, 0x40400000, rtz)
    TEST_FP_OP2_S(83, fdiv.s, 0xbeaaaaab, FF_NX, 0xbf800000, 0x40400000, rdn)
    TEST_FP_OP2_S(84, fdiv.s, 0xbeaaaaaa, FF_NX, 0xbf800000, 0x40400000, rup)
    TEST_FP_OP2_S(85, fdiv.s, 0x40600000, 0, 0x40e00000, 0x40000000, rne)
    TEST_FP_OP2_S(86, fdiv.s, 0x7f800000, FF_DZ, 0x3f800000, 0x00000000, rne)
    TEST_FP_OP2_S(87, fdiv.s, 0xff800000, FF_DZ, 0xbf800000, 0x00000000, rne)
    TEST_FP_OP2_S(88, fdiv.s, 0xff800000, FF_DZ, 0x3f800000, 0x80000000, rne)
    TEST_FP_OP2_S(89, fdiv.s, 0x7fc00000, FF_NV, 0x00000000, 0x00000000, rne)
    TEST_FP_OP2_S(90, fdiv.s, 0x7fc00000, FF_NV, 0x7f800000, 0x7f800000, rne)
    TEST_FP_OP2_S(91, fdiv.s, 0x7f800000, 0, 0x7f800000, 0x00000000, rne)
    TEST_FP_OP2_S(92, fdiv.s, 0x00000000, 0, 0x3f800000, 0x7f800000, rne)
    TEST_FP_OP2_S(93, fdiv.s, 0x7f800000, FF_OF|FF_NX, 0x7f7fffff, 0x3f000000, rne)
    TEST_FP_OP2_S(94, fdiv.s, 0x7f7fffff, FF_OF|FF_NX, 0x7f7fffff, 0x3f000000, rtz)
    TEST_FP_OP2_S(95, fdiv.s, 0x7f7fffff, FF_OF|FF_NX, 0x7f7fffff, 0x3f000000, rdn)
    TEST_FP_OP2_S(96, fdiv.s, 0x7f800000, FF_OF|FF_NX, 0x7f7fffff, 0x3f000000, rup)
    TEST_FP_OP2_S(97, fdiv.s, 0x002aaaab, FF_UF|FF_NX, 0x00800000, 0x40400000, rne)
    TEST_FP_OP2_S(98, fdiv.s, 0x002aaaaa, FF_UF|FF_NX, 0x00800000, 0x40400000, rtz)
    TEST_FP_OP2_S(99, fdiv.s, 0x002aaaaa, FF_UF|FF_NX, 0x00800000, 0x40400000, rdn)
    TEST_FP_OP2_S(100, fdiv.s, 0x002aaaab, FF_UF|FF_NX, 0x00800000, 0x40400000, rup)
    TEST_FP_OP2_S(101, fdiv.s, 0x7fc00000, 0, 0x7fc00000, 0x00000000, rne)
    TEST_FP_OP2_S(102, fdiv.s, 0x7fc00000, FF_NV, 0x7f800001, 0x3f800000, rne)
    /* ---- fsqrt */
    TEST_FP_OP1_S(103, fsqrt.s, 0x40000000, 0, 0x40800000, rne)
    TEST_FP_OP1_S(104, fsqrt.s, 0x3fb504f3, FF_NX, 0x40000000, rne)
    TEST_FP_OP1_S(105, fsqrt.s, 0x3fb504f3, FF_NX, 0x40000000, rtz)
    TEST_FP_OP1_S(106, fsqrt.s, 0x3fb504f3, FF_NX, 0x40000000, rdn)
    TEST_FP_OP1_S(107, fsqrt.s, 0x3fb504f4, FF_NX, 0x40000000, rup)
    TEST_FP_OP1_S(108, fsqrt.s, 0x3fddb3d7, FF_NX, 0x40400000, rne)
    TEST_FP_OP1_S(109, fsqrt.s, 0x3fddb3d7, FF_NX, 0x40400000, rtz)
    TEST_FP_OP1_S(110, fsqrt.s, 0x3fddb3d7, FF_NX, 0x40400000, rdn)
    TEST_FP_OP1_S(111, fsqrt.s, 0x3fddb3d8, FF_NX, 0x40400000, rup)
    TEST_FP_OP1_S(112, fsqrt.s, 0x7fc00000, FF_NV, 0xbf800000, rne)
    TEST_FP_OP1_S(113, fsqrt.s, 0x7fc00000, FF_NV, 0xff800000, rne)
    TEST_FP_OP1_S(114, fsqrt.s, 0x80000000, 0, 0x80000000, rne)
    TEST_FP_OP1_S(115, fsqrt.s, 0x00000000, 0, 0x00000000, rne)
    TEST_FP_OP1_S(116, fsqrt.s, 0x7f800000, 0, 0x7f800000, rne)
    TEST_FP_OP1_S(117, fsqrt.s, 0x7fc00000, 0, 0x7fc00000, rne)
    TEST_FP_OP1_S(118, fsqrt.s, 0x7fc00000, FF_NV, 0x7f800001, rne)
    TEST_FP_OP1_S(119, fsqrt.s, 0x1a3504f3, FF_NX, 0x00000001, rne)
    TEST_FP_OP1_S(120, fsqrt.s, 0x1fffffff, FF_NX, 0x007fffff, rne)
    TEST_FP_OP1_S(121, fsqrt.s, 0x1ffffffe, FF_NX, 0x007fffff, rtz)
    TEST_FP_OP1_S(122, fsqrt.s, 0x1ffffffe, FF_NX, 0x007fffff, rdn)
    TEST_FP_OP1_S(123, fsqrt.s, 0x1fffffff, FF_NX, 0x007fffff, rup)
    /* ---- fadd: exact, ties and non-ties under every static mode */

    /* ---- RMM (round to nearest, ties away from zero) */
    TEST_FP_OP2_S(124, fadd.s, 0x3f800001, FF_NX, ONE, TINY, rmm)
    TEST_FP_OP2_S(125, fadd.s, 0x3f800001, FF_NX, ONE, TINY15, rmm)
    TEST_FP_OP2_S(126, fadd.s, 0xbf800001, FF_NX, M1, MTINY, rmm)
    TEST_FP_OP2_S(127, fadd.s, INF, FF_OF|FF_NX, MAXF, MAXF, rmm)
    TEST_FP_OP2_S(128, fsub.s, 0x00000000, 0, ONE, ONE, rmm)
    TEST_FP_OP2_S(129, fdiv.s, 0x3eaaaaab, FF_NX, ONE, THREE, rmm)
    TEST_FP_OP2_S(130, fmul.s, 0x00400002, FF_UF|FF_NX, 0x00800003, 0x3f000000, rmm)
    TEST_FP_OP1_S(131, fsqrt.s, 0x3fb504f3, FF_NX, TWO, rmm)
    /* 0x00800005 * 0.5 = 0x00400002.8 (ulps): tie, RNE -> even, RMM -> away */
    TEST_FP_OP2_S(132, fmul.s, 0x00400002, FF_UF|FF_NX, 0x00800005, 0x3f000000, rne)
    TEST_FP_OP2_S(133, fmul.s, 0x00400003, FF_UF|FF_NX, 0x00800005, 0x3f000000, rmm)

    /* ---- dynamic rounding mode (rm = dyn uses frm) */
    csrwi frm, RM_RUP
    TEST_FP_OP2_S(134, fdiv.s, 0x3eaaaaab, FF_NX, ONE, THREE, dyn)
    csrwi frm, RM_RTZ
    TEST_FP_OP2_S(135, fdiv.s, 0x3eaaaaaa, FF_NX, ONE, THREE, dyn)
    li t0, RM_RDN << 5; csrw fcsr, t0          /* frm through fcsr */
    TEST_FP_OP2_S(136, fdiv.s, 0xbeaaaaab, FF_NX, M1, THREE, dyn)
    TEST_FP_OP2_S(137, fsub.s, 0x80000000, 0, ONE, ONE, dyn)
    li t0, RM_RMM; fsrm t0                      /* fsrm = csrrw frm */
    TEST_FP_OP2_S(138, fadd.s, 0x3f800001, FF_NX, ONE, TINY, dyn)
    TEST_FP_OP1_S(139, fsqrt.s, 0x3fb504f3, FF_NX, TWO, dyn)
    csrwi frm, RM_RNE
    TEST_FP_OP2_S(140, fadd.s, 0x3f800000, FF_NX, ONE, TINY, dyn)
    /* a static mode overrides frm */
    csrwi frm, RM_RUP
    TEST_FP_OP2_S(141, fdiv.s, 0x3eaaaaaa, FF_NX, ONE, THREE, rtz)
    TEST_FP_OP2_S(142, fadd.s, 0x7f7fffff, FF_OF|FF_NX, MAXF, MAXF, rdn)
    csrwi frm, RM_RNE
    /* default rounding (no rm written) is dyn */
    csrwi frm, RM_RUP
    TEST_CASE(143, a4, 0xffffffff3eaaaaab, KILN_LOAD_S(f1, ONE); \
              KILN_LOAD_S(f2, THREE); fdiv.s f3, f1, f2; fmv.x.d a4, f3)
    csrwi frm, RM_RNE
    /* flags accumulate until cleared */
    TEST_CASE(144, a4, FF_NX|FF_DZ, csrw fflags, x0; KILN_LOAD_S(f1, ONE); \
              KILN_LOAD_S(f2, THREE); fdiv.s f3, f1, f2; fmv.w.x f2, x0; \
              fdiv.s f3, f1, f2; csrrw a4, fflags, x0)
    TEST_CASE(145, a4, 0, csrr a4, fflags)

    /* ---- fmin / fmax: -0 < +0, a single quiet NaN is ignored, both NaN ->
     * canonical NaN, a signaling NaN raises NV */
    TEST_FP_OP2NR_S(146, fmin.s, ONE, 0, ONE, TWO)
    TEST_FP_OP2NR_S(147, fmin.s, ONE, 0, TWO, ONE)
    TEST_FP_OP2NR_S(148, fmin.s, M1, 0, M1, ONE)
    TEST_FP_OP2NR_S(149, fmin.s, 0x80000000, 0, 0x80000000, 0)
    TEST_FP_OP2NR_S(150, fmin.s, 0x80000000, 0, 0, 0x80000000)
    TEST_FP_OP2NR_S(151, fmin.s, ONE, 0, QNAN_S, ONE)
    TEST_FP_OP2NR_S(152, fmin.s, ONE, 0, ONE, PNAN)
    TEST_FP_OP2NR_S(153, fmin.s, QNAN_S, 0, QNAN_S, PNAN)
    TEST_FP_OP2NR_S(154, fmin.s, ONE, FF_NV, SNAN, ONE)
    TEST_FP_OP2NR_S(155, fmin.s, QNAN_S, FF_NV, SNAN, SNAN)
    TEST_FP_OP2NR_S(156, fmin.s, MINF, 0, MINF, MAXF)
    TEST_FP_OP2NR_S(157, fmin.s, 0, 0, MINS, 0)
    TEST_FP_OP2NR_S(158, fmax.s, TWO, 0, ONE, TWO)
    TEST_FP_OP2NR_S(159, fmax.s, ONE, 0, M1, ONE)
    TEST_FP_OP2NR_S(160, fmax.s, 0, 0, 0x80000000, 0)
    TEST_FP_OP2NR_S(161, fmax.s, 0, 0, 0, 0x80000000)
    TEST_FP_OP2NR_S(162, fmax.s, M1, 0, QNAN_S, M1)
    TEST_FP_OP2NR_S(163, fmax.s, ONE, FF_NV, ONE, SNAN)
    TEST_FP_OP2NR_S(164, fmax.s, QNAN_S, FF_NV, SNAN, QNAN_S)
    TEST_FP_OP2NR_S(165, fmax.s, QNAN_S, 0, PNAN, PNAN)
    TEST_FP_OP2NR_S(166, fmax.s, INF, 0, INF, MAXF)
    TEST_FP_OP2NR_S(167, fmax.s, MINN, 0, MAXS, MINN)

KILN_CODE_END
