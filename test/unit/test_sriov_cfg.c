/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VF config-space mediation (lib/sriov/sriov_cfg.c). A fake VF supplies the
 * passed-through fields and counts FLRs; every test builds its own object.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "svnic_pci.h"
#include "sriov_cfg.h"
#include "unit.h"

#define PCIE(reg)	(SVNIC_VF_CFG_PCIE_CAP + (reg))
#define MSIX(reg)	(SVNIC_VF_CFG_MSIX_CAP + (reg))
#define BAR(i)		(PCI_BASE_ADDRESS_0 + 4 * (i))

/* The real VF behind the mediation. */
struct fake_vf {
	uint8_t real[SRIOV_CFG_SPACE_SIZE];
	int fail;			/* returned by read_passthrough when != 0 */
	unsigned int pt_calls;
	unsigned int flr_calls;
	struct sriov_cfg *cfg;
	uint16_t cmd_in_flr;		/* Command as the guest saw it during the FLR callback */
};

static struct fake_vf vf;

static int
fake_read(void *ctx, uint16_t off, uint8_t len, uint32_t *val)
{
	struct fake_vf *f = ctx;
	uint32_t v = 0;
	uint8_t i;

	f->pt_calls++;
	if (f->fail != 0)
		return f->fail;
	for (i = 0; i < len; i++)
		v |= (uint32_t)f->real[off + i] << (8 * i);
	*val = v;
	return 0;
}

static void
fake_flr(void *ctx)
{
	struct fake_vf *f = ctx;
	uint8_t b[2] = { 0xff, 0xff };

	f->flr_calls++;
	if (f->cfg != NULL && sriov_cfg_read(f->cfg, PCI_COMMAND, b, 2) == 0)
		f->cmd_in_flr = (uint16_t)(b[0] | b[1] << 8);
}

static const struct sriov_cfg_ops fake_ops = {
	.read_passthrough = fake_read,
	.flr = fake_flr,
};

/* Real VF values of the passed-through fields. */
#define REAL_DEVSTA	(PCI_EXP_DEVSTA_TRPND | PCI_EXP_DEVSTA_CED)	/* CED must not leak */
#define REAL_LNKCAP	0x00437d13u
#define REAL_LNKSTA	0x1043u
#define REAL_MSIX_TABLE	0x00002000u	/* BAR0 + 0x2000 */
#define REAL_MSIX_PBA	0x00003000u

static void
put_le(uint8_t *p, uint32_t v, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/*
 * BAR0/1: 64-bit prefetchable 64 KiB; BAR2: 32-bit 16 KiB; BAR3: none;
 * BAR4/5: 64-bit 8 GiB (size bits reach into the upper dword).
 */
static void
fill_desc(struct sriov_cfg_desc *d, bool ari)
{
	memset(d, 0, sizeof(*d));
	d->vf_id = 3;
	d->vendor_id = SVNIC_PCI_VENDOR_ID;
	d->vf_device_id = SVNIC_PCI_DEVICE_ID_VF;
	d->revision = 0x07;
	d->class_code = SVNIC_PCI_CLASS_CODE;
	d->subsys_vendor_id = 0x5356;
	d->subsys_id = 0xbeef;
	d->bars[0].size = 64 * 1024;
	d->bars[0].is_64 = true;
	d->bars[0].prefetchable = true;
	d->bars[2].size = 16 * 1024;
	d->bars[4].size = UINT64_C(8) << 30;
	d->bars[4].is_64 = true;
	d->msix_vectors = 64;
	d->max_payload = 1;
	d->ari = ari;
}

static struct sriov_cfg *
make_ari(bool ari)
{
	struct sriov_cfg_desc d;

	memset(&vf, 0, sizeof(vf));
	put_le(&vf.real[PCIE(PCI_EXP_DEVSTA)], REAL_DEVSTA, 2);
	put_le(&vf.real[PCIE(PCI_EXP_LNKCAP)], REAL_LNKCAP, 4);
	put_le(&vf.real[PCIE(PCI_EXP_LNKSTA)], REAL_LNKSTA, 2);
	put_le(&vf.real[MSIX(PCI_MSIX_TABLE)], REAL_MSIX_TABLE, 4);
	put_le(&vf.real[MSIX(PCI_MSIX_PBA)], REAL_MSIX_PBA, 4);
	/* Junk where the mediation must not look. */
	put_le(&vf.real[PCI_VENDOR_ID], 0xffffffffu, 4);
	fill_desc(&d, ari);
	vf.cfg = sriov_cfg_create(&d, &fake_ops, &vf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vf.cfg);
	return vf.cfg;
}

static struct sriov_cfg *
make(void)
{
	return make_ari(true);
}

static uint32_t
rd(struct sriov_cfg *cfg, uint32_t off, uint32_t len)
{
	uint8_t b[4] = { 0 };
	uint32_t v = 0, i;

	CU_ASSERT_EQUAL(sriov_cfg_read(cfg, off, b, len), 0);
	for (i = 0; i < len; i++)
		v |= (uint32_t)b[i] << (8 * i);
	return v;
}

static void
wr(struct sriov_cfg *cfg, uint32_t off, uint32_t len, uint32_t v)
{
	uint8_t b[4];

	put_le(b, v, len);
	CU_ASSERT_EQUAL(sriov_cfg_write(cfg, off, b, len), 0);
}

static struct sriov_cfg_stats
stats(struct sriov_cfg *cfg)
{
	struct sriov_cfg_stats s;

	sriov_cfg_get_stats(cfg, &s);
	return s;
}

/* ---- negative cases ---- */

static void
expect_create_fails(const struct sriov_cfg_desc *d, const struct sriov_cfg_ops *ops)
{
	errno = 0;
	CU_ASSERT_PTR_NULL(sriov_cfg_create(d, ops, &vf));
	CU_ASSERT_EQUAL(errno, EINVAL);
}

static void
test_create_bad_input(void)
{
	struct sriov_cfg_ops no_flr = { .read_passthrough = fake_read };
	struct sriov_cfg_ops no_read = { .flr = fake_flr };
	struct sriov_cfg_desc d;

	fill_desc(&d, false);
	expect_create_fails(NULL, &fake_ops);
	expect_create_fails(&d, NULL);
	expect_create_fails(&d, &no_flr);
	expect_create_fails(&d, &no_read);

	fill_desc(&d, false);
	d.vendor_id = 0xffff;
	expect_create_fails(&d, &fake_ops);
	d.vendor_id = 0;
	expect_create_fails(&d, &fake_ops);

	fill_desc(&d, false);
	d.class_code = 0x1000000;
	expect_create_fails(&d, &fake_ops);

	fill_desc(&d, false);
	d.msix_vectors = 0;
	expect_create_fails(&d, &fake_ops);
	d.msix_vectors = SRIOV_CFG_MSIX_MAX + 1;
	expect_create_fails(&d, &fake_ops);

	fill_desc(&d, false);
	d.max_payload = 6;
	expect_create_fails(&d, &fake_ops);

	fill_desc(&d, false);
	d.bars[2].size = 8;			/* below 16 bytes */
	expect_create_fails(&d, &fake_ops);
	d.bars[2].size = 3 * 4096;		/* not a power of two */
	expect_create_fails(&d, &fake_ops);
	d.bars[2].size = UINT64_C(4) << 30;	/* 32-bit BAR above 2 GiB */
	expect_create_fails(&d, &fake_ops);

	fill_desc(&d, false);
	d.bars[3].prefetchable = true;		/* flags on an unimplemented BAR */
	expect_create_fails(&d, &fake_ops);

	fill_desc(&d, false);
	d.bars[1].size = 4096;			/* upper half of BAR0 in use */
	expect_create_fails(&d, &fake_ops);

	fill_desc(&d, false);
	d.bars[4].is_64 = false;
	d.bars[4].size = 4096;
	d.bars[5].size = 4096;
	d.bars[5].is_64 = true;			/* 64-bit BAR without an upper slot */
	expect_create_fails(&d, &fake_ops);
}

static void
test_create_limits_accepted(void)
{
	struct sriov_cfg_desc d;
	struct sriov_cfg *cfg;

	fill_desc(&d, false);
	d.msix_vectors = SRIOV_CFG_MSIX_MAX;
	d.max_payload = 5;
	d.bars[2].size = SRIOV_CFG_BAR32_MAX;
	d.bars[3].size = SRIOV_CFG_BAR_MIN;
	cfg = sriov_cfg_create(&d, &fake_ops, &vf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL(rd(cfg, MSIX(PCI_MSIX_FLAGS), 2) & PCI_MSIX_FLAGS_QSIZE, 2047);
	CU_ASSERT_EQUAL(rd(cfg, PCIE(PCI_EXP_DEVCAP), 4) & PCI_EXP_DEVCAP_PAYLOAD, 5);
	wr(cfg, BAR(2), 4, 0xffffffff);
	CU_ASSERT_EQUAL(rd(cfg, BAR(2), 4), 0x80000000u);
	wr(cfg, BAR(3), 4, 0xffffffff);
	CU_ASSERT_EQUAL(rd(cfg, BAR(3), 4), 0xfffffff0u);
	sriov_cfg_destroy(cfg);
	sriov_cfg_destroy(NULL);
}

static void
snapshot(struct sriov_cfg *cfg, uint8_t *img)
{
	CU_ASSERT_EQUAL(sriov_cfg_read(cfg, 0, img, SRIOV_CFG_SPACE_SIZE), 0);
}

static void
test_access_refused(void)
{
	static const struct { uint32_t off, len; } bad[] = {
		{ 0, 0 },			/* zero length */
		{ 0x40, 0 },
		{ SRIOV_CFG_SPACE_SIZE, 1 },	/* out of range */
		{ SRIOV_CFG_SPACE_SIZE - 1, 2 },
		{ SRIOV_CFG_SPACE_SIZE - 4, 8 },
		{ 0, SRIOV_CFG_SPACE_SIZE + 1 },
		{ UINT32_MAX, 2 },		/* off + len wraps */
		{ UINT32_MAX - 2, 4 },
		{ 4, UINT32_MAX },
		{ 1, 4 },			/* crosses a dword */
		{ 2, 4 },
		{ 3, 2 },
		{ 0x4a, 4 },
		{ 0, 3 },			/* not 1, 2 or 4 */
		{ 0x41, 3 },
	};
	uint8_t before[SRIOV_CFG_SPACE_SIZE], after[SRIOV_CFG_SPACE_SIZE];
	uint8_t buf[16], ones[16];
	struct sriov_cfg *cfg = make();
	unsigned int i, calls;

	snapshot(cfg, before);
	memset(ones, 0xff, sizeof(ones));
	calls = vf.pt_calls;
	unit_log_capture();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(buf, 0xa5, sizeof(buf));
		CU_ASSERT_EQUAL(sriov_cfg_read(cfg, bad[i].off, buf, bad[i].len), -EINVAL);
		CU_ASSERT_EQUAL(buf[0], 0xa5);
		CU_ASSERT_EQUAL(sriov_cfg_write(cfg, bad[i].off, ones, bad[i].len), -EINVAL);
	}
	CU_ASSERT_EQUAL(sriov_cfg_read(cfg, 0, NULL, 4), -EINVAL);
	CU_ASSERT_EQUAL(sriov_cfg_write(cfg, 0, NULL, 4), -EINVAL);
	CU_ASSERT_EQUAL(sriov_cfg_read(NULL, 0, buf, 4), -EINVAL);
	CU_ASSERT_EQUAL(sriov_cfg_write(NULL, 0, ones, 4), -EINVAL);
	CU_ASSERT_EQUAL(vf.pt_calls, calls);
	CU_ASSERT_EQUAL(vf.flr_calls, 0);
	CU_ASSERT_EQUAL(stats(cfg).refused, 2 * (sizeof(bad) / sizeof(bad[0])) + 2);
	CU_ASSERT_EQUAL(stats(cfg).writes, 0);
	CU_ASSERT(unit_log_contains("refused"));
	CU_ASSERT(unit_log_contains("VF 3"));
	snapshot(cfg, after);
	CU_ASSERT_EQUAL(memcmp(before, after, sizeof(before)), 0);
	sriov_cfg_destroy(cfg);
}

static void
test_passthrough_failure(void)
{
	struct sriov_cfg *cfg = make();
	uint8_t buf[64];
	unsigned int i;

	vf.fail = -ENODEV;
	memset(buf, 0x5a, sizeof(buf));
	CU_ASSERT_EQUAL(sriov_cfg_read(cfg, PCIE(PCI_EXP_LNKSTA), buf, 2), -EIO);
	CU_ASSERT_EQUAL(sriov_cfg_read(cfg, MSIX(PCI_MSIX_TABLE), buf, 4), -EIO);
	/* A long read that reaches a passed-through dword fails as a whole. */
	CU_ASSERT_EQUAL(sriov_cfg_read(cfg, 0x40, buf, sizeof(buf)), -EIO);
	for (i = 0; i < sizeof(buf); i++)
		CU_ASSERT_EQUAL(buf[i], 0x5a);
	CU_ASSERT_EQUAL(stats(cfg).passthrough_errors, 3);
	CU_ASSERT_EQUAL(stats(cfg).reads, 0);
	/* Fully virtualized fields need no VF and still work. */
	CU_ASSERT_EQUAL(rd(cfg, PCI_VENDOR_ID, 2), SVNIC_PCI_VENDOR_ID);
	vf.fail = 0;
	CU_ASSERT_EQUAL(rd(cfg, PCIE(PCI_EXP_LNKSTA), 2), REAL_LNKSTA);
	sriov_cfg_destroy(cfg);
}

/* ---- header ---- */

static void
test_ids(void)
{
	struct sriov_cfg *cfg = make();

	CU_ASSERT_EQUAL(rd(cfg, PCI_VENDOR_ID, 2), SVNIC_PCI_VENDOR_ID);
	CU_ASSERT_EQUAL(rd(cfg, PCI_DEVICE_ID, 2), SVNIC_PCI_DEVICE_ID_VF);
	CU_ASSERT_EQUAL(rd(cfg, PCI_VENDOR_ID, 4),
			SVNIC_PCI_VENDOR_ID | (uint32_t)SVNIC_PCI_DEVICE_ID_VF << 16);
	CU_ASSERT_EQUAL(rd(cfg, PCI_REVISION_ID, 1), 0x07);
	CU_ASSERT_EQUAL(rd(cfg, PCI_REVISION_ID, 4), SVNIC_PCI_CLASS_CODE << 8 | 0x07);
	CU_ASSERT_EQUAL(rd(cfg, PCI_CLASS_DEVICE, 2), 0x0200);
	CU_ASSERT_EQUAL(rd(cfg, PCI_HEADER_TYPE, 1), PCI_HEADER_TYPE_NORMAL);
	CU_ASSERT_EQUAL(rd(cfg, PCI_SUBSYSTEM_VENDOR_ID, 2), 0x5356);
	CU_ASSERT_EQUAL(rd(cfg, PCI_SUBSYSTEM_ID, 2), 0xbeef);
	CU_ASSERT_EQUAL(rd(cfg, PCI_STATUS, 2), PCI_STATUS_CAP_LIST);
	/* Ids are read-only. */
	wr(cfg, PCI_VENDOR_ID, 4, 0x12345678);
	wr(cfg, PCI_REVISION_ID, 1, 0x55);
	CU_ASSERT_EQUAL(rd(cfg, PCI_DEVICE_ID, 2), SVNIC_PCI_DEVICE_ID_VF);
	CU_ASSERT_EQUAL(rd(cfg, PCI_VENDOR_ID, 2), SVNIC_PCI_VENDOR_ID);
	CU_ASSERT_EQUAL(rd(cfg, PCI_REVISION_ID, 1), 0x07);
	CU_ASSERT_EQUAL(stats(cfg).ro_dropped, 2);
	sriov_cfg_destroy(cfg);
}

static void
test_interrupt_pin_and_line(void)
{
	struct sriov_cfg *cfg = make();

	CU_ASSERT_EQUAL(rd(cfg, PCI_INTERRUPT_PIN, 1), 0);
	wr(cfg, PCI_INTERRUPT_PIN, 1, 1);
	CU_ASSERT_EQUAL(rd(cfg, PCI_INTERRUPT_PIN, 1), 0);
	CU_ASSERT_EQUAL(stats(cfg).ro_dropped, 1);
	/* Interrupt Line is the guest's scratch byte. */
	wr(cfg, PCI_INTERRUPT_LINE, 4, 0xffffff0b);
	CU_ASSERT_EQUAL(rd(cfg, PCI_INTERRUPT_LINE, 4), 0x0b);
	/* So is Cache Line Size; Latency Timer is 0 on PCIe. */
	wr(cfg, PCI_CACHE_LINE_SIZE, 2, 0x4010);
	CU_ASSERT_EQUAL(rd(cfg, PCI_CACHE_LINE_SIZE, 2), 0x0010);
	sriov_cfg_destroy(cfg);
}

static void
test_command_intx_disable(void)
{
	struct sriov_cfg *cfg = make();

	CU_ASSERT_EQUAL(rd(cfg, PCI_COMMAND, 2), PCI_COMMAND_INTX_DISABLE);
	wr(cfg, PCI_COMMAND, 2, 0);
	CU_ASSERT_EQUAL(rd(cfg, PCI_COMMAND, 2) & PCI_COMMAND_INTX_DISABLE,
			PCI_COMMAND_INTX_DISABLE);
	CU_ASSERT_EQUAL(stats(cfg).ro_dropped, 1);
	/* I/O space, SERR, parity: not the VF's. */
	wr(cfg, PCI_COMMAND, 2, PCI_COMMAND_IO | PCI_COMMAND_SERR | PCI_COMMAND_PARITY |
	   PCI_COMMAND_INTX_DISABLE);
	CU_ASSERT_EQUAL(rd(cfg, PCI_COMMAND, 2), PCI_COMMAND_INTX_DISABLE);
	/* A read-modify-write of the current value is no dropped write. */
	wr(cfg, PCI_COMMAND, 2, rd(cfg, PCI_COMMAND, 2));
	CU_ASSERT_EQUAL(stats(cfg).ro_dropped, 2);
	sriov_cfg_destroy(cfg);
}

static void
test_command_mse(void)
{
	struct sriov_cfg *cfg = make();

	CU_ASSERT_EQUAL(rd(cfg, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY, 0);
	wr(cfg, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	CU_ASSERT_EQUAL(rd(cfg, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY, 0);
	sriov_cfg_set_mse(cfg, true);
	CU_ASSERT_EQUAL(rd(cfg, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY, PCI_COMMAND_MEMORY);
	wr(cfg, PCI_COMMAND, 1, 0);
	CU_ASSERT_EQUAL(rd(cfg, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY, PCI_COMMAND_MEMORY);
	/* MSE is the PF's: a reset keeps it. */
	sriov_cfg_reset(cfg);
	CU_ASSERT_EQUAL(rd(cfg, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY, PCI_COMMAND_MEMORY);
	sriov_cfg_set_mse(cfg, false);
	CU_ASSERT_EQUAL(rd(cfg, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY, 0);
	CU_ASSERT_EQUAL(stats(cfg).ro_dropped, 2);
	sriov_cfg_destroy(cfg);
}

static void
test_command_bus_master(void)
{
	struct sriov_cfg *cfg = make();

	CU_ASSERT_FALSE(sriov_cfg_bus_master(cfg));
	wr(cfg, PCI_COMMAND, 2, PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
	CU_ASSERT_TRUE(sriov_cfg_bus_master(cfg));
	CU_ASSERT_EQUAL(rd(cfg, PCI_COMMAND, 2), PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
	wr(cfg, PCI_COMMAND, 1, 0);
	CU_ASSERT_FALSE(sriov_cfg_bus_master(cfg));
	CU_ASSERT_EQUAL(stats(cfg).ro_dropped, 0);
	sriov_cfg_destroy(cfg);
}

static void
test_status_rw1c(void)
{
	const uint16_t errs = PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_SIG_TARGET_ABORT;
	struct sriov_cfg *cfg = make();

	CU_ASSERT_EQUAL(sriov_cfg_report_error(cfg, PCI_STATUS_CAP_LIST, 0), -EINVAL);
	CU_ASSERT_EQUAL(sriov_cfg_report_error(cfg, 0, PCI_EXP_DEVSTA_TRPND), -EINVAL);
	CU_ASSERT_EQUAL(rd(cfg, PCI_STATUS, 2), PCI_STATUS_CAP_LIST);
	CU_ASSERT_EQUAL(sriov_cfg_report_error(cfg, errs, PCI_EXP_DEVSTA_URD |
					       PCI_EXP_DEVSTA_NFED), 0);
	CU_ASSERT_EQUAL(rd(cfg, PCI_STATUS, 2), PCI_STATUS_CAP_LIST | errs);
	/* Writing 0 clears nothing; writing 1 clears only that bit. */
	wr(cfg, PCI_STATUS, 2, 0);
	CU_ASSERT_EQUAL(rd(cfg, PCI_STATUS, 2), PCI_STATUS_CAP_LIST | errs);
	wr(cfg, PCI_STATUS, 2, PCI_STATUS_REC_MASTER_ABORT);
	CU_ASSERT_EQUAL(rd(cfg, PCI_STATUS, 2),
			PCI_STATUS_CAP_LIST | PCI_STATUS_SIG_TARGET_ABORT);
	/* Command and Status in one dword write: the Status half clears, CAP_LIST stays. */
	wr(cfg, PCI_COMMAND, 4, (uint32_t)0xffff << 16 | PCI_COMMAND_INTX_DISABLE);
	CU_ASSERT_EQUAL(rd(cfg, PCI_STATUS, 2), PCI_STATUS_CAP_LIST);

	/* PCIe Device Status: errors RW1C, Transactions Pending from the VF. */
	CU_ASSERT_EQUAL(rd(cfg, PCIE(PCI_EXP_DEVSTA), 2),
			PCI_EXP_DEVSTA_URD | PCI_EXP_DEVSTA_NFED | PCI_EXP_DEVSTA_TRPND);
	wr(cfg, PCIE(PCI_EXP_DEVSTA), 2, PCI_EXP_DEVSTA_URD | PCI_EXP_DEVSTA_TRPND);
	CU_ASSERT_EQUAL(rd(cfg, PCIE(PCI_EXP_DEVSTA), 2),
			PCI_EXP_DEVSTA_NFED | PCI_EXP_DEVSTA_TRPND);
	sriov_cfg_destroy(cfg);
}

/* ---- BARs ---- */

static void
test_bar_sizing_32(void)
{
	struct sriov_cfg *cfg = make();

	CU_ASSERT_EQUAL(rd(cfg, BAR(2), 4), 0);
	wr(cfg, BAR(2), 4, 0xffffffff);
	CU_ASSERT_EQUAL(rd(cfg, BAR(2), 4), (uint32_t)~(16 * 1024 - 1));
	/* Sizing is architected, not a dropped write. */
	CU_ASSERT_EQUAL(stats(cfg).ro_dropped, 0);
	sriov_cfg_destroy(cfg);
}

static void
test_bar_sizing_64(void)
{
	const uint32_t type0 = PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH;
	struct sriov_cfg *cfg = make();

	CU_ASSERT_EQUAL(rd(cfg, BAR(0), 4), type0);
	CU_ASSERT_EQUAL(rd(cfg, BAR(1), 4), 0);
	wr(cfg, BAR(0), 4, 0xffffffff);
	wr(cfg, BAR(1), 4, 0xffffffff);
	CU_ASSERT_EQUAL(rd(cfg, BAR(0), 4), 0xffff0000u | type0);
	CU_ASSERT_EQUAL(rd(cfg, BAR(1), 4), 0xffffffffu);

	/* 8 GiB: no address bit in the low dword, bit 0 of the high one is size. */
	CU_ASSERT_EQUAL(rd(cfg, BAR(4), 4), PCI_BASE_ADDRESS_MEM_TYPE_64);
	wr(cfg, BAR(4), 4, 0xffffffff);
	wr(cfg, BAR(5), 4, 0xffffffff);
	CU_ASSERT_EQUAL(rd(cfg, BAR(4), 4), PCI_BASE_ADDRESS_MEM_TYPE_64);
	CU_ASSERT_EQUAL(rd(cfg, BAR(5), 4), 0xfffffffeu);
	CU_ASSERT_EQUAL(stats(cfg).ro_dropped, 0);
	sriov_cfg_destroy(cfg);
}

static void
test_bar_unimplemented(void)
{
	struct sriov_cfg *cfg = make();
	uint64_t a;

	wr(cfg, BAR(3), 4, 0xffffffff);
	CU_ASSERT_EQUAL(rd(cfg, BAR(3), 4), 0);
	/* No expansion ROM and no CardBus CIS on a VF. */
	wr(cfg, PCI_ROM_ADDRESS, 4, 0xfffff800);
	CU_ASSERT_EQUAL(rd(cfg, PCI_ROM_ADDRESS, 4), 0);
	CU_ASSERT_EQUAL(rd(cfg, PCI_CARDBUS_CIS, 4), 0);
	CU_ASSERT_EQUAL(stats(cfg).ro_dropped, 0);
	CU_ASSERT_EQUAL(sriov_cfg_bar_addr(cfg, 3, &a), -ENOENT);
	CU_ASSERT_EQUAL(sriov_cfg_bar_addr(cfg, 1, &a), -ENOENT);	/* upper half */
	CU_ASSERT_EQUAL(sriov_cfg_bar_addr(cfg, 6, &a), -EINVAL);
	CU_ASSERT_EQUAL(sriov_cfg_bar_addr(cfg, 0, NULL), -EINVAL);
	sriov_cfg_destroy(cfg);
}

static void
test_bar_program(void)
{
	struct sriov_cfg *cfg = make();
	uint8_t b[8];
	uint64_t a = 1;

	CU_ASSERT_EQUAL(sriov_cfg_bar_addr(cfg, 0, &a), 0);
	CU_ASSERT_EQUAL(a, 0);
	/* One 8-byte write programs both halves of BAR0; the low bits stay type. */
	put_le(b, 0xfe01234fu, 4);
	put_le(b + 4, 0x00000012u, 4);
	CU_ASSERT_EQUAL(sriov_cfg_write(cfg, BAR(0), b, 8), 0);
	CU_ASSERT_EQUAL(rd(cfg, BAR(0), 4),
			0xfe010000u | PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH);
	CU_ASSERT_EQUAL(sriov_cfg_bar_addr(cfg, 0, &a), 0);
	CU_ASSERT_EQUAL(a, UINT64_C(0x12fe010000));

	wr(cfg, BAR(2), 4, 0xd0004000);
	CU_ASSERT_EQUAL(sriov_cfg_bar_addr(cfg, 2, &a), 0);
	CU_ASSERT_EQUAL(a, 0xd0004000u);
	/* 16-bit write to the upper half of the 32-bit BAR. */
	wr(cfg, BAR(2) + 2, 2, 0xc000);
	CU_ASSERT_EQUAL(sriov_cfg_bar_addr(cfg, 2, &a), 0);
	CU_ASSERT_EQUAL(a, 0xc0004000u);

	wr(cfg, BAR(4), 4, 0x12345678);
	wr(cfg, BAR(5), 4, 0x00000003);
	CU_ASSERT_EQUAL(sriov_cfg_bar_addr(cfg, 4, &a), 0);
	CU_ASSERT_EQUAL(a, UINT64_C(0x200000000));
	sriov_cfg_destroy(cfg);
}

/* ---- capabilities ---- */

static void
test_cap_list_walk(void)
{
	struct sriov_cfg *cfg = make();
	uint8_t ptr, ids[8];
	unsigned int n = 0;

	CU_ASSERT_NOT_EQUAL(rd(cfg, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST, 0);
	ptr = (uint8_t)rd(cfg, PCI_CAPABILITY_LIST, 1);
	CU_ASSERT_EQUAL(ptr, SVNIC_VF_CFG_PCIE_CAP);
	while (ptr != 0 && n < sizeof(ids)) {
		ids[n++] = (uint8_t)rd(cfg, ptr + PCI_CAP_LIST_ID, 1);
		ptr = (uint8_t)rd(cfg, ptr + PCI_CAP_LIST_NEXT, 1);
	}
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(ids[0], PCI_CAP_ID_EXP);
	CU_ASSERT_EQUAL(ids[1], PCI_CAP_ID_MSIX);
	/* The PCIe capability is a v2 endpoint that can FLR. */
	CU_ASSERT_EQUAL(rd(cfg, PCIE(PCI_EXP_FLAGS), 2), 2);
	CU_ASSERT_NOT_EQUAL(rd(cfg, PCIE(PCI_EXP_DEVCAP), 4) & PCI_EXP_DEVCAP_FLR, 0);
	CU_ASSERT_EQUAL(rd(cfg, PCIE(PCI_EXP_DEVCAP), 4) & PCI_EXP_DEVCAP_PAYLOAD, 1);
	/* Pointers are read-only. */
	wr(cfg, PCI_CAPABILITY_LIST, 1, 0xc0);
	wr(cfg, PCIE(PCI_CAP_LIST_NEXT), 1, 0);
	CU_ASSERT_EQUAL(rd(cfg, PCI_CAPABILITY_LIST, 1), SVNIC_VF_CFG_PCIE_CAP);
	CU_ASSERT_EQUAL(rd(cfg, PCIE(PCI_CAP_LIST_NEXT), 1), SVNIC_VF_CFG_MSIX_CAP);
	sriov_cfg_destroy(cfg);
}

/* Walk the extended list; @return the number of capabilities, ids in @p ids. */
static unsigned int
walk_ext(struct sriov_cfg *cfg, uint16_t *ids, unsigned int max)
{
	unsigned int n = 0;
	uint16_t off = PCI_CFG_SPACE_SIZE;

	while (n < max) {
		uint32_t h = rd(cfg, off, 4);

		if (h == 0)
			break;
		ids[n++] = (uint16_t)PCI_EXT_CAP_ID(h);
		off = (uint16_t)PCI_EXT_CAP_NEXT(h);
		if (off < PCI_CFG_SPACE_SIZE)
			break;
	}
	return n;
}

static void
test_ext_caps(void)
{
	uint8_t img[SRIOV_CFG_SPACE_SIZE];
	struct sriov_cfg *cfg;
	uint16_t ids[8];
	unsigned int i;

	cfg = make_ari(true);
	CU_ASSERT_EQUAL_FATAL(walk_ext(cfg, ids, 8), 1);
	CU_ASSERT_EQUAL(ids[0], PCI_EXT_CAP_ID_ARI);
	CU_ASSERT_EQUAL(PCI_EXT_CAP_VER(rd(cfg, 0x100, 4)), 1);
	CU_ASSERT_EQUAL(rd(cfg, 0x100 + PCI_ARI_CAP, 4), 0);
	wr(cfg, 0x100 + PCI_ARI_CTRL, 2, PCI_ARI_CTRL_MFVC);
	CU_ASSERT_EQUAL(rd(cfg, 0x100 + PCI_ARI_CTRL, 2), 0);
	CU_ASSERT_EQUAL(stats(cfg).ro_dropped, 1);
	/* Nothing else in the extended space, so no SR-IOV capability anywhere. */
	snapshot(cfg, img);
	for (i = 0x108; i < SRIOV_CFG_SPACE_SIZE; i++)
		if (img[i] != 0)
			break;
	CU_ASSERT_EQUAL(i, SRIOV_CFG_SPACE_SIZE);
	sriov_cfg_destroy(cfg);

	cfg = make_ari(false);
	CU_ASSERT_EQUAL(walk_ext(cfg, ids, 8), 0);
	snapshot(cfg, img);
	for (i = PCI_CFG_SPACE_SIZE; i < SRIOV_CFG_SPACE_SIZE; i++)
		if (img[i] != 0)
			break;
	CU_ASSERT_EQUAL(i, SRIOV_CFG_SPACE_SIZE);
	/* Without ARI 0x100 is nobody's: writes there are unclaimed. */
	wr(cfg, 0x104, 2, PCI_ARI_CTRL_MFVC);
	CU_ASSERT_EQUAL(stats(cfg).unclaimed_dropped, 1);
	CU_ASSERT_EQUAL(stats(cfg).ro_dropped, 0);
	sriov_cfg_destroy(cfg);
}

static void
test_msix(void)
{
	struct sriov_cfg *cfg = make();

	CU_ASSERT_EQUAL(rd(cfg, MSIX(PCI_MSIX_FLAGS), 2), 63);
	CU_ASSERT_FALSE(sriov_cfg_msix_enabled(cfg));
	CU_ASSERT_FALSE(sriov_cfg_msix_masked(cfg));
	wr(cfg, MSIX(PCI_MSIX_FLAGS), 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	CU_ASSERT_TRUE(sriov_cfg_msix_enabled(cfg));
	CU_ASSERT_TRUE(sriov_cfg_msix_masked(cfg));
	/* Table size is read-only: the write above tried to clear it. */
	CU_ASSERT_EQUAL(rd(cfg, MSIX(PCI_MSIX_FLAGS), 2),
			PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL | 63);
	CU_ASSERT_EQUAL(stats(cfg).ro_dropped, 1);
	/* Byte write to the high byte only: unmask, keep enabled. */
	wr(cfg, MSIX(PCI_MSIX_FLAGS) + 1, 1, PCI_MSIX_FLAGS_ENABLE >> 8);
	CU_ASSERT_TRUE(sriov_cfg_msix_enabled(cfg));
	CU_ASSERT_FALSE(sriov_cfg_msix_masked(cfg));
	CU_ASSERT_EQUAL(rd(cfg, MSIX(PCI_MSIX_FLAGS), 2) & PCI_MSIX_FLAGS_QSIZE, 63);
	sriov_cfg_destroy(cfg);
}

static void
test_passthrough_fields(void)
{
	struct sriov_cfg *cfg = make();
	unsigned int calls;

	CU_ASSERT_EQUAL(rd(cfg, PCIE(PCI_EXP_LNKCAP), 4), REAL_LNKCAP);
	CU_ASSERT_EQUAL(rd(cfg, PCIE(PCI_EXP_LNKSTA), 2), REAL_LNKSTA);
	CU_ASSERT_EQUAL(rd(cfg, PCIE(PCI_EXP_LNKCTL), 4), (uint32_t)REAL_LNKSTA << 16);
	CU_ASSERT_EQUAL(rd(cfg, MSIX(PCI_MSIX_TABLE), 4), REAL_MSIX_TABLE);
	CU_ASSERT_EQUAL(rd(cfg, MSIX(PCI_MSIX_PBA), 4), REAL_MSIX_PBA);
	CU_ASSERT_EQUAL(rd(cfg, MSIX(PCI_MSIX_PBA) + 1, 1), REAL_MSIX_PBA >> 8);
	/* Only Transactions Pending comes from the VF; its error bits are ignored. */
	CU_ASSERT_EQUAL(rd(cfg, PCIE(PCI_EXP_DEVSTA), 2), PCI_EXP_DEVSTA_TRPND);
	put_le(&vf.real[PCIE(PCI_EXP_DEVSTA)], 0, 2);
	CU_ASSERT_EQUAL(rd(cfg, PCIE(PCI_EXP_DEVSTA), 2), 0);
	/* Writes never reach the VF and do not change what it reports. */
	wr(cfg, MSIX(PCI_MSIX_TABLE), 4, 0x00000007);
	CU_ASSERT_EQUAL(rd(cfg, MSIX(PCI_MSIX_TABLE), 4), REAL_MSIX_TABLE);
	/* Virtualized dwords do not bother the VF. */
	calls = vf.pt_calls;
	(void)rd(cfg, PCI_VENDOR_ID, 4);
	(void)rd(cfg, MSIX(PCI_MSIX_FLAGS) - 2, 4);
	CU_ASSERT_EQUAL(vf.pt_calls, calls);
	sriov_cfg_destroy(cfg);
}

static void
test_devctl_shadow(void)
{
	struct sriov_cfg *cfg = make();
	uint16_t v = PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_URRE | PCI_EXP_DEVCTL_PAYLOAD_256B |
		PCI_EXP_DEVCTL_READRQ_4096B;

	CU_ASSERT_EQUAL(rd(cfg, PCIE(PCI_EXP_DEVCTL), 2), PCI_EXP_DEVCTL_RELAX_EN |
			PCI_EXP_DEVCTL_NOSNOOP_EN | PCI_EXP_DEVCTL_READRQ_512B);
	wr(cfg, PCIE(PCI_EXP_DEVCTL), 2, v);
	CU_ASSERT_EQUAL(rd(cfg, PCIE(PCI_EXP_DEVCTL), 2), v);
	/* No phantom functions, no aux power. */
	wr(cfg, PCIE(PCI_EXP_DEVCTL), 2, v | PCI_EXP_DEVCTL_PHANTOM | PCI_EXP_DEVCTL_AUX_PME);
	CU_ASSERT_EQUAL(rd(cfg, PCIE(PCI_EXP_DEVCTL), 2), v);
	CU_ASSERT_EQUAL(stats(cfg).ro_dropped, 1);
	CU_ASSERT_EQUAL(vf.flr_calls, 0);
	sriov_cfg_destroy(cfg);
}

/* Dirty every guest-writable and guest-clearable field. */
static void
dirty(struct sriov_cfg *cfg)
{
	wr(cfg, PCI_COMMAND, 2, PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
	wr(cfg, PCI_CACHE_LINE_SIZE, 1, 0x10);
	wr(cfg, PCI_INTERRUPT_LINE, 1, 0x0b);
	wr(cfg, BAR(0), 4, 0xfe000000);
	wr(cfg, BAR(1), 4, 0x1);
	wr(cfg, BAR(2), 4, 0xd0000000);
	wr(cfg, BAR(5), 4, 0x4);
	wr(cfg, PCIE(PCI_EXP_DEVCTL), 2, PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_PAYLOAD_512B);
	wr(cfg, MSIX(PCI_MSIX_FLAGS), 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL | 63);
	CU_ASSERT_EQUAL(sriov_cfg_report_error(cfg, PCI_STATUS_REC_MASTER_ABORT,
					       PCI_EXP_DEVSTA_FED), 0);
}

static void
test_flr(void)
{
	uint8_t fresh[SRIOV_CFG_SPACE_SIZE], img[SRIOV_CFG_SPACE_SIZE];
	struct sriov_cfg *cfg = make();
	uint64_t a;

	snapshot(cfg, fresh);
	dirty(cfg);
	snapshot(cfg, img);
	CU_ASSERT_NOT_EQUAL(memcmp(fresh, img, sizeof(img)), 0);
	CU_ASSERT_TRUE(sriov_cfg_bus_master(cfg));
	CU_ASSERT_EQUAL(vf.flr_calls, 0);

	/* Initiate FLR with the rest of Device Control as it was. */
	wr(cfg, PCIE(PCI_EXP_DEVCTL), 2,
	   rd(cfg, PCIE(PCI_EXP_DEVCTL), 2) | PCI_EXP_DEVCTL_BCR_FLR);
	CU_ASSERT_EQUAL(vf.flr_calls, 1);
	CU_ASSERT_EQUAL(stats(cfg).flrs, 1);
	/* The callback already saw the power-on image. */
	CU_ASSERT_EQUAL(vf.cmd_in_flr, PCI_COMMAND_INTX_DISABLE);
	CU_ASSERT_EQUAL(rd(cfg, PCIE(PCI_EXP_DEVCTL), 2) & PCI_EXP_DEVCTL_BCR_FLR, 0);
	snapshot(cfg, img);
	CU_ASSERT_EQUAL(memcmp(fresh, img, sizeof(img)), 0);
	CU_ASSERT_FALSE(sriov_cfg_bus_master(cfg));
	CU_ASSERT_FALSE(sriov_cfg_msix_enabled(cfg));
	CU_ASSERT_FALSE(sriov_cfg_msix_masked(cfg));
	CU_ASSERT_EQUAL(sriov_cfg_bar_addr(cfg, 0, &a), 0);
	CU_ASSERT_EQUAL(a, 0);
	/* Writing FLR is no read-only violation. */
	CU_ASSERT_EQUAL(stats(cfg).ro_dropped, 0);

	/* A byte write of the FLR byte alone works as well, exactly once each. */
	dirty(cfg);
	wr(cfg, PCIE(PCI_EXP_DEVCTL) + 1, 1, PCI_EXP_DEVCTL_BCR_FLR >> 8);
	CU_ASSERT_EQUAL(vf.flr_calls, 2);
	snapshot(cfg, img);
	CU_ASSERT_EQUAL(memcmp(fresh, img, sizeof(img)), 0);
	/* Writes near it without the bit do not reset. */
	wr(cfg, PCIE(PCI_EXP_DEVCTL), 1, PCI_EXP_DEVCTL_CERE);
	wr(cfg, PCIE(PCI_EXP_DEVCAP), 4, 0);
	wr(cfg, PCIE(PCI_EXP_DEVSTA), 2, 0xffff);
	CU_ASSERT_EQUAL(vf.flr_calls, 2);
	sriov_cfg_destroy(cfg);
}

static void
test_reset(void)
{
	uint8_t fresh[SRIOV_CFG_SPACE_SIZE], img[SRIOV_CFG_SPACE_SIZE];
	struct sriov_cfg *cfg = make();
	struct sriov_cfg_stats s;

	snapshot(cfg, fresh);
	dirty(cfg);
	s = stats(cfg);
	sriov_cfg_reset(cfg);
	snapshot(cfg, img);
	CU_ASSERT_EQUAL(memcmp(fresh, img, sizeof(img)), 0);
	/* The counters survive, and the PF's reset is not a guest FLR. */
	CU_ASSERT_EQUAL(stats(cfg).writes, s.writes);
	CU_ASSERT_EQUAL(vf.flr_calls, 0);
	sriov_cfg_destroy(cfg);
}

/* ---- writes that are dropped ---- */

static void
test_ro_writes_counted_and_ratelimited(void)
{
	struct sriov_cfg *cfg = make();
	unsigned int i, lines;

	unit_log_capture();
	for (i = 0; i < 100; i++)
		wr(cfg, PCI_DEVICE_ID, 2, 0x1234);
	lines = unit_log_lines();
	CU_ASSERT_EQUAL(stats(cfg).ro_dropped, 100);
	CU_ASSERT(lines >= 1);
	CU_ASSERT(lines <= 10);
	CU_ASSERT(unit_log_contains("read-only"));
	CU_ASSERT(unit_log_contains("VF 3"));
	CU_ASSERT_EQUAL(rd(cfg, PCI_DEVICE_ID, 2), SVNIC_PCI_DEVICE_ID_VF);

	unit_log_capture();
	for (i = 0; i < 100; i++)
		wr(cfg, 0x200 + 4 * i, 4, 0xdeadbeef);
	wr(cfg, 0xc0, 4, 0);		/* zero changes nothing: not counted */
	CU_ASSERT_EQUAL(stats(cfg).unclaimed_dropped, 100);
	CU_ASSERT(unit_log_lines() >= 1);
	CU_ASSERT(unit_log_lines() <= 10);
	CU_ASSERT(unit_log_contains("unclaimed"));
	CU_ASSERT_EQUAL(rd(cfg, 0x200, 4), 0);
	CU_ASSERT_EQUAL(rd(cfg, 0x7c, 4), 0);	/* gap after the PCIe capability */
	CU_ASSERT_EQUAL(stats(cfg).ro_dropped, 100);
	sriov_cfg_destroy(cfg);
}

/* ---- long accesses ---- */

static void
test_split_reads(void)
{
	uint8_t big[SRIOV_CFG_SPACE_SIZE], dw[SRIOV_CFG_SPACE_SIZE], b[4];
	struct sriov_cfg *cfg = make();
	uint32_t off;

	dirty(cfg);
	CU_ASSERT_EQUAL(sriov_cfg_read(cfg, 0, big, sizeof(big)), 0);
	for (off = 0; off < SRIOV_CFG_SPACE_SIZE; off += 4) {
		CU_ASSERT_EQUAL(sriov_cfg_read(cfg, off, b, 4), 0);
		memcpy(&dw[off], b, 4);
	}
	CU_ASSERT_EQUAL(memcmp(big, dw, sizeof(big)), 0);
	/* The image is not blank: it holds ids and the capability chain. */
	CU_ASSERT_EQUAL(big[PCI_CAPABILITY_LIST], SVNIC_VF_CFG_PCIE_CAP);
	/* A 64-byte vfio-user style read of the PCIe capability. */
	CU_ASSERT_EQUAL(sriov_cfg_read(cfg, 0x40, big, 64), 0);
	CU_ASSERT_EQUAL(memcmp(big, &dw[0x40], 64), 0);
	/* Unaligned start and end: head and tail pieces of 2 and 3 bytes. */
	memset(big, 0, 16);
	CU_ASSERT_EQUAL(sriov_cfg_read(cfg, 0x4a, big, 9), 0);
	CU_ASSERT_EQUAL(memcmp(big, &dw[0x4a], 9), 0);
	CU_ASSERT_EQUAL(sriov_cfg_read(cfg, SRIOV_CFG_SPACE_SIZE - 5, big, 5), 0);
	CU_ASSERT_EQUAL(memcmp(big, &dw[SRIOV_CFG_SPACE_SIZE - 5], 5), 0);
	CU_ASSERT_EQUAL(stats(cfg).reads, 1 + SRIOV_CFG_SPACE_SIZE / 4 + 3);
	sriov_cfg_destroy(cfg);
}

static void
test_split_writes(void)
{
	struct sriov_cfg *cfg = make();
	uint8_t b[12];

	/* 6 bytes from 0x3c: Interrupt Line (RW), Pin (RO), then the PCIe cap header (RO). */
	memset(b, 0xff, sizeof(b));
	CU_ASSERT_EQUAL(sriov_cfg_write(cfg, PCI_INTERRUPT_LINE, b, 6), 0);
	CU_ASSERT_EQUAL(stats(cfg).ro_dropped, 2);
	CU_ASSERT_EQUAL(rd(cfg, PCI_INTERRUPT_LINE, 4), 0xff);
	CU_ASSERT_EQUAL(rd(cfg, PCIE(PCI_CAP_LIST_ID), 1), PCI_CAP_ID_EXP);
	/* 3-byte tail piece of a longer write: Command + low byte of Status. */
	put_le(b, 0xffffffff, 4);
	put_le(b + 4, PCI_COMMAND_MASTER, 3);
	CU_ASSERT_EQUAL(sriov_cfg_write(cfg, PCI_VENDOR_ID, b, 7), 0);
	CU_ASSERT_TRUE(sriov_cfg_bus_master(cfg));
	CU_ASSERT_EQUAL(rd(cfg, PCI_VENDOR_ID, 2), SVNIC_PCI_VENDOR_ID);
	CU_ASSERT_EQUAL(stats(cfg).writes, 2);
	sriov_cfg_destroy(cfg);
}

static CU_TestInfo tests_negative[] = {
	UNIT_TEST(test_create_bad_input),
	UNIT_TEST(test_access_refused),
	UNIT_TEST(test_passthrough_failure),
	UNIT_TEST(test_ro_writes_counted_and_ratelimited),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_header[] = {
	UNIT_TEST(test_create_limits_accepted),
	UNIT_TEST(test_ids),
	UNIT_TEST(test_interrupt_pin_and_line),
	UNIT_TEST(test_command_intx_disable),
	UNIT_TEST(test_command_mse),
	UNIT_TEST(test_command_bus_master),
	UNIT_TEST(test_status_rw1c),
	UNIT_TEST(test_bar_sizing_32),
	UNIT_TEST(test_bar_sizing_64),
	UNIT_TEST(test_bar_unimplemented),
	UNIT_TEST(test_bar_program),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_caps[] = {
	UNIT_TEST(test_cap_list_walk),
	UNIT_TEST(test_ext_caps),
	UNIT_TEST(test_msix),
	UNIT_TEST(test_passthrough_fields),
	UNIT_TEST(test_devctl_shadow),
	UNIT_TEST(test_flr),
	UNIT_TEST(test_reset),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_split[] = {
	UNIT_TEST(test_split_reads),
	UNIT_TEST(test_split_writes),
	CU_TEST_INFO_NULL,
};

UNIT_MAIN(UNIT_SUITE("sriov_cfg negative", tests_negative),
	  UNIT_SUITE("sriov_cfg header", tests_header),
	  UNIT_SUITE("sriov_cfg capabilities", tests_caps),
	  UNIT_SUITE("sriov_cfg split accesses", tests_split))
