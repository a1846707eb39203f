/* The program the Debuggee tests run under ptrace. Built -O0 -no-pie so the tests find its
 * functions and variables with nm at fixed addresses. The mode is argv[1]:
 *   exit42    calls hit_me() twice, then exits with 42
 *   segv      writes to address 0x10
 *   loop      increments `counter` forever
 *   signals   raises SIGUSR1 three times (its handler counts them); exits with the count
 *   regs      check_value(5): exits with 7 if the argument is 1234, else with 3
 *   threads   starts 3 threads that call thread_work() forever; main waits
 *   watch     writes `watched` once, then exits with 0
 *   sleep     sleeps about 300 ms in small steps, then exits with 5 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

volatile unsigned long counter;
volatile unsigned long watched;
volatile int usr1_count;
volatile unsigned long thread_counts[3];

__attribute__((noinline)) void hit_me(void) { counter++; }

__attribute__((noinline)) void check_value(long v) { exit(v == 1234 ? 7 : 3); }

__attribute__((noinline)) void thread_work(int i) { thread_counts[i]++; }

static void on_usr1(int sig) {
  (void)sig;
  usr1_count++;
}

static void* worker(void* arg) {
  int i = (int)(long)arg;
  for (;;) {
    thread_work(i);
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
  }
  return NULL;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "exit42";
  if (!strcmp(mode, "exit42")) {
    hit_me();
    hit_me();
    return 42;
  }
  if (!strcmp(mode, "segv")) {
    *(volatile int*)0x10 = 1;
    return 0;
  }
  if (!strcmp(mode, "loop")) {
    for (;;) counter++;
  }
  if (!strcmp(mode, "signals")) {
    signal(SIGUSR1, on_usr1);
    for (int i = 0; i < 3; ++i) raise(SIGUSR1);
    return usr1_count;
  }
  if (!strcmp(mode, "regs")) {
    check_value(5);
    return 0;
  }
  if (!strcmp(mode, "threads")) {
    pthread_t t[3];
    for (long i = 0; i < 3; ++i) pthread_create(&t[i], NULL, worker, (void*)i);
    for (;;) {
      counter++;
      struct timespec ts = {0, 1000000};
      nanosleep(&ts, NULL);
    }
  }
  if (!strcmp(mode, "watch")) {
    watched = 0x1122334455667788UL;
    hit_me();
    return 0;
  }
  if (!strcmp(mode, "sleep")) {
    for (int i = 0; i < 30; ++i) {
      struct timespec ts = {0, 10000000};
      nanosleep(&ts, NULL);
    }
    return 5;
  }
  return 99;
}
