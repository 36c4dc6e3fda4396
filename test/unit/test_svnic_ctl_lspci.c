/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * svnic-ctl lspci: the config-space decoder on crafted config spaces (a PF
 * with PCIe, MSI-X, ARI and SR-IOV; a VF; broken chains; garbage), then the
 * whole command against a lib/vfio_user server in a thread, backed by a fake
 * function built from a static config image that sizes its BARs like
 * hardware.
 */
#define _GNU_SOURCE		/* memfd_create */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "ctl.h"
#include "lspci.h"
#include "unit.h"
#include "vfio_user_server.h"

#define TOKEN		"0d8f5e5c-1b7a-4c1e-9a53-6f3b2c1d0e9f"
#define TOKEN_UPPER	"0D8F5E5C-1B7A-4C1E-9A53-6F3B2C1D0E9F"
#define PF_SRIOV	0x110u
#define BAR0_SIZE	0x10000u	/* 64-bit, non-prefetchable */
#define VF_BAR0_SIZE	0x4000u		/* per VF, 64-bit */

/* ---- crafted config spaces ---- */

static void
put8(uint8_t *c, uint32_t off, uint8_t v)
{
	c[off] = v;
}

static void
put16(uint8_t *c, uint32_t off, uint16_t v)
{
	c[off] = (uint8_t)v;
	c[off + 1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *c, uint32_t off, uint32_t v)
{
	put16(c, off, (uint16_t)v);
	put16(c, off + 2, (uint16_t)(v >> 16));
}

static uint32_t
get32(const uint8_t *c, uint32_t off)
{
	return (uint32_t)c[off] | (uint32_t)c[off + 1] << 8 | (uint32_t)c[off + 2] << 16 |
		(uint32_t)c[off + 3] << 24;
}

static void
put_ecap(uint8_t *c, uint32_t off, uint16_t id, uint32_t next)
{
	put32(c, off, id | 1u << 16 | next << 20);
}

/* Type-0 header, PCIe endpoint at 40h, MSI-X at 70h. */
static void
make_function(uint8_t *c, uint16_t vendor, uint16_t device)
{
	memset(c, 0, SVNIC_LSPCI_CFG_SIZE);
	put16(c, PCI_VENDOR_ID, vendor);
	put16(c, PCI_DEVICE_ID, device);
	put16(c, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	put16(c, PCI_STATUS, PCI_STATUS_CAP_LIST);
	put8(c, PCI_REVISION_ID, 0x01);
	put16(c, PCI_CLASS_DEVICE, 0x0200);
	put8(c, PCI_CAPABILITY_LIST, 0x40);
	put8(c, PCI_INTERRUPT_PIN, 1);
	/* PCIe v2 endpoint: MPS 256, RBE, FLR; MRRS 512; 8GT/s x8. */
	put8(c, 0x40, PCI_CAP_ID_EXP);
	put8(c, 0x41, 0x70);
	put16(c, 0x40 + PCI_EXP_FLAGS, 0x0002);
	put32(c, 0x40 + PCI_EXP_DEVCAP, 0x10008001);
	put16(c, 0x40 + PCI_EXP_DEVCTL, 0x2110);
	put32(c, 0x40 + PCI_EXP_LNKCAP, 0x00000083);
	put16(c, 0x40 + PCI_EXP_LNKSTA, 0x0083);
	put32(c, 0x40 + PCI_EXP_DEVCAP2, 0x1f);
	/* MSI-X: enabled, 10 vectors, table and PBA in BAR 0. */
	put8(c, 0x70, PCI_CAP_ID_MSIX);
	put8(c, 0x71, 0);
	put16(c, 0x70 + PCI_MSIX_FLAGS, 0x8009);
	put32(c, 0x70 + PCI_MSIX_TABLE, 0x2000);
	put32(c, 0x70 + PCI_MSIX_PBA, 0x3000);
}

/* The PF: BAR 0 64-bit, ARI at 100h, SR-IOV at 110h with 4 of 8 VFs enabled. */
static void
make_pf(uint8_t *c)
{
	make_function(c, 0x5356, 0x0001);
	put32(c, PCI_BASE_ADDRESS_0, 0xfe000004);
	put16(c, PCI_SUBSYSTEM_VENDOR_ID, 0x5356);
	put16(c, PCI_SUBSYSTEM_ID, 0x0001);
	put_ecap(c, 0x100, PCI_EXT_CAP_ID_ARI, PF_SRIOV);
	put_ecap(c, PF_SRIOV, PCI_EXT_CAP_ID_SRIOV, 0);
	put16(c, PF_SRIOV + PCI_SRIOV_CTRL, PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE |
		PCI_SRIOV_CTRL_ARI);
	put16(c, PF_SRIOV + PCI_SRIOV_INITIAL_VF, 8);
	put16(c, PF_SRIOV + PCI_SRIOV_TOTAL_VF, 8);
	put16(c, PF_SRIOV + PCI_SRIOV_NUM_VF, 4);
	put16(c, PF_SRIOV + PCI_SRIOV_VF_OFFSET, 1);
	put16(c, PF_SRIOV + PCI_SRIOV_VF_STRIDE, 1);
	put16(c, PF_SRIOV + PCI_SRIOV_VF_DID, 0x0002);
	put32(c, PF_SRIOV + PCI_SRIOV_SUP_PGSIZE, 0x553);
	put32(c, PF_SRIOV + PCI_SRIOV_SYS_PGSIZE, 0x1);
	put32(c, PF_SRIOV + PCI_SRIOV_BAR, 0xfd000004);
}

/* Decode @p c into a string (the caller frees it). */
static char *
decode(const uint8_t *c, const struct svnic_lspci_dev *d, int *ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	*ret = svnic_lspci_print(c, d, f);
	fclose(f);
	return buf;
}

#define HAS(text, needle) do {						\
		bool has_ = strstr((text), (needle)) != NULL;		\
		CU_ASSERT_TRUE(has_);					\
		if (!has_)						\
			fprintf(stderr, "\nmissing: [%s]\n", (needle));	\
	} while (0)
#define HASNT(text, needle) CU_ASSERT_PTR_NULL(strstr((text), (needle)))

static unsigned int
count(const char *text, const char *needle)
{
	unsigned int n = 0;

	while ((text = strstr(text, needle)) != NULL) {
		n++;
		text++;
	}
	return n;
}

static void
test_bar_size(void)
{
	char b[32];

	CU_ASSERT_EQUAL(svnic_lspci_bar_size(0xffff0004, 0xffffffff, false), 0x10000);
	CU_ASSERT_EQUAL(svnic_lspci_bar_size(0xfffff000, 0, false), 0x1000);
	CU_ASSERT_EQUAL(svnic_lspci_bar_size(0x0000000c, 0xfffffffe, false), 1ull << 33);
	CU_ASSERT_EQUAL(svnic_lspci_bar_size(0xffffffe1, 0, false), 0x20);
	CU_ASSERT_EQUAL(svnic_lspci_bar_size(0xfffff801, 0, true), 0x800);
	/* Nothing writable: not implemented. */
	CU_ASSERT_EQUAL(svnic_lspci_bar_size(0, 0, false), 0);
	CU_ASSERT_EQUAL(svnic_lspci_bar_size(0x00000004, 0, false), 0);
	CU_ASSERT_EQUAL(svnic_lspci_bar_size(0x00000001, 0, false), 0);
	CU_ASSERT_EQUAL(svnic_lspci_bar_size(0x00000001, 0, true), 0);
	CU_ASSERT_STRING_EQUAL(svnic_lspci_fmt_size(0x10000, b, sizeof(b)), "[size=64K]");
	CU_ASSERT_STRING_EQUAL(svnic_lspci_fmt_size(3ull << 30, b, sizeof(b)), "[size=3G]");
	CU_ASSERT_STRING_EQUAL(svnic_lspci_fmt_size(1000, b, sizeof(b)), "[size=1000]");
	CU_ASSERT_STRING_EQUAL(svnic_lspci_fmt_size(0, b, sizeof(b)), "");
}

static void
test_decode_pf(void)
{
	static uint8_t c[SVNIC_LSPCI_CFG_SIZE];
	struct svnic_lspci_dev d = {
		.name = "pf.sock", .cfg_len = sizeof(c),
		.region_valid = 1u << VFIO_PCI_BAR0_REGION_INDEX | 1u << VFIO_PCI_BAR1_REGION_INDEX,
		.region_size = { BAR0_SIZE, 0 },
		.vf_probe_valid = true, .vf_probe = { 0xffffc004, 0xffffffff },
	};
	char *s;
	int ret;

	make_pf(c);
	s = decode(c, &d, &ret);
	CU_ASSERT_EQUAL(ret, 0);
	HAS(s, "pf.sock Ethernet controller [0200]: svnic (experimental id) "
		"Device [5356:0001] (rev 01)\n");
	HAS(s, "\tSubsystem: Device [5356:0001]\n");
	HAS(s, "\tControl: I/O- Mem+ BusMaster+ SpecCycle- MemWINV- VGASnoop- ParErr- "
		"Stepping- SERR- FastB2B- DisINTx-\n");
	HAS(s, "\tStatus: Cap+ 66MHz- UDF- FastB2B- ParErr- DEVSEL=fast >TAbort- <TAbort- "
		"<MAbort- >SERR- <PERR- INTx-\n");
	HAS(s, "\tInterrupt: pin A\n");
	HAS(s, "\tRegion 0: Memory at fe000000 (64-bit, non-prefetchable) [size=64K]\n");
	HASNT(s, "\tRegion 1:");
	HAS(s, "\tCapabilities: [40] Express (v2) Endpoint, IntMsgNum 0\n");
	HAS(s, "\t\tDevCap:\tMaxPayload 256 bytes, PhantFunc 0, Latency L0s <64ns, L1 <1us\n");
	HAS(s, "\t\t\tExtTag- AttnBtn- AttnInd- PwrInd- RBE+ FLReset+ SlotPowerLimit 0W\n");
	HAS(s, "\t\tDevCtl:\tCorrErr- NonFatalErr- FatalErr- UnsupReq-\n");
	HAS(s, "\t\t\tRlxdOrd+ ExtTag+ PhantFunc- AuxPwr- NoSnoop- FLReset-\n");
	HAS(s, "\t\t\tMaxPayload 128 bytes, MaxReadReq 512 bytes\n");
	HAS(s, "\t\tDevSta:\tCorrErr- NonFatalErr- FatalErr- UnsupReq- AuxPwr- TransPend-\n");
	HAS(s, "\t\tLnkCap:\tPort #0, Speed 8GT/s, Width x8, ASPM not supported\n");
	HAS(s, "\t\tLnkSta:\tSpeed 8GT/s, Width x8\n");
	HAS(s, "\t\tDevCap2: Completion Timeout: Range ABCD, TimeoutDis+");
	HAS(s, "\tCapabilities: [70] MSI-X: Enable+ Count=10 Masked-\n");
	HAS(s, "\t\tVector table: BAR=0 offset=00002000\n");
	HAS(s, "\t\tPBA: BAR=0 offset=00003000\n");
	HAS(s, "\tCapabilities: [100 v1] Alternative Routing-ID Interpretation (ARI)\n");
	HAS(s, "\t\tARICap:\tMFVC- ACS-, Next Function: 0\n");
	HAS(s, "\tCapabilities: [110 v1] Single Root I/O Virtualization (SR-IOV)\n");
	HAS(s, "\t\tIOVCap:\tMigration- 10BitTagReq- IntMsgNum 0\n");
	HAS(s, "\t\tIOVCtl:\tEnable+ Migration- Interrupt- MSE+ ARIHierarchy+ 10BitTagReq-\n");
	HAS(s, "\t\tIOVSta:\tMigration-\n");
	HAS(s, "\t\tInitial VFs: 8, Total VFs: 8, Number of VFs: 4, "
		"Function Dependency Link: 00\n");
	HAS(s, "\t\tVF offset: 1, stride: 1, Device ID: 0002\n");
	HAS(s, "\t\tSupported Page Size: 00000553, System Page Size: 00000001\n");
	HAS(s, "\t\tVF Routing IDs: PF + 1 .. PF + 4\n");
	HAS(s, "\t\tRegion 0: Memory at fd000000 (64-bit, non-prefetchable) [size=16K]\n");
	HAS(s, "\t\tVF Migration: offset: 00000000, BIR: 0\n");
	HASNT(s, "<chain");
	HASNT(s, "<truncated");
	free(s);
}

static void
test_decode_vf(void)
{
	static uint8_t c[SVNIC_LSPCI_CFG_SIZE];
	struct svnic_lspci_dev d = { .name = "vf.sock", .cfg_len = sizeof(c) };
	char *s;
	int ret;

	make_function(c, 0xffff, 0xffff);
	put_ecap(c, 0x100, PCI_EXT_CAP_ID_ARI, 0);
	/* Type bits without an address or a size: not implemented (libvfio-user's way). */
	put32(c, PCI_BASE_ADDRESS_0, PCI_BASE_ADDRESS_SPACE_IO);
	put32(c, PCI_BASE_ADDRESS_2, PCI_BASE_ADDRESS_MEM_TYPE_64);
	s = decode(c, &d, &ret);
	CU_ASSERT_EQUAL(ret, 0);
	HAS(s, "vf.sock Ethernet controller [0200]: Device [ffff:ffff] (rev 01)\n");
	HAS(s, "\tSR-IOV VF: Vendor and Device ID read FFFFh");
	HAS(s, "\tCapabilities: [40] Express (v2) Endpoint");
	HAS(s, "\tCapabilities: [70] MSI-X: Enable+ Count=10 Masked-\n");
	HAS(s, "\tCapabilities: [100 v1] Alternative Routing-ID Interpretation (ARI)\n");
	HASNT(s, "SR-IOV)");
	HASNT(s, "Region");
	free(s);
}

static void
test_decode_loops(void)
{
	static uint8_t c[SVNIC_LSPCI_CFG_SIZE];
	struct svnic_lspci_dev d = { .cfg_len = sizeof(c) };
	char *s;
	int ret;

	/* 40h -> 70h -> 40h, and an extended capability naming itself as next. */
	make_function(c, 0x5356, 0x0002);
	put8(c, 0x71, 0x40);
	put_ecap(c, 0x100, PCI_EXT_CAP_ID_ARI, 0x100);
	s = decode(c, &d, &ret);
	CU_ASSERT_EQUAL(ret, 2);
	HAS(s, "\tCapabilities: [40] <chain looped>\n");
	HAS(s, "\tCapabilities: [100] <chain looped>\n");
	CU_ASSERT_EQUAL(count(s, "MSI-X: Enable"), 1);
	CU_ASSERT_EQUAL(count(s, "(ARI)"), 1);
	free(s);
	CU_ASSERT_EQUAL(svnic_lspci_find_ext_cap(c, sizeof(c), PCI_EXT_CAP_ID_SRIOV), 0);
	CU_ASSERT_EQUAL(svnic_lspci_find_ext_cap(c, sizeof(c), PCI_EXT_CAP_ID_ARI), 0x100);

	/* A longer extended loop: 100h -> 200h -> 100h. */
	put_ecap(c, 0x100, PCI_EXT_CAP_ID_ARI, 0x200);
	put_ecap(c, 0x200, 0x4242, 0x100);
	put8(c, 0x71, 0);
	s = decode(c, &d, &ret);
	CU_ASSERT_EQUAL(ret, 1);
	HAS(s, "\tCapabilities: [200 v1] Extended Capability ID 0x4242\n");
	HAS(s, "\tCapabilities: [100] <chain looped>\n");
	free(s);
}

static void
test_decode_pointers_outside(void)
{
	static uint8_t c[SVNIC_LSPCI_CFG_SIZE];
	struct svnic_lspci_dev d = { .cfg_len = sizeof(c) };
	char *s;
	int ret;

	/* A capability pointer into the header. */
	make_function(c, 0x5356, 0x0002);
	put8(c, PCI_CAPABILITY_LIST, 0x20);
	s = decode(c, &d, &ret);
	CU_ASSERT_EQUAL(ret, 1);
	HAS(s, "\tCapabilities: [20] <chain broken: pointer into the header>\n");
	free(s);

	/* Extended next pointers below 100h and beyond what was read. */
	make_function(c, 0x5356, 0x0002);
	put_ecap(c, 0x100, PCI_EXT_CAP_ID_ARI, 0x080);
	s = decode(c, &d, &ret);
	CU_ASSERT_EQUAL(ret, 1);
	HAS(s, "[080] <chain broken: next pointer below 100h>\n");
	free(s);
	put_ecap(c, 0x100, PCI_EXT_CAP_ID_ARI, 0x800);
	d.cfg_len = 0x400;
	s = decode(c, &d, &ret);
	CU_ASSERT_EQUAL(ret, 1);
	HAS(s, "[800] <chain broken: next pointer beyond the config space read>\n");
	free(s);

	/* Only the conventional space was read: a pointer past it, no extended walk. */
	make_function(c, 0x5356, 0x0002);
	put8(c, 0x71, 0xc0);
	d.cfg_len = 0xa0;
	s = decode(c, &d, &ret);
	CU_ASSERT_EQUAL(ret, 1);
	HAS(s, "\tCapabilities: [c0] <chain broken: pointer beyond the config space read>\n");
	HASNT(s, "[100");
	free(s);
}

static void
test_decode_truncated_and_garbage(void)
{
	static uint8_t c[SVNIC_LSPCI_CFG_SIZE];
	struct svnic_lspci_dev d = { .cfg_len = sizeof(c) };
	uint32_t seed = 12345, i, k;
	FILE *null;
	char *s;
	int ret;

	/* A PCIe capability too close to the end of the conventional space. */
	make_function(c, 0x5356, 0x0002);
	put8(c, PCI_CAPABILITY_LIST, 0xf8);
	put8(c, 0xf8, PCI_CAP_ID_EXP);
	s = decode(c, &d, &ret);
	CU_ASSERT_TRUE(ret >= 1);
	HAS(s, "\tCapabilities: [f8] Express (v0) Endpoint, IntMsgNum 0\n");
	HAS(s, "<truncated: 20 bytes at 0f8 do not fit in 256>");
	free(s);

	/* SR-IOV at the very end; MSI-X naming a reserved BIR; VF counts inconsistent. */
	make_pf(c);
	put32(c, 0x70 + PCI_MSIX_TABLE, 0x2007);
	put16(c, PF_SRIOV + PCI_SRIOV_NUM_VF, 9);
	put16(c, PF_SRIOV + PCI_SRIOV_VF_STRIDE, 0);
	s = decode(c, &d, &ret);
	CU_ASSERT_EQUAL(ret, 3);
	HAS(s, "\t\tVector table: BAR=7 offset=00002000 <BIR 7 is not a BAR>\n");
	HAS(s, "\t\t<Number of VFs above Total VFs>\n");
	HAS(s, "\t\t<VF stride 0 with 9 VFs>\n");
	free(s);
	put_ecap(c, 0x100, PCI_EXT_CAP_ID_ARI, 0xfe0);
	put_ecap(c, 0xfe0, PCI_EXT_CAP_ID_SRIOV, 0);
	s = decode(c, &d, &ret);
	HAS(s, "\tCapabilities: [fe0 v1] Single Root I/O Virtualization (SR-IOV)\n");
	HAS(s, "<truncated: 64 bytes at fe0 do not fit in 4096>");
	free(s);

	/* Too short, all ones, an unknown header type, a 64-bit BAR in the last slot. */
	d.cfg_len = 32;
	s = decode(c, &d, &ret);
	CU_ASSERT_EQUAL(ret, 1);
	HAS(s, "<config space too short: 32 bytes>");
	free(s);
	d.cfg_len = sizeof(c);
	memset(c, 0xff, sizeof(c));
	s = decode(c, &d, &ret);
	CU_ASSERT_EQUAL(ret, 1);
	HAS(s, "<no function: config space reads all ones>");
	free(s);
	make_function(c, 0x5356, 0x0002);
	put8(c, PCI_HEADER_TYPE, 0x7f);
	s = decode(c, &d, &ret);
	HAS(s, "\t!!! Unknown header type 7f\n");
	free(s);
	make_function(c, 0x5356, 0x0002);
	put32(c, PCI_BASE_ADDRESS_5, 0xfe00000c);
	put16(c, PCI_STATUS, 0);
	s = decode(c, &d, &ret);
	CU_ASSERT_EQUAL(ret, 1);
	HAS(s, "\tRegion 5: Memory at <broken-64-bit-slot> (64-bit, prefetchable)\n");
	HASNT(s, "Capabilities");
	free(s);
	CU_ASSERT_EQUAL(svnic_lspci_print(NULL, &d, stdout), -EINVAL);

	/* Garbage of every length: never a crash, never a read outside (ASan). */
	null = fopen("/dev/null", "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(null);
	for (i = 0; i < 3000; i++) {
		for (k = 0; k < sizeof(c); k++) {
			seed = seed * 1103515245u + 12345u;
			c[k] = (uint8_t)(seed >> 16);
		}
		/* Keep the chains alive often enough to reach the decoders. */
		if (i % 2 == 0) {
			put16(c, PCI_STATUS, PCI_STATUS_CAP_LIST);
			put8(c, PCI_HEADER_TYPE, (uint8_t)(i % 3 == 0));
			put8(c, c[PCI_CAPABILITY_LIST] & 0xfc, i % 4 == 0 ? PCI_CAP_ID_EXP :
				PCI_CAP_ID_MSIX);
			put16(c, 0x100, i % 6 == 0 ? PCI_EXT_CAP_ID_SRIOV : PCI_EXT_CAP_ID_ARI);
		}
		d.cfg_len = i % 5 == 0 ? seed % (SVNIC_LSPCI_CFG_SIZE + 64) : sizeof(c);
		svnic_lspci_print(c, &d, null);
		svnic_lspci_find_ext_cap(c, d.cfg_len, PCI_EXT_CAP_ID_SRIOV);
	}
	fclose(null);
}

/* ---- end to end: the command against a lib/vfio_user server ---- */

struct fake_fn {
	uint8_t cfg[SVNIC_LSPCI_CFG_SIZE];
	uint8_t orig[SVNIC_LSPCI_CFG_SIZE];
	uint64_t cfg_size;
	int bar0_fd;
	const char *want_token;
	unsigned int cfg_writes;
	bool bar_write_while_decoding;
};

static struct fake_fn fn;

static int
fn_device_info(void *ctx, struct vfio_user_device_info *info)
{
	(void)ctx;
	info->flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info->num_regions = VFIO_PCI_NUM_REGIONS;
	info->num_irqs = VFIO_PCI_NUM_IRQS;
	return 0;
}

static int
fn_region_info(void *ctx, uint32_t index, struct vfio_user_region_desc *d)
{
	struct fake_fn *f = ctx;

	switch (index) {
	case VFIO_PCI_BAR0_REGION_INDEX:
		d->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
			VFIO_REGION_INFO_FLAG_MMAP;
		d->size = BAR0_SIZE;
		d->fd = f->bar0_fd;
		d->nr_sparse = 2;
		d->sparse[0].offset = 0;
		d->sparse[0].size = 0x1000;
		d->sparse[1].offset = 0x4000;
		d->sparse[1].size = 0xc000;
		break;
	case VFIO_PCI_CONFIG_REGION_INDEX:
		d->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
		d->size = f->cfg_size;
		break;
	default:
		d->size = 0;
		break;
	}
	return 0;
}

static int
fn_irq_info(void *ctx, uint32_t index, struct vfio_irq_info *info)
{
	(void)ctx;
	if (index == VFIO_PCI_INTX_IRQ_INDEX) {
		info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
			VFIO_IRQ_INFO_AUTOMASKED;
		info->count = 1;
	} else if (index == VFIO_PCI_MSIX_IRQ_INDEX) {
		info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
		info->count = 10;
	}
	return 0;
}

/* A BAR dword keeps only its address bits above the size, as hardware does. */
static uint32_t
fn_bar_mask(uint32_t off, uint32_t v)
{
	switch (off) {
	case PCI_BASE_ADDRESS_0:
		return (v & ~(BAR0_SIZE - 1)) | PCI_BASE_ADDRESS_MEM_TYPE_64;
	case PCI_BASE_ADDRESS_1:
	case PF_SRIOV + PCI_SRIOV_BAR + 4:
		return v;
	case PF_SRIOV + PCI_SRIOV_BAR:
		return (v & ~(VF_BAR0_SIZE - 1)) | PCI_BASE_ADDRESS_MEM_TYPE_64;
	default:
		return 0;	/* BARs not implemented, the ROM, the other VF BARs */
	}
}

static bool
fn_is_bar(uint32_t off)
{
	return (off >= PCI_BASE_ADDRESS_0 && off <= PCI_BASE_ADDRESS_5) ||
		off == PCI_ROM_ADDRESS ||
		(off >= PF_SRIOV + PCI_SRIOV_BAR && off < PF_SRIOV + PCI_SRIOV_BAR + 24);
}

static int
fn_region_access(void *ctx, uint32_t index, uint64_t off, void *buf, uint32_t count,
		bool is_write)
{
	struct fake_fn *f = ctx;
	uint32_t v;

	if (index != VFIO_PCI_CONFIG_REGION_INDEX) {
		if (!is_write)
			memset(buf, 0, count);
		return 0;
	}
	if (!is_write) {
		memcpy(buf, f->cfg + off, count);
		return 0;
	}
	f->cfg_writes++;
	if (count == 4 && off % 4 == 0 && fn_is_bar((uint32_t)off)) {
		uint16_t cmd = (uint16_t)(f->cfg[PCI_COMMAND] | f->cfg[PCI_COMMAND + 1] << 8);
		uint16_t iov = (uint16_t)(f->cfg[PF_SRIOV + PCI_SRIOV_CTRL]);

		if (off < PF_SRIOV ? (cmd & PCI_COMMAND_MEMORY) != 0 :
		    (iov & PCI_SRIOV_CTRL_MSE) != 0)
			f->bar_write_while_decoding = true;
		memcpy(&v, buf, 4);
		put32(f->cfg, (uint32_t)off, fn_bar_mask((uint32_t)off, v));
		return 0;
	}
	if ((off == PCI_COMMAND || off == PF_SRIOV + PCI_SRIOV_CTRL) && count == 2) {
		memcpy(f->cfg + off, buf, 2);
		return 0;
	}
	return -EINVAL;
}

static int
fn_check_token(void *ctx, const char *token)
{
	struct fake_fn *f = ctx;

	if (f->want_token == NULL)
		return 0;
	if (token == NULL)
		return -EACCES;
	return strcmp(token, f->want_token) == 0 ? 0 : -EPERM;
}

static const struct vfio_user_server_ops fn_ops = {
	.device_info = fn_device_info,
	.region_info = fn_region_info,
	.irq_info = fn_irq_info,
	.region_access = fn_region_access,
	.check_token = fn_check_token,
};

static struct vfio_user_server *srv;
static pthread_t srv_thread;
static atomic_bool srv_stop;
static char dir[64];
static char path[128];

static void *
server_main(void *arg)
{
	struct pollfd pfd[8];
	unsigned int n;

	(void)arg;
	while (!atomic_load(&srv_stop)) {
		n = vfio_user_server_pollfds(srv, pfd, 8);
		poll(pfd, n, 5);
		vfio_user_server_handle(srv);
	}
	return NULL;
}

/* Serve the PF image; @p token: the VF token required, @p cfg_size: config region size. */
static void
fx_start(const char *token, uint64_t cfg_size)
{
	struct vfio_user_server_cfg cfg = { .timeout_ms = 2000 };

	memset(&fn, 0, sizeof(fn));
	make_pf(fn.cfg);
	memcpy(fn.orig, fn.cfg, sizeof(fn.cfg));
	fn.cfg_size = cfg_size;
	fn.want_token = token;
	fn.bar0_fd = memfd_create("lspci-bar0", MFD_CLOEXEC);
	CU_ASSERT_FATAL(fn.bar0_fd >= 0);
	CU_ASSERT_FATAL(ftruncate(fn.bar0_fd, BAR0_SIZE) == 0);
	strcpy(dir, "/tmp/lspci-test-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/pf.sock", dir);
	cfg.path = path;
	CU_ASSERT_EQUAL_FATAL(vfio_user_server_create(&cfg, &fn_ops, &fn, &srv), 0);
	atomic_store(&srv_stop, false);
	CU_ASSERT_FATAL(pthread_create(&srv_thread, NULL, server_main, NULL) == 0);
}

/* The server thread is joined first: @p fn is then ours to read. */
static void
fx_stop(void)
{
	atomic_store(&srv_stop, true);
	pthread_join(srv_thread, NULL);
	vfio_user_server_destroy(srv);
	srv = NULL;
	close(fn.bar0_fd);
	rmdir(dir);
}

struct run {
	int status;
	char *out;
	char *err;
};

static struct run
run_ctl(int argc, char **argv)
{
	struct run r = { 0 };
	size_t ol = 0, el = 0;
	FILE *out = open_memstream(&r.out, &ol);
	FILE *err = open_memstream(&r.err, &el);

	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(err);
	r.status = svnic_ctl_run(argc, argv, out, err);
	fclose(out);
	fclose(err);
	return r;
}

static void
run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

static void
test_e2e_pf(void)
{
	char *argv[] = { "svnic-ctl", "lspci", path, NULL };
	struct run r;

	fx_start(NULL, SVNIC_LSPCI_CFG_SIZE);
	r = run_ctl(3, argv);
	fx_stop();
	CU_ASSERT_EQUAL(r.status, SVNIC_CTL_OK);
	CU_ASSERT_STRING_EQUAL(r.err, "");
	HAS(r.out, " Ethernet controller [0200]: svnic (experimental id) "
		"Device [5356:0001] (rev 01)\n");
	HAS(r.out, "\tRegion 0: Memory at fe000000 (64-bit, non-prefetchable) [size=64K]\n");
	HAS(r.out, "\tCapabilities: [110 v1] Single Root I/O Virtualization (SR-IOV)\n");
	/* The VF BAR was sized by writing all ones, with VF MSE off. */
	HAS(r.out, "\t\tRegion 0: Memory at fd000000 (64-bit, non-prefetchable) [size=16K]\n");
	HAS(r.out, "\tvfio-user: max_msg_fds 64, max_data_xfer_size 1048576");
	HAS(r.out, "\tDevice: flags RESET+ PCI+ PLATFORM- CAPS-, 9 regions, 5 IRQ types\n");
	HAS(r.out, "\tRegion 0 (BAR0): size 0x10000 [size=64K], offset 0, "
		"flags READ+ WRITE+ MMAP+ CAPS+\n");
	HAS(r.out, "\t\tSparse mmap area 0: offset 0 size 0x1000\n");
	HAS(r.out, "\t\tSparse mmap area 1: offset 0x4000 size 0xc000\n");
	HAS(r.out, "\tRegion 1 (BAR1): not implemented\n");
	HAS(r.out, "\tRegion 7 (CONFIG): size 0x1000 [size=4K], offset 0, "
		"flags READ+ WRITE+ MMAP- CAPS-\n");
	HAS(r.out, "\tIRQ 0 (INTx): count 1, flags EVENTFD+ MASKABLE+ AUTOMASKED+ NORESIZE-\n");
	HAS(r.out, "\tIRQ 2 (MSI-X): count 10, flags EVENTFD+ MASKABLE- AUTOMASKED- "
		"NORESIZE+\n");
	HASNT(r.out, "Note:");
	/* Every BAR restored, decoding never on while a BAR held all ones. */
	CU_ASSERT_TRUE(fn.cfg_writes > 0);
	CU_ASSERT_FALSE(fn.bar_write_while_decoding);
	CU_ASSERT_EQUAL(memcmp(fn.cfg, fn.orig, sizeof(fn.cfg)), 0);
	CU_ASSERT_EQUAL(get32(fn.cfg, PF_SRIOV + PCI_SRIOV_BAR), 0xfd000004);
	run_free(&r);
}

static void
test_e2e_no_probe_and_token(void)
{
	char *argv[] = { "svnic-ctl", "lspci", "--no-probe", "--vf-token", TOKEN_UPPER, path,
		NULL };
	char *bare[] = { "svnic-ctl", "lspci", path, NULL };
	struct run r;

	fx_start(TOKEN, SVNIC_LSPCI_CFG_SIZE);
	/* Presented in its canonical (lower-case) form; nothing written. */
	r = run_ctl(6, argv);
	CU_ASSERT_EQUAL(r.status, SVNIC_CTL_OK);
	HAS(r.out, "VF token presented");
	/* Without probing the VF BAR has no size, the PF BAR keeps the region's. */
	HAS(r.out, "\t\tRegion 0: Memory at fd000000 (64-bit, non-prefetchable)\n");
	HAS(r.out, "\tRegion 0: Memory at fe000000 (64-bit, non-prefetchable) [size=64K]\n");
	run_free(&r);
	r = run_ctl(3, bare);
	CU_ASSERT_EQUAL(r.status, SVNIC_CTL_FAIL);
	CU_ASSERT_STRING_EQUAL(r.out, "");
	HAS(r.err, "svnic-ctl: cannot connect to ");
	HAS(r.err, ": Permission denied\n");
	run_free(&r);
	fx_stop();
	CU_ASSERT_EQUAL(fn.cfg_writes, 0);
}

static void
test_e2e_small_config_region(void)
{
	char *argv[] = { "svnic-ctl", "lspci", path, NULL };
	struct run r;

	fx_start(NULL, 16);
	r = run_ctl(3, argv);
	fx_stop();
	CU_ASSERT_EQUAL(r.status, SVNIC_CTL_FAIL);
	HAS(r.err, "config space region (index 7) is 16 bytes");
	/* The vfio-user view is still shown. */
	HAS(r.out, "<no config space>\n");
	HAS(r.out, "\tRegion 7 (CONFIG): size 0x10 [size=16]");
	run_free(&r);
}

static void
test_command_line_errors(void)
{
	char *missing[] = { "svnic-ctl", "lspci", "/nonexistent/svnic/pf.sock", NULL };
	char *no_sock[] = { "svnic-ctl", "lspci", NULL };
	char *bad_tok[] = { "svnic-ctl", "lspci", "--vf-token=not-a-uuid", "x.sock", NULL };
	char *bad_opt[] = { "svnic-ctl", "lspci", "--frobnicate", "x.sock", NULL };
	char *two[] = { "svnic-ctl", "lspci", "a.sock", "b.sock", NULL };
	char *unknown[] = { "svnic-ctl", "frob", NULL };
	char *help[] = { "svnic-ctl", "help", NULL };
	struct run r;

	r = run_ctl(3, missing);
	CU_ASSERT_EQUAL(r.status, SVNIC_CTL_FAIL);
	CU_ASSERT_STRING_EQUAL(r.err, "svnic-ctl: cannot connect to /nonexistent/svnic/pf.sock: "
		"No such file or directory\n");
	CU_ASSERT_STRING_EQUAL(r.out, "");
	run_free(&r);
	r = run_ctl(2, no_sock);
	CU_ASSERT_EQUAL(r.status, SVNIC_CTL_USAGE);
	HAS(r.err, "missing SOCKET");
	run_free(&r);
	r = run_ctl(4, bad_tok);
	CU_ASSERT_EQUAL(r.status, SVNIC_CTL_USAGE);
	HAS(r.err, "--vf-token is not a UUID: not-a-uuid");
	run_free(&r);
	r = run_ctl(4, bad_opt);
	CU_ASSERT_EQUAL(r.status, SVNIC_CTL_USAGE);
	HAS(r.err, "unknown option: --frobnicate");
	run_free(&r);
	r = run_ctl(4, two);
	CU_ASSERT_EQUAL(r.status, SVNIC_CTL_USAGE);
	run_free(&r);
	r = run_ctl(2, unknown);
	CU_ASSERT_EQUAL(r.status, SVNIC_CTL_USAGE);
	HAS(r.err, "unknown command 'frob'");
	run_free(&r);
	r = run_ctl(2, help);
	CU_ASSERT_EQUAL(r.status, SVNIC_CTL_OK);
	HAS(r.out, "lspci [--vf-token UUID]");
	run_free(&r);
}

static CU_TestInfo tests_decoder[] = {
	UNIT_TEST(test_decode_loops),
	UNIT_TEST(test_decode_pointers_outside),
	UNIT_TEST(test_decode_truncated_and_garbage),
	UNIT_TEST(test_bar_size),
	UNIT_TEST(test_decode_pf),
	UNIT_TEST(test_decode_vf),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_command[] = {
	UNIT_TEST(test_command_line_errors),
	UNIT_TEST(test_e2e_small_config_region),
	UNIT_TEST(test_e2e_no_probe_and_token),
	UNIT_TEST(test_e2e_pf),
	CU_TEST_INFO_NULL,
};

UNIT_MAIN(UNIT_SUITE("svnic-ctl lspci decoder", tests_decoder),
	  UNIT_SUITE("svnic-ctl lspci command", tests_command))
