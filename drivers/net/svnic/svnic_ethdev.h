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

#include "svnic_adminq.h"
#include "svnic_hw.h"
#include "svnic_rxtx.h"

#define SVNIC_PF_VPORT_ID	0	/* the PF's default VPort */

struct svnic_adapter {
	struct svnic_hw hw;
	struct svnic_adminq aq;
	struct svnic_aq_identify id;
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
	/*
	 * RSS as the device has it. RSS_CONFIG cannot be read back, so the
	 * driver always gives the device a key and a table it knows.
	 */
	uint64_t rss_hf;			/* RTE_ETH_RSS_* in effect, 0: off */
	uint8_t rss_key[SVNIC_RSS_KEY_MAX];
	uint16_t reta[SVNIC_RSS_TABLE_MAX];	/* RX queue per entry */
	/* control thread: the event queue */
	pthread_t ctrl_tid;
	bool ctrl_running;
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

#endif /* SVNIC_ETHDEV_H */
