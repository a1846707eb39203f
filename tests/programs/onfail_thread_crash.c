/* Test program for rspstub --on-failure: a worker thread crashes (SIGSEGV) while the main thread
   and a second worker wait; the faulting thread is not the main one. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_barrier_t g_ready;

__attribute__((noinline)) void onfail_worker_crash_here(volatile long* p) {
  *p = 7;
}

static void* crasher(void* arg) {
  (void)arg;
  pthread_setname_np(pthread_self(), "crasher");
  pthread_barrier_wait(&g_ready);
  onfail_worker_crash_here((volatile long*)16);
  return NULL;
}

static void* sleeper(void* arg) {
  (void)arg;
  pthread_barrier_wait(&g_ready);
  for (;;) pause();
  return NULL;
}

int main(void) {
  pthread_t a, b;
  pthread_barrier_init(&g_ready, NULL, 3);
  pthread_create(&b, NULL, sleeper, NULL);
  pthread_create(&a, NULL, crasher, NULL);
  pthread_barrier_wait(&g_ready);
  pthread_join(a, NULL);
  return 0;
}
