// WindowsDebuggee: starting (launch, attach), the Process half, registers, breakpoints, detach
// and kill. Events and resumes are in windows_debuggee_events.cpp.
#include "platform/windows/windows_debuggee.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "platform/windows/thread_context.hpp"
#include "platform/windows/wide_text.hpp"
#include "platform/windows/win32_error_map.hpp"

namespace rspstub::platform::windows_backend {
namespace {

// How long launch/attach wait for the first stop, and detach/kill for the process to settle.
constexpr auto kStartTimeout = std::chrono::seconds(30);
constexpr auto kSettleTimeout = std::chrono::seconds(5);

// One argument as the C runtime's command-line parser reads it back: quoted when needed, with
// backslashes doubled only where they precede a quote.
void append_quoted(std::wstring& out, const std::wstring& arg) {
  if (!arg.empty() && arg.find_first_of(L" \t\n\v\"") == std::wstring::npos) {
    out += arg;
    return;
  }
  out += L'"';
  std::size_t backslashes = 0;
  for (wchar_t c : arg) {
    if (c == L'\\') {
      ++backslashes;
      continue;
    }
    out.append(c == L'"' ? 2 * backslashes + 1 : backslashes, L'\\');
    backslashes = 0;
    out += c;
  }
  out.append(2 * backslashes, L'\\');
  out += L'"';
}

std::string win32_message(DWORD code) {
  wchar_t* text = nullptr;
  const DWORD n = ::FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                       FORMAT_MESSAGE_IGNORE_INSERTS,
                                   nullptr, code, 0, reinterpret_cast<LPWSTR>(&text), 0, nullptr);
  std::string message = n > 0 ? utf8_from_wide(std::wstring_view(text, n)) : std::string();
  if (text != nullptr) ::LocalFree(text);
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r' ||
                              message.back() == ' ' || message.back() == '.'))
    message.pop_back();
  return message + " (Windows error " + std::to_string(code) + ")";
}

}  // namespace

Result<std::unique_ptr<WindowsDebuggee>> WindowsDebuggee::launch(const LaunchSpec& spec,
                                                                 std::string& message) {
  if (spec.argv.empty() || spec.argv.front().empty()) {
    message = "no program to start";
    return Error::invalid_argument;
  }
  std::wstring command_line;
  for (const std::string& arg : spec.argv) {
    if (!command_line.empty()) command_line += L' ';
    append_quoted(command_line, wide_from_utf8(arg));
  }
  // A Unicode environment block: NAME=value\0...\0\0.
  std::wstring environment;
  if (spec.env) {
    for (const std::string& e : *spec.env) environment += wide_from_utf8(e) + L'\0';
    environment += L'\0';
  }
  const std::wstring cwd = wide_from_utf8(spec.working_dir);

  std::unique_ptr<WindowsDebuggee> d(new WindowsDebuggee(/*launched=*/true));
  DWORD error = 0;
  const bool started = d->debugger_->run(
      [&] {
        STARTUPINFOW si{};
        si.cb = sizeof si;
        PROCESS_INFORMATION pi{};
        const DWORD flags = DEBUG_ONLY_THIS_PROCESS | (spec.env ? CREATE_UNICODE_ENVIRONMENT : 0);
        // Handles are inherited so the program shares the stub's standard streams.
        if (!::CreateProcessW(nullptr, command_line.data(), nullptr, nullptr, TRUE, flags,
                              spec.env ? environment.data() : nullptr,
                              cwd.empty() ? nullptr : cwd.c_str(), &si, &pi)) {
          error = ::GetLastError();
          return false;
        }
        // The debug events bring their own handles.
        ::CloseHandle(pi.hThread);
        ::CloseHandle(pi.hProcess);
        return true;
      },
      /*starts_debugging=*/true);
  if (!started) {
    message = "cannot execute " + spec.argv.front() + ": " + win32_message(error);
    return error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND ||
                   error == ERROR_BAD_EXE_FORMAT
               ? Error::invalid_argument
               : error_from_win32(error);
  }
  if (const Error e = d->wait_for_first_stop(); e != Error::none) {
    message = "the program did not reach its first instruction under the debugger";
    return e;
  }
  return d;
}

Result<std::unique_ptr<WindowsDebuggee>> WindowsDebuggee::attach(int pid) {
  if (pid <= 0) return Error::invalid_argument;
  // The inspection half first: it tells a missing process from a refused one.
  auto inner = WindowsProcess::attach(pid);
  if (!inner) return inner.error();
  std::unique_ptr<WindowsDebuggee> d(new WindowsDebuggee(/*launched=*/false));
  DWORD error = 0;
  const bool attached = d->debugger_->run(
      [&] {
        if (!::DebugActiveProcess(static_cast<DWORD>(pid))) {
          error = ::GetLastError();
          return false;
        }
        ::DebugSetProcessKillOnExit(FALSE);  // if the stub dies, the program runs on
        return true;
      },
      /*starts_debugging=*/true);
  if (!attached) return error == ERROR_ACCESS_DENIED ? Error::permission : error_from_win32(error);
  if (const Error e = d->wait_for_first_stop(); e != Error::none) return e;
  return d;
}

Error WindowsDebuggee::wait_for_first_stop() {
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto ev = debugger_->next_event(100);
    if (!ev) continue;
    auto stop = handle(*ev);
    if (gone_) return Error::process_gone;
    if (stop) return Error::none;
  }
  return Error::io_error;
}

WindowsDebuggee::~WindowsDebuggee() {
  if (gone_) return;
  if (launched_)
    kill();
  else
    detach(0);
}

WindowsDebuggee::Thread* WindowsDebuggee::find(int tid) noexcept {
  for (Thread& t : threads_)
    if (static_cast<int>(t.tid) == tid) return &t;
  return nullptr;
}

bool WindowsDebuggee::alive() const noexcept { return !gone_ && inner_ && inner_->alive(); }

// --- memory (breakpoints hidden) ---

ReadResult WindowsDebuggee::read_memory(std::uint64_t addr, std::span<std::byte> out) noexcept {
  if (gone_ || !inner_) return {0, Error::process_gone};
  const ReadResult r = inner_->read_memory(addr, out);
  if (r.bytes > 0) breakpoints_.show_original(addr, out.first(r.bytes));
  return r;
}

WriteResult WindowsDebuggee::write_memory(std::uint64_t addr, std::span<const std::byte> in) noexcept {
  if (gone_ || !inner_) return {0, Error::process_gone};
  if (in.empty()) return {0, Error::invalid_argument};
  // Bytes over our breakpoints become their saved originals; the int3 stays (no allocation).
  std::byte chunk[256];
  std::size_t done = 0;
  while (done < in.size()) {
    const std::size_t n = std::min(sizeof chunk, in.size() - done);
    std::memcpy(chunk, in.data() + done, n);
    breakpoints_.keep_in_place(addr + done, std::span(chunk, n));
    const WriteResult r = inner_->write_memory(addr + done, std::span<const std::byte>(chunk, n));
    done += r.bytes;
    if (r.bytes < n) return done > 0 ? WriteResult{done, Error::none} : r;
  }
  return {done, Error::none};
}

Result<MemoryRegion> WindowsDebuggee::region_at(std::uint64_t addr) {
  if (gone_ || !inner_) return Error::process_gone;
  return inner_->region_at(addr);
}

Result<std::vector<int>> WindowsDebuggee::threads() {
  if (gone_ || threads_.empty()) return Error::process_gone;
  std::vector<int> tids;
  for (const Thread& t : threads_) tids.push_back(static_cast<int>(t.tid));
  return tids;
}

Result<std::string> WindowsDebuggee::thread_name(int tid) {
  if (gone_ || !inner_) return Error::process_gone;
  if (!find(tid)) return Error::no_such_thread;
  return inner_->thread_name(tid);
}

Result<std::string> WindowsDebuggee::executable_path() {
  if (gone_ || !inner_) return Error::process_gone;
  return inner_->executable_path();
}

Result<std::vector<LoadedModule>> WindowsDebuggee::loaded_modules() {
  if (gone_ || !inner_) return Error::process_gone;
  return inner_->loaded_modules();
}

Result<ProcessInfo> WindowsDebuggee::info() {
  if (gone_ || !inner_) return Error::process_gone;
  return inner_->info();
}

Result<std::uint64_t> WindowsDebuggee::thread_information_block(int tid) {
  if (gone_) return Error::process_gone;
  const Thread* t = find(tid);
  if (!t) return Error::no_such_thread;
  return t->teb;
}

// --- registers ---

bool WindowsDebuggee::get_context(const Thread& t, CONTEXT& c) const noexcept {
  std::memset(&c, 0, sizeof c);
  c.ContextFlags = kContextFlags;
  return ::GetThreadContext(t.handle, &c) != 0;
}

bool WindowsDebuggee::set_context(const Thread& t, const CONTEXT& c) const noexcept {
  return ::SetThreadContext(t.handle, &c) != 0;
}

bool WindowsDebuggee::set_trap_flag(Thread& t, bool on) noexcept {
  CONTEXT c;
  if (!get_context(t, c)) return false;
  constexpr DWORD kTrapFlag = 0x100;
  c.EFlags = on ? (c.EFlags | kTrapFlag) : (c.EFlags & ~kTrapFlag);
  return set_context(t, c);
}

Result<x86_64::Registers> WindowsDebuggee::registers(int tid) {
  if (gone_) return Error::process_gone;
  const Thread* t = find(tid);
  if (!t) return Error::no_such_thread;
  if (!stopped()) return x86_64::Registers{};  // running: nothing is known
  CONTEXT c;
  if (!get_context(*t, c)) return alive() ? error_from_win32(::GetLastError()) : Error::process_gone;
  return registers_from_context(c, t->teb);
}

Error WindowsDebuggee::write_registers(int tid, const x86_64::Registers& regs) {
  if (gone_) return Error::process_gone;
  const Thread* t = find(tid);
  if (!t) return Error::no_such_thread;
  if (!stopped()) return Error::not_supported;
  CONTEXT c;
  if (!get_context(*t, c)) return error_from_win32(::GetLastError());
  registers_to_context(regs, c);
  if (!set_context(*t, c)) return error_from_win32(::GetLastError());
  return Error::none;
}

// --- breakpoints ---

Error WindowsDebuggee::insert_breakpoint(BreakpointType type, std::uint64_t addr,
                                         std::uint32_t length) {
  if (gone_ || !inner_) return Error::process_gone;
  if (type != BreakpointType::software) return change_debug_register(type, addr, length, true);
  if (breakpoints_.contains(addr)) return Error::none;
  std::byte original{};
  const ReadResult r = inner_->read_memory(addr, std::span(&original, 1));
  if (r.bytes != 1) return r.error;
  // write_memory makes a read-only code page writable for the write and flushes the
  // instruction cache (FlushInstructionCache).
  const WriteResult w = inner_->write_memory(addr, std::span(&kInt3, 1));
  if (w.bytes != 1) return w.error;
  breakpoints_.add(addr, original);
  return Error::none;
}

Error WindowsDebuggee::remove_breakpoint(BreakpointType type, std::uint64_t addr,
                                         std::uint32_t length) {
  if (gone_ || !inner_) return Error::process_gone;
  if (type != BreakpointType::software) return change_debug_register(type, addr, length, false);
  const auto* e = breakpoints_.find(addr);
  if (!e) return Error::none;
  const std::byte original = e->original;
  breakpoints_.remove(addr);
  if (addr == step_over_addr_ && stepping_over_ != 0) return Error::none;  // already out
  const WriteResult w = inner_->write_memory(addr, std::span(&original, 1));
  return w.bytes == 1 ? Error::none : w.error;
}

void WindowsDebuggee::restore_all_breakpoints() noexcept {
  for (const auto& e : breakpoints_.entries())
    if (!(stepping_over_ != 0 && e.addr == step_over_addr_))
      inner_->write_memory(e.addr, std::span(&e.original, 1));
  breakpoints_.clear();
  if (debug_regs_.any()) {
    debug_regs_.clear();
    apply_debug_registers_everywhere();
  }
}

// A debugger left: its breakpoints go with it, software and hardware.
Error WindowsDebuggee::remove_all_breakpoints() {
  if (gone_) return Error::process_gone;
  if (!stopped()) return Error::not_supported;  // the server retries at the next stop
  restore_all_breakpoints();
  return Error::none;
}

// --- leaving ---

Error WindowsDebuggee::detach(int signal) {
  if (gone_) return Error::process_gone;
  if (!stopped()) {
    interrupt();
    const auto deadline = std::chrono::steady_clock::now() + kSettleTimeout;
    while (!stopped() && !gone_ && std::chrono::steady_clock::now() < deadline) {
      if (auto ev = debugger_->next_event(100)) handle(*ev);
    }
    if (gone_) return Error::process_gone;
    if (!stopped()) return Error::io_error;
  }
  restore_all_breakpoints();
  for (Thread& t : threads_) set_trap_flag(t, false);
  resume_suspended();
  const DWORD status =
      signal != 0 && event_is_exception_ ? DBG_EXCEPTION_NOT_HANDLED : DBG_CONTINUE;
  const bool ok = debugger_->detach(event_, status, static_cast<DWORD>(pid_));
  event_.reset();
  gone_ = true;
  return ok ? Error::none : Error::io_error;
}

Error WindowsDebuggee::kill() {
  if (gone_) return Error::process_gone;
  ::TerminateProcess(process_, 1);
  if (event_) continue_outstanding(DBG_CONTINUE);
  // Collect events up to the process's exit (thread exits, the exit itself).
  const auto deadline = std::chrono::steady_clock::now() + kSettleTimeout;
  while (!gone_ && std::chrono::steady_clock::now() < deadline) {
    auto ev = debugger_->next_event(100);
    if (!ev) continue;
    if (ev->dwDebugEventCode == EXIT_PROCESS_DEBUG_EVENT) {
      debugger_->continue_event(*ev, DBG_CONTINUE);
      gone_ = true;
    } else {
      if (ev->dwDebugEventCode == CREATE_PROCESS_DEBUG_EVENT && ev->u.CreateProcessInfo.hFile)
        ::CloseHandle(ev->u.CreateProcessInfo.hFile);
      if (ev->dwDebugEventCode == LOAD_DLL_DEBUG_EVENT && ev->u.LoadDll.hFile)
        ::CloseHandle(ev->u.LoadDll.hFile);
      debugger_->continue_event(*ev, DBG_CONTINUE);
    }
  }
  if (!gone_) debugger_->detach(std::nullopt, DBG_CONTINUE, static_cast<DWORD>(pid_));
  gone_ = true;
  return Error::none;
}

}  // namespace rspstub::platform::windows_backend
