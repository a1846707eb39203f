#include "windows_child.hpp"

#include <boost/test/unit_test.hpp>

#include <stdexcept>

namespace rspstub::test {

std::string demo_program_path() {
  const auto& suite = boost::unit_test::framework::master_test_suite();
  if (suite.argc < 2) throw std::runtime_error("usage: platform_windows_tests -- DEMO.exe");
  return suite.argv[suite.argc - 1];
}

namespace {

std::string read_line(HANDLE h) {
  std::string line;
  char c = 0;
  DWORD got = 0;
  while (::ReadFile(h, &c, 1, &got, nullptr) && got == 1) {
    if (c == '\n') return line;
    if (c != '\r') line.push_back(c);
  }
  throw std::runtime_error("the demo program ended its output early");
}

}  // namespace

WindowsChild::WindowsChild(const std::string& program) {
  SECURITY_ATTRIBUTES inherit{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
  HANDLE out_read = nullptr, out_write = nullptr, in_read = nullptr;
  if (!::CreatePipe(&out_read, &out_write, &inherit, 0) ||
      !::CreatePipe(&in_read, &stdin_write_, &inherit, 0))
    throw std::runtime_error("CreatePipe failed");
  // Our ends stay ours.
  ::SetHandleInformation(out_read, HANDLE_FLAG_INHERIT, 0);
  ::SetHandleInformation(stdin_write_, HANDLE_FLAG_INHERIT, 0);

  STARTUPINFOA si{};
  si.cb = sizeof si;
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdInput = in_read;
  si.hStdOutput = out_write;
  si.hStdError = ::GetStdHandle(STD_ERROR_HANDLE);
  std::string cmdline = "\"" + program + "\"";
  const BOOL ok = ::CreateProcessA(program.c_str(), cmdline.data(), nullptr, nullptr, TRUE, 0,
                                   nullptr, nullptr, &si, &pi_);
  const DWORD err = ::GetLastError();
  ::CloseHandle(out_write);
  ::CloseHandle(in_read);
  if (!ok) {
    ::CloseHandle(out_read);
    ::CloseHandle(stdin_write_);
    throw std::runtime_error("cannot start " + program + ": error " + std::to_string(err));
  }
  try {
    for (std::string line = read_line(out_read); line != "ready"; line = read_line(out_read)) {
      const auto space = line.find(' ');
      if (space != std::string::npos) values_[line.substr(0, space)] = line.substr(space + 1);
    }
  } catch (...) {
    ::CloseHandle(out_read);
    terminate();
    close_handle();
    ::CloseHandle(stdin_write_);
    throw;
  }
  ::CloseHandle(out_read);
}

WindowsChild::~WindowsChild() {
  if (stdin_write_ != nullptr) ::CloseHandle(stdin_write_);  // the demo reads EOF and exits
  if (pi_.hProcess != nullptr && ::WaitForSingleObject(pi_.hProcess, 5000) != WAIT_OBJECT_0)
    terminate();
  close_handle();
}

std::uint64_t WindowsChild::value(const std::string& key) const {
  const auto it = values_.find(key);
  if (it == values_.end()) throw std::runtime_error("the demo did not report " + key);
  // Addresses come as %p (hex, with or without 0x), the rest as decimal.
  const bool hex = key != "pid" && key != "main_tid" && key != "ticker_tid" && key != "page_size";
  return std::stoull(it->second, nullptr, hex ? 16 : 10);
}

void WindowsChild::terminate() {
  if (pi_.hProcess == nullptr) return;
  ::TerminateProcess(pi_.hProcess, 9);
  ::WaitForSingleObject(pi_.hProcess, 10000);
}

void WindowsChild::close_handle() {
  if (pi_.hThread != nullptr) ::CloseHandle(pi_.hThread);
  if (pi_.hProcess != nullptr) ::CloseHandle(pi_.hProcess);
  pi_.hThread = nullptr;
  pi_.hProcess = nullptr;
}

}  // namespace rspstub::test
