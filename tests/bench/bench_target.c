/* rspstub-bench-target: the process the benchmark reads.
 *
 * Usage: rspstub-bench-target [SIZE [INFO_FILE]]
 * Maps SIZE bytes (default 256 MiB), fills them with the pattern of pattern.h, writes
 * "buffer=0x<addr> size=<n>" to INFO_FILE (atomically, via a rename) or to stdout, then sleeps
 * until killed. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pattern.h"

#define DEFAULT_SIZE (256UL << 20)

static size_t parse_size(const char* text) {
  char* end = NULL;
  errno = 0;
  unsigned long long value = strtoull(text, &end, 0);
  if (errno != 0 || end == text || *end != '\0' || value == 0) {
    fprintf(stderr, "rspstub-bench-target: bad size '%s'\n", text);
    exit(2);
  }
  return (size_t)value;
}

static uint64_t* map_buffer(size_t size) {
  void* p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    perror("rspstub-bench-target: mmap");
    exit(1);
  }
  return p;
}

static void fill(uint64_t* words, size_t size) {
  uintptr_t base = (uintptr_t)words;
  for (size_t i = 0; i < size / 8; ++i) words[i] = rspstub_bench_word(base + i * 8);
  /* A size that is not a multiple of 8 ends with the first bytes of one more word. */
  size_t tail = size % 8;
  if (tail != 0) {
    uint64_t last = rspstub_bench_word(base + size - tail);
    memcpy((char*)words + size - tail, &last, tail);
  }
}

static void publish(const char* path, const void* buffer, size_t size) {
  char line[128];
  int n = snprintf(line, sizeof line, "buffer=0x%" PRIxPTR " size=%zu\n", (uintptr_t)buffer, size);
  if (path == NULL) {
    fputs(line, stdout);
    fflush(stdout);
    return;
  }
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE* f = fopen(tmp, "w");
  if (f == NULL || fwrite(line, 1, (size_t)n, f) != (size_t)n || fclose(f) != 0 ||
      rename(tmp, path) != 0) {
    perror("rspstub-bench-target: writing the info file");
    exit(1);
  }
}

int main(int argc, char** argv) {
  size_t size = argc > 1 ? parse_size(argv[1]) : DEFAULT_SIZE;
  const char* info = argc > 2 ? argv[2] : NULL;
  uint64_t* buffer = map_buffer(size);
  fill(buffer, size);
  publish(info, buffer, size);
  for (;;) pause();
}
