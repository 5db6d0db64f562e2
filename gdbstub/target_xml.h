// The target description gdb reads with qXfer:features:read:target.xml,
// generated from a DebugDescription (gdb's "Target Description Format").
#pragma once
#include <string>

#include "cpu/common/debug.h"

namespace kiln::gdbstub {

std::string target_xml(const cpu::DebugDescription& d);

}  // namespace kiln::gdbstub
