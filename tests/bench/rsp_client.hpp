// The benchmark's own RSP client: one blocking TCP connection to a stub, the handshake, and
// memory reads with `m` (hex) or `x` (binary, either dialect). Independent of the project's
// protocol/ library on purpose: it measures the stubs, including rspstub, from outside.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bench::rsp {

enum class ReadKind { m, x };

// How a stub answers `x`: not at all (gdbserver 13), `b` + escaped binary (GDB's `x`, announced
// by `binary-upload+`), or bare escaped binary after an `OK` to the `x0,0` probe (LLDB's `x`).
enum class XDialect { none, prefixed, bare };
const char* to_string(XDialect dialect);

struct Features {
  std::size_t packet_size = 0;  // PacketSize=, parsed as hex as gdb and lldb do; 0 if absent
  bool binary_upload = false;
  bool no_ack = false;  // QStartNoAckMode answered OK
  std::string reply;    // the whole qSupported reply
};

// The stub answered `E NN` (code -1 for `E.text`) where data was expected.
struct StubError : std::runtime_error {
  StubError(int code, const std::string& what) : std::runtime_error(what), code(code) {}
  int code;
};

struct ReadStats {
  std::uint64_t requests = 0;
  std::uint64_t short_replies = 0;
};

// Receives each reply's bytes as they arrive: (address of the first byte, the bytes).
using Sink = std::function<void(std::uint64_t, std::span<const std::uint8_t>)>;

class Client {
 public:
  explicit Client(std::uint16_t port, std::chrono::seconds timeout = std::chrono::seconds(60));
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // QStartNoAckMode (in ack mode), qSupported, `?`, then the `x` dialect (probing `x0,0`
  // only when the stub did not announce binary-upload+).
  void handshake();
  const Features& features() const { return features_; }
  XDialect x_dialect() const { return x_dialect_; }

  // Sends one packet and returns the decoded reply payload, valid until the next call.
  std::string_view transact(std::string_view payload);

  // Reads [address, address + length) with requests of at most `request` bytes. A short
  // reply is fine: the next request starts where it stopped. Throws StubError on `E NN`,
  // ProtocolError on anything malformed.
  void read(ReadKind kind, std::uint64_t address, std::uint64_t length, std::size_t request,
            const Sink& sink);

  const ReadStats& stats() const { return stats_; }

 private:
  std::size_t read_once(ReadKind kind, std::uint64_t address, std::size_t length, const Sink& sink);
  std::span<const std::uint8_t> reply_bytes(ReadKind kind, std::string_view reply,
                                            std::size_t asked);
  void send_request(char op, std::uint64_t address, std::size_t length);
  void send_packet(std::string_view payload);
  void send_all(std::string_view bytes);
  std::string_view receive_payload();
  // Returns the bytes between '$' and '#' of the next packet, checksum checked.
  std::span<char> receive_frame();
  struct Frame {
    std::span<char> body;
    int sum;  // the checksum after '#', -1 if not hex
  };
  template <typename Progress>
  Frame receive_frame_parts(Progress&& progress);
  static int frame_checksum(const char* hash);
  static void check_checksum(std::span<const char> body, int sum);
  bool looks_like_data(ReadKind kind, bool prefixed, std::span<const char> body) const;
  void fill();

  int fd_ = -1;
  Features features_;
  XDialect x_dialect_ = XDialect::none;
  bool ack_mode_ = true;
  ReadStats stats_;
  std::vector<char> in_;  // received bytes [head_, tail_)
  std::size_t head_ = 0;
  std::size_t tail_ = 0;
  std::string out_;                   // the frame being sent, reused
  std::string decoded_;               // run-length expansion scratch, reused
  std::vector<std::uint8_t> binary_;  // decoded reply data, reused
};

}  // namespace bench::rsp
