#include "stub/launch_settings.hpp"

#include <algorithm>

#include "platform/environment.hpp"

namespace rspstub::stub {
namespace {

bool names(std::string_view entry, std::string_view name) {
  return entry.size() > name.size() && entry.starts_with(name) && entry[name.size()] == '=';
}

}  // namespace

std::vector<std::string>& LaunchSettings::edited_environment() {
  if (!environment_) environment_ = platform::host_environment();
  return *environment_;
}

void LaunchSettings::set_variable(std::string_view assignment) {
  const std::string_view name = assignment.substr(0, assignment.find('='));
  unset_variable(name);
  edited_environment().emplace_back(assignment);
}

void LaunchSettings::unset_variable(std::string_view name) {
  std::erase_if(edited_environment(), [name](const std::string& e) { return names(e, name); });
}

platform::LaunchSpec LaunchSettings::spec_for(std::vector<std::string> argv) const {
  platform::LaunchSpec spec;
  spec.argv = std::move(argv);
  spec.env = environment_;
  spec.working_dir = working_dir_;
  spec.use_shell = shell_;
  spec.disable_aslr = disable_aslr_;
  return spec;
}

}  // namespace rspstub::stub
