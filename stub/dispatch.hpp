// The dispatch table: which handler serves which packet.
//
// Each entry is {name, match, handler}. `exact` entries match the whole payload; `prefix`
// entries match payloads that start with the name and get the rest as arguments.
// Ordering rule: among the entries that match, the longest name wins (so "vCont?" beats
// "vCont", and "qXfer:" beats nothing shorter). An unknown packet gets the empty reply.
#pragma once

#include <string_view>

#include "stub/context.hpp"

namespace rspstub::stub {

using Handler = void (*)(Context&, std::string_view args);

enum class Match : unsigned char { exact, prefix };

struct DispatchEntry {
  std::string_view name;
  Match match;
  Handler handler;
};

// Finds the handler for `payload`; sets `args` to what follows the name. nullptr if none.
const DispatchEntry* find_handler(std::string_view payload, std::string_view& args) noexcept;

}  // namespace rspstub::stub
