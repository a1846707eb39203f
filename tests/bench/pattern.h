/* The benchmark's memory pattern, shared by the target (C) and the bench (C++).
 *
 * The 8-byte word at address A (A a multiple of 8) holds A ^ RSPSTUB_BENCH_KEY, stored in the
 * machine's byte order, so a reader can check any byte knowing only its address. Byte 1 of the
 * address runs through all 256 values every 64 KiB, so every 64 KiB of the buffer contains the
 * bytes that RSP must escape ('#' '$' '}' '*'). The key's top two bytes are zero, so the top two
 * bytes of every word are the address's own (0x00 0x00 on x86-64): runs that gdbserver's `m`
 * replies compress with run-length encoding. */
#ifndef RSPSTUB_BENCH_PATTERN_H
#define RSPSTUB_BENCH_PATTERN_H

#include <stdint.h>

#define RSPSTUB_BENCH_KEY 0x0000a5c35a3c96e1ULL

static inline uint64_t rspstub_bench_word(uint64_t aligned_address) {
  return aligned_address ^ RSPSTUB_BENCH_KEY;
}

#endif
