/* Test program for rspstub --on-failure --timeout: sleeps forever in a named function (a hang). */
#include <stdio.h>
#include <unistd.h>

__attribute__((noinline)) void onfail_hang_here(void) {
  for (;;) pause();
}

int main(void) {
  printf("onfail_hang: hanging\n");
  fflush(stdout);
  onfail_hang_here();
  return 0;
}
