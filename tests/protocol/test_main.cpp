// The one translation unit holding the Boost.Test runner (header-only variant).
#define BOOST_TEST_MODULE protocol
#include <boost/test/included/unit_test.hpp>
