/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_CTL_LSPCI_H
#define SVNIC_CTL_LSPCI_H

/*
 * The config-space decoder of `svnic-ctl lspci`: prints what `lspci -vvv`
 * prints for a function, from a copy of its config space and what the
 * transport told about its BARs. It touches nothing but the buffer it is
 * given, so a hostile device can at worst make it print nonsense: every
 * offset is bounds-checked and capability chains are walked with a visited
 * set.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/vfio.h>

#define SVNIC_LSPCI_CFG_SIZE	4096u	/* PCIe config space */
#define SVNIC_LSPCI_BARS	6u
#define SVNIC_LSPCI_ROM		6u	/* index of the ROM in probe[] */

/** What is known of a function besides its config space. */
struct svnic_lspci_dev {
	const char *name;	/**< printed where lspci puts the slot; NULL: "-" */
	uint32_t cfg_len;	/**< bytes of the buffer read from the device (<= 4096) */
	/** Bit i: region_size[i] came from the transport (VFIO_PCI_*_REGION_INDEX). */
	uint32_t region_valid;
	uint64_t region_size[VFIO_PCI_NUM_REGIONS];
	/**
	 * What BAR 0-5 and the ROM register (index 6) read back after all ones
	 * were written to them (PCI LB 3.0 sec. 6.2.5.1), when probe_valid.
	 */
	bool probe_valid;
	uint32_t probe[SVNIC_LSPCI_BARS + 1];
	/** The same for the six VF BARs of the SR-IOV capability. */
	bool vf_probe_valid;
	uint32_t vf_probe[SVNIC_LSPCI_BARS];
};

/**
 * Print the function lspci-style: identity, Command/Status, BARs with sizes,
 * the capability list and the extended capabilities.
 * @param cfg  SVNIC_LSPCI_CFG_SIZE bytes; only dev->cfg_len of them are used.
 * @return 0, or the number of problems found in the config space (loops,
 *   pointers outside, truncated structures), each noted in the output;
 *   -EINVAL for missing arguments.
 */
int svnic_lspci_print(const uint8_t *cfg, const struct svnic_lspci_dev *dev, FILE *out);

/**
 * Offset of the first extended capability @p id, walking the chain as
 * svnic_lspci_print() does (loops and bad pointers end the walk).
 * @return the offset, or 0 when there is none.
 */
uint32_t svnic_lspci_find_ext_cap(const uint8_t *cfg, uint32_t cfg_len, uint16_t id);

/**
 * Size of a BAR from what it read after all ones were written, the way
 * Linux's __pci_read_base() does; @p hi is the upper half of a 64-bit BAR.
 * @return the size, or 0 for a BAR that is not implemented.
 */
uint64_t svnic_lspci_bar_size(uint32_t lo, uint32_t hi, bool is_rom);

/** "[size=64K]" into @p buf, empty for 0. @return @p buf. */
const char *svnic_lspci_fmt_size(uint64_t size, char *buf, size_t len);

#endif /* SVNIC_CTL_LSPCI_H */
