# Boost for mingw-w64 cross builds (see ../mingw-w64.cmake): header-only targets over the host's
# Boost headers, reached through a build-tree folder that holds only the symlink boost/.
set(_rspstub_boost_include "${CMAKE_BINARY_DIR}/mingw-boost-include")
if(NOT EXISTS "${_rspstub_boost_include}/boost")
  file(MAKE_DIRECTORY "${_rspstub_boost_include}")
  file(CREATE_LINK /usr/include/boost "${_rspstub_boost_include}/boost" SYMBOLIC)
endif()

if(NOT TARGET Boost::headers)
  add_library(Boost::headers INTERFACE IMPORTED)
  # SYSTEM: Boost's own warnings are not ours.
  set_target_properties(Boost::headers PROPERTIES
    INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${_rspstub_boost_include}"
    INTERFACE_INCLUDE_DIRECTORIES "${_rspstub_boost_include}"
    # Asio on Windows: Windows 10 APIs, and its socket libraries.
    INTERFACE_COMPILE_DEFINITIONS "_WIN32_WINNT=0x0A00"
    INTERFACE_LINK_LIBRARIES "ws2_32;mswsock")
endif()
# Header-only Boost.Test: each test program includes <boost/test/included/unit_test.hpp> once.
if(NOT TARGET Boost::unit_test_framework)
  add_library(Boost::unit_test_framework INTERFACE IMPORTED)
  set_target_properties(Boost::unit_test_framework PROPERTIES
    INTERFACE_LINK_LIBRARIES Boost::headers)
endif()

foreach(_c IN LISTS Boost_FIND_COMPONENTS)
  if(_c STREQUAL "unit_test_framework")
    set(Boost_${_c}_FOUND TRUE)
  else()
    set(Boost_${_c}_FOUND FALSE)
  endif()
endforeach()
set(Boost_INCLUDE_DIRS "${_rspstub_boost_include}")
set(Boost_FOUND TRUE)
