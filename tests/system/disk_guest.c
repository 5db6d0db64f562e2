/* disk_guest: a bare-metal program for -M virt -bios none that drives the
 * virtio-blk device in slot 0 (virtio-mmio at 0x10001000) by polling, to
 * check from the outside what a guest's writes do to the image file
 * (tests/system/disk_test.py). Sector 0 of the image holds a command:
 *   "write"     write the pattern to sectors 1..4, flush, read it back, power off
 *   "wait"      the same, then print "disk: waiting" and wait forever
 *               (for SIGTERM, Ctrl-A x, gdb kill and a second Kiln on the image)
 *   "readonly"  expect VIRTIO_BLK_F_RO and a write refused with IOERR, power off
 *   "reset"     rewrite sector 0 to "write" and ask for a reset
 * Output on the UART; a failure exits through sifive_test with status 3. */
#include <stdint.h>

#define UART 0x10000000ul
#define TEST 0x100000ul
#define VIRTIO 0x10001000ul
#define SECTOR 512
#define QSIZE 8

/* virtio-mmio registers (virtio 1.2 §4.2.2). */
enum {
  MAGIC = 0x000, VERSION = 0x004, DEVICE_ID = 0x008, DEVICE_FEATURES = 0x010, DEVICE_FEATURES_SEL = 0x014,
  DRIVER_FEATURES = 0x020, DRIVER_FEATURES_SEL = 0x024, QUEUE_SEL = 0x030, QUEUE_NUM_MAX = 0x034,
  QUEUE_NUM = 0x038, QUEUE_READY = 0x044, QUEUE_NOTIFY = 0x050, STATUS = 0x070, QUEUE_DESC = 0x080,
  QUEUE_DRIVER = 0x090, QUEUE_DEVICE = 0x0a0,
};
#define F_RO 5
#define F_FLUSH 9
#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4

struct desc {
  uint64_t addr;
  uint32_t len;
  uint16_t flags, next;
};
struct req {
  uint32_t type, reserved;
  uint64_t sector;
};

static struct desc descs[QSIZE] __attribute__((aligned(16)));
static struct {
  uint16_t flags, idx, ring[QSIZE];
} avail __attribute__((aligned(2)));
static volatile struct {
  uint16_t flags, idx;
  struct {
    uint32_t id, len;
  } ring[QSIZE];
} used __attribute__((aligned(4)));
static struct req header;
static volatile uint8_t status;
static uint8_t buf[4 * SECTOR], check[4 * SECTOR];
static uint16_t used_seen;

static void reg_write(unsigned off, uint32_t v) { *(volatile uint32_t *)(VIRTIO + off) = v; }
static uint32_t reg_read(unsigned off) { return *(volatile uint32_t *)(VIRTIO + off); }

static void puts_uart(const char *s) {
  for (; *s; s++) *(volatile uint8_t *)UART = (uint8_t)*s;
}

static void finish(uint32_t value) {
  *(volatile uint32_t *)TEST = value;
  for (;;) __asm__ volatile("wfi");
}

static void fail(const char *why) {
  puts_uart("disk: FAIL ");
  puts_uart(why);
  puts_uart("\n");
  finish(3u << 16 | 0x3333);
}

static uint8_t pattern(unsigned byte) { return (uint8_t)(byte * 13 + byte / SECTOR + 0x5a); }

/* One request: header, `len` data bytes at `data` (device-writable for reads), status. */
static uint8_t request(uint32_t type, uint64_t sector, uint8_t *data, uint32_t len) {
  header.type = type;
  header.reserved = 0;
  header.sector = sector;
  status = 0xff;
  unsigned n = 0;
  descs[n] = (struct desc){(uint64_t)(uintptr_t)&header, sizeof header, 1, 1};
  n++;
  if (len) {
    descs[n] = (struct desc){(uint64_t)(uintptr_t)data, len, (uint16_t)(1 | (type == T_IN ? 2 : 0)), 2};
    n++;
  }
  descs[n] = (struct desc){(uint64_t)(uintptr_t)&status, 1, 2, 0};
  avail.ring[avail.idx % QSIZE] = 0;
  __asm__ volatile("fence rw, rw" ::: "memory");
  avail.idx++;
  __asm__ volatile("fence rw, rw" ::: "memory");
  reg_write(QUEUE_NOTIFY, 0);
  while (used.idx == used_seen) {
  }
  used_seen++;
  __asm__ volatile("fence rw, rw" ::: "memory");
  return status;
}

static uint64_t init_device(void) {
  if (reg_read(MAGIC) != 0x74726976 || reg_read(VERSION) != 2 || reg_read(DEVICE_ID) != 2) fail("no virtio-blk in slot 0");
  reg_write(STATUS, 0);
  reg_write(STATUS, 1 | 2);
  reg_write(DEVICE_FEATURES_SEL, 0);
  uint64_t features = reg_read(DEVICE_FEATURES);
  reg_write(DEVICE_FEATURES_SEL, 1);
  features |= (uint64_t)reg_read(DEVICE_FEATURES) << 32;
  uint64_t want = features & ((1ull << 32) | (1ull << F_RO) | (1ull << F_FLUSH));
  reg_write(DRIVER_FEATURES_SEL, 0);
  reg_write(DRIVER_FEATURES, (uint32_t)want);
  reg_write(DRIVER_FEATURES_SEL, 1);
  reg_write(DRIVER_FEATURES, (uint32_t)(want >> 32));
  reg_write(STATUS, 1 | 2 | 8);
  if (!(reg_read(STATUS) & 8)) fail("features refused");
  reg_write(QUEUE_SEL, 0);
  if (reg_read(QUEUE_NUM_MAX) < QSIZE) fail("queue too small");
  reg_write(QUEUE_NUM, QSIZE);
  reg_write(QUEUE_DESC, (uint32_t)(uintptr_t)descs);
  reg_write(QUEUE_DESC + 4, 0);
  reg_write(QUEUE_DRIVER, (uint32_t)(uintptr_t)&avail);
  reg_write(QUEUE_DRIVER + 4, 0);
  reg_write(QUEUE_DEVICE, (uint32_t)(uintptr_t)&used);
  reg_write(QUEUE_DEVICE + 4, 0);
  reg_write(QUEUE_READY, 1);
  reg_write(STATUS, 1 | 2 | 8 | 4);
  return features;
}

static int command_is(const uint8_t *sector0, const char *cmd) {
  unsigned i = 0;
  for (; cmd[i]; i++)
    if (sector0[i] != (uint8_t)cmd[i]) return 0;
  return sector0[i] == 0 || sector0[i] == '\n';
}

static void write_pattern(uint64_t features) {
  for (unsigned i = 0; i < sizeof buf; i++) buf[i] = pattern(i);
  if (request(T_OUT, 1, buf, sizeof buf) != 0) fail("write");
  if ((features & (1ull << F_FLUSH)) && request(T_FLUSH, 0, 0, 0) != 0) fail("flush");
  if (request(T_IN, 1, check, sizeof check) != 0) fail("read back");
  for (unsigned i = 0; i < sizeof check; i++)
    if (check[i] != pattern(i)) fail("read back differs");
  puts_uart("disk: written\n");
}

void disk_main(void) {
  used_seen = 0;
  avail.idx = 0;
  avail.flags = 0;
  uint64_t features = init_device();
  if (request(T_IN, 0, buf, SECTOR) != 0) fail("read sector 0");
  if (command_is(buf, "write")) {
    write_pattern(features);
    finish(0x5555);
  } else if (command_is(buf, "wait")) {
    write_pattern(features);
    puts_uart("disk: waiting\n");
    for (;;) __asm__ volatile("wfi");
  } else if (command_is(buf, "readonly")) {
    if (!(features & (1ull << F_RO))) fail("VIRTIO_BLK_F_RO not offered");
    if (request(T_OUT, 1, buf, SECTOR) != 1) fail("a write to a read-only disk did not get IOERR");
    puts_uart("disk: read-only ok\n");
    finish(0x5555);
  } else if (command_is(buf, "reset")) {
    for (unsigned i = 0; i < SECTOR; i++) buf[i] = 0;
    buf[0] = 'w', buf[1] = 'r', buf[2] = 'i', buf[3] = 't', buf[4] = 'e';
    if (request(T_OUT, 0, buf, SECTOR) != 0) fail("rewrite sector 0");
    puts_uart("disk: reset\n");
    finish(0x7777);
  }
  fail("unknown command in sector 0");
}
