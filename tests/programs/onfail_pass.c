/* Test program for rspstub --on-failure: a passing run with output on stdout and stderr and
   exit status 3, which must all pass through unchanged. With an argument N it first raises
   SIGUSR1 N times (handled) and makes N system calls, for the overhead measurement. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static volatile sig_atomic_t g_usr1;

static void on_usr1(int sig) {
  (void)sig;
  g_usr1++;
}

int main(int argc, char** argv) {
  long n = argc > 1 ? atol(argv[1]) : 0;
  long syscalls = argc > 2 ? atol(argv[2]) : 0;
  signal(SIGUSR1, on_usr1);
  for (long i = 0; i < n; i++) raise(SIGUSR1);
  for (long i = 0; i < syscalls; i++) (void)getppid();
  printf("onfail_pass: stdout line (signals %ld)\n", (long)g_usr1);
  fprintf(stderr, "onfail_pass: stderr line\n");
  return 3;
}
