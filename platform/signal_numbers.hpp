// The signal numbers the platform interface speaks (StopEvent::signal, ResumeAction::signal,
// fatal_signal.hpp, ...): POSIX names with their Linux x86-64 numbers, on every host. The Linux
// backend passes its own signals through unchanged (platform/signals.cpp checks they agree);
// the Windows backend maps debug exceptions onto these (an access violation is `segv`, a
// breakpoint `trap`). The stub converts them to gdb's numbering (stub/signals.hpp).
//
// Not the stub's own signals (asking rspstub to exit): those are the host's, see
// termination_signals() in platform/signals.hpp.
#pragma once

namespace rspstub::platform::posix_signal {

inline constexpr int hup = 1;
inline constexpr int int_ = 2;  // SIGINT (`int` is a keyword)
inline constexpr int quit = 3;
inline constexpr int ill = 4;
inline constexpr int trap = 5;
inline constexpr int abrt = 6;
inline constexpr int bus = 7;
inline constexpr int fpe = 8;
inline constexpr int kill = 9;
inline constexpr int usr1 = 10;
inline constexpr int segv = 11;
inline constexpr int usr2 = 12;
inline constexpr int pipe = 13;
inline constexpr int alrm = 14;
inline constexpr int term = 15;
inline constexpr int stkflt = 16;
inline constexpr int chld = 17;
inline constexpr int cont = 18;
inline constexpr int stop = 19;
inline constexpr int tstp = 20;
inline constexpr int ttin = 21;
inline constexpr int ttou = 22;
inline constexpr int urg = 23;
inline constexpr int xcpu = 24;
inline constexpr int xfsz = 25;
inline constexpr int vtalrm = 26;
inline constexpr int prof = 27;
inline constexpr int winch = 28;
inline constexpr int io = 29;
inline constexpr int pwr = 30;
inline constexpr int sys = 31;

}  // namespace rspstub::platform::posix_signal
