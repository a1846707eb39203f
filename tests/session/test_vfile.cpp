// vFile (Host I/O): every operation gdb uses, on real files in a private temporary directory,
// with their errors; write opens refused; the per-connection limit of open files; files closed
// when the connection ends. The fake process carries this test's own pid, so that
// vFile:setfs:<pid> selects a real process's filesystem view (ours).
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "fixture.hpp"
#include "platform/host_files.hpp"

using namespace rspstub;
using namespace rspstub::test;

namespace {

std::string hex_number(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(v));
  return buf;
}

int open_fd_count() {
  int n = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d) != nullptr) ++n;
    closedir(d);
  }
  return n;
}

// Big-endian field of the wire's struct stat.
std::uint64_t be_field(std::string_view bytes, std::size_t off, std::size_t width) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[off + i]);
  return v;
}

struct VfileFixture {
  platform::fake::FakeProcess proc{static_cast<int>(::getpid())};
  stub::SessionConfig config;
  stub::Logger log;
  std::unique_ptr<stub::Session> session;
  std::unique_ptr<Driver> wire;
  std::filesystem::path dir;
  std::string content;  // all 256 byte values, several times: # $ } * included

  VfileFixture() {
    log.set_level(stub::LogLevel::error);
    char tmpl[] = "/tmp/rspstub-vfile-XXXXXX";
    BOOST_REQUIRE(::mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    for (int round = 0; round < 40; ++round)
      for (int b = 0; b < 256; ++b) content += static_cast<char>((b * 7 + round) & 0xff);
    write_file("data.bin", content);
    restart();
  }
  ~VfileFixture() { std::filesystem::remove_all(dir); }

  void write_file(const std::string& name, const std::string& bytes) {
    std::ofstream(dir / name, std::ios::binary) << bytes;
  }
  std::string path(const std::string& name) const { return (dir / name).string(); }

  void restart() {
    session.reset();
    session = std::make_unique<stub::Session>(proc, config, log);
    wire = std::make_unique<Driver>(Driver{*session});
    wire->start_no_ack();
  }

  std::string ask(std::string_view payload) { return payload_of(wire->send(payload)); }

  std::string open(const std::string& p, std::uint64_t flags = 0, std::uint64_t mode = 0) {
    return ask("vFile:open:" + to_hex(p) + "," + hex_number(flags) + "," + hex_number(mode));
  }
  // Opens and returns the handle, failing the test if the reply is not F<handle>.
  int open_ok(const std::string& p) {
    const std::string r = open(p);
    BOOST_REQUIRE_MESSAGE(r.size() > 1 && r[0] == 'F' && r[1] != '-', "open " << p << ": " << r);
    return static_cast<int>(std::stoul(r.substr(1), nullptr, 16));
  }
  std::string pread(int fd, std::uint64_t count, std::uint64_t offset) {
    return ask("vFile:pread:" + hex_number(fd) + "," + hex_number(count) + "," + hex_number(offset));
  }
  // Splits "F<n>;<escaped data>" into n and the unescaped data; checks n matches the data.
  std::string data_of(const std::string& reply) {
    const std::size_t semi = reply.find(';');
    BOOST_REQUIRE_MESSAGE(reply.size() > 1 && reply[0] == 'F' && semi != std::string::npos,
                          "not an F reply with data: " << reply.substr(0, 40));
    const std::size_t n = std::stoul(reply.substr(1, semi - 1), nullptr, 16);
    std::string data = unescape(std::string_view(reply).substr(semi + 1));
    BOOST_TEST(data.size() == n);
    return data;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(vfile, VfileFixture)

BOOST_AUTO_TEST_CASE(gdb_probe_of_a_missing_file_is_enoent) {
  // gdb 13's first Host I/O packets (captured): setfs 0, then a probing open.
  BOOST_TEST(ask("vFile:setfs:0") == "F0");
  BOOST_TEST(ask("vFile:open:6a7573742070726f62696e67,0,1c0") == "F-1,2");
}

BOOST_AUTO_TEST_CASE(open_pread_fstat_close) {
  const int fd = open_ok(path("data.bin"));
  // The whole file, chunk by chunk as gdb reads it, every byte exact.
  std::string got;
  while (true) {
    const std::string data = data_of(pread(fd, 0x1000, got.size()));
    if (data.empty()) break;
    got += data;
  }
  BOOST_TEST(got == content);
  BOOST_TEST(pread(fd, 0x10, content.size() + 100) == "F0;");
  BOOST_TEST(data_of(pread(fd, 5, 300)) == content.substr(300, 5));

  const std::string st = data_of(ask("vFile:fstat:" + hex_number(fd)));
  BOOST_REQUIRE(st.size() == 64u);
  struct stat real {};
  BOOST_REQUIRE(::stat(path("data.bin").c_str(), &real) == 0);
  BOOST_TEST(be_field(st, 28, 8) == content.size());                       // st_size
  BOOST_TEST(be_field(st, 8, 4) == (S_IFREG | (real.st_mode & 0777)));  // st_mode
  BOOST_TEST(be_field(st, 4, 4) == (real.st_ino & 0xffffffffu));         // st_ino
  BOOST_TEST(be_field(st, 56, 4) == (static_cast<std::uint64_t>(real.st_mtime) & 0xffffffffu));

  BOOST_TEST(ask("vFile:close:" + hex_number(fd)) == "F0");
  BOOST_TEST(ask("vFile:close:" + hex_number(fd)) == "F-1,9");  // EBADF
  BOOST_TEST(pread(fd, 1, 0) == "F-1,9");
  BOOST_TEST(ask("vFile:fstat:" + hex_number(fd)) == "F-1,9");
}

BOOST_AUTO_TEST_CASE(handles_never_opened_are_ebadf) {
  BOOST_TEST(pread(0, 1, 0) == "F-1,9");
  BOOST_TEST(pread(63, 1, 0) == "F-1,9");
  BOOST_TEST(pread(0x7fffffff, 1, 0) == "F-1,9");
  BOOST_TEST(ask("vFile:close:5") == "F-1,9");
}

BOOST_AUTO_TEST_CASE(write_opens_are_refused_and_change_nothing) {
  const std::string target = path("data.bin");
  for (std::uint64_t flags : {0x1u, 0x2u, 0x8u, 0x201u, 0x200u, 0x400u, 0x601u, 0x800u, 0xa01u}) {
    BOOST_TEST(open(target, flags, 0644) == "F-1,d", "flags 0x" << hex_number(flags));
  }
  BOOST_TEST(open(path("new-file"), 0x201, 0644) == "F-1,d");  // O_CREAT|O_WRONLY
  BOOST_TEST(!std::filesystem::exists(dir / "new-file"));
  BOOST_TEST(std::filesystem::file_size(target) == content.size());  // not truncated
  BOOST_TEST(open(target, 0x10000, 0) == "F-1,16");  // a flag the protocol does not define
}

BOOST_AUTO_TEST_CASE(write_operations_are_not_offered) {
  const int fd = open_ok(path("data.bin"));
  BOOST_TEST(ask("vFile:pwrite:" + hex_number(fd) + ",0:abc") == "");
  BOOST_TEST(ask("vFile:unlink:" + to_hex(path("data.bin"))) == "");
  BOOST_TEST(std::filesystem::exists(dir / "data.bin"));
  BOOST_TEST(ask("vFile:nosuchop:1") == "");
  BOOST_TEST(ask("vFile:") == "");
}

BOOST_AUTO_TEST_CASE(read_only_refuses_write_operations_with_e0c) {
  config.read_only = true;
  restart();
  const int fd = open_ok(path("data.bin"));  // reading still works
  BOOST_TEST(ask("vFile:pwrite:" + hex_number(fd) + ",0:abc") == "E0c");
  BOOST_TEST(ask("vFile:unlink:" + to_hex(path("data.bin"))) == "E0c");
  BOOST_TEST(ask("vFile:open:" + to_hex(path("data.bin")) + ",1,1a4") == "E0c");
  BOOST_TEST(ask("vFile:open:" + to_hex(path("new-file")) + ",241,1a4") == "E0c");
  BOOST_TEST(std::filesystem::exists(dir / "data.bin"));
  BOOST_TEST(!std::filesystem::exists(dir / "new-file"));
  BOOST_TEST(pread(fd, 4, 0).starts_with("F4;"));
}

BOOST_AUTO_TEST_CASE(malformed_parameters_are_einval) {
  BOOST_TEST(ask("vFile:open:2f746d7,0,0") == "F-1,16");  // odd number of hex digits
  BOOST_TEST(ask("vFile:open:2f74zz,0,0") == "F-1,16");   // not hex
  BOOST_TEST(ask("vFile:open:2f74") == "F-1,16");         // no flags, no mode
  BOOST_TEST(ask("vFile:open:2f74,0,0,0") == "F-1,16");   // one too many
  BOOST_TEST(ask("vFile:open:2f74,0") == "F-1,16");
  BOOST_TEST(ask("vFile:pread:0,10") == "F-1,16");
  BOOST_TEST(ask("vFile:pread:0,zz,0") == "F-1,16");
  BOOST_TEST(ask("vFile:pread:0,10,11112222333344445") == "F-1,16");  // 17 digits
  BOOST_TEST(ask("vFile:pread:-1,10,0") == "F-1,16");
  BOOST_TEST(ask("vFile:pread:100000000,1,0") == "F-1,16");  // handle beyond int
  BOOST_TEST(ask("vFile:close:") == "F-1,16");
  BOOST_TEST(ask("vFile:close:1,2") == "F-1,16");
  BOOST_TEST(ask("vFile:fstat:x") == "F-1,16");
  BOOST_TEST(ask("vFile:setfs:") == "F-1,16");
  BOOST_TEST(ask("vFile:readlink:2") == "F-1,16");
  BOOST_TEST(ask("vFile:open:2f00,0,0") == "F-1,16");    // "/\0": a NUL inside the path
  BOOST_TEST(ask("vFile:open:,0,0") == "F-1,2");         // empty path: no such file
}

BOOST_AUTO_TEST_CASE(overlong_path_is_enametoolong) {
  const std::string longest(platform::HostFiles::kMaxPath + 1, 'a');
  BOOST_TEST(open("/" + longest) == "F-1,5b");  // ENAMETOOLONG is 91 in the protocol
}

BOOST_AUTO_TEST_CASE(directories_open_but_do_not_read) {
  const int fd = open_ok(dir.string());
  BOOST_TEST(pread(fd, 16, 0) == "F-1,15");  // EISDIR
  const std::string st = data_of(ask("vFile:fstat:" + hex_number(fd)));
  BOOST_TEST((be_field(st, 8, 4) & 0170000) == 040000u);  // S_IFDIR
}

BOOST_AUTO_TEST_CASE(devices_and_fifos_are_refused) {
  BOOST_TEST(open("/dev/null") == "F-1,d");
  BOOST_TEST(open("/dev/zero") == "F-1,d");
  BOOST_REQUIRE(::mkfifo(path("fifo").c_str(), 0600) == 0);
  BOOST_TEST(open(path("fifo")) == "F-1,d");  // and the open did not block on the FIFO
}

BOOST_AUTO_TEST_CASE(proc_files_are_served) {
  // gdb reads /proc/PID/task/PID/maps over vFile (captured): /proc files are regular files.
  const int fd = open_ok("/proc/self/maps");
  const std::string data = data_of(pread(fd, 0x1000, 0));
  BOOST_TEST(data.find(" r-xp ") != std::string::npos);  // a code mapping line
}

BOOST_AUTO_TEST_CASE(permission_denied_is_eacces) {
  write_file("secret", "x");
  std::filesystem::permissions(dir / "secret", std::filesystem::perms::none);
  if (::geteuid() == 0) {
    // root reads anything: the refusal cannot be provoked, but the open must still work.
    BOOST_TEST(open(path("secret"))[0] == 'F');
  } else {
    BOOST_TEST(open(path("secret")) == "F-1,d");
  }
}

BOOST_AUTO_TEST_CASE(at_most_64_open_files_then_emfile) {
  std::vector<int> fds;
  for (int i = 0; i < platform::HostFiles::kMaxOpen; ++i) fds.push_back(open_ok(path("data.bin")));
  std::sort(fds.begin(), fds.end());
  BOOST_TEST((std::adjacent_find(fds.begin(), fds.end()) == fds.end()));  // all distinct
  BOOST_TEST(open(path("data.bin")) == "F-1,18");                       // EMFILE (24)
  BOOST_TEST(ask("vFile:close:" + hex_number(fds[10])) == "F0");
  const int again = open_ok(path("data.bin"));
  BOOST_TEST(data_of(pread(again, 4, 0)) == content.substr(0, 4));
}

BOOST_AUTO_TEST_CASE(files_are_closed_when_the_connection_ends) {
  const int before = open_fd_count();
  int fd = -1;
  for (int i = 0; i < 10; ++i) fd = open_ok(path("data.bin"));
  BOOST_TEST(open_fd_count() == before + 10);
  restart();  // a new connection: the old session and its files are gone
  BOOST_TEST(open_fd_count() == before);
  BOOST_TEST(pread(fd, 1, 0) == "F-1,9");
}

BOOST_AUTO_TEST_CASE(pread_is_capped_to_one_packet) {
  config.packet_size = 0x200;
  restart();
  write_file("braces", std::string(0x1000, '}'));  // every byte needs escaping
  const int fd = open_ok(path("braces"));
  const std::string reply = pread(fd, 0x1000, 0);
  BOOST_TEST(reply.size() <= config.packet_size);
  const std::string data = data_of(reply);
  BOOST_TEST(data.size() > 0x80u);
  BOOST_TEST(data == std::string(data.size(), '}'));
  // Plain bytes: more of them fit.
  const int plain = open_ok(path("data.bin"));
  const std::string r2 = pread(plain, 0x1000, 0);
  BOOST_TEST(r2.size() <= config.packet_size);
  BOOST_TEST(data_of(r2) == content.substr(0, data_of(r2).size()));
}

BOOST_AUTO_TEST_CASE(readlink_returns_the_target) {
  std::filesystem::create_symlink("data.bin", dir / "link");
  BOOST_TEST(data_of(ask("vFile:readlink:" + to_hex(path("link")))) == "data.bin");
  BOOST_TEST(ask("vFile:readlink:" + to_hex(path("data.bin"))) == "F-1,16");  // not a link
  BOOST_TEST(ask("vFile:readlink:" + to_hex(path("missing"))) == "F-1,2");
}

BOOST_AUTO_TEST_CASE(setfs_selects_the_process_view) {
  const std::string pid = hex_number(static_cast<std::uint64_t>(::getpid()));
  BOOST_TEST(ask("vFile:setfs:" + pid) == "F0");
  // Absolute paths resolve in the process's root (here: the same as ours).
  const int fd = open_ok(path("data.bin"));
  BOOST_TEST(data_of(pread(fd, 8, 16)) == content.substr(16, 8));
  // Relative paths resolve against the process's working directory.
  const auto relative = std::filesystem::relative(dir / "data.bin", std::filesystem::current_path());
  const int rel = open_ok(relative.string());
  BOOST_TEST(data_of(pread(rel, 8, 0)) == content.substr(0, 8));
  std::filesystem::create_symlink("data.bin", dir / "link");
  BOOST_TEST(data_of(ask("vFile:readlink:" + to_hex(path("link")))) == "data.bin");
  BOOST_TEST(ask("vFile:readlink:" + to_hex(path("data.bin"))) == "F-1,16");  // not a link
  BOOST_TEST(ask("vFile:readlink:" + to_hex(path("missing"))) == "F-1,2");
  BOOST_TEST(ask("vFile:readlink:" + to_hex(relative.parent_path().string() + "/link")) ==
             "F8;data.bin");
  // An absolute symlink resolves inside the process's root.
  std::filesystem::create_symlink(dir / "data.bin", dir / "abs-link");
  const int via_link = open_ok(path("abs-link"));
  BOOST_TEST(data_of(pread(via_link, 4, 0)) == content.substr(0, 4));
  BOOST_TEST(ask("vFile:setfs:0") == "F0");
  BOOST_TEST(data_of(pread(fd, 4, 0)) == content.substr(0, 4));  // stays open across setfs
}

BOOST_AUTO_TEST_CASE(setfs_of_another_process_is_refused) {
  BOOST_TEST(ask("vFile:setfs:1") == "F-1,16");
  BOOST_TEST(ask("vFile:setfs:7fffffff") == "F-1,16");
}

BOOST_AUTO_TEST_CASE(setfs_of_a_process_that_has_gone_is_enoent) {
  // A fake process whose pid names no running process.
  platform::fake::FakeProcess gone{0x3ffffff0};
  stub::Session s(gone, config, log);
  Driver d{s};
  d.feed("+");
  BOOST_TEST(payload_of(d.send("vFile:setfs:3ffffff0"), true) == "F-1,2");
}

BOOST_AUTO_TEST_SUITE_END()
