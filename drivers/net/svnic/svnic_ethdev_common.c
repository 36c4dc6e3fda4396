/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "svnic_ethdev_common.h"
#include "svnic_logs.h"
#include "svnic_mbx.h"

int
svnic_reta_apply(const struct rte_eth_dev *dev, const char *name,
		 const struct rte_eth_rss_reta_entry64 *conf, uint16_t reta_size,
		 uint16_t *table, uint16_t size)
{
	uint16_t reta[SVNIC_RSS_TABLE_MAX];
	uint16_t i;

	if (reta_size != size || size > SVNIC_RSS_TABLE_MAX) {
		SVNIC_DRV_LOG(ERR, "%s: RETA of %u entries; the port's has %u", name, reta_size,
			      size);
		return -EINVAL;
	}
	memcpy(reta, table, 2u * size);
	for (i = 0; i < reta_size; i++) {
		const struct rte_eth_rss_reta_entry64 *e = &conf[i / RTE_ETH_RETA_GROUP_SIZE];
		uint16_t s = i % RTE_ETH_RETA_GROUP_SIZE;

		if (!(e->mask & (1ull << s)))
			continue;
		/* the device checks against the VPort's queues; we know the RX queues */
		if (e->reta[s] >= dev->data->nb_rx_queues) {
			SVNIC_DRV_LOG(ERR, "%s: RETA entry %u names queue %u of %u", name, i,
				      e->reta[s], dev->data->nb_rx_queues);
			return -EINVAL;
		}
		reta[i] = e->reta[s];
	}
	memcpy(table, reta, 2u * size);
	return 0;
}

int
svnic_reta_fill(struct rte_eth_rss_reta_entry64 *conf, uint16_t reta_size,
		const uint16_t *table, uint16_t size)
{
	uint16_t i;

	if (reta_size != size)
		return -EINVAL;
	for (i = 0; i < reta_size; i++) {
		struct rte_eth_rss_reta_entry64 *e = &conf[i / RTE_ETH_RETA_GROUP_SIZE];
		uint16_t s = i % RTE_ETH_RETA_GROUP_SIZE;

		if (e->mask & (1ull << s))
			e->reta[s] = table[i];
	}
	return 0;
}

int
svnic_link_update_hw(struct rte_eth_dev *dev, struct svnic_hw *hw)
{
	struct rte_eth_link link;
	bool up, fd;
	uint32_t mbps;

	memset(&link, 0, sizeof(link));
	if (svnic_hw_link_get(hw, &up, &fd, &mbps) == 0 && up) {
		link.link_status = RTE_ETH_LINK_UP;
		link.link_duplex = fd ? RTE_ETH_LINK_FULL_DUPLEX : RTE_ETH_LINK_HALF_DUPLEX;
		link.link_speed = mbps != 0 ? mbps : RTE_ETH_SPEED_NUM_UNKNOWN;
	} else {
		link.link_status = RTE_ETH_LINK_DOWN;
		link.link_speed = RTE_ETH_SPEED_NUM_NONE;
	}
	link.link_autoneg = RTE_ETH_LINK_FIXED;
	return rte_eth_linkstatus_set(dev, &link);
}

void
svnic_dev_infos_rings(struct rte_eth_dev_info *info, const struct svnic_ring_limits *lim)
{
	info->min_rx_bufsize = SVNIC_RX_BUF_MIN;
	info->rx_desc_lim.nb_min = lim->ring_size_min;
	info->rx_desc_lim.nb_max = lim->ring_size_max;
	info->rx_desc_lim.nb_align = lim->ring_size_min;
	info->tx_desc_lim = info->rx_desc_lim;
	info->tx_desc_lim.nb_seg_max = SVNIC_TX_SEGS_MAX;
	info->tx_desc_lim.nb_mtu_seg_max = SVNIC_TX_SEGS_MAX;
	info->default_rxconf.rx_free_thresh = SVNIC_RX_FREE_THRESH_DEFAULT;
	info->default_txconf.tx_rs_thresh = SVNIC_TX_RS_THRESH_DEFAULT;
	info->default_txconf.tx_free_thresh = SVNIC_TX_FREE_THRESH_DEFAULT;
	info->default_rxportconf.ring_size = SVNIC_RING_SIZE_DEFAULT;
	info->default_txportconf.ring_size = SVNIC_RING_SIZE_DEFAULT;
	info->default_rxportconf.nb_queues = 1;
	info->default_txportconf.nb_queues = 1;
	info->default_rxportconf.burst_size = 32;
	info->default_txportconf.burst_size = 32;
}

/*
 * The device drops frames over MTU + 18 (+ 4 a tag) on both sides; a queue
 * without SCATTER must hold the largest in one buffer (spec "RX descriptor").
 * Checked whether or not the port runs: a stopped port's queues start with
 * the same buffers.
 */
int
svnic_mtu_check_buffers(const struct rte_eth_dev *dev, const char *name, uint16_t mtu)
{
	uint32_t frame = SVNIC_RX_FRAME_LEN(mtu);
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		const struct svnic_rx_queue *rxq = dev->data->rx_queues[i];

		if (rxq != NULL && !rxq->scatter && rxq->buf_size < frame) {
			SVNIC_DRV_LOG(ERR, "%s: MTU %u needs %u-byte buffers; RX queue %u has %u "
				      "and no RTE_ETH_RX_OFFLOAD_SCATTER", name, mtu, frame, i,
				      rxq->buf_size);
			return -EINVAL;
		}
	}
	return 0;
}

void
svnic_queue_counters_reset(struct rte_eth_dev *dev)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct svnic_rx_queue *rxq = dev->data->rx_queues[i];

		if (rxq != NULL)
			rxq->nombuf = rxq->errors = 0;
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		struct svnic_tx_queue *txq = dev->data->tx_queues[i];

		if (txq != NULL)
			txq->errors = txq->kicks = 0;
	}
}
