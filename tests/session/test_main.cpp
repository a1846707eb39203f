#define BOOST_TEST_MODULE session
#include <boost/test/included/unit_test.hpp>
