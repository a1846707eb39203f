/* control_threads: several threads; only the second worker calls second_worker_here().
 *
 *   control_threads            starts workers 1..3 (named worker1..worker3), waits until all run,
 *                              then worker2 calls second_worker_here(getpid() % 10000); exits 0
 *
 * The tests break in second_worker_here and check that the stop is reported in worker2's thread
 * (its name in /proc/PID/task/TID/comm) and that every thread of the process is listed.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>

#define WORKERS 3

static pthread_barrier_t g_all_started;
static pthread_barrier_t g_done;
volatile long g_second_worker_value;

void second_worker_here(int value) {
  g_second_worker_value = value; /* @line second_worker_here_first */
}

static void *worker(void *arg) {
  int index = (int)(intptr_t)arg;
  char name[16];
  snprintf(name, sizeof name, "worker%d", index);
  pthread_setname_np(pthread_self(), name);
  pthread_barrier_wait(&g_all_started);
  if (index == 2) {
    second_worker_here((int)(getpid() % 10000));
  }
  pthread_barrier_wait(&g_done);
  return NULL;
}

int main(void) {
  pthread_t threads[WORKERS];
  pthread_barrier_init(&g_all_started, NULL, WORKERS + 1);
  pthread_barrier_init(&g_done, NULL, WORKERS + 1);
  for (int i = 0; i < WORKERS; ++i) {
    if (pthread_create(&threads[i], NULL, worker, (void *)(intptr_t)(i + 1)) != 0) {
      perror("pthread_create");
      return 1;
    }
  }
  pthread_barrier_wait(&g_all_started);
  pthread_barrier_wait(&g_done);
  for (int i = 0; i < WORKERS; ++i) {
    pthread_join(threads[i], NULL);
  }
  printf("control_threads: worker2 value %ld\n", g_second_worker_value);
  return 0;
}
