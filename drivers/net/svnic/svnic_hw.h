/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_HW_H
#define SVNIC_HW_H

/*
 * The one hardware layer of net_svnic: config space, BAR0 page 0 registers,
 * the mmap-ed part of BAR0 (notify page and doorbells), DMA registration,
 * interrupts and the function reset. Everything above it is shared by the two
 * ways the device is reached (doc/device-spec.rst, DESIGN.md "through VFIO"):
 *
 *   svnic_hw_vfio_user.c  the emulated device, over our vfio-user client;
 *   svnic_hw_vfio_pci.c   a hardware PF bound to vfio-pci, on DPDK's PCI bus.
 *
 * A transport fills struct svnic_hw_ops; the rest of the driver calls only
 * the svnic_hw_* functions below.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_dev.h>

#include "svnic_regs.h"

struct svnic_hw;

/** What a transport provides. Every call returns 0 or a negative errno. */
struct svnic_hw_ops {
	const char *name;
	int (*cfg_read)(struct svnic_hw *hw, uint32_t off, void *buf, uint32_t len);
	int (*cfg_write)(struct svnic_hw *hw, uint32_t off, const void *buf, uint32_t len);
	/* Page 0: aligned 32-bit accesses that reach the device at once. */
	int (*reg_read)(struct svnic_hw *hw, uint32_t off, uint32_t *val);
	int (*reg_write)(struct svnic_hw *hw, uint32_t off, uint32_t val);
	/*
	 * Optional: a write whose completion the caller does not wait for (what
	 * an MMIO write is on PCIe); NULL: reg_write. Later accesses of the same
	 * caller reach the device after it.
	 */
	int (*reg_write_posted)(struct svnic_hw *hw, uint32_t off, uint32_t val);
	/* Map the shared part of BAR0: set bar0, bar0_lo and bar0_hi. */
	int (*bar0_map)(struct svnic_hw *hw);
	void (*bar0_unmap)(struct svnic_hw *hw);
	/* NULL when the platform maps DMA itself (vfio-pci: the EAL's container). */
	int (*dma_map)(struct svnic_hw *hw, uint64_t iova, uint64_t len, int fd,
		       uint64_t fd_offset);
	int (*dma_unmap)(struct svnic_hw *hw, uint64_t iova, uint64_t len);
	/* Bind eventfds to MSI-X vectors [start, start + count); -1 unbinds. */
	int (*irq_set)(struct svnic_hw *hw, uint32_t start, uint32_t count, const int *fds);
	/*
	 * Set the VF token (a UUID) the device asks of every VF's client, as
	 * vfio-pci's VFIO_DEVICE_FEATURE_PCI_VF_TOKEN. NULL: the PF cannot serve
	 * its VFs to guests on this transport.
	 */
	int (*set_vf_token)(struct svnic_hw *hw, const uint8_t uuid[16]);
	/* Directory where the device serves vf<n>.sock, NUL-terminated into @p buf.
	 * NULL when the device has no such sockets. */
	int (*vf_dir)(struct svnic_hw *hw, char *buf, size_t len);
	/* Let go of the device; the transport frees its private data. */
	void (*close)(struct svnic_hw *hw);
};

/** One DMA window registered with the device. */
struct svnic_hw_dma_win {
	uint64_t va;
	uint64_t iova;
	uint64_t len;
};

struct svnic_hw {
	const struct svnic_hw_ops *ops;
	void *priv;				/**< the transport's */
	char name[RTE_DEV_NAME_MAX_LEN];	/**< for logs */
	/* BAR0 bytes [bar0_lo, bar0_hi) are at bar0 (shared memory or MMIO). */
	uint8_t *bar0;
	uint32_t bar0_lo;
	uint32_t bar0_hi;
	/** Set before svnic_hw_init(): the driver is net_svnic_vf and wants a VF. */
	bool want_vf;
	uint16_t vf_id;				/**< FUNC of a VF */
	uint16_t spec_minor;			/**< VERSION 15:0 of the device */
	uint16_t total_vfs;			/**< SR-IOV capability TotalVFs */
	uint16_t sriov_cap;			/**< its config-space offset */
	uint16_t nb_queue_pairs;		/**< RESOURCES */
	uint16_t nb_vectors;
	bool drv_loaded;
	bool mem_event_cb;
	struct svnic_hw_dma_win *dma;
	unsigned int nb_dma;
	unsigned int dma_cap;
};

/**
 * Address of BAR0 offset @p off in the mapped part (notify page, doorbells).
 * The caller keeps @p off inside [bar0_lo, bar0_hi): svnic_hw_init() checked
 * that the whole notify page and every doorbell of the function are there.
 */
static inline void *
svnic_hw_bar0_addr(const struct svnic_hw *hw, uint32_t off)
{
	return hw->bar0 + (off - hw->bar0_lo);
}

int svnic_hw_reg_read(struct svnic_hw *hw, uint32_t off, uint32_t *val);
int svnic_hw_reg_write(struct svnic_hw *hw, uint32_t off, uint32_t val);
/** A posted page-0 write: its errors are the device's to report, not ours. */
int svnic_hw_reg_write_posted(struct svnic_hw *hw, uint32_t off, uint32_t val);

/**
 * Bring the function up: check its identity in config space (a PF of svnic;
 * a VF is refused naming net_svnic_vf), read TotalVFs, map BAR0, check the
 * signature and version, reset it (DEV_CTRL.RESET, wait READY) and set
 * DRV_LOAD. On failure everything done is undone.
 */
int svnic_hw_init(struct svnic_hw *hw);

/** Clear DRV_LOAD, unregister DMA, unmap BAR0 and close the transport. */
void svnic_hw_fini(struct svnic_hw *hw);

/** Reset the function: DEV_CTRL.RESET, then wait for READY (1 s at most). */
int svnic_hw_reset(struct svnic_hw *hw);

/**
 * Reset a function the driver holds and hold it again: svnic_hw_reset(), then
 * DRV_LOAD, which every reset clears. The DMA map and the mapping of BAR0 stay.
 * @return 0 or a negative errno.
 */
int svnic_hw_restart(struct svnic_hw *hw);

/**
 * Register all of DPDK's memory for DMA, by IOVA, and follow memory that is
 * added or freed later (mem event callback). No-op for a transport without
 * dma_map.
 */
int svnic_hw_dma_register(struct svnic_hw *hw);
void svnic_hw_dma_unregister(struct svnic_hw *hw);

/** Wake the device's datapath (KICK, trapped). Safe from any lcore. */
void svnic_hw_kick(void *hw);

/** LINK_STATUS and LINK_SPEED. */
int svnic_hw_link_get(struct svnic_hw *hw, bool *up, bool *full_duplex, uint32_t *mbps);

#endif /* SVNIC_HW_H */
