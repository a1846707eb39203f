/* rspstub_demo: a tiny process whose globals change while it runs.
 *
 *   g_counter  counts up every 10 ms (a second thread, "ticker", does it)
 *   g_message  points to a string on the heap
 *   g_stats    a struct whose fields change too
 *   g_zeros    points to 64 KiB of heap zeros whose middle word holds g_counter (the ticker
 *              copies it there): long runs of zeros around a value that changes
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
enum { ZERO_WORDS = 8192 };
unsigned long *g_zeros;

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
    g_zeros[ZERO_WORDS / 2] = g_counter;
    g_stats.load = (double)(g_counter % 100) / 100.0;
  }
  return NULL;
}

int main(void) {
  g_message = strdup("hello from the rspstub demo");
  g_zeros = calloc(ZERO_WORDS, sizeof *g_zeros);
  pthread_t thread;
  if (g_message == NULL || g_zeros == NULL || pthread_create(&thread, NULL, ticker, NULL) != 0) {
    perror("rspstub_demo");
    return 1;
  }
  pthread_setname_np(thread, "ticker");

  printf("pid %d\n", (int)getpid());
  printf("&g_counter %p\n", (void *)&g_counter);
  printf("&g_message %p\n", (void *)&g_message);
  printf("g_zeros %p\n", (void *)g_zeros);
  printf("g_message %p\n", (void *)g_message);
  fflush(stdout);

  for (int second = 1;; ++second) {
    sleep_ms(1000);
    g_stats.last_second = second;
  }
}
