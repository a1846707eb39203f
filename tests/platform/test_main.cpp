// The Boost.Test runner (header-only variant) for each platform test program.
#define BOOST_TEST_MODULE platform
#include <boost/test/included/unit_test.hpp>
