// Pure RSP encoding helpers for the benchmark's client: framing, checksums, run-length
// expansion, binary unescaping, hex decoding and error replies. No I/O.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bench::rsp {

// A reply that breaks the protocol (bad checksum, bad hex, bad run length...).
struct ProtocolError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::uint8_t checksum(std::string_view bytes);

// Appends "$payload#cs" to out. The payload must need no escaping (requests are plain text).
void append_frame(std::string& out, std::string_view payload);

// Decodes a received payload as gdb does: first `c*N` run lengths are expanded over the raw
// bytes, then `}x` escapes are undone. Without run lengths the payload is decoded in place
// (the view is a prefix of raw); with them, into scratch.
std::string_view decode_payload(std::span<char> raw, std::string& scratch);

// Undoes `}x` escapes in place; returns the decoded size.
std::size_t unescape_in_place(char* data, std::size_t size);

// `E NN` (two hex digits, optionally followed by `;text`): the error number; `E.text`: -1.
std::optional<int> parse_error(std::string_view payload);

// Hex text → bytes; out must hold hex.size() / 2 bytes. Throws ProtocolError on an odd length
// or a non-hex digit.
void hex_decode(std::string_view hex, std::uint8_t* out);

// The pass under hex_decode and the streaming decoder (body_decoder.cpp): decodes the digit
// pairs of hex[0, hex.size() & ~1) into out up to the first character that is not a hex digit,
// and adds every digit it decoded to `sum`, all in one pass (AVX2 where the CPU has it, else
// SSE2). Returns the digits decoded (even): hex.size() & ~1 when all were hex. Nothing past them
// is summed.
std::size_t hex_decode_summing(std::string_view hex, std::uint8_t* out, unsigned& sum);

// The same for escaped binary (`x` replies): copies raw to out undoing `}x` escapes, adding every
// raw byte it consumes to `sum`, in one pass (AVX2 where the CPU has it). Stops at a '*' (a run
// length: the caller decodes the whole body instead) and before a final lone '}' (its pair has
// not arrived). Returns the raw bytes consumed; *written gets the bytes written. out must hold
// raw.size() bytes (the AVX2 pass stores whole 32-byte blocks).
std::size_t unescape_summing(std::string_view raw, std::uint8_t* out, std::size_t* written,
                             unsigned& sum);

// How a stub encodes reply data (the benchmark's own payloads, the tests' scripted replies):
// lower-case hex for `m`; for `x`, '#', '$', '}' and '*' become '}' and the byte xor 0x20.
std::string hex_encode(std::span<const std::uint8_t> bytes);
std::string escape_binary(std::span<const std::uint8_t> bytes);

// Writes the hex digits of value (lower case, no leading zeros) to out; returns the count.
std::size_t format_hex(std::uint64_t value, char* out);

}  // namespace bench::rsp
