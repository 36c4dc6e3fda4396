/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_EMU_PCI_H
#define SVNIC_EMU_PCI_H

/**
 * @file
 * PCI configuration space of the svnic device model: the PF's and each VF's own
 * 4 KiB space as the hardware presents it (doc/device-spec.rst, "PCI identity and
 * configuration space"). A vfio-user client reads and writes it through region
 * VFIO_PCI_CONFIG_REGION_INDEX. This is not the PF driver's mediated view of a
 * VF (lib/sriov/sriov_cfg.c): a VF here reads 0xFFFF ids and 0 BARs, as a real
 * VF does (PCIe r4.0 sec. 9.3.4).
 *
 * PF layout: type-0 header, PCIe capability at 0x40, MSI-X at 0x80, ARI at 0x100,
 * SR-IOV at 0x140. VF layout: the same without SR-IOV, and ARI only when the
 * PF's ARI Capable Hierarchy was set when the VF was created.
 *
 * The device learns what software did through two callbacks: an FLR (PF or
 * VF) and, on the PF, every change of the SR-IOV state (VF Enable, VF MSE, ARI
 * Capable Hierarchy; NumVFs can only change while VF Enable is clear, so the
 * state at a VF Enable 0 -> 1 edge carries the NumVFs the VFs are made from).
 *
 * Not thread safe: one owner (the device's control thread) makes every call.
 * Functions returning int return 0 or a negative errno.
 */

#include <stdbool.h>
#include <stdint.h>

#define SVNIC_EMU_PCI_CFG_SIZE		4096u
#define SVNIC_EMU_PCI_PCIE_CAP		0x40	/**< PCIe capability v2, PF and VF */
#define SVNIC_EMU_PCI_MSIX_CAP		0x80	/**< MSI-X capability, PF and VF */
#define SVNIC_EMU_PCI_ARI_CAP		0x100	/**< ARI: PF always, VF with ARI on */
#define SVNIC_EMU_PCI_SRIOV_CAP		0x140	/**< SR-IOV: PF only */
/** Supported Page Sizes: 4K, 8K, 64K, 256K, 1M, 4M (bit n: 2^(n+12) bytes). */
#define SVNIC_EMU_PCI_SUP_PGSIZES	0x00000553u
#define SVNIC_EMU_PCI_BARS		6u

struct emu_pci;

/** What a PF config space is built from. */
struct emu_pci_pf_desc {
	uint16_t total_vfs;		/**< TotalVFs = InitialVFs, 1..SVNIC_TOTAL_VFS_MAX */
	uint16_t msix_vectors;		/**< 1..SVNIC_PF_MSIX_MAX */
};

/** What a VF config space is built from (when the PF's VF Enable goes to 1). */
struct emu_pci_vf_desc {
	uint16_t vf_id;			/**< zero-based VF number, 0..SVNIC_TOTAL_VFS_MAX - 1 */
	uint16_t msix_vectors;		/**< 1..SVNIC_VF_MSIX_MAX */
	bool ari;			/**< the PF's ARI Capable Hierarchy is set */
};

/** The PF's SR-IOV capability as the device acts on it. */
struct emu_pci_sriov_state {
	bool vf_enable;			/**< SR-IOV Control.VF Enable */
	bool vf_mse;			/**< SR-IOV Control.VF Memory Space Enable */
	bool ari;			/**< SR-IOV Control.ARI Capable Hierarchy */
	uint16_t num_vfs;		/**< NumVFs; fixed while vf_enable is set */
	uint32_t page_size;		/**< System Page Size in bytes (4096 at power-on) */
};

/** Callbacks into the device. */
struct emu_pci_ops {
	/**
	 * Software set Initiate Function Level Reset (PCIe r4.0 sec. 6.6.2). The
	 * config space is already at its power-on values (for the PF, VF Enable is
	 * clear and sriov_changed() has been called); the device resets the rest of
	 * the function. Required. May call the emu_pci getters, not read/write.
	 */
	void (*flr)(void *ctx);
	/**
	 * PF only (must be NULL for a VF): VF Enable, VF MSE or ARI Capable Hierarchy
	 * changed, by a config write, an FLR or emu_pci_reset(). Called once per
	 * change, after the config space shows @p now. The device creates VFs
	 * 0..now->num_vfs - 1 on a vf_enable 0 -> 1 edge (none for NumVFs 0) and
	 * destroys them on 1 -> 0. May call the emu_pci getters, not read/write.
	 */
	void (*sriov_changed)(void *ctx, const struct emu_pci_sriov_state *old,
			      const struct emu_pci_sriov_state *now);
};

/** Counters. Only creation zeroes them. */
struct emu_pci_stats {
	uint64_t reads;			/**< accepted read calls */
	uint64_t writes;		/**< accepted write calls */
	uint64_t refused;		/**< calls refused with -EINVAL */
	uint64_t ignored;		/**< writes dropped while VF Enable is set (NumVFs,
					 *   System Page Size, ARI Capable Hierarchy) */
	uint64_t invalid;		/**< values refused: NumVFs > TotalVFs, a System
					 *   Page Size that is not one supported bit */
	uint64_t ro_dropped;		/**< writes that tried to change read-only bits */
	uint64_t flrs;			/**< FLRs initiated through Device Control */
};

/**
 * Build a PF config space at its power-on state.
 * @return the object, or NULL with errno EINVAL (NULL or out-of-range @p desc,
 *   NULL @p ops, missing flr or sriov_changed) or ENOMEM.
 */
struct emu_pci *emu_pci_create_pf(const struct emu_pci_pf_desc *desc,
				  const struct emu_pci_ops *ops, void *ctx);

/**
 * Build a VF config space at its power-on state.
 * @return the object, or NULL with errno EINVAL (NULL or out-of-range @p desc,
 *   NULL @p ops, missing flr, sriov_changed set) or ENOMEM.
 */
struct emu_pci *emu_pci_create_vf(const struct emu_pci_vf_desc *desc,
				  const struct emu_pci_ops *ops, void *ctx);

/** Free @p pci; NULL is ignored. No callback is called. */
void emu_pci_destroy(struct emu_pci *pci);

/**
 * Config read of @p len bytes at @p off into @p buf (little-endian). Accesses of
 * 1, 2 or 4 bytes must stay inside one dword; longer ones are cut at dword
 * boundaries.
 * @return 0, or -EINVAL for a NULL argument and a zero, 3-byte, dword-crossing or
 *   out-of-range access (@p buf untouched).
 */
int emu_pci_read(struct emu_pci *pci, uint32_t off, void *buf, uint32_t len);

/**
 * Config write, same access rules as emu_pci_read(). Writes to read-only bits and
 * values the rules of a field refuse are dropped as hardware drops them (counted,
 * logged); the call still succeeds. May call the callbacks before it returns.
 * @return 0, or -EINVAL (nothing changed).
 */
int emu_pci_write(struct emu_pci *pci, uint32_t off, const void *buf, uint32_t len);

/**
 * Put the config space back to its power-on values (vfio-user disconnect, the
 * device's own reset). Counters are kept. On a PF whose SR-IOV state changes
 * this calls sriov_changed(); it never calls flr().
 */
void emu_pci_reset(struct emu_pci *pci);

/**
 * The device saw an error: set RW1C error bits in Status
 * (SVNIC_PCI_STATUS_ERR_RW1C) and PCIe Device Status (SVNIC_PCI_EXP_DEVSTA_ERR_RW1C).
 * @return 0, or -EINVAL when any other bit is given (nothing set).
 */
int emu_pci_report_error(struct emu_pci *pci, uint16_t status, uint16_t devsta);

/** @return true for a VF's config space. */
bool emu_pci_is_vf(const struct emu_pci *pci);
/** @return true when Command.Bus Master Enable is set. */
bool emu_pci_bus_master(const struct emu_pci *pci);
/**
 * @return true when Command.Memory Space Enable is set; always false on a VF,
 *   whose BARs the PF's VF MSE governs (emu_pci_sriov_state()).
 */
bool emu_pci_mem_enabled(const struct emu_pci *pci);
/** @return true when MSI-X Enable is set. */
bool emu_pci_msix_enabled(const struct emu_pci *pci);
/** @return true when MSI-X Function Mask is set. */
bool emu_pci_msix_masked(const struct emu_pci *pci);

/**
 * Current SR-IOV state of a PF.
 * @return 0; -EINVAL for a VF or NULL @p st.
 */
int emu_pci_sriov_state(const struct emu_pci *pci, struct emu_pci_sriov_state *st);

/**
 * Address programmed into the function's BAR @p bar (type bits removed, both
 * halves of a 64-bit BAR).
 * @return 0; -EINVAL for @p bar >= 6 or NULL @p addr; -ENOENT for a BAR that is
 *   not implemented or is the upper half of a 64-bit BAR (every BAR of a VF).
 */
int emu_pci_bar_addr(const struct emu_pci *pci, unsigned int bar, uint64_t *addr);

/**
 * Size of the function's BAR @p bar.
 * @return 0; -EINVAL / -ENOENT as emu_pci_bar_addr().
 */
int emu_pci_bar_size(const struct emu_pci *pci, unsigned int bar, uint64_t *size);

/**
 * Address programmed into the PF's VF BAR @p bar: VF n's BAR starts at this
 * address + n * the VF BAR size (PCIe r4.0 sec. 9.3.3.14).
 * @return 0; -EINVAL for a VF, @p bar >= 6 or NULL @p addr; -ENOENT for a VF BAR
 *   that is not implemented or is the upper half of a 64-bit VF BAR.
 */
int emu_pci_vf_bar_addr(const struct emu_pci *pci, unsigned int bar, uint64_t *addr);

/**
 * Size of one VF's BAR @p bar: max(native size, System Page Size).
 * @return 0; -EINVAL / -ENOENT as emu_pci_vf_bar_addr().
 */
int emu_pci_vf_bar_size(const struct emu_pci *pci, unsigned int bar, uint64_t *size);

/** Copy the counters to @p stats. */
void emu_pci_get_stats(const struct emu_pci *pci, struct emu_pci_stats *stats);

#endif /* SVNIC_EMU_PCI_H */
