// The Boost.Test runner (header-only variant) for the --on-failure unit tests.
#define BOOST_TEST_MODULE onfail
#include <boost/test/included/unit_test.hpp>
