/* Test program for rspstub --on-failure: writes through a null pointer (SIGSEGV, address 0)
   from a chain of named functions, so the backtrace can be checked. */
#include <stdio.h>

__attribute__((noinline)) void onfail_crash_here(volatile int* p) {
  *p = 42; /* the fault */
}

__attribute__((noinline)) void onfail_crash_caller(void) {
  onfail_crash_here((volatile int*)0);
}

int main(void) {
  printf("onfail_crash: before the crash\n");
  fflush(stdout);
  onfail_crash_caller();
  return 0;
}
