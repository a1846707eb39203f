// Small text helpers for the XML documents the stub serves through qXfer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rspstub::stub {

// Appends `text` with &, <, >, " escaped, so that it can stand in a double-quoted attribute.
void append_xml_escaped(std::string& out, std::string_view text);

// `v` in lower-case hex without a prefix or leading zeros ("0" for 0).
std::string hex_number(std::uint64_t v);

}  // namespace rspstub::stub
