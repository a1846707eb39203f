// The Windows backend's pure rules: Win32 error codes and VirtualQueryEx answers, in the
// platform's terms.
#include <boost/test/unit_test.hpp>

#include <windows.h>

#include "error_printing.hpp"
#include "platform/windows/region_info.hpp"
#include "platform/windows/win32_error_map.hpp"

namespace platform = rspstub::platform;
using platform::Error;
namespace wb = rspstub::platform::windows_backend;

BOOST_AUTO_TEST_SUITE(windows_pure)

BOOST_AUTO_TEST_CASE(win32_errors_map_onto_platform_errors) {
  BOOST_TEST(wb::error_from_win32(ERROR_ACCESS_DENIED) == Error::permission);
  BOOST_TEST(wb::error_from_win32(ERROR_PARTIAL_COPY) == Error::no_memory);
  BOOST_TEST(wb::error_from_win32(ERROR_NOACCESS) == Error::no_memory);
  BOOST_TEST(wb::error_from_win32(ERROR_INVALID_ADDRESS) == Error::no_memory);
  BOOST_TEST(wb::error_from_win32(ERROR_INVALID_PARAMETER) == Error::invalid_argument);
  BOOST_TEST(wb::error_from_win32(ERROR_NOT_SUPPORTED) == Error::not_supported);
  BOOST_TEST(wb::error_from_win32(ERROR_PROCESS_ABORTED) == Error::process_gone);
  BOOST_TEST(wb::error_from_win32(0) == Error::io_error);
  BOOST_TEST(wb::error_from_win32(ERROR_DISK_FULL) == Error::io_error);
  // OpenProcess on a pid that names no process.
  BOOST_TEST(wb::open_process_error(ERROR_INVALID_PARAMETER) == Error::process_gone);
  BOOST_TEST(wb::open_process_error(ERROR_ACCESS_DENIED) == Error::permission);
}

namespace {

MEMORY_BASIC_INFORMATION region(DWORD state, DWORD protect) {
  MEMORY_BASIC_INFORMATION m{};
  m.BaseAddress = reinterpret_cast<void*>(std::uintptr_t{0x10000});
  m.RegionSize = 0x3000;
  m.State = state;
  m.Protect = protect;
  return m;
}

}  // namespace

BOOST_AUTO_TEST_CASE(protections_map_onto_permissions) {
  const auto rw = wb::region_from(region(MEM_COMMIT, PAGE_READWRITE));
  BOOST_TEST((rw.mapped && rw.readable && rw.writable && !rw.executable));
  BOOST_TEST(rw.start == 0x10000u);
  BOOST_TEST(rw.end == 0x13000u);

  const auto rx = wb::region_from(region(MEM_COMMIT, PAGE_EXECUTE_READ));
  BOOST_TEST((rx.readable && !rx.writable && rx.executable));
  const auto cow = wb::region_from(region(MEM_COMMIT, PAGE_EXECUTE_WRITECOPY));
  BOOST_TEST((cow.readable && cow.writable && cow.executable));
  const auto x = wb::region_from(region(MEM_COMMIT, PAGE_EXECUTE));
  BOOST_TEST((!x.readable && x.executable));

  const auto none = wb::region_from(region(MEM_COMMIT, PAGE_NOACCESS));
  BOOST_TEST((none.mapped && !none.readable && !none.writable && !none.executable));
  const auto guard = wb::region_from(region(MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD));
  BOOST_TEST((guard.mapped && !guard.readable && !guard.writable));
  // Modifiers do not hide the access bits.
  const auto nocache = wb::region_from(region(MEM_COMMIT, PAGE_READONLY | PAGE_NOCACHE));
  BOOST_TEST((nocache.readable && !nocache.writable));

  const auto reserved = wb::region_from(region(MEM_RESERVE, 0));
  BOOST_TEST((reserved.mapped && !reserved.readable && !reserved.executable));
  const auto free_ = wb::region_from(region(MEM_FREE, PAGE_NOACCESS));
  BOOST_TEST((!free_.mapped && !free_.readable));
}

BOOST_AUTO_TEST_SUITE_END()
