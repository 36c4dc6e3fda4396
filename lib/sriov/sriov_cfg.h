/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SRIOV_CFG_H
#define SRIOV_CFG_H

/*
 * VF config-space mediation: the PF driver's answer to a guest's config reads and
 * writes (NDIS OID_SRIOV_READ/WRITE_VF_CONFIG_SPACE, vfio-user REGION_READ/WRITE
 * on the config region). The guest sees a 4 KiB image built from a descriptor;
 * each bit of it is either virtualized (kept here) or passed through from the real
 * VF (read with a callback), and a virtualized bit is read-only, writable or
 * write-1-to-clear. Layout and field classes: doc/config-space.rst.
 *
 * Not thread safe: one owner, the PF control thread, makes every call.
 */

#include <stdbool.h>
#include <stdint.h>

#define SRIOV_CFG_SPACE_SIZE	4096u
#define SRIOV_CFG_BARS		6u
#define SRIOV_CFG_MSIX_MAX	2048u
/* Smallest memory BAR (PCI LB 3.0 sec. 6.2.5.1). */
#define SRIOV_CFG_BAR_MIN	16u
/* Largest 32-bit memory BAR: only bit 31 left as address. */
#define SRIOV_CFG_BAR32_MAX	(UINT64_C(1) << 31)

/**
 * One VF BAR as the PF's SR-IOV capability defines it (VF BARn). VF BARs are
 * memory BARs only (PCIe r4.0 sec. 9.3.3.14). A 64-bit BAR takes the next BAR
 * slot as its upper half; that slot must be left all zero.
 */
struct sriov_cfg_bar {
	uint64_t size;		/**< bytes, power of two >= 16; 0: not implemented */
	bool is_64;		/**< 64-bit BAR (memory type 10b) */
	bool prefetchable;
};

/** What the VF config space is built from: the PF's view of its VFs. */
struct sriov_cfg_desc {
	uint16_t vf_id;			/**< zero-based VF number, for log messages */
	uint16_t vendor_id;		/**< the PF's Vendor ID */
	uint16_t vf_device_id;		/**< SR-IOV capability "VF Device ID" */
	uint8_t revision;
	uint32_t class_code;		/**< 24 bits: base class, sub-class, prog-if */
	uint16_t subsys_vendor_id;
	uint16_t subsys_id;
	struct sriov_cfg_bar bars[SRIOV_CFG_BARS];
	uint16_t msix_vectors;		/**< 1..2048 */
	uint8_t max_payload;		/**< Device Capabilities Max_Payload_Size code, 0..5 */
	bool ari;			/**< PF's ARI Capable Hierarchy is set */
};

/** Callbacks into the PF driver. Both are required. */
struct sriov_cfg_ops {
	/**
	 * Read the real VF's config space for the passed-through bits of an access.
	 * Called with the guest's offset and length (1..4 bytes inside one dword);
	 * the value is returned little-endian (byte at @p off in bits 7:0).
	 * @return 0, or a negative errno: the guest's read then fails with -EIO.
	 */
	int (*read_passthrough)(void *ctx, uint16_t off, uint8_t len, uint32_t *val);
	/**
	 * The guest set Initiate Function Level Reset (PCIe r4.0 sec. 6.6.2). The
	 * mediated image is already back at its power-on values; the PF resets the
	 * VF's queues, filters and mailbox. May call sriov_cfg_* on this object.
	 */
	void (*flr)(void *ctx);
};

/** Counters, for the PF's telemetry. Only sriov_cfg_create() zeroes them. */
struct sriov_cfg_stats {
	uint64_t reads;			/**< accepted read calls */
	uint64_t writes;		/**< accepted write calls */
	uint64_t refused;		/**< calls refused with -EINVAL */
	uint64_t ro_dropped;		/**< dword writes that tried to change read-only bits */
	uint64_t unclaimed_dropped;	/**< dword writes of non-zero bits to unclaimed bytes */
	uint64_t passthrough_errors;	/**< reads failed with -EIO */
	uint64_t flrs;			/**< FLRs started by the guest */
};

struct sriov_cfg;

/**
 * Build a VF's config space at its power-on state, VF Memory Space Enable off.
 * @return the object, or NULL with errno EINVAL (bad descriptor or ops) or ENOMEM.
 */
struct sriov_cfg *sriov_cfg_create(const struct sriov_cfg_desc *desc,
				   const struct sriov_cfg_ops *ops, void *ctx);

/** Free @p cfg; NULL is ignored. */
void sriov_cfg_destroy(struct sriov_cfg *cfg);

/**
 * Guest config read of @p len bytes at @p off into @p buf (little-endian).
 * Accesses of 1, 2 or 4 bytes must stay inside one dword; longer ones are split
 * at dword boundaries.
 * @return 0; -EINVAL for a zero, 3-byte, dword-crossing or out-of-range access;
 *   -EIO when the real VF could not be read. On error @p buf is untouched.
 */
int sriov_cfg_read(struct sriov_cfg *cfg, uint32_t off, void *buf, uint32_t len);

/**
 * Guest config write, same access rules as sriov_cfg_read(). Read-only bits are
 * dropped as hardware drops them (counted, logged at a limited rate).
 * @return 0, or -EINVAL (nothing changed).
 */
int sriov_cfg_write(struct sriov_cfg *cfg, uint32_t off, const void *buf, uint32_t len);

/**
 * Put every guest-writable and guest-clearable bit back to its power-on value
 * (FLR, VF reset, new guest). VF Memory Space Enable, owned by the PF, and the
 * counters are kept.
 */
void sriov_cfg_reset(struct sriov_cfg *cfg);

/** Mirror the PF's SR-IOV Control "VF MSE" bit into the VF's Command.MSE. */
void sriov_cfg_set_mse(struct sriov_cfg *cfg, bool enable);

/**
 * The device saw an error for this VF: set the given RW1C error bits in Status
 * (SVNIC_PCI_STATUS_ERR_RW1C) and PCIe Device Status (SVNIC_PCI_EXP_DEVSTA_ERR_RW1C).
 * @return 0, or -EINVAL when any other bit is given (nothing set).
 */
int sriov_cfg_report_error(struct sriov_cfg *cfg, uint16_t status, uint16_t devsta);

/** @return true when the guest set MSI-X Enable. */
bool sriov_cfg_msix_enabled(const struct sriov_cfg *cfg);
/** @return true when the guest set MSI-X Function Mask. */
bool sriov_cfg_msix_masked(const struct sriov_cfg *cfg);
/** @return true when the guest set Command.Bus Master Enable. */
bool sriov_cfg_bus_master(const struct sriov_cfg *cfg);

/**
 * Address the guest programmed into BAR @p bar (type bits removed; both halves
 * of a 64-bit BAR).
 * @return 0; -EINVAL for @p bar >= 6 or NULL @p addr; -ENOENT for a BAR that is
 *   not implemented or is the upper half of a 64-bit BAR.
 */
int sriov_cfg_bar_addr(const struct sriov_cfg *cfg, unsigned int bar, uint64_t *addr);

/** Copy the counters to @p stats. */
void sriov_cfg_get_stats(const struct sriov_cfg *cfg, struct sriov_cfg_stats *stats);

#endif /* SRIOV_CFG_H */
