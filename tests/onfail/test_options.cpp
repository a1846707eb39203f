// The --on-failure options on the command line.
#include <boost/test/unit_test.hpp>

#include <vector>

#include "stub/options.hpp"

using namespace rspstub::stub;

namespace {
ParseResult parse(std::vector<const char*> args, Options& out) {
  args.insert(args.begin(), "rspstub");
  return parse_options(static_cast<int>(args.size()), args.data(), out);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(onfail_options)

BOOST_AUTO_TEST_CASE(full_form) {
  Options o;
  const auto r = parse({"--on-failure", "127.0.0.1:1234", "--wait", "600", "--timeout", "30", "--",
                        "./t", "-x"},
                       o);
  BOOST_TEST_REQUIRE((r.status == ParseStatus::run), r.message);
  BOOST_TEST(o.on_failure);
  BOOST_TEST(!o.backtrace_only);
  BOOST_TEST(o.port == 1234);
  BOOST_TEST(o.wait_seconds == 600u);
  BOOST_TEST(o.timeout_seconds == 30u);
  BOOST_TEST(o.program.size() == 2u);
}

BOOST_AUTO_TEST_CASE(defaults_and_unix) {
  Options o;
  BOOST_TEST_REQUIRE((parse({"--on-failure", "unix:/tmp/x.sock", "--", "./t"}, o).status ==
                      ParseStatus::run));
  BOOST_TEST((o.transport == Transport::unix_socket));
  BOOST_TEST(o.wait_seconds == 600u);
  BOOST_TEST(o.timeout_seconds == 0u);
}

BOOST_AUTO_TEST_CASE(backtrace_only_needs_no_address) {
  Options o;
  BOOST_TEST_REQUIRE((parse({"--backtrace-only", "--", "./t"}, o).status == ParseStatus::run));
  BOOST_TEST(o.on_failure);
  BOOST_TEST(o.backtrace_only);
}

BOOST_AUTO_TEST_CASE(errors) {
  const std::vector<std::vector<const char*>> bad = {
      {"--on-failure", ":1", "--"},                              // no program
      {"--on-failure"},                                          // no address
      {"--on-failure", "nonsense", "--", "./t"},                 // bad address
      {"--on-failure", "-", "--", "./t"},                        // stdio cannot wait
      {"--on-failure", ":1", "--attach", "5"},                   // attach
      {"--on-failure", ":1", "--wait", "x", "--", "./t"},        // bad number
      {"--on-failure", ":1", "--timeout", "-1", "--", "./t"},
      {"--on-failure", ":1", "--wait", "99999999", "--", "./t"},  // beyond 30 days
      {":2", "--on-failure", ":1", "--", "./t"},                 // two addresses
      {"--wait", "5", "--", "./t"},                              // no address at all
  };
  for (const auto& args : bad) {
    Options o;
    const auto r = parse(args, o);
    BOOST_TEST((r.status == ParseStatus::error), "accepted: " << args.size() << " args");
    BOOST_TEST(!r.message.empty());
  }
}

BOOST_AUTO_TEST_SUITE_END()

// The tuning options of every mode (this is the one test file of the command line's parser).
BOOST_AUTO_TEST_SUITE(tuning_options)

BOOST_AUTO_TEST_CASE(poll_us) {
  Options o;
  BOOST_TEST(o.poll_us == 200u);  // the default
  BOOST_TEST_REQUIRE((parse({"--poll-us", "0", ":1", "--", "./t"}, o).status == ParseStatus::run));
  BOOST_TEST(o.poll_us == 0u);
  BOOST_TEST_REQUIRE(
      (parse({"--poll-us", "100000", ":1", "--", "./t"}, o).status == ParseStatus::run));
  BOOST_TEST(o.poll_us == 100000u);
  for (const char* bad : {"-1", "100001", "x", "", "1e3", "0x10"}) {
    Options p;
    const auto r = parse({"--poll-us", bad, ":1", "--", "./t"}, p);
    BOOST_TEST((r.status == ParseStatus::error), "accepted --poll-us " << bad);
    BOOST_TEST(r.message.find("--poll-us") != std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()
