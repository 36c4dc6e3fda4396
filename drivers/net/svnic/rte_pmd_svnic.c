/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rte_pmd_svnic.h: the public API. Each call checks the port, then runs as a
 * request in the PF's control thread (svnic_ctrl_call), the one owner of VF
 * state; the switch's event callback programs the device.
 */
#include <errno.h>
#include <string.h>

#include <ethdev_driver.h>
#include <rte_ether.h>

#include "rte_pmd_svnic.h"
#include "svnic_ctrl.h"
#include "svnic_ethdev.h"
#include "svnic_logs.h"
#include "svnic_sriov.h"

static bool
svnic_api_driver_is(const struct rte_eth_dev *dev, const char *name)
{
	return dev->device != NULL && dev->device->driver != NULL &&
	       dev->device->driver->name != NULL && strcmp(dev->device->driver->name, name) == 0;
}

/* The adapter of PF port @p port_id, or NULL (not a port, or not an svnic PF). */
static struct svnic_adapter *
svnic_api_pf(uint16_t port_id)
{
	struct rte_eth_dev *dev;

	if (!rte_eth_dev_is_valid_port(port_id))
		return NULL;
	dev = &rte_eth_devices[port_id];
	if (!svnic_api_driver_is(dev, RTE_PMD_SVNIC_DRIVER_NAME) &&
	    !svnic_api_driver_is(dev, RTE_PMD_SVNIC_PCI_DRIVER_NAME))
		return NULL;
	return dev->data->dev_private;
}

/* A request's arguments and results, on the caller's stack. */
struct svnic_api_req {
	uint16_t vf_id;
	uint16_t u16;
	uint32_t flags;
	uint32_t a, b;
	bool on;
	const void *in;
	void *out;
	uint16_t *ids;
	uint16_t max;
	rte_pmd_svnic_vf_state_cb cb;
	void *cb_arg;
};

static int
svnic_api_call(uint16_t port_id, svnic_ctrl_fn fn, struct svnic_api_req *r)
{
	struct svnic_adapter *ad = svnic_api_pf(port_id);

	if (ad == NULL)
		return -ENODEV;
	return svnic_ctrl_call(ad, fn, r);
}

/* The switch, or -ENOTSUP logged once per call: the device has no SR-IOV. */
static struct sriov_switch *
svnic_api_sw(struct svnic_adapter *ad)
{
	struct sriov_switch *sw = svnic_sriov_switch(ad);

	if (sw == NULL)
		SVNIC_DRV_LOG(ERR, "%s: the device has no SR-IOV", ad->hw.name);
	return sw;
}

static int
svnic_api_log(struct svnic_adapter *ad, uint16_t vf_id, const char *what, int ret)
{
	if (ret < 0)
		SVNIC_DRV_LOG(ERR, "%s: VF %u: %s: %s", ad->hw.name, vf_id, what, strerror(-ret));
	return ret;
}

int
rte_pmd_svnic_get_sriov_caps(uint16_t port_id, struct rte_pmd_svnic_sriov_caps *caps)
{
	struct rte_eth_dev *dev;

	if (caps == NULL)
		return -EINVAL;
	if (!rte_eth_dev_is_valid_port(port_id))
		return -ENODEV;
	dev = &rte_eth_devices[port_id];
	if (!svnic_api_driver_is(dev, RTE_PMD_SVNIC_DRIVER_NAME) &&
	    !svnic_api_driver_is(dev, RTE_PMD_SVNIC_PCI_DRIVER_NAME) &&
	    !svnic_api_driver_is(dev, RTE_PMD_SVNIC_VF_DRIVER_NAME))
		return -ENODEV;
	/* both drivers' adapters start with their caps (svnic_ethdev.h) */
	memcpy(caps, dev->data->dev_private, sizeof(*caps));
	return 0;
}

int
rte_pmd_svnic_get_ctrl_stats(uint16_t port_id, struct rte_pmd_svnic_ctrl_stats *st)
{
	struct svnic_adapter *ad = svnic_api_pf(port_id);

	if (st == NULL)
		return -EINVAL;
	if (ad == NULL)
		return -ENODEV;
	st->busy_poll_us = (uint32_t)(ad->ctrl.busy_poll_ns / 1000u);
	/* the control thread is the counters' one writer */
	st->wakeups = __atomic_load_n(&ad->ctrl.wakeups, __ATOMIC_RELAXED);
	st->spins = __atomic_load_n(&ad->ctrl.spins, __ATOMIC_RELAXED);
	st->spin_holds = __atomic_load_n(&ad->ctrl.spin_holds, __ATOMIC_RELAXED);
	st->hot_msgs = __atomic_load_n(&ad->ctrl.hot_msgs, __ATOMIC_RELAXED);
	st->irqs = __atomic_load_n(&ad->ctrl.irqs, __ATOMIC_RELAXED);
	return 0;
}

static int
svnic_api_set_num_vfs(struct svnic_adapter *ad, void *arg)
{
	struct svnic_api_req *r = arg;

	if (svnic_api_sw(ad) == NULL)
		return -ENOTSUP;
	return svnic_sriov_set_num_vfs(ad, r->u16);
}

int
rte_pmd_svnic_set_num_vfs(uint16_t port_id, uint16_t num_vfs)
{
	struct svnic_api_req r = { .u16 = num_vfs };

	return svnic_api_call(port_id, svnic_api_set_num_vfs, &r);
}

static int
svnic_api_vf_alloc(struct svnic_adapter *ad, void *arg)
{
	struct svnic_api_req *r = arg;
	const struct rte_pmd_svnic_vf_params *p = r->in;
	struct sriov_switch *sw = svnic_api_sw(ad);
	struct sriov_vf_params vp;
	uint16_t rid;
	int ret;

	if (sw == NULL)
		return -ENOTSUP;
	if (sriov_switch_num_vfs(sw) == 0) {
		SVNIC_DRV_LOG(ERR, "%s: no VFs enabled (max_vfs or rte_pmd_svnic_set_num_vfs)",
			      ad->hw.name);
		return -ENOTSUP;
	}
	if (memchr(p->name, '\0', sizeof(p->name)) == NULL) {
		SVNIC_DRV_LOG(ERR, "%s: VF name is not NUL-terminated", ad->hw.name);
		return -EINVAL;
	}
	memset(&vp, 0, sizeof(vp));
	vp.switch_id = sriov_switch_get_cfg(sw)->switch_id;
	vp.num_queue_pairs = p->nb_queue_pairs;
	vp.numa_node = p->numa_node < 0 ? SRIOV_NUMA_ANY : p->numa_node;
	if (rte_is_zero_ether_addr(&p->mac)) {
		struct rte_ether_addr mac;

		/* a locally administered address of our own making */
		rte_eth_random_addr(mac.addr_bytes);
		memcpy(vp.perm_mac, mac.addr_bytes, 6);
	} else {
		memcpy(vp.perm_mac, p->mac.addr_bytes, 6);
	}
	vp.num_vectors = p->nb_vectors != 0 ? p->nb_vectors :
			 sriov_switch_get_cfg(sw)->max_vectors_per_vf;
	memcpy(vp.name, p->name, sizeof(vp.name));
	ret = sriov_vf_alloc(sw, &vp, r->ids, &rid);
	if (ret < 0)
		SVNIC_DRV_LOG(ERR, "%s: VF allocation (%u queue pairs): %s", ad->hw.name,
			      p->nb_queue_pairs, strerror(-ret));
	return ret;
}

int
rte_pmd_svnic_vf_alloc(uint16_t port_id, const struct rte_pmd_svnic_vf_params *params,
		       uint16_t *vf_id)
{
	struct svnic_api_req r = { .in = params, .ids = vf_id };

	if (params == NULL || vf_id == NULL)
		return -EINVAL;
	return svnic_api_call(port_id, svnic_api_vf_alloc, &r);
}

static int
svnic_api_vf_free(struct svnic_adapter *ad, void *arg)
{
	struct svnic_api_req *r = arg;
	struct sriov_switch *sw = svnic_api_sw(ad);

	if (sw == NULL)
		return -ENOTSUP;
	if (r->flags & ~RTE_PMD_SVNIC_VF_FREE_CASCADE)
		return svnic_api_log(ad, r->vf_id, "free: unknown flags", -EINVAL);
	return svnic_api_log(ad, r->vf_id, "free",
			     sriov_vf_free(sw, r->vf_id,
					   (r->flags & RTE_PMD_SVNIC_VF_FREE_CASCADE) ?
					   SRIOV_FREE_CASCADE : 0));
}

int
rte_pmd_svnic_vf_free(uint16_t port_id, uint16_t vf_id, uint32_t flags)
{
	struct svnic_api_req r = { .vf_id = vf_id, .flags = flags };

	return svnic_api_call(port_id, svnic_api_vf_free, &r);
}

static int
svnic_api_vf_get_info(struct svnic_adapter *ad, void *arg)
{
	struct svnic_api_req *r = arg;
	struct rte_pmd_svnic_vf_info *info = r->out;
	struct sriov_switch *sw = svnic_api_sw(ad);
	struct sriov_mgmt_vf_entry e;
	int ret;

	if (sw == NULL)
		return -ENOTSUP;
	ret = sriov_mgmt_vf_entry_get(sw, r->vf_id, NULL, NULL, &e);
	if (ret < 0)
		return ret;
	memset(info, 0, sizeof(*info));
	info->vf_id = e.info.vf_id;
	info->rid = e.info.rid;
	info->state = (enum rte_pmd_svnic_vf_state)e.info.state;
	info->params.nb_queue_pairs = e.info.params.num_queue_pairs;
	info->params.numa_node = e.info.params.numa_node;
	memcpy(info->params.mac.addr_bytes, e.info.params.perm_mac, 6);
	info->params.nb_vectors = e.info.params.num_vectors;
	memcpy(info->params.name, e.info.params.name, sizeof(info->params.name));
	info->has_vport = e.has_vport;
	if (e.has_vport) {
		info->queue_base = e.queue_base;
		info->nb_queues = e.nb_queues;
		memcpy(info->mac.addr_bytes, e.props.mac, 6);
		info->vlan_id = e.props.vlan_id;
		info->vlan_qos = e.props.vlan_qos;
		info->vlan_proto = e.props.vlan_proto;
		info->spoofchk = e.props.spoofchk;
		info->trust = e.props.trust;
		info->link_state = (enum rte_pmd_svnic_link_state)e.props.link_state;
		info->min_tx_rate = e.props.min_tx_rate;
		info->max_tx_rate = e.props.max_tx_rate;
	}
	{
		struct sriov_mgmt_vf_stats ms;
		struct svnic_mbx_stats ds;

		if (svnic_sriov_vf_stats(ad, r->vf_id, &ms, &ds) == 0)
			info->guest_connected = ms.guest_connected;
	}
	return 0;
}

int
rte_pmd_svnic_vf_get_info(uint16_t port_id, uint16_t vf_id, struct rte_pmd_svnic_vf_info *info)
{
	struct svnic_api_req r = { .vf_id = vf_id, .out = info };

	if (info == NULL)
		return -EINVAL;
	return svnic_api_call(port_id, svnic_api_vf_get_info, &r);
}

static int
svnic_api_vf_list(struct svnic_adapter *ad, void *arg)
{
	struct svnic_api_req *r = arg;
	struct sriov_switch *sw = svnic_api_sw(ad);
	uint16_t i, n = 0;

	if (sw == NULL)
		return -ENOTSUP;
	for (i = 0; i < sriov_switch_num_vfs(sw); i++) {
		if (!sriov_vf_state_is_allocated(sriov_switch_vf_const(sw, i)->state))
			continue;
		if (n < r->max)
			r->ids[n] = i;
		n++;
	}
	return n;
}

int
rte_pmd_svnic_vf_list(uint16_t port_id, uint16_t *ids, uint16_t max)
{
	struct svnic_api_req r = { .ids = ids, .max = max };

	if (ids == NULL && max != 0)
		return -EINVAL;
	return svnic_api_call(port_id, svnic_api_vf_list, &r);
}

static int
svnic_api_vf_reset(struct svnic_adapter *ad, void *arg)
{
	struct svnic_api_req *r = arg;
	struct sriov_switch *sw = svnic_api_sw(ad);

	if (sw == NULL)
		return -ENOTSUP;
	return svnic_api_log(ad, r->vf_id, "reset", sriov_vf_reset(sw, r->vf_id, true));
}

int
rte_pmd_svnic_vf_reset(uint16_t port_id, uint16_t vf_id)
{
	struct svnic_api_req r = { .vf_id = vf_id };

	return svnic_api_call(port_id, svnic_api_vf_reset, &r);
}

static int
svnic_api_vport_create(struct svnic_adapter *ad, void *arg)
{
	struct svnic_api_req *r = arg;
	struct sriov_switch *sw = svnic_api_sw(ad);
	struct sriov_vport_props props;
	struct sriov_vf_info info;
	int ret;

	if (sw == NULL)
		return -ENOTSUP;
	ret = sriov_vf_get_info(sw, r->vf_id, &info);
	if (ret < 0)
		return svnic_api_log(ad, r->vf_id, "VPort create", ret);
	sriov_vport_props_init(&props);
	memcpy(props.mac, info.params.perm_mac, 6);
	return svnic_api_log(ad, r->vf_id, "VPort create",
			     sriov_vport_create(sw, r->vf_id, SRIOV_QUEUE_AUTO, r->u16, &props));
}

int
rte_pmd_svnic_vport_create(uint16_t port_id, uint16_t vf_id, uint16_t nb_queues)
{
	struct svnic_api_req r = { .vf_id = vf_id, .u16 = nb_queues };

	return svnic_api_call(port_id, svnic_api_vport_create, &r);
}

static int
svnic_api_vport_delete(struct svnic_adapter *ad, void *arg)
{
	struct svnic_api_req *r = arg;
	struct sriov_switch *sw = svnic_api_sw(ad);

	if (sw == NULL)
		return -ENOTSUP;
	return svnic_api_log(ad, r->vf_id, "VPort delete", sriov_vport_delete(sw, r->vf_id));
}

int
rte_pmd_svnic_vport_delete(uint16_t port_id, uint16_t vf_id)
{
	struct svnic_api_req r = { .vf_id = vf_id };

	return svnic_api_call(port_id, svnic_api_vport_delete, &r);
}

/* The VPort setters: one switch call, then the device follows (VPORT_MODIFY). */
enum svnic_api_prop {
	SVNIC_API_MAC,
	SVNIC_API_VLAN,
	SVNIC_API_SPOOFCHK,
	SVNIC_API_TRUST,
	SVNIC_API_LINK,
	SVNIC_API_RATE,
};

static int
svnic_api_set_prop(struct svnic_adapter *ad, void *arg)
{
	static const char *const what[] = {
		[SVNIC_API_MAC] = "set MAC", [SVNIC_API_VLAN] = "set VLAN",
		[SVNIC_API_SPOOFCHK] = "set spoof check", [SVNIC_API_TRUST] = "set trust",
		[SVNIC_API_LINK] = "set link state", [SVNIC_API_RATE] = "set rate",
	};
	struct svnic_api_req *r = arg;
	struct sriov_switch *sw = svnic_api_sw(ad);
	int ret;

	if (sw == NULL)
		return -ENOTSUP;
	switch (r->flags) {
	case SVNIC_API_MAC:
		ret = sriov_vport_set_mac(sw, r->vf_id, r->in);
		break;
	case SVNIC_API_VLAN:
		ret = sriov_vport_set_vlan(sw, r->vf_id, r->u16, (uint8_t)r->a, (uint16_t)r->b);
		break;
	case SVNIC_API_SPOOFCHK:
		ret = sriov_vport_set_spoofchk(sw, r->vf_id, r->on);
		break;
	case SVNIC_API_TRUST:
		ret = sriov_vport_set_trust(sw, r->vf_id, r->on);
		break;
	case SVNIC_API_LINK:
		ret = r->a > RTE_PMD_SVNIC_LINK_DISABLE ? -EINVAL :
		      sriov_vport_set_link_state(sw, r->vf_id, (enum sriov_link_state)r->a);
		break;
	case SVNIC_API_RATE:
		ret = sriov_vport_set_rate(sw, r->vf_id, r->a, r->b);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	if (ret == 0)
		svnic_sriov_vport_changed(ad, r->vf_id);
	return svnic_api_log(ad, r->vf_id, what[r->flags], ret);
}

int
rte_pmd_svnic_set_vf_mac_addr(uint16_t port_id, uint16_t vf_id, const struct rte_ether_addr *mac)
{
	struct svnic_api_req r = { .vf_id = vf_id, .flags = SVNIC_API_MAC };

	if (mac == NULL)
		return -EINVAL;
	r.in = mac->addr_bytes;
	return svnic_api_call(port_id, svnic_api_set_prop, &r);
}

int
rte_pmd_svnic_set_vf_vlan(uint16_t port_id, uint16_t vf_id, uint16_t vlan_id, uint8_t qos,
			  uint16_t proto)
{
	struct svnic_api_req r = { .vf_id = vf_id, .flags = SVNIC_API_VLAN, .u16 = vlan_id,
				   .a = qos, .b = proto };

	return svnic_api_call(port_id, svnic_api_set_prop, &r);
}

int
rte_pmd_svnic_set_vf_spoofchk(uint16_t port_id, uint16_t vf_id, bool on)
{
	struct svnic_api_req r = { .vf_id = vf_id, .flags = SVNIC_API_SPOOFCHK, .on = on };

	return svnic_api_call(port_id, svnic_api_set_prop, &r);
}

int
rte_pmd_svnic_set_vf_trust(uint16_t port_id, uint16_t vf_id, bool on)
{
	struct svnic_api_req r = { .vf_id = vf_id, .flags = SVNIC_API_TRUST, .on = on };

	return svnic_api_call(port_id, svnic_api_set_prop, &r);
}

int
rte_pmd_svnic_set_vf_link_state(uint16_t port_id, uint16_t vf_id,
				enum rte_pmd_svnic_link_state state)
{
	struct svnic_api_req r = { .vf_id = vf_id, .flags = SVNIC_API_LINK,
				   .a = (uint32_t)state };

	return svnic_api_call(port_id, svnic_api_set_prop, &r);
}

int
rte_pmd_svnic_set_vf_rate(uint16_t port_id, uint16_t vf_id, uint32_t min_mbps,
			  uint32_t max_mbps)
{
	struct svnic_api_req r = { .vf_id = vf_id, .flags = SVNIC_API_RATE, .a = min_mbps,
				   .b = max_mbps };

	return svnic_api_call(port_id, svnic_api_set_prop, &r);
}

static int
svnic_api_get_vf_stats(struct svnic_adapter *ad, void *arg)
{
	struct svnic_api_req *r = arg;
	struct rte_pmd_svnic_vf_stats *st = r->out;
	struct sriov_mgmt_vf_stats ms;
	struct svnic_mbx_stats ds;
	int ret;

	if (svnic_api_sw(ad) == NULL)
		return -ENOTSUP;
	ret = svnic_sriov_vf_stats(ad, r->vf_id, &ms, &ds);
	if (ret < 0)
		return svnic_api_log(ad, r->vf_id, "statistics", ret);
	memset(st, 0, sizeof(*st));
	st->rx_packets = ds.rx_packets;
	st->rx_bytes = ds.rx_bytes;
	st->rx_dropped = ds.rx_dropped;
	st->tx_packets = ds.tx_packets;
	st->tx_bytes = ds.tx_bytes;
	st->tx_dropped = ds.tx_dropped;
	st->tx_spoofed = ds.tx_spoofed;
	svnic_sriov_mbx_counters(ad, r->vf_id, &st->mbx_requests, &st->mbx_refused);
	return 0;
}

int
rte_pmd_svnic_get_vf_stats(uint16_t port_id, uint16_t vf_id, struct rte_pmd_svnic_vf_stats *stats)
{
	struct svnic_api_req r = { .vf_id = vf_id, .out = stats };

	if (stats == NULL)
		return -EINVAL;
	return svnic_api_call(port_id, svnic_api_get_vf_stats, &r);
}

static int
svnic_api_cb_register(struct svnic_adapter *ad, void *arg)
{
	struct svnic_api_req *r = arg;
	unsigned int i;

	for (i = 0; i < RTE_DIM(ad->vf_state_cbs); i++) {
		if (ad->vf_state_cbs[i].cb == NULL) {
			ad->vf_state_cbs[i].cb = r->cb;
			ad->vf_state_cbs[i].arg = r->cb_arg;
			return 0;
		}
	}
	return -ENOSPC;
}

static int
svnic_api_cb_unregister(struct svnic_adapter *ad, void *arg)
{
	struct svnic_api_req *r = arg;
	unsigned int i;

	for (i = 0; i < RTE_DIM(ad->vf_state_cbs); i++) {
		if (ad->vf_state_cbs[i].cb == r->cb && ad->vf_state_cbs[i].arg == r->cb_arg) {
			ad->vf_state_cbs[i].cb = NULL;
			ad->vf_state_cbs[i].arg = NULL;
			return 0;
		}
	}
	return -ENOENT;
}

int
rte_pmd_svnic_vf_state_callback_register(uint16_t port_id, rte_pmd_svnic_vf_state_cb cb,
					 void *arg)
{
	struct svnic_api_req r = { .cb = cb, .cb_arg = arg };

	if (cb == NULL)
		return -EINVAL;
	return svnic_api_call(port_id, svnic_api_cb_register, &r);
}

int
rte_pmd_svnic_vf_state_callback_unregister(uint16_t port_id, rte_pmd_svnic_vf_state_cb cb,
					   void *arg)
{
	struct svnic_api_req r = { .cb = cb, .cb_arg = arg };

	if (cb == NULL)
		return -EINVAL;
	return svnic_api_call(port_id, svnic_api_cb_unregister, &r);
}
