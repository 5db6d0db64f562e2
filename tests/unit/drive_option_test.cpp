// -drive as the user spells it: snapshot and readonly take QEMU's boolean
// spellings (common/parse.h), because a "snapshot" that silently meant off let
// the guest's writes land in the user's image.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "apps/cli.h"

using namespace kiln;

namespace {

machine::Drive drive(const std::string& spec) {
  Result<apps::Options> r = apps::parse_args({"-M", "virt", "-drive", spec});
  INFO("-drive " << spec);
  if (!r.ok()) FAIL("unexpected error: " << r.error());
  REQUIRE(r->machine.drives.size() == 1);
  return r->machine.drives[0];
}

std::string drive_error(const std::string& spec) {
  Result<apps::Options> r = apps::parse_args({"-M", "virt", "-drive", spec});
  if (r.ok()) FAIL("accepted: -drive " << spec);
  return r.error();
}

}  // namespace

TEST_CASE("-drive snapshot and readonly", "[cli]") {
  for (const char* on : {",snapshot", ",snapshot=on", ",snapshot=yes", ",snapshot=true", ",snapshot=y"}) {
    machine::Drive d = drive(std::string("file=d.img,format=raw,if=virtio") + on);
    CHECK(d.snapshot);
    CHECK_FALSE(d.read_only);
  }
  for (const char* on : {",readonly", ",readonly=on", ",readonly=yes", ",readonly=true"}) {
    machine::Drive d = drive(std::string("file=d.img") + on);
    CHECK(d.read_only);
    CHECK_FALSE(d.snapshot);
  }
  for (const char* off : {"", ",snapshot=off,readonly=no", ",snapshot=false,readonly=false", ",snapshot,snapshot=off"}) {
    machine::Drive d = drive(std::string("file=d.img") + off);
    CHECK_FALSE(d.snapshot);
    CHECK_FALSE(d.read_only);
  }
  CHECK(drive("snapshot,file=d.img,readonly").file == "d.img");
  CHECK(drive("file=a,,b.img,snapshot").file == "a,b.img");  // QEMU's escaped comma
  CHECK(drive_error("file=d.img,snapshot=maybe") == "-drive: snapshot must be on or off, yes or no, true or false (got 'maybe')");
  CHECK(drive_error("file=d.img,readonly=") == "-drive: readonly must be on or off, yes or no, true or false (got '')");
  for (const char* bad : {"ON", "1", "0", "onn"}) CHECK_THAT(drive_error(std::string("file=d.img,readonly=") + bad), Catch::Contains("readonly must be on or off"));
}

TEST_CASE("-drive if=ide, -hda..-hdd and -cdrom", "[cli]") {
  auto drives = [](std::vector<std::string> args) {
    args.insert(args.begin(), {"-M", "pc"});
    Result<apps::Options> r = apps::parse_args(args);
    if (!r.ok()) FAIL("unexpected error: " << r.error());
    return r->machine.drives;
  };
  auto d = drives({"-drive", "file=a.img,format=raw,if=ide,index=1,snapshot=on"});
  REQUIRE(d.size() == 1);
  CHECK(d[0].iface == "ide");
  CHECK(d[0].index == 1);
  CHECK(d[0].snapshot);
  CHECK_FALSE(d[0].cdrom);
  d = drives({"-drive", "file=c.iso,media=cdrom"});
  CHECK(d[0].iface.empty());  // the board's default
  CHECK(d[0].cdrom);
  CHECK(d[0].read_only);
  d = drives({"-hda", "a.img", "-hdb", "b.img", "-hdc", "c.img", "-hdd", "d.img", "-cdrom", "e.iso"});
  REQUIRE(d.size() == 5);
  for (int i = 0; i < 4; i++) {
    CHECK(d[size_t(i)].index == i);
    CHECK(d[size_t(i)].iface == "ide");
  }
  CHECK(d[4].index == 2);
  CHECK(d[4].cdrom);
  CHECK(drive_error("file=d.img,if=scsi") == "-drive: if=scsi is not available (use if=ide or if=floppy on -M pc, if=virtio on -M virt)");
  CHECK(drive_error("file=d.img,if=ide,index=4") == "-drive: index must be 0 to 3 (got '4')");
  CHECK(drive_error("file=d.img,media=tape") == "-drive: media must be disk or cdrom (got 'tape')");
  CHECK(drive_error("file=d.img,if=virtio,media=cdrom") == "-drive: index= and media=cdrom are for if=ide");
}

TEST_CASE("-drive if=floppy, -fda/-fdb and -boot", "[cli]") {
  auto parse = [](std::vector<std::string> args) { return apps::parse_args(args); };
  Result<apps::Options> r = parse({"-M", "pc", "-fda", "a.img", "-fdb", "b.img", "-drive", "file=c.img,if=floppy,readonly=on"});
  REQUIRE(r.ok());
  const auto& d = r->machine.drives;
  REQUIRE(d.size() == 3);
  CHECK((d[0].iface == "floppy" && d[0].index == 0 && d[0].file == "a.img"));
  CHECK((d[1].iface == "floppy" && d[1].index == 1));
  CHECK((d[2].iface == "floppy" && d[2].index == -1 && d[2].read_only));
  CHECK(drive_error("file=d.img,if=floppy,index=2") == "-drive: if=floppy takes index 0 (A:) or 1 (B:)");
  CHECK(drive_error("file=d.img,if=floppy,media=cdrom") == "-drive: media=cdrom is for if=ide");
  for (const char* spec : {"a", "order=a", "order=cda,menu=on", "cad,strict=off"}) {
    r = parse({"-M", "pc", "-boot", spec});
    INFO("-boot " << spec);
    REQUIRE(r.ok());
  }
  CHECK(parse({"-M", "pc", "-boot", "order=dc"})->machine.boot_order == "dc");
  CHECK(parse({"-M", "pc", "-boot", "a"})->machine.boot_order == "a");
  CHECK(parse({"-M", "pc"})->machine.boot_order.empty());
  CHECK(parse({"-M", "pc", "-boot", "x"}).error() == "-boot: invalid boot device 'x' in 'x' (use a, b, c, d or n)");
  CHECK(parse({"-M", "pc", "-boot", "aca"}).error() == "-boot: boot device 'a' given twice in 'aca'");
  CHECK(parse({"-M", "pc", "-boot", "once=a"}).error() == "-boot: unknown option 'once' (use -boot [order=]DRIVES, e.g. -boot a or -boot order=cd)");
  CHECK(parse({"-M", "pc", "-boot", "order="}).error() == "-boot: no boot drives given (use letters a, b, c, d, n, e.g. -boot order=ac)");
  CHECK(parse({"-M", "virt", "-boot", "c"}).error() == "-boot: only -M pc has firmware that takes a boot order");
}
