/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PF side of the mailbox. Every request goes through the same gates in the
 * same order (doc/mailbox.rst): VF state, rate, wire format, HELLO session,
 * then one dispatch switch whose per-opcode handlers judge the request against
 * the VPort's operator settings before they touch the guest state. Whatever
 * the outcome, exactly one reply is written.
 */

#include <errno.h>
#include <string.h>

#include "sriov_log.h"
#include "sriov_mbx.h"

#define SRIOV_MBX_HDR_LEN	sizeof(struct svnic_mbx_hdr)
#define SRIOV_MBX_MAC_LEN	6
#define SRIOV_MBX_ERRNO_MAX	4095

/* One request on its way through the handler. */
struct sriov_mbx_req {
	struct sriov_switch *sw;
	uint16_t switch_id;		/* for the log */
	struct sriov_vf *vf;
	const struct sriov_mbx_ops *ops;
	void *ctx;
	struct svnic_mbx_hdr hdr;
	const uint8_t *payload;
	union {
		struct svnic_mbx_hello hello;
		struct svnic_mbx_resources res;
		struct svnic_mbx_stats stats;
	} out;				/* reply payload when status is 0 */
	uint16_t out_len;
	unsigned int actions;
	const char *reason;		/* why it was refused, for the log */
};

static uint16_t
sriov_mbx_min_mtu(const struct sriov_mbx_ops *ops)
{
	return ops->min_mtu != 0 ? ops->min_mtu : SVNIC_MTU_MIN;
}

static uint16_t
sriov_mbx_max_mtu(const struct sriov_mbx_ops *ops)
{
	return ops->max_mtu != 0 ? ops->max_mtu : SVNIC_MTU_MAX;
}

/* The ops end up in GET_RESOURCES replies, which the VF validates: keep them sane. */
static int
sriov_mbx_check_ops(const struct sriov_mbx_ops *ops)
{
	uint16_t ts = ops->rss_table_size;

	if (ops->rss_key_size > SVNIC_RSS_KEY_MAX ||
	    ts > SVNIC_RSS_TABLE_MAX || (ts & (ts - 1)) != 0 ||
	    (ops->rss_hash_types & ~SVNIC_RSS_HF_ALL) != 0)
		return -EINVAL;
	if (sriov_mbx_min_mtu(ops) < SVNIC_MTU_MIN || sriov_mbx_max_mtu(ops) > SVNIC_MTU_MAX ||
	    sriov_mbx_min_mtu(ops) > sriov_mbx_max_mtu(ops))
		return -EINVAL;
	return 0;
}

static bool
sriov_mbx_rss_offered(const struct sriov_mbx_ops *ops)
{
	return (ops->pf_caps & SVNIC_MBX_CAP_RSS) != 0 && ops->rss_key_size != 0 &&
	       ops->rss_table_size != 0;
}

static uint16_t
sriov_mbx_mac_limit(const struct sriov_vf *vf)
{
	return vf->vport.props.trust ? SVNIC_MBX_MAC_FILTERS_MAX : SRIOV_UNTRUSTED_MAC_FILTERS;
}

static uint16_t
sriov_mbx_vlan_limit(const struct sriov_vf *vf)
{
	return vf->vport.props.trust ? SVNIC_MBX_VLAN_FILTERS_MAX : SRIOV_UNTRUSTED_VLAN_FILTERS;
}

static bool
sriov_mbx_vlan_test(const struct sriov_vf_guest *g, uint16_t vid)
{
	return (g->vlan_bitmap[vid / 8] & (1u << (vid % 8))) != 0;
}

static int
sriov_mbx_find_mac_filter(const struct sriov_vf_guest *g, const uint8_t *mac)
{
	int i;

	for (i = 0; i < g->nb_mac_filters; i++)
		if (memcmp(g->mac_filters[i], mac, SRIOV_MBX_MAC_LEN) == 0)
			return i;
	return -1;
}

/* The MAC the VF must use: its own if it was allowed one, the operator's, the permanent. */
static const uint8_t *
sriov_mbx_vf_mac(const struct sriov_vf *vf)
{
	const struct sriov_vport_props *props = &vf->vport.props;

	if (props->mac_set && (!props->trust || !vf->guest.mac_set))
		return props->mac;
	if (vf->guest.mac_set)
		return vf->guest.mac;
	return vf->params.perm_mac;
}

/* Queues a VF may configure: its VPort's, as far as a VF's doorbells reach. */
static uint16_t
sriov_mbx_nb_queues(const struct sriov_vf *vf)
{
	return vf->vport.nb_queues < SRIOV_VF_QUEUES_MAX ? vf->vport.nb_queues :
	       SRIOV_VF_QUEUES_MAX;
}

static bool
sriov_mbx_session_minor_ok(const struct sriov_vf_guest *g, uint16_t opcode)
{
	return svnic_mbx_op_minor(opcode) <= SVNIC_MBX_VERSION_GET_MINOR(g->mbx_version);
}

static int
sriov_mbx_refuse(struct sriov_mbx_req *r, int err, const char *reason)
{
	r->reason = reason;
	return err;
}

/* Per-opcode handlers: judge first, then apply; a refusal touches nothing. */

static int
sriov_mbx_handle_hello(struct sriov_mbx_req *r)
{
	struct svnic_mbx_hello h;
	struct sriov_vf_guest *g = &r->vf->guest;
	uint16_t minor;

	memcpy(&h, r->payload, sizeof(h));
	if (h.major != SVNIC_MBX_VERSION_MAJOR)
		return sriov_mbx_refuse(r, -EPROTONOSUPPORT, "unsupported major version");
	minor = h.minor;
	if (minor > SVNIC_MBX_VERSION_MINOR)
		minor = SVNIC_MBX_VERSION_MINOR;
	if (!g->hello_done) {
		r->actions |= SRIOV_MBX_ACT_GUEST_UP;
		/* a new guest driver: its first mistakes are worth seeing */
		r->vf->mbx_log_count = 0;
	}
	g->hello_done = true;
	g->mbx_version = SVNIC_MBX_VERSION(SVNIC_MBX_VERSION_MAJOR, minor);
	r->out.hello.major = SVNIC_MBX_VERSION_MAJOR;
	r->out.hello.minor = minor;
	r->out.hello.caps = r->ops->pf_caps &
		(SVNIC_MBX_CAP_RSS | SVNIC_MBX_CAP_VLAN_OFFLOAD | SVNIC_MBX_CAP_LINK_EVENTS);
	/* the shared RX mailbox when both ends can (1.2): this reply already goes there */
	g->shared_rx = minor >= 2 && (h.caps & SVNIC_MBX_CAP_SHARED_RX) &&
		       (r->ops->pf_caps & SVNIC_MBX_CAP_SHARED_RX);
	if (g->shared_rx)
		r->out.hello.caps |= SVNIC_MBX_CAP_SHARED_RX;
	r->out_len = sizeof(r->out.hello);
	return 0;
}

static int
sriov_mbx_handle_get_resources(struct sriov_mbx_req *r)
{
	const struct sriov_vf *vf = r->vf;
	const struct sriov_vport_props *props = &vf->vport.props;
	const struct sriov_mbx_ops *ops = r->ops;
	struct svnic_mbx_resources *res = &r->out.res;

	memset(res, 0, sizeof(*res));
	res->num_queue_pairs = sriov_mbx_nb_queues(vf);
	res->min_mtu = sriov_mbx_min_mtu(ops);
	res->max_mtu = sriov_mbx_max_mtu(ops);
	res->caps = ops->pf_caps & (SVNIC_MBX_CAP_VLAN_OFFLOAD | SVNIC_MBX_CAP_LINK_EVENTS);
	if (sriov_mbx_rss_offered(ops)) {
		res->rss_key_size = ops->rss_key_size;
		res->rss_table_size = ops->rss_table_size;
		res->rss_hash_types = ops->rss_hash_types;
		res->caps |= SVNIC_MBX_CAP_RSS;
	}
	res->max_mac_filters = sriov_mbx_mac_limit(vf);
	/* a port VLAN leaves the VF no VLAN filters of its own */
	res->max_vlan_filters = props->vlan_id != 0 ? 0 : sriov_mbx_vlan_limit(vf);
	res->max_mc_addrs = SVNIC_MBX_MC_ADDRS_MAX;
	memcpy(res->mac, sriov_mbx_vf_mac(vf), SRIOV_MBX_MAC_LEN);
	res->port_vlan = props->vlan_id;
	if (props->trust)
		res->caps |= SVNIC_MBX_CAP_TRUSTED;
	if (props->vlan_id != 0)
		res->caps |= SVNIC_MBX_CAP_PORT_VLAN;
	if (props->mac_set)
		res->caps |= SVNIC_MBX_CAP_ADMIN_MAC;
	/* head_wb_addr is in CONFIG_QUEUE since 1.1: the bit says it will be taken */
	if (sriov_mbx_session_minor_ok(&vf->guest, SVNIC_MBX_OP_CONFIG_QUEUE))
		res->caps |= SVNIC_MBX_CAP_QUEUE_CFG | (ops->pf_caps & SVNIC_MBX_CAP_HEAD_WB);
	/* the offload bits mean nothing to a driver older than 1.2: not sent */
	if (sriov_mbx_session_minor_ok(&vf->guest, SVNIC_MBX_OP_SET_VLAN_STRIP))
		res->caps |= ops->pf_caps & SVNIC_MBX_CAP_OFFLOADS;
	r->out_len = sizeof(*res);
	return 0;
}

static int
sriov_mbx_handle_set_mac(struct sriov_mbx_req *r)
{
	const struct sriov_vport_props *props = &r->vf->vport.props;
	struct sriov_vf_guest *g = &r->vf->guest;
	struct svnic_mbx_mac m;

	memcpy(&m, r->payload, sizeof(m));
	if (props->mac_set && !props->trust &&
	    memcmp(m.addr, props->mac, SRIOV_MBX_MAC_LEN) != 0)
		return sriov_mbx_refuse(r, -EPERM, "MAC set by the operator");
	memcpy(g->mac, m.addr, SRIOV_MBX_MAC_LEN);
	g->mac_set = true;
	r->actions |= SRIOV_MBX_ACT_FILTERS;
	return 0;
}

static int
sriov_mbx_handle_add_mac_filter(struct sriov_mbx_req *r)
{
	const struct sriov_vport_props *props = &r->vf->vport.props;
	struct sriov_vf_guest *g = &r->vf->guest;
	struct svnic_mbx_mac m;

	memcpy(&m, r->payload, sizeof(m));
	/* an operator-pinned identity is not widened by an untrusted guest */
	if (props->mac_set && !props->trust &&
	    memcmp(m.addr, props->mac, SRIOV_MBX_MAC_LEN) != 0)
		return sriov_mbx_refuse(r, -EPERM, "MAC set by the operator");
	if (sriov_mbx_find_mac_filter(g, m.addr) >= 0)
		return 0;
	if (g->nb_mac_filters >= sriov_mbx_mac_limit(r->vf))
		return sriov_mbx_refuse(r, -ENOSPC, "MAC filter limit reached");
	memcpy(g->mac_filters[g->nb_mac_filters], m.addr, SRIOV_MBX_MAC_LEN);
	g->nb_mac_filters++;
	r->actions |= SRIOV_MBX_ACT_FILTERS;
	return 0;
}

static int
sriov_mbx_handle_del_mac_filter(struct sriov_mbx_req *r)
{
	struct sriov_vf_guest *g = &r->vf->guest;
	struct svnic_mbx_mac m;
	int i;

	memcpy(&m, r->payload, sizeof(m));
	i = sriov_mbx_find_mac_filter(g, m.addr);
	if (i < 0)
		return sriov_mbx_refuse(r, -ENOENT, "no such MAC filter");
	g->nb_mac_filters--;
	memcpy(g->mac_filters[i], g->mac_filters[g->nb_mac_filters], SRIOV_MBX_MAC_LEN);
	memset(g->mac_filters[g->nb_mac_filters], 0, SRIOV_MBX_MAC_LEN);
	r->actions |= SRIOV_MBX_ACT_FILTERS;
	return 0;
}

static int
sriov_mbx_handle_set_mc_list(struct sriov_mbx_req *r)
{
	struct sriov_vf_guest *g = &r->vf->guest;
	struct svnic_mbx_mc_list l;
	size_t n;

	memcpy(&l, r->payload, sizeof(l));
	n = (size_t)l.count * SRIOV_MBX_MAC_LEN;
	memcpy(g->mc_addrs, r->payload + sizeof(l), n);
	memset((uint8_t *)g->mc_addrs + n, 0, sizeof(g->mc_addrs) - n);
	g->nb_mc_addrs = l.count;
	r->actions |= SRIOV_MBX_ACT_FILTERS;
	return 0;
}

static int
sriov_mbx_handle_set_promisc(struct sriov_mbx_req *r)
{
	const struct sriov_vport_props *props = &r->vf->vport.props;
	struct svnic_mbx_enable e;

	memcpy(&e, r->payload, sizeof(e));
	/* unicast promisc sees other functions' traffic: trust and the operator's leave */
	if (e.enable && !(props->trust && props->allow_promisc))
		return sriov_mbx_refuse(r, -EPERM, "promiscuous mode not allowed");
	r->vf->guest.promisc = e.enable != 0;
	r->actions |= SRIOV_MBX_ACT_RX_MODE;
	return 0;
}

static int
sriov_mbx_handle_set_allmulti(struct sriov_mbx_req *r)
{
	const struct sriov_vport_props *props = &r->vf->vport.props;
	struct svnic_mbx_enable e;

	memcpy(&e, r->payload, sizeof(e));
	if (e.enable && !(props->trust || props->allow_allmulti))
		return sriov_mbx_refuse(r, -EPERM, "all-multicast not allowed");
	r->vf->guest.allmulti = e.enable != 0;
	r->actions |= SRIOV_MBX_ACT_RX_MODE;
	return 0;
}

/* Any VF may have its own tags stripped; the device must be able to. */
static int
sriov_mbx_handle_set_vlan_strip(struct sriov_mbx_req *r)
{
	struct svnic_mbx_enable e;

	memcpy(&e, r->payload, sizeof(e));
	if (!(r->ops->pf_caps & SVNIC_MBX_CAP_VLAN_STRIP))
		return sriov_mbx_refuse(r, -EOPNOTSUPP, "the device strips no VLAN tags");
	if (r->vf->guest.vlan_strip != (e.enable != 0)) {
		r->vf->guest.vlan_strip = e.enable != 0;
		r->actions |= SRIOV_MBX_ACT_RX_MODE;
	}
	return 0;
}

static int
sriov_mbx_handle_vlan(struct sriov_mbx_req *r, bool add)
{
	struct sriov_vf_guest *g = &r->vf->guest;
	struct svnic_mbx_vlan v;
	bool present;

	memcpy(&v, r->payload, sizeof(v));
	/* the operator's port VLAN tags everything; the guest sees no VLANs */
	if (r->vf->vport.props.vlan_id != 0)
		return sriov_mbx_refuse(r, -EPERM, "port VLAN set by the operator");
	present = sriov_mbx_vlan_test(g, v.vlan_id);
	if (add) {
		if (present)
			return 0;
		if (g->nb_vlans >= sriov_mbx_vlan_limit(r->vf))
			return sriov_mbx_refuse(r, -ENOSPC, "VLAN filter limit reached");
		g->vlan_bitmap[v.vlan_id / 8] |= (uint8_t)(1u << (v.vlan_id % 8));
		g->nb_vlans++;
	} else {
		if (!present)
			return sriov_mbx_refuse(r, -ENOENT, "no such VLAN filter");
		g->vlan_bitmap[v.vlan_id / 8] &= (uint8_t)~(1u << (v.vlan_id % 8));
		g->nb_vlans--;
	}
	r->actions |= SRIOV_MBX_ACT_FILTERS;
	return 0;
}

static int
sriov_mbx_handle_config_rss(struct sriov_mbx_req *r)
{
	const struct sriov_mbx_ops *ops = r->ops;
	struct sriov_vf_guest *g = &r->vf->guest;
	struct svnic_mbx_rss rss;
	const uint8_t *table = r->payload + sizeof(rss);
	uint16_t i, q;

	memcpy(&rss, r->payload, sizeof(rss));
	if (!sriov_mbx_rss_offered(ops))
		return sriov_mbx_refuse(r, -EOPNOTSUPP, "no RSS on this device");
	if (rss.key_len != 0 && rss.key_len != ops->rss_key_size)
		return sriov_mbx_refuse(r, -EINVAL, "RSS key size differs from the device's");
	if (rss.table_len > ops->rss_table_size)
		return sriov_mbx_refuse(r, -EINVAL, "RSS table larger than the device's");
	if ((rss.hash_types & ~ops->rss_hash_types) != 0)
		return sriov_mbx_refuse(r, -EINVAL, "RSS hash type the device lacks");
	/* entries index the VF's own queues, never another function's */
	for (i = 0; i < rss.table_len; i++) {
		memcpy(&q, table + (size_t)i * sizeof(q), sizeof(q));
		if (q >= r->vf->vport.nb_queues)
			return sriov_mbx_refuse(r, -EINVAL, "RSS entry past the VF's queues");
	}
	g->rss_func = rss.hash_func;
	g->rss_hash_types = rss.hash_types;
	if (rss.key_len != 0)
		memcpy(g->rss_key, rss.key, sizeof(g->rss_key));
	if (rss.table_len != 0) {
		memset(g->rss_table, 0, sizeof(g->rss_table));
		memcpy(g->rss_table, table, (size_t)rss.table_len * sizeof(q));
		g->rss_table_len = rss.table_len;
	}
	r->actions |= SRIOV_MBX_ACT_RSS;
	return 0;
}

static int
sriov_mbx_handle_set_mtu(struct sriov_mbx_req *r)
{
	struct svnic_mbx_mtu m;

	memcpy(&m, r->payload, sizeof(m));
	if (m.mtu < sriov_mbx_min_mtu(r->ops) || m.mtu > sriov_mbx_max_mtu(r->ops))
		return sriov_mbx_refuse(r, -EINVAL, "MTU outside the device's limits");
	r->vf->guest.mtu = m.mtu;
	r->actions |= SRIOV_MBX_ACT_MTU;
	return 0;
}

static int
sriov_mbx_handle_get_stats(struct sriov_mbx_req *r)
{
	int ret;

	if (r->ops->get_stats == NULL)
		return sriov_mbx_refuse(r, -EOPNOTSUPP, "no statistics");
	memset(&r->out.stats, 0, sizeof(r->out.stats));
	ret = r->ops->get_stats(r->ctx, r->vf->vf_id, &r->out.stats);
	/* whatever the callback says, the wire carries an errno */
	if (ret < -SRIOV_MBX_ERRNO_MAX)
		ret = -EIO;
	if (ret < 0)
		return sriov_mbx_refuse(r, ret, "statistics unavailable");
	r->out.stats.rsvd = 0;
	r->out_len = sizeof(r->out.stats);
	return 0;
}

/*
 * CONFIG_QUEUE only records the queue: QUEUE_CONFIG sets a queue up and enables
 * it in one command (device-spec "QUEUE_CONFIG"), so the device hears of it at
 * ENABLE_QUEUES. An enabled queue is refused, as the device refuses it (EBUSY).
 */
static int
sriov_mbx_handle_config_queue(struct sriov_mbx_req *r)
{
	struct sriov_vf_guest *g = &r->vf->guest;
	struct svnic_mbx_queue_cfg c;
	struct sriov_vf_queue *q;

	memcpy(&c, r->payload, sizeof(c));
	if (c.queue >= sriov_mbx_nb_queues(r->vf))
		return sriov_mbx_refuse(r, -EINVAL, "queue past the VF's queues");
	/* the device checks against the VF's MSI-X table; the PF against the allocation */
	if (c.vector != SVNIC_MBX_QUEUE_NO_VECTOR && c.vector >= r->vf->params.num_vectors)
		return sriov_mbx_refuse(r, -EINVAL, "MSI-X vector past the VF's vectors");
	/*
	 * Refused here rather than by QUEUE_CONFIG at ENABLE_QUEUES (ENOTSUP), so
	 * that the VF hears it from the request that asked for it.
	 */
	if (c.head_wb_addr != 0 && !(r->ops->pf_caps & SVNIC_MBX_CAP_HEAD_WB))
		return sriov_mbx_refuse(r, -EOPNOTSUPP, "head write-back without CAP_HEAD_WB");
	if ((g->queues_enabled[c.type] >> c.queue) & 1)
		return sriov_mbx_refuse(r, -EBUSY, "queue enabled: disable it first");
	q = &g->queues[c.type][c.queue];
	q->ring_addr = c.ring_addr;
	q->head_wb_addr = c.head_wb_addr;
	q->ring_size = c.ring_size;
	q->buf_size = c.buf_size;
	q->vector = c.vector;
	q->flags = c.flags;
	g->queues_configured[c.type] |= 1ull << c.queue;
	return 0;
}

static int
sriov_mbx_handle_queues(struct sriov_mbx_req *r, bool enable)
{
	struct sriov_vf_guest *g = &r->vf->guest;
	uint16_t nb = sriov_mbx_nb_queues(r->vf);
	uint64_t in_range = nb >= 64 ? UINT64_MAX : (1ull << nb) - 1;
	struct svnic_mbx_queues m;
	uint64_t want[SVNIC_MBX_QTYPE_NB];
	unsigned int t;
	bool changed = false;

	memcpy(&m, r->payload, sizeof(m));
	want[SVNIC_MBX_QTYPE_RX] = m.rx;
	want[SVNIC_MBX_QTYPE_TX] = m.tx;
	for (t = 0; t < SVNIC_MBX_QTYPE_NB; t++) {
		if ((want[t] & ~in_range) != 0)
			return sriov_mbx_refuse(r, -EINVAL, "queue past the VF's queues");
		if (enable && (want[t] & ~g->queues_configured[t]) != 0)
			return sriov_mbx_refuse(r, -EINVAL, "queue not configured");
	}
	for (t = 0; t < SVNIC_MBX_QTYPE_NB; t++) {
		uint64_t now_enabled = enable ? g->queues_enabled[t] | want[t] :
				       g->queues_enabled[t] & ~want[t];

		changed |= now_enabled != g->queues_enabled[t];
		g->queues_enabled[t] = now_enabled;
	}
	/* enabling an enabled queue or disabling a disabled one is a no-op */
	if (changed)
		r->actions |= SRIOV_MBX_ACT_QUEUES;
	return 0;
}

/* The one dispatch: the request is well formed and the session open. */
static int
sriov_mbx_dispatch(struct sriov_mbx_req *r)
{
	switch (r->hdr.opcode) {
	case SVNIC_MBX_OP_HELLO:
		return sriov_mbx_handle_hello(r);
	case SVNIC_MBX_OP_GET_RESOURCES:
		return sriov_mbx_handle_get_resources(r);
	case SVNIC_MBX_OP_SET_MAC:
		return sriov_mbx_handle_set_mac(r);
	case SVNIC_MBX_OP_ADD_MAC_FILTER:
		return sriov_mbx_handle_add_mac_filter(r);
	case SVNIC_MBX_OP_DEL_MAC_FILTER:
		return sriov_mbx_handle_del_mac_filter(r);
	case SVNIC_MBX_OP_SET_MULTICAST_LIST:
		return sriov_mbx_handle_set_mc_list(r);
	case SVNIC_MBX_OP_SET_PROMISC:
		return sriov_mbx_handle_set_promisc(r);
	case SVNIC_MBX_OP_SET_ALLMULTI:
		return sriov_mbx_handle_set_allmulti(r);
	case SVNIC_MBX_OP_ADD_VLAN:
		return sriov_mbx_handle_vlan(r, true);
	case SVNIC_MBX_OP_DEL_VLAN:
		return sriov_mbx_handle_vlan(r, false);
	case SVNIC_MBX_OP_CONFIG_RSS:
		return sriov_mbx_handle_config_rss(r);
	case SVNIC_MBX_OP_SET_MTU:
		return sriov_mbx_handle_set_mtu(r);
	case SVNIC_MBX_OP_GET_STATS:
		return sriov_mbx_handle_get_stats(r);
	case SVNIC_MBX_OP_RESET_REQUEST:
		/* the reset itself is the caller's, after the reply is out */
		r->actions |= SRIOV_MBX_ACT_RESET;
		return 0;
	case SVNIC_MBX_OP_CONFIG_QUEUE:
		return sriov_mbx_handle_config_queue(r);
	case SVNIC_MBX_OP_ENABLE_QUEUES:
		return sriov_mbx_handle_queues(r, true);
	case SVNIC_MBX_OP_DISABLE_QUEUES:
		return sriov_mbx_handle_queues(r, false);
	case SVNIC_MBX_OP_SET_VLAN_STRIP:
		return sriov_mbx_handle_set_vlan_strip(r);
	default:
		/* svnic_mbx_validate_request() let an opcode through that we lack */
		return sriov_mbx_refuse(r, -EOPNOTSUPP, "opcode not handled");
	}
}

/* A strike for a malformed or over-rate request; enough of them quarantine the VF. */
static void
sriov_mbx_strike(struct sriov_mbx_req *r, uint64_t now_ns)
{
	int ret;

	if (!sriov_ratelimit_strike(&r->vf->mbx_rl, now_ns))
		return;
	/* once: the VF is not heard again until the operator resets it */
	SRIOV_LOG(ERR, "switch %u vf %u: %u mailbox strikes (malformed or over-rate requests), "
		  "quarantining", r->switch_id, r->vf->vf_id, r->vf->mbx_rl.strikes);
	ret = sriov_vf_quarantine(r->sw, r->vf->vf_id);
	if (ret != 0) {
		SRIOV_LOG(ERR, "switch %u vf %u: quarantine failed: %d", r->switch_id,
			  r->vf->vf_id, ret);
		return;
	}
	r->actions |= SRIOV_MBX_ACT_QUARANTINED;
}

/* The gates before dispatch; a non-zero return is the reply's status. */
static int
sriov_mbx_admit(struct sriov_mbx_req *r, const void *req, size_t req_len, uint64_t now_ns)
{
	enum sriov_vf_state st = r->vf->state;
	int ret;

	/* A quarantined VF is not listened to at all: no strikes, no work. */
	if (st == SRIOV_VF_QUARANTINED)
		return sriov_mbx_refuse(r, -EPERM, "VF quarantined");
	if (st == SRIOV_VF_RESETTING)
		return sriov_mbx_refuse(r, -EAGAIN, "VF resetting");
	if (st != SRIOV_VF_ATTACHED && st != SRIOV_VF_ACTIVE)
		return sriov_mbx_refuse(r, -ENOTCONN, "no VPort");

	if (!sriov_ratelimit_take(&r->vf->mbx_rl, now_ns)) {
		sriov_mbx_strike(r, now_ns);
		return sriov_mbx_refuse(r, -EBUSY, "over the request rate");
	}

	ret = svnic_mbx_validate_request(req, req_len);
	if (ret != 0) {
		sriov_mbx_strike(r, now_ns);
		return sriov_mbx_refuse(r, ret, "malformed");
	}

	if (r->hdr.opcode != SVNIC_MBX_OP_HELLO && !r->vf->guest.hello_done)
		return sriov_mbx_refuse(r, -EPROTO, "no HELLO yet");
	/* a correct driver of the agreed version never sends it: no strike either */
	if (!sriov_mbx_session_minor_ok(&r->vf->guest, r->hdr.opcode))
		return sriov_mbx_refuse(r, -EOPNOTSUPP, "opcode newer than the session's version");
	return 0;
}

int
sriov_mbx_handle(struct sriov_switch *sw, uint16_t vf_id, const struct sriov_mbx_ops *ops,
		 void *ctx, uint64_t now_ns, const void *req, size_t req_len, void *reply,
		 size_t reply_cap, size_t *reply_len, unsigned int *actions)
{
	struct sriov_mbx_req r;
	struct svnic_mbx_hdr out;
	int ret;

	if (reply_len != NULL)
		*reply_len = 0;
	if (actions != NULL)
		*actions = 0;
	if (sw == NULL || ops == NULL || reply == NULL || reply_len == NULL || actions == NULL ||
	    (req == NULL && req_len != 0) || sriov_mbx_check_ops(ops) != 0)
		return -EINVAL;
	if (reply_cap < SRIOV_MBX_REPLY_MAX)
		return -ENOBUFS;

	memset(&r, 0, sizeof(r));
	r.sw = sw;
	r.switch_id = sriov_switch_get_cfg(sw)->switch_id;
	r.ops = ops;
	r.ctx = ctx;
	r.vf = sriov_switch_vf(sw, vf_id);
	if (r.vf == NULL || vf_id >= SRIOV_TOTAL_VFS_MAX)
		return -ENODEV;
	/* seq and opcode are echoed even from a malformed message, when it has them */
	if (req_len >= SRIOV_MBX_HDR_LEN)
		memcpy(&r.hdr, req, sizeof(r.hdr));
	if (req != NULL)
		r.payload = (const uint8_t *)req + SRIOV_MBX_HDR_LEN;

	ret = sriov_mbx_admit(&r, req, req_len, now_ns);
	if (ret == 0)
		ret = sriov_mbx_dispatch(&r);
	if (ret != 0) {
		r.out_len = 0;
		if (sriov_log_ratelimit(&r.vf->mbx_log_count))
			SRIOV_LOG(WARNING,
				  "switch %u vf %u: mailbox %s (0x%x) seq %u refused: %s "
				  "(errno %d)",
				  r.switch_id, vf_id, svnic_mbx_op_name(r.hdr.opcode), r.hdr.opcode,
				  r.hdr.seq, r.reason, -ret);
	}

	*reply_len = svnic_mbx_build(reply, reply_cap, r.hdr.opcode, SVNIC_MBX_F_REPLY,
				     r.hdr.seq, (uint32_t)-ret, &r.out, r.out_len);
	/* answer in the version the session agreed on */
	if (r.vf->guest.hello_done) {
		memcpy(&out, reply, sizeof(out));
		out.version = r.vf->guest.mbx_version;
		memcpy(reply, &out, sizeof(out));
	}
	*actions = r.actions;
	return 0;
}

size_t
sriov_mbx_build_link_event(void *buf, size_t cap, uint32_t seq, bool link_up,
			   bool full_duplex, uint32_t speed_mbps)
{
	struct svnic_mbx_link l = {
		.link_up = link_up ? 1 : 0,
		.full_duplex = full_duplex ? 1 : 0,
		.speed_mbps = speed_mbps,
	};

	return svnic_mbx_build(buf, cap, SVNIC_MBX_OP_LINK_EVENT, SVNIC_MBX_F_NOTICE, seq, 0,
			       &l, sizeof(l));
}

size_t
sriov_mbx_build_reset_notice(void *buf, size_t cap, uint32_t seq, uint32_t reason)
{
	struct svnic_mbx_reset_notice n = { .reason = reason };

	if (reason != SVNIC_MBX_RESET_PF && reason != SVNIC_MBX_RESET_OPERATOR)
		return 0;
	return svnic_mbx_build(buf, cap, SVNIC_MBX_OP_RESET_NOTICE, SVNIC_MBX_F_NOTICE, seq, 0,
			       &n, sizeof(n));
}

size_t
sriov_mbx_build_going_down(void *buf, size_t cap, uint32_t seq)
{
	return svnic_mbx_build(buf, cap, SVNIC_MBX_OP_PF_GOING_DOWN, SVNIC_MBX_F_NOTICE, seq, 0,
			       NULL, 0);
}
