/*
 * interp.c - bytecode interpreter benchmark.  A register machine with 16
 * 64-bit registers and a byte-addressed memory, dispatched by one switch
 * statement (a bounds check and an indirect jump per bytecode).  The
 * program, assembled at start-up, runs a byte sieve of Eratosthenes and then
 * sums Collatz sequence lengths, hashing as it goes.  Stresses: indirect
 * jumps, unpredictable branches, loads of small structs.
 */
#include "bench.h"

#define SIEVE_LIMIT 500000
#define COLLATZ_LIMIT 30000
#define EXPECTED 0xff42d55190f18f9dull

enum op {
    OP_LI,   /* ra = imm */
    OP_MOV,  /* ra = rb */
    OP_ADD,  /* ra = rb + rc */
    OP_SUB,  /* ra = rb - rc */
    OP_MUL,  /* ra = rb * rc */
    OP_AND,  /* ra = rb & rc */
    OP_XOR,  /* ra = rb ^ rc */
    OP_ADDI, /* ra = rb + imm */
    OP_ANDI, /* ra = rb & imm */
    OP_SHLI, /* ra = rb << imm */
    OP_SHRI, /* ra = rb >> imm (logical) */
    OP_LDB,  /* ra = mem[rb + imm] */
    OP_STB,  /* mem[rb + imm] = ra */
    OP_BEQ,  /* if ra == rb goto imm */
    OP_BNE,  /* if ra != rb goto imm */
    OP_BLT,  /* if ra < rb goto imm (signed) */
    OP_BGE,  /* if ra >= rb goto imm (signed) */
    OP_JMP,  /* goto imm */
    OP_HALT,
};

struct insn {
    uint8_t op, a, b, c;
    int32_t imm;
};

#define MAX_CODE 128

struct assembler {
    struct insn code[MAX_CODE];
    int n;
};

static int emit(struct assembler *as, enum op op, int a, int b, int c, int32_t imm)
{
    struct insn *i = &as->code[as->n];
    i->op = (uint8_t)op;
    i->a = (uint8_t)a;
    i->b = (uint8_t)b;
    i->c = (uint8_t)c;
    i->imm = imm;
    return as->n++;
}

/* Points the branch at `at` to the next instruction to be emitted. */
static void patch_here(struct assembler *as, int at)
{
    as->code[at].imm = as->n;
}

/* Registers used by the program. */
enum {
    R0 = 0,  /* always zero */
    R1 = 1,  /* constant 1 */
    LIM = 2, /* loop limit */
    I = 3,
    J = 4,
    T = 5,
    NPRIMES = 6,
    N = 7,
    X = 8,
    STEPS = 9,
    TOTAL = 10,
    HASH = 11,
    K = 12, /* hash multiplier */
};

static void assemble(struct assembler *as)
{
    /* Sieve: count primes below SIEVE_LIMIT; mem[i] = 1 marks composites. */
    emit(as, OP_LI, R1, 0, 0, 1);
    emit(as, OP_LI, LIM, 0, 0, SIEVE_LIMIT);
    emit(as, OP_LI, I, 0, 0, 2);
    emit(as, OP_LI, NPRIMES, 0, 0, 0);
    int loop_i = emit(as, OP_BGE, I, LIM, 0, -1);
    emit(as, OP_LDB, T, I, 0, 0);
    int skip = emit(as, OP_BNE, T, R0, 0, -1);
    emit(as, OP_ADDI, NPRIMES, NPRIMES, 0, 1);
    emit(as, OP_ADD, J, I, I, 0);
    int loop_j = emit(as, OP_BGE, J, LIM, 0, -1);
    emit(as, OP_STB, R1, J, 0, 0);
    emit(as, OP_ADD, J, J, I, 0);
    emit(as, OP_JMP, 0, 0, 0, loop_j);
    patch_here(as, loop_j);
    patch_here(as, skip);
    emit(as, OP_ADDI, I, I, 0, 1);
    emit(as, OP_JMP, 0, 0, 0, loop_i);
    patch_here(as, loop_i);

    /* Collatz: for n in 1..COLLATZ_LIMIT-1 count steps to reach 1. */
    emit(as, OP_LI, LIM, 0, 0, COLLATZ_LIMIT);
    emit(as, OP_LI, N, 0, 0, 1);
    emit(as, OP_LI, TOTAL, 0, 0, 0);
    emit(as, OP_LI, HASH, 0, 0, 0x2545f491);
    emit(as, OP_LI, K, 0, 0, 0x100001b3);
    int loop_n = emit(as, OP_BGE, N, LIM, 0, -1);
    emit(as, OP_MOV, X, N, 0, 0);
    emit(as, OP_LI, STEPS, 0, 0, 0);
    int loop_x = emit(as, OP_BEQ, X, R1, 0, -1);
    emit(as, OP_ANDI, T, X, 0, 1);
    int odd = emit(as, OP_BNE, T, R0, 0, -1);
    emit(as, OP_SHRI, X, X, 0, 1);
    emit(as, OP_ADDI, STEPS, STEPS, 0, 1);
    emit(as, OP_JMP, 0, 0, 0, loop_x);
    patch_here(as, odd);
    emit(as, OP_ADD, T, X, X, 0);
    emit(as, OP_ADD, X, T, X, 0);
    emit(as, OP_ADDI, X, X, 0, 1);
    emit(as, OP_ADDI, STEPS, STEPS, 0, 1);
    emit(as, OP_JMP, 0, 0, 0, loop_x);
    patch_here(as, loop_x);
    emit(as, OP_ADD, TOTAL, TOTAL, STEPS, 0);
    emit(as, OP_MUL, HASH, HASH, K, 0);
    emit(as, OP_XOR, HASH, HASH, STEPS, 0);
    emit(as, OP_SHRI, T, HASH, 0, 29);
    emit(as, OP_XOR, HASH, HASH, T, 0);
    emit(as, OP_ADDI, N, N, 0, 1);
    emit(as, OP_JMP, 0, 0, 0, loop_n);
    patch_here(as, loop_n);
    emit(as, OP_HALT, 0, 0, 0, 0);
}

struct machine {
    int64_t reg[16];
    uint8_t *mem;
    uint64_t executed;
};

static void run(struct machine *m, const struct insn *code)
{
    int64_t *r = m->reg;
    uint8_t *mem = m->mem;
    uint64_t executed = 0;
    int pc = 0;
    for (;;) {
        const struct insn *i = &code[pc++];
        ++executed;
        switch (i->op) {
        case OP_LI:
            r[i->a] = i->imm;
            break;
        case OP_MOV:
            r[i->a] = r[i->b];
            break;
        case OP_ADD:
            r[i->a] = (int64_t)((uint64_t)r[i->b] + (uint64_t)r[i->c]);
            break;
        case OP_SUB:
            r[i->a] = (int64_t)((uint64_t)r[i->b] - (uint64_t)r[i->c]);
            break;
        case OP_MUL:
            r[i->a] = (int64_t)((uint64_t)r[i->b] * (uint64_t)r[i->c]);
            break;
        case OP_AND:
            r[i->a] = r[i->b] & r[i->c];
            break;
        case OP_XOR:
            r[i->a] = r[i->b] ^ r[i->c];
            break;
        case OP_ADDI:
            r[i->a] = (int64_t)((uint64_t)r[i->b] + (uint64_t)(int64_t)i->imm);
            break;
        case OP_ANDI:
            r[i->a] = r[i->b] & i->imm;
            break;
        case OP_SHLI:
            r[i->a] = (int64_t)((uint64_t)r[i->b] << (i->imm & 63));
            break;
        case OP_SHRI:
            r[i->a] = (int64_t)((uint64_t)r[i->b] >> (i->imm & 63));
            break;
        case OP_LDB:
            r[i->a] = mem[r[i->b] + i->imm];
            break;
        case OP_STB:
            mem[r[i->b] + i->imm] = (uint8_t)r[i->a];
            break;
        case OP_BEQ:
            if (r[i->a] == r[i->b]) {
                pc = i->imm;
            }
            break;
        case OP_BNE:
            if (r[i->a] != r[i->b]) {
                pc = i->imm;
            }
            break;
        case OP_BLT:
            if (r[i->a] < r[i->b]) {
                pc = i->imm;
            }
            break;
        case OP_BGE:
            if (r[i->a] >= r[i->b]) {
                pc = i->imm;
            }
            break;
        case OP_JMP:
            pc = i->imm;
            break;
        case OP_HALT:
        default:
            m->executed = executed;
            return;
        }
    }
}

static struct assembler as;
static struct machine vm;

int main(void)
{
    uint64_t start = rdinstret();
    assemble(&as);
    vm.mem = rt_heap_start();
    memset(vm.mem, 0, SIEVE_LIMIT);
    run(&vm, as.code);

    printf("interp: %d bytecodes, %lu executed, %ld primes, %ld collatz steps\n", as.n,
           (unsigned long)vm.executed, (long)vm.reg[NPRIMES], (long)vm.reg[TOTAL]);
    uint64_t sum = bench_mix(0, (uint64_t)vm.reg[NPRIMES]);
    sum = bench_mix(sum, (uint64_t)vm.reg[TOTAL]);
    sum = bench_mix(sum, (uint64_t)vm.reg[HASH]);
    sum = bench_mix(sum, vm.executed);
    return bench_finish("interp", sum, EXPECTED, start);
}
