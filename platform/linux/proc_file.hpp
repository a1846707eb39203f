// Reading whole /proc files and directories.
#pragma once

#include <string>
#include <vector>

namespace rspstub::platform::linux_backend {

// Reads the whole file at `path` into `out` (procfs files report size 0, so this reads until end
// of file). Returns 0, or the errno of the failure.
int read_whole_file(const std::string& path, std::string& out);

// The names of the entries of directory `path`, without "." and "..". Returns 0 or an errno.
int list_directory(const std::string& path, std::vector<std::string>& names);

// The target of symbolic link `path`. Returns 0 or an errno.
int read_link(const std::string& path, std::string& out);

}  // namespace rspstub::platform::linux_backend
