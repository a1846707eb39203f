// Checks bytes read from the target against the pattern of pattern.h.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

namespace bench {

// A byte that differs from the pattern: a hard failure, reported loudly.
struct VerifyError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The byte the target holds at `address`.
std::uint8_t pattern_byte(std::uint64_t address);

// Throws VerifyError naming the first wrong byte of data, read at `address`. `source` says who
// delivered the bytes (for the message).
void verify_pattern(std::uint64_t address, std::span<const std::uint8_t> data,
                    const std::string& source);

// The share of the bytes in [address, address + size) that RSP must escape in binary replies.
double escaped_share(std::uint64_t address, std::uint64_t size);

}  // namespace bench
