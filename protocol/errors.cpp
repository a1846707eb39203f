#include "protocol/errors.hpp"

#include <array>

namespace rspstub::protocol {
namespace {

constexpr std::array<ErrorInfo, 13> kTable{{
    {ErrorCode::none, "none", "no error"},
    {ErrorCode::malformed, "malformed", "malformed packet"},
    {ErrorCode::range_overflow, "range_overflow",
     "address range wraps past the end of the address space"},
    {ErrorCode::too_large, "too_large", "request exceeds a limit of the stub"},
    {ErrorCode::no_memory, "no_memory", "no accessible memory at this address"},
    {ErrorCode::permission, "permission", "access denied by the operating system"},
    {ErrorCode::process_gone, "process_gone", "the process has exited"},
    {ErrorCode::not_in_this_mode, "not_in_this_mode",
     "refused: rspstub runs in --no-stop (inspection-only) mode"},
    {ErrorCode::no_such_thread, "no_such_thread", "no such thread"},
    {ErrorCode::not_found, "not_found", "no such object, annex, register or file"},
    {ErrorCode::io_error, "io_error", "operating system error"},
    {ErrorCode::invalid_argument, "invalid_argument", "invalid argument"},
    {ErrorCode::read_only, "read_only", "refused: rspstub runs with --read-only"},
}};

}  // namespace

std::span<const ErrorInfo> error_table() noexcept { return kTable; }

const ErrorInfo& error_info(ErrorCode code) noexcept {
  auto i = static_cast<std::size_t>(code);
  return i < kTable.size() ? kTable[i] : kTable[static_cast<std::size_t>(ErrorCode::io_error)];
}

}  // namespace rspstub::protocol
