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
