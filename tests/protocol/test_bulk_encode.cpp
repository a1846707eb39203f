// The bulk encoders of the memory-read path (protocol/bulk_encode.hpp), each code path on its
// own against the byte-by-byte reference: sizes around every block width (16 and 32 bytes),
// special bytes at every position of a block, escape-free and all-special data, out of place and
// in place (the input n bytes or more past the output, as ReplyBuffer::stage lays it out).
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "protocol/bulk_encode.hpp"
#include "test_util.hpp"

namespace bulk = rspstub::protocol::bulk;
using bulk::Path;

namespace {

const char* name(Path p) { return p == Path::avx2 ? "avx2" : "portable"; }

unsigned byte_sum(std::string_view s) {
  unsigned sum = 0;
  for (unsigned char c : s) sum += c;
  return sum & 255;
}

// Encodes `data` with `path`, out of place and in place (the input `gap` bytes past the
// output, gap >= n), and checks both against the reference, with the checksum.
void check_both_ways(std::span<const std::byte> data, bool hex, Path path, std::size_t gap) {
  const std::string want = hex ? rsptest::ref_hex(data) : rsptest::ref_escape(data);
  const auto* src = reinterpret_cast<const unsigned char*>(data.data());
  const std::size_t n = data.size();

  std::vector<char> out(2 * n + 1);
  unsigned sum = 7;  // encoders add to what is there
  std::size_t len = 2 * n;
  if (hex) bulk::encode_hex(src, n, out.data(), sum, path);
  else len = bulk::escape_binary(src, n, out.data(), sum, path);
  BOOST_TEST((std::string_view(out.data(), len) == want));
  BOOST_TEST((sum & 255) == ((7 + byte_sum(want)) & 255));

  std::vector<char> room(gap + n + 1);
  if (n != 0) std::memcpy(room.data() + gap, data.data(), n);
  unsigned in_place_sum = 0;
  len = 2 * n;
  auto* staged = reinterpret_cast<const unsigned char*>(room.data() + gap);
  if (hex) bulk::encode_hex(staged, n, room.data(), in_place_sum, path);
  else len = bulk::escape_binary(staged, n, room.data(), in_place_sum, path);
  BOOST_TEST((std::string_view(room.data(), len) == want));
  BOOST_TEST((in_place_sum & 255) == byte_sum(want));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bulk_encode)

BOOST_AUTO_TEST_CASE(every_size_up_to_three_blocks_of_32) {
  // The log says which paths the cases really ran.
  BOOST_TEST_MESSAGE("AVX2 " << (bulk::avx2_available() ? "available"
                                                        : "not available: avx2 runs portable"));
  for (Path path : {Path::portable, Path::avx2, Path::best}) {
    for (bool hex : {true, false}) {
      for (std::size_t n = 0; n <= 100; ++n) {
        BOOST_TEST_CONTEXT(name(path) << (hex ? " hex" : " escape") << " n=" << n) {
          const auto data = rsptest::test_bytes(n, static_cast<std::uint32_t>(n + 11));
          check_both_ways(data, hex, path, n);
          check_both_ways(data, hex, path, n + 5);
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_special_byte_at_every_position_of_a_block) {
  for (Path path : {Path::portable, Path::avx2}) {
    for (unsigned char special : {'#', '$', '}', '*'}) {
      for (std::size_t at = 0; at < 64; ++at) {
        BOOST_TEST_CONTEXT(name(path) << " '" << special << "' at " << at) {
          std::vector<std::byte> data(64, std::byte{'a'});
          data[at] = static_cast<std::byte>(special);
          if (at + 7 < 64) data[at + 7] = std::byte{'}'};  // a second one in some blocks
          check_both_ways(data, false, path, 64);
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(no_escapes_and_all_escapes) {
  for (Path path : {Path::portable, Path::avx2}) {
    BOOST_TEST_CONTEXT(name(path)) {
      std::vector<std::byte> plain(4096), special(4096);
      for (std::size_t i = 0; i < plain.size(); ++i) {
        plain[i] = static_cast<std::byte>(0x40 + i % 32);  // never one of the four
        special[i] = static_cast<std::byte>("#$}*"[i % 4]);
      }
      check_both_ways(plain, false, path, 4096);
      check_both_ways(special, false, path, 4096);  // the output doubles: 8 KiB in place
      check_both_ways(plain, true, path, 4096);
    }
  }
}

BOOST_AUTO_TEST_CASE(large_random_inputs) {
  for (Path path : {Path::portable, Path::avx2}) {
    for (bool hex : {true, false}) {
      BOOST_TEST_CONTEXT(name(path) << (hex ? " hex" : " escape")) {
        const auto data = rsptest::test_bytes(65536 + 29, 99);
        check_both_ways(data, hex, path, data.size());
      }
    }
  }
}


// Run-length hex (encode_hex_runs): what a client gets back after expanding `c*N` as gdb does.
namespace {

// Encodes `data` with encode_hex_runs (hex) or escape_binary_runs, out of place and in place.
// Both must give the same wire; expanded as gdb does (then unescaped, for binary) it must give
// the plain hex or the bytes back; the sum must be of what was written; every count must be
// safe; and the wire must be no longer than without runs. Returns the wire.
std::string check_runs(std::span<const std::byte> data, Path path, bool hex) {
  const auto encode = hex ? bulk::encode_hex_runs : bulk::escape_binary_runs;
  const auto* src = reinterpret_cast<const unsigned char*>(data.data());
  const std::size_t n = data.size();
  std::vector<char> out(2 * n + 1);
  unsigned sum = 7;
  const std::size_t len = encode(src, n, out.data(), sum, path);
  const std::string wire(out.data(), len);
  const std::string expanded = rsptest::ref_expand_runs(wire);
  if (hex) {
    BOOST_TEST(len <= 2 * n);
    BOOST_TEST(expanded == rsptest::ref_hex(data));
  } else {
    BOOST_TEST(len <= rsptest::ref_escape(data).size());
    std::string bytes;
    for (std::size_t i = 0; i < expanded.size(); ++i)
      bytes += expanded[i] == '}' ? static_cast<char>(expanded[++i] ^ 0x20) : expanded[i];
    BOOST_TEST((bytes == std::string(reinterpret_cast<const char*>(src), n)));
  }
  BOOST_TEST((sum & 255) == ((7 + byte_sum(wire)) & 255));
  for (std::size_t i = 0; i < wire.size(); ++i) {
    if (!hex && wire[i] == '}') {
      ++i;  // an escaped byte, never a run's
      continue;
    }
    if (wire[i] != '*') continue;
    BOOST_TEST_REQUIRE(i + 1 < wire.size());
    const char count = wire[++i];
    BOOST_TEST((count >= ' ' && count <= '~'));  // a repeat of 3 to 97
    BOOST_TEST(std::string_view("#$*+-}").find(count) == std::string_view::npos);
  }
  std::vector<char> room(n + n + 1);
  if (n != 0) std::memcpy(room.data() + n, data.data(), n);
  unsigned in_place_sum = 0;
  const std::size_t in_place_len = encode(reinterpret_cast<const unsigned char*>(room.data() + n),
                                          n, room.data(), in_place_sum, path);
  BOOST_TEST((std::string_view(room.data(), in_place_len) == wire));
  BOOST_TEST((in_place_sum & 255) == byte_sum(wire));
  return wire;
}

}  // namespace

BOOST_AUTO_TEST_CASE(binary_runs_of_bytes_that_need_no_escape_are_compressed_and_expand_back) {
  for (Path path : {Path::portable, Path::avx2}) {
    std::vector<std::byte> zeros(65536, std::byte{0});
    BOOST_TEST(check_runs(zeros, path, false).size() < 2048u);
    // Runs of 0-300 bytes of bytes that need no escape (00, 'A', ff) and of ones that do ('#',
    // '}', '*': never compressed), between random bytes, at every offset within a block.
    for (unsigned value : {0x00u, 0x41u, 0xffu, 0x23u, 0x7du, 0x2au}) {
      for (std::size_t run = 0; run <= 300; run += (run < 70 ? 1 : 23)) {
        for (std::size_t offset : {0u, 1u, 17u, 31u, 32u}) {
          BOOST_TEST_CONTEXT(name(path) << " byte " << value << " run " << run << " at "
                                        << offset) {
            auto data = rsptest::test_bytes(offset + run + 40, static_cast<std::uint32_t>(run));
            for (std::size_t i = 0; i < run; ++i) data[offset + i] = std::byte(value);
            const std::string wire = check_runs(data, path, false);
            const bool special = value == 0x23 || value == 0x7d || value == 0x2a;
            if (run >= 32 + 31 && !special)
              BOOST_TEST(wire.size() < rsptest::ref_escape(data).size());
            if (special) BOOST_TEST(wire == rsptest::ref_escape(data));
          }
        }
      }
    }
    // Runs whose last count would be unsafe: 98 bytes per full group, then 8 or 14 left.
    for (std::size_t bytes : {106u, 112u, 100u, 204u, 210u}) {
      BOOST_TEST_CONTEXT(name(path) << " " << bytes << " zero bytes") {
        check_runs(std::vector<std::byte>(bytes, std::byte{0}), path, false);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(runs_of_one_digit_bytes_are_compressed_and_expand_back) {
  for (Path path : {Path::portable, Path::avx2}) {
    // Zeroed memory: 64 KiB of zeros is 128 Ki digits in about 4 KiB.
    std::vector<std::byte> zeros(65536, std::byte{0});
    BOOST_TEST(check_runs(zeros, path, true).size() < 4096u);
    // Runs of every length from 0 to 300 of every one-digit byte (00, 11, ... ff) and of one
    // that is not (0x12: "1212..." has no run of one digit), between random bytes, at every
    // offset within a 32-byte block.
    for (unsigned value : {0x00u, 0x11u, 0x77u, 0xffu, 0x12u}) {
      for (std::size_t run = 0; run <= 300; run += (run < 70 ? 1 : 23)) {
        for (std::size_t offset : {0u, 1u, 17u, 31u, 32u}) {
          BOOST_TEST_CONTEXT(name(path) << " byte " << value << " run " << run << " at "
                                        << offset) {
            auto data = rsptest::test_bytes(offset + run + 40, static_cast<std::uint32_t>(run));
            for (std::size_t i = 0; i < run; ++i) data[offset + i] = std::byte(value);
            const std::string wire = check_runs(data, path, true);
            // A run over a whole block of a one-digit byte is always compressed.
            if (run >= 32 + 31 && value != 0x12) BOOST_TEST(wire.size() < 2 * data.size());
            if (value == 0x12) BOOST_TEST(wire.size() == 2 * data.size());
          }
        }
      }
    }
    // Runs whose last count would be an unsafe character: 98 digits per full group (a count of
    // 97), then 8 digits left (a count of 7: '$') or 14 (13: '*'); and 2 left, sent plain.
    for (std::size_t bytes : {53u, 56u, 50u, 102u, 105u}) {
      BOOST_TEST_CONTEXT(name(path) << " " << bytes << " zero bytes") {
        check_runs(std::vector<std::byte>(bytes, std::byte{0}), path, true);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
