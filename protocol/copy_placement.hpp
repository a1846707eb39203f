// Where to put a buffer that the kernel fills by copying from another address space
// (process_vm_readv, ReadProcessMemory): half a page away from the source, modulo 4 KiB.
//
// Why: the kernel copies with `rep movsb` on CPUs with fast short string moves (FSRM), and on
// AMD Zen (the EPYC this project is measured on) that copy runs 3-4x slower when the
// destination sits 1-31 bytes past the source modulo 4 KiB (4K aliasing between its loads and
// stores): process_vm_readv of 128 KiB pieces measured 1.3-1.8 GB/s there, against 4.7-5.6 GB/s
// at any distance from 32 to 4095 bytes. A buffer from malloc/new[] sits 16 bytes past a page
// boundary, and target memory is mostly read from page or cache-line boundaries: exactly the
// slow case. Half a page is as far from it as the page allows, whatever the CPU's window.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rspstub::protocol {

// Extra room a buffer needs so that the placement below always fits.
inline constexpr std::size_t kCopyPlacementSlack = 4096;

// How many bytes to move `dest` forward (0..4095) so that it sits 2048 bytes past `source`
// modulo 4 KiB.
constexpr std::size_t copy_placement_shift(std::uintptr_t dest, std::uint64_t source) noexcept {
  return static_cast<std::size_t>((source + 2048 - dest) & 4095);
}

}  // namespace rspstub::protocol
