#include "stub/target_xml.hpp"

namespace rspstub::stub {

namespace {

// Generated once from the register table; kept literal so what goes on the wire is in plain view.
// The description up to <osabi> and after it.
constexpr std::string_view kHead = R"XML(<?xml version="1.0"?>
<!DOCTYPE target SYSTEM "gdb-target.dtd">
<target>
  <architecture>i386:x86-64</architecture>
  <osabi>)XML";
constexpr std::string_view kTail = R"XML(</osabi>
  <feature name="org.gnu.gdb.i386.core">
    <flags id="i386_eflags" size="4">
      <field name="CF" start="0" end="0"/>
      <field name="" start="1" end="1"/>
      <field name="PF" start="2" end="2"/>
      <field name="AF" start="4" end="4"/>
      <field name="ZF" start="6" end="6"/>
      <field name="SF" start="7" end="7"/>
      <field name="TF" start="8" end="8"/>
      <field name="IF" start="9" end="9"/>
      <field name="DF" start="10" end="10"/>
      <field name="OF" start="11" end="11"/>
      <field name="NT" start="14" end="14"/>
      <field name="RF" start="16" end="16"/>
      <field name="VM" start="17" end="17"/>
      <field name="AC" start="18" end="18"/>
      <field name="VIF" start="19" end="19"/>
      <field name="VIP" start="20" end="20"/>
      <field name="ID" start="21" end="21"/>
    </flags>
    <reg name="rax" bitsize="64" type="int64" regnum="0"/>
    <reg name="rbx" bitsize="64" type="int64" regnum="1"/>
    <reg name="rcx" bitsize="64" type="int64" regnum="2"/>
    <reg name="rdx" bitsize="64" type="int64" regnum="3"/>
    <reg name="rsi" bitsize="64" type="int64" regnum="4"/>
    <reg name="rdi" bitsize="64" type="int64" regnum="5"/>
    <reg name="rbp" bitsize="64" type="data_ptr" regnum="6"/>
    <reg name="rsp" bitsize="64" type="data_ptr" regnum="7"/>
    <reg name="r8" bitsize="64" type="int64" regnum="8"/>
    <reg name="r9" bitsize="64" type="int64" regnum="9"/>
    <reg name="r10" bitsize="64" type="int64" regnum="10"/>
    <reg name="r11" bitsize="64" type="int64" regnum="11"/>
    <reg name="r12" bitsize="64" type="int64" regnum="12"/>
    <reg name="r13" bitsize="64" type="int64" regnum="13"/>
    <reg name="r14" bitsize="64" type="int64" regnum="14"/>
    <reg name="r15" bitsize="64" type="int64" regnum="15"/>
    <reg name="rip" bitsize="64" type="code_ptr" regnum="16"/>
    <reg name="eflags" bitsize="32" type="i386_eflags" regnum="17"/>
    <reg name="cs" bitsize="32" type="int32" regnum="18"/>
    <reg name="ss" bitsize="32" type="int32" regnum="19"/>
    <reg name="ds" bitsize="32" type="int32" regnum="20"/>
    <reg name="es" bitsize="32" type="int32" regnum="21"/>
    <reg name="fs" bitsize="32" type="int32" regnum="22"/>
    <reg name="gs" bitsize="32" type="int32" regnum="23"/>
    <reg name="st0" bitsize="80" type="i387_ext" regnum="24"/>
    <reg name="st1" bitsize="80" type="i387_ext" regnum="25"/>
    <reg name="st2" bitsize="80" type="i387_ext" regnum="26"/>
    <reg name="st3" bitsize="80" type="i387_ext" regnum="27"/>
    <reg name="st4" bitsize="80" type="i387_ext" regnum="28"/>
    <reg name="st5" bitsize="80" type="i387_ext" regnum="29"/>
    <reg name="st6" bitsize="80" type="i387_ext" regnum="30"/>
    <reg name="st7" bitsize="80" type="i387_ext" regnum="31"/>
    <reg name="fctrl" bitsize="32" type="int" regnum="32" group="float"/>
    <reg name="fstat" bitsize="32" type="int" regnum="33" group="float"/>
    <reg name="ftag" bitsize="32" type="int" regnum="34" group="float"/>
    <reg name="fiseg" bitsize="32" type="int" regnum="35" group="float"/>
    <reg name="fioff" bitsize="32" type="int" regnum="36" group="float"/>
    <reg name="foseg" bitsize="32" type="int" regnum="37" group="float"/>
    <reg name="fooff" bitsize="32" type="int" regnum="38" group="float"/>
    <reg name="fop" bitsize="32" type="int" regnum="39" group="float"/>
  </feature>
  <feature name="org.gnu.gdb.i386.sse">
    <vector id="v4f" type="ieee_single" count="4"/>
    <vector id="v2d" type="ieee_double" count="2"/>
    <vector id="v16i8" type="int8" count="16"/>
    <vector id="v8i16" type="int16" count="8"/>
    <vector id="v4i32" type="int32" count="4"/>
    <vector id="v2i64" type="int64" count="2"/>
    <union id="vec128">
      <field name="v4_float" type="v4f"/>
      <field name="v2_double" type="v2d"/>
      <field name="v16_int8" type="v16i8"/>
      <field name="v8_int16" type="v8i16"/>
      <field name="v4_int32" type="v4i32"/>
      <field name="v2_int64" type="v2i64"/>
      <field name="uint128" type="uint128"/>
    </union>
    <flags id="i386_mxcsr" size="4">
      <field name="IE" start="0" end="0"/>
      <field name="DE" start="1" end="1"/>
      <field name="ZE" start="2" end="2"/>
      <field name="OE" start="3" end="3"/>
      <field name="UE" start="4" end="4"/>
      <field name="PE" start="5" end="5"/>
      <field name="DAZ" start="6" end="6"/>
      <field name="IM" start="7" end="7"/>
      <field name="DM" start="8" end="8"/>
      <field name="ZM" start="9" end="9"/>
      <field name="OM" start="10" end="10"/>
      <field name="UM" start="11" end="11"/>
      <field name="PM" start="12" end="12"/>
      <field name="FZ" start="15" end="15"/>
    </flags>
    <reg name="xmm0" bitsize="128" type="vec128" regnum="40"/>
    <reg name="xmm1" bitsize="128" type="vec128" regnum="41"/>
    <reg name="xmm2" bitsize="128" type="vec128" regnum="42"/>
    <reg name="xmm3" bitsize="128" type="vec128" regnum="43"/>
    <reg name="xmm4" bitsize="128" type="vec128" regnum="44"/>
    <reg name="xmm5" bitsize="128" type="vec128" regnum="45"/>
    <reg name="xmm6" bitsize="128" type="vec128" regnum="46"/>
    <reg name="xmm7" bitsize="128" type="vec128" regnum="47"/>
    <reg name="xmm8" bitsize="128" type="vec128" regnum="48"/>
    <reg name="xmm9" bitsize="128" type="vec128" regnum="49"/>
    <reg name="xmm10" bitsize="128" type="vec128" regnum="50"/>
    <reg name="xmm11" bitsize="128" type="vec128" regnum="51"/>
    <reg name="xmm12" bitsize="128" type="vec128" regnum="52"/>
    <reg name="xmm13" bitsize="128" type="vec128" regnum="53"/>
    <reg name="xmm14" bitsize="128" type="vec128" regnum="54"/>
    <reg name="xmm15" bitsize="128" type="vec128" regnum="55"/>
    <reg name="mxcsr" bitsize="32" type="i386_mxcsr" regnum="56" group="vector"/>
  </feature>
  <feature name="org.gnu.gdb.i386.linux">
    <reg name="orig_rax" bitsize="64" type="int" regnum="57"/>
  </feature>
  <feature name="org.gnu.gdb.i386.segments">
    <reg name="fs_base" bitsize="64" type="int" regnum="58"/>
    <reg name="gs_base" bitsize="64" type="int" regnum="59"/>
  </feature>
</target>
)XML";

}  // namespace

std::string x86_64_target_xml(std::string_view osabi) {
  std::string xml;
  xml.reserve(kHead.size() + osabi.size() + kTail.size());
  xml.append(kHead).append(osabi).append(kTail);
  return xml;
}

}  // namespace rspstub::stub
