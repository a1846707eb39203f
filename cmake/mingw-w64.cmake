# Cross-compiles rspstub for 64-bit Windows with Debian's mingw-w64 (posix thread variant: the
# win32 variant of GCC 12 has no std::thread/std::mutex). Tests run under wine through
# wine-run.sh. Use: cmake -S . -B build-windows -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64.cmake
# (tests/windows/run.sh does all of it).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)

set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)

# Static: wine would not find libstdc++/libgcc/libwinpthread DLLs (the program exits with 53).
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")

# Debian has no mingw build of the Boost libraries; the project needs only headers (Asio, and
# Boost.Test's header-only runner). find_package(Boost) finds the config in mingw-boost/, which
# makes Boost::headers over a folder holding one symlink boost -> /usr/include/boost (never
# /usr/include itself: it would pull glibc headers into mingw builds).
set(Boost_DIR "${CMAKE_CURRENT_LIST_DIR}/mingw-boost" CACHE PATH "" FORCE)
set(CMAKE_FIND_PACKAGE_PREFER_CONFIG ON)

# ctest (and CMake) run the .exe programs through wine.
set(CMAKE_CROSSCOMPILING_EMULATOR "${CMAKE_CURRENT_LIST_DIR}/wine-run.sh")
