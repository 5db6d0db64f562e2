#include "gdbstub/target_xml.h"

namespace kiln::gdbstub {

std::string target_xml(const cpu::DebugDescription& d) {
  std::string x = "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n";
  x += "<architecture>" + d.architecture + "</architecture>\n";
  for (unsigned f = 0; f < d.features.size(); f++) {
    x += "<feature name=\"" + d.features[f].name + "\">\n" + d.features[f].types_xml;
    for (const cpu::DebugRegister& r : d.registers) {
      if (r.feature != f) continue;
      x += "  <reg name=\"" + r.name + "\" bitsize=\"" + std::to_string(r.bitsize) + "\" regnum=\"" +
           std::to_string(r.regnum) + "\" type=\"" + r.type + "\"";
      if (!r.group.empty()) x += " group=\"" + r.group + "\"";
      x += "/>\n";
    }
    x += "</feature>\n";
  }
  return x + "</target>\n";
}

}  // namespace kiln::gdbstub
