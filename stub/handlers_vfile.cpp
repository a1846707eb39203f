// Host I/O (vFile packets): the debugger reads files on the stub's machine, read-only.
//
// gdb 13 with its default sysroot `target:` uses these to read the executable and every shared
// library (and a few /proc files) instead of needing local copies. lldb 19 in `gdb-remote` mode
// does not send them (it reads its local files).
//
// Replies follow the GDB File-I/O conventions: `F<result>` in hex, `F-1,<errno>` with the
// protocol's errno numbering in hex, and `;<escaped binary>` attachments. A packet whose
// parameters do not parse gets `F-1,16` (EINVAL): every Host I/O reply is an `F` reply, and gdb
// treats anything else the same way. An operation we do not offer (pwrite, unlink, ...) gets an
// empty reply (not supported).
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "protocol/hex.hpp"
#include "stub/handlers.hpp"

namespace rspstub::stub::handlers {
namespace {

using platform::FileError;

// GDB File-I/O protocol errno values ("Errno Values" in the GDB manual).
int wire_errno(FileError e) {
  switch (e) {
    case FileError::none: return 0;
    case FileError::not_permitted: return 1;
    case FileError::no_entry: return 2;
    case FileError::interrupted: return 4;
    case FileError::bad_handle: return 9;
    case FileError::access_denied: return 13;
    case FileError::fault: return 14;
    case FileError::busy: return 16;
    case FileError::exists: return 17;
    case FileError::no_device: return 19;
    case FileError::not_directory: return 20;
    case FileError::is_directory: return 21;
    case FileError::invalid_argument: return 22;
    case FileError::too_many_open_system: return 23;
    case FileError::too_many_open: return 24;
    case FileError::too_big: return 27;
    case FileError::no_space: return 28;
    case FileError::illegal_seek: return 29;
    case FileError::read_only_fs: return 30;
    case FileError::name_too_long: return 91;
    case FileError::unknown: return 9999;
  }
  return 9999;
}

// Open flags ("Open Flags" in the GDB manual). Only O_RDONLY (0) is ever honoured.
constexpr std::uint64_t kOpenWriteOnly = 0x1, kOpenReadWrite = 0x2, kOpenAppend = 0x8,
                        kOpenCreate = 0x200, kOpenTruncate = 0x400, kOpenExclusive = 0x800;
constexpr std::uint64_t kOpenKnownFlags =
    kOpenWriteOnly | kOpenReadWrite | kOpenAppend | kOpenCreate | kOpenTruncate | kOpenExclusive;

// Mode bits the protocol knows ("mode_t Values"): regular file, directory, character device,
// and the permission bits. Their values are the POSIX ones.
constexpr std::uint32_t kModeRegular = 0100000, kModeDirectory = 040000, kModeCharDevice = 020000,
                        kModePermissions = 0777;

void put_error(Context& ctx, FileError e) {
  ctx.reply.put("F-1,");
  ctx.reply.put_hex_number(static_cast<std::uint64_t>(wire_errno(e)));
}

void put_result(Context& ctx, std::uint64_t value) {
  ctx.reply.put('F');
  ctx.reply.put_hex_number(value);
}

// Parameters are comma-separated; splits off the next one.
std::string_view next_param(std::string_view& params) {
  const std::size_t comma = params.find(',');
  std::string_view field = params.substr(0, comma);
  params = comma == std::string_view::npos ? std::string_view{} : params.substr(comma + 1);
  return field;
}

bool next_number(std::string_view& params, std::uint64_t& out) {
  auto v = protocol::parse_hex_u64(next_param(params));
  if (!v) return false;
  out = *v;
  return true;
}

// A hex-encoded path. Longer than HostFiles::kMaxPath: name_too_long.
FileError decode_path(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0) return FileError::invalid_argument;
  if (hex.size() / 2 > platform::HostFiles::kMaxPath) return FileError::name_too_long;
  out.resize(hex.size() / 2);
  if (!protocol::decode_hex(hex, std::as_writable_bytes(std::span(out.data(), out.size()))))
    return FileError::invalid_argument;
  return FileError::none;
}

// How many of `bytes` fit in `budget` reply bytes once escaped (see ReplyBuffer::put_binary).
std::size_t fitting_prefix(std::span<const std::byte> bytes, std::size_t budget) {
  std::size_t used = 0, n = 0;
  for (std::byte b : bytes) {
    const char c = static_cast<char>(b);
    const std::size_t cost = (c == '#' || c == '$' || c == '}' || c == '*') ? 2 : 1;
    if (used + cost > budget) break;
    used += cost;
    ++n;
  }
  return n;
}

// Room a reply leaves for escaped data: PacketSize minus the `F<n>;` header.
std::size_t data_budget(const Context& ctx) {
  constexpr std::size_t kHeaderRoom = 32;
  return ctx.config.packet_size > 2 * kHeaderRoom ? ctx.config.packet_size - kHeaderRoom
                                                  : kHeaderRoom;
}

void put_big_endian(std::vector<std::byte>& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::byte>((v >> (8 * i)) & 0xff));
}

// The protocol's 64-byte struct stat, big-endian ("struct stat" in the GDB manual). Fields
// wider on the host are truncated to the wire's width, as the protocol defines them.
std::vector<std::byte> wire_stat(const platform::FileStat& st) {
  std::uint32_t mode = st.mode & kModePermissions;
  const std::uint32_t type = st.mode & 0170000;
  if (type == kModeRegular || type == kModeDirectory || type == kModeCharDevice) mode |= type;
  std::vector<std::byte> out;
  out.reserve(64);
  put_big_endian(out, st.device, 4);
  put_big_endian(out, st.inode, 4);
  put_big_endian(out, mode, 4);
  put_big_endian(out, st.links, 4);
  put_big_endian(out, st.uid, 4);
  put_big_endian(out, st.gid, 4);
  put_big_endian(out, st.rdev, 4);
  put_big_endian(out, st.size, 8);
  put_big_endian(out, st.block_size, 8);
  put_big_endian(out, st.blocks, 8);
  put_big_endian(out, static_cast<std::uint64_t>(st.atime), 4);
  put_big_endian(out, static_cast<std::uint64_t>(st.mtime), 4);
  put_big_endian(out, static_cast<std::uint64_t>(st.ctime), 4);
  return out;
}

// vFile:setfs:<pid>  ->  F0 | F-1,<errno>
// 0 selects the stub's own filesystem view; the served process's pid selects its view (root
// and working directory). Other pids are refused with EINVAL.
void setfs(Context& ctx, std::string_view params) {
  std::uint64_t pid = 0;
  if (!next_number(params, pid) || !params.empty()) return put_error(ctx, FileError::invalid_argument);
  if (pid != 0 && pid != static_cast<std::uint64_t>(ctx.process.pid()))
    return put_error(ctx, FileError::invalid_argument);
  if (auto e = ctx.state.host_files.set_filesystem(static_cast<int>(pid)); e != FileError::none)
    return put_error(ctx, e);
  put_result(ctx, 0);
}

// vFile:open:<hex path>,<flags>,<mode>  ->  F<handle> | F-1,<errno>
// Read-only opens only: any write, append, create, truncate or exclusive flag gets EACCES and a
// log line; the mode (for creating) is parsed and ignored.
void open(Context& ctx, std::string_view params) {
  const std::string_view hex_path = next_param(params);
  std::uint64_t flags = 0, mode = 0;
  if (!next_number(params, flags) || !next_number(params, mode) || !params.empty())
    return put_error(ctx, FileError::invalid_argument);
  std::string path;
  if (auto e = decode_path(hex_path, path); e != FileError::none) return put_error(ctx, e);
  if ((flags & ~kOpenKnownFlags) != 0) return put_error(ctx, FileError::invalid_argument);
  if (flags != 0) {
    char hex_flags[24];
    std::snprintf(hex_flags, sizeof hex_flags, "%llx", static_cast<unsigned long long>(flags));
    ctx.log.log(LogLevel::warn, "vFile:open of " + path + " with flags 0x" + hex_flags +
                                    " refused: files are served read-only");
    return put_error(ctx, FileError::access_denied);
  }
  auto handle = ctx.state.host_files.open_read_only(path);
  if (!handle) return put_error(ctx, handle.error());
  put_result(ctx, static_cast<std::uint64_t>(*handle));
}

bool parse_handle(std::string_view& params, int& handle) {
  std::uint64_t v = 0;
  if (!next_number(params, v) || v > static_cast<std::uint64_t>(INT32_MAX)) return false;
  handle = static_cast<int>(v);
  return true;
}

// vFile:pread:<handle>,<count>,<offset>  ->  F<n>;<n escaped bytes> | F-1,<errno>
// At most as many bytes as fit in one PacketSize reply once escaped; F0; at end of file.
void pread(Context& ctx, std::string_view params) {
  int handle = 0;
  std::uint64_t count = 0, offset = 0;
  if (!parse_handle(params, handle) || !next_number(params, count) ||
      !next_number(params, offset) || !params.empty())
    return put_error(ctx, FileError::invalid_argument);
  const std::size_t budget = data_budget(ctx);
  std::vector<std::byte> data(static_cast<std::size_t>(std::min<std::uint64_t>(count, budget)));
  auto n = ctx.state.host_files.pread(handle, data, offset);
  if (!n) return put_error(ctx, n.error());
  const std::size_t sent = fitting_prefix(std::span(data).first(*n), budget);
  put_result(ctx, sent);
  ctx.reply.put(';');
  ctx.reply.put_binary(std::span(data).first(sent));
}

// vFile:fstat:<handle>  ->  F40;<64-byte struct stat, escaped> | F-1,<errno>
void fstat(Context& ctx, std::string_view params) {
  int handle = 0;
  if (!parse_handle(params, handle) || !params.empty())
    return put_error(ctx, FileError::invalid_argument);
  auto st = ctx.state.host_files.fstat(handle);
  if (!st) return put_error(ctx, st.error());
  const std::vector<std::byte> bytes = wire_stat(*st);
  put_result(ctx, bytes.size());
  ctx.reply.put(';');
  ctx.reply.put_binary(bytes);
}

// vFile:close:<handle>  ->  F0 | F-1,<errno>
void close(Context& ctx, std::string_view params) {
  int handle = 0;
  if (!parse_handle(params, handle) || !params.empty())
    return put_error(ctx, FileError::invalid_argument);
  if (auto e = ctx.state.host_files.close(handle); e != FileError::none) return put_error(ctx, e);
  put_result(ctx, 0);
}

// vFile:readlink:<hex path>  ->  F<length>;<target, escaped> | F-1,<errno>
void readlink(Context& ctx, std::string_view params) {
  std::string path;
  if (auto e = decode_path(params, path); e != FileError::none) return put_error(ctx, e);
  auto target = ctx.state.host_files.readlink(path);
  if (!target) return put_error(ctx, target.error());
  if (target->size() > data_budget(ctx) / 2) return put_error(ctx, FileError::name_too_long);
  put_result(ctx, target->size());
  ctx.reply.put(';');
  ctx.reply.put_binary(std::as_bytes(std::span(target->data(), target->size())));
}

// Operations that would change the stub's file system. None is offered; with --read-only they
// are refused with E0c (like every other write), so the refusal is explicit, not "unsupported".
bool is_write_operation(std::string_view operation) {
  for (std::string_view w : {"pwrite", "unlink", "symlink", "chmod", "mkdir", "rename", "chown"})
    if (operation == w) return true;
  return false;
}

// vFile:open asking for anything but reading.
bool opens_for_writing(std::string_view params) {
  next_param(params);  // the path
  std::uint64_t flags = 0;
  return !next_number(params, flags) || flags != 0;
}

}  // namespace

// Packet:  vFile:<operation>:<parameters>
// Reply:   F<result>[;<attachment>] / F-1,<errno> (see above); empty for operations not offered.
//          With --read-only: E0c for write operations (pwrite, unlink, ...) and an open for
//          writing.
// Clients: gdb (setfs, open, pread, fstat, close, readlink: whenever its sysroot is target:,
//          the default); lldb only in platform mode, which rspstub does not offer.
void host_io(Context& ctx, std::string_view args) {
  const std::size_t colon = args.find(':');
  if (colon == std::string_view::npos) return;  // "vFile:foo": no such operation
  const std::string_view operation = args.substr(0, colon), params = args.substr(colon + 1);
  if (ctx.config.read_only &&
      (is_write_operation(operation) || (operation == "open" && opens_for_writing(params))))
    return ctx.error(protocol::ErrorCode::read_only);
  if (operation == "setfs") return setfs(ctx, params);
  if (operation == "open") return open(ctx, params);
  if (operation == "pread") return pread(ctx, params);
  if (operation == "fstat") return fstat(ctx, params);
  if (operation == "close") return close(ctx, params);
  if (operation == "readlink") return readlink(ctx, params);
  // pwrite, unlink, ... : not offered (empty reply). Files are only ever read.
}

}  // namespace rspstub::stub::handlers
