/* control_basic: the main program of the process-control end-to-end tests (tests/e2e/control/).
 *
 *   control_basic exit CODE          walks main -> level1 -> level2 -> level3, runs the
 *                                    watchpoint loop, then exits with status CODE
 *   control_basic ticks N [FILE]     calls tick(i) every 100 ms, N times, then writes "done\n"
 *                                    to FILE (if given) and exits 0 (detach and attach tests)
 *
 * Every value a test checks is computed at run time from the process id, so a debugger that
 * silently failed to read the remote process cannot print it from the ELF file (where these
 * globals are 0). The tests find lines by the "@line NAME" markers, not by number.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

long g_runtime_value;   /* getpid() * 1000 + argc */
volatile long g_watched; /* set by count_up: a watchpoint target */
volatile int g_ticks;   /* how many times tick() ran */

static void sleep_ms(long ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&t, &t) != 0) {
  }
}

int level3(int arg3) {
  int local3 = arg3 * 3; /* @line level3_first */
  return local3 + 1;
}

int level2(int arg2) {
  int local2 = arg2 + 5; /* @line level2_first */
  int result = level3(local2); /* @line level2_call */
  return result; /* @line level2_after_call */
}

int level1(int arg1) {
  int local1 = arg1 * 2; /* @line level1_first */
  return level2(local1);
}

/* g_watched takes the values seed, seed + 1, ... seed + n - 1. */
void count_up(long seed, int n) {
  for (int i = 0; i < n; ++i) {
    g_watched = seed + i; /* @line count_up_store */
  }
}

/* The end of the watchpoint loop: a breakpoint here stops a test whose watchpoint never fired. */
void after_count_up(void) {
  g_ticks = -1; /* @line after_count_up_first */
}

void tick(int i) {
  g_ticks = i; /* @line tick_first */
}

static int run_ticks(int n, const char *done_file) {
  for (int i = 1; i <= n; ++i) {
    tick(i);
    sleep_ms(100);
  }
  if (done_file != NULL) {
    FILE *f = fopen(done_file, "w");
    if (f == NULL) {
      perror(done_file);
      return 1;
    }
    fprintf(f, "done\n");
    fclose(f);
  }
  return 0;
}

int main(int argc, char **argv) {
  g_runtime_value = (long)getpid() * 1000 + argc;
  if (argc >= 3 && argv[1][0] == 't') {
    return run_ticks(atoi(argv[2]), argc >= 4 ? argv[3] : NULL);
  }
  if (argc < 3) {
    fprintf(stderr, "usage: control_basic exit CODE | ticks N [FILE]\n");
    return 2;
  }
  int code = atoi(argv[2]);
  int value = level1((int)(getpid() % 10000)); /* @line main_call_level1 */
  count_up(g_runtime_value, 5);
  after_count_up();
  printf("control_basic: level1 returned %d\n", value);
  fflush(stdout);
  return code;
}
