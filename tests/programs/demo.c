/* rspstub_demo: a tiny process whose globals change while it runs.
 *
 *   g_counter  counts up every 10 ms (a second thread, "ticker", does it)
 *   g_message  points to a string on the heap
 *   g_stats    a struct whose fields change too
 *
 * It prints "pid <PID>" (and the addresses of its globals, for tests that speak the protocol
 * by hand), then runs until it is killed. Serve it with:
 *   rspstub --attach <PID> --no-stop 127.0.0.1:1234
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct stats {
  unsigned long ticks;   /* same as g_counter, updated by the ticker */
  int last_second;       /* seconds since start, updated by main */
  double load;           /* something that is not an integer */
};

volatile unsigned long g_counter;
char *g_message;
struct stats g_stats;

static void sleep_ms(long ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&t, &t) != 0) {
  }
}

static void *ticker(void *arg) {
  (void)arg;
  for (;;) {
    sleep_ms(10);
    g_counter++;
    g_stats.ticks = g_counter;
    g_stats.load = (double)(g_counter % 100) / 100.0;
  }
  return NULL;
}

int main(void) {
  g_message = strdup("hello from the rspstub demo");
  pthread_t thread;
  if (g_message == NULL || pthread_create(&thread, NULL, ticker, NULL) != 0) {
    perror("rspstub_demo");
    return 1;
  }
  pthread_setname_np(thread, "ticker");

  printf("pid %d\n", (int)getpid());
  printf("&g_counter %p\n", (void *)&g_counter);
  printf("&g_message %p\n", (void *)&g_message);
  printf("g_message %p\n", (void *)g_message);
  fflush(stdout);

  for (int second = 1;; ++second) {
    sleep_ms(1000);
    g_stats.last_second = second;
  }
}
