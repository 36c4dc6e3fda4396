/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz the VF config-space mediation with a guest's access stream.
 *
 * Input: byte 0 selects ARI on (bit 0) for a fixed descriptor, then records of
 * 9 bytes: op, offset (le16), length (le16), value (le32). Write data is the
 * value repeated. After every record the invariants a guest can never break are
 * checked, and the return code is checked against an independent statement of
 * the access rules; any violation traps.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svnic_pci.h"
#include "sriov_cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_REC_SIZE	9
#define FZ_VECTORS	32
#define FZ_CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)

enum fz_op {
	FZ_OP_READ,
	FZ_OP_WRITE,
	FZ_OP_WRITE_DWORD,	/* aligned dword write: reaches deep fields quickly */
	FZ_OP_RESET,
	FZ_OP_SET_MSE,
	FZ_OP_REPORT_ERROR,
	FZ_OP_VF_FAILS,		/* the real VF starts or stops failing reads */
	FZ_OP_GETTERS,
	FZ_OP_COUNT,
};

struct fz_vf {
	struct sriov_cfg *cfg;
	bool fail;
	bool mse;
	unsigned long flrs;
};

static const struct sriov_cfg_bar fz_bars[SRIOV_CFG_BARS] = {
	{ .size = 128 * 1024, .is_64 = true, .prefetchable = true },
	{ 0 },
	{ .size = 4096 },
	{ 0 },
	{ .size = UINT64_C(16) << 30, .is_64 = true },
	{ 0 },
};

static int
fz_read_passthrough(void *ctx, uint16_t off, uint8_t len, uint32_t *val)
{
	struct fz_vf *vf = ctx;

	FZ_CHECK(len >= 1 && len <= 4 && (off & 3) + len <= 4);
	FZ_CHECK(off < SRIOV_CFG_SPACE_SIZE);
	if (vf->fail)
		return -EIO;
	/* Something recognisable in every byte, so leaks into virtualized bits show. */
	*val = 0xa5a5a5a5u;
	return 0;
}

static void
fz_flr(void *ctx)
{
	struct fz_vf *vf = ctx;

	vf->flrs++;
	/* The guest's state is gone before the PF hears about the FLR. */
	FZ_CHECK(!sriov_cfg_bus_master(vf->cfg));
	FZ_CHECK(!sriov_cfg_msix_enabled(vf->cfg));
	FZ_CHECK(!sriov_cfg_msix_masked(vf->cfg));
}

static const struct sriov_cfg_ops fz_ops = {
	.read_passthrough = fz_read_passthrough,
	.flr = fz_flr,
};

static uint32_t
fz_rd(struct fz_vf *vf, uint32_t off, uint32_t len)
{
	uint8_t b[4] = { 0 };
	uint32_t v = 0, i;

	FZ_CHECK(sriov_cfg_read(vf->cfg, off, b, len) == 0);
	for (i = 0; i < len; i++)
		v |= (uint32_t)b[i] << (8 * i);
	return v;
}

/* The access rules, stated independently of sriov_cfg.c. */
static bool
fz_access_ok(uint32_t off, uint32_t len)
{
	uint64_t end = (uint64_t)off + len;

	if (len == 0 || end > SRIOV_CFG_SPACE_SIZE)
		return false;
	if (len > 4)
		return true;
	return len != 3 && (off / 4) == ((end - 1) / 4);
}

static void
fz_check_bars(struct fz_vf *vf)
{
	unsigned int i;

	for (i = 0; i < SRIOV_CFG_BARS; i++) {
		const struct sriov_cfg_bar *b = &fz_bars[i];
		uint32_t v = fz_rd(vf, PCI_BASE_ADDRESS_0 + 4 * i, 4);
		uint32_t type;

		if (b->size == 0) {
			/* Unimplemented, or the upper half of a 64-bit BAR. */
			if (i == 0 || !fz_bars[i - 1].is_64)
				FZ_CHECK(v == 0);
			continue;
		}
		type = (b->is_64 ? PCI_BASE_ADDRESS_MEM_TYPE_64 : 0) |
			(b->prefetchable ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0);
		FZ_CHECK((v & 0xf) == type);
		/* Address bits below the size are hardwired to 0. */
		FZ_CHECK((v & (uint32_t)(b->size - 1) & ~0xfu) == 0);
		if (b->is_64 && b->size > (UINT64_C(1) << 32))
			FZ_CHECK((fz_rd(vf, PCI_BASE_ADDRESS_0 + 4 * (i + 1), 4) &
				  (uint32_t)((b->size - 1) >> 32)) == 0);
	}
}

static void
fz_check(struct fz_vf *vf, bool ari)
{
	const uint16_t pcie = SVNIC_VF_CFG_PCIE_CAP, msix = SVNIC_VF_CFG_MSIX_CAP;
	uint16_t cmd;
	bool fail = vf->fail;

	vf->fail = false;
	FZ_CHECK(fz_rd(vf, PCI_VENDOR_ID, 2) == SVNIC_PCI_VENDOR_ID);
	FZ_CHECK(fz_rd(vf, PCI_DEVICE_ID, 2) == SVNIC_PCI_DEVICE_ID_VF);
	FZ_CHECK(fz_rd(vf, PCI_REVISION_ID, 4) == (SVNIC_PCI_CLASS_CODE << 8 |
						    SVNIC_PCI_REVISION_ID));
	FZ_CHECK(fz_rd(vf, PCI_INTERRUPT_PIN, 1) == 0);
	FZ_CHECK(fz_rd(vf, PCI_HEADER_TYPE, 1) == 0);
	cmd = (uint16_t)fz_rd(vf, PCI_COMMAND, 2);
	FZ_CHECK((cmd & PCI_COMMAND_INTX_DISABLE) != 0);
	FZ_CHECK(((cmd & PCI_COMMAND_MEMORY) != 0) == vf->mse);
	FZ_CHECK((cmd & PCI_COMMAND_IO) == 0);
	FZ_CHECK(((cmd & PCI_COMMAND_MASTER) != 0) == sriov_cfg_bus_master(vf->cfg));
	FZ_CHECK((fz_rd(vf, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST) != 0);
	FZ_CHECK(fz_rd(vf, PCI_ROM_ADDRESS, 4) == 0);
	fz_check_bars(vf);

	/* Capability chain: header -> PCIe -> MSI-X -> end. */
	FZ_CHECK(fz_rd(vf, PCI_CAPABILITY_LIST, 1) == pcie);
	FZ_CHECK(fz_rd(vf, pcie, 2) == (PCI_CAP_ID_EXP | msix << 8));
	FZ_CHECK((fz_rd(vf, pcie + PCI_EXP_DEVCAP, 4) & PCI_EXP_DEVCAP_FLR) != 0);
	FZ_CHECK((fz_rd(vf, pcie + PCI_EXP_DEVCTL, 2) & PCI_EXP_DEVCTL_BCR_FLR) == 0);
	FZ_CHECK(fz_rd(vf, msix, 2) == PCI_CAP_ID_MSIX);
	FZ_CHECK((fz_rd(vf, msix + PCI_MSIX_FLAGS, 2) & PCI_MSIX_FLAGS_QSIZE) ==
		 FZ_VECTORS - 1);
	FZ_CHECK(((fz_rd(vf, msix + PCI_MSIX_FLAGS, 2) & PCI_MSIX_FLAGS_ENABLE) != 0) ==
		 sriov_cfg_msix_enabled(vf->cfg));

	/* Extended list: ARI alone or nothing; never SR-IOV. */
	if (ari)
		FZ_CHECK(fz_rd(vf, SVNIC_VF_CFG_ARI_CAP, 4) ==
			 (PCI_EXT_CAP_ID_ARI | SVNIC_VF_ARI_CAP_VERSION << 16));
	else
		FZ_CHECK(fz_rd(vf, SVNIC_VF_CFG_EXT_START, 4) == 0);
	FZ_CHECK(PCI_EXT_CAP_ID(fz_rd(vf, SVNIC_VF_CFG_EXT_START, 4)) != PCI_EXT_CAP_ID_SRIOV);
	vf->fail = fail;
}

static void
fz_check_long_read(struct fz_vf *vf, uint32_t off, const uint8_t *buf, uint32_t len)
{
	uint32_t done = 0;

	/* A long read equals its dword-bounded pieces read one by one. */
	while (done < len) {
		uint32_t o = off + done, seg = 4 - (o & 3), v, i;
		uint8_t b[4];

		if (seg > len - done)
			seg = len - done;
		if (seg == 3) {
			v = fz_rd(vf, o, 1) | fz_rd(vf, o + 1, 2) << 8;
		} else {
			FZ_CHECK(sriov_cfg_read(vf->cfg, o, b, seg) == 0);
			v = 0;
			for (i = 0; i < seg; i++)
				v |= (uint32_t)b[i] << (8 * i);
		}
		for (i = 0; i < seg; i++)
			FZ_CHECK(buf[done + i] == (uint8_t)(v >> (8 * i)));
		done += seg;
	}
}

static void
fz_access(struct fz_vf *vf, bool write, uint32_t off, uint32_t len, uint32_t val)
{
	bool ok = fz_access_ok(off, len);
	uint8_t *buf = malloc(len != 0 ? len : 1);
	uint32_t i;
	int ret;

	if (buf == NULL)
		return;
	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(val >> (8 * (i & 3)));
	if (write) {
		ret = sriov_cfg_write(vf->cfg, off, buf, len);
		FZ_CHECK(ret == (ok ? 0 : -EINVAL));
	} else {
		ret = sriov_cfg_read(vf->cfg, off, buf, len);
		if (!ok)
			FZ_CHECK(ret == -EINVAL);
		else if (!vf->fail)
			FZ_CHECK(ret == 0);
		else
			FZ_CHECK(ret == 0 || ret == -EIO);
		if (ret == 0 && len > 4 && !vf->fail)
			fz_check_long_read(vf, off, buf, len);
	}
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sriov_cfg_desc d;
	struct sriov_cfg_stats st;
	struct fz_vf vf;
	uint64_t addr;
	unsigned int i;
	bool ari;
	size_t pos;

	if (size < 1)
		return 0;
	ari = (data[0] & 1) != 0;
	memset(&d, 0, sizeof(d));
	d.vendor_id = SVNIC_PCI_VENDOR_ID;
	d.vf_device_id = SVNIC_PCI_DEVICE_ID_VF;
	d.revision = SVNIC_PCI_REVISION_ID;
	d.class_code = SVNIC_PCI_CLASS_CODE;
	d.subsys_vendor_id = SVNIC_PCI_VENDOR_ID;
	d.subsys_id = 1;
	memcpy(d.bars, fz_bars, sizeof(d.bars));
	d.msix_vectors = FZ_VECTORS;
	d.max_payload = 2;
	d.ari = ari;

	memset(&vf, 0, sizeof(vf));
	vf.cfg = sriov_cfg_create(&d, &fz_ops, &vf);
	FZ_CHECK(vf.cfg != NULL);
	fz_check(&vf, ari);

	for (pos = 1; pos + FZ_REC_SIZE <= size; pos += FZ_REC_SIZE) {
		const uint8_t *r = &data[pos];
		uint32_t off = (uint32_t)(r[1] | r[2] << 8);
		uint32_t len = (uint32_t)(r[3] | r[4] << 8);
		uint32_t val = (uint32_t)r[5] | (uint32_t)r[6] << 8 | (uint32_t)r[7] << 16 |
			(uint32_t)r[8] << 24;

		switch (r[0] % FZ_OP_COUNT) {
		case FZ_OP_READ:
			fz_access(&vf, false, off, len, val);
			break;
		case FZ_OP_WRITE:
			fz_access(&vf, true, off, len, val);
			break;
		case FZ_OP_WRITE_DWORD:
			fz_access(&vf, true, off & (SRIOV_CFG_SPACE_SIZE - 4), 4, val);
			break;
		case FZ_OP_RESET:
			sriov_cfg_reset(vf.cfg);
			FZ_CHECK(!sriov_cfg_bus_master(vf.cfg));
			break;
		case FZ_OP_SET_MSE:
			vf.mse = (val & 1) != 0;
			sriov_cfg_set_mse(vf.cfg, vf.mse);
			break;
		case FZ_OP_REPORT_ERROR: {
			uint16_t s = (uint16_t)val, ds = (uint16_t)(val >> 16);
			bool valid = (s & ~SVNIC_PCI_STATUS_ERR_RW1C) == 0 &&
				(ds & ~SVNIC_PCI_EXP_DEVSTA_ERR_RW1C) == 0;

			FZ_CHECK(sriov_cfg_report_error(vf.cfg, s, ds) == (valid ? 0 : -EINVAL));
			break;
		}
		case FZ_OP_VF_FAILS:
			vf.fail = (val & 1) != 0;
			break;
		default:
			for (i = 0; i <= SRIOV_CFG_BARS; i++)
				(void)sriov_cfg_bar_addr(vf.cfg, i, &addr);
			FZ_CHECK(sriov_cfg_bar_addr(vf.cfg, SRIOV_CFG_BARS, &addr) == -EINVAL);
			(void)sriov_cfg_msix_masked(vf.cfg);
			break;
		}
		fz_check(&vf, ari);
	}

	/* The whole extended space outside ARI reads 0: no hidden capability. */
	vf.fail = false;
	for (i = SVNIC_VF_CFG_EXT_START + (ari ? SVNIC_VF_CFG_ARI_CAP_SIZE : 0);
	     i < SRIOV_CFG_SPACE_SIZE; i += 4)
		FZ_CHECK(fz_rd(&vf, i, 4) == 0);
	sriov_cfg_get_stats(vf.cfg, &st);
	FZ_CHECK(st.flrs == vf.flrs);
	sriov_cfg_destroy(vf.cfg);
	return 0;
}
