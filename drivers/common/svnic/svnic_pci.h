/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_PCI_H
#define SVNIC_PCI_H

/*
 * PCI identity of the svnic device and the layout of a VF's config space as the
 * PF driver presents it to a guest (lib/sriov/sriov_cfg.c builds it, the device
 * model and both PMDs agree on it through this header). Standard register offsets
 * and bits come from <linux/pci_regs.h>; only what it lacks is defined here.
 */

#include <assert.h>
#include <stdint.h>

#include <linux/pci_regs.h>

/*
 * Experimental placeholder ids, NOT assigned by the PCI-SIG ("SV" in ASCII). They
 * must be replaced by a real vendor's ids before any hardware carries them.
 */
#define SVNIC_PCI_VENDOR_ID		0x5356
#define SVNIC_PCI_DEVICE_ID_PF		0x0001
#define SVNIC_PCI_DEVICE_ID_VF		0x0002	/* SR-IOV cap "VF Device ID" */
#define SVNIC_PCI_REVISION_ID		0x01
#define SVNIC_PCI_CLASS_CODE		0x020000u	/* network, Ethernet, prog-if 0 */

/*
 * VF config space (PCIe r4.0 sec. 9.3.4: a VF has a type-0 header and its own
 * capabilities; the SR-IOV capability lives only in the PF).
 *
 *   0x000 type-0 header, Capabilities Pointer = 0x40
 *   0x040 PCI Express capability (v2, endpoint), next = 0x80
 *   0x080 MSI-X capability, next = 0 (end of the list)
 *   0x100 ARI extended capability (only when the PF has ARI on), next = 0;
 *         without ARI the extended space reads 0 (PCIe r4.0 sec. 7.6.3: an
 *         all-zero header at 0x100 means "no extended capabilities").
 *
 * Everything else reads 0. Gaps between the structures keep each one in its own
 * dwords, so a dword access never touches two of them.
 */
#define SVNIC_VF_CFG_SIZE		PCI_CFG_SPACE_EXP_SIZE
#define SVNIC_VF_CFG_PCIE_CAP		0x40
/* The v2 PCIe capability structure is 0x3c bytes, Slot Status 2 its last field. */
#define SVNIC_VF_CFG_PCIE_CAP_SIZE	0x3c
#define SVNIC_VF_CFG_MSIX_CAP		0x80
#define SVNIC_VF_CFG_MSIX_CAP_SIZE	PCI_CAP_MSIX_SIZEOF
#define SVNIC_VF_CFG_EXT_START		PCI_CFG_SPACE_SIZE
#define SVNIC_VF_CFG_ARI_CAP		0x100
#define SVNIC_VF_CFG_ARI_CAP_SIZE	PCI_EXT_CAP_ARI_SIZEOF

#define SVNIC_VF_CFG_BARS		6

/* PCIe capability version and the extended capability version we present. */
#define SVNIC_VF_PCIE_CAP_VERSION	2
#define SVNIC_VF_ARI_CAP_VERSION	1

/* PCI Status bits that record errors and are cleared by writing 1 (PCI LB 3.0 6.2.3). */
#define SVNIC_PCI_STATUS_ERR_RW1C	(PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT | \
					 PCI_STATUS_REC_TARGET_ABORT | \
					 PCI_STATUS_REC_MASTER_ABORT | \
					 PCI_STATUS_SIG_SYSTEM_ERROR | \
					 PCI_STATUS_DETECTED_PARITY)
/* PCIe Device Status error bits, RW1C (PCIe r4.0 sec. 7.5.3.5). */
#define SVNIC_PCI_EXP_DEVSTA_ERR_RW1C	(PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED | \
					 PCI_EXP_DEVSTA_FED | PCI_EXP_DEVSTA_URD)

/* MSI-X allows at most 2048 vectors: Table Size is an 11-bit N-1 field. */
#define SVNIC_PCI_MSIX_VECTORS_MAX	(PCI_MSIX_FLAGS_QSIZE + 1)

static_assert(SVNIC_VF_CFG_PCIE_CAP >= PCI_STD_HEADER_SIZEOF, "PCIe cap inside header");
static_assert(SVNIC_VF_CFG_PCIE_CAP % 4 == 0 && SVNIC_VF_CFG_MSIX_CAP % 4 == 0 &&
	      SVNIC_VF_CFG_ARI_CAP % 4 == 0, "capabilities must be dword aligned");
static_assert(SVNIC_VF_CFG_PCIE_CAP + SVNIC_VF_CFG_PCIE_CAP_SIZE <= SVNIC_VF_CFG_MSIX_CAP,
	      "PCIe and MSI-X capabilities overlap");
static_assert(SVNIC_VF_CFG_PCIE_CAP_SIZE % 4 == 0 && SVNIC_VF_CFG_MSIX_CAP_SIZE % 4 == 0 &&
	      SVNIC_VF_CFG_ARI_CAP_SIZE % 4 == 0, "capability sizes must be whole dwords");
static_assert(SVNIC_VF_CFG_MSIX_CAP + SVNIC_VF_CFG_MSIX_CAP_SIZE <= SVNIC_VF_CFG_EXT_START,
	      "MSI-X capability leaves the legacy config space");
static_assert(SVNIC_VF_CFG_ARI_CAP == SVNIC_VF_CFG_EXT_START,
	      "the first extended capability must sit at 0x100");
static_assert(SVNIC_VF_CFG_SIZE == 4096, "PCIe config space is 4 KiB");

#endif /* SVNIC_PCI_H */
