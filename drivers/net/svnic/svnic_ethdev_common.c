/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "svnic_ethdev_common.h"
#include "svnic_logs.h"
/*
 * SVNIC_CAP_*: the wire header, named by its path, since the VF's build also
 * sees the PF's admin queue header (drivers/net/svnic) under the same name.
 */
#include "../../common/svnic/svnic_adminq.h"
#include "svnic_mbx.h"
#include "svnic_rss.h"

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

void
svnic_rss_reset(struct svnic_rss *r, const uint8_t *key)
{
	r->hf = 0;
	r->key_known = key != NULL;
	if (key != NULL)
		memcpy(r->key, key, sizeof(r->key));
	memset(r->reta, 0, sizeof(r->reta));
}

/* One push; only what the device took changes the shadow. */
static int
svnic_rss_set(struct svnic_rss *r, uint64_t hf, const uint8_t *key, const uint16_t *reta)
{
	int ret = r->push(r->ctx, svnic_rss_hf_to_dev(hf) & r->dev_types, key, reta);

	if (ret < 0)
		return ret;
	r->hf = hf;
	if (key != NULL && key != r->key) {
		memcpy(r->key, key, r->key_size);
		r->key_known = true;
	}
	if (reta != NULL && reta != r->reta)
		memcpy(r->reta, reta, 2u * r->table_size);
	return 0;
}

static int
svnic_rss_key_check(const char *name, const struct svnic_rss *r,
		    const struct rte_eth_rss_conf *rc)
{
	if (rc->rss_key != NULL && rc->rss_key_len != r->key_size) {
		SVNIC_DRV_LOG(ERR, "%s: RSS key of %u bytes; %s takes %u", name, rc->rss_key_len,
			      r->peer, r->key_size);
		return -EINVAL;
	}
	return 0;
}

int
svnic_rss_configure(const struct rte_eth_dev *dev, const char *name, struct svnic_rss *r,
		    bool on)
{
	const struct rte_eth_rss_conf *rc = &dev->data->dev_conf.rx_adv_conf.rss_conf;
	uint16_t nb_rxq = RTE_MAX(dev->data->nb_rx_queues, 1);
	const uint8_t *key = r->key_known ? r->key : NULL;
	uint16_t reta[SVNIC_RSS_TABLE_MAX];
	uint16_t i;

	if (!r->supported) {
		if (!on)
			return 0;
		SVNIC_DRV_LOG(ERR, "%s: %s offers no RSS", name, r->peer);
		return -ENOTSUP;
	}
	if (on && rc->rss_key != NULL) {
		if (svnic_rss_key_check(name, r, rc) < 0)
			return -EINVAL;
		key = rc->rss_key;
	}
	for (i = 0; i < r->table_size; i++)
		reta[i] = (uint16_t)(i % nb_rxq);
	return svnic_rss_set(r, on ? rc->rss_hf & svnic_rss_hf_from_dev(r->dev_types) : 0, key,
			     reta);
}

int
svnic_rss_reta_update(const struct rte_eth_dev *dev, const char *name, struct svnic_rss *r,
		      const struct rte_eth_rss_reta_entry64 *conf, uint16_t reta_size)
{
	uint16_t reta[SVNIC_RSS_TABLE_MAX];
	int ret;

	if (!r->supported)
		return -ENOTSUP;
	memcpy(reta, r->reta, sizeof(reta));
	ret = svnic_reta_apply(dev, name, conf, reta_size, reta, r->table_size);
	return ret < 0 ? ret : svnic_rss_set(r, r->hf, NULL, reta);
}

int
svnic_rss_reta_query(const struct svnic_rss *r, struct rte_eth_rss_reta_entry64 *conf,
		     uint16_t reta_size)
{
	if (!r->supported)
		return -ENOTSUP;
	return svnic_reta_fill(conf, reta_size, r->reta, r->table_size);
}

int
svnic_rss_hash_update(const char *name, struct svnic_rss *r, const struct rte_eth_rss_conf *rc)
{
	if (!r->supported)
		return -ENOTSUP;
	if (svnic_rss_key_check(name, r, rc) < 0)
		return -EINVAL;
	/* ethdev refused types outside flow_type_rss_offloads already */
	return svnic_rss_set(r, rc->rss_hf & svnic_rss_hf_from_dev(r->dev_types), rc->rss_key,
			     NULL);
}

int
svnic_rss_hash_conf_get(const struct svnic_rss *r, struct rte_eth_rss_conf *rc)
{
	if (!r->supported)
		return -ENOTSUP;
	if (rc->rss_key != NULL) {
		if (!r->key_known)
			return -ENOTSUP;
		memcpy(rc->rss_key, r->key, r->key_size);
	}
	rc->rss_key_len = (uint8_t)r->key_size;
	rc->rss_hf = r->hf;
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
svnic_dev_infos_offloads(struct rte_eth_dev_info *info, uint64_t dev_offloads)
{
	if (dev_offloads & SVNIC_CAP_VLAN_STRIP)
		info->rx_offload_capa |= RTE_ETH_RX_OFFLOAD_VLAN_STRIP;
	if (dev_offloads & SVNIC_CAP_RX_SCATTER)
		info->rx_offload_capa |= RTE_ETH_RX_OFFLOAD_SCATTER;
	if (dev_offloads & SVNIC_CAP_RX_CSUM)
		info->rx_offload_capa |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM |
					 RTE_ETH_RX_OFFLOAD_UDP_CKSUM |
					 RTE_ETH_RX_OFFLOAD_TCP_CKSUM;
	/* the driver's, whatever the device: cleaning returns segments in bulk */
	info->tx_offload_capa |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	if (dev_offloads & SVNIC_CAP_VLAN_INSERT)
		info->tx_offload_capa |= RTE_ETH_TX_OFFLOAD_VLAN_INSERT;
	if (dev_offloads & SVNIC_CAP_TX_MULTI_SEG)
		info->tx_offload_capa |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	if (dev_offloads & SVNIC_CAP_TX_CSUM)
		info->tx_offload_capa |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
					 RTE_ETH_TX_OFFLOAD_UDP_CKSUM |
					 RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
}

uint64_t
svnic_dev_offloads_from_mbx(uint32_t mbx_caps)
{
	static const struct {
		uint32_t mbx;
		uint64_t dev;
	} map[] = {
		{ SVNIC_MBX_CAP_VLAN_STRIP, SVNIC_CAP_VLAN_STRIP },
		{ SVNIC_MBX_CAP_VLAN_INSERT, SVNIC_CAP_VLAN_INSERT },
		{ SVNIC_MBX_CAP_RX_CSUM, SVNIC_CAP_RX_CSUM },
		{ SVNIC_MBX_CAP_TX_CSUM, SVNIC_CAP_TX_CSUM },
		{ SVNIC_MBX_CAP_TX_MULTI_SEG, SVNIC_CAP_TX_MULTI_SEG },
	};
	uint64_t dev = 0;
	unsigned int i;

	for (i = 0; i < RTE_DIM(map); i++)
		if (mbx_caps & map[i].mbx)
			dev |= map[i].dev;
	return dev;
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
			txq->errors = txq->kicks = txq->stop_dropped = 0;
	}
}

static const char *const svnic_xstats_drv_name[SVNIC_XSTATS_DRV_NB] = {
	"rx_no_eop_errors",	/* descriptors without EOP on a queue without SCATTER */
	"tx_bad_packets",	/* packets the device could not take, dropped */
	"tx_doorbell_kicks",	/* KICKs written to wake a sleeping datapath */
	"tx_stop_dropped_descriptors",	/* left unsent when a stop gave up waiting */
};

unsigned int
svnic_xstats_drv_names(struct rte_eth_xstat_name *names)
{
	unsigned int i;

	for (i = 0; i < SVNIC_XSTATS_DRV_NB; i++)
		strlcpy(names[i].name, svnic_xstats_drv_name[i], sizeof(names[i].name));
	return SVNIC_XSTATS_DRV_NB;
}

unsigned int
svnic_xstats_drv_get(const struct rte_eth_dev *dev, struct rte_eth_xstat *xs,
		     unsigned int first_id)
{
	uint64_t v[SVNIC_XSTATS_DRV_NB] = { 0 };
	unsigned int i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		const struct svnic_rx_queue *rxq = dev->data->rx_queues[i];

		if (rxq != NULL)
			v[0] += rxq->errors;
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		const struct svnic_tx_queue *txq = dev->data->tx_queues[i];

		if (txq != NULL) {
			v[1] += txq->errors;
			v[2] += txq->kicks;
			v[3] += txq->stop_dropped;
		}
	}
	for (i = 0; i < SVNIC_XSTATS_DRV_NB; i++) {
		xs[i].id = first_id + i;
		xs[i].value = v[i];
	}
	return SVNIC_XSTATS_DRV_NB;
}
