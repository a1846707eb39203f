/* Test program for rspstub --on-failure: a failed assertion-style abort() (SIGABRT). */
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) void onfail_abort_here(void) {
  fprintf(stderr, "onfail_abort: giving up\n");
  abort();
}

int main(void) {
  onfail_abort_here();
  return 0;
}
