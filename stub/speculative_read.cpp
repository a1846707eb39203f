#include "stub/speculative_read.hpp"

#include <algorithm>
#include <utility>

namespace rspstub::stub {

void SpeculativeRead::expect(std::uint64_t addr, std::size_t length,
                             protocol::StagedEncoding enc, std::string_view prefix) noexcept {
  prepared_ = 0;
  // A read that would wrap past the top of the address space is never asked for.
  expecting_ = length != 0 && addr + length >= addr;
  expected_in_request_ = expecting_;
  addr_ = addr;
  length_ = length;
  enc_ = enc;
  prefix_ = prefix;
}

void SpeculativeRead::prepare(platform::Process& process, std::size_t piece,
                              std::chrono::microseconds max_age) {
  if (!expecting_) return;
  expecting_ = false;
  expected_in_request_ = false;
  prepared_ = 0;
  const std::size_t n = piece == 0 ? length_ : std::min(length_, kPieces * piece);
  const auto read_at = std::chrono::steady_clock::now();  // the age counts from the read
  spare_.begin(false);
  const std::span<std::byte> staged = spare_.stage(n, addr_, prefix_);
  const platform::ReadResult got = process.read_memory(addr_, staged);
  if (got.bytes != n) return;  // short or failed: the request reads (and reports) it itself
  spare_.encode_staged(n, enc_);
  prepared_ = n;
  use_before_ = read_at + max_age;
}

std::size_t SpeculativeRead::take(std::uint64_t addr, std::size_t length,
                                  protocol::StagedEncoding enc, std::string_view prefix,
                                  protocol::ReplyBuffer& reply) noexcept {
  const std::size_t n = prepared_;
  prepared_ = 0;
  const bool match = n != 0 && addr == addr_ && length == length_ && enc == enc_ &&
                     prefix == prefix_ &&
                     std::chrono::steady_clock::now() < use_before_;
  if (!match) return 0;
  std::swap(reply, spare_);
  ++hits_;
  return n;
}

}  // namespace rspstub::stub
