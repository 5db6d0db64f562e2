// A bare-metal program for the gdb tests (tests/system/gdb/), built with -g:
// a function to break in and finish (compute, add), a global to watch
// (counter), and a spin loop gdb must interrupt with Ctrl-C and end by
// clearing spin_flag. It prints what it computed, so the tests also see the
// effect of gdb's memory writes, and exits 0 when compute() is right.
#include "rt.h"

volatile uint64_t counter;
volatile int spin_flag = 1;

__attribute__((noipa)) int add(int a, int b) { return a + b; }

__attribute__((noipa)) int compute(int n) {
  int s = 0;
  for (int i = 0; i < n; i++) s = add(s, i);
  return s;
}

__attribute__((noipa)) void bump(void) { counter = counter + 1; }

// A loop hot enough for the JIT (a region, chained), run once before gdb sets
// a breakpoint inside it (at hot_odd, a block in the middle of the loop) and
// once after: every odd iteration must stop there.
volatile uint64_t hot_iter;
volatile int warm;
__attribute__((noipa)) void warmed(void) { warm = 1; }
__attribute__((noipa)) uint64_t hot(uint64_t n) {
  uint64_t s = 0;
  for (uint64_t i = 0; i < n; i++) {
    hot_iter = i;
    if (i & 1) {
      __asm__ volatile(".globl hot_odd\nhot_odd:");
      s ^= i * 3;
    }
    s += i;
  }
  return s;
}

int main(void) {
  uint64_t h = hot(20000);
  warmed();
  h += hot(20000);
  printf("hot=%llu\n", (unsigned long long)h);
  int r = compute(10);
  bump();
  bump();
  printf("compute=%d counter=%d\n", r, (int)counter);
  while (spin_flag) {
  }
  printf("done\n");
  return r == 45 ? 0 : 1;
}
