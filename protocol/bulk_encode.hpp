// The two encoders of the memory-read hot path, 16 bytes at a time where the compiler offers
// portable vector types (GCC and Clang: SSE2 on x86-64, NEON on arm64), byte by byte otherwise;
// on x86-64 CPUs with AVX2, chosen at run time, 32 bytes at a time.
//
// Both may run in place: `out` may alias the input as ReplyBuffer::stage() lays it out, with the
// input starting at least n bytes past `out` (out + n <= src). Every 16-byte block is loaded
// before anything of it is written, and the output (at most 2 bytes per input byte) never
// reaches input that is not loaded yet.
#pragma once

#include <cstddef>

namespace rspstub::protocol::bulk {

// Which code does the work. `best` picks avx2 where the CPU has it; tests name a path to check
// each against the reference (avx2 on a CPU without it runs portable).
enum class Path { best, portable, avx2 };
bool avx2_available() noexcept;

// Lower-case hex, two digits per byte. Writes 2n bytes; adds the digits to `sum` (mod 256).
void encode_hex(const unsigned char* src, std::size_t n, char* out, unsigned& sum,
                Path path = Path::best) noexcept;

// Hex as encode_hex, with the runs of a byte whose two hex digits are the same (00, 11, ... ff:
// zeroed memory above all) run-length encoded: a run that covers a whole 32-byte block is sent
// as the digit, then `*` and a repeat count (the count plus 29, as a character), as many times
// as needed: 64 zero bytes (128 digits 0) go out as "0*~0*:". gdb and lldb expand such runs in
// any reply, and gdbserver sends them the same way. Counts that would be sent as '#', '$', '*',
// '+', '-' or '}' are never used. Returns the characters written (at most 2n); adds them to
// `sum` (mod 256). Data without such runs costs one more look at each 32-byte block. In place as
// encode_hex.
std::size_t encode_hex_runs(const unsigned char* src, std::size_t n, char* out, unsigned& sum,
                            Path path = Path::best) noexcept;

// RSP binary: '#', '$', '}' and '*' become '}' followed by the byte XOR 0x20. Returns the bytes
// written (n to 2n); adds them to `sum` (mod 256).
std::size_t escape_binary(const unsigned char* src, std::size_t n, char* out, unsigned& sum,
                          Path path = Path::best) noexcept;

// escape_binary with runs of a byte that needs no escape (zeros above all) run-length encoded,
// as encode_hex_runs does for hex: the byte, `*` and a safe count. gdb expands runs in every
// packet before it undoes escapes; lldb 19 does the same in its `x` replies (seen reading 1 MiB
// of zeros with marker words, compressed). In place as escape_binary.
std::size_t escape_binary_runs(const unsigned char* src, std::size_t n, char* out,
                               unsigned& sum, Path path = Path::best) noexcept;

}  // namespace rspstub::protocol::bulk
