#include "stub/library_list_xml.hpp"

#include "stub/xml_text.hpp"

namespace rspstub::stub {

std::string library_list_xml(std::span<const platform::LoadedModule> modules) {
  std::string xml = "<library-list version=\"1.0\">";
  for (const auto& m : modules) {
    xml += "<library name=\"";
    append_xml_escaped(xml, m.name);
    xml += "\"><segment address=\"0x" + hex_number(m.base + kPeTextOffset) + "\"/></library>";
  }
  xml += "</library-list>";
  return xml;
}

}  // namespace rspstub::stub
