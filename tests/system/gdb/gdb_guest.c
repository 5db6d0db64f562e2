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

int main(void) {
  int r = compute(10);
  bump();
  bump();
  printf("compute=%d counter=%d\n", r, (int)counter);
  while (spin_flag) {
  }
  printf("done\n");
  return r == 45 ? 0 : 1;
}
