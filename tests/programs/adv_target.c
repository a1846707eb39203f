/* adv_target: the controlled target of the adversarial suite's process-control cases
 * (tests/adversarial/test_dying_targets.py, test_stub_signals.py, test_control_packets.py).
 *
 *   adv_target            the main thread calls hot() every millisecond, forever
 *   adv_target churn      the same, plus a thread that keeps creating short-lived threads (each
 *                         calls hot() a few times and exits): threads appear and vanish all the
 *                         time
 *
 * It prints "pid <PID>", "hot <ADDRESS>", "&g_calls <ADDRESS>" and "ready" on stdout (flushed)
 * once it runs, so a test can plant a breakpoint on hot() and watch g_calls advance (the process
 * keeps running) by reading /proc/PID/mem. Never sanitized: the stub must see plain code.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

volatile unsigned long g_calls;   /* how many times hot() ran (any thread) */
volatile unsigned long g_threads; /* how many short-lived threads were started */

static void sleep_us(long us) {
  struct timespec t = {us / 1000000, (us % 1000000) * 1000L};
  while (nanosleep(&t, &t) != 0) {
  }
}

/* The function a breakpoint goes on: called all the time. noinline keeps it a real call. */
__attribute__((noinline)) void hot(void) {
  __atomic_add_fetch(&g_calls, 1, __ATOMIC_RELAXED);
}

static void *short_lived(void *arg) {
  (void)arg;
  for (int i = 0; i < 3; ++i) hot();
  return NULL;
}

static void *spawner(void *arg) {
  (void)arg;
  for (;;) {
    pthread_t t;
    if (pthread_create(&t, NULL, short_lived, NULL) == 0) {
      g_threads++;
      pthread_detach(t);
    }
    sleep_us(2000);
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "churn") == 0) {
    pthread_t t;
    if (pthread_create(&t, NULL, spawner, NULL) != 0) {
      perror("adv_target");
      return 1;
    }
    pthread_setname_np(t, "spawner");
  }
  printf("pid %d\n", (int)getpid());
  printf("hot %p\n", (void *)&hot);
  printf("&g_calls %p\n", (void *)&g_calls);
  printf("ready\n");
  fflush(stdout);
  for (;;) {
    hot();
    sleep_us(1000);
  }
}
