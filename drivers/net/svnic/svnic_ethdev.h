/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_ETHDEV_H
#define SVNIC_ETHDEV_H

/*
 * The PF's ethdev: adapter state and the init/uninit shared by both
 * transports (the vdev over vfio-user, the PCI device over vfio-pci).
 */

#include <pthread.h>
#include <stdbool.h>

#include <ethdev_driver.h>

#include "rte_pmd_svnic.h"
#include "svnic_adminq.h"
#include "svnic_ctrl.h"
#include "svnic_ethdev_common.h"
#include "svnic_hw.h"
#include "svnic_rxtx.h"
#include "svnic_sriov.h"

#define SVNIC_PF_VPORT_ID	0	/* the PF's default VPort */
/* State callbacks of rte_pmd_svnic_vf_state_callback_register() */
#define SVNIC_VF_STATE_CBS_MAX	8

struct svnic_sriov;

/*
 * Convention shared with net_svnic_vf: `caps` is the FIRST member of both
 * drivers' adapters (dev_private), and each driver keeps it up to date, so
 * that rte_pmd_svnic_get_sriov_caps() answers for a port of either driver
 * after checking the driver's name, without knowing the other's adapter.
 */
struct svnic_adapter {
	struct rte_pmd_svnic_sriov_caps caps;	/* first: see above */
	struct svnic_hw hw;
	struct svnic_adminq aq;
	struct svnic_aq_identify id;
	/* VPort counters are read from BAR0's statistics pages (spec 1.4) */
	bool stats_page;
	struct svnic_aq_vport vport;		/* VPort 0, as the device has it */
	bool vport_created;
	struct svnic_ring_limits ring_lim;
	struct rte_eth_dev *eth_dev;
	/* multicast filters the application set (set_mc_addr_list) */
	struct rte_ether_addr *mc;
	uint32_t nb_mc;
	/* device counters are free-running: stats_reset keeps a baseline */
	struct svnic_aq_vport_stats base;
	struct svnic_aq_queue_stats rxq_base[RTE_ETHDEV_QUEUE_STAT_CNTRS];
	struct svnic_aq_queue_stats txq_base[RTE_ETHDEV_QUEUE_STAT_CNTRS];
	bool stats_stale;			/* VPort (re)created: take a baseline */
	/* RSS as the device has it; the driver's key is always known */
	struct svnic_rss rss;
	/* the control thread: device events, requests, the SR-IOV sockets */
	struct svnic_ctrl ctrl;
	/* SR-IOV (NULL when the device has none); the control thread's */
	struct svnic_sriov *sriov;
	struct svnic_sriov_args sriov_args;	/* from the devargs, kept for reset */
	struct {
		rte_pmd_svnic_vf_state_cb cb;
		void *arg;
	} vf_state_cbs[SVNIC_VF_STATE_CBS_MAX];	/* control thread's */
	/* the VF representors' switch domain, shared with the PF (svnic_repr.c) */
	uint16_t switch_domain;
	bool has_switch_domain;
};

/**
 * Bring up the PF behind @p dev, whose adapter's hw has a transport open:
 * reset, DMA, admin and event queues, IDENTIFY, the default VPort, the control
 * thread, the ops. On failure everything is undone and the transport closed.
 * @return 0 or a negative errno (logged).
 */
int svnic_ethdev_init(struct rte_eth_dev *dev);

/** Undo svnic_ethdev_init() (dev_close). */
int svnic_ethdev_uninit(struct rte_eth_dev *dev);

/**
 * A VPort's counters, exactly as GET_STATS returns them: a few loads from
 * the statistics pages when the device has them (spec 1.4), else (or when no
 * stable snapshot came) the admin command. Any thread that may issue admin
 * commands. @return 0 or a negative errno.
 */
int svnic_vport_stats_get(struct svnic_adapter *ad, uint16_t vport_id,
			  struct svnic_aq_vport_stats *vs);

/** A device event, in the control thread (svnic_ctrl.c). */
void svnic_ethdev_event(struct svnic_adapter *ad, const struct svnic_eq_entry *ev);

/** Events were lost (EQ_OVERFLOW): look at the link and every VF again. */
void svnic_ethdev_resync(struct svnic_adapter *ad);

#endif /* SVNIC_ETHDEV_H */
