/* control_crash: dies of SIGSEGV in crash_here(), three frames below main:
 * main -> outer -> middle -> crash_here, which stores through a null pointer. */
#include <stdio.h>
#include <unistd.h>

volatile long g_crash_value;

void crash_here(int *target, long value) {
  g_crash_value = value;
  *target = (int)value; /* @line crash_store */
}

void middle(int *target, long value) {
  crash_here(target, value + 1);
}

void outer(int *target, long value) {
  middle(target, value + 1);
}

int main(void) {
  int *volatile null_pointer = NULL;
  outer(null_pointer, (long)getpid());
  printf("control_crash: did not crash\n");
  return 0;
}
