/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_EMU_DEV_H
#define SVNIC_EMU_DEV_H

/*
 * The svnic device model's core (doc/device-spec.rst): the PF and its VFs with
 * their BAR0 register pages, admin and event queues, mailboxes, queues and the
 * NIC switch. No sockets here: the glue (emu_main.c) serves each function over
 * vfio-user and gives the core DMA and interrupts through struct emu_dev_ops, so
 * unit tests drive the core with plain memory.
 *
 * Threads and locks. One control thread calls every emu_dev_* entry point except
 * the datapath's. Each function has a writer-preferring rwlock: the control thread
 * holds it for writing while it handles that function's vfio-user traffic (DMA
 * map changes, trapped register writes) and whenever it changes queues the
 * function owns; datapath threads hold it for reading while they touch the
 * function's memory, one function at a time, so no lock order can cycle. The
 * switch has a lock of its own, never held together with a function lock by a
 * datapath thread. Events for the PF's event queue are queued internally and
 * written by the control thread (emu_dev_flush_events), so a datapath thread never
 * needs the PF's memory.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "svnic_adminq.h"
#include "svnic_desc.h"
#include "svnic_regs.h"

struct emu_dev;
struct emu_func;
struct emu_pci;
struct svnic_sw;
struct svnic_uplink;

#define EMU_NO_VPORT	0xffffu

/* What the glue gives the core. */
struct emu_dev_ops {
	/*
	 * Host pointer for [iova, iova + len) in @p f's DMA space, or NULL when any
	 * byte is not mapped (with write access when @p write). Called with f's lock
	 * held (either mode).
	 */
	void *(*dma_ptr)(void *ctx, struct emu_func *f, uint64_t iova, uint64_t len, bool write);
	/*
	 * Optional, for the datapath: dma_ptr() for the whole window that holds
	 * [iova, iova + len). Returns the host address of its first byte, with
	 * *first and *last its first and last IOVA and *writable whether it may be
	 * written, or NULL where dma_ptr() would. Valid until f's lock is released.
	 */
	uint8_t *(*dma_window)(void *ctx, struct emu_func *f, uint64_t iova, uint64_t len,
			       bool write, uint64_t *first, uint64_t *last, bool *writable);
	/* Raise MSI-X vector @p vector of @p f (an eventfd write). Any thread. */
	void (*irq)(void *ctx, struct emu_func *f, uint16_t vector);
	/*
	 * VF Enable changed: VFs 0..num_vfs-1 now exist (num_vfs 0: none). Called by
	 * the control thread after the core created or before it destroys them; the
	 * glue starts or stops serving their sockets.
	 */
	void (*vfs_changed)(void *ctx, uint16_t num_vfs);
};

struct emu_dev_cfg {
	uint16_t total_vfs;		/* 1..256 */
	uint16_t total_queue_pairs;	/* 1..SVNIC_QP_MAX */
	uint16_t pf_msix_vectors;	/* 1..SVNIC_PF_MSIX_MAX */
	uint16_t vf_msix_vectors;	/* 1..SVNIC_VF_MSIX_MAX */
	uint8_t perm_mac[6];
	uint32_t link_speed;		/* Mbit/s when up */
	unsigned int datapath_threads;	/* >= 1 */
	/* behave as a device without the statistics pages (IDENTIFY dev_caps 0) */
	bool no_stats_page;
	/* behave as a device without head write-back (IDENTIFY offloads lack HEAD_WB) */
	bool no_head_wb;
	/*
	 * Test hook, 0 off: a slow device. Each pass that finds a function's TX
	 * doorbells waits this long before it reads the rings, so that a driver
	 * can stop a queue before the device has caught up (the race the TX
	 * queue stop's wait exists for).
	 */
	uint32_t tx_lag_us;
};

#define EMU_DP_THREADS_MAX	8	/* --datapath-threads */

struct emu_queue {
	bool enabled;
	bool scatter;
	bool irq;
	bool armed;
	bool pending;			/* a completion since the last interrupt */
	uint16_t vport;
	uint16_t ring_size;
	uint16_t buf_size;
	uint16_t irq_vector;
	uint16_t fq;			/* index within the owner function */
	uint32_t head;			/* next descriptor the device uses */
	uint64_t ring_addr;
	uint64_t head_wb_addr;		/* 0: none */
	struct emu_func *owner;		/* whose DMA space the ring lives in */
	uint64_t packets, bytes, dropped, errors;
	/*
	 * RX: taken by the datapath thread writing into the ring when there is
	 * more than one, since any of them may deliver to any queue.
	 */
	bool rx_busy;
};

struct emu_mbx {
	bool tx_busy;			/* VF -> PF message waiting for MBX_RECV */
	uint16_t tx_len;
	uint8_t tx_msg[SVNIC_MBX_MSG_MAX];
	bool rx_valid;			/* PF -> VF message in the RX window */
	bool rx_seq;			/* MBX_STATUS.RX_SEQ: flips per message, kept by resets */
	uint16_t rx_len;
	/* MBX_CTRL.SHARED_TX: MBX_MSG raised for a doorbell, MBX_DB_ACK not yet written */
	bool db_pending;
};

struct emu_func {
	struct emu_dev *dev;
	bool is_vf;
	uint16_t vf_id;
	pthread_rwlock_t lock;
	struct emu_pci *pci;
	void *glue;			/* the glue's per-function state */

	int bar0_fd;			/* memfd shared with the client (mmap pages) */
	uint8_t *bar0;
	uint32_t bar0_size;
	uint16_t nb_vectors;
	uint8_t msix_table[SVNIC_PF_MSIX_MAX][16];
	uint64_t msix_pba[(SVNIC_PF_MSIX_MAX + 63) / 64];

	/* page 0 */
	uint32_t dev_ctrl;
	uint32_t dev_status;
	uint32_t int_cause;
	uint32_t int_mask;
	uint32_t int_vector;
	uint32_t aq_base_lo, aq_base_hi, aq_len, aq_head, aq_tail;
	uint32_t eq_base_lo, eq_base_hi, eq_len, eq_head, eq_tail;

	bool faulted;
	uint16_t vport;			/* VF: its VPort, EMU_NO_VPORT when none */
	uint16_t qp_base;		/* VF: first device queue pair of its VPort */
	uint16_t nb_qp;			/* VF: queue pairs of its VPort */
	struct emu_mbx mbx;
	uint64_t stats_reads, stats_writes, stats_ignored;
};

struct emu_vport {
	bool used;
	struct svnic_aq_vport cfg;
	uint16_t nb_mac, nb_vlan;
	uint64_t vlan_bm[4096 / 64];	/* VLAN filters: ADD of a present one is EEXIST */
	/* what RSS_CONFIG set: "0 keeps" needs the current values */
	uint8_t rss_key_len;
	uint8_t rss_key[SVNIC_RSS_KEY_MAX];
	uint16_t rss_table_len;
	uint16_t rss_table[SVNIC_RSS_TABLE_MAX];
};

/* Internal event waiting for the PF's event queue. */
struct emu_event {
	struct svnic_eq_entry e;
};

#define EMU_EVENTS_MAX	1024

struct emu_dev {
	struct emu_dev_cfg cfg;
	struct emu_dev_ops ops;
	void *ops_ctx;

	struct emu_func pf;
	struct emu_func *vfs[SVNIC_TOTAL_VFS_MAX];
	uint16_t num_vfs;		/* VFs that exist (VF Enable edge) */
	bool vf_mse;
	/* VF Enable edges seen in config space, applied by emu_dev_housekeeping()
	 * when the control thread holds no function lock */
	bool vfs_pending;
	uint16_t vfs_pending_num;
	bool vf_cfg_by_pf;		/* VF_CONFIG_WRITE in progress: an FLR is a VF_RESET */
	bool mbx_shared_tx;		/* MBX_CTRL.SHARED_TX (spec 1.3) */
	bool stats_page;		/* the statistics pages are kept (spec 1.4) */
	bool head_wb;			/* QUEUE_CONFIG takes HEAD_WB */
	pthread_rwlock_t topo_lock;	/* vfs[] and num_vfs: datapath reads, control writes */

	struct emu_vport vports[SVNIC_VPORTS_MAX];
	struct emu_queue rxq[SVNIC_QP_MAX];
	struct emu_queue txq[SVNIC_QP_MAX];

	struct svnic_sw *sw;
	pthread_rwlock_t sw_lock;
	struct svnic_uplink *uplink;
	pthread_mutex_t uplink_lock;
	bool link_up;

	pthread_mutex_t ev_lock;
	struct emu_event events[EMU_EVENTS_MAX];
	unsigned int ev_head, ev_count;
	uint64_t ev_dropped;
	int ctrl_wake_fd;		/* eventfd: events to flush */
	int dp_wake_fd;			/* eventfd: KICK, QINT_ARM, uplink */

	volatile bool dp_stop;
	pthread_t dp_threads[EMU_DP_THREADS_MAX];
	unsigned int nb_dp_threads;
	unsigned int dp_running;
	uint64_t dp_sleeps, dp_wakeups;
};

/* Life */
int emu_dev_create(const struct emu_dev_cfg *cfg, const struct emu_dev_ops *ops, void *ctx,
		   struct emu_dev **out);
void emu_dev_destroy(struct emu_dev *dev);
int emu_dev_set_uplink(struct emu_dev *dev, struct svnic_uplink *ul);
uint64_t emu_now_ns(void);

/* vfio-user facing entry points of a function (control thread, f's lock held for writing) */
int emu_func_cfg_access(struct emu_func *f, uint64_t off, void *buf, uint32_t len, bool write);
int emu_func_bar0_access(struct emu_func *f, uint64_t off, void *buf, uint32_t len, bool write);
int emu_func_msix_access(struct emu_func *f, uint64_t off, void *buf, uint32_t len, bool write);
/* The function's client asked for a reset or went away. */
void emu_func_reset(struct emu_func *f, uint32_t reason);
/* DMA of @p f is about to change: nothing of the device may keep pointers into it. */
void emu_func_dma_changed(struct emu_func *f);
struct emu_func *emu_dev_vf(struct emu_dev *dev, uint16_t vf_id);

/*
 * Control-thread housekeeping, called with no function lock held after each
 * batch of vfio-user traffic: applies VF Enable changes and writes queued events
 * into the PF's event queue. @return the fd that says there is work for it.
 */
void emu_dev_housekeeping(struct emu_dev *dev);
int emu_dev_ctrl_fd(const struct emu_dev *dev);
/* Write queued events (PF lock held for writing). */
void emu_dev_flush_events(struct emu_dev *dev);
void emu_dev_set_link(struct emu_dev *dev, bool up);

/* Datapath */
int emu_dev_start(struct emu_dev *dev);
void emu_dev_stop(struct emu_dev *dev);
/* One pass over everything (tests and single-threaded use). @return work done. */
unsigned int emu_dev_poll(struct emu_dev *dev, unsigned int thread);

/* Internal, shared by emu_dev.c, emu_adminq.c and emu_datapath.c */
void emu_func_raise(struct emu_func *f, uint32_t cause);
void emu_func_fault(struct emu_func *f, uint32_t reason, uint32_t queue, uint64_t iova);
void emu_func_msix_fire(struct emu_func *f, uint16_t vector);
void emu_dev_post_event(struct emu_dev *dev, uint16_t event, uint16_t func, uint32_t p0,
			uint32_t p1, uint64_t p2);
void emu_dev_wake_datapath(struct emu_dev *dev);
void emu_adminq_process(struct emu_func *pf);
void emu_queue_disable(struct emu_queue *q);
void emu_vport_delete(struct emu_dev *dev, uint16_t vport_id);
/* GET_STATS of a VPort and its block in the statistics pages (sw_lock held) */
void emu_vport_stats(struct emu_dev *dev, uint16_t id, struct svnic_aq_vport_stats *vs);
void emu_vport_stats_publish(struct emu_dev *dev, uint16_t id);
/* the same, taking sw_lock for writing: the control thread after it cleared counters */
void emu_vport_stats_publish_locked(struct emu_dev *dev, uint16_t id);
uint32_t emu_dma_fault_reason(struct emu_func *f, uint64_t iova, uint64_t len, bool write);
int emu_vf_reset(struct emu_dev *dev, uint16_t vf_id, uint32_t reason);
void emu_func_lock_wr(struct emu_func *f);
void emu_func_unlock(struct emu_func *f);

#endif /* SVNIC_EMU_DEV_H */
