/* Test program for rspstub --on-failure: handles SIGSEGV itself (recovers with siglongjmp) and
   exits 0. rspstub must not treat its fault as fatal. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf g_recover;

static void on_segv(int sig) {
  (void)sig;
  siglongjmp(g_recover, 1);
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_segv;
  sigaction(SIGSEGV, &sa, NULL);
  int recovered = 0;
  for (int i = 0; i < 3; i++) {
    if (sigsetjmp(g_recover, 1) == 0) {
      *(volatile int*)0 = i; /* faults; the handler jumps back */
    } else {
      recovered++;
    }
  }
  printf("onfail_handled_segv: recovered %d times\n", recovered);
  return recovered == 3 ? 0 : 1;
}
