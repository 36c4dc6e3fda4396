/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_svnic: the svnic PF as an ethdev. Probe and remove of the vdev
 * (vfio_user=PATH), the init/uninit both transports share, and the one ops
 * table. The admin queue carries every configuration change; the datapath is
 * in svnic_rxtx.c.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <bus_vdev_driver.h>
#include <ethdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_string_fns.h>

#include "rte_pmd_svnic.h"
#include "svnic_devargs.h"
#include "svnic_ethdev.h"
#include "svnic_repr.h"
#include "svnic_ethdev_common.h"
#include "svnic_hw_vfio_user.h"
#include "svnic_logs.h"
#include "svnic_rss.h"
#include "svnic_stats.h"

RTE_LOG_REGISTER_SUFFIX(svnic_logtype_init, init, NOTICE);
RTE_LOG_REGISTER_SUFFIX(svnic_logtype_driver, driver, NOTICE);
RTE_LOG_REGISTER_SUFFIX(svnic_logtype_rx, rx, NOTICE);
RTE_LOG_REGISTER_SUFFIX(svnic_logtype_tx, tx, NOTICE);

#define SVNIC_ETH_OVERHEAD	(RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN)

static const struct eth_dev_ops svnic_eth_dev_ops;
static int svnic_stats_reset(struct rte_eth_dev *dev);
static int svnic_dev_reset(struct rte_eth_dev *dev);

static struct svnic_adapter *
svnic_adapter(const struct rte_eth_dev *dev)
{
	return dev->data->dev_private;
}

/* --- admin commands ------------------------------------------------------- */

static int
svnic_cmd(struct svnic_adapter *ad, uint16_t op, const void *params, size_t len)
{
	return svnic_adminq_exec(&ad->aq, op, params, len, NULL, 0, NULL, 0, NULL);
}

static int
svnic_vport_modify(struct svnic_adapter *ad, const struct svnic_aq_vport *v)
{
	int ret = svnic_cmd(ad, SVNIC_AQ_OP_VPORT_MODIFY, v, sizeof(*v));

	if (ret == 0)
		ad->vport = *v;
	else
		SVNIC_DRV_LOG(ERR, "%s: VPORT_MODIFY: %s", ad->hw.name, strerror(-ret));
	return ret;
}

static int
svnic_mac_filter(struct svnic_adapter *ad, const struct rte_ether_addr *mac, bool add)
{
	struct svnic_aq_mac_filter f;

	memset(&f, 0, sizeof(f));
	f.vport_id = ad->vport.vport_id;
	memcpy(f.mac, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	return svnic_cmd(ad, add ? SVNIC_AQ_OP_MAC_FILTER_ADD : SVNIC_AQ_OP_MAC_FILTER_DEL,
			 &f, sizeof(f));
}

static int
svnic_vlan_filter(struct svnic_adapter *ad, uint16_t vlan_id, bool add)
{
	struct svnic_aq_vlan_filter f;

	memset(&f, 0, sizeof(f));
	f.vport_id = ad->vport.vport_id;
	f.vlan_id = vlan_id;
	return svnic_cmd(ad, add ? SVNIC_AQ_OP_VLAN_FILTER_ADD : SVNIC_AQ_OP_VLAN_FILTER_DEL,
			 &f, sizeof(f));
}

static int
svnic_queue_cmd(struct svnic_adapter *ad, const struct svnic_aq_queue_cfg *q)
{
	return svnic_cmd(ad, SVNIC_AQ_OP_QUEUE_CONFIG, q, sizeof(*q));
}

static int
svnic_get_stats(struct svnic_adapter *ad, uint8_t scope, uint16_t id, void *out, uint32_t len)
{
	struct svnic_aq_stats_req r;

	memset(&r, 0, sizeof(r));
	r.scope = scope;
	r.id = id;
	return svnic_adminq_exec(&ad->aq, SVNIC_AQ_OP_GET_STATS, &r, sizeof(r), NULL, 0, out,
				 len, NULL);
}

int
svnic_vport_stats_get(struct svnic_adapter *ad, uint16_t vport_id,
		      struct svnic_aq_vport_stats *vs)
{
	if (ad->stats_page && vport_id < SVNIC_VPORTS_MAX &&
	    svnic_stats_vport_read(svnic_hw_bar0_addr(&ad->hw, SVNIC_PF_STATS_VPORT(vport_id)),
				   vs) == 0)
		return 0;
	/* a writer held the block for all our looks: the device answers instead */
	return svnic_get_stats(ad, SVNIC_AQ_STATS_VPORT, vport_id, vs, sizeof(*vs));
}

static int
svnic_identify(struct svnic_adapter *ad)
{
	struct svnic_aq_identify *id = &ad->id;
	struct rte_ether_addr mac;
	int ret;

	ret = svnic_adminq_exec(&ad->aq, SVNIC_AQ_OP_IDENTIFY, NULL, 0, NULL, 0, id,
				sizeof(*id), NULL);
	if (ret < 0) {
		SVNIC_INIT_LOG(ERR, "%s: IDENTIFY: %s", ad->hw.name, strerror(-ret));
		return ret;
	}
	memcpy(mac.addr_bytes, id->perm_mac, RTE_ETHER_ADDR_LEN);
	/* What the rest of the driver relies on, checked once. */
	if ((id->version >> 16) != SVNIC_SPEC_VERSION_MAJOR || id->total_queue_pairs == 0 ||
	    id->ring_size_min < SVNIC_RING_SIZE_MIN || id->ring_size_max > SVNIC_RING_SIZE_MAX ||
	    id->ring_size_min > id->ring_size_max || id->min_mtu > id->max_mtu ||
	    id->max_mac_filters == 0 || !rte_is_valid_assigned_ether_addr(&mac) ||
	    ((id->offloads & SVNIC_CAP_RSS) &&
	     (id->rss_key_size == 0 || id->rss_key_size > SVNIC_RSS_KEY_MAX ||
	      !rte_is_power_of_2(id->rss_table_size) ||
	      id->rss_table_size > SVNIC_RSS_TABLE_MAX))) {
		SVNIC_INIT_LOG(ERR, "%s: IDENTIFY reports inconsistent limits", ad->hw.name);
		return -EIO;
	}
	if (id->total_vfs != ad->hw.total_vfs)
		SVNIC_INIT_LOG(WARNING, "%s: IDENTIFY says %u VFs, SR-IOV TotalVFs %u",
			       ad->hw.name, id->total_vfs, ad->hw.total_vfs);
	ad->ring_lim.ring_size_min = id->ring_size_min;
	ad->ring_lim.ring_size_max = id->ring_size_max;
	/* the pages must lie in what the transport mapped of BAR0 */
	ad->stats_page = svnic_aq_identify_stats_page(id) &&
			 ad->hw.bar0_lo <= SVNIC_PF_STATS_BASE &&
			 ad->hw.bar0_hi >= SVNIC_PF_STATS_END;
	SVNIC_INIT_LOG(DEBUG, "%s: VPort counters from %s", ad->hw.name,
		       ad->stats_page ? "the statistics pages" : "GET_STATS");
	return 0;
}

/* The PF's VPort: queues from 0, the permanent MAC, broadcast on, link AUTO. */
static void
svnic_vport_default(struct svnic_adapter *ad, uint16_t nb_queues, uint16_t mtu)
{
	struct svnic_aq_vport *v = &ad->vport;

	memset(v, 0, sizeof(*v));
	v->vport_id = SVNIC_PF_VPORT_ID;
	v->func = SVNIC_AQ_FUNC_PF;
	v->queue_base = 0;
	v->nb_queues = nb_queues;
	memcpy(v->mac, ad->id.perm_mac, RTE_ETHER_ADDR_LEN);
	v->link_state = SVNIC_AQ_LINK_AUTO;
	v->rx_mode = SVNIC_AQ_RXM_BROADCAST;
	v->mtu = RTE_MAX(RTE_MIN(mtu, ad->id.max_mtu), ad->id.min_mtu);
}

static int
svnic_vport_create(struct svnic_adapter *ad, const struct svnic_aq_vport *v)
{
	int ret = svnic_cmd(ad, SVNIC_AQ_OP_VPORT_CREATE, v, sizeof(*v));

	if (ret < 0) {
		SVNIC_DRV_LOG(ERR, "%s: VPORT_CREATE of VPort %u (%u queues): %s", ad->hw.name,
			      v->vport_id, v->nb_queues, strerror(-ret));
		return ret;
	}
	ad->vport = *v;
	ad->vport_created = true;
	ad->stats_stale = true;
	return 0;
}

static void
svnic_vport_delete(struct svnic_adapter *ad)
{
	struct svnic_aq_vport_id p;
	int ret;

	if (!ad->vport_created)
		return;
	memset(&p, 0, sizeof(p));
	p.vport_id = ad->vport.vport_id;
	ret = svnic_cmd(ad, SVNIC_AQ_OP_VPORT_DELETE, &p, sizeof(p));
	if (ret < 0)
		SVNIC_DRV_LOG(ERR, "%s: VPORT_DELETE: %s", ad->hw.name, strerror(-ret));
	ad->vport_created = false;
}

/* Filters belong to the VPort: after re-creating it, give back what the app set. */
static void
svnic_vport_restore_filters(struct svnic_adapter *ad)
{
	struct rte_eth_dev_data *data = ad->eth_dev->data;
	uint32_t i;

	for (i = 1; i < ad->id.max_mac_filters; i++)
		if (!rte_is_zero_ether_addr(&data->mac_addrs[i]) &&
		    svnic_mac_filter(ad, &data->mac_addrs[i], true) < 0)
			SVNIC_DRV_LOG(WARNING, "%s: MAC filter %u lost", ad->hw.name, i);
	for (i = 0; i < ad->nb_mc; i++)
		if (svnic_mac_filter(ad, &ad->mc[i], true) < 0)
			SVNIC_DRV_LOG(WARNING, "%s: multicast filter %u lost", ad->hw.name, i);
	/* ethdev keeps the VLANs the application added (rte_eth_dev_vlan_filter) */
	for (i = 1; i < RTE_ETHER_MAX_VLAN_ID; i++)
		if ((data->vlan_filter_conf.ids[i / 64] >> (i % 64)) & 1 &&
		    svnic_vlan_filter(ad, (uint16_t)i, true) < 0)
			SVNIC_DRV_LOG(WARNING, "%s: VLAN filter %u lost", ad->hw.name, i);
}

/* A VPort's queue range is fixed at creation (spec "VPORT_CREATE"): re-create it. */
static int
svnic_vport_resize(struct svnic_adapter *ad, uint16_t nb_queues)
{
	struct svnic_aq_vport v = ad->vport, old = ad->vport;
	int ret;

	if (ad->vport_created && ad->vport.nb_queues == nb_queues)
		return 0;
	svnic_vport_delete(ad);
	v.nb_queues = nb_queues;
	ret = svnic_vport_create(ad, &v);
	if (ret < 0 && svnic_vport_create(ad, &old) < 0)
		return ret;
	svnic_vport_restore_filters(ad);
	return ret;
}

/* --- RSS ------------------------------------------------------------------ */

/*
 * The key the driver gives the device until the application gives its own:
 * any key works for Toeplitz; this one is ours, not a copy of another NIC's,
 * and sized for the largest key the spec allows.
 */
static const uint8_t svnic_rss_key_default[SVNIC_RSS_KEY_MAX] = {
	0x3c, 0x91, 0x5e, 0xa7, 0x12, 0xd8, 0x6b, 0x4f, 0xe0, 0x27, 0x9a, 0x53, 0xc6,
	0x0d, 0x74, 0xb8, 0x29, 0xf1, 0x45, 0x8e, 0x63, 0xda, 0x17, 0xac, 0x50, 0x3b,
	0x96, 0xe4, 0x0f, 0x72, 0xcd, 0x28, 0x8b, 0x41, 0xf6, 0x1d, 0xa9, 0x64, 0x37,
	0xbe, 0x05, 0x7a, 0xd3, 0x48, 0x9f, 0x26, 0xe1, 0x5c, 0x83, 0x1a, 0xf7, 0x6e,
};

/*
 * struct svnic_rss's push: one RSS_CONFIG of VPort 0, the hash types always
 * (0 turns hashing off), the key and the table when given.
 */
static int
svnic_rss_config_cmd(void *ctx, uint64_t dev_types, const uint8_t *key, const uint16_t *reta)
{
	struct svnic_adapter *ad = ctx;
	uint8_t buf[sizeof(struct svnic_aq_rss_buf) + 2u * SVNIC_RSS_TABLE_MAX];
	uint16_t table_len = reta != NULL ? ad->id.rss_table_size : 0;
	struct svnic_aq_rss r;
	int ret;

	memset(&r, 0, sizeof(r));
	memset(buf, 0, sizeof(buf));
	r.vport_id = ad->vport.vport_id;
	r.hash_func = SVNIC_RSS_FUNC_TOEPLITZ;
	r.hash_types = dev_types;
	if (key != NULL) {
		r.key_len = (uint8_t)ad->id.rss_key_size;
		memcpy(buf + offsetof(struct svnic_aq_rss_buf, key), key, r.key_len);
	}
	r.table_len = table_len;
	if (reta != NULL)
		memcpy(buf + sizeof(struct svnic_aq_rss_buf), reta, 2u * table_len);
	ret = svnic_adminq_exec(&ad->aq, SVNIC_AQ_OP_RSS_CONFIG, &r, sizeof(r), buf,
				(uint32_t)(sizeof(struct svnic_aq_rss_buf) + 2u * table_len),
				NULL, 0, NULL);
	if (ret < 0)
		SVNIC_DRV_LOG(ERR, "%s: RSS_CONFIG of VPort %u: %s", ad->hw.name,
			      r.vport_id, strerror(-ret));
	return ret;
}

/* What IDENTIFY said of RSS; a new VPort hashes nothing, with the driver's key. */
static void
svnic_rss_init(struct svnic_adapter *ad)
{
	struct svnic_rss *r = &ad->rss;

	r->supported = (ad->id.offloads & SVNIC_CAP_RSS) != 0;
	r->key_size = ad->id.rss_key_size;
	r->table_size = ad->id.rss_table_size;
	r->dev_types = ad->id.rss_hash_types;
	r->peer = "the device";
	r->push = svnic_rss_config_cmd;
	r->ctx = ad;
	svnic_rss_reset(r, svnic_rss_key_default);
}

static int
svnic_reta_update(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *conf,
		  uint16_t reta_size)
{
	struct svnic_adapter *ad = svnic_adapter(dev);

	return svnic_rss_reta_update(dev, ad->hw.name, &ad->rss, conf, reta_size);
}

static int
svnic_reta_query(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *conf,
		 uint16_t reta_size)
{
	return svnic_rss_reta_query(&svnic_adapter(dev)->rss, conf, reta_size);
}

static int
svnic_rss_hash_update_op(struct rte_eth_dev *dev, struct rte_eth_rss_conf *rc)
{
	struct svnic_adapter *ad = svnic_adapter(dev);

	return svnic_rss_hash_update(ad->hw.name, &ad->rss, rc);
}

static int
svnic_rss_hash_conf_get_op(struct rte_eth_dev *dev, struct rte_eth_rss_conf *rc)
{
	return svnic_rss_hash_conf_get(&svnic_adapter(dev)->rss, rc);
}

/* --- ethdev ops ----------------------------------------------------------- */

static int
svnic_dev_configure(struct rte_eth_dev *dev)
{
	struct svnic_adapter *ad = svnic_adapter(dev);
	struct rte_eth_conf *conf = &dev->data->dev_conf;
	uint16_t nb_q = RTE_MAX(dev->data->nb_rx_queues, dev->data->nb_tx_queues);
	struct svnic_aq_vport v;
	bool rss;
	int ret;

	if (nb_q == 0 || nb_q > ad->id.total_queue_pairs) {
		SVNIC_DRV_LOG(ERR, "%s: %u queues; the device has %u", ad->hw.name, nb_q,
			      ad->id.total_queue_pairs);
		return -EINVAL;
	}
	rss = (conf->rxmode.mq_mode & RTE_ETH_MQ_RX_RSS_FLAG) != 0;
	if (rss)
		conf->rxmode.offloads |= RTE_ETH_RX_OFFLOAD_RSS_HASH;
	ret = svnic_vport_resize(ad, nb_q);
	if (ret < 0)
		return ret;
	v = ad->vport;
	v.mtu = dev->data->mtu;
	if (conf->rxmode.offloads & RTE_ETH_RX_OFFLOAD_VLAN_STRIP)
		v.flags |= SVNIC_AQ_VPORT_F_VLAN_STRIP;
	else
		v.flags &= (uint16_t)~SVNIC_AQ_VPORT_F_VLAN_STRIP;
	if (memcmp(&v, &ad->vport, sizeof(v)) != 0) {
		ret = svnic_vport_modify(ad, &v);
		if (ret < 0)
			return ret;
	}
	ret = svnic_rss_configure(dev, ad->hw.name, &ad->rss, rss);
	if (ret < 0)
		return ret;
	/*
	 * A new VPort starts its counters afresh, but its queues' counters may be
	 * a previous owner's: count from here.
	 */
	if (ad->stats_stale && svnic_stats_reset(dev) == 0)
		ad->stats_stale = false;
	return 0;
}

static int
svnic_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct svnic_adapter *ad = svnic_adapter(dev);
	const struct svnic_aq_identify *id = &ad->id;
	/* with VFs enabled the PF keeps its share; VF VPorts take the rest */
	uint16_t nq = RTE_MIN(svnic_sriov_pf_queue_pairs(ad), RTE_MAX_QUEUES_PER_PORT);

	info->max_rx_queues = nq;
	info->max_tx_queues = nq;
	info->max_rx_pktlen = (uint32_t)id->max_mtu + SVNIC_ETH_OVERHEAD;
	info->min_mtu = id->min_mtu;
	info->max_mtu = id->max_mtu;
	info->max_mac_addrs = id->max_mac_filters;
	info->max_vfs = ad->caps.total_vfs;
	/* Only what the device says it does (IDENTIFY.offloads), all port-wide. */
	info->rx_offload_capa = 0;
	info->tx_offload_capa = 0;
	svnic_dev_infos_offloads(info, id->offloads);
	if (id->max_vlan_filters != 0)
		info->rx_offload_capa |= RTE_ETH_RX_OFFLOAD_VLAN_FILTER;
	if (id->offloads & SVNIC_CAP_RSS) {
		info->rx_offload_capa |= RTE_ETH_RX_OFFLOAD_RSS_HASH;
		info->hash_key_size = (uint8_t)id->rss_key_size;
		info->reta_size = id->rss_table_size;
		info->flow_type_rss_offloads = svnic_rss_hf_from_dev(id->rss_hash_types);
	}
	svnic_dev_infos_rings(info, &ad->ring_lim);
	info->dev_capa = 0;
	if (ad->has_switch_domain) {
		info->switch_info.name = dev->data->name;
		info->switch_info.domain_id = ad->switch_domain;
		info->switch_info.port_id = SVNIC_REPR_PF_SWITCH_PORT;
	}
	return 0;
}

static int
svnic_link_update(struct rte_eth_dev *dev, int wait_to_complete)
{
	RTE_SET_USED(wait_to_complete);
	return svnic_link_update_hw(dev, &svnic_adapter(dev)->hw);
}

/*
 * Completions through the device's head write-back when it has one: the
 * driver then polls a word of its own instead of descriptor lines the device
 * is writing (doc/nics/svnic.rst "Completions").
 */
static bool
svnic_use_head_wb(const struct svnic_adapter *ad)
{
	return (ad->id.offloads & SVNIC_CAP_HEAD_WB) != 0;
}

static int
svnic_rx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	struct svnic_adapter *ad = svnic_adapter(dev);
	struct svnic_rx_queue *rxq = dev->data->rx_queues[qid];
	uint16_t qp = (uint16_t)(ad->vport.queue_base + qid);
	struct svnic_aq_queue_cfg q;
	int ret;

	ret = svnic_rx_queue_prepare(rxq, svnic_hw_bar0_addr(&ad->hw, SVNIC_PF_DB(qp) +
							      SVNIC_DB_RX_TAIL),
				     svnic_use_head_wb(ad));
	if (ret < 0)
		return ret;
	memset(&q, 0, sizeof(q));
	q.queue = qp;
	q.type = SVNIC_AQ_QTYPE_RX;
	q.flags = SVNIC_AQ_QCFG_F_ENABLE;
	q.vport_id = ad->vport.vport_id;
	q.ring_size = rxq->nb_desc;
	q.ring_addr = rxq->ring_iova;
	q.buf_size = rxq->buf_size;
	if (rxq->scatter)
		q.flags |= SVNIC_AQ_QCFG_F_SCATTER;
	q.head_wb_addr = svnic_rx_queue_head_wb_iova(rxq);
	if (q.head_wb_addr != 0)
		q.flags |= SVNIC_AQ_QCFG_F_HEAD_WB;
	ret = svnic_queue_cmd(ad, &q);
	if (ret < 0) {
		SVNIC_DRV_LOG(ERR, "%s: enabling RX queue %u: %s", ad->hw.name, qid,
			      strerror(-ret));
		svnic_rx_queue_drain(rxq);
		return ret;
	}
	svnic_rx_queue_post(rxq);
	dev->data->rx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STARTED;
	return 0;
}

static int
svnic_queue_disable(struct svnic_adapter *ad, uint16_t qid, uint8_t type)
{
	struct svnic_aq_queue_cfg q;
	int ret;

	/* Disabling names only the queue (spec "QUEUE_CONFIG"); it returns after DMA. */
	memset(&q, 0, sizeof(q));
	q.queue = (uint16_t)(ad->vport.queue_base + qid);
	q.type = type;
	q.vport_id = ad->vport.vport_id;
	ret = svnic_queue_cmd(ad, &q);
	if (ret < 0)
		SVNIC_DRV_LOG(ERR, "%s: disabling %s queue %u: %s", ad->hw.name,
			      type == SVNIC_AQ_QTYPE_RX ? "RX" : "TX", qid, strerror(-ret));
	return ret;
}

static int
svnic_rx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	struct svnic_rx_queue *rxq = dev->data->rx_queues[qid];
	int ret;

	if (rxq == NULL || !rxq->started)
		return 0;
	ret = svnic_queue_disable(svnic_adapter(dev), qid, SVNIC_AQ_QTYPE_RX);
	/* Buffers go back only once the device is done with them. */
	if (ret == 0)
		svnic_rx_queue_drain(rxq);
	dev->data->rx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STOPPED;
	return ret;
}

static int
svnic_tx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	struct svnic_adapter *ad = svnic_adapter(dev);
	struct svnic_tx_queue *txq = dev->data->tx_queues[qid];
	uint16_t qp = (uint16_t)(ad->vport.queue_base + qid);
	struct svnic_aq_queue_cfg q;
	int ret;

	svnic_tx_queue_prepare(txq,
			       svnic_hw_bar0_addr(&ad->hw, SVNIC_PF_DB(qp) + SVNIC_DB_TX_TAIL),
			       svnic_hw_bar0_addr(&ad->hw, SVNIC_NOTIFY_TX_SUMMARY(qp / 64u)),
			       1ull << (qp % 64u),
			       svnic_hw_bar0_addr(&ad->hw, SVNIC_NOTIFY_SLEEPING),
			       svnic_hw_kick, &ad->hw, svnic_use_head_wb(ad));
	memset(&q, 0, sizeof(q));
	q.queue = qp;
	q.type = SVNIC_AQ_QTYPE_TX;
	q.flags = SVNIC_AQ_QCFG_F_ENABLE;
	q.vport_id = ad->vport.vport_id;
	q.ring_size = txq->nb_desc;
	q.ring_addr = txq->ring_iova;
	q.head_wb_addr = svnic_tx_queue_head_wb_iova(txq);
	if (q.head_wb_addr != 0)
		q.flags |= SVNIC_AQ_QCFG_F_HEAD_WB;
	ret = svnic_queue_cmd(ad, &q);
	if (ret < 0) {
		SVNIC_DRV_LOG(ERR, "%s: enabling TX queue %u: %s", ad->hw.name, qid,
			      strerror(-ret));
		txq->started = false;
		return ret;
	}
	dev->data->tx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STARTED;
	return 0;
}

static int
svnic_tx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	struct svnic_tx_queue *txq = dev->data->tx_queues[qid];
	int ret;

	if (txq == NULL || !txq->started)
		return 0;
	svnic_tx_queue_flush(txq, SVNIC_TX_FLUSH_TIMEOUT_US);
	ret = svnic_queue_disable(svnic_adapter(dev), qid, SVNIC_AQ_QTYPE_TX);
	if (ret == 0)
		svnic_tx_queue_drain(txq);
	dev->data->tx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STOPPED;
	return ret;
}

static int
svnic_dev_stop(struct rte_eth_dev *dev)
{
	uint16_t i;
	int ret = 0;

	for (i = 0; i < dev->data->nb_tx_queues; i++)
		if (svnic_tx_queue_stop(dev, i) < 0)
			ret = -EIO;
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		if (svnic_rx_queue_stop(dev, i) < 0)
			ret = -EIO;
	return ret;
}

/*
 * One burst function for the port: the scattered one as soon as a queue may
 * get a packet over several descriptors. It handles single-descriptor
 * packets too, so queues without SCATTER are served by it as well.
 */
static void
svnic_rx_burst_select(struct rte_eth_dev *dev)
{
	bool scatter = false;
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		const struct svnic_rx_queue *rxq = dev->data->rx_queues[i];

		if (rxq != NULL && rxq->scatter)
			scatter = true;
	}
	dev->data->scattered_rx = scatter;
	dev->rx_pkt_burst = scatter ? svnic_recv_scattered_pkts : svnic_recv_pkts;
}

static int
svnic_dev_start(struct rte_eth_dev *dev)
{
	uint16_t i;
	int ret;

	svnic_rx_burst_select(dev);
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct svnic_rx_queue *rxq = dev->data->rx_queues[i];

		if (rxq == NULL || rxq->deferred_start)
			continue;
		ret = svnic_rx_queue_start(dev, i);
		if (ret < 0)
			goto err;
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		struct svnic_tx_queue *txq = dev->data->tx_queues[i];

		if (txq == NULL || txq->deferred_start)
			continue;
		ret = svnic_tx_queue_start(dev, i);
		if (ret < 0)
			goto err;
	}
	svnic_link_update(dev, 0);
	return 0;
err:
	svnic_dev_stop(dev);
	return ret;
}

static int
svnic_dev_close(struct rte_eth_dev *dev)
{
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	/* representors first: each of their calls is a request to this PF */
	svnic_repr_close_all(dev);
	return svnic_ethdev_uninit(dev);
}

static int
svnic_rx_mode_set(struct rte_eth_dev *dev, uint8_t bit, bool on)
{
	struct svnic_adapter *ad = svnic_adapter(dev);
	struct svnic_aq_vport v = ad->vport;

	if (on)
		v.rx_mode |= bit;
	else
		v.rx_mode &= (uint8_t)~bit;
	return v.rx_mode == ad->vport.rx_mode ? 0 : svnic_vport_modify(ad, &v);
}

static int
svnic_promiscuous_enable(struct rte_eth_dev *dev)
{
	return svnic_rx_mode_set(dev, SVNIC_AQ_RXM_UNICAST_PROMISC, true);
}

static int
svnic_promiscuous_disable(struct rte_eth_dev *dev)
{
	return svnic_rx_mode_set(dev, SVNIC_AQ_RXM_UNICAST_PROMISC, false);
}

static int
svnic_allmulticast_enable(struct rte_eth_dev *dev)
{
	return svnic_rx_mode_set(dev, SVNIC_AQ_RXM_ALLMULTI, true);
}

static int
svnic_allmulticast_disable(struct rte_eth_dev *dev)
{
	return svnic_rx_mode_set(dev, SVNIC_AQ_RXM_ALLMULTI, false);
}

static int
svnic_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *addr)
{
	struct svnic_adapter *ad = svnic_adapter(dev);
	struct svnic_aq_vport v = ad->vport;

	memcpy(v.mac, addr->addr_bytes, RTE_ETHER_ADDR_LEN);
	return svnic_vport_modify(ad, &v);
}

static int
svnic_mac_addr_add(struct rte_eth_dev *dev, struct rte_ether_addr *addr, uint32_t index,
		   uint32_t pool)
{
	struct svnic_adapter *ad = svnic_adapter(dev);
	int ret;

	RTE_SET_USED(index);
	if (pool != 0)
		return -ENOTSUP;
	ret = svnic_mac_filter(ad, addr, true);
	if (ret < 0)
		SVNIC_DRV_LOG(ERR, "%s: MAC_FILTER_ADD " RTE_ETHER_ADDR_PRT_FMT ": %s",
			      ad->hw.name, RTE_ETHER_ADDR_BYTES(addr), strerror(-ret));
	return ret;
}

static void
svnic_mac_addr_remove(struct rte_eth_dev *dev, uint32_t index)
{
	struct svnic_adapter *ad = svnic_adapter(dev);
	struct rte_ether_addr *addr = &dev->data->mac_addrs[index];
	int ret;

	ret = svnic_mac_filter(ad, addr, false);
	if (ret < 0)
		SVNIC_DRV_LOG(ERR, "%s: MAC_FILTER_DEL " RTE_ETHER_ADDR_PRT_FMT ": %s",
			      ad->hw.name, RTE_ETHER_ADDR_BYTES(addr), strerror(-ret));
}

static int
svnic_set_mc_addr_list(struct rte_eth_dev *dev, struct rte_ether_addr *list, uint32_t nb)
{
	struct svnic_adapter *ad = svnic_adapter(dev);
	struct rte_ether_addr *mc = NULL;
	uint32_t i;
	int ret = 0;

	if (nb >= ad->id.max_mac_filters)
		return -ENOSPC;
	if (nb > 0) {
		mc = rte_malloc("svnic_mc", sizeof(*mc) * nb, 0);
		if (mc == NULL)
			return -ENOMEM;
		memcpy(mc, list, sizeof(*mc) * nb);
	}
	for (i = 0; i < ad->nb_mc; i++)
		(void)svnic_mac_filter(ad, &ad->mc[i], false);
	rte_free(ad->mc);
	ad->mc = NULL;
	ad->nb_mc = 0;
	for (i = 0; i < nb; i++) {
		ret = svnic_mac_filter(ad, &mc[i], true);
		if (ret < 0) {
			SVNIC_DRV_LOG(ERR, "%s: multicast filter " RTE_ETHER_ADDR_PRT_FMT ": %s",
				      ad->hw.name, RTE_ETHER_ADDR_BYTES(&mc[i]), strerror(-ret));
			break;
		}
	}
	ad->mc = mc;
	ad->nb_mc = i;
	return ret;
}

static int
svnic_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct svnic_adapter *ad = svnic_adapter(dev);
	struct svnic_aq_vport v = ad->vport;
	int ret;

	ret = svnic_mtu_check_buffers(dev, ad->hw.name, mtu);
	if (ret < 0)
		return ret;
	v.mtu = mtu;
	return svnic_vport_modify(ad, &v);
}

/*
 * VLAN filters of the VPort (spec "VLAN_FILTER_ADD"). The device always
 * filters tagged frames: without filters a VPort receives untagged frames
 * only, unless it is promiscuous. ethdev lets filters be set only while
 * RTE_ETH_RX_OFFLOAD_VLAN_FILTER is on, and keeps the set in vlan_filter_conf,
 * from which a re-created VPort gets them back.
 */
static int
svnic_vlan_filter_set(struct rte_eth_dev *dev, uint16_t vlan_id, int on)
{
	struct svnic_adapter *ad = svnic_adapter(dev);
	int ret;

	if (vlan_id == 0 || vlan_id >= RTE_ETHER_MAX_VLAN_ID) {
		SVNIC_DRV_LOG(ERR, "%s: VLAN %u: the device filters VLANs 1..%u", ad->hw.name,
			      vlan_id, RTE_ETHER_MAX_VLAN_ID - 1);
		return -EINVAL;
	}
	ret = svnic_vlan_filter(ad, vlan_id, on != 0);
	/* adding one that is there, removing one that is not: already done */
	if ((on && ret == -EEXIST) || (!on && ret == -ENOENT))
		return 0;
	if (ret < 0)
		SVNIC_DRV_LOG(ERR, "%s: VLAN_FILTER_%s %u: %s", ad->hw.name, on ? "ADD" : "DEL",
			      vlan_id, strerror(-ret));
	return ret;
}

static int
svnic_vlan_offload_set(struct rte_eth_dev *dev, int mask)
{
	struct svnic_adapter *ad = svnic_adapter(dev);
	uint64_t rxo = dev->data->dev_conf.rxmode.offloads;
	struct svnic_aq_vport v = ad->vport;

	/* VLAN_FILTER_MASK: filters are applied as they are set; nothing to switch */
	if (!(mask & RTE_ETH_VLAN_STRIP_MASK))
		return 0;
	if (rxo & RTE_ETH_RX_OFFLOAD_VLAN_STRIP)
		v.flags |= SVNIC_AQ_VPORT_F_VLAN_STRIP;
	else
		v.flags &= (uint16_t)~SVNIC_AQ_VPORT_F_VLAN_STRIP;
	return v.flags == ad->vport.flags ? 0 : svnic_vport_modify(ad, &v);
}

static inline uint64_t
svnic_delta(uint64_t now, uint64_t base)
{
	/* a counter that went back was reset by the device (VPort re-created) */
	return now >= base ? now - base : now;
}

static int
svnic_stats_read(struct svnic_adapter *ad, struct svnic_aq_vport_stats *vs,
		 struct svnic_aq_queue_stats *rq, struct svnic_aq_queue_stats *tq, uint16_t nb_rx,
		 uint16_t nb_tx)
{
	uint16_t i;
	int ret;

	ret = svnic_vport_stats_get(ad, ad->vport.vport_id, vs);
	for (i = 0; ret == 0 && i < nb_rx; i++)
		ret = svnic_get_stats(ad, SVNIC_AQ_STATS_RXQ, ad->vport.queue_base + i, &rq[i],
				      sizeof(rq[i]));
	for (i = 0; ret == 0 && i < nb_tx; i++)
		ret = svnic_get_stats(ad, SVNIC_AQ_STATS_TXQ, ad->vport.queue_base + i, &tq[i],
				      sizeof(tq[i]));
	if (ret < 0)
		SVNIC_DRV_LOG(ERR, "%s: GET_STATS: %s", ad->hw.name, strerror(-ret));
	return ret;
}

/*
 * Device counters in DPDK's terms: packets and bytes are what the queues
 * moved (the VPort's rx counters also count frames later dropped for want of
 * a buffer); imissed are those drops, errors what the device refused.
 */
static int
svnic_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *st)
{
	struct svnic_adapter *ad = svnic_adapter(dev);
	struct svnic_aq_queue_stats rq[RTE_ETHDEV_QUEUE_STAT_CNTRS];
	struct svnic_aq_queue_stats tq[RTE_ETHDEV_QUEUE_STAT_CNTRS];
	struct svnic_aq_vport_stats vs;
	uint16_t nb_rx = RTE_MIN(dev->data->nb_rx_queues, RTE_ETHDEV_QUEUE_STAT_CNTRS);
	uint16_t nb_tx = RTE_MIN(dev->data->nb_tx_queues, RTE_ETHDEV_QUEUE_STAT_CNTRS);
	uint16_t i;
	int ret;

	ret = svnic_stats_read(ad, &vs, rq, tq, nb_rx, nb_tx);
	if (ret < 0)
		return ret;
	for (i = 0; i < nb_rx; i++) {
		struct svnic_rx_queue *rxq = dev->data->rx_queues[i];

		st->q_ipackets[i] = svnic_delta(rq[i].packets, ad->rxq_base[i].packets);
		st->q_ibytes[i] = svnic_delta(rq[i].bytes, ad->rxq_base[i].bytes);
		st->q_errors[i] = svnic_delta(rq[i].errors, ad->rxq_base[i].errors);
		st->ipackets += st->q_ipackets[i];
		st->ibytes += st->q_ibytes[i];
		if (rxq != NULL) {
			st->rx_nombuf += rxq->nombuf;
			st->ierrors += rxq->errors;
		}
	}
	for (i = 0; i < nb_tx; i++) {
		struct svnic_tx_queue *txq = dev->data->tx_queues[i];

		st->q_opackets[i] = svnic_delta(tq[i].packets, ad->txq_base[i].packets);
		st->q_obytes[i] = svnic_delta(tq[i].bytes, ad->txq_base[i].bytes);
		st->opackets += st->q_opackets[i];
		st->obytes += st->q_obytes[i];
		if (txq != NULL)
			st->oerrors += txq->errors;
	}
	st->imissed = svnic_delta(vs.rx_dropped_nobuf, ad->base.rx_dropped_nobuf);
	st->ierrors += svnic_delta(vs.rx_errors, ad->base.rx_errors);
	st->oerrors += svnic_delta(vs.tx_errors, ad->base.tx_errors) +
		       svnic_delta(vs.tx_dropped, ad->base.tx_dropped) +
		       svnic_delta(vs.tx_spoofed, ad->base.tx_spoofed);
	return 0;
}

static int
svnic_stats_reset(struct rte_eth_dev *dev)
{
	struct svnic_adapter *ad = svnic_adapter(dev);
	uint16_t nb_rx = RTE_MIN(dev->data->nb_rx_queues, RTE_ETHDEV_QUEUE_STAT_CNTRS);
	uint16_t nb_tx = RTE_MIN(dev->data->nb_tx_queues, RTE_ETHDEV_QUEUE_STAT_CNTRS);
	int ret;

	ret = svnic_stats_read(ad, &ad->base, ad->rxq_base, ad->txq_base, nb_rx, nb_tx);
	if (ret < 0)
		return ret;
	svnic_queue_counters_reset(dev);
	return 0;
}

/*
 * The VPort's own counters (GET_STATS), beyond what ethdev's basic and
 * per-queue stats already name (rx_good_packets, rx_q0_packets, ...).
 */
static const struct {
	char name[RTE_ETH_XSTATS_NAME_SIZE];
	size_t off;				/* in struct svnic_aq_vport_stats */
} svnic_xstats_vport[] = {
#define SVNIC_XSTAT(n, f) { n, offsetof(struct svnic_aq_vport_stats, f) }
	SVNIC_XSTAT("rx_vport_packets", rx_packets),
	SVNIC_XSTAT("rx_vport_bytes", rx_bytes),
	SVNIC_XSTAT("rx_unicast_packets", rx_unicast),
	SVNIC_XSTAT("rx_multicast_packets", rx_multicast),
	SVNIC_XSTAT("rx_broadcast_packets", rx_broadcast),
	SVNIC_XSTAT("rx_dropped_nobuf_packets", rx_dropped_nobuf),
	SVNIC_XSTAT("rx_dropped_filter_packets", rx_dropped_filter),
	SVNIC_XSTAT("rx_frame_errors", rx_errors),
	SVNIC_XSTAT("tx_vport_packets", tx_packets),
	SVNIC_XSTAT("tx_vport_bytes", tx_bytes),
	SVNIC_XSTAT("tx_unicast_packets", tx_unicast),
	SVNIC_XSTAT("tx_multicast_packets", tx_multicast),
	SVNIC_XSTAT("tx_broadcast_packets", tx_broadcast),
	SVNIC_XSTAT("tx_dropped_packets", tx_dropped),
	SVNIC_XSTAT("tx_spoofed_packets", tx_spoofed),
	SVNIC_XSTAT("tx_frame_errors", tx_errors),
#undef SVNIC_XSTAT
};

#define SVNIC_XSTATS_NB	(RTE_DIM(svnic_xstats_vport) + SVNIC_XSTATS_DRV_NB)

static int
svnic_xstats_get_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
		       unsigned int size)
{
	unsigned int i, n = 0;

	RTE_SET_USED(dev);
	if (names == NULL || size < SVNIC_XSTATS_NB)
		return SVNIC_XSTATS_NB;
	for (i = 0; i < RTE_DIM(svnic_xstats_vport); i++)
		strlcpy(names[n++].name, svnic_xstats_vport[i].name, sizeof(names[0].name));
	n += svnic_xstats_drv_names(names + n);
	return (int)n;
}

static int
svnic_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xs, unsigned int n)
{
	struct svnic_adapter *ad = svnic_adapter(dev);
	struct svnic_aq_vport_stats vs;
	unsigned int i, k = 0;
	int ret;

	if (xs == NULL || n < SVNIC_XSTATS_NB)
		return SVNIC_XSTATS_NB;
	ret = svnic_vport_stats_get(ad, ad->vport.vport_id, &vs);
	if (ret < 0) {
		SVNIC_DRV_LOG(ERR, "%s: GET_STATS: %s", ad->hw.name, strerror(-ret));
		return ret;
	}
	for (i = 0; i < RTE_DIM(svnic_xstats_vport); i++) {
		uint64_t now, base;

		memcpy(&now, (const uint8_t *)&vs + svnic_xstats_vport[i].off, sizeof(now));
		memcpy(&base, (const uint8_t *)&ad->base + svnic_xstats_vport[i].off,
		       sizeof(base));
		xs[k].id = k;
		xs[k].value = svnic_delta(now, base);
		k++;
	}
	k += svnic_xstats_drv_get(dev, xs + k, k);
	return (int)k;
}

static int
svnic_rx_queue_setup_op(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
			unsigned int socket_id, const struct rte_eth_rxconf *conf,
			struct rte_mempool *mp)
{
	return svnic_rx_queue_setup(dev, qid, nb_desc, socket_id, conf, mp,
				    &svnic_adapter(dev)->ring_lim);
}

static int
svnic_tx_queue_setup_op(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
			unsigned int socket_id, const struct rte_eth_txconf *conf)
{
	return svnic_tx_queue_setup(dev, qid, nb_desc, socket_id, conf,
				    &svnic_adapter(dev)->ring_lim);
}

static const struct eth_dev_ops svnic_eth_dev_ops = {
	.dev_configure = svnic_dev_configure,
	.dev_start = svnic_dev_start,
	.dev_stop = svnic_dev_stop,
	.dev_close = svnic_dev_close,
	.dev_reset = svnic_dev_reset,
	.dev_infos_get = svnic_dev_infos_get,
	.dev_supported_ptypes_get = svnic_supported_ptypes_get,
	.link_update = svnic_link_update,
	.promiscuous_enable = svnic_promiscuous_enable,
	.promiscuous_disable = svnic_promiscuous_disable,
	.allmulticast_enable = svnic_allmulticast_enable,
	.allmulticast_disable = svnic_allmulticast_disable,
	.mac_addr_set = svnic_mac_addr_set,
	.mac_addr_add = svnic_mac_addr_add,
	.mac_addr_remove = svnic_mac_addr_remove,
	.set_mc_addr_list = svnic_set_mc_addr_list,
	.mtu_set = svnic_mtu_set,
	.vlan_filter_set = svnic_vlan_filter_set,
	.vlan_offload_set = svnic_vlan_offload_set,
	.reta_update = svnic_reta_update,
	.reta_query = svnic_reta_query,
	.rss_hash_update = svnic_rss_hash_update_op,
	.rss_hash_conf_get = svnic_rss_hash_conf_get_op,
	.stats_get = svnic_stats_get,
	.stats_reset = svnic_stats_reset,
	.xstats_get = svnic_xstats_get,
	.xstats_get_names = svnic_xstats_get_names,
	/* one baseline for basic and extended counters */
	.xstats_reset = svnic_stats_reset,
	.rx_queue_setup = svnic_rx_queue_setup_op,
	.rx_queue_release = svnic_rx_queue_release,
	.tx_queue_setup = svnic_tx_queue_setup_op,
	.tx_queue_release = svnic_tx_queue_release,
	.rx_queue_start = svnic_rx_queue_start,
	.rx_queue_stop = svnic_rx_queue_stop,
	.tx_queue_start = svnic_tx_queue_start,
	.tx_queue_stop = svnic_tx_queue_stop,
	.rxq_info_get = svnic_rxq_info_get,
	.txq_info_get = svnic_txq_info_get,
};

/* --- control thread: device events ----------------------------------------- */

static const char *
svnic_fault_reason(uint32_t r)
{
	switch (r) {
	case SVNIC_EQ_FAULT_DMA_UNMAPPED: return "DMA to unmapped memory";
	case SVNIC_EQ_FAULT_DMA_PERM: return "DMA write to read-only memory";
	case SVNIC_EQ_FAULT_DOORBELL: return "tail past the ring";
	case SVNIC_EQ_FAULT_TX_DESC: return "bad TX descriptor";
	case SVNIC_EQ_FAULT_MBX: return "bad mailbox length";
	default: return "unknown reason";
	}
}

void
svnic_ethdev_event(struct svnic_adapter *ad, const struct svnic_eq_entry *ev)
{
	struct rte_eth_dev *dev = ad->eth_dev;

	switch (ev->event) {
	case SVNIC_EQ_EV_LINK:
		SVNIC_DRV_LOG(INFO, "%s: link %s, %u Mbit/s", ad->hw.name,
			      (ev->param0 & SVNIC_LINK_UP) ? "up" : "down", ev->param1);
		if (svnic_link_update(dev, 0) == 0 && dev->data->dev_conf.intr_conf.lsc)
			rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_LSC, NULL);
		/* the VFs whose link follows the uplink hear it too */
		svnic_sriov_event(ad, ev);
		break;
	case SVNIC_EQ_EV_FAULT:
		if (ev->func == SVNIC_EQ_FUNC_PF) {
			SVNIC_DRV_LOG(ERR, "%s: the device faulted the PF: %s (queue 0x%x, "
				      "IOVA 0x%" PRIx64 "); its queues are stopped until a reset",
				      ad->hw.name, svnic_fault_reason(ev->param0), ev->param1,
				      ev->param2);
			break;
		}
		SVNIC_DRV_LOG(ERR, "%s: VF %u faulted: %s (queue 0x%x, IOVA 0x%" PRIx64 ")",
			      ad->hw.name, ev->func, svnic_fault_reason(ev->param0), ev->param1,
			      ev->param2);
		svnic_sriov_event(ad, ev);
		break;
	case SVNIC_EQ_EV_MBX_MSG:
	case SVNIC_EQ_EV_MBX_RX_DONE:
	case SVNIC_EQ_EV_VF_RESET:
		svnic_sriov_event(ad, ev);
		break;
	default:
		SVNIC_DRV_LOG(WARNING, "%s: unknown event 0x%x", ad->hw.name, ev->event);
		break;
	}
}

void
svnic_ethdev_resync(struct svnic_adapter *ad)
{
	struct svnic_eq_entry link = { .event = SVNIC_EQ_EV_LINK, .func = SVNIC_EQ_FUNC_PF };
	bool up = false, fd = false;
	uint32_t mbps = 0;

	if (svnic_hw_link_get(&ad->hw, &up, &fd, &mbps) == 0) {
		link.param0 = up ? SVNIC_LINK_UP : 0;
		link.param1 = mbps;
		svnic_ethdev_event(ad, &link);
	}
	svnic_sriov_resync(ad);
}

/* What rte_pmd_svnic_get_sriov_caps() reports for the PF. */
static void
svnic_caps_update(struct svnic_adapter *ad)
{
	struct rte_pmd_svnic_sriov_caps *c = &ad->caps;
	struct sriov_switch *sw = svnic_sriov_switch(ad);

	c->sriov_supported = sw != NULL;
	c->is_vf = false;
	c->vf_id = 0;
	c->total_vfs = sw != NULL ? ad->hw.total_vfs : 0;
	c->num_vfs = sw != NULL ? sriov_switch_num_vfs(sw) : 0;
	c->mbx_version = 0;
	c->vmdq = false;
	c->rss = (ad->id.offloads & SVNIC_CAP_RSS) != 0;
}

/* --- init, uninit, reset: both transports ---------------------------------- */

/*
 * Everything above the transport, on a function fresh from reset: admin and
 * event queues, IDENTIFY, the MAC table, VPort 0, the RSS shadow, the control
 * thread. Undone by svnic_dev_teardown().
 */
static int
svnic_dev_bringup(struct svnic_adapter *ad, bool first)
{
	struct rte_eth_dev *dev = ad->eth_dev;
	/* after a reset, the old table stays the port's unless this one succeeds */
	struct rte_ether_addr *old_mac = dev->data->mac_addrs;
	struct svnic_hw *hw = &ad->hw;
	int ret;

	ret = svnic_adminq_setup(&ad->aq, hw, hw->name, dev->data->numa_node);
	if (ret < 0)
		return ret;
	ret = svnic_identify(ad);
	if (ret < 0)
		goto release_aq;
	dev->data->mac_addrs = rte_zmalloc("svnic_mac",
					   RTE_ETHER_ADDR_LEN * ad->id.max_mac_filters, 0);
	if (dev->data->mac_addrs == NULL) {
		ret = -ENOMEM;
		goto release_aq;
	}
	memcpy(dev->data->mac_addrs[0].addr_bytes, ad->id.perm_mac, RTE_ETHER_ADDR_LEN);
	svnic_rss_init(ad);
	svnic_vport_default(ad, 1, dev->data->mtu);
	ret = svnic_vport_create(ad, &ad->vport);
	if (ret < 0)
		goto free_mac;
	/* VF state survives a PF reset; the device lost their VPorts */
	if (first)
		ret = svnic_sriov_init(ad, &ad->sriov_args);
	else
		svnic_sriov_pf_reset(ad);
	if (ret < 0)
		goto delete_vport;
	svnic_caps_update(ad);
	ret = svnic_ctrl_start(ad);
	if (ret < 0)
		goto sriov_fini;
	rte_free(old_mac);
	return 0;
sriov_fini:
	if (first)
		svnic_sriov_fini(ad);
delete_vport:
	svnic_vport_delete(ad);
free_mac:
	rte_free(dev->data->mac_addrs);
release_aq:
	dev->data->mac_addrs = old_mac;
	svnic_adminq_release(&ad->aq);
	return ret;
}

/*
 * The port is stopped: its queues are disabled, or the device was reset.
 * @p last: the port closes, the VFs go too (not on a reset).
 */
static void
svnic_dev_teardown(struct svnic_adapter *ad, bool last)
{
	struct rte_eth_dev *dev = ad->eth_dev;
	uint16_t i;

	svnic_ctrl_stop(ad);
	if (last)
		svnic_sriov_fini(ad);
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		svnic_rx_queue_release(dev, i);
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		svnic_tx_queue_release(dev, i);
	/* Deleting the VPort stops its queues and drops its filters (spec). */
	svnic_vport_delete(ad);
	svnic_adminq_release(&ad->aq);
	rte_free(ad->mc);
	ad->mc = NULL;
	ad->nb_mc = 0;
}

int
svnic_ethdev_init(struct rte_eth_dev *dev)
{
	struct svnic_adapter *ad = svnic_adapter(dev);
	struct svnic_hw *hw = &ad->hw;
	int ret;

	ad->eth_dev = dev;
	ret = svnic_hw_init(hw);
	if (ret < 0)
		goto close_hw;
	ret = svnic_hw_dma_register(hw);
	if (ret < 0)
		goto close_hw;
	ret = svnic_dev_bringup(ad, true);
	if (ret < 0)
		goto close_hw;
	dev->dev_ops = &svnic_eth_dev_ops;
	dev->rx_pkt_burst = svnic_recv_pkts;
	dev->tx_pkt_burst = svnic_xmit_pkts;
	dev->tx_pkt_prepare = svnic_prep_pkts;
	dev->data->dev_flags |= RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS | RTE_ETH_DEV_INTR_LSC;
	SVNIC_INIT_LOG(NOTICE, "%s: port %u, MAC " RTE_ETHER_ADDR_PRT_FMT ", %u queue pairs, "
		       "TotalVFs %u", hw->name, dev->data->port_id,
		       RTE_ETHER_ADDR_BYTES(&dev->data->mac_addrs[0]), ad->id.total_queue_pairs,
		       hw->total_vfs);
	return 0;
close_hw:
	svnic_hw_fini(hw);
	return ret;
}

int
svnic_ethdev_uninit(struct rte_eth_dev *dev)
{
	struct svnic_adapter *ad = svnic_adapter(dev);

	if (ad->hw.ops == NULL)
		return 0;
	svnic_dev_teardown(ad, true);
	svnic_hw_fini(&ad->hw);
	SVNIC_INIT_LOG(INFO, "%s: closed", ad->hw.name);
	return 0;
}

/*
 * rte_eth_dev_reset(): ethdev stopped the port; the function is reset
 * (spec "Resets": VPorts, queues, filters and RSS go, the DMA map stays) and
 * brought up as the probe left it. The application configures it again.
 */
static int
svnic_dev_reset(struct rte_eth_dev *dev)
{
	struct svnic_adapter *ad = svnic_adapter(dev);
	int ret;

	svnic_ctrl_stop(ad);
	/* Quiesce the device before the memory it could reach is freed. */
	ret = svnic_hw_restart(&ad->hw);
	ad->vport_created = false;		/* the reset deleted it */
	svnic_dev_teardown(ad, false);
	if (ret == 0)
		ret = svnic_dev_bringup(ad, false);
	if (ret < 0) {
		SVNIC_INIT_LOG(ERR, "%s: reset failed: %s; close the port", ad->hw.name,
			       strerror(-ret));
		return ret;
	}
	dev->rx_pkt_burst = svnic_recv_pkts;
	dev->data->scattered_rx = 0;
	SVNIC_INIT_LOG(NOTICE, "%s: port %u reset", ad->hw.name, dev->data->port_id);
	return 0;
}

/* --- the vdev: net_svnic,vfio_user=PATH ----------------------------------- */

static int
svnic_vdev_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct svnic_devargs da;
	struct svnic_adapter *ad;
	struct rte_eth_dev *dev;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		SVNIC_INIT_LOG(ERR, "%s: secondary processes are not supported", name);
		return -ENOTSUP;
	}
	ret = svnic_devargs_parse(name, rte_vdev_device_args(vdev), &da);
	if (ret < 0)
		return ret;
	dev = rte_eth_vdev_allocate(vdev, sizeof(*ad));
	if (dev == NULL) {
		SVNIC_INIT_LOG(ERR, "%s: cannot allocate the ethdev", name);
		return -ENOMEM;
	}
	ad = dev->data->dev_private;
	strlcpy(ad->hw.name, name, sizeof(ad->hw.name));
	ad->sriov_args.max_vfs = da.max_vfs;
	strlcpy(ad->sriov_args.vf_dir, da.vf_dir, sizeof(ad->sriov_args.vf_dir));
	strlcpy(ad->sriov_args.mgmt, da.mgmt, sizeof(ad->sriov_args.mgmt));
	ad->sriov_args.vf_mbx_copied = da.vf_mbx_copied;
	ad->ctrl.busy_poll_ns = (uint64_t)da.busy_poll_us * 1000u;
	ret = svnic_hw_vfio_user_open(&ad->hw, da.vfio_user);
	if (ret < 0)
		goto release;
	ret = svnic_ethdev_init(dev);
	if (ret < 0)
		goto release;
	rte_eth_dev_probing_finish(dev);
	ret = svnic_repr_create_all(dev, da.repr_vfs, da.nb_repr_vfs);
	if (ret < 0) {
		/* the PF is whole: close it as an application would */
		rte_eth_dev_close(dev->data->port_id);
		SVNIC_INIT_LOG(ERR, "%s: probe failed: %s", name, strerror(-ret));
		return ret;
	}
	return 0;
release:
	rte_eth_dev_release_port(dev);
	SVNIC_INIT_LOG(ERR, "%s: probe failed: %s", name, strerror(-ret));
	return ret;
}

static int
svnic_vdev_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));

	if (dev == NULL)
		return 0;	/* closed already */
	return rte_eth_dev_close(dev->data->port_id);
}

static struct rte_vdev_driver svnic_vdev_driver = {
	.probe = svnic_vdev_probe,
	.remove = svnic_vdev_remove,
	/*
	 * The device reaches memory through the vfio-user DMA maps, never by
	 * physical address: IOVA as VA keeps each file-backed memseg list one
	 * window, where physical addresses would split it at every hugepage.
	 */
	.drv_flags = RTE_VDEV_DRV_NEED_IOVA_AS_VA,
};

RTE_PMD_REGISTER_VDEV(net_svnic, svnic_vdev_driver);
RTE_PMD_REGISTER_PARAM_STRING(net_svnic, SVNIC_PARAM_STRING);
