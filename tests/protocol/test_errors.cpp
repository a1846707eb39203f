// protocol/errors.hpp: the one error table.
#include <boost/test/unit_test.hpp>
#include <set>
#include <string>
#include <string_view>

#include "protocol/errors.hpp"
#include "test_util.hpp"

using rspstub::protocol::error_info;
using rspstub::protocol::error_table;
using rspstub::protocol::ErrorCode;
using rspstub::protocol::ErrorInfo;

BOOST_AUTO_TEST_SUITE(errors)

BOOST_AUTO_TEST_CASE(table_is_complete_and_in_order) {
  const auto table = error_table();
  BOOST_TEST_REQUIRE(table.size() == 13u);  // 0x00 .. 0x0c
  for (std::size_t i = 0; i < table.size(); ++i)
    BOOST_TEST_CONTEXT("entry " << i) {
      BOOST_TEST(static_cast<unsigned>(table[i].code) == i);
    }
}

BOOST_AUTO_TEST_CASE(stable_codes_and_names) {
  // Codes are part of the protocol contract (README table): never renumber.
  struct Want {
    ErrorCode code;
    unsigned value;
    std::string_view name;
  };
  const Want want[] = {
      {ErrorCode::none, 0x00, "none"},
      {ErrorCode::malformed, 0x01, "malformed"},
      {ErrorCode::range_overflow, 0x02, "range_overflow"},
      {ErrorCode::too_large, 0x03, "too_large"},
      {ErrorCode::no_memory, 0x04, "no_memory"},
      {ErrorCode::permission, 0x05, "permission"},
      {ErrorCode::process_gone, 0x06, "process_gone"},
      {ErrorCode::not_in_this_mode, 0x07, "not_in_this_mode"},
      {ErrorCode::no_such_thread, 0x08, "no_such_thread"},
      {ErrorCode::not_found, 0x09, "not_found"},
      {ErrorCode::io_error, 0x0a, "io_error"},
      {ErrorCode::invalid_argument, 0x0b, "invalid_argument"},
      {ErrorCode::read_only, 0x0c, "read_only"},
  };
  const auto table = error_table();
  BOOST_TEST_REQUIRE(table.size() == std::size(want));
  for (std::size_t i = 0; i < std::size(want); ++i) {
    BOOST_TEST_CONTEXT("entry " << i) {
      BOOST_TEST(static_cast<unsigned>(want[i].code) == want[i].value);
      BOOST_TEST(table[i].code == want[i].code);
      BOOST_TEST(table[i].name == want[i].name);
    }
  }
}

BOOST_AUTO_TEST_CASE(names_unique_messages_present) {
  std::set<std::string_view> names, messages;
  for (const ErrorInfo& e : error_table()) {
    BOOST_TEST_CONTEXT("code " << static_cast<unsigned>(e.code)) {
      BOOST_TEST(!e.name.empty());
      BOOST_TEST(!e.message.empty());
      BOOST_TEST(names.insert(e.name).second);
      BOOST_TEST(messages.insert(e.message).second);
      // Names are identifiers; messages are one printable line.
      for (char c : e.name) BOOST_TEST(((c >= 'a' && c <= 'z') || c == '_'));
      for (char c : e.message) BOOST_TEST((c >= 0x20 && c < 0x7f));
    }
  }
}

BOOST_AUTO_TEST_CASE(codes_fit_two_hex_digits) {
  for (const ErrorInfo& e : error_table()) {
    const unsigned v = static_cast<unsigned>(e.code);
    BOOST_TEST(v <= 0xffu);
    BOOST_TEST(rsptest::hex2(v).size() == 2u);
  }
  // The last code leaves room to append without reaching three digits.
  BOOST_TEST(static_cast<unsigned>(error_table().back().code) == 0x0cu);
}

BOOST_AUTO_TEST_CASE(error_info_lookup) {
  for (const ErrorInfo& e : error_table()) {
    const ErrorInfo& got = error_info(e.code);
    BOOST_TEST(&got == &e);  // the table entry itself
  }
  BOOST_TEST(error_info(ErrorCode::no_memory).name == "no_memory");
  BOOST_TEST(error_info(ErrorCode::no_memory).message == "no accessible memory at this address");
  // Out-of-range values fall back to io_error rather than reading past the table.
  BOOST_TEST(error_info(static_cast<ErrorCode>(0x0d)).code == ErrorCode::io_error);
  BOOST_TEST(error_info(static_cast<ErrorCode>(0xff)).code == ErrorCode::io_error);
}

BOOST_AUTO_TEST_SUITE_END()
