/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device's own PCI configuration space (doc/device-spec.rst). The image is
 * kept as three per-byte tables, one bit of each per config-space bit:
 *   img   the value software reads
 *   wr    1: software may write the bit
 *   rw1c  1: software clears the bit by writing 1
 * Any other bit is read-only: a write trying to change one is dropped and
 * counted. Fields whose writes follow rules of their own (Initiate FLR, SR-IOV
 * Control, NumVFs, System Page Size) are read-only in the tables and have a
 * handler. Each access is cut at dword boundaries and each piece goes to the
 * handler of the structure that claims it, or to the unclaimed handler.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svnic_pci.h"
#include "svnic_regs.h"
#include "emu_log.h"
#include "emu_pci.h"
#include "svnic_cfg_access.h"

#define EMU_PCI_PCIE(reg)	(SVNIC_EMU_PCI_PCIE_CAP + (reg))
#define EMU_PCI_MSIX(reg)	(SVNIC_EMU_PCI_MSIX_CAP + (reg))
#define EMU_PCI_ARI(reg)	(SVNIC_EMU_PCI_ARI_CAP + (reg))
#define EMU_PCI_SRIOV(reg)	(SVNIC_EMU_PCI_SRIOV_CAP + (reg))
#define EMU_PCI_BAR(i)		((uint16_t)(PCI_BASE_ADDRESS_0 + 4 * (i)))
#define EMU_PCI_VF_BAR(i)	((uint16_t)EMU_PCI_SRIOV(PCI_SRIOV_BAR + 4 * (i)))

#define EMU_PCI_PCIE_SIZE	SVNIC_VF_CFG_PCIE_CAP_SIZE
#define EMU_PCI_ARI_VERSION	1
#define EMU_PCI_SRIOV_VERSION	1
/* Device Capabilities Max_Payload_Size code 001b: 256 bytes (device-spec.rst). */
#define EMU_PCI_MPS_256		1u
/* System Page Size at power-on: bit 0, 4 KiB (PCIe r4.0 sec. 9.3.3.13). */
#define EMU_PCI_PGSIZE_INIT	1u
#define EMU_PCI_PGSIZE_SHIFT	12
#define EMU_PCI_FIRST_VF_OFFSET	1
#define EMU_PCI_VF_STRIDE	1
/* SR-IOV Control bits svnic implements; VF Migration ones are hard-wired to 0. */
#define EMU_PCI_SRIOV_CTRL_RW	(PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE | PCI_SRIOV_CTRL_ARI)

/*
 * Device Control bits software may set on the PF; a VF has only Relaxed
 * Ordering, No Snoop and Max_Read_Request_Size of its own, the rest is RsvdP
 * (PCIe r4.0 sec. 9.3.5.4). Initiate FLR is neither: its handler acts on it.
 */
#define EMU_PCI_DEVCTL_VF_WR	(PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_NOSNOOP_EN | \
				 PCI_EXP_DEVCTL_READRQ)
#define EMU_PCI_DEVCTL_PF_WR	(EMU_PCI_DEVCTL_VF_WR | PCI_EXP_DEVCTL_CERE | \
				 PCI_EXP_DEVCTL_NFERE | PCI_EXP_DEVCTL_FERE | \
				 PCI_EXP_DEVCTL_URRE | PCI_EXP_DEVCTL_PAYLOAD | \
				 PCI_EXP_DEVCTL_EXT_TAG)
/* Power-on Device Control (PCIe r4.0 sec. 7.5.3.4 defaults). */
#define EMU_PCI_DEVCTL_INIT	(PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_NOSNOOP_EN | \
				 PCI_EXP_DEVCTL_READRQ_512B)
/* Link Control bits an endpoint has (PCIe r4.0 sec. 7.5.3.7); RsvdP in a VF. */
#define EMU_PCI_LNKCTL_PF_WR	(PCI_EXP_LNKCTL_RCB | PCI_EXP_LNKCTL_CCC | PCI_EXP_LNKCTL_ES)

static_assert(SVNIC_EMU_PCI_CFG_SIZE == SVNIC_VF_CFG_SIZE, "config space size");
static_assert(SVNIC_EMU_PCI_PCIE_CAP == SVNIC_VF_CFG_PCIE_CAP &&
	      SVNIC_EMU_PCI_MSIX_CAP == SVNIC_VF_CFG_MSIX_CAP &&
	      SVNIC_EMU_PCI_ARI_CAP == SVNIC_VF_CFG_ARI_CAP,
	      "PF and VF share the layout of svnic_pci.h");
static_assert(SVNIC_EMU_PCI_ARI_CAP + PCI_EXT_CAP_ARI_SIZEOF <= SVNIC_EMU_PCI_SRIOV_CAP &&
	      SVNIC_EMU_PCI_SRIOV_CAP % 4 == 0 &&
	      SVNIC_EMU_PCI_SRIOV_CAP + PCI_EXT_CAP_SRIOV_SIZEOF <= SVNIC_EMU_PCI_CFG_SIZE,
	      "SR-IOV capability after ARI, inside the extended space");
static_assert(SVNIC_EMU_PCI_BARS == SVNIC_VF_CFG_BARS && SVNIC_EMU_PCI_BARS ==
	      PCI_SRIOV_NUM_BARS, "BAR count");
static_assert(SVNIC_PF_MSIX_MAX <= SVNIC_PCI_MSIX_VECTORS_MAX &&
	      SVNIC_VF_MSIX_MAX <= SVNIC_PCI_MSIX_VECTORS_MAX, "MSI-X Table Size field");
/* The largest supported page, 4 MiB, still leaves the low dword to the address. */
static_assert((SVNIC_EMU_PCI_SUP_PGSIZES >> 11) == 0, "VF BAR size fits 32 bits");

/*
 * Sizes of the 64-bit memory BARs, in their lower slot; 0: not implemented
 * (device-spec.rst "PF BARs"; VF BARs are the native sizes before the System
 * Page Size rounding).
 */
static const uint32_t emu_pci_pf_bar_size[SVNIC_EMU_PCI_BARS] = {
	[SVNIC_BAR0] = SVNIC_PF_BAR0_SIZE,
	[SVNIC_BAR_MSIX] = SVNIC_PF_MSIX_BAR_SIZE,
};
static const uint32_t emu_pci_vf_bar_native[SVNIC_EMU_PCI_BARS] = {
	[SVNIC_BAR0] = SVNIC_VF_BAR0_SIZE,
	[SVNIC_BAR_MSIX] = SVNIC_VF_MSIX_BAR_SIZE,
};

struct emu_pci {
	bool is_vf;
	bool ari;			/* VF: ARI capability present */
	uint16_t total_vfs;		/* PF */
	uint16_t msix_vectors;
	struct emu_pci_ops ops;
	void *ctx;
	const struct emu_pci_region *regions;
	unsigned int n_regions;
	char who[16];			/* "PF" or "VF n", for log messages */
	struct emu_pci_stats stats;
	unsigned long log_refused;
	unsigned long log_ro;
	unsigned long log_rule;
	uint8_t img[SVNIC_EMU_PCI_CFG_SIZE];
	uint8_t wr[SVNIC_EMU_PCI_CFG_SIZE];
	uint8_t rw1c[SVNIC_EMU_PCI_CFG_SIZE];
};

/* One structure of the config space and the handler of writes to it. */
struct emu_pci_region {
	uint16_t start;
	uint16_t end;		/* exclusive */
	const char *name;
	void (*write)(struct emu_pci *pci, const struct emu_pci_region *r, uint16_t off,
		      uint8_t len, uint32_t val);
};

static void emu_pci_hdr_write(struct emu_pci *pci, const struct emu_pci_region *r,
			      uint16_t off, uint8_t len, uint32_t val);
static void emu_pci_pcie_write(struct emu_pci *pci, const struct emu_pci_region *r,
			       uint16_t off, uint8_t len, uint32_t val);
static void emu_pci_cap_write(struct emu_pci *pci, const struct emu_pci_region *r,
			      uint16_t off, uint8_t len, uint32_t val);
static void emu_pci_sriov_write(struct emu_pci *pci, const struct emu_pci_region *r,
				uint16_t off, uint8_t len, uint32_t val);
static void emu_pci_unclaimed_write(struct emu_pci *pci, const struct emu_pci_region *r,
				    uint16_t off, uint8_t len, uint32_t val);

#define EMU_PCI_REGION_HDR	{ 0, PCI_STD_HEADER_SIZEOF, "header", emu_pci_hdr_write }
#define EMU_PCI_REGION_PCIE	{ SVNIC_EMU_PCI_PCIE_CAP, \
				  SVNIC_EMU_PCI_PCIE_CAP + EMU_PCI_PCIE_SIZE, \
				  "PCIe capability", emu_pci_pcie_write }
#define EMU_PCI_REGION_MSIX	{ SVNIC_EMU_PCI_MSIX_CAP, \
				  SVNIC_EMU_PCI_MSIX_CAP + PCI_CAP_MSIX_SIZEOF, \
				  "MSI-X capability", emu_pci_cap_write }
#define EMU_PCI_REGION_ARI	{ SVNIC_EMU_PCI_ARI_CAP, \
				  SVNIC_EMU_PCI_ARI_CAP + PCI_EXT_CAP_ARI_SIZEOF, \
				  "ARI capability", emu_pci_cap_write }

/* Claimed structures in address order; each is whole dwords (svnic_pci.h). */
static const struct emu_pci_region emu_pci_pf_regions[] = {
	EMU_PCI_REGION_HDR,
	EMU_PCI_REGION_PCIE,
	EMU_PCI_REGION_MSIX,
	EMU_PCI_REGION_ARI,
	{ SVNIC_EMU_PCI_SRIOV_CAP, SVNIC_EMU_PCI_SRIOV_CAP + PCI_EXT_CAP_SRIOV_SIZEOF,
	  "SR-IOV capability", emu_pci_sriov_write },
};

/* The VF's ARI capability, last, only counts when the PF has ARI on. */
static const struct emu_pci_region emu_pci_vf_regions[] = {
	EMU_PCI_REGION_HDR,
	EMU_PCI_REGION_PCIE,
	EMU_PCI_REGION_MSIX,
	EMU_PCI_REGION_ARI,
};

#define EMU_PCI_NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct emu_pci_region emu_pci_unclaimed = {
	0, SVNIC_EMU_PCI_CFG_SIZE, "unclaimed", emu_pci_unclaimed_write,
};

/* Log the 1st, 2nd, 4th, 8th... event of a kind: a client cannot flood the log. */
static bool
emu_pci_log_due(unsigned long *n)
{
	(*n)++;
	return (*n & (*n - 1)) == 0;
}

static uint16_t
emu_pci_get16(const struct emu_pci *pci, uint16_t off)
{
	return (uint16_t)(pci->img[off] | (pci->img[off + 1] << 8));
}

static uint32_t
emu_pci_get32(const struct emu_pci *pci, uint16_t off)
{
	return (uint32_t)emu_pci_get16(pci, off) |
		((uint32_t)emu_pci_get16(pci, off + 2) << 16);
}

static void
emu_pci_put(struct emu_pci *pci, uint16_t off, uint8_t len, uint32_t val)
{
	uint8_t i;

	for (i = 0; i < len; i++)
		pci->img[off + i] = (uint8_t)(val >> (8 * i));
}

/* Image building: a field of @p len bytes with its masks. */
static void
emu_pci_def(struct emu_pci *pci, uint16_t off, uint8_t len, uint32_t val, uint32_t wr,
	    uint32_t rw1c)
{
	uint8_t i;

	for (i = 0; i < len; i++) {
		pci->img[off + i] = (uint8_t)(val >> (8 * i));
		pci->wr[off + i] = (uint8_t)(wr >> (8 * i));
		pci->rw1c[off + i] = (uint8_t)(rw1c >> (8 * i));
	}
}

/*
 * A 64-bit non-prefetchable memory BAR of @p size bytes at @p off. Address bits
 * below the size are hard-wired to 0, so writing all ones reads back the size
 * mask with the type bits (PCI LB 3.0 sec. 6.2.5.1). The address already
 * programmed is kept above the size.
 */
static void
emu_pci_def_bar64(struct emu_pci *pci, uint16_t off, uint32_t size)
{
	uint32_t mask = ~(size - 1) & (uint32_t)PCI_BASE_ADDRESS_MEM_MASK;
	uint32_t lo = (emu_pci_get32(pci, off) & mask) | PCI_BASE_ADDRESS_MEM_TYPE_64;

	emu_pci_def(pci, off, 4, lo, mask, 0);
	emu_pci_def(pci, off + 4, 4, emu_pci_get32(pci, off + 4), UINT32_MAX, 0);
}

static void
emu_pci_build_header(struct emu_pci *pci)
{
	unsigned int i;

	if (pci->is_vf) {
		/*
		 * The SR-IOV capability owns a VF's ids, BARs and memory decoding
		 * (PCIe r4.0 sec. 9.3.4.1): Vendor and Device ID read 0xFFFF, BARs
		 * read 0, Memory Space Enable reads 0 (VF MSE rules). No INTx, so
		 * INTx Disable, Interrupt Line and Pin read 0.
		 */
		emu_pci_def(pci, PCI_VENDOR_ID, 4, UINT32_MAX, 0, 0);
		emu_pci_def(pci, PCI_COMMAND, 2, 0, PCI_COMMAND_MASTER, 0);
	} else {
		emu_pci_def(pci, PCI_VENDOR_ID, 2, SVNIC_PCI_VENDOR_ID, 0, 0);
		emu_pci_def(pci, PCI_DEVICE_ID, 2, SVNIC_PCI_DEVICE_ID_PF, 0, 0);
		/* MSI-X only: INTx Disable hard-wired to 1 (device-spec.rst). */
		emu_pci_def(pci, PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE,
			    PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 0);
		/* Read-write without effect on a PCIe function (PCIe r4.0 7.5.1.1.7). */
		emu_pci_def(pci, PCI_CACHE_LINE_SIZE, 1, 0, 0xff, 0);
		/* Scratch register for software's interrupt routing (PCI LB 3.0 6.2.4). */
		emu_pci_def(pci, PCI_INTERRUPT_LINE, 1, 0, 0xff, 0);
		for (i = 0; i < SVNIC_EMU_PCI_BARS; i++)
			if (emu_pci_pf_bar_size[i] != 0)
				emu_pci_def_bar64(pci, EMU_PCI_BAR(i), emu_pci_pf_bar_size[i]);
	}
	emu_pci_def(pci, PCI_STATUS, 2, PCI_STATUS_CAP_LIST, 0, SVNIC_PCI_STATUS_ERR_RW1C);
	emu_pci_def(pci, PCI_REVISION_ID, 4, (SVNIC_PCI_CLASS_CODE << 8) | SVNIC_PCI_REVISION_ID,
		    0, 0);
	emu_pci_def(pci, PCI_SUBSYSTEM_VENDOR_ID, 2, SVNIC_PCI_VENDOR_ID, 0, 0);
	emu_pci_def(pci, PCI_SUBSYSTEM_ID, 2, 0, 0, 0);
	emu_pci_def(pci, PCI_CAPABILITY_LIST, 1, SVNIC_EMU_PCI_PCIE_CAP, 0, 0);
}

static void
emu_pci_build_caps(struct emu_pci *pci)
{
	const uint32_t bir = SVNIC_BAR_MSIX;

	emu_pci_def(pci, EMU_PCI_PCIE(PCI_CAP_LIST_ID), 2,
		    PCI_CAP_ID_EXP | (SVNIC_EMU_PCI_MSIX_CAP << 8), 0, 0);
	emu_pci_def(pci, EMU_PCI_PCIE(PCI_EXP_FLAGS), 2,
		    SVNIC_VF_PCIE_CAP_VERSION | (PCI_EXP_TYPE_ENDPOINT << 4), 0, 0);
	/* FLR capable (mandatory for VFs, PCIe r4.0 sec. 9.3.5.3); RBER sec. 7.5.3.3. */
	emu_pci_def(pci, EMU_PCI_PCIE(PCI_EXP_DEVCAP), 4,
		    EMU_PCI_MPS_256 | PCI_EXP_DEVCAP_EXT_TAG | PCI_EXP_DEVCAP_RBER |
		    PCI_EXP_DEVCAP_FLR, 0, 0);
	emu_pci_def(pci, EMU_PCI_PCIE(PCI_EXP_DEVCTL), 2, EMU_PCI_DEVCTL_INIT,
		    pci->is_vf ? EMU_PCI_DEVCTL_VF_WR : EMU_PCI_DEVCTL_PF_WR, 0);
	emu_pci_def(pci, EMU_PCI_PCIE(PCI_EXP_DEVSTA), 2, 0, 0, SVNIC_PCI_EXP_DEVSTA_ERR_RW1C);
	/* x1 at 2.5 GT/s: a software link is not physical (device-spec.rst). */
	emu_pci_def(pci, EMU_PCI_PCIE(PCI_EXP_LNKCAP), 4,
		    PCI_EXP_LNKCAP_SLS_2_5GB | PCI_EXP_LNKSTA_NLW_X1, 0, 0);
	emu_pci_def(pci, EMU_PCI_PCIE(PCI_EXP_LNKCTL), 2, 0,
		    pci->is_vf ? 0 : EMU_PCI_LNKCTL_PF_WR, 0);
	emu_pci_def(pci, EMU_PCI_PCIE(PCI_EXP_LNKSTA), 2,
		    PCI_EXP_LNKSTA_CLS_2_5GB | PCI_EXP_LNKSTA_NLW_X1, 0, 0);
	emu_pci_def(pci, EMU_PCI_PCIE(PCI_EXP_LNKCAP2), 4, PCI_EXP_LNKCAP2_SLS_2_5GB, 0, 0);
	if (!pci->is_vf)
		emu_pci_def(pci, EMU_PCI_PCIE(PCI_EXP_LNKCTL2), 2, PCI_EXP_LNKCTL2_TLS_2_5GT,
			    0, 0);

	emu_pci_def(pci, EMU_PCI_MSIX(PCI_CAP_LIST_ID), 2, PCI_CAP_ID_MSIX, 0, 0);
	emu_pci_def(pci, EMU_PCI_MSIX(PCI_MSIX_FLAGS), 2, pci->msix_vectors - 1u,
		    PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL, 0);
	emu_pci_def(pci, EMU_PCI_MSIX(PCI_MSIX_TABLE), 4, SVNIC_MSIX_TABLE_OFF | bir, 0, 0);
	emu_pci_def(pci, EMU_PCI_MSIX(PCI_MSIX_PBA), 4, SVNIC_MSIX_PBA_OFF | bir, 0, 0);

	/*
	 * ARI: Next Function Number 0 (the PF is the only physical function), no
	 * Function Groups, so ARI Control is all hard-wired 0 (PCIe r4.0 sec.
	 * 7.8.7); in a VF the capability fields are RsvdP (sec. 9.3.7.7).
	 */
	if (!pci->is_vf)
		emu_pci_def(pci, EMU_PCI_ARI(0), 4, PCI_EXT_CAP_ID_ARI |
			    (EMU_PCI_ARI_VERSION << 16) | (SVNIC_EMU_PCI_SRIOV_CAP << 20), 0, 0);
	else if (pci->ari)
		emu_pci_def(pci, EMU_PCI_ARI(0), 4,
			    PCI_EXT_CAP_ID_ARI | (SVNIC_VF_ARI_CAP_VERSION << 16), 0, 0);
}

/*
 * VF BARn: each VF's BAR is max(native size, System Page Size) so that every VF
 * BAR starts on a system page (PCIe r4.0 sec. 9.3.3.13, 9.3.3.14).
 */
static uint32_t
emu_pci_vf_bar_len(const struct emu_pci *pci, unsigned int bar)
{
	uint32_t page = emu_pci_get32(pci, EMU_PCI_SRIOV(PCI_SRIOV_SYS_PGSIZE));
	uint64_t bytes = (uint64_t)page << EMU_PCI_PGSIZE_SHIFT;
	uint32_t native = emu_pci_vf_bar_native[bar];

	if (native == 0)
		return 0;
	return bytes > native ? (uint32_t)bytes : native;
}

static void
emu_pci_apply_vf_bars(struct emu_pci *pci)
{
	unsigned int i;

	for (i = 0; i < SVNIC_EMU_PCI_BARS; i++)
		if (emu_pci_vf_bar_native[i] != 0)
			emu_pci_def_bar64(pci, EMU_PCI_VF_BAR(i), emu_pci_vf_bar_len(pci, i));
}

/*
 * SR-IOV capability, svnic's values (device-spec.rst "SR-IOV capability"). VF
 * Migration is not supported, so Capabilities, Status and the Migration State
 * Array Offset are 0. Control, NumVFs and System Page Size are read-only in the
 * tables: emu_pci_sriov_write() applies their rules.
 */
static void
emu_pci_build_sriov(struct emu_pci *pci)
{
	emu_pci_def(pci, EMU_PCI_SRIOV(0), 4,
		    PCI_EXT_CAP_ID_SRIOV | (EMU_PCI_SRIOV_VERSION << 16), 0, 0);
	emu_pci_def(pci, EMU_PCI_SRIOV(PCI_SRIOV_INITIAL_VF), 2, pci->total_vfs, 0, 0);
	emu_pci_def(pci, EMU_PCI_SRIOV(PCI_SRIOV_TOTAL_VF), 2, pci->total_vfs, 0, 0);
	emu_pci_def(pci, EMU_PCI_SRIOV(PCI_SRIOV_VF_OFFSET), 2, EMU_PCI_FIRST_VF_OFFSET, 0, 0);
	emu_pci_def(pci, EMU_PCI_SRIOV(PCI_SRIOV_VF_STRIDE), 2, EMU_PCI_VF_STRIDE, 0, 0);
	emu_pci_def(pci, EMU_PCI_SRIOV(PCI_SRIOV_VF_DID), 2, SVNIC_PCI_DEVICE_ID_VF, 0, 0);
	emu_pci_def(pci, EMU_PCI_SRIOV(PCI_SRIOV_SUP_PGSIZE), 4, SVNIC_EMU_PCI_SUP_PGSIZES,
		    0, 0);
	emu_pci_def(pci, EMU_PCI_SRIOV(PCI_SRIOV_SYS_PGSIZE), 4, EMU_PCI_PGSIZE_INIT, 0, 0);
	emu_pci_apply_vf_bars(pci);
}

/* Power-on image. */
static void
emu_pci_build(struct emu_pci *pci)
{
	memset(pci->img, 0, sizeof(pci->img));
	memset(pci->wr, 0, sizeof(pci->wr));
	memset(pci->rw1c, 0, sizeof(pci->rw1c));
	emu_pci_build_header(pci);
	emu_pci_build_caps(pci);
	if (!pci->is_vf)
		emu_pci_build_sriov(pci);
}

static struct emu_pci *
emu_pci_alloc(const struct emu_pci_ops *ops, void *ctx)
{
	struct emu_pci *pci = calloc(1, sizeof(*pci));

	if (pci == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	pci->ops = *ops;
	pci->ctx = ctx;
	return pci;
}

struct emu_pci *
emu_pci_create_pf(const struct emu_pci_pf_desc *desc, const struct emu_pci_ops *ops,
		  void *ctx)
{
	struct emu_pci *pci;

	if (desc == NULL || ops == NULL || ops->flr == NULL || ops->sriov_changed == NULL) {
		SVNIC_EMU_LOG(ERR, "pci: PF: missing descriptor or callbacks");
		errno = EINVAL;
		return NULL;
	}
	if (desc->total_vfs == 0 || desc->total_vfs > SVNIC_TOTAL_VFS_MAX ||
	    desc->msix_vectors == 0 || desc->msix_vectors > SVNIC_PF_MSIX_MAX) {
		SVNIC_EMU_LOG(ERR, "pci: PF: TotalVFs %u not in 1..%u or MSI-X vectors %u "
			      "not in 1..%u", desc->total_vfs, SVNIC_TOTAL_VFS_MAX,
			      desc->msix_vectors, SVNIC_PF_MSIX_MAX);
		errno = EINVAL;
		return NULL;
	}
	pci = emu_pci_alloc(ops, ctx);
	if (pci == NULL)
		return NULL;
	pci->total_vfs = desc->total_vfs;
	pci->msix_vectors = desc->msix_vectors;
	pci->regions = emu_pci_pf_regions;
	pci->n_regions = EMU_PCI_NELEM(emu_pci_pf_regions);
	snprintf(pci->who, sizeof(pci->who), "PF");
	emu_pci_build(pci);
	return pci;
}

struct emu_pci *
emu_pci_create_vf(const struct emu_pci_vf_desc *desc, const struct emu_pci_ops *ops,
		  void *ctx)
{
	struct emu_pci *pci;

	if (desc == NULL || ops == NULL || ops->flr == NULL || ops->sriov_changed != NULL) {
		SVNIC_EMU_LOG(ERR, "pci: VF: missing descriptor or flr, or an sriov_changed "
			      "callback (a VF has no SR-IOV capability)");
		errno = EINVAL;
		return NULL;
	}
	if (desc->vf_id >= SVNIC_TOTAL_VFS_MAX || desc->msix_vectors == 0 ||
	    desc->msix_vectors > SVNIC_VF_MSIX_MAX) {
		SVNIC_EMU_LOG(ERR, "pci: VF %u: id not below %u or MSI-X vectors %u not in "
			      "1..%u", desc->vf_id, SVNIC_TOTAL_VFS_MAX, desc->msix_vectors,
			      SVNIC_VF_MSIX_MAX);
		errno = EINVAL;
		return NULL;
	}
	pci = emu_pci_alloc(ops, ctx);
	if (pci == NULL)
		return NULL;
	pci->is_vf = true;
	pci->ari = desc->ari;
	pci->msix_vectors = desc->msix_vectors;
	pci->regions = emu_pci_vf_regions;
	pci->n_regions = EMU_PCI_NELEM(emu_pci_vf_regions) - (desc->ari ? 0 : 1);
	snprintf(pci->who, sizeof(pci->who), "VF %u", desc->vf_id);
	emu_pci_build(pci);
	return pci;
}

void
emu_pci_destroy(struct emu_pci *pci)
{
	free(pci);
}

static void
emu_pci_get_sriov(const struct emu_pci *pci, struct emu_pci_sriov_state *st)
{
	uint16_t ctrl = emu_pci_get16(pci, EMU_PCI_SRIOV(PCI_SRIOV_CTRL));

	st->vf_enable = (ctrl & PCI_SRIOV_CTRL_VFE) != 0;
	st->vf_mse = (ctrl & PCI_SRIOV_CTRL_MSE) != 0;
	st->ari = (ctrl & PCI_SRIOV_CTRL_ARI) != 0;
	st->num_vfs = emu_pci_get16(pci, EMU_PCI_SRIOV(PCI_SRIOV_NUM_VF));
	st->page_size = emu_pci_get32(pci, EMU_PCI_SRIOV(PCI_SRIOV_SYS_PGSIZE)) <<
		EMU_PCI_PGSIZE_SHIFT;
}

/* Tell the device when a bit it acts on changed; NumVFs only counts at VF Enable. */
static void
emu_pci_sriov_notify(struct emu_pci *pci, const struct emu_pci_sriov_state *old)
{
	struct emu_pci_sriov_state now;

	emu_pci_get_sriov(pci, &now);
	if (old->vf_enable == now.vf_enable && old->vf_mse == now.vf_mse &&
	    old->ari == now.ari)
		return;
	if (old->vf_enable != now.vf_enable)
		SVNIC_EMU_LOG(INFO, "pci: PF: VF Enable %u -> %u, NumVFs %u",
			      (unsigned int)old->vf_enable, (unsigned int)now.vf_enable,
			      now.num_vfs);
	pci->ops.sriov_changed(pci->ctx, old, &now);
}

/* Power-on values; on a PF the device hears of the SR-IOV state going with them. */
static void
emu_pci_power_on(struct emu_pci *pci)
{
	struct emu_pci_sriov_state old;

	if (pci->is_vf) {
		emu_pci_build(pci);
		return;
	}
	emu_pci_get_sriov(pci, &old);
	emu_pci_build(pci);
	emu_pci_sriov_notify(pci, &old);
}

void
emu_pci_reset(struct emu_pci *pci)
{
	if (pci != NULL)
		emu_pci_power_on(pci);
}

int
emu_pci_report_error(struct emu_pci *pci, uint16_t status, uint16_t devsta)
{
	if (pci == NULL || (status & ~SVNIC_PCI_STATUS_ERR_RW1C) != 0 ||
	    (devsta & ~SVNIC_PCI_EXP_DEVSTA_ERR_RW1C) != 0)
		return -EINVAL;
	emu_pci_put(pci, PCI_STATUS, 2, emu_pci_get16(pci, PCI_STATUS) | status);
	emu_pci_put(pci, EMU_PCI_PCIE(PCI_EXP_DEVSTA), 2,
		    emu_pci_get16(pci, EMU_PCI_PCIE(PCI_EXP_DEVSTA)) | devsta);
	return 0;
}

bool
emu_pci_is_vf(const struct emu_pci *pci)
{
	return pci->is_vf;
}

bool
emu_pci_bus_master(const struct emu_pci *pci)
{
	return (emu_pci_get16(pci, PCI_COMMAND) & PCI_COMMAND_MASTER) != 0;
}

bool
emu_pci_mem_enabled(const struct emu_pci *pci)
{
	/* Read-only 0 in a VF's image. */
	return (emu_pci_get16(pci, PCI_COMMAND) & PCI_COMMAND_MEMORY) != 0;
}

bool
emu_pci_msix_enabled(const struct emu_pci *pci)
{
	return (emu_pci_get16(pci, EMU_PCI_MSIX(PCI_MSIX_FLAGS)) & PCI_MSIX_FLAGS_ENABLE) != 0;
}

bool
emu_pci_msix_masked(const struct emu_pci *pci)
{
	return (emu_pci_get16(pci, EMU_PCI_MSIX(PCI_MSIX_FLAGS)) & PCI_MSIX_FLAGS_MASKALL) != 0;
}

int
emu_pci_sriov_state(const struct emu_pci *pci, struct emu_pci_sriov_state *st)
{
	if (pci == NULL || pci->is_vf || st == NULL)
		return -EINVAL;
	emu_pci_get_sriov(pci, st);
	return 0;
}

static uint64_t
emu_pci_addr64(const struct emu_pci *pci, uint16_t off)
{
	return (emu_pci_get32(pci, off) & (uint32_t)PCI_BASE_ADDRESS_MEM_MASK) |
		((uint64_t)emu_pci_get32(pci, off + 4) << 32);
}

int
emu_pci_bar_addr(const struct emu_pci *pci, unsigned int bar, uint64_t *addr)
{
	if (pci == NULL || bar >= SVNIC_EMU_PCI_BARS || addr == NULL)
		return -EINVAL;
	if (pci->is_vf || emu_pci_pf_bar_size[bar] == 0)
		return -ENOENT;
	*addr = emu_pci_addr64(pci, EMU_PCI_BAR(bar));
	return 0;
}

int
emu_pci_bar_size(const struct emu_pci *pci, unsigned int bar, uint64_t *size)
{
	if (pci == NULL || bar >= SVNIC_EMU_PCI_BARS || size == NULL)
		return -EINVAL;
	if (pci->is_vf || emu_pci_pf_bar_size[bar] == 0)
		return -ENOENT;
	*size = emu_pci_pf_bar_size[bar];
	return 0;
}

int
emu_pci_vf_bar_addr(const struct emu_pci *pci, unsigned int bar, uint64_t *addr)
{
	if (pci == NULL || pci->is_vf || bar >= SVNIC_EMU_PCI_BARS || addr == NULL)
		return -EINVAL;
	if (emu_pci_vf_bar_native[bar] == 0)
		return -ENOENT;
	*addr = emu_pci_addr64(pci, EMU_PCI_VF_BAR(bar));
	return 0;
}

int
emu_pci_vf_bar_size(const struct emu_pci *pci, unsigned int bar, uint64_t *size)
{
	if (pci == NULL || pci->is_vf || bar >= SVNIC_EMU_PCI_BARS || size == NULL)
		return -EINVAL;
	if (emu_pci_vf_bar_native[bar] == 0)
		return -ENOENT;
	*size = emu_pci_vf_bar_len(pci, bar);
	return 0;
}

void
emu_pci_get_stats(const struct emu_pci *pci, struct emu_pci_stats *stats)
{
	*stats = pci->stats;
}

/*
 * Apply a write to [off, off + len) through the masks.
 * @return the read-only bits the write tried to change.
 */
static uint32_t
emu_pci_bits_write(struct emu_pci *pci, uint16_t off, uint8_t len, uint32_t val)
{
	uint32_t dropped = 0;
	uint8_t i;

	for (i = 0; i < len; i++) {
		uint16_t o = off + i;
		uint8_t b = (uint8_t)(val >> (8 * i));
		uint8_t cur = pci->img[o];
		uint8_t ro = (uint8_t)~(pci->wr[o] | pci->rw1c[o]);
		uint8_t nv = (uint8_t)((cur & ~pci->wr[o]) | (b & pci->wr[o]));

		nv &= (uint8_t)~(b & pci->rw1c[o]);
		pci->img[o] = nv;
		dropped |= (uint32_t)((b ^ cur) & ro) << (8 * i);
	}
	return dropped;
}

static void
emu_pci_note_ro(struct emu_pci *pci, const struct emu_pci_region *r, uint16_t off,
		uint32_t dropped)
{
	pci->stats.ro_dropped++;
	if (emu_pci_log_due(&pci->log_ro))
		SVNIC_EMU_LOG(WARNING, "pci: %s: client write to read-only bits 0x%08x at "
			      "0x%03x (%s) dropped, %" PRIu64 " so far", pci->who, dropped,
			      off, r->name, pci->stats.ro_dropped);
}

/* A write that a field's rule refuses (@p ignored: a VF Enable rule). */
static void
emu_pci_note_rule(struct emu_pci *pci, bool ignored, const char *field, uint32_t val,
		  const char *why)
{
	if (ignored)
		pci->stats.ignored++;
	else
		pci->stats.invalid++;
	if (emu_pci_log_due(&pci->log_rule))
		SVNIC_EMU_LOG(WARNING, "pci: %s: client write of 0x%x to %s refused: %s",
			      pci->who, val, field, why);
}

static bool
emu_pci_is_bar(uint16_t off)
{
	/* BARs and the Expansion ROM BAR, sized by writing all ones. */
	return (off >= PCI_BASE_ADDRESS_0 && off < PCI_CARDBUS_CIS) ||
		(off >= PCI_ROM_ADDRESS && off < PCI_CAPABILITY_LIST);
}

static void
emu_pci_hdr_write(struct emu_pci *pci, const struct emu_pci_region *r, uint16_t off,
		  uint8_t len, uint32_t val)
{
	uint32_t dropped = emu_pci_bits_write(pci, off, len, val);

	/*
	 * Sizing writes all ones to every BAR by design (PCI LB 3.0 sec. 6.2.5.1):
	 * type bits, low address bits and unimplemented BARs ignore it quietly.
	 */
	if (dropped != 0 && !emu_pci_is_bar(off))
		emu_pci_note_ro(pci, r, off, dropped);
}

static void
emu_pci_flr(struct emu_pci *pci)
{
	pci->stats.flrs++;
	SVNIC_EMU_LOG(INFO, "pci: %s: client initiated FLR", pci->who);
	/*
	 * FLR returns the function's config space to its power-on state; on the PF
	 * that clears VF Enable, so the VFs go first (PCIe r4.0 sec. 9.2.2.3).
	 */
	emu_pci_power_on(pci);
	pci->ops.flr(pci->ctx);
}

static void
emu_pci_pcie_write(struct emu_pci *pci, const struct emu_pci_region *r, uint16_t off,
		   uint8_t len, uint32_t val)
{
	const uint16_t flr_byte = EMU_PCI_PCIE(PCI_EXP_DEVCTL) + 1;
	uint32_t dropped, flr_mask = 0;

	if (off <= flr_byte && flr_byte < off + len)
		flr_mask = (uint32_t)(PCI_EXP_DEVCTL_BCR_FLR >> 8) << (8 * (flr_byte - off));
	dropped = emu_pci_bits_write(pci, off, len, val & ~flr_mask);
	if (dropped != 0)
		emu_pci_note_ro(pci, r, off, dropped);
	/* Initiate FLR always reads 0 (PCIe r4.0 sec. 7.5.3.4). */
	if ((val & flr_mask) != 0)
		emu_pci_flr(pci);
}

static void
emu_pci_cap_write(struct emu_pci *pci, const struct emu_pci_region *r, uint16_t off,
		  uint8_t len, uint32_t val)
{
	uint32_t dropped = emu_pci_bits_write(pci, off, len, val);

	if (dropped != 0)
		emu_pci_note_ro(pci, r, off, dropped);
}

/*
 * SR-IOV Control: VF Enable and VF MSE are free. Software sets ARI Capable
 * Hierarchy before VF Enable (PCIe r4.0 sec. 9.3.3.3.5); a change while VF Enable
 * is set would move the routing IDs of live VFs, so the model ignores it.
 */
static void
emu_pci_sriov_write_ctrl(struct emu_pci *pci, const struct emu_pci_region *r, uint32_t req)
{
	uint16_t cur = emu_pci_get16(pci, EMU_PCI_SRIOV(PCI_SRIOV_CTRL));
	uint16_t nv = (uint16_t)((cur & ~(PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE)) |
				 (req & (PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE)));
	struct emu_pci_sriov_state old;

	if (((req ^ cur) & ~EMU_PCI_SRIOV_CTRL_RW & UINT16_MAX) != 0)
		emu_pci_note_ro(pci, r, EMU_PCI_SRIOV(PCI_SRIOV_CTRL),
				(req ^ cur) & ~EMU_PCI_SRIOV_CTRL_RW & UINT16_MAX);
	if (((req ^ cur) & PCI_SRIOV_CTRL_ARI) != 0) {
		if ((cur & PCI_SRIOV_CTRL_VFE) != 0)
			emu_pci_note_rule(pci, true, "ARI Capable Hierarchy", req,
					  "VF Enable is set");
		else
			nv ^= PCI_SRIOV_CTRL_ARI;
	}
	if (nv == cur)
		return;
	emu_pci_get_sriov(pci, &old);
	emu_pci_put(pci, EMU_PCI_SRIOV(PCI_SRIOV_CTRL), 2, nv);
	emu_pci_sriov_notify(pci, &old);
}

/* NumVFs: 0..TotalVFs, written only while VF Enable is clear (PCIe r4.0 sec. 9.3.3.7). */
static void
emu_pci_sriov_write_num_vfs(struct emu_pci *pci, const struct emu_pci_region *r,
			    uint32_t req)
{
	uint16_t cur = emu_pci_get16(pci, EMU_PCI_SRIOV(PCI_SRIOV_NUM_VF));
	uint16_t ctrl = emu_pci_get16(pci, EMU_PCI_SRIOV(PCI_SRIOV_CTRL));

	(void)r;
	if (req == cur)
		return;
	if ((ctrl & PCI_SRIOV_CTRL_VFE) != 0)
		emu_pci_note_rule(pci, true, "NumVFs", req, "VF Enable is set");
	else if (req > pci->total_vfs)
		emu_pci_note_rule(pci, false, "NumVFs", req, "above TotalVFs");
	else
		emu_pci_put(pci, EMU_PCI_SRIOV(PCI_SRIOV_NUM_VF), 2, req);
}

/*
 * System Page Size: exactly one bit of Supported Page Sizes, changed only while
 * VF Enable is clear (PCIe r4.0 sec. 9.3.3.13); it resizes the VF BARs.
 */
static void
emu_pci_sriov_write_pgsize(struct emu_pci *pci, const struct emu_pci_region *r,
			   uint32_t req)
{
	uint32_t cur = emu_pci_get32(pci, EMU_PCI_SRIOV(PCI_SRIOV_SYS_PGSIZE));
	uint16_t ctrl = emu_pci_get16(pci, EMU_PCI_SRIOV(PCI_SRIOV_CTRL));

	(void)r;
	if (req == cur)
		return;
	if ((ctrl & PCI_SRIOV_CTRL_VFE) != 0) {
		emu_pci_note_rule(pci, true, "System Page Size", req, "VF Enable is set");
	} else if (req == 0 || (req & (req - 1)) != 0 ||
		   (req & ~SVNIC_EMU_PCI_SUP_PGSIZES) != 0) {
		emu_pci_note_rule(pci, false, "System Page Size", req,
				  "not one bit of Supported Page Sizes");
	} else {
		emu_pci_put(pci, EMU_PCI_SRIOV(PCI_SRIOV_SYS_PGSIZE), 4, req);
		emu_pci_apply_vf_bars(pci);
	}
}

/* SR-IOV fields with rules of their own, read-only in the tables. */
struct emu_pci_field {
	uint16_t off;
	uint8_t len;
	void (*write)(struct emu_pci *pci, const struct emu_pci_region *r, uint32_t req);
};

static const struct emu_pci_field emu_pci_sriov_fields[] = {
	{ EMU_PCI_SRIOV(PCI_SRIOV_CTRL), 2, emu_pci_sriov_write_ctrl },
	{ EMU_PCI_SRIOV(PCI_SRIOV_NUM_VF), 2, emu_pci_sriov_write_num_vfs },
	{ EMU_PCI_SRIOV(PCI_SRIOV_SYS_PGSIZE), 4, emu_pci_sriov_write_pgsize },
};

/*
 * The value field @p f takes from a write of [off, off + len): written bytes
 * replace the current ones. @p bits gets the bits of the write that fall in it.
 * @return false when the write does not touch the field.
 */
static bool
emu_pci_field_merge(const struct emu_pci *pci, const struct emu_pci_field *f, uint16_t off,
		    uint8_t len, uint32_t val, uint32_t *req, uint32_t *bits)
{
	uint32_t v = 0;
	bool hit = false;
	uint8_t i;

	for (i = 0; i < f->len; i++) {
		uint16_t o = f->off + i;
		uint8_t b = pci->img[o];

		if (o >= off && o < off + len) {
			b = (uint8_t)(val >> (8 * (o - off)));
			*bits |= UINT32_C(0xff) << (8 * (o - off));
			hit = true;
		}
		v |= (uint32_t)b << (8 * i);
	}
	*req = v;
	return hit;
}

static void
emu_pci_sriov_write(struct emu_pci *pci, const struct emu_pci_region *r, uint16_t off,
		    uint8_t len, uint32_t val)
{
	uint32_t req[EMU_PCI_NELEM(emu_pci_sriov_fields)];
	bool hit[EMU_PCI_NELEM(emu_pci_sriov_fields)];
	uint32_t dropped, field_bits = 0;
	unsigned int i;

	/* The fields' bytes are read-only in the tables: the plain write skips them. */
	for (i = 0; i < EMU_PCI_NELEM(emu_pci_sriov_fields); i++)
		hit[i] = emu_pci_field_merge(pci, &emu_pci_sriov_fields[i], off, len, val,
					     &req[i], &field_bits);
	dropped = emu_pci_bits_write(pci, off, len, val) & ~field_bits;
	/* VF BARs are sized by writing all ones, like the header's. */
	if (dropped != 0 && (off < EMU_PCI_VF_BAR(0) || off >= EMU_PCI_SRIOV(PCI_SRIOV_VFM)))
		emu_pci_note_ro(pci, r, off, dropped);
	for (i = 0; i < EMU_PCI_NELEM(emu_pci_sriov_fields); i++)
		if (hit[i])
			emu_pci_sriov_fields[i].write(pci, r, req[i]);
}

/* Nobody claims these bytes: they read 0, so a write of non-zero bits is dropped. */
static void
emu_pci_unclaimed_write(struct emu_pci *pci, const struct emu_pci_region *r, uint16_t off,
			uint8_t len, uint32_t val)
{
	(void)len;
	if (val != 0)
		emu_pci_note_ro(pci, r, off, val);
}

static const struct emu_pci_region *
emu_pci_find_region(const struct emu_pci *pci, uint16_t off)
{
	unsigned int i;

	for (i = 0; i < pci->n_regions; i++)
		if (off >= pci->regions[i].start && off < pci->regions[i].end)
			return &pci->regions[i];
	return &emu_pci_unclaimed;
}

/*
 * PCIe config requests carry at most one dword with byte enables (PCIe r4.0 sec.
 * 2.2.7): 1, 2 and 4 byte accesses must stay in their dword. Longer buffers come
 * from vfio-user REGION_READ/WRITE and are cut at dword boundaries.
 */
static int
emu_pci_check_access(struct emu_pci *pci, uint32_t off, const void *buf, uint32_t len,
		     const char *op)
{
	const char *why = svnic_cfg_access_refusal(off, buf, len, SVNIC_EMU_PCI_CFG_SIZE);

	if (why == NULL)
		return 0;
	pci->stats.refused++;
	if (emu_pci_log_due(&pci->log_refused))
		SVNIC_EMU_LOG(WARNING, "pci: %s: client %s of %" PRIu32 " bytes at 0x%" PRIx32
			      " refused: %s", pci->who, op, len, off, why);
	return -EINVAL;
}

int
emu_pci_read(struct emu_pci *pci, uint32_t off, void *buf, uint32_t len)
{
	int ret;

	if (pci == NULL)
		return -EINVAL;
	ret = emu_pci_check_access(pci, off, buf, len, "read");
	if (ret != 0)
		return ret;
	/* Reads have no side effect anywhere in this space: no need to cut them. */
	memcpy(buf, &pci->img[off], len);
	pci->stats.reads++;
	return 0;
}

int
emu_pci_write(struct emu_pci *pci, uint32_t off, const void *buf, uint32_t len)
{
	const uint8_t *p = buf;
	uint32_t done = 0;
	int ret;

	if (pci == NULL)
		return -EINVAL;
	ret = emu_pci_check_access(pci, off, buf, len, "write");
	if (ret != 0)
		return ret;
	pci->stats.writes++;
	while (done < len) {
		uint16_t o = (uint16_t)(off + done);
		uint8_t seg = svnic_cfg_piece(off, done, len);
		const struct emu_pci_region *r = emu_pci_find_region(pci, o);

		r->write(pci, r, o, seg, svnic_cfg_pack(&p[done], seg));
		done += seg;
	}
	return 0;
}
