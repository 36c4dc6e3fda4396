/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VF representors: an ethdev port for each VF named in representor=vf[...],
 * through which an application (a vswitch) manages the VF with rte_eth calls
 * alone: its MAC, its port VLAN, its link, its counters. Each call becomes
 * the rte_pmd_svnic_* request of the same meaning to the PF, whose control
 * thread owns the VF; nothing is kept here that the PF does not know.
 *
 * They carry no traffic, as the VF representors of ixgbe and i40e: the
 * device's NIC switch has no exception path to the PF, so a burst on one
 * moves nothing. Counters are seen from the switch's side, as a representor
 * sees them: what the VF sent is received on its representor.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <ethdev_driver.h>
#include <rte_malloc.h>

#include "rte_pmd_svnic.h"
#include "svnic_ethdev.h"
#include "svnic_logs.h"
#include "svnic_repr.h"

struct svnic_repr {
	uint16_t pf_port;
	uint16_t vf_id;
	uint16_t switch_domain;
	char pf_name[RTE_ETH_NAME_MAX_LEN];
};

static const struct eth_dev_ops svnic_repr_ops;

static struct svnic_repr *
svnic_repr(const struct rte_eth_dev *dev)
{
	return dev->data->dev_private;
}

bool
svnic_repr_is(const struct rte_eth_dev *dev)
{
	return dev->dev_ops == &svnic_repr_ops;
}

/* RX and TX: the switch has no path between a representor and its VF. */
static uint16_t
svnic_repr_burst(void *queue, struct rte_mbuf **pkts, uint16_t n)
{
	RTE_SET_USED(queue);
	RTE_SET_USED(pkts);
	RTE_SET_USED(n);
	return 0;
}

static int
svnic_repr_configure(struct rte_eth_dev *dev)
{
	RTE_SET_USED(dev);
	return 0;
}

static int
svnic_repr_link_update(struct rte_eth_dev *dev, int wait)
{
	struct svnic_repr *r = svnic_repr(dev);
	struct rte_pmd_svnic_vf_info info;
	struct rte_eth_link link, pf_link;
	bool up = false;

	RTE_SET_USED(wait);
	memset(&link, 0, sizeof(link));
	memset(&pf_link, 0, sizeof(pf_link));
	(void)rte_eth_link_get_nowait(r->pf_port, &pf_link);
	/* a VF not allocated, or without a VPort, has no link */
	if (rte_pmd_svnic_vf_get_info(r->pf_port, r->vf_id, &info) == 0 && info.has_vport) {
		if (info.link_state == RTE_PMD_SVNIC_LINK_AUTO)
			up = pf_link.link_status == RTE_ETH_LINK_UP;
		else
			up = info.link_state == RTE_PMD_SVNIC_LINK_ENABLE;
	}
	link.link_status = up ? RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN;
	link.link_speed = up ? pf_link.link_speed : RTE_ETH_SPEED_NUM_NONE;
	link.link_duplex = RTE_ETH_LINK_FULL_DUPLEX;
	link.link_autoneg = RTE_ETH_LINK_FIXED;
	return rte_eth_linkstatus_set(dev, &link);
}

static void
svnic_repr_queues_state(struct rte_eth_dev *dev, uint8_t state)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] = state;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = state;
}

static int
svnic_repr_start(struct rte_eth_dev *dev)
{
	svnic_repr_queues_state(dev, RTE_ETH_QUEUE_STATE_STARTED);
	/* linkstatus_set says whether the link changed: not an error either way */
	(void)svnic_repr_link_update(dev, 0);
	return 0;
}

static int
svnic_repr_stop(struct rte_eth_dev *dev)
{
	svnic_repr_queues_state(dev, RTE_ETH_QUEUE_STATE_STOPPED);
	return 0;
}

static int
svnic_repr_close(struct rte_eth_dev *dev)
{
	struct svnic_repr *r = svnic_repr(dev);

	SVNIC_DRV_LOG(INFO, "%s: representor of VF %u closed", r->pf_name, r->vf_id);
	/* the queues are the port itself: nothing to free (see queue_setup) */
	dev->data->nb_rx_queues = 0;
	dev->data->nb_tx_queues = 0;
	return 0;
}

static int
svnic_repr_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct svnic_repr *r = svnic_repr(dev);

	info->max_rx_queues = 1;
	info->max_tx_queues = 1;
	info->max_mac_addrs = 1;
	info->max_rx_pktlen = RTE_ETHER_MAX_LEN;
	info->rx_offload_capa = 0;
	info->tx_offload_capa = 0;
	info->switch_info.name = r->pf_name;
	info->switch_info.domain_id = r->switch_domain;
	info->switch_info.port_id = r->vf_id;
	return 0;
}

/* No rings: the port is its own queue, so that ethdev sees one set up. */
static int
svnic_repr_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
			  unsigned int socket, const struct rte_eth_rxconf *conf,
			  struct rte_mempool *mp)
{
	RTE_SET_USED(nb_desc);
	RTE_SET_USED(socket);
	RTE_SET_USED(conf);
	RTE_SET_USED(mp);
	dev->data->rx_queues[qid] = svnic_repr(dev);
	return 0;
}

static int
svnic_repr_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
			  unsigned int socket, const struct rte_eth_txconf *conf)
{
	RTE_SET_USED(nb_desc);
	RTE_SET_USED(socket);
	RTE_SET_USED(conf);
	dev->data->tx_queues[qid] = svnic_repr(dev);
	return 0;
}

static void
svnic_repr_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	RTE_SET_USED(dev);
	RTE_SET_USED(qid);
}

static int
svnic_repr_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *st)
{
	struct svnic_repr *r = svnic_repr(dev);
	struct rte_pmd_svnic_vf_stats vs;
	int ret;

	ret = rte_pmd_svnic_get_vf_stats(r->pf_port, r->vf_id, &vs);
	if (ret == -ENOENT)
		return 0;	/* not allocated: nothing counted yet */
	if (ret < 0)
		return ret;
	/* the switch's side: what the VF sent arrives at its representor */
	st->ipackets = vs.tx_packets;
	st->ibytes = vs.tx_bytes;
	st->opackets = vs.rx_packets;
	st->obytes = vs.rx_bytes;
	st->imissed = vs.tx_dropped + vs.tx_spoofed;
	st->oerrors = vs.rx_dropped;
	return 0;
}

static int
svnic_repr_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *mac)
{
	struct svnic_repr *r = svnic_repr(dev);

	return rte_pmd_svnic_set_vf_mac_addr(r->pf_port, r->vf_id, mac);
}

static int
svnic_repr_vlan_pvid_set(struct rte_eth_dev *dev, uint16_t vlan_id, int on)
{
	struct svnic_repr *r = svnic_repr(dev);

	return rte_pmd_svnic_set_vf_vlan(r->pf_port, r->vf_id, on ? vlan_id : 0, 0,
					 RTE_ETHER_TYPE_VLAN);
}

static int
svnic_repr_set_link(struct rte_eth_dev *dev, enum rte_pmd_svnic_link_state state)
{
	struct svnic_repr *r = svnic_repr(dev);
	int ret;

	ret = rte_pmd_svnic_set_vf_link_state(r->pf_port, r->vf_id, state);
	if (ret == 0)
		svnic_repr_link_update(dev, 0);
	return ret;
}

static int
svnic_repr_set_link_up(struct rte_eth_dev *dev)
{
	return svnic_repr_set_link(dev, RTE_PMD_SVNIC_LINK_ENABLE);
}

static int
svnic_repr_set_link_down(struct rte_eth_dev *dev)
{
	return svnic_repr_set_link(dev, RTE_PMD_SVNIC_LINK_DISABLE);
}

static const struct eth_dev_ops svnic_repr_ops = {
	.dev_configure = svnic_repr_configure,
	.dev_start = svnic_repr_start,
	.dev_stop = svnic_repr_stop,
	.dev_close = svnic_repr_close,
	.dev_set_link_up = svnic_repr_set_link_up,
	.dev_set_link_down = svnic_repr_set_link_down,
	.dev_infos_get = svnic_repr_infos_get,
	.link_update = svnic_repr_link_update,
	.rx_queue_setup = svnic_repr_rx_queue_setup,
	.tx_queue_setup = svnic_repr_tx_queue_setup,
	.rx_queue_release = svnic_repr_queue_release,
	.tx_queue_release = svnic_repr_queue_release,
	.stats_get = svnic_repr_stats_get,
	.mac_addr_set = svnic_repr_mac_addr_set,
	.vlan_pvid_set = svnic_repr_vlan_pvid_set,
};

static int
svnic_repr_init(struct rte_eth_dev *dev, void *params)
{
	const struct svnic_repr *from = params;
	struct svnic_repr *r = svnic_repr(dev);
	struct rte_pmd_svnic_vf_info info;

	*r = *from;
	dev->data->mac_addrs = rte_zmalloc(NULL, sizeof(struct rte_ether_addr), 0);
	if (dev->data->mac_addrs == NULL)
		return -ENOMEM;
	if (rte_pmd_svnic_vf_get_info(r->pf_port, r->vf_id, &info) == 0)
		rte_ether_addr_copy(&info.mac, dev->data->mac_addrs);
	dev->data->dev_flags |= RTE_ETH_DEV_REPRESENTOR;
	dev->data->representor_id = r->vf_id;
	dev->data->backer_port_id = r->pf_port;
	dev->dev_ops = &svnic_repr_ops;
	dev->rx_pkt_burst = svnic_repr_burst;
	dev->tx_pkt_burst = svnic_repr_burst;
	return 0;
}

int
svnic_repr_create_all(struct rte_eth_dev *pf, const uint16_t *vfs, uint16_t nb_vfs)
{
	struct svnic_adapter *ad = pf->data->dev_private;
	struct svnic_repr r;
	char name[RTE_ETH_NAME_MAX_LEN];
	uint16_t i;
	int ret;

	if (nb_vfs == 0)
		return 0;
	for (i = 0; i < nb_vfs; i++) {
		if (vfs[i] >= ad->caps.total_vfs) {
			SVNIC_INIT_LOG(ERR, "%s: representor of VF %u: the device has %u VFs "
				       "(TotalVFs)", ad->hw.name, vfs[i], ad->caps.total_vfs);
			return -EINVAL;
		}
	}
	ret = rte_eth_switch_domain_alloc(&ad->switch_domain);
	if (ret < 0) {
		SVNIC_INIT_LOG(ERR, "%s: no switch domain for the representors: %s",
			       ad->hw.name, strerror(-ret));
		return ret;
	}
	ad->has_switch_domain = true;
	memset(&r, 0, sizeof(r));
	r.pf_port = pf->data->port_id;
	r.switch_domain = ad->switch_domain;
	strlcpy(r.pf_name, pf->data->name, sizeof(r.pf_name));
	for (i = 0; i < nb_vfs; i++) {
		r.vf_id = vfs[i];
		if ((size_t)snprintf(name, sizeof(name), "%.*s_representor_vf%u",
				     (int)(sizeof(name) - sizeof("_representor_vf255")),
				     pf->data->name, vfs[i]) >= sizeof(name)) {
			ret = -ENAMETOOLONG;
			svnic_repr_close_all(pf);
			return ret;
		}
		ret = rte_eth_dev_create(pf->device, name, sizeof(struct svnic_repr), NULL, NULL,
					 svnic_repr_init, &r);
		if (ret < 0) {
			SVNIC_INIT_LOG(ERR, "%s: cannot create %s: %s", ad->hw.name, name,
				       strerror(-ret));
			svnic_repr_close_all(pf);
			return ret;
		}
	}
	SVNIC_INIT_LOG(INFO, "%s: %u VF representor(s), switch domain %u", ad->hw.name,
		       nb_vfs, ad->switch_domain);
	return 0;
}

void
svnic_repr_close_all(struct rte_eth_dev *pf)
{
	struct svnic_adapter *ad = pf->data->dev_private;
	uint16_t port;

	RTE_ETH_FOREACH_DEV_OF(port, pf->device) {
		struct rte_eth_dev *dev = &rte_eth_devices[port];

		if (svnic_repr_is(dev) && svnic_repr(dev)->pf_port == pf->data->port_id)
			rte_eth_dev_close(port);
	}
	if (ad->has_switch_domain) {
		rte_eth_switch_domain_free(ad->switch_domain);
		ad->has_switch_domain = false;
	}
}
