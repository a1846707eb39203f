// errno -> platform::Error on Linux.
#include <boost/test/unit_test.hpp>

#include <cerrno>

#include "platform/linux/errno_map.hpp"

using rspstub::platform::Error;
using rspstub::platform::linux_backend::error_from_errno;

BOOST_AUTO_TEST_SUITE(errno_map)

BOOST_AUTO_TEST_CASE(memory_permission_and_gone) {
  BOOST_TEST((error_from_errno(EFAULT) == Error::no_memory));
  BOOST_TEST((error_from_errno(EIO) == Error::no_memory));
  BOOST_TEST((error_from_errno(EPERM) == Error::permission));
  BOOST_TEST((error_from_errno(EACCES) == Error::permission));
  BOOST_TEST((error_from_errno(ESRCH) == Error::process_gone));
  BOOST_TEST((error_from_errno(ENOENT) == Error::process_gone));
}

BOOST_AUTO_TEST_CASE(everything_else) {
  BOOST_TEST((error_from_errno(EINVAL) == Error::invalid_argument));
  BOOST_TEST((error_from_errno(ENOSYS) == Error::not_supported));
  BOOST_TEST((error_from_errno(EOPNOTSUPP) == Error::not_supported));
  BOOST_TEST((error_from_errno(ENOMEM) == Error::io_error));
  BOOST_TEST((error_from_errno(EMFILE) == Error::io_error));
  BOOST_TEST((error_from_errno(0) == Error::io_error));  // a failure is never "none"
}

BOOST_AUTO_TEST_SUITE_END()
