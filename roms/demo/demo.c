/*
 * demo.c - the guest Kiln runs when started without arguments.
 *
 * Prints a banner, draws the Mandelbrot set as 72x24 ASCII art with double
 * precision arithmetic (exercising the D extension, including fused
 * multiply-add), counts primes with a byte sieve (integer work and stores),
 * and prints a few statistics.  Every result is deterministic IEEE and integer
 * arithmetic, so the checksum is compared with the value a correct RV64GC
 * machine produces: the exit status is 0 on a match and 1 otherwise, which
 * makes the demo a quick smoke test of the emulator.  About 4 million
 * instructions in all.
 */
#include "rt.h"

enum {
    kWidth = 72,
    kHeight = 24,
    kMaxIter = 500,
    kSieveLimit = 100000,
};

/* What a correct machine computes (see the checksum in main). */
#define EXPECTED_CHECKSUM 0xbbe5eafau
#define EXPECTED_PRIMES 9592

/* One FNV-1a step over a 32-bit value; folds results into the checksum. */
static uint32_t fnv1a(uint32_t h, uint32_t v)
{
    for (int i = 0; i < 4; ++i) {
        h ^= (v >> (8 * i)) & 0xff;
        h *= 16777619u;
    }
    return h;
}

/*
 * Iterations before z = z^2 + c leaves the radius-2 disc (kMaxIter if it
 * never does).  Here and in draw_mandelbrot() contraction is off so the
 * compiler cannot fuse operations on its own; the fused multiply-adds are
 * written out, so the results do not depend on compiler flags.
 */
__attribute__((optimize("fp-contract=off"))) static int escape_time(double cx, double cy)
{
    double x = 0.0;
    double y = 0.0;
    for (int n = 0; n < kMaxIter; ++n) {
        double xx = x * x;
        double yy = y * y;
        if (xx + yy > 4.0) {
            return n;
        }
        y = __builtin_fma(x + x, y, cy);
        x = (xx - yy) + cx;
    }
    return kMaxIter;
}

static char shade(int n)
{
    /* Escape times cluster at small values, so step through the ramp by
       the bit length of n: 1, 2-3, 4-7, 8-15, ... */
    static const char ramp[] = " .:-=+*%#";
    if (n >= kMaxIter) {
        return '@';
    }
    int bits = 0;
    while (n > 0 && bits < (int)sizeof(ramp) - 2) {
        n >>= 1;
        ++bits;
    }
    return ramp[bits];
}

__attribute__((optimize("fp-contract=off"))) static uint32_t draw_mandelbrot(
    uint64_t *total_iterations)
{
    const double x_min = -2.2, x_max = 0.9;
    const double y_min = -1.2, y_max = 1.2;
    const double dx = (x_max - x_min) / kWidth;
    const double dy = (y_max - y_min) / kHeight;
    uint32_t h = 2166136261u;
    uint64_t total = 0;
    char line[kWidth + 1];

    for (int row = 0; row < kHeight; ++row) {
        double cy = __builtin_fma(-(row + 0.5), dy, y_max);
        for (int col = 0; col < kWidth; ++col) {
            double cx = __builtin_fma(col + 0.5, dx, x_min);
            int n = escape_time(cx, cy);
            total += (uint64_t)n;
            h = fnv1a(h, (uint32_t)n);
            line[col] = shade(n);
        }
        line[kWidth] = '\0';
        printf("  %s\n", line);
    }
    *total_iterations = total;
    return h;
}

static int count_primes(int limit)
{
    static unsigned char composite[kSieveLimit];
    int count = 0;
    for (int i = 2; i < limit; ++i) {
        if (composite[i]) {
            continue;
        }
        ++count;
        for (int j = i * 2; j < limit; j += i) {
            composite[j] = 1;
        }
    }
    return count;
}

int main(void)
{
    uint64_t instret0 = rdinstret();
    uint64_t cycle0 = rdcycle();

    printf("\n");
    printf("  Kiln - RISC-V RV64GC guest running on the Kiln emulator\n");
    printf("  -------------------------------------------------------\n");
    printf("  Mandelbrot set, %dx%d, double precision, up to %d iterations:\n\n",
           kWidth, kHeight, kMaxIter);

    uint64_t iterations = 0;
    uint32_t h = draw_mandelbrot(&iterations);
    int primes = count_primes(kSieveLimit);
    h = fnv1a(h, (uint32_t)primes);
    h = fnv1a(h, (uint32_t)iterations);

    uint64_t instret = rdinstret() - instret0;
    uint64_t cycles = rdcycle() - cycle0;

    int ok = h == EXPECTED_CHECKSUM && primes == EXPECTED_PRIMES;
    printf("\n");
    printf("  escape iterations   : %lu\n", (unsigned long)iterations);
    printf("  primes below %d : %d\n", kSieveLimit, primes);
    printf("  checksum            : 0x%08x (expected 0x%08x) %s\n", h, EXPECTED_CHECKSUM,
           ok ? "OK" : "MISMATCH");
    printf("  instructions        : %lu retired, %lu cycles\n", (unsigned long)instret,
           (unsigned long)cycles);
    printf("\n");
    return ok ? 0 : 1;
}
