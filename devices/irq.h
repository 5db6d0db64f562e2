// An interrupt line from a device to an interrupt controller or CPU. Level
// triggered: the device states the level it drives; the receiver decides what
// a change means. Lines are driven on the CPU thread only (see common/clock.h).
#pragma once
#include <vector>

namespace kiln::devices {

class IrqLine {
 public:
  virtual ~IrqLine() = default;
  virtual void set_level(bool high) = 0;
};

// A line nobody listens to (unwired devices, tests).
class NullIrq final : public IrqLine {
 public:
  void set_level(bool) override {}
};

}  // namespace kiln::devices

namespace kiln::devices {

// One line driving two receivers: an ISA IRQ reaches both the 8259A and the IOAPIC.
class IrqSplitter final : public IrqLine {
 public:
  IrqSplitter(IrqLine& a, IrqLine& b) : a_(a), b_(b) {}
  void set_level(bool high) override {
    a_.set_level(high);
    b_.set_level(high);
  }

 private:
  IrqLine& a_;
  IrqLine& b_;
};

// One line driving any number of receivers: the 8259A's INT reaches every CPU's LINT0.
class IrqFanout final : public IrqLine {
 public:
  void add(IrqLine& line) { lines_.push_back(&line); }
  void set_level(bool high) override {
    for (IrqLine* l : lines_) l->set_level(high);
  }

 private:
  std::vector<IrqLine*> lines_;
};

}  // namespace kiln::devices
