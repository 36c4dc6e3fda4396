/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz the device model's own config space (app/svnic-emu/emu_pci.c) with a
 * vfio-user client's access stream, on a PF and on a VF at once.
 *
 * Input: byte 0 gives TotalVFs - 1; byte 1 bit 0 puts ARI in the VF, the other
 * bits pick its MSI-X vector count. Then records of 9 bytes: op (bit 7 picks
 * the VF), offset (le16), length (le16), value (le32); write data is the value
 * repeated. A shadow of the SR-IOV state is kept from the callbacks alone and
 * checked against the registers. After every record the invariants no client
 * can break are checked, and every return code against an independent
 * statement of the access rules; any violation traps.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svnic_pci.h"
#include "svnic_regs.h"
#include "emu_pci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_REC_SIZE	9
#define FZ_PF_VECTORS	32
#define FZ_CFG_SIZE	SVNIC_EMU_PCI_CFG_SIZE
#define FZ_CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)

#define FZ_PCIE(reg)	(SVNIC_EMU_PCI_PCIE_CAP + (reg))
#define FZ_MSIX(reg)	(SVNIC_EMU_PCI_MSIX_CAP + (reg))
#define FZ_SRIOV(reg)	(SVNIC_EMU_PCI_SRIOV_CAP + (reg))

enum fz_op {
	FZ_OP_READ,
	FZ_OP_WRITE,
	FZ_OP_WRITE_DWORD,	/* aligned dword anywhere */
	FZ_OP_WRITE_SRIOV,	/* aligned dword in the SR-IOV capability */
	FZ_OP_WRITE_HOT,	/* a field with rules of its own */
	FZ_OP_RESET,
	FZ_OP_REPORT_ERROR,
	FZ_OP_GETTERS,
	FZ_OP_COUNT,
};

/* Offsets where writes have effects beyond a mask. */
static const uint16_t fz_hot[] = {
	FZ_SRIOV(PCI_SRIOV_CTRL), FZ_SRIOV(PCI_SRIOV_NUM_VF), FZ_SRIOV(PCI_SRIOV_SYS_PGSIZE),
	FZ_PCIE(PCI_EXP_DEVCTL), PCI_COMMAND, FZ_MSIX(PCI_MSIX_FLAGS),
	FZ_SRIOV(PCI_SRIOV_BAR), FZ_SRIOV(PCI_SRIOV_BAR + 8), PCI_BASE_ADDRESS_0,
};

struct fz_fn {
	struct emu_pci *pci;
	bool is_vf;
	bool in_cb;
	uint64_t flrs;
	uint64_t refused;
	uint64_t reads;
	uint64_t writes;
};

struct fz_pf {
	struct fz_fn fn;
	uint16_t total_vfs;
	struct emu_pci_sriov_state shadow;	/* from sriov_changed() alone */
	uint64_t disables;			/* VF Enable 1 -> 0 edges */
};

static uint32_t
fz_rd(struct emu_pci *pci, uint32_t off, uint32_t len)
{
	uint8_t b[4] = { 0 };
	uint32_t v = 0, i;

	FZ_CHECK(emu_pci_read(pci, off, b, len) == 0);
	for (i = 0; i < len; i++)
		v |= (uint32_t)b[i] << (8 * i);
	return v;
}

static void
fz_flr(void *ctx)
{
	struct fz_fn *fn = ctx;

	FZ_CHECK(!fn->in_cb);
	fn->in_cb = true;
	fn->flrs++;
	/* The space is at power-on before the device hears of the FLR. */
	FZ_CHECK((fz_rd(fn->pci, FZ_PCIE(PCI_EXP_DEVCTL), 2) & PCI_EXP_DEVCTL_BCR_FLR) == 0);
	FZ_CHECK(!emu_pci_bus_master(fn->pci));
	FZ_CHECK(!emu_pci_msix_enabled(fn->pci));
	if (!fn->is_vf) {
		struct emu_pci_sriov_state st;

		FZ_CHECK(emu_pci_sriov_state(fn->pci, &st) == 0);
		FZ_CHECK(!st.vf_enable && !st.vf_mse && !st.ari && st.num_vfs == 0);
		FZ_CHECK(st.page_size == 4096);
	}
	fn->in_cb = false;
}

static bool
fz_same(const struct emu_pci_sriov_state *a, const struct emu_pci_sriov_state *b)
{
	return a->vf_enable == b->vf_enable && a->vf_mse == b->vf_mse && a->ari == b->ari &&
		a->num_vfs == b->num_vfs && a->page_size == b->page_size;
}

static void
fz_sriov_changed(void *ctx, const struct emu_pci_sriov_state *old,
		 const struct emu_pci_sriov_state *now)
{
	struct fz_pf *pf = ctx;
	struct emu_pci_sriov_state st;

	FZ_CHECK(!pf->fn.in_cb);
	pf->fn.in_cb = true;
	/* The device's view is continuous: old is what it was last told. */
	FZ_CHECK(old->vf_enable == pf->shadow.vf_enable && old->vf_mse == pf->shadow.vf_mse &&
		 old->ari == pf->shadow.ari);
	if (old->vf_enable)
		FZ_CHECK(old->num_vfs == pf->shadow.num_vfs);
	/* Called only for a change of what it acts on. */
	FZ_CHECK(old->vf_enable != now->vf_enable || old->vf_mse != now->vf_mse ||
		 old->ari != now->ari);
	/* NumVFs, ARI and the page size are fixed while VF Enable stays set. */
	if (old->vf_enable && now->vf_enable)
		FZ_CHECK(old->num_vfs == now->num_vfs && old->ari == now->ari &&
			 old->page_size == now->page_size);
	FZ_CHECK(now->num_vfs <= pf->total_vfs);
	FZ_CHECK(emu_pci_sriov_state(pf->fn.pci, &st) == 0 && fz_same(&st, now));
	if (old->vf_enable && !now->vf_enable)
		pf->disables++;
	pf->shadow = *now;
	pf->fn.in_cb = false;
}

static const struct emu_pci_ops fz_pf_ops = {
	.flr = fz_flr,
	.sriov_changed = fz_sriov_changed,
};

static const struct emu_pci_ops fz_vf_ops = {
	.flr = fz_flr,
};

/* The access rules, stated independently of emu_pci.c. */
static bool
fz_access_ok(uint32_t off, uint32_t len)
{
	uint64_t end = (uint64_t)off + len;

	if (len == 0 || end > FZ_CFG_SIZE)
		return false;
	if (len > 4)
		return true;
	return len != 3 && (off / 4) == ((end - 1) / 4);
}

static void
fz_access(struct fz_fn *fn, bool write, uint32_t off, uint32_t len, uint32_t val)
{
	bool ok = fz_access_ok(off, len);
	uint8_t *buf = malloc(len != 0 ? len : 1);
	uint32_t i;
	int ret;

	if (buf == NULL)
		return;
	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(val >> (8 * (i & 3)));
	if (write)
		ret = emu_pci_write(fn->pci, off, buf, len);
	else
		ret = emu_pci_read(fn->pci, off, buf, len);
	FZ_CHECK(ret == (ok ? 0 : -EINVAL));
	if (!ok)
		fn->refused++;
	else if (write)
		fn->writes++;
	else
		fn->reads++;
	free(buf);
}

/* A 64-bit memory BAR of @p size at @p off: type bits, low address bits 0. */
static void
fz_check_bar(struct emu_pci *pci, uint16_t off, uint64_t size)
{
	uint32_t lo = fz_rd(pci, off, 4);

	FZ_CHECK((lo & 0xf) == PCI_BASE_ADDRESS_MEM_TYPE_64);
	FZ_CHECK((lo & (uint32_t)(size - 1) & ~0xfu) == 0);
}

static void
fz_check_common(struct fz_fn *fn, uint16_t vectors)
{
	struct emu_pci *pci = fn->pci;
	struct emu_pci_stats st;
	uint16_t flags;

	FZ_CHECK(fz_rd(pci, PCI_REVISION_ID, 4) == (SVNIC_PCI_CLASS_CODE << 8 |
						     SVNIC_PCI_REVISION_ID));
	FZ_CHECK(fz_rd(pci, PCI_HEADER_TYPE, 1) == 0);
	FZ_CHECK(fz_rd(pci, PCI_INTERRUPT_PIN, 1) == 0);
	FZ_CHECK(fz_rd(pci, PCI_SUBSYSTEM_VENDOR_ID, 4) == SVNIC_PCI_VENDOR_ID);
	FZ_CHECK((fz_rd(pci, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST) != 0);
	FZ_CHECK((fz_rd(pci, PCI_COMMAND, 2) & PCI_COMMAND_IO) == 0);
	FZ_CHECK(((fz_rd(pci, PCI_COMMAND, 2) & PCI_COMMAND_MASTER) != 0) ==
		 emu_pci_bus_master(pci));
	FZ_CHECK(fz_rd(pci, PCI_ROM_ADDRESS, 4) == 0);

	/* Standard list: header -> PCIe (FLR capable) -> MSI-X -> end. */
	FZ_CHECK(fz_rd(pci, PCI_CAPABILITY_LIST, 1) == SVNIC_EMU_PCI_PCIE_CAP);
	FZ_CHECK(fz_rd(pci, FZ_PCIE(0), 2) == (PCI_CAP_ID_EXP | SVNIC_EMU_PCI_MSIX_CAP << 8));
	FZ_CHECK((fz_rd(pci, FZ_PCIE(PCI_EXP_DEVCAP), 4) & PCI_EXP_DEVCAP_FLR) != 0);
	/* Initiate FLR always reads 0. */
	FZ_CHECK((fz_rd(pci, FZ_PCIE(PCI_EXP_DEVCTL), 2) & PCI_EXP_DEVCTL_BCR_FLR) == 0);
	FZ_CHECK(fz_rd(pci, FZ_MSIX(0), 2) == PCI_CAP_ID_MSIX);
	flags = (uint16_t)fz_rd(pci, FZ_MSIX(PCI_MSIX_FLAGS), 2);
	FZ_CHECK((flags & PCI_MSIX_FLAGS_QSIZE) == vectors - 1u);
	FZ_CHECK(((flags & PCI_MSIX_FLAGS_ENABLE) != 0) == emu_pci_msix_enabled(pci));
	FZ_CHECK(((flags & PCI_MSIX_FLAGS_MASKALL) != 0) == emu_pci_msix_masked(pci));
	FZ_CHECK(fz_rd(pci, FZ_MSIX(PCI_MSIX_TABLE), 4) == (SVNIC_BAR_MSIX |
							     SVNIC_MSIX_TABLE_OFF));
	FZ_CHECK(fz_rd(pci, FZ_MSIX(PCI_MSIX_PBA), 4) == (SVNIC_BAR_MSIX | SVNIC_MSIX_PBA_OFF));

	/* The checks above are reads too. */
	emu_pci_get_stats(pci, &st);
	FZ_CHECK(st.refused == fn->refused && st.writes == fn->writes &&
		 st.reads >= fn->reads && st.flrs == fn->flrs);
	fn->reads = st.reads;
}

static void
fz_check_pf(struct fz_pf *pf)
{
	struct emu_pci *pci = pf->fn.pci;
	struct emu_pci_sriov_state st;
	uint16_t ctrl, num;
	uint32_t pg;
	uint64_t v;

	FZ_CHECK(fz_rd(pci, PCI_VENDOR_ID, 2) == SVNIC_PCI_VENDOR_ID);
	FZ_CHECK(fz_rd(pci, PCI_DEVICE_ID, 2) == SVNIC_PCI_DEVICE_ID_PF);
	FZ_CHECK((fz_rd(pci, PCI_COMMAND, 2) & PCI_COMMAND_INTX_DISABLE) != 0);
	FZ_CHECK(((fz_rd(pci, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY) != 0) ==
		 emu_pci_mem_enabled(pci));
	fz_check_bar(pci, PCI_BASE_ADDRESS_0, SVNIC_PF_BAR0_SIZE);
	fz_check_bar(pci, PCI_BASE_ADDRESS_2, SVNIC_PF_MSIX_BAR_SIZE);
	FZ_CHECK(fz_rd(pci, PCI_BASE_ADDRESS_4, 4) == 0 && fz_rd(pci, PCI_BASE_ADDRESS_5, 4) == 0);
	FZ_CHECK(fz_rd(pci, FZ_MSIX(0) + 1, 1) == 0);
	fz_check_common(&pf->fn, FZ_PF_VECTORS);

	/* Extended list: ARI -> SR-IOV -> end. */
	FZ_CHECK(fz_rd(pci, SVNIC_EMU_PCI_ARI_CAP, 4) == (PCI_EXT_CAP_ID_ARI | 1u << 16 |
							  (uint32_t)SVNIC_EMU_PCI_SRIOV_CAP << 20));
	FZ_CHECK(fz_rd(pci, SVNIC_EMU_PCI_ARI_CAP + PCI_ARI_CAP, 4) == 0);
	FZ_CHECK(fz_rd(pci, FZ_SRIOV(0), 4) == (PCI_EXT_CAP_ID_SRIOV | 1u << 16));

	/* SR-IOV capability. */
	FZ_CHECK(fz_rd(pci, FZ_SRIOV(PCI_SRIOV_CAP), 4) == 0);
	FZ_CHECK(fz_rd(pci, FZ_SRIOV(PCI_SRIOV_TOTAL_VF), 2) == pf->total_vfs);
	FZ_CHECK(fz_rd(pci, FZ_SRIOV(PCI_SRIOV_INITIAL_VF), 2) == pf->total_vfs);
	FZ_CHECK(fz_rd(pci, FZ_SRIOV(PCI_SRIOV_VF_OFFSET), 4) == 0x00010001);
	FZ_CHECK(fz_rd(pci, FZ_SRIOV(PCI_SRIOV_VF_DID), 2) == SVNIC_PCI_DEVICE_ID_VF);
	FZ_CHECK(fz_rd(pci, FZ_SRIOV(PCI_SRIOV_SUP_PGSIZE), 4) == SVNIC_EMU_PCI_SUP_PGSIZES);
	ctrl = (uint16_t)fz_rd(pci, FZ_SRIOV(PCI_SRIOV_CTRL), 4);
	FZ_CHECK((ctrl & ~(PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE | PCI_SRIOV_CTRL_ARI)) == 0);
	FZ_CHECK(fz_rd(pci, FZ_SRIOV(PCI_SRIOV_STATUS), 2) == 0);
	num = (uint16_t)fz_rd(pci, FZ_SRIOV(PCI_SRIOV_NUM_VF), 4);
	FZ_CHECK(num <= pf->total_vfs);
	pg = fz_rd(pci, FZ_SRIOV(PCI_SRIOV_SYS_PGSIZE), 4);
	FZ_CHECK(pg != 0 && (pg & (pg - 1)) == 0 && (pg & ~SVNIC_EMU_PCI_SUP_PGSIZES) == 0);

	/* Getter, registers and what the device was told all agree. */
	FZ_CHECK(emu_pci_sriov_state(pci, &st) == 0);
	FZ_CHECK(st.vf_enable == ((ctrl & PCI_SRIOV_CTRL_VFE) != 0));
	FZ_CHECK(st.vf_mse == ((ctrl & PCI_SRIOV_CTRL_MSE) != 0));
	FZ_CHECK(st.ari == ((ctrl & PCI_SRIOV_CTRL_ARI) != 0));
	FZ_CHECK(st.num_vfs == num && st.page_size == (uint64_t)pg << 12);
	FZ_CHECK(st.vf_enable == pf->shadow.vf_enable && st.vf_mse == pf->shadow.vf_mse &&
		 st.ari == pf->shadow.ari);
	if (st.vf_enable)
		FZ_CHECK(st.num_vfs == pf->shadow.num_vfs);

	/* VF BARs: max(native, page), 64-bit; VF BAR4/5 not implemented. */
	FZ_CHECK(emu_pci_vf_bar_size(pci, 0, &v) == 0);
	FZ_CHECK(v == (st.page_size > SVNIC_VF_BAR0_SIZE ? st.page_size : SVNIC_VF_BAR0_SIZE));
	fz_check_bar(pci, FZ_SRIOV(PCI_SRIOV_BAR), v);
	FZ_CHECK(emu_pci_vf_bar_size(pci, 2, &v) == 0);
	FZ_CHECK(v == (st.page_size > SVNIC_VF_MSIX_BAR_SIZE ? st.page_size :
		       SVNIC_VF_MSIX_BAR_SIZE));
	fz_check_bar(pci, FZ_SRIOV(PCI_SRIOV_BAR + 8), v);
	FZ_CHECK(fz_rd(pci, FZ_SRIOV(PCI_SRIOV_BAR + 16), 4) == 0);
	FZ_CHECK(fz_rd(pci, FZ_SRIOV(PCI_SRIOV_BAR + 20), 4) == 0);
	FZ_CHECK(fz_rd(pci, FZ_SRIOV(PCI_SRIOV_VFM), 4) == 0);
}

static void
fz_check_vf(struct fz_fn *fn, bool ari, uint16_t vectors)
{
	struct emu_pci *pci = fn->pci;
	struct emu_pci_sriov_state st;
	uint32_t ext;
	unsigned int i;

	/* What the SR-IOV capability owns is left out of a VF. */
	FZ_CHECK(fz_rd(pci, PCI_VENDOR_ID, 4) == UINT32_MAX);
	FZ_CHECK((fz_rd(pci, PCI_COMMAND, 2) & ~PCI_COMMAND_MASTER) == 0);
	FZ_CHECK(!emu_pci_mem_enabled(pci));
	for (i = 0; i < 6; i++)
		FZ_CHECK(fz_rd(pci, PCI_BASE_ADDRESS_0 + 4 * i, 4) == 0);
	FZ_CHECK(fz_rd(pci, PCI_INTERRUPT_LINE, 1) == 0);
	fz_check_common(fn, vectors);
	FZ_CHECK(fz_rd(pci, FZ_MSIX(0) + 1, 1) == 0);

	/* ARI alone or nothing; never SR-IOV. */
	ext = fz_rd(pci, SVNIC_EMU_PCI_ARI_CAP, 4);
	if (ari)
		FZ_CHECK(ext == (PCI_EXT_CAP_ID_ARI | 1u << 16));
	else
		FZ_CHECK(ext == 0);
	FZ_CHECK(PCI_EXT_CAP_ID(ext) != PCI_EXT_CAP_ID_SRIOV);
	FZ_CHECK(fz_rd(pci, FZ_SRIOV(0), 4) == 0);
	FZ_CHECK(emu_pci_sriov_state(pci, &st) == -EINVAL);
}

static void
fz_getters(struct emu_pci *pci)
{
	struct emu_pci_sriov_state st;
	unsigned int i;
	uint64_t v;

	for (i = 0; i <= SVNIC_EMU_PCI_BARS; i++) {
		int a = emu_pci_bar_addr(pci, i, &v);
		int s = emu_pci_bar_size(pci, i, &v);

		FZ_CHECK(a == s);
		FZ_CHECK(a == 0 || a == -ENOENT || (a == -EINVAL && i == SVNIC_EMU_PCI_BARS));
		a = emu_pci_vf_bar_addr(pci, i, &v);
		s = emu_pci_vf_bar_size(pci, i, &v);
		FZ_CHECK(a == s);
	}
	(void)emu_pci_sriov_state(pci, &st);
	(void)emu_pci_is_vf(pci);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct emu_pci_pf_desc pd;
	struct emu_pci_vf_desc vd;
	struct fz_pf pf;
	struct fz_fn vf;
	size_t pos;
	unsigned int i;

	if (size < 2)
		return 0;
	memset(&pf, 0, sizeof(pf));
	memset(&vf, 0, sizeof(vf));
	pd.total_vfs = (uint16_t)(data[0] + 1);
	pd.msix_vectors = FZ_PF_VECTORS;
	vd.vf_id = data[0];
	vd.ari = (data[1] & 1) != 0;
	vd.msix_vectors = (uint16_t)(1 + (data[1] >> 1) % SVNIC_VF_MSIX_MAX);
	pf.total_vfs = pd.total_vfs;
	pf.shadow.page_size = 4096;
	pf.fn.pci = emu_pci_create_pf(&pd, &fz_pf_ops, &pf);
	FZ_CHECK(pf.fn.pci != NULL);
	vf.is_vf = true;
	vf.pci = emu_pci_create_vf(&vd, &fz_vf_ops, &vf);
	FZ_CHECK(vf.pci != NULL);
	fz_check_pf(&pf);
	fz_check_vf(&vf, vd.ari, vd.msix_vectors);

	for (pos = 2; pos + FZ_REC_SIZE <= size; pos += FZ_REC_SIZE) {
		const uint8_t *r = &data[pos];
		struct fz_fn *fn = (r[0] & 0x80) != 0 ? &vf : &pf.fn;
		uint32_t off = (uint32_t)(r[1] | r[2] << 8);
		uint32_t len = (uint32_t)(r[3] | r[4] << 8);
		uint32_t val = (uint32_t)r[5] | (uint32_t)r[6] << 8 | (uint32_t)r[7] << 16 |
			(uint32_t)r[8] << 24;
		struct emu_pci_sriov_state before;
		uint64_t disables = pf.disables;

		FZ_CHECK(emu_pci_sriov_state(pf.fn.pci, &before) == 0);
		switch ((r[0] & 0x7f) % FZ_OP_COUNT) {
		case FZ_OP_READ:
			fz_access(fn, false, off, len, val);
			break;
		case FZ_OP_WRITE:
			fz_access(fn, true, off, len, val);
			break;
		case FZ_OP_WRITE_DWORD:
			fz_access(fn, true, off & (FZ_CFG_SIZE - 4), 4, val);
			break;
		case FZ_OP_WRITE_SRIOV:
			fz_access(fn, true, SVNIC_EMU_PCI_SRIOV_CAP +
				  (off & (PCI_EXT_CAP_SRIOV_SIZEOF - 4)), 4, val);
			break;
		case FZ_OP_WRITE_HOT:
			fz_access(fn, true, fz_hot[off % (sizeof(fz_hot) / sizeof(fz_hot[0]))],
				  len % 2 == 0 ? 2 : 4, val);
			break;
		case FZ_OP_RESET:
			emu_pci_reset(fn->pci);
			FZ_CHECK(!emu_pci_bus_master(fn->pci));
			break;
		case FZ_OP_REPORT_ERROR: {
			uint16_t s = (uint16_t)val, ds = (uint16_t)(val >> 16);
			bool valid = (s & ~SVNIC_PCI_STATUS_ERR_RW1C) == 0 &&
				(ds & ~SVNIC_PCI_EXP_DEVSTA_ERR_RW1C) == 0;

			FZ_CHECK(emu_pci_report_error(fn->pci, s, ds) == (valid ? 0 : -EINVAL));
			break;
		}
		default:
			fz_getters(fn->pci);
			break;
		}
		fz_check_pf(&pf);
		fz_check_vf(&vf, vd.ari, vd.msix_vectors);
		/* NumVFs cannot change under live VFs. */
		if (before.vf_enable && pf.shadow.vf_enable && pf.disables == disables) {
			struct emu_pci_sriov_state after;

			FZ_CHECK(emu_pci_sriov_state(pf.fn.pci, &after) == 0);
			FZ_CHECK(after.num_vfs == before.num_vfs);
			FZ_CHECK(after.page_size == before.page_size && after.ari == before.ari);
		}
	}

	/* No hidden capability anywhere in the VF's extended space. */
	for (i = SVNIC_EMU_PCI_ARI_CAP + (vd.ari ? PCI_EXT_CAP_ARI_SIZEOF : 0); i < FZ_CFG_SIZE;
	     i += 4)
		FZ_CHECK(fz_rd(vf.pci, i, 4) == 0);
	/* Nor past the SR-IOV capability in the PF's. */
	for (i = SVNIC_EMU_PCI_SRIOV_CAP + PCI_EXT_CAP_SRIOV_SIZEOF; i < FZ_CFG_SIZE; i += 4)
		FZ_CHECK(fz_rd(pf.fn.pci, i, 4) == 0);
	emu_pci_destroy(vf.pci);
	emu_pci_destroy(pf.fn.pci);
	return 0;
}
