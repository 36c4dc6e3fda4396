/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_VF_PORT_H
#define SVNIC_VF_PORT_H

/*
 * A VF as its guest sees it: the vfio-user server the PF runs for one VF
 * (DIR/vf<n>.sock), NDIS's "virtualization stack exposing the VF to a VM".
 *
 *   - config space: mediated by lib/sriov (sriov_cfg): the guest sees a VF
 *     with the PF's vendor and the VF device id, its BARs sized, no SR-IOV
 *     capability; passed-through bits are read from the real VF
 *     (ops->cfg_read, the PF's VF_CONFIG_READ); an FLR, like DEVICE_RESET,
 *     goes to ops->reset (the state machine's VF reset);
 *   - BAR0 and BAR2 (MSI-X): the device's own regions, described with the
 *     device's file descriptor so the guest mmap()s the very same pages;
 *     trapped accesses are forwarded;
 *   - DMA: every DMA_MAP/UNMAP of the guest is forwarded, with its fd, to the
 *     device's map table of this VF only;
 *   - interrupts: the guest's eventfds are handed to the device;
 *   - one guest at a time (a second one gets EBUSY); when the guest leaves,
 *     the device side is reconnected, which drops every DMA window and eventfd
 *     the old guest had, and ops->guest_gone() resets the VF.
 *
 * The device side is reached through struct svnic_vf_port_dev (a vfio-user
 * client of the device's VF socket in production, a fake in the fuzz target),
 * opened when a guest arrives and closed when it leaves. No DPDK in here: the
 * PF driver's side comes in through struct svnic_vf_port_ops.
 *
 * Not thread-safe: the PF's control thread makes every call.
 */

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "sriov_cfg.h"
#include "vfio_user_client.h"
#include "vfio_user_server.h"

/* The PF driver's side. Every callback is required unless it says otherwise. */
struct svnic_vf_port_ops {
	/* Passed-through config bits of the real VF (VF_CONFIG_READ). */
	int (*cfg_read)(void *ctx, uint16_t vf_id, uint16_t off, uint8_t len, uint32_t *val);
	/* The guest asked for an FLR or a DEVICE_RESET: reset the VF. */
	int (*reset)(void *ctx, uint16_t vf_id);
	/* A guest connected (after VERSION) / left (its maps and eventfds are gone). */
	void (*guest_come)(void *ctx, uint16_t vf_id);
	void (*guest_gone)(void *ctx, uint16_t vf_id);
	/*
	 * Optional: the guest wrote MBX_TX. With a shared TX mailbox (spec 1.3)
	 * its message is in the window already: the PF may take it now
	 * (svnic_vf_port_shtx_read) instead of waiting for the device's MBX_MSG
	 * event. Return true when it took one: the doorbell was for the PF and
	 * has reached it, so the port does not pass the write on.
	 * false: the write goes on to the device as any other. Called from
	 * within the port's handling; a port closed meanwhile goes when that
	 * returns (svnic_vf_port_close).
	 */
	bool (*mbx_doorbell)(void *ctx, uint16_t vf_id);
	/*
	 * Optional: the guest acknowledged a message of the shared RX mailbox
	 * (MBX_RX_ACK with SVNIC_MBX_ACK_SHARED): the window is free for the next.
	 * Return true: the write was for the PF and goes no further.
	 */
	bool (*mbx_ack)(void *ctx, uint16_t vf_id);
	/*
	 * Optional: the guest wrote page-0 register @p off (value @p val), and
	 * the write goes on to the device after this returns. The PF learns
	 * here what the guest did to its INT_CAUSE (svnic_sriov.c).
	 */
	void (*guest_reg_write)(void *ctx, uint16_t vf_id, uint32_t off, uint32_t val);
};

/*
 * The device's VF function. open() connects; the others forward one request.
 * Every call returns 0 or a negative errno.
 */
struct svnic_vf_port_dev_ops {
	int (*open)(void *dctx, uint16_t vf_id, void **dev);
	void (*close)(void *dev);
	int (*region_info)(void *dev, uint32_t index, struct vfio_user_client_region *r);
	int (*region_read)(void *dev, uint32_t index, uint64_t off, void *buf, uint32_t len);
	int (*region_write)(void *dev, uint32_t index, uint64_t off, const void *buf,
			    uint32_t len);
	/* optional: the write waits for nothing (the guest posted it); NULL: region_write */
	int (*region_write_posted)(void *dev, uint32_t index, uint64_t off, const void *buf,
				   uint32_t len);
	int (*irq_info)(void *dev, uint32_t index, struct vfio_irq_info *info);
	int (*set_irq_eventfds)(void *dev, uint32_t index, uint32_t start, uint32_t count,
				const int *fds);
	int (*set_irqs)(void *dev, uint32_t index, uint32_t action, uint32_t start,
			uint32_t count, const uint8_t *bools);
	int (*dma_map)(void *dev, uint64_t iova, uint64_t len, uint32_t prot, int fd,
		       uint64_t offset);
	int (*dma_unmap)(void *dev, uint64_t iova, uint64_t len);
};

/* The production device side: a vfio-user client of the device's VF socket. */
extern const struct svnic_vf_port_dev_ops svnic_vf_port_dev_vfio_user;

/* dctx of svnic_vf_port_dev_vfio_user. */
struct svnic_vf_port_dev_vfio_user_ctx {
	char dir[108];			/* where the device serves vf<n>.sock */
	char vf_token[40];		/* UUID text the PF set as VF token */
};

struct svnic_vf_port_cfg {
	const char *path;		/* the guest's socket */
	unsigned int mode;		/* its file mode; 0: 0600 */
	uint16_t vf_id;
	struct sriov_cfg_desc desc;	/* what the mediated config space is built from */
	const struct svnic_vf_port_ops *ops;
	void *ctx;
	const struct svnic_vf_port_dev_ops *dev_ops;
	void *dev_ctx;
};

/* Counters, for telemetry and `svnic-ctl vf show`. */
struct svnic_vf_port_stats {
	uint64_t guests;		/* guests accepted so far */
	uint64_t refused;		/* connections refused (one was being served) */
	uint64_t dma_maps;		/* windows forwarded */
	uint64_t resets;		/* FLR and DEVICE_RESET */
	uint64_t posted_writes;		/* guest writes passed on posted */
	uint64_t doorbells_taken;	/* MBX_TX the PF served itself (shared TX) */
	struct sriov_cfg_stats cfg;
};

struct svnic_vf_port;

/**
 * Listen on cfg->path (replacing a stale socket file; a live one is -EADDRINUSE).
 * @return 0 with *out set, or a negative errno (logged through sriov_log).
 */
int svnic_vf_port_open(const struct svnic_vf_port_cfg *cfg, struct svnic_vf_port **out);

/**
 * Drop the guest (if any), stop listening, remove the socket file. NULL is
 * ignored. From a callback of the port's own svnic_vf_port_handle() (a
 * guest's request that ends in its VF being freed), the port goes when that
 * handling returns, which then says -ENODEV; the caller forgets it now.
 */
void svnic_vf_port_close(struct svnic_vf_port *p);

/**
 * One descriptor readable whenever the port has something to serve (the
 * server's, vfio_user_server_fd()): the same from open to close.
 * @return the descriptor, owned by the port.
 */
int svnic_vf_port_fd(const struct svnic_vf_port *p);

/** Descriptors to poll for POLLIN. @return how many were filled (<= max). */
unsigned int svnic_vf_port_pollfds(const struct svnic_vf_port *p, struct pollfd *pfd,
				   unsigned int max);

/** Serve what is waiting, without blocking. @return 0 or a negative errno. */
int svnic_vf_port_handle(struct svnic_vf_port *p);
/**
 * Serve what the connected guest sent, if anything, with one non-blocking
 * read (vfio_user_server_poll_client()): for a busy-polling owner, between
 * its waits on svnic_vf_port_fd(). Closes the port like
 * svnic_vf_port_handle().
 * @return messages served, -ENODEV when the port was closed.
 */
int svnic_vf_port_poll_guest(struct svnic_vf_port *p);

/**
 * True when svnic_vf_port_handle() must run on the owner's timer even with
 * nothing readable (a guest's VERSION or a refused guest's answer is due).
 */
bool svnic_vf_port_has_timers(const struct svnic_vf_port *p);

/**
 * Disconnect the guest as if it had gone (operator reset of a quarantined VF,
 * free). From a callback of the port's own handling: when that returns.
 */
void svnic_vf_port_drop_guest(struct svnic_vf_port *p);

bool svnic_vf_port_guest_connected(const struct svnic_vf_port *p);

/**
 * Take the message a guest left in its VF's TX window under the shared TX
 * mailbox (svnic_mbx_shtx_read, @p legacy_len as there), through the port's
 * read-only mapping of the
 * VF's BAR0 (made when the guest arrives; its sequence starts over then).
 * @return as svnic_mbx_shtx_read(), or -ENODEV: no guest, or its BAR0 cannot
 *   be mapped (then the PF cannot use the shared TX mailbox with this VF).
 */
int svnic_vf_port_shtx_read(struct svnic_vf_port *p, uint32_t legacy_len, void *out,
			    size_t cap);

/**
 * Put a PF message in the guest's RX window (the shared RX mailbox,
 * svnic_mbx_shrx_write) through the port's mapping of the VF's BAR0.
 * @return as svnic_mbx_shrx_write(), or -ENODEV: no guest or no mapping.
 */
int svnic_vf_port_shrx_write(struct svnic_vf_port *p, const void *msg, size_t len);

/** The mediated config space, e.g. to mirror VF MSE or report an error. */
struct sriov_cfg *svnic_vf_port_cfg_space(struct svnic_vf_port *p);

void svnic_vf_port_get_stats(const struct svnic_vf_port *p, struct svnic_vf_port_stats *st);

#endif /* SVNIC_VF_PORT_H */
