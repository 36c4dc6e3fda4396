/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device model's own PCI config space (app/svnic-emu/emu_pci.c): refusals
 * first, then the PF header and capabilities, the SR-IOV capability's rules and
 * callbacks, FLR, and a VF's space as real SR-IOV hardware presents it. A fake
 * device records every callback.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "svnic_pci.h"
#include "svnic_regs.h"
#include "emu_log.h"
#include "emu_pci.h"
#include "unit.h"

#define PCIE(reg)	(SVNIC_EMU_PCI_PCIE_CAP + (reg))
#define MSIX(reg)	(SVNIC_EMU_PCI_MSIX_CAP + (reg))
#define ARI(reg)	(SVNIC_EMU_PCI_ARI_CAP + (reg))
#define SRIOV(reg)	(SVNIC_EMU_PCI_SRIOV_CAP + (reg))
#define BAR(i)		(PCI_BASE_ADDRESS_0 + 4 * (i))
#define VF_BAR(i)	SRIOV(PCI_SRIOV_BAR + 4 * (i))
#define CFG_SIZE	SVNIC_EMU_PCI_CFG_SIZE

#define TOTAL_VFS	64
#define PF_VECTORS	40
#define VF_VECTORS	17
#define EV_MAX		16

/* What the fake device was told, in order. */
enum ev_kind { EV_FLR, EV_SRIOV };

struct ev {
	enum ev_kind kind;
	struct emu_pci_sriov_state old;
	struct emu_pci_sriov_state now;
	bool getter_agrees;	/* emu_pci_sriov_state() in the callback == now */
	bool flr_bit_clear;	/* Initiate FLR read 0 inside the callback */
	uint16_t cmd;		/* Command as read in the callback */
};

struct fake_dev {
	struct emu_pci *pci;
	unsigned int n;
	struct ev ev[EV_MAX];
};

static struct fake_dev dev;

/* The device model's log, captured. */
static char log_last[256];
static unsigned int log_n;

static void
log_sink(enum svnic_emu_log_level level, const char *msg, void *ctx)
{
	(void)level;
	(void)ctx;
	snprintf(log_last, sizeof(log_last), "%s", msg);
	log_n++;
}

static void
log_start(void)
{
	log_n = 0;
	log_last[0] = '\0';
	svnic_emu_log_set_handler(log_sink, NULL);
}

static uint32_t
rd(struct emu_pci *pci, uint32_t off, uint32_t len)
{
	uint8_t b[4] = { 0 };
	uint32_t v = 0, i;

	CU_ASSERT_EQUAL(emu_pci_read(pci, off, b, len), 0);
	for (i = 0; i < len; i++)
		v |= (uint32_t)b[i] << (8 * i);
	return v;
}

static void
wr(struct emu_pci *pci, uint32_t off, uint32_t len, uint32_t val)
{
	uint8_t b[4];
	uint32_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)(val >> (8 * i));
	CU_ASSERT_EQUAL(emu_pci_write(pci, off, b, len), 0);
}

static struct ev *
ev_add(struct fake_dev *d, enum ev_kind kind)
{
	struct ev *e;
	uint8_t b[2] = { 0xff, 0xff };

	CU_ASSERT_FATAL(d->n < EV_MAX);
	e = &d->ev[d->n++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	if (emu_pci_read(d->pci, PCIE(PCI_EXP_DEVCTL), b, 2) == 0)
		e->flr_bit_clear = ((b[0] | b[1] << 8) & PCI_EXP_DEVCTL_BCR_FLR) == 0;
	if (emu_pci_read(d->pci, PCI_COMMAND, b, 2) == 0)
		e->cmd = (uint16_t)(b[0] | b[1] << 8);
	return e;
}

static void
fake_flr(void *ctx)
{
	ev_add(ctx, EV_FLR);
}

static void
fake_sriov_changed(void *ctx, const struct emu_pci_sriov_state *old,
		   const struct emu_pci_sriov_state *now)
{
	struct fake_dev *d = ctx;
	struct emu_pci_sriov_state st;
	struct ev *e = ev_add(d, EV_SRIOV);

	e->old = *old;
	e->now = *now;
	e->getter_agrees = emu_pci_sriov_state(d->pci, &st) == 0 &&
		st.vf_enable == now->vf_enable && st.vf_mse == now->vf_mse &&
		st.ari == now->ari && st.num_vfs == now->num_vfs &&
		st.page_size == now->page_size;
}

static const struct emu_pci_ops pf_ops = {
	.flr = fake_flr,
	.sriov_changed = fake_sriov_changed,
};

static const struct emu_pci_ops vf_ops = {
	.flr = fake_flr,
};

static struct emu_pci *
make_pf(void)
{
	struct emu_pci_pf_desc d = { .total_vfs = TOTAL_VFS, .msix_vectors = PF_VECTORS };

	emu_pci_destroy(dev.pci);
	memset(&dev, 0, sizeof(dev));
	dev.pci = emu_pci_create_pf(&d, &pf_ops, &dev);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dev.pci);
	return dev.pci;
}

static struct emu_pci *
make_vf(bool ari)
{
	struct emu_pci_vf_desc d = { .vf_id = 5, .msix_vectors = VF_VECTORS, .ari = ari };

	emu_pci_destroy(dev.pci);
	memset(&dev, 0, sizeof(dev));
	dev.pci = emu_pci_create_vf(&d, &vf_ops, &dev);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dev.pci);
	return dev.pci;
}

static void
snapshot(struct emu_pci *pci, uint8_t *img)
{
	CU_ASSERT_EQUAL(emu_pci_read(pci, 0, img, CFG_SIZE), 0);
}

static struct emu_pci_stats
stats(struct emu_pci *pci)
{
	struct emu_pci_stats st;

	emu_pci_get_stats(pci, &st);
	return st;
}

static struct emu_pci_sriov_state
sriov(struct emu_pci *pci)
{
	struct emu_pci_sriov_state st;

	memset(&st, 0xa5, sizeof(st));
	CU_ASSERT_EQUAL(emu_pci_sriov_state(pci, &st), 0);
	return st;
}

/* --- negative cases --- */

static void
test_create_pf_bad_desc(void)
{
	static const struct emu_pci_pf_desc bad[] = {
		{ .total_vfs = 0, .msix_vectors = 8 },
		{ .total_vfs = SVNIC_TOTAL_VFS_MAX + 1, .msix_vectors = 8 },
		{ .total_vfs = 8, .msix_vectors = 0 },
		{ .total_vfs = 8, .msix_vectors = SVNIC_PF_MSIX_MAX + 1 },
	};
	struct emu_pci_pf_desc good = { .total_vfs = 8, .msix_vectors = 8 };
	struct emu_pci_ops no_flr = { .sriov_changed = fake_sriov_changed };
	struct emu_pci_ops no_changed = { .flr = fake_flr };
	unsigned int i;

	log_start();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		CU_ASSERT_PTR_NULL(emu_pci_create_pf(&bad[i], &pf_ops, &dev));
		CU_ASSERT_EQUAL(errno, EINVAL);
	}
	CU_ASSERT(strstr(log_last, "TotalVFs") != NULL);
	errno = 0;
	CU_ASSERT_PTR_NULL(emu_pci_create_pf(NULL, &pf_ops, &dev));
	CU_ASSERT_EQUAL(errno, EINVAL);
	errno = 0;
	CU_ASSERT_PTR_NULL(emu_pci_create_pf(&good, NULL, &dev));
	CU_ASSERT_EQUAL(errno, EINVAL);
	errno = 0;
	CU_ASSERT_PTR_NULL(emu_pci_create_pf(&good, &no_flr, &dev));
	CU_ASSERT_EQUAL(errno, EINVAL);
	errno = 0;
	CU_ASSERT_PTR_NULL(emu_pci_create_pf(&good, &no_changed, &dev));
	CU_ASSERT_EQUAL(errno, EINVAL);
	CU_ASSERT_EQUAL(log_n, 8);
	svnic_emu_log_set_handler(NULL, NULL);
}

static void
test_create_vf_bad_desc(void)
{
	static const struct emu_pci_vf_desc bad[] = {
		{ .vf_id = SVNIC_TOTAL_VFS_MAX, .msix_vectors = 4 },
		{ .vf_id = 0, .msix_vectors = 0 },
		{ .vf_id = 0, .msix_vectors = SVNIC_VF_MSIX_MAX + 1 },
	};
	struct emu_pci_vf_desc good = { .vf_id = 1, .msix_vectors = 4 };
	struct emu_pci_ops no_flr = { 0 };
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		CU_ASSERT_PTR_NULL(emu_pci_create_vf(&bad[i], &vf_ops, &dev));
		CU_ASSERT_EQUAL(errno, EINVAL);
	}
	errno = 0;
	CU_ASSERT_PTR_NULL(emu_pci_create_vf(NULL, &vf_ops, &dev));
	CU_ASSERT_EQUAL(errno, EINVAL);
	errno = 0;
	CU_ASSERT_PTR_NULL(emu_pci_create_vf(&good, NULL, &dev));
	CU_ASSERT_EQUAL(errno, EINVAL);
	errno = 0;
	CU_ASSERT_PTR_NULL(emu_pci_create_vf(&good, &no_flr, &dev));
	CU_ASSERT_EQUAL(errno, EINVAL);
	/* A VF has no SR-IOV capability to report changes of. */
	errno = 0;
	CU_ASSERT_PTR_NULL(emu_pci_create_vf(&good, &pf_ops, &dev));
	CU_ASSERT_EQUAL(errno, EINVAL);
}

static void
test_create_limits(void)
{
	struct emu_pci_pf_desc pd = { .total_vfs = 1, .msix_vectors = 1 };
	struct emu_pci_vf_desc vd = { .vf_id = SVNIC_TOTAL_VFS_MAX - 1,
				      .msix_vectors = SVNIC_VF_MSIX_MAX };
	struct emu_pci *pci;

	pci = emu_pci_create_pf(&pd, &pf_ops, &dev);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pci);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_TOTAL_VF), 2), 1);
	CU_ASSERT_EQUAL(rd(pci, MSIX(PCI_MSIX_FLAGS), 2) & PCI_MSIX_FLAGS_QSIZE, 0);
	emu_pci_destroy(pci);
	pd.total_vfs = SVNIC_TOTAL_VFS_MAX;
	pd.msix_vectors = SVNIC_PF_MSIX_MAX;
	pci = emu_pci_create_pf(&pd, &pf_ops, &dev);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pci);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_TOTAL_VF), 2), SVNIC_TOTAL_VFS_MAX);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_INITIAL_VF), 2), SVNIC_TOTAL_VFS_MAX);
	CU_ASSERT_EQUAL(rd(pci, MSIX(PCI_MSIX_FLAGS), 2) & PCI_MSIX_FLAGS_QSIZE,
			SVNIC_PF_MSIX_MAX - 1);
	CU_ASSERT_FALSE(emu_pci_is_vf(pci));
	emu_pci_destroy(pci);
	pci = emu_pci_create_vf(&vd, &vf_ops, &dev);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pci);
	CU_ASSERT_TRUE(emu_pci_is_vf(pci));
	CU_ASSERT_EQUAL(rd(pci, MSIX(PCI_MSIX_FLAGS), 2) & PCI_MSIX_FLAGS_QSIZE,
			SVNIC_VF_MSIX_MAX - 1);
	emu_pci_destroy(pci);
	emu_pci_destroy(NULL);
}

static void
check_bad_accesses(struct emu_pci *pci)
{
	static const struct { uint32_t off, len; } bad[] = {
		{ 0, 0 }, { 0, 3 }, { 4, 3 }, { 2, 4 }, { 1, 4 }, { 3, 2 }, { 7, 2 },
		{ CFG_SIZE, 1 }, { CFG_SIZE - 1, 2 }, { CFG_SIZE - 4, 8 }, { 0, CFG_SIZE + 1 },
		{ UINT32_MAX, 4 }, { UINT32_MAX - 3, 8 }, { 0x48, UINT32_MAX },
	};
	static uint8_t before[CFG_SIZE], after[CFG_SIZE], buf[CFG_SIZE + 8];
	struct emu_pci_stats st0, st1;
	unsigned int i, n = sizeof(bad) / sizeof(bad[0]);

	snapshot(pci, before);
	st0 = stats(pci);
	log_start();
	for (i = 0; i < n; i++) {
		uint32_t len = bad[i].len > sizeof(buf) ? sizeof(buf) : bad[i].len;

		/* The FLR bit in every byte: a write that got through would show. */
		memset(buf, 0xff, sizeof(buf));
		CU_ASSERT_EQUAL(emu_pci_write(pci, bad[i].off, buf, bad[i].len), -EINVAL);
		memset(buf, 0x5a, sizeof(buf));
		CU_ASSERT_EQUAL(emu_pci_read(pci, bad[i].off, buf, bad[i].len), -EINVAL);
		CU_ASSERT_EQUAL(buf[0], 0x5a);
		CU_ASSERT_EQUAL(buf[len > 0 ? len - 1 : 0], 0x5a);
	}
	CU_ASSERT_EQUAL(emu_pci_write(pci, 0, NULL, 4), -EINVAL);
	CU_ASSERT_EQUAL(emu_pci_read(pci, 0, NULL, 4), -EINVAL);
	CU_ASSERT_EQUAL(emu_pci_write(NULL, 0, buf, 4), -EINVAL);
	CU_ASSERT_EQUAL(emu_pci_read(NULL, 0, buf, 4), -EINVAL);
	st1 = stats(pci);
	CU_ASSERT_EQUAL(st1.refused - st0.refused, 2 * n + 2);
	CU_ASSERT_EQUAL(st1.writes, st0.writes);
	CU_ASSERT_EQUAL(st1.reads, st0.reads);
	CU_ASSERT(log_n > 0);
	CU_ASSERT(strstr(log_last, "refused") != NULL);
	snapshot(pci, after);
	CU_ASSERT_EQUAL(memcmp(before, after, CFG_SIZE), 0);
	CU_ASSERT_EQUAL(dev.n, 0);
	svnic_emu_log_set_handler(NULL, NULL);
}

static void
test_bad_access_refused(void)
{
	check_bad_accesses(make_pf());
	check_bad_accesses(make_vf(true));
}

static void
test_bad_getter_args(void)
{
	struct emu_pci *pci = make_pf();
	struct emu_pci_sriov_state st;
	uint64_t v;

	CU_ASSERT_EQUAL(emu_pci_bar_addr(pci, SVNIC_EMU_PCI_BARS, &v), -EINVAL);
	CU_ASSERT_EQUAL(emu_pci_bar_addr(pci, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(emu_pci_bar_size(pci, SVNIC_EMU_PCI_BARS, &v), -EINVAL);
	CU_ASSERT_EQUAL(emu_pci_vf_bar_addr(pci, SVNIC_EMU_PCI_BARS, &v), -EINVAL);
	CU_ASSERT_EQUAL(emu_pci_vf_bar_size(pci, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(emu_pci_sriov_state(pci, NULL), -EINVAL);
	CU_ASSERT_EQUAL(emu_pci_sriov_state(NULL, &st), -EINVAL);
	CU_ASSERT_EQUAL(emu_pci_report_error(pci, PCI_STATUS_CAP_LIST, 0), -EINVAL);
	CU_ASSERT_EQUAL(emu_pci_report_error(pci, 0, PCI_EXP_DEVSTA_TRPND), -EINVAL);
	CU_ASSERT_EQUAL(rd(pci, PCI_STATUS, 2), PCI_STATUS_CAP_LIST);
	CU_ASSERT_EQUAL(rd(pci, PCIE(PCI_EXP_DEVSTA), 2), 0);
	/* A VF has no SR-IOV capability and no BARs of its own. */
	pci = make_vf(false);
	CU_ASSERT_EQUAL(emu_pci_sriov_state(pci, &st), -EINVAL);
	CU_ASSERT_EQUAL(emu_pci_vf_bar_addr(pci, 0, &v), -EINVAL);
	CU_ASSERT_EQUAL(emu_pci_vf_bar_size(pci, 0, &v), -EINVAL);
	CU_ASSERT_EQUAL(emu_pci_bar_addr(pci, 0, &v), -ENOENT);
	CU_ASSERT_EQUAL(emu_pci_bar_size(pci, 2, &v), -ENOENT);
}

/* --- accesses --- */

static void
test_long_accesses_split(void)
{
	struct emu_pci *pci = make_pf();
	uint8_t b[8];
	unsigned int i;

	/* A read across dwords equals the bytes read one by one. */
	CU_ASSERT_EQUAL(emu_pci_read(pci, 1, b, 7), 0);
	for (i = 0; i < 7; i++)
		CU_ASSERT_EQUAL(b[i], rd(pci, 1 + i, 1));
	/* Unaligned inside a dword is fine. */
	CU_ASSERT_EQUAL(rd(pci, 1, 2), (SVNIC_PCI_VENDOR_ID >> 8) | (SVNIC_PCI_DEVICE_ID_PF << 8));
	/* A 7-byte write from 0x0d sizes BAR0 in its second piece. */
	memset(b, 0xff, sizeof(b));
	CU_ASSERT_EQUAL(emu_pci_write(pci, PCI_HEADER_TYPE - 1, b, 7), 0);
	CU_ASSERT_EQUAL(rd(pci, BAR(0), 4), ~(SVNIC_PF_BAR0_SIZE - 1) |
			PCI_BASE_ADDRESS_MEM_TYPE_64);
	CU_ASSERT_EQUAL(rd(pci, PCI_HEADER_TYPE, 1), 0);
	/* 8 bytes over BAR2/BAR3 set both halves. */
	memset(b, 0, sizeof(b));
	b[3] = 0xc0;
	b[4] = 0x12;
	CU_ASSERT_EQUAL(emu_pci_write(pci, BAR(2), b, 8), 0);
	CU_ASSERT_EQUAL(rd(pci, BAR(2), 4), 0xc0000000u | PCI_BASE_ADDRESS_MEM_TYPE_64);
	CU_ASSERT_EQUAL(rd(pci, BAR(3), 4), 0x12);
	CU_ASSERT_EQUAL(stats(pci).writes, 2);
	CU_ASSERT(stats(pci).reads >= 10);
}

/* --- PF --- */

static void
test_pf_identity(void)
{
	struct emu_pci *pci = make_pf();

	CU_ASSERT_EQUAL(rd(pci, PCI_VENDOR_ID, 2), SVNIC_PCI_VENDOR_ID);
	CU_ASSERT_EQUAL(rd(pci, PCI_DEVICE_ID, 2), SVNIC_PCI_DEVICE_ID_PF);
	CU_ASSERT_EQUAL(rd(pci, PCI_REVISION_ID, 4), (SVNIC_PCI_CLASS_CODE << 8) |
			SVNIC_PCI_REVISION_ID);
	CU_ASSERT_EQUAL(rd(pci, PCI_HEADER_TYPE, 1), 0);
	CU_ASSERT_EQUAL(rd(pci, PCI_SUBSYSTEM_VENDOR_ID, 2), SVNIC_PCI_VENDOR_ID);
	CU_ASSERT_EQUAL(rd(pci, PCI_SUBSYSTEM_ID, 2), 0);
	CU_ASSERT_EQUAL(rd(pci, PCI_INTERRUPT_PIN, 1), 0);
	CU_ASSERT_EQUAL(rd(pci, PCI_STATUS, 2), PCI_STATUS_CAP_LIST);
	CU_ASSERT_EQUAL(rd(pci, PCI_COMMAND, 2), PCI_COMMAND_INTX_DISABLE);
	CU_ASSERT_EQUAL(rd(pci, PCI_CAPABILITY_LIST, 1), SVNIC_EMU_PCI_PCIE_CAP);
	CU_ASSERT_EQUAL(rd(pci, PCI_ROM_ADDRESS, 4), 0);
	/* Read-only ids stay. */
	wr(pci, PCI_VENDOR_ID, 4, 0x12345678);
	wr(pci, PCI_REVISION_ID, 4, 0);
	CU_ASSERT_EQUAL(rd(pci, PCI_VENDOR_ID, 2), SVNIC_PCI_VENDOR_ID);
	CU_ASSERT_EQUAL(rd(pci, PCI_CLASS_REVISION, 4) >> 8, SVNIC_PCI_CLASS_CODE);
	CU_ASSERT_EQUAL(stats(pci).ro_dropped, 2);
	/* Interrupt Line is a scratch register. */
	wr(pci, PCI_INTERRUPT_LINE, 1, 0x0b);
	CU_ASSERT_EQUAL(rd(pci, PCI_INTERRUPT_LINE, 1), 0x0b);
}

/* Walk the standard list; @return the number of capabilities put in @p ids. */
static unsigned int
walk_caps(struct emu_pci *pci, uint8_t *ids, uint8_t *offs, unsigned int max)
{
	unsigned int n = 0;
	uint8_t pos = (uint8_t)rd(pci, PCI_CAPABILITY_LIST, 1);

	while (pos != 0 && n < max) {
		CU_ASSERT_EQUAL(pos & 3, 0);
		CU_ASSERT(pos >= PCI_STD_HEADER_SIZEOF);
		ids[n] = (uint8_t)rd(pci, pos, 1);
		offs[n++] = pos;
		pos = (uint8_t)rd(pci, pos + 1, 1);
	}
	CU_ASSERT_EQUAL(pos, 0);
	return n;
}

/* Walk the extended list from 0x100; @return its length. */
static unsigned int
walk_ext_caps(struct emu_pci *pci, uint16_t *ids, uint16_t *offs, unsigned int max)
{
	unsigned int n = 0;
	uint16_t pos = PCI_CFG_SPACE_SIZE;

	while (n < max) {
		uint32_t h = rd(pci, pos, 4);

		if (h == 0)
			break;
		CU_ASSERT_EQUAL(PCI_EXT_CAP_VER(h), 1);
		ids[n] = (uint16_t)PCI_EXT_CAP_ID(h);
		offs[n++] = pos;
		pos = (uint16_t)PCI_EXT_CAP_NEXT(h);
		if (pos == 0)
			break;
		CU_ASSERT(pos >= PCI_CFG_SPACE_SIZE);
	}
	return n;
}

static void
test_pf_cap_walk(void)
{
	struct emu_pci *pci = make_pf();
	uint8_t ids[8], offs[8];
	uint16_t xids[8], xoffs[8];

	CU_ASSERT_EQUAL_FATAL(walk_caps(pci, ids, offs, 8), 2);
	CU_ASSERT_EQUAL(ids[0], PCI_CAP_ID_EXP);
	CU_ASSERT_EQUAL(offs[0], 0x40);
	CU_ASSERT_EQUAL(ids[1], PCI_CAP_ID_MSIX);
	CU_ASSERT_EQUAL(offs[1], 0x80);
	CU_ASSERT_EQUAL_FATAL(walk_ext_caps(pci, xids, xoffs, 8), 2);
	CU_ASSERT_EQUAL(xids[0], PCI_EXT_CAP_ID_ARI);
	CU_ASSERT_EQUAL(xoffs[0], 0x100);
	CU_ASSERT_EQUAL(xids[1], PCI_EXT_CAP_ID_SRIOV);
	CU_ASSERT_EQUAL(xoffs[1], 0x140);
	CU_ASSERT_EQUAL(PCI_EXT_CAP_NEXT(rd(pci, SRIOV(0), 4)), 0);

	/* PCIe capability v2, endpoint, FLR capable, MPS 256, extended tags. */
	CU_ASSERT_EQUAL(rd(pci, PCIE(PCI_EXP_FLAGS), 2), 2 | (PCI_EXP_TYPE_ENDPOINT << 4));
	CU_ASSERT((rd(pci, PCIE(PCI_EXP_DEVCAP), 4) & PCI_EXP_DEVCAP_FLR) != 0);
	CU_ASSERT((rd(pci, PCIE(PCI_EXP_DEVCAP), 4) & PCI_EXP_DEVCAP_EXT_TAG) != 0);
	CU_ASSERT_EQUAL(rd(pci, PCIE(PCI_EXP_DEVCAP), 4) & PCI_EXP_DEVCAP_PAYLOAD, 1);
	CU_ASSERT_EQUAL(rd(pci, PCIE(PCI_EXP_LNKSTA), 2),
			PCI_EXP_LNKSTA_CLS_2_5GB | PCI_EXP_LNKSTA_NLW_X1);
	/* MSI-X: Table Size N-1, table and PBA in BAR2. */
	CU_ASSERT_EQUAL(rd(pci, MSIX(PCI_MSIX_FLAGS), 2), PF_VECTORS - 1);
	CU_ASSERT_EQUAL(rd(pci, MSIX(PCI_MSIX_TABLE), 4), SVNIC_BAR_MSIX | SVNIC_MSIX_TABLE_OFF);
	CU_ASSERT_EQUAL(rd(pci, MSIX(PCI_MSIX_PBA), 4), SVNIC_BAR_MSIX | SVNIC_MSIX_PBA_OFF);
	/* ARI: Next Function Number 0, no function groups, control hard-wired. */
	CU_ASSERT_EQUAL(rd(pci, ARI(PCI_ARI_CAP), 4), 0);
	wr(pci, ARI(PCI_ARI_CAP), 4, UINT32_MAX);
	CU_ASSERT_EQUAL(rd(pci, ARI(PCI_ARI_CAP), 4), 0);
	/* Nothing past the SR-IOV capability. */
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_EXT_CAP_SRIOV_SIZEOF), 4), 0);
	CU_ASSERT_EQUAL(rd(pci, CFG_SIZE - 4, 4), 0);
}

static void
test_pf_command(void)
{
	struct emu_pci *pci = make_pf();

	CU_ASSERT_FALSE(emu_pci_bus_master(pci));
	CU_ASSERT_FALSE(emu_pci_mem_enabled(pci));
	wr(pci, PCI_COMMAND, 2, 0xffff);
	CU_ASSERT_EQUAL(rd(pci, PCI_COMMAND, 2), PCI_COMMAND_INTX_DISABLE | PCI_COMMAND_MEMORY |
			PCI_COMMAND_MASTER);
	CU_ASSERT_TRUE(emu_pci_bus_master(pci));
	CU_ASSERT_TRUE(emu_pci_mem_enabled(pci));
	/* INTx Disable is hard-wired to 1: no INTx. */
	wr(pci, PCI_COMMAND, 2, PCI_COMMAND_MASTER);
	CU_ASSERT_EQUAL(rd(pci, PCI_COMMAND, 2), PCI_COMMAND_INTX_DISABLE | PCI_COMMAND_MASTER);
	CU_ASSERT_FALSE(emu_pci_mem_enabled(pci));
	CU_ASSERT_EQUAL(stats(pci).ro_dropped, 2);
}

static void
check_status_rw1c(struct emu_pci *pci)
{
	CU_ASSERT_EQUAL(emu_pci_report_error(pci, PCI_STATUS_PARITY | PCI_STATUS_SIG_SYSTEM_ERROR,
					     PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_URD), 0);
	CU_ASSERT_EQUAL(rd(pci, PCI_STATUS, 2), PCI_STATUS_CAP_LIST | PCI_STATUS_PARITY |
			PCI_STATUS_SIG_SYSTEM_ERROR);
	/* Writing 0 clears nothing; writing 1 clears exactly that bit. */
	wr(pci, PCI_STATUS, 2, 0);
	CU_ASSERT_EQUAL(rd(pci, PCI_STATUS, 2), PCI_STATUS_CAP_LIST | PCI_STATUS_PARITY |
			PCI_STATUS_SIG_SYSTEM_ERROR);
	wr(pci, PCI_STATUS, 2, PCI_STATUS_PARITY);
	CU_ASSERT_EQUAL(rd(pci, PCI_STATUS, 2), PCI_STATUS_CAP_LIST | PCI_STATUS_SIG_SYSTEM_ERROR);
	/* Clearing through a dword write of Command too. */
	wr(pci, PCI_COMMAND, 4, (uint32_t)PCI_STATUS_SIG_SYSTEM_ERROR << 16 |
	   rd(pci, PCI_COMMAND, 2));
	CU_ASSERT_EQUAL(rd(pci, PCI_STATUS, 2), PCI_STATUS_CAP_LIST);
	CU_ASSERT_EQUAL(rd(pci, PCIE(PCI_EXP_DEVSTA), 2), PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_URD);
	wr(pci, PCIE(PCI_EXP_DEVSTA), 2, PCI_EXP_DEVSTA_URD | PCI_EXP_DEVSTA_TRPND);
	CU_ASSERT_EQUAL(rd(pci, PCIE(PCI_EXP_DEVSTA), 2), PCI_EXP_DEVSTA_CED);
	wr(pci, PCIE(PCI_EXP_DEVSTA), 2, UINT16_MAX);
	CU_ASSERT_EQUAL(rd(pci, PCIE(PCI_EXP_DEVSTA), 2), 0);
}

static void
test_status_rw1c(void)
{
	check_status_rw1c(make_pf());
	check_status_rw1c(make_vf(false));
}

static void
test_pf_bar_sizing(void)
{
	struct emu_pci *pci = make_pf();
	uint64_t v;
	unsigned int i;

	for (i = 0; i < 6; i++)
		wr(pci, BAR(i), 4, UINT32_MAX);
	wr(pci, PCI_ROM_ADDRESS, 4, UINT32_MAX);
	CU_ASSERT_EQUAL(rd(pci, BAR(0), 4), ~(SVNIC_PF_BAR0_SIZE - 1) |
			PCI_BASE_ADDRESS_MEM_TYPE_64);
	CU_ASSERT_EQUAL(rd(pci, BAR(1), 4), UINT32_MAX);
	CU_ASSERT_EQUAL(rd(pci, BAR(2), 4), ~(SVNIC_PF_MSIX_BAR_SIZE - 1) |
			PCI_BASE_ADDRESS_MEM_TYPE_64);
	CU_ASSERT_EQUAL(rd(pci, BAR(3), 4), UINT32_MAX);
	CU_ASSERT_EQUAL(rd(pci, BAR(4), 4), 0);
	CU_ASSERT_EQUAL(rd(pci, BAR(5), 4), 0);
	CU_ASSERT_EQUAL(rd(pci, PCI_ROM_ADDRESS, 4), 0);
	/* Sizing is no misbehaviour. */
	CU_ASSERT_EQUAL(stats(pci).ro_dropped, 0);

	/* Address bits below the size are hard-wired to 0. */
	wr(pci, BAR(0), 4, 0xfe001234);
	wr(pci, BAR(1), 4, 0x1);
	wr(pci, BAR(2), 4, 0xfd00c000);
	wr(pci, BAR(3), 4, 0);
	CU_ASSERT_EQUAL(rd(pci, BAR(0), 4), 0xfe000000u | PCI_BASE_ADDRESS_MEM_TYPE_64);
	CU_ASSERT_EQUAL(emu_pci_bar_addr(pci, 0, &v), 0);
	CU_ASSERT_EQUAL(v, UINT64_C(0x1fe000000));
	CU_ASSERT_EQUAL(emu_pci_bar_addr(pci, 2, &v), 0);
	CU_ASSERT_EQUAL(v, UINT64_C(0xfd00c000));
	CU_ASSERT_EQUAL(emu_pci_bar_addr(pci, 1, &v), -ENOENT);
	CU_ASSERT_EQUAL(emu_pci_bar_addr(pci, 4, &v), -ENOENT);
	CU_ASSERT_EQUAL(emu_pci_bar_size(pci, 0, &v), 0);
	CU_ASSERT_EQUAL(v, SVNIC_PF_BAR0_SIZE);
	CU_ASSERT_EQUAL(emu_pci_bar_size(pci, 2, &v), 0);
	CU_ASSERT_EQUAL(v, SVNIC_PF_MSIX_BAR_SIZE);
	CU_ASSERT_EQUAL(emu_pci_bar_size(pci, 3, &v), -ENOENT);
	CU_ASSERT_EQUAL(emu_pci_bar_size(pci, 5, &v), -ENOENT);
}

static void
check_msix_bits(struct emu_pci *pci, uint16_t qsize)
{
	CU_ASSERT_FALSE(emu_pci_msix_enabled(pci));
	CU_ASSERT_FALSE(emu_pci_msix_masked(pci));
	wr(pci, MSIX(PCI_MSIX_FLAGS), 2, 0xffff);
	CU_ASSERT_EQUAL(rd(pci, MSIX(PCI_MSIX_FLAGS), 2), PCI_MSIX_FLAGS_ENABLE |
			PCI_MSIX_FLAGS_MASKALL | qsize);
	CU_ASSERT_TRUE(emu_pci_msix_enabled(pci));
	CU_ASSERT_TRUE(emu_pci_msix_masked(pci));
	wr(pci, MSIX(PCI_MSIX_FLAGS), 2, PCI_MSIX_FLAGS_ENABLE);
	CU_ASSERT_TRUE(emu_pci_msix_enabled(pci));
	CU_ASSERT_FALSE(emu_pci_msix_masked(pci));
	wr(pci, MSIX(PCI_MSIX_TABLE), 4, UINT32_MAX);
	CU_ASSERT_EQUAL(rd(pci, MSIX(PCI_MSIX_TABLE), 4), SVNIC_BAR_MSIX);
	CU_ASSERT_EQUAL(rd(pci, MSIX(PCI_MSIX_FLAGS), 2), PCI_MSIX_FLAGS_ENABLE | qsize);
}

static void
test_msix_bits(void)
{
	check_msix_bits(make_pf(), PF_VECTORS - 1);
	check_msix_bits(make_vf(false), VF_VECTORS - 1);
}

static void
test_pf_devctl(void)
{
	struct emu_pci *pci = make_pf();
	uint16_t init = rd(pci, PCIE(PCI_EXP_DEVCTL), 2);

	CU_ASSERT_EQUAL(init, PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_NOSNOOP_EN |
			PCI_EXP_DEVCTL_READRQ_512B);
	wr(pci, PCIE(PCI_EXP_DEVCTL), 2, PCI_EXP_DEVCTL_EXT_TAG | PCI_EXP_DEVCTL_CERE |
	   PCI_EXP_DEVCTL_PHANTOM | PCI_EXP_DEVCTL_AUX_PME);
	CU_ASSERT_EQUAL(rd(pci, PCIE(PCI_EXP_DEVCTL), 2), PCI_EXP_DEVCTL_EXT_TAG |
			PCI_EXP_DEVCTL_CERE);
	CU_ASSERT_EQUAL(dev.n, 0);
}

static void
test_pf_flr(void)
{
	static uint8_t fresh[CFG_SIZE], after[CFG_SIZE];
	struct emu_pci *pci;
	struct emu_pci_sriov_state st;

	pci = make_pf();
	snapshot(pci, fresh);
	wr(pci, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	wr(pci, BAR(0), 4, 0xfe000000);
	wr(pci, MSIX(PCI_MSIX_FLAGS), 2, PCI_MSIX_FLAGS_ENABLE);
	wr(pci, PCIE(PCI_EXP_DEVCTL), 2, PCI_EXP_DEVCTL_EXT_TAG);
	wr(pci, SRIOV(PCI_SRIOV_SYS_PGSIZE), 4, 0x10);
	wr(pci, VF_BAR(0), 4, 0xe0000000);
	wr(pci, SRIOV(PCI_SRIOV_NUM_VF), 2, 3);
	wr(pci, SRIOV(PCI_SRIOV_CTRL), 2, PCI_SRIOV_CTRL_ARI);
	wr(pci, SRIOV(PCI_SRIOV_CTRL), 2, PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE |
	   PCI_SRIOV_CTRL_ARI);
	CU_ASSERT_EQUAL_FATAL(dev.n, 2);
	dev.n = 0;

	/* Initiate FLR with a dword write that also holds Device Status. */
	wr(pci, PCIE(PCI_EXP_DEVCTL), 4, PCI_EXP_DEVCTL_BCR_FLR | PCI_EXP_DEVCTL_EXT_TAG);
	CU_ASSERT_EQUAL_FATAL(dev.n, 2);
	/* The VFs go first, then the PF hears of its FLR, with the space at power-on. */
	CU_ASSERT_EQUAL(dev.ev[0].kind, EV_SRIOV);
	CU_ASSERT_TRUE(dev.ev[0].old.vf_enable);
	CU_ASSERT_EQUAL(dev.ev[0].old.num_vfs, 3);
	CU_ASSERT_FALSE(dev.ev[0].now.vf_enable);
	CU_ASSERT_FALSE(dev.ev[0].now.vf_mse);
	CU_ASSERT_FALSE(dev.ev[0].now.ari);
	CU_ASSERT_EQUAL(dev.ev[0].now.num_vfs, 0);
	CU_ASSERT_EQUAL(dev.ev[0].now.page_size, 4096);
	CU_ASSERT_TRUE(dev.ev[0].getter_agrees);
	CU_ASSERT_EQUAL(dev.ev[1].kind, EV_FLR);
	CU_ASSERT_TRUE(dev.ev[1].flr_bit_clear);
	CU_ASSERT_EQUAL(dev.ev[1].cmd, PCI_COMMAND_INTX_DISABLE);
	CU_ASSERT_EQUAL(rd(pci, PCIE(PCI_EXP_DEVCTL), 2) & PCI_EXP_DEVCTL_BCR_FLR, 0);
	snapshot(pci, after);
	CU_ASSERT_EQUAL(memcmp(fresh, after, CFG_SIZE), 0);
	st = sriov(pci);
	CU_ASSERT_FALSE(st.vf_enable);
	CU_ASSERT_EQUAL(stats(pci).flrs, 1);

	/* FLR of a PF whose SR-IOV state is at power-on: only the FLR callback. */
	dev.n = 0;
	wr(pci, PCIE(PCI_EXP_DEVCTL) + 1, 1, PCI_EXP_DEVCTL_BCR_FLR >> 8);
	CU_ASSERT_EQUAL(dev.n, 1);
	CU_ASSERT_EQUAL(dev.ev[0].kind, EV_FLR);
	CU_ASSERT_EQUAL(stats(pci).flrs, 2);
}

static void
test_pf_reset(void)
{
	static uint8_t fresh[CFG_SIZE], after[CFG_SIZE];
	struct emu_pci *pci = make_pf();

	snapshot(pci, fresh);
	emu_pci_reset(pci);
	CU_ASSERT_EQUAL(dev.n, 0);
	wr(pci, SRIOV(PCI_SRIOV_NUM_VF), 2, 2);
	wr(pci, SRIOV(PCI_SRIOV_CTRL), 2, PCI_SRIOV_CTRL_VFE);
	wr(pci, PCI_COMMAND, 2, PCI_COMMAND_MASTER);
	CU_ASSERT_EQUAL(emu_pci_report_error(pci, PCI_STATUS_PARITY, 0), 0);
	dev.n = 0;
	emu_pci_reset(pci);
	/* sriov_changed for the VFs, never flr. */
	CU_ASSERT_EQUAL_FATAL(dev.n, 1);
	CU_ASSERT_EQUAL(dev.ev[0].kind, EV_SRIOV);
	CU_ASSERT_FALSE(dev.ev[0].now.vf_enable);
	snapshot(pci, after);
	CU_ASSERT_EQUAL(memcmp(fresh, after, CFG_SIZE), 0);
	CU_ASSERT_EQUAL(stats(pci).flrs, 0);
	CU_ASSERT(stats(pci).writes > 0);
	emu_pci_reset(NULL);
}

/* --- SR-IOV capability --- */

static void
test_sriov_fields(void)
{
	struct emu_pci *pci = make_pf();
	struct emu_pci_sriov_state st;

	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_CAP), 4), 0);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_CTRL), 4), 0);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_INITIAL_VF), 2), TOTAL_VFS);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_TOTAL_VF), 2), TOTAL_VFS);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_NUM_VF), 4), 0);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_VF_OFFSET), 2), 1);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_VF_STRIDE), 2), 1);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_VF_DID), 2), SVNIC_PCI_DEVICE_ID_VF);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_VF_DID) - 2, 2), 0);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_SUP_PGSIZE), 4), 0x553);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_SYS_PGSIZE), 4), 1);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_VFM), 4), 0);
	st = sriov(pci);
	CU_ASSERT_FALSE(st.vf_enable);
	CU_ASSERT_FALSE(st.vf_mse);
	CU_ASSERT_FALSE(st.ari);
	CU_ASSERT_EQUAL(st.num_vfs, 0);
	CU_ASSERT_EQUAL(st.page_size, 4096);
	/* Read-only fields ignore writes, counted. */
	wr(pci, SRIOV(PCI_SRIOV_CAP), 4, UINT32_MAX);
	wr(pci, SRIOV(PCI_SRIOV_INITIAL_VF), 4, UINT32_MAX);
	wr(pci, SRIOV(PCI_SRIOV_VF_OFFSET), 4, UINT32_MAX);
	wr(pci, SRIOV(PCI_SRIOV_VF_DID) - 2, 4, UINT32_MAX);
	wr(pci, SRIOV(PCI_SRIOV_SUP_PGSIZE), 4, UINT32_MAX);
	wr(pci, SRIOV(PCI_SRIOV_VFM), 4, UINT32_MAX);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_CAP), 4), 0);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_TOTAL_VF), 2), TOTAL_VFS);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_VF_OFFSET), 4), 0x00010001);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_VF_DID), 2), SVNIC_PCI_DEVICE_ID_VF);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_SUP_PGSIZE), 4), 0x553);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_VFM), 4), 0);
	CU_ASSERT_EQUAL(stats(pci).ro_dropped, 6);
	CU_ASSERT_EQUAL(dev.n, 0);
}

static void
test_num_vfs_rules(void)
{
	struct emu_pci *pci = make_pf();

	log_start();
	/* Above TotalVFs: refused, old value kept, counted and logged. */
	wr(pci, SRIOV(PCI_SRIOV_NUM_VF), 2, TOTAL_VFS + 1);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_NUM_VF), 2), 0);
	wr(pci, SRIOV(PCI_SRIOV_NUM_VF), 2, 0xffff);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_NUM_VF), 2), 0);
	CU_ASSERT_EQUAL(stats(pci).invalid, 2);
	CU_ASSERT(strstr(log_last, "TotalVFs") != NULL);
	wr(pci, SRIOV(PCI_SRIOV_NUM_VF), 2, TOTAL_VFS);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_NUM_VF), 2), TOTAL_VFS);
	wr(pci, SRIOV(PCI_SRIOV_NUM_VF), 1, 5);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_NUM_VF), 2), 5);
	/* Function Dependency Link in the same dword is read-only. */
	wr(pci, SRIOV(PCI_SRIOV_NUM_VF), 4, 0x00ff0006);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_NUM_VF), 4), 6);
	CU_ASSERT_EQUAL(dev.n, 0);

	/* While VF Enable is set: ignored, counted; rewriting the value is no change. */
	wr(pci, SRIOV(PCI_SRIOV_CTRL), 2, PCI_SRIOV_CTRL_VFE);
	CU_ASSERT_EQUAL(dev.n, 1);
	log_start();
	wr(pci, SRIOV(PCI_SRIOV_NUM_VF), 2, 7);
	wr(pci, SRIOV(PCI_SRIOV_NUM_VF), 2, 0);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_NUM_VF), 2), 6);
	CU_ASSERT_EQUAL(stats(pci).ignored, 2);
	CU_ASSERT(strstr(log_last, "VF Enable") != NULL);
	wr(pci, SRIOV(PCI_SRIOV_NUM_VF), 2, 6);
	CU_ASSERT_EQUAL(stats(pci).ignored, 2);
	CU_ASSERT_EQUAL(sriov(pci).num_vfs, 6);
	/* Writable again once VF Enable is clear. */
	wr(pci, SRIOV(PCI_SRIOV_CTRL), 2, 0);
	wr(pci, SRIOV(PCI_SRIOV_NUM_VF), 2, 7);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_NUM_VF), 2), 7);
	CU_ASSERT_EQUAL(stats(pci).invalid, 2);
	svnic_emu_log_set_handler(NULL, NULL);
}

static void
test_vf_enable_edges(void)
{
	struct emu_pci *pci = make_pf();

	wr(pci, SRIOV(PCI_SRIOV_NUM_VF), 2, 4);
	CU_ASSERT_EQUAL(dev.n, 0);
	wr(pci, SRIOV(PCI_SRIOV_CTRL), 2, PCI_SRIOV_CTRL_VFE);
	CU_ASSERT_EQUAL_FATAL(dev.n, 1);
	CU_ASSERT_EQUAL(dev.ev[0].kind, EV_SRIOV);
	CU_ASSERT_FALSE(dev.ev[0].old.vf_enable);
	CU_ASSERT_TRUE(dev.ev[0].now.vf_enable);
	CU_ASSERT_EQUAL(dev.ev[0].now.num_vfs, 4);
	CU_ASSERT_TRUE(dev.ev[0].getter_agrees);
	CU_ASSERT_TRUE(sriov(pci).vf_enable);
	/* No edge, no call. */
	wr(pci, SRIOV(PCI_SRIOV_CTRL), 2, PCI_SRIOV_CTRL_VFE);
	wr(pci, SRIOV(PCI_SRIOV_CTRL), 4, PCI_SRIOV_CTRL_VFE);
	CU_ASSERT_EQUAL(dev.n, 1);
	wr(pci, SRIOV(PCI_SRIOV_CTRL), 1, 0);
	CU_ASSERT_EQUAL_FATAL(dev.n, 2);
	CU_ASSERT_TRUE(dev.ev[1].old.vf_enable);
	CU_ASSERT_FALSE(dev.ev[1].now.vf_enable);
	CU_ASSERT_EQUAL(dev.ev[1].now.num_vfs, 4);
	CU_ASSERT_TRUE(dev.ev[1].getter_agrees);

	/* VF Enable with NumVFs 0 is an edge too: the device creates no VF. */
	wr(pci, SRIOV(PCI_SRIOV_NUM_VF), 2, 0);
	wr(pci, SRIOV(PCI_SRIOV_CTRL), 2, PCI_SRIOV_CTRL_VFE);
	CU_ASSERT_EQUAL_FATAL(dev.n, 3);
	CU_ASSERT_TRUE(dev.ev[2].now.vf_enable);
	CU_ASSERT_EQUAL(dev.ev[2].now.num_vfs, 0);
	CU_ASSERT_EQUAL(stats(pci).ignored, 0);
}

static void
test_vf_mse_ari_bits(void)
{
	struct emu_pci *pci = make_pf();

	wr(pci, SRIOV(PCI_SRIOV_CTRL), 2, PCI_SRIOV_CTRL_MSE);
	CU_ASSERT_EQUAL_FATAL(dev.n, 1);
	CU_ASSERT_TRUE(dev.ev[0].now.vf_mse);
	CU_ASSERT_FALSE(dev.ev[0].now.vf_enable);
	wr(pci, SRIOV(PCI_SRIOV_CTRL), 2, PCI_SRIOV_CTRL_MSE | PCI_SRIOV_CTRL_ARI);
	CU_ASSERT_EQUAL_FATAL(dev.n, 2);
	CU_ASSERT_FALSE(dev.ev[1].old.ari);
	CU_ASSERT_TRUE(dev.ev[1].now.ari);
	CU_ASSERT_TRUE(dev.ev[1].now.vf_mse);
	/* VF Migration bits are hard-wired to 0. */
	wr(pci, SRIOV(PCI_SRIOV_CTRL), 2, PCI_SRIOV_CTRL_MSE | PCI_SRIOV_CTRL_ARI |
	   PCI_SRIOV_CTRL_VFM | PCI_SRIOV_CTRL_INTR);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_CTRL), 2), PCI_SRIOV_CTRL_MSE |
			PCI_SRIOV_CTRL_ARI);
	CU_ASSERT_EQUAL(stats(pci).ro_dropped, 1);
	CU_ASSERT_EQUAL(dev.n, 2);
	/* VF Enable and VF MSE in one write: one call. */
	wr(pci, SRIOV(PCI_SRIOV_CTRL), 2, PCI_SRIOV_CTRL_ARI);
	wr(pci, SRIOV(PCI_SRIOV_CTRL), 2, PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE |
	   PCI_SRIOV_CTRL_ARI);
	CU_ASSERT_EQUAL_FATAL(dev.n, 4);
	CU_ASSERT_TRUE(dev.ev[3].now.vf_enable);
	CU_ASSERT_TRUE(dev.ev[3].now.vf_mse);
	/* ARI cannot change under live VFs: ignored; VF MSE still goes. */
	wr(pci, SRIOV(PCI_SRIOV_CTRL), 2, PCI_SRIOV_CTRL_VFE);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_CTRL), 2), PCI_SRIOV_CTRL_VFE |
			PCI_SRIOV_CTRL_ARI);
	CU_ASSERT_EQUAL(stats(pci).ignored, 1);
	CU_ASSERT_EQUAL_FATAL(dev.n, 5);
	CU_ASSERT_FALSE(dev.ev[4].now.vf_mse);
	CU_ASSERT_TRUE(dev.ev[4].now.ari);
	/* Clearing VF Enable and ARI in one write: ARI was locked by VF Enable. */
	wr(pci, SRIOV(PCI_SRIOV_CTRL), 2, 0);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_CTRL), 2), PCI_SRIOV_CTRL_ARI);
	CU_ASSERT_EQUAL(stats(pci).ignored, 2);
	wr(pci, SRIOV(PCI_SRIOV_CTRL), 2, 0);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_CTRL), 2), 0);
	CU_ASSERT_EQUAL(dev.n, 7);
	CU_ASSERT_FALSE(sriov(pci).ari);
}

static void
test_first_vf_offset_stride(void)
{
	static const uint16_t ctrl[] = { 0, PCI_SRIOV_CTRL_ARI };
	static const uint16_t num[] = { 1, 7, 8, TOTAL_VFS };
	struct emu_pci *pci = make_pf();
	unsigned int i, j;

	/* Both stay 1 whatever ARI and NumVFs are (device-spec.rst). */
	for (i = 0; i < 2; i++) {
		for (j = 0; j < 4; j++) {
			dev.n = 0;
			wr(pci, SRIOV(PCI_SRIOV_CTRL), 2, ctrl[i]);
			wr(pci, SRIOV(PCI_SRIOV_NUM_VF), 2, num[j]);
			wr(pci, SRIOV(PCI_SRIOV_CTRL), 2, ctrl[i] | PCI_SRIOV_CTRL_VFE);
			CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_VF_OFFSET), 2), 1);
			CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_VF_STRIDE), 2), 1);
			CU_ASSERT_EQUAL(sriov(pci).num_vfs, num[j]);
			wr(pci, SRIOV(PCI_SRIOV_CTRL), 2, ctrl[i]);
		}
	}
}

static void
test_page_size_rules(void)
{
	static const uint32_t bad[] = { 0, 0x3, 0x4, 0x8, 0x800, 0x80000000u, 0x11 };
	struct emu_pci *pci = make_pf();
	unsigned int i;

	log_start();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		wr(pci, SRIOV(PCI_SRIOV_SYS_PGSIZE), 4, bad[i]);
		CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_SYS_PGSIZE), 4), 1);
	}
	CU_ASSERT_EQUAL(stats(pci).invalid, sizeof(bad) / sizeof(bad[0]));
	CU_ASSERT(strstr(log_last, "System Page Size") != NULL);
	for (i = 0; i < 32; i++) {
		if ((SVNIC_EMU_PCI_SUP_PGSIZES & (1u << i)) == 0)
			continue;
		wr(pci, SRIOV(PCI_SRIOV_SYS_PGSIZE), 4, 1u << i);
		CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_SYS_PGSIZE), 4), 1u << i);
		CU_ASSERT_EQUAL(sriov(pci).page_size, 4096u << i);
	}
	wr(pci, SRIOV(PCI_SRIOV_SYS_PGSIZE), 4, 0x10);
	/* Not while VF Enable is set. */
	wr(pci, SRIOV(PCI_SRIOV_CTRL), 2, PCI_SRIOV_CTRL_VFE);
	wr(pci, SRIOV(PCI_SRIOV_SYS_PGSIZE), 4, 0x1);
	wr(pci, SRIOV(PCI_SRIOV_SYS_PGSIZE) + 1, 1, 0x1);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_SYS_PGSIZE), 4), 0x10);
	CU_ASSERT_EQUAL(stats(pci).ignored, 2);
	CU_ASSERT_EQUAL(sriov(pci).page_size, 65536);
	svnic_emu_log_set_handler(NULL, NULL);
}

static void
check_vf_bars(struct emu_pci *pci, uint32_t page)
{
	uint32_t sz0 = page > SVNIC_VF_BAR0_SIZE ? page : SVNIC_VF_BAR0_SIZE;
	uint32_t sz2 = page > SVNIC_VF_MSIX_BAR_SIZE ? page : SVNIC_VF_MSIX_BAR_SIZE;
	uint64_t v;
	unsigned int i;

	for (i = 0; i < 6; i++)
		wr(pci, VF_BAR(i), 4, UINT32_MAX);
	CU_ASSERT_EQUAL(rd(pci, VF_BAR(0), 4), ~(sz0 - 1) | PCI_BASE_ADDRESS_MEM_TYPE_64);
	CU_ASSERT_EQUAL(rd(pci, VF_BAR(1), 4), UINT32_MAX);
	CU_ASSERT_EQUAL(rd(pci, VF_BAR(2), 4), ~(sz2 - 1) | PCI_BASE_ADDRESS_MEM_TYPE_64);
	CU_ASSERT_EQUAL(rd(pci, VF_BAR(3), 4), UINT32_MAX);
	CU_ASSERT_EQUAL(rd(pci, VF_BAR(4), 4), 0);
	CU_ASSERT_EQUAL(rd(pci, VF_BAR(5), 4), 0);
	CU_ASSERT_EQUAL(emu_pci_vf_bar_size(pci, 0, &v), 0);
	CU_ASSERT_EQUAL(v, sz0);
	CU_ASSERT_EQUAL(emu_pci_vf_bar_size(pci, 2, &v), 0);
	CU_ASSERT_EQUAL(v, sz2);
	CU_ASSERT_EQUAL(emu_pci_vf_bar_size(pci, 1, &v), -ENOENT);
	CU_ASSERT_EQUAL(emu_pci_vf_bar_size(pci, 4, &v), -ENOENT);
	CU_ASSERT_EQUAL(emu_pci_vf_bar_addr(pci, 3, &v), -ENOENT);
	/* Programmed address, bits below the size hard-wired to 0. */
	wr(pci, VF_BAR(0), 4, 0x80000000u | (sz0 / 2));
	wr(pci, VF_BAR(1), 4, 0x2);
	CU_ASSERT_EQUAL(emu_pci_vf_bar_addr(pci, 0, &v), 0);
	CU_ASSERT_EQUAL(v, UINT64_C(0x280000000));
	CU_ASSERT_EQUAL(stats(pci).ro_dropped, 0);
}

static void
test_vf_bar_sizing_4k(void)
{
	check_vf_bars(make_pf(), 4096);
}

static void
test_vf_bar_sizing_64k(void)
{
	struct emu_pci *pci = make_pf();
	uint64_t v;

	/* An address programmed at 4 KiB loses the bits the larger page owns. */
	wr(pci, VF_BAR(0), 4, 0x80004000u);
	wr(pci, SRIOV(PCI_SRIOV_SYS_PGSIZE), 4, 0x10);
	CU_ASSERT_EQUAL(emu_pci_vf_bar_addr(pci, 0, &v), 0);
	CU_ASSERT_EQUAL(v, UINT64_C(0x80000000));
	check_vf_bars(pci, 65536);
	/* Back to 4 KiB: smaller BARs again. */
	wr(pci, SRIOV(PCI_SRIOV_SYS_PGSIZE), 4, 0x1);
	check_vf_bars(pci, 4096);
	/* 4 MiB, the largest supported page. */
	wr(pci, SRIOV(PCI_SRIOV_SYS_PGSIZE), 4, 0x400);
	check_vf_bars(pci, 4u << 20);
}

/* --- VF --- */

static void
test_vf_identity(void)
{
	struct emu_pci *pci = make_vf(false);

	CU_ASSERT_EQUAL(rd(pci, PCI_VENDOR_ID, 4), UINT32_MAX);
	CU_ASSERT_EQUAL(rd(pci, PCI_REVISION_ID, 4), (SVNIC_PCI_CLASS_CODE << 8) |
			SVNIC_PCI_REVISION_ID);
	CU_ASSERT_EQUAL(rd(pci, PCI_SUBSYSTEM_VENDOR_ID, 2), SVNIC_PCI_VENDOR_ID);
	CU_ASSERT_EQUAL(rd(pci, PCI_SUBSYSTEM_ID, 2), 0);
	CU_ASSERT_EQUAL(rd(pci, PCI_HEADER_TYPE, 1), 0);
	CU_ASSERT_EQUAL(rd(pci, PCI_INTERRUPT_PIN, 1), 0);
	CU_ASSERT_EQUAL(rd(pci, PCI_CAPABILITY_LIST, 1), SVNIC_EMU_PCI_PCIE_CAP);
	CU_ASSERT_EQUAL(rd(pci, PCI_STATUS, 2), PCI_STATUS_CAP_LIST);
	wr(pci, PCI_VENDOR_ID, 4, 0);
	wr(pci, PCI_INTERRUPT_LINE, 1, 0x0b);
	CU_ASSERT_EQUAL(rd(pci, PCI_VENDOR_ID, 4), UINT32_MAX);
	CU_ASSERT_EQUAL(rd(pci, PCI_INTERRUPT_LINE, 1), 0);
}

static void
test_vf_command(void)
{
	struct emu_pci *pci = make_vf(false);

	CU_ASSERT_EQUAL(rd(pci, PCI_COMMAND, 2), 0);
	wr(pci, PCI_COMMAND, 2, 0xffff);
	/* MSE belongs to the PF's VF MSE; no INTx, so INTx Disable reads 0. */
	CU_ASSERT_EQUAL(rd(pci, PCI_COMMAND, 2), PCI_COMMAND_MASTER);
	CU_ASSERT_TRUE(emu_pci_bus_master(pci));
	CU_ASSERT_FALSE(emu_pci_mem_enabled(pci));
	wr(pci, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	CU_ASSERT_EQUAL(rd(pci, PCI_COMMAND, 2), 0);
	CU_ASSERT_FALSE(emu_pci_bus_master(pci));
	CU_ASSERT_EQUAL(stats(pci).ro_dropped, 2);
}

static void
test_vf_bars_read_zero(void)
{
	struct emu_pci *pci = make_vf(true);
	uint64_t v;
	unsigned int i;

	for (i = 0; i < 6; i++) {
		wr(pci, BAR(i), 4, UINT32_MAX);
		CU_ASSERT_EQUAL(rd(pci, BAR(i), 4), 0);
		CU_ASSERT_EQUAL(emu_pci_bar_addr(pci, i, &v), -ENOENT);
	}
	wr(pci, PCI_ROM_ADDRESS, 4, UINT32_MAX);
	CU_ASSERT_EQUAL(rd(pci, PCI_ROM_ADDRESS, 4), 0);
}

static void
check_vf_caps(bool ari)
{
	struct emu_pci *pci = make_vf(ari);
	uint8_t ids[8], offs[8];
	uint16_t xids[8], xoffs[8];
	unsigned int i, n;

	CU_ASSERT_EQUAL_FATAL(walk_caps(pci, ids, offs, 8), 2);
	CU_ASSERT_EQUAL(ids[0], PCI_CAP_ID_EXP);
	CU_ASSERT_EQUAL(ids[1], PCI_CAP_ID_MSIX);
	CU_ASSERT((rd(pci, PCIE(PCI_EXP_DEVCAP), 4) & PCI_EXP_DEVCAP_FLR) != 0);
	CU_ASSERT_EQUAL(rd(pci, MSIX(PCI_MSIX_FLAGS), 2), VF_VECTORS - 1);
	CU_ASSERT_EQUAL(rd(pci, MSIX(PCI_MSIX_TABLE), 4), SVNIC_BAR_MSIX | SVNIC_MSIX_TABLE_OFF);
	CU_ASSERT_EQUAL(rd(pci, MSIX(PCI_MSIX_PBA), 4), SVNIC_BAR_MSIX | SVNIC_MSIX_PBA_OFF);
	n = walk_ext_caps(pci, xids, xoffs, 8);
	CU_ASSERT_EQUAL(n, ari ? 1 : 0);
	if (ari) {
		CU_ASSERT_EQUAL(xids[0], PCI_EXT_CAP_ID_ARI);
		CU_ASSERT_EQUAL(PCI_EXT_CAP_NEXT(rd(pci, ARI(0), 4)), 0);
		CU_ASSERT_EQUAL(rd(pci, ARI(PCI_ARI_CAP), 4), 0);
	}
	/* Never an SR-IOV capability: the rest of the extended space is 0. */
	for (i = PCI_CFG_SPACE_SIZE + (ari ? PCI_EXT_CAP_ARI_SIZEOF : 0); i < CFG_SIZE; i += 4)
		CU_ASSERT_EQUAL_FATAL(rd(pci, i, 4), 0);
	/* Writes there change nothing. */
	wr(pci, SRIOV(PCI_SRIOV_CTRL), 2, PCI_SRIOV_CTRL_VFE);
	wr(pci, SRIOV(0), 4, UINT32_MAX);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(PCI_SRIOV_CTRL), 2), 0);
	CU_ASSERT_EQUAL(rd(pci, SRIOV(0), 4), 0);
	CU_ASSERT_EQUAL(stats(pci).ro_dropped, 2);
	CU_ASSERT_EQUAL(dev.n, 0);
}

static void
test_vf_caps_without_ari(void)
{
	check_vf_caps(false);
}

static void
test_vf_caps_with_ari(void)
{
	check_vf_caps(true);
}

static void
test_vf_flr(void)
{
	static uint8_t fresh[CFG_SIZE], after[CFG_SIZE];
	struct emu_pci *pci = make_vf(true);

	snapshot(pci, fresh);
	/* Only the VF's own Device Control bits are writable (the rest is RsvdP). */
	wr(pci, PCIE(PCI_EXP_DEVCTL), 2, PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_EXT_TAG |
	   PCI_EXP_DEVCTL_READRQ_4096B);
	CU_ASSERT_EQUAL(rd(pci, PCIE(PCI_EXP_DEVCTL), 2), PCI_EXP_DEVCTL_READRQ_4096B);
	wr(pci, PCI_COMMAND, 2, PCI_COMMAND_MASTER);
	wr(pci, MSIX(PCI_MSIX_FLAGS), 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	CU_ASSERT_EQUAL(emu_pci_report_error(pci, 0, PCI_EXP_DEVSTA_FED), 0);
	CU_ASSERT_EQUAL(dev.n, 0);
	wr(pci, PCIE(PCI_EXP_DEVCTL), 2, PCI_EXP_DEVCTL_BCR_FLR);
	CU_ASSERT_EQUAL_FATAL(dev.n, 1);
	CU_ASSERT_EQUAL(dev.ev[0].kind, EV_FLR);
	CU_ASSERT_TRUE(dev.ev[0].flr_bit_clear);
	CU_ASSERT_EQUAL(dev.ev[0].cmd, 0);
	CU_ASSERT_EQUAL(rd(pci, PCIE(PCI_EXP_DEVCTL), 2) & PCI_EXP_DEVCTL_BCR_FLR, 0);
	CU_ASSERT_FALSE(emu_pci_bus_master(pci));
	CU_ASSERT_FALSE(emu_pci_msix_enabled(pci));
	CU_ASSERT_FALSE(emu_pci_msix_masked(pci));
	snapshot(pci, after);
	CU_ASSERT_EQUAL(memcmp(fresh, after, CFG_SIZE), 0);
	CU_ASSERT_EQUAL(stats(pci).flrs, 1);
	/* emu_pci_reset() is no FLR: no callback. */
	wr(pci, PCI_COMMAND, 2, PCI_COMMAND_MASTER);
	emu_pci_reset(pci);
	CU_ASSERT_EQUAL(dev.n, 1);
	CU_ASSERT_FALSE(emu_pci_bus_master(pci));
}

static void
test_cleanup(void)
{
	emu_pci_destroy(dev.pci);
	memset(&dev, 0, sizeof(dev));
}

static CU_TestInfo tests_negative[] = {
	UNIT_TEST(test_create_pf_bad_desc),
	UNIT_TEST(test_create_vf_bad_desc),
	UNIT_TEST(test_bad_access_refused),
	UNIT_TEST(test_bad_getter_args),
	UNIT_TEST(test_create_limits),
	UNIT_TEST(test_long_accesses_split),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_pf[] = {
	UNIT_TEST(test_pf_identity),
	UNIT_TEST(test_pf_cap_walk),
	UNIT_TEST(test_pf_command),
	UNIT_TEST(test_status_rw1c),
	UNIT_TEST(test_pf_bar_sizing),
	UNIT_TEST(test_msix_bits),
	UNIT_TEST(test_pf_devctl),
	UNIT_TEST(test_pf_flr),
	UNIT_TEST(test_pf_reset),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_sriov[] = {
	UNIT_TEST(test_sriov_fields),
	UNIT_TEST(test_num_vfs_rules),
	UNIT_TEST(test_vf_enable_edges),
	UNIT_TEST(test_vf_mse_ari_bits),
	UNIT_TEST(test_first_vf_offset_stride),
	UNIT_TEST(test_page_size_rules),
	UNIT_TEST(test_vf_bar_sizing_4k),
	UNIT_TEST(test_vf_bar_sizing_64k),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_vf[] = {
	UNIT_TEST(test_vf_identity),
	UNIT_TEST(test_vf_command),
	UNIT_TEST(test_vf_bars_read_zero),
	UNIT_TEST(test_vf_caps_without_ari),
	UNIT_TEST(test_vf_caps_with_ari),
	UNIT_TEST(test_vf_flr),
	UNIT_TEST(test_cleanup),
	CU_TEST_INFO_NULL,
};

UNIT_MAIN(UNIT_SUITE("emu_pci negative", tests_negative),
	  UNIT_SUITE("emu_pci PF", tests_pf),
	  UNIT_SUITE("emu_pci SR-IOV", tests_sriov),
	  UNIT_SUITE("emu_pci VF", tests_vf))
