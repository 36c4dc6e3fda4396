/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_ETHDEV_COMMON_H
#define SVNIC_ETHDEV_COMMON_H

/*
 * What net_svnic and net_svnic_vf do the same way at the ethdev level, where
 * only the channel to the device differs (admin queue or mailbox): the RSS
 * table as ethdev hands it over, the link from LINK_STATUS, the descriptor
 * limits, the checks of RX buffers against an MTU. Both plugins link it.
 */

#include <stdint.h>

#include <ethdev_driver.h>

#include "svnic_hw.h"
#include "svnic_rxtx.h"

/**
 * Apply ethdev's masked RETA @p conf to @p table (@p size entries, the
 * device's), checking every entry names one of the port's RX queues.
 * @return 0, or -EINVAL (logged with @p name) when @p reta_size is not @p size
 *   or an entry is out of range; @p table is unchanged then.
 */
int svnic_reta_apply(const struct rte_eth_dev *dev, const char *name,
		     const struct rte_eth_rss_reta_entry64 *conf, uint16_t reta_size,
		     uint16_t *table, uint16_t size);

/** Fill ethdev's masked RETA @p conf from @p table. @return 0 or -EINVAL. */
int svnic_reta_fill(struct rte_eth_rss_reta_entry64 *conf, uint16_t reta_size,
		    const uint16_t *table, uint16_t size);

/** The port's link from the function's LINK_STATUS and LINK_SPEED. */
int svnic_link_update_hw(struct rte_eth_dev *dev, struct svnic_hw *hw);

/** Descriptor limits and the defaults of dev_infos_get for rings of @p lim. */
void svnic_dev_infos_rings(struct rte_eth_dev_info *info, const struct svnic_ring_limits *lim);

/**
 * Can every RX queue of the port take a frame of @p mtu (in one buffer unless
 * it has SCATTER)? @return 0 or -EINVAL, logged with @p name.
 */
int svnic_mtu_check_buffers(const struct rte_eth_dev *dev, const char *name, uint16_t mtu);

/** Zero what the queues count themselves (stats_reset). */
void svnic_queue_counters_reset(struct rte_eth_dev *dev);

#endif /* SVNIC_ETHDEV_COMMON_H */
