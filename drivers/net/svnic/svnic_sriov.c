/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SR-IOV half of net_svnic (svnic_sriov.h): lib/sriov's switch owned by
 * the control thread, and the device programmed after it. The switch's event
 * callback is the one place a VF's VPort is created, deleted or reset on the
 * device; svnic_sriov_vf_sync() the one place its properties and what its guest
 * asked for (filters, RX mode, MTU) reach the device.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include <ethdev_driver.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_string_fns.h>

#include "svnic_ethdev.h"
#include "svnic_logs.h"
#include "svnic_mgmt_srv.h"
#include "svnic_pci.h"
#include "svnic_sriov.h"
#include "svnic_vf_port.h"
#include "sriov_log.h"
#include "sriov_mbx.h"
#include "vfio_user_proto.h"

/* Notices a VF may have waiting behind its RX window (link, going down...). */
#define SVNIC_SRIOV_NOTICES_MAX		4
/* ready ports taken per wake-up; more wait for the next one */
#define SVNIC_SRIOV_READY_MAX		32
/* Tags in the ports' set past every VF number: the management socket, the thread's own. */
#define SVNIC_SRIOV_TAG_MGMT		0x10000u
#define SVNIC_SRIOV_TAG_OWN		0x20000u
#define SVNIC_SRIOV_OWN_MAX		4
/* Device MAC filters of one VF: its unicast filters and its multicast list. */
#define SVNIC_SRIOV_VF_MACS_MAX		(SVNIC_MBX_MAC_FILTERS_MAX + SVNIC_MBX_MC_ADDRS_MAX)
#define SVNIC_SRIOV_OUT_MAX		SRIOV_MBX_REPLY_MAX

struct svnic_sriov_msg {
	uint16_t len;
	uint8_t buf[SVNIC_SRIOV_OUT_MAX];
};

/* What the device has for one VF, so that changes are sent as differences. */
struct svnic_sriov_vf {
	struct svnic_aq_vport vport;		/* as last given to the device */
	bool vport_on;
	uint64_t q_enabled[SVNIC_MBX_QTYPE_NB];
	uint8_t macs[SVNIC_SRIOV_VF_MACS_MAX][6];
	uint16_t nb_macs;
	uint8_t vlans[4096 / 8];
	bool rss_on;
	bool dev_reset;		/* the device reset the VF itself: no VF_RESET command */
	/* PF-to-VF messages: the reply first, then notices; one in the window at a time */
	struct svnic_sriov_msg reply;
	struct svnic_sriov_msg notices[SVNIC_SRIOV_NOTICES_MAX];
	unsigned int nb_notices;
	uint32_t notice_seq;
	uint8_t link_sent;	/* 0 none yet, 1 down, 2 up */
	uint64_t mbx_requests;
	uint64_t mbx_refused;
	/* PF_GOING_DOWN: 0 not sent, 1 queued, 2 in the VF's window, 3 read by the VF */
	uint8_t bye;
	/*
	 * Our last MBX_RX_NOTIFY left INT_CAUSE.MBX_RX set in the device's VF and
	 * nothing has cleared it since (the guest's INT_CAUSE write, a reset):
	 * another would change nothing, the cause being latched (spec
	 * "INT_CAUSE": the vector fires on an edge), so it is not sent.
	 */
	bool mbx_rx_raised;
	/* the guest's socket */
	struct svnic_vf_port *port;
	char path[SVNIC_SRIOV_PATH_MAX];
};

struct svnic_sriov {
	struct svnic_adapter *ad;
	struct sriov_switch *sw;
	struct svnic_sriov_args args;
	struct sriov_mbx_ops mbx_ops;
	struct sriov_cfg_desc desc;		/* VF config space template */
	struct svnic_vf_port_dev_vfio_user_ctx dev_ctx;
	bool can_serve;				/* token set, device dir known */
	struct svnic_mgmt_srv *mgmt;
	/*
	 * The management socket is served when its descriptor is ready, on the
	 * tick (idle clients), and while it has requests read but not run:
	 * not on every wake-up, where a guest's config read or doorbell would
	 * pay for an accept4() and a recv() per client.
	 */
	bool mgmt_ready;			/* the set reported it since the last handle */
	bool mgmt_more;				/* svnic_mgmt_srv_handle() left work */
	/*
	 * Every VF port's descriptor, registered while the port is open, with
	 * the VF number: a wake-up costs the ports that are ready, not all of them.
	 */
	int ports_ep;
	unsigned int ports_pfd;		/* its index in the last svnic_sriov_pollfds() */
	/*
	 * The control thread sleeps on ports_ep itself (svnic_sriov_wait()):
	 * its eventfds are in it too, and the ports found ready come with the
	 * wake-up, kept here for svnic_sriov_handle(), not asked for again.
	 */
	int own_fd[SVNIC_SRIOV_OWN_MAX];	/* -1: not in the set */
	uint32_t own_ready;			/* own fds seen ready, not yet told */
	int nready;				/* -1: no wait since the last handle */
	int hot_vf;				/* the port last found ready, -1: none */
	uint16_t ready[SVNIC_SRIOV_READY_MAX];
	uint16_t pf_queue_pairs;
	uint16_t total_vfs;
	/*
	 * The device's MBX_CTRL.SHARED_TX (spec 1.3): guests leave their
	 * messages in their TX windows and we read them there (through each
	 * VF port's mapping), no MBX_RECV. Set while NumVFs is 0.
	 */
	bool shared_tx;
	uint8_t mbx_buf[SVNIC_MBX_MSG_MAX];
	struct svnic_sriov_vf vfs[];
};

static struct svnic_sriov *
svnic_sriov_of(struct svnic_adapter *ad)
{
	return ad->sriov;
}

/* lib/sriov logs through a callback: into our driver log type. */
static void
svnic_sriov_log(enum sriov_log_level level, const char *msg, void *ctx)
{
	static const uint32_t lvl[] = {
		[SRIOV_LOG_ERR] = RTE_LOG_ERR,
		[SRIOV_LOG_WARNING] = RTE_LOG_WARNING,
		[SRIOV_LOG_INFO] = RTE_LOG_INFO,
		[SRIOV_LOG_DEBUG] = RTE_LOG_DEBUG,
	};

	RTE_SET_USED(ctx);
	rte_log(level <= SRIOV_LOG_DEBUG ? lvl[level] : RTE_LOG_DEBUG, svnic_logtype_driver,
		"sriov: %s\n", msg);
}

/* --- admin commands for a VF ---------------------------------------------- */

static int
svnic_sriov_cmd(struct svnic_adapter *ad, uint16_t op, const void *p, size_t len)
{
	return svnic_adminq_exec(&ad->aq, op, p, len, NULL, 0, NULL, 0, NULL);
}

static int
svnic_sriov_vf_cmd(struct svnic_adapter *ad, uint16_t op, uint16_t vf_id)
{
	struct svnic_aq_vf p;

	memset(&p, 0, sizeof(p));
	p.vf_id = vf_id;
	return svnic_sriov_cmd(ad, op, &p, sizeof(p));
}

static uint8_t
svnic_sriov_link_to_dev(enum sriov_link_state st)
{
	switch (st) {
	case SRIOV_LINK_ENABLE: return SVNIC_AQ_LINK_UP;
	case SRIOV_LINK_DISABLE: return SVNIC_AQ_LINK_DOWN;
	default: return SVNIC_AQ_LINK_AUTO;
	}
}

/*
 * The VPort the device should have for @p vf: the operator's properties, and
 * what the guest set within them (its MAC, RX mode, MTU; sriov_mbx judged it).
 */
static void
svnic_sriov_vport_build(struct svnic_sriov *s, const struct sriov_vf *vf,
			struct svnic_aq_vport *v)
{
	const struct sriov_vport_props *p = &vf->vport.props;
	const struct sriov_vf_guest *g = &vf->guest;
	static const uint8_t zero[6];
	const struct svnic_aq_identify *id = &s->ad->id;

	memset(v, 0, sizeof(*v));
	v->vport_id = SVNIC_SRIOV_VF_VPORT(vf->vf_id);
	v->func = SVNIC_AQ_FUNC_VF(vf->vf_id);
	v->queue_base = vf->vport.queue_base;
	v->nb_queues = vf->vport.nb_queues;
	if (g->mac_set)
		memcpy(v->mac, g->mac, 6);
	else if (memcmp(p->mac, zero, 6) != 0)
		memcpy(v->mac, p->mac, 6);
	else
		memcpy(v->mac, vf->params.perm_mac, 6);
	if (p->vlan_id != 0) {
		v->vlan_tci = (uint16_t)(p->vlan_id | p->vlan_qos << SVNIC_AQ_VLAN_PCP_SHIFT);
		v->vlan_proto = p->vlan_proto;
	}
	v->flags = (p->spoofchk ? SVNIC_AQ_VPORT_F_SPOOFCHK : 0) |
		   (p->trust ? SVNIC_AQ_VPORT_F_TRUST : 0) |
		   (p->mac_set ? SVNIC_AQ_VPORT_F_MAC_LOCKED : 0) |
		   (g->vlan_strip ? SVNIC_AQ_VPORT_F_VLAN_STRIP : 0);
	v->link_state = svnic_sriov_link_to_dev(p->link_state);
	v->rx_mode = SVNIC_AQ_RXM_BROADCAST | (g->promisc ? SVNIC_AQ_RXM_UNICAST_PROMISC : 0) |
		     (g->allmulti ? SVNIC_AQ_RXM_ALLMULTI : 0);
	v->mtu = g->mtu != 0 ? g->mtu :
		 RTE_MAX(RTE_MIN((uint16_t)RTE_ETHER_MTU, id->max_mtu), id->min_mtu);
	v->max_tx_rate = p->max_tx_rate;
	v->min_tx_rate = p->min_tx_rate;
}

static void
svnic_sriov_dev_forget(struct svnic_sriov_vf *d)
{
	d->vport_on = false;
	memset(d->q_enabled, 0, sizeof(d->q_enabled));
	d->nb_macs = 0;
	memset(d->vlans, 0, sizeof(d->vlans));
	d->rss_on = false;
}

static bool
svnic_sriov_mac_in(const uint8_t (*set)[6], unsigned int n, const uint8_t mac[6])
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (memcmp(set[i], mac, 6) == 0)
			return true;
	return false;
}

static int
svnic_sriov_mac_filter(struct svnic_adapter *ad, uint16_t vf_id, const uint8_t mac[6],
		       bool add)
{
	struct svnic_aq_mac_filter f;

	memset(&f, 0, sizeof(f));
	f.vport_id = SVNIC_SRIOV_VF_VPORT(vf_id);
	memcpy(f.mac, mac, 6);
	return svnic_sriov_cmd(ad, add ? SVNIC_AQ_OP_MAC_FILTER_ADD : SVNIC_AQ_OP_MAC_FILTER_DEL,
			       &f, sizeof(f));
}

static int
svnic_sriov_vlan_filter(struct svnic_adapter *ad, uint16_t vf_id, uint16_t vlan, bool add)
{
	struct svnic_aq_vlan_filter f;

	memset(&f, 0, sizeof(f));
	f.vport_id = SVNIC_SRIOV_VF_VPORT(vf_id);
	f.vlan_id = vlan;
	return svnic_sriov_cmd(ad, add ? SVNIC_AQ_OP_VLAN_FILTER_ADD :
			       SVNIC_AQ_OP_VLAN_FILTER_DEL, &f, sizeof(f));
}

/* Device MAC and VLAN filters of the VF made equal to its guest's lists. */
static void
svnic_sriov_filters_sync(struct svnic_sriov *s, const struct sriov_vf *vf)
{
	struct svnic_sriov_vf *d = &s->vfs[vf->vf_id];
	const struct sriov_vf_guest *g = &vf->guest;
	uint8_t want[SVNIC_SRIOV_VF_MACS_MAX][6];
	unsigned int nw = 0, i, v;
	int ret;

	for (i = 0; i < g->nb_mac_filters && nw < RTE_DIM(want); i++)
		memcpy(want[nw++], g->mac_filters[i], 6);
	for (i = 0; i < g->nb_mc_addrs && nw < RTE_DIM(want); i++)
		memcpy(want[nw++], g->mc_addrs[i], 6);
	for (i = 0; i < d->nb_macs;) {
		if (svnic_sriov_mac_in(want, nw, d->macs[i])) {
			i++;
			continue;
		}
		ret = svnic_sriov_mac_filter(s->ad, vf->vf_id, d->macs[i], false);
		if (ret < 0 && ret != -ENOENT)
			SVNIC_DRV_LOG(ERR, "%s: VF %u: MAC_FILTER_DEL: %s", s->ad->hw.name,
				      vf->vf_id, strerror(-ret));
		memmove(d->macs[i], d->macs[i + 1], (size_t)(d->nb_macs - i - 1) * 6);
		d->nb_macs--;
	}
	for (i = 0; i < nw; i++) {
		if (svnic_sriov_mac_in(d->macs, d->nb_macs, want[i]))
			continue;
		ret = svnic_sriov_mac_filter(s->ad, vf->vf_id, want[i], true);
		if (ret < 0) {
			SVNIC_DRV_LOG(ERR, "%s: VF %u: MAC_FILTER_ADD: %s", s->ad->hw.name,
				      vf->vf_id, strerror(-ret));
			continue;
		}
		memcpy(d->macs[d->nb_macs++], want[i], 6);
	}
	for (v = 1; v < 4095; v++) {
		bool w = (g->vlan_bitmap[v / 8] >> (v % 8)) & 1;
		bool h = (d->vlans[v / 8] >> (v % 8)) & 1;

		if (w == h)
			continue;
		ret = svnic_sriov_vlan_filter(s->ad, vf->vf_id, (uint16_t)v, w);
		if (ret < 0 && !(ret == -ENOENT && !w)) {
			SVNIC_DRV_LOG(ERR, "%s: VF %u: VLAN filter %u: %s", s->ad->hw.name,
				      vf->vf_id, v, strerror(-ret));
			if (w)
				continue;
		}
		d->vlans[v / 8] ^= (uint8_t)(1u << (v % 8));
	}
}

/* VPORT_MODIFY when the wanted VPort differs from the device's; then the filters. */
static int
svnic_sriov_vf_sync(struct svnic_sriov *s, uint16_t vf_id)
{
	const struct sriov_vf *vf = sriov_switch_vf_const(s->sw, vf_id);
	struct svnic_sriov_vf *d = &s->vfs[vf_id];
	struct svnic_aq_vport v;
	int ret = 0;

	if (vf == NULL || !d->vport_on)
		return -ENOTCONN;
	svnic_sriov_vport_build(s, vf, &v);
	if (memcmp(&v, &d->vport, sizeof(v)) != 0) {
		ret = svnic_sriov_cmd(s->ad, SVNIC_AQ_OP_VPORT_MODIFY, &v, sizeof(v));
		if (ret < 0)
			SVNIC_DRV_LOG(ERR, "%s: VF %u: VPORT_MODIFY: %s", s->ad->hw.name, vf_id,
				      strerror(-ret));
		else
			d->vport = v;
	}
	svnic_sriov_filters_sync(s, vf);
	return ret;
}

/* --- mailbox: PF to VF ---------------------------------------------------- */

/*
 * With the shared RX mailbox (agreed in HELLO) the message goes straight into
 * the VF's RX window through its port's mapping, and the device only raises
 * the VF's MBX_RX (a posted write): no admin command, no wake-up of the
 * device before the VF, spinning on its notify page, sees it. Otherwise, or
 * without a mapping, MBX_SEND.
 */
static int
svnic_sriov_mbx_send(struct svnic_sriov *s, uint16_t vf_id, const struct svnic_sriov_msg *m)
{
	const struct sriov_vf *vf = sriov_switch_vf_const(s->sw, vf_id);
	struct svnic_sriov_vf *d = &s->vfs[vf_id];
	struct svnic_aq_vf p;
	int ret;

	if (vf != NULL && vf->guest.shared_rx && d->port != NULL) {
		ret = svnic_vf_port_shrx_write(d->port, m->buf, m->len);
		/*
		 * A guest spinning on its notify page takes the message without
		 * its vector, and leaves MBX_RX latched: only the first message
		 * after it cleared the cause needs the device (and its wake-up).
		 */
		if (ret == 0 && !d->mbx_rx_raised) {
			(void)svnic_hw_reg_write_posted(&s->ad->hw, SVNIC_REG_MBX_RX_NOTIFY,
							vf_id);
			d->mbx_rx_raised = true;
		}
		if (ret != -ENODEV)
			return ret;
	}
	memset(&p, 0, sizeof(p));
	p.vf_id = vf_id;
	return svnic_adminq_exec(&s->ad->aq, SVNIC_AQ_OP_MBX_SEND, &p, sizeof(p), m->buf,
				 m->len, NULL, 0, NULL);
}

/*
 * One message in the VF's RX window at a time: MBX_SEND is EAGAIN until the VF
 * acknowledged the last one. Called on MBX_RX_DONE, after a request, on tick.
 */
static void
svnic_sriov_outbox_flush(struct svnic_sriov *s, uint16_t vf_id)
{
	struct svnic_sriov_vf *d = &s->vfs[vf_id];
	const struct svnic_sriov_msg *m;
	int ret;

	if (d->reply.len != 0)
		m = &d->reply;
	else if (d->nb_notices != 0)
		m = &d->notices[0];
	else
		return;
	ret = svnic_sriov_mbx_send(s, vf_id, m);
	if (ret == -EAGAIN)
		return;
	if (ret < 0)
		SVNIC_DRV_LOG(ERR, "%s: VF %u: MBX_SEND: %s; message dropped", s->ad->hw.name,
			      vf_id, strerror(-ret));
	if (m == &d->reply) {
		d->reply.len = 0;
	} else {
		d->nb_notices--;
		memmove(&d->notices[0], &d->notices[1], d->nb_notices * sizeof(d->notices[0]));
		/* PF_GOING_DOWN is the last notice a VF gets */
		if (d->bye == 1 && d->nb_notices == 0 && ret == 0)
			d->bye = 2;
	}
}

static void
svnic_sriov_outbox_clear(struct svnic_sriov_vf *d)
{
	d->reply.len = 0;
	d->nb_notices = 0;
	d->link_sent = 0;
	d->mbx_rx_raised = false;	/* a reset cleared INT_CAUSE */
}

/* Queue a notice; the oldest goes when the VF does not read them (it learns later). */
static struct svnic_sriov_msg *
svnic_sriov_notice_slot(struct svnic_sriov_vf *d)
{
	if (d->nb_notices == SVNIC_SRIOV_NOTICES_MAX) {
		memmove(&d->notices[0], &d->notices[1],
			(SVNIC_SRIOV_NOTICES_MAX - 1) * sizeof(d->notices[0]));
		d->nb_notices--;
	}
	return &d->notices[d->nb_notices];
}

/* The link the VF's driver should see: the uplink's unless the operator forces it. */
static void
svnic_sriov_link_notify(struct svnic_sriov *s, uint16_t vf_id, bool force)
{
	const struct sriov_vf *vf = sriov_switch_vf_const(s->sw, vf_id);
	struct svnic_sriov_vf *d = &s->vfs[vf_id];
	struct svnic_sriov_msg *m;
	bool up = false, fd = false;
	uint32_t mbps = 0;

	if (vf == NULL || !vf->guest.hello_done || !sriov_vf_state_has_vport(vf->state))
		return;
	(void)svnic_hw_link_get(&s->ad->hw, &up, &fd, &mbps);
	if (vf->vport.props.link_state == SRIOV_LINK_ENABLE)
		up = true;
	else if (vf->vport.props.link_state == SRIOV_LINK_DISABLE)
		up = false;
	if (!force && d->link_sent == (up ? 2 : 1))
		return;
	m = svnic_sriov_notice_slot(d);
	m->len = (uint16_t)sriov_mbx_build_link_event(m->buf, sizeof(m->buf), ++d->notice_seq,
						      up, fd, up ? mbps : 0);
	if (m->len == 0)
		return;
	d->nb_notices++;
	d->link_sent = up ? 2 : 1;
	svnic_sriov_outbox_flush(s, vf_id);
}

/* --- the device follows the switch: the event callback --------------------- */

static int
svnic_sriov_queue_cfg(struct svnic_sriov *s, const struct sriov_vf *vf, unsigned int type,
		      uint16_t q, bool enable)
{
	const struct sriov_vf_queue *gq = &vf->guest.queues[type][q];
	struct svnic_aq_queue_cfg c;
	uint16_t abs;
	int ret;

	ret = sriov_vf_queue_abs(s->sw, vf->vf_id, q, &abs);
	if (ret < 0)
		return ret;
	memset(&c, 0, sizeof(c));
	c.queue = abs;
	c.type = type == SVNIC_MBX_QTYPE_RX ? SVNIC_AQ_QTYPE_RX : SVNIC_AQ_QTYPE_TX;
	c.vport_id = SVNIC_SRIOV_VF_VPORT(vf->vf_id);
	if (enable) {
		c.flags = SVNIC_AQ_QCFG_F_ENABLE;
		c.ring_size = gq->ring_size;
		c.ring_addr = gq->ring_addr;
		if (gq->head_wb_addr != 0) {
			c.flags |= SVNIC_AQ_QCFG_F_HEAD_WB;
			c.head_wb_addr = gq->head_wb_addr;
		}
		if (gq->vector != SVNIC_MBX_QUEUE_NO_VECTOR) {
			c.flags |= SVNIC_AQ_QCFG_F_IRQ;
			c.irq_vector = gq->vector;
		}
		if (type == SVNIC_MBX_QTYPE_RX) {
			c.buf_size = gq->buf_size;
			if (gq->flags & SVNIC_MBX_QCFG_F_SCATTER)
				c.flags |= SVNIC_AQ_QCFG_F_SCATTER;
		}
	}
	return svnic_sriov_cmd(s->ad, SVNIC_AQ_OP_QUEUE_CONFIG, &c, sizeof(c));
}

/* Device queues made equal to what the guest enabled (@p none: disable them all). */
static int
svnic_sriov_queues_sync(struct svnic_sriov *s, const struct sriov_vf *vf, bool none)
{
	struct svnic_sriov_vf *d = &s->vfs[vf->vf_id];
	unsigned int t;
	uint16_t q;
	int ret, first = 0;

	for (t = 0; t < SVNIC_MBX_QTYPE_NB; t++) {
		uint64_t want = none ? 0 : vf->guest.queues_enabled[t];

		for (q = 0; q < SRIOV_VF_QUEUES_MAX; q++) {
			uint64_t bit = UINT64_C(1) << q;
			bool w = (want & bit) != 0;

			if (w == ((d->q_enabled[t] & bit) != 0))
				continue;
			ret = svnic_sriov_queue_cfg(s, vf, t, q, w);
			if (ret < 0) {
				SVNIC_DRV_LOG(ERR, "%s: VF %u: %s %s queue %u: %s", s->ad->hw.name,
					      vf->vf_id, w ? "enabling" : "disabling",
					      t == SVNIC_MBX_QTYPE_RX ? "RX" : "TX", q,
					      strerror(-ret));
				if (first == 0)
					first = ret;
				if (w)
					continue;
			}
			d->q_enabled[t] ^= bit;
		}
	}
	return first;
}

/*
 * RSS of the VF's VPort as its guest configured it. The table's entries are
 * VPort-relative queues on the wire and on the device alike (spec
 * "RSS_CONFIG"); each one is checked against the VPort's range here.
 */
static int
svnic_sriov_rss_sync(struct svnic_sriov *s, const struct sriov_vf *vf)
{
	const struct sriov_vf_guest *g = &vf->guest;
	uint8_t buf[sizeof(struct svnic_aq_rss_buf) + 2u * SVNIC_RSS_TABLE_MAX];
	struct svnic_aq_rss_buf *rb = (struct svnic_aq_rss_buf *)buf;
	struct svnic_aq_rss r;
	uint16_t i, abs;
	int ret;

	memset(&r, 0, sizeof(r));
	memset(buf, 0, sizeof(buf));
	r.vport_id = SVNIC_SRIOV_VF_VPORT(vf->vf_id);
	r.hash_func = g->rss_func;
	r.hash_types = g->rss_hash_types;
	r.key_len = (uint8_t)s->mbx_ops.rss_key_size;
	memcpy(rb->key, g->rss_key, r.key_len);
	r.table_len = g->rss_table_len;
	for (i = 0; i < g->rss_table_len; i++) {
		if (sriov_vf_queue_abs(s->sw, vf->vf_id, g->rss_table[i], &abs) < 0) {
			SVNIC_DRV_LOG(ERR, "%s: VF %u: RSS entry %u names queue %u outside its "
				      "VPort", s->ad->hw.name, vf->vf_id, i, g->rss_table[i]);
			return -EINVAL;
		}
		rb->table[i] = g->rss_table[i];
	}
	ret = svnic_adminq_exec(&s->ad->aq, SVNIC_AQ_OP_RSS_CONFIG, &r, sizeof(r), buf,
				(uint32_t)(sizeof(*rb) + 2u * r.table_len), NULL, 0, NULL);
	if (ret < 0)
		SVNIC_DRV_LOG(ERR, "%s: VF %u: RSS_CONFIG: %s", s->ad->hw.name, vf->vf_id,
			      strerror(-ret));
	else
		s->vfs[vf->vf_id].rss_on = r.hash_types != 0;
	return ret;
}

static void
svnic_sriov_rss_off(struct svnic_sriov *s, uint16_t vf_id)
{
	struct svnic_aq_rss r;
	uint8_t buf[sizeof(struct svnic_aq_rss_buf)];

	if (!s->vfs[vf_id].rss_on)
		return;
	memset(&r, 0, sizeof(r));
	memset(buf, 0, sizeof(buf));
	r.vport_id = SVNIC_SRIOV_VF_VPORT(vf_id);
	if (svnic_adminq_exec(&s->ad->aq, SVNIC_AQ_OP_RSS_CONFIG, &r, sizeof(r), buf,
			      sizeof(buf), NULL, 0, NULL) == 0)
		s->vfs[vf_id].rss_on = false;
}

static void
svnic_sriov_vport_create(struct svnic_sriov *s, const struct sriov_vf *vf)
{
	struct svnic_sriov_vf *d = &s->vfs[vf->vf_id];
	struct svnic_aq_vport v;
	int ret;

	svnic_sriov_vport_build(s, vf, &v);
	ret = svnic_sriov_cmd(s->ad, SVNIC_AQ_OP_VPORT_CREATE, &v, sizeof(v));
	if (ret < 0) {
		SVNIC_DRV_LOG(ERR, "%s: VF %u: VPORT_CREATE (queues %u..%u): %s",
			      s->ad->hw.name, vf->vf_id, v.queue_base,
			      v.queue_base + v.nb_queues - 1, strerror(-ret));
		return;
	}
	svnic_sriov_dev_forget(d);
	d->vport = v;
	d->vport_on = true;
	SVNIC_DRV_LOG(INFO, "%s: VF %u: VPort %u, queues %u..%u", s->ad->hw.name, vf->vf_id,
		      v.vport_id, v.queue_base, v.queue_base + v.nb_queues - 1);
}

static void
svnic_sriov_vport_delete(struct svnic_sriov *s, uint16_t vf_id)
{
	struct svnic_sriov_vf *d = &s->vfs[vf_id];
	struct svnic_aq_vport_id p;
	int ret;

	if (!d->vport_on)
		return;
	memset(&p, 0, sizeof(p));
	p.vport_id = SVNIC_SRIOV_VF_VPORT(vf_id);
	/* the device drops the VPort's queues and filters with it */
	ret = svnic_sriov_cmd(s->ad, SVNIC_AQ_OP_VPORT_DELETE, &p, sizeof(p));
	if (ret < 0 && ret != -ENOENT)
		SVNIC_DRV_LOG(ERR, "%s: VF %u: VPORT_DELETE: %s", s->ad->hw.name, vf_id,
			      strerror(-ret));
	svnic_sriov_dev_forget(d);
}

/*
 * A reset: the device's VF back to its reset state (unless the device did it),
 * then its VPort back to the operator's settings, without anything the guest
 * added. The switch clears the guest state when this returns.
 */
static void
svnic_sriov_vf_reset_dev(struct svnic_sriov *s, const struct sriov_vf *vf)
{
	struct svnic_sriov_vf *d = &s->vfs[vf->vf_id];
	struct sriov_vf clean = *vf;
	int ret;

	if (!d->dev_reset) {
		ret = svnic_sriov_vf_cmd(s->ad, SVNIC_AQ_OP_VF_RESET, vf->vf_id);
		if (ret < 0)
			SVNIC_DRV_LOG(ERR, "%s: VF %u: VF_RESET: %s", s->ad->hw.name, vf->vf_id,
				      strerror(-ret));
	}
	d->dev_reset = false;
	/* the reset disabled its queues; the device wrote a RESET_NOTICE over the window */
	memset(d->q_enabled, 0, sizeof(d->q_enabled));
	svnic_sriov_outbox_clear(d);
	memset(&clean.guest, 0, sizeof(clean.guest));
	svnic_sriov_rss_off(s, vf->vf_id);
	if (d->vport_on) {
		struct svnic_aq_vport v;

		svnic_sriov_vport_build(s, &clean, &v);
		if (memcmp(&v, &d->vport, sizeof(v)) != 0 &&
		    svnic_sriov_cmd(s->ad, SVNIC_AQ_OP_VPORT_MODIFY, &v, sizeof(v)) == 0)
			d->vport = v;
		svnic_sriov_filters_sync(s, &clean);
	}
}

static void
svnic_sriov_port_open(struct svnic_sriov *s, uint16_t vf_id);
static void
svnic_sriov_port_close(struct svnic_sriov *s, uint16_t vf_id);

static void
svnic_sriov_state_cbs(struct svnic_adapter *ad, uint16_t vf_id, enum sriov_vf_state old,
		      enum sriov_vf_state new)
{
	unsigned int i;

	/* enum rte_pmd_svnic_vf_state follows enum sriov_vf_state value for value */
	for (i = 0; i < RTE_DIM(ad->vf_state_cbs); i++)
		if (ad->vf_state_cbs[i].cb != NULL)
			ad->vf_state_cbs[i].cb(ad->eth_dev->data->port_id, vf_id,
					       (enum rte_pmd_svnic_vf_state)old,
					       (enum rte_pmd_svnic_vf_state)new,
					       ad->vf_state_cbs[i].arg);
}

static void
svnic_sriov_on_event(struct sriov_switch *sw, uint16_t vf_id, enum sriov_vf_state old,
		     enum sriov_vf_state new, enum sriov_vf_event cause, void *ctx)
{
	struct svnic_sriov *s = ctx;
	const struct sriov_vf *vf = sriov_switch_vf_const(sw, vf_id);
	struct svnic_sriov_vf *d = &s->vfs[vf_id];

	SVNIC_DRV_LOG(DEBUG, "%s: VF %u: %s -> %s (%s)", s->ad->hw.name, vf_id,
		      sriov_vf_state_name(old), sriov_vf_state_name(new),
		      sriov_vf_event_name(cause));
	switch (new) {
	case SRIOV_VF_ALLOCATED:
		if (old == SRIOV_VF_HW_READY)
			svnic_sriov_port_open(s, vf_id);
		else if (sriov_vf_state_has_vport(old))
			svnic_sriov_vport_delete(s, vf_id);
		break;
	case SRIOV_VF_ATTACHED:
		if (old == SRIOV_VF_ALLOCATED)
			svnic_sriov_vport_create(s, vf);
		break;
	case SRIOV_VF_RESETTING:
		if (old == SRIOV_VF_QUARANTINED && d->port != NULL)
			svnic_vf_port_drop_guest(d->port);
		svnic_sriov_vf_reset_dev(s, vf);
		break;
	case SRIOV_VF_QUARANTINED:
		svnic_sriov_queues_sync(s, vf, true);
		SVNIC_DRV_LOG(ERR, "%s: VF %u quarantined (%s): its queues are disabled; "
			      "only an operator reset brings it back", s->ad->hw.name, vf_id,
			      sriov_vf_event_name(cause));
		break;
	case SRIOV_VF_HW_READY:
		if (old == SRIOV_VF_ALLOCATED) {
			svnic_sriov_port_close(s, vf_id);
			svnic_sriov_outbox_clear(d);
		}
		break;
	default:
		break;
	}
	svnic_sriov_state_cbs(s->ad, vf_id, old, new);
}

/* --- guest sockets ------------------------------------------------------- */

static int
svnic_sriov_port_cfg_read(void *ctx, uint16_t vf_id, uint16_t off, uint8_t len, uint32_t *val)
{
	struct svnic_sriov *s = ctx;
	struct svnic_aq_vf_cfg p;

	memset(&p, 0, sizeof(p));
	p.vf_id = vf_id;
	p.offset = off;
	p.len = len;
	return svnic_adminq_exec(&s->ad->aq, SVNIC_AQ_OP_VF_CONFIG_READ, &p, sizeof(p), NULL, 0,
				 NULL, 0, val);
}

static int
svnic_sriov_port_reset(void *ctx, uint16_t vf_id)
{
	struct svnic_sriov *s = ctx;

	s->vfs[vf_id].mbx_rx_raised = false;
	return sriov_vf_reset(s->sw, vf_id, false);
}

static void
svnic_sriov_port_guest_come(void *ctx, uint16_t vf_id)
{
	struct svnic_sriov *s = ctx;

	SVNIC_DRV_LOG(INFO, "%s: VF %u: a guest connected to %s", s->ad->hw.name, vf_id,
		      s->vfs[vf_id].path);
	s->vfs[vf_id].mbx_rx_raised = false;
}

static void
svnic_sriov_port_guest_gone(void *ctx, uint16_t vf_id)
{
	struct svnic_sriov *s = ctx;
	int ret;

	SVNIC_DRV_LOG(INFO, "%s: VF %u: its guest left; resetting the VF", s->ad->hw.name,
		      vf_id);
	/*
	 * The port closed its connection to the device's VF, which resets the VF
	 * there (spec "Resets"): the state machine follows without a VF_RESET
	 * command, and the VF_RESET event of that disconnect is not another reset.
	 */
	s->vfs[vf_id].mbx_rx_raised = false;
	s->vfs[vf_id].dev_reset = true;
	ret = sriov_vf_reset(s->sw, vf_id, false);
	s->vfs[vf_id].dev_reset = false;
	if (ret < 0 && ret != -ENOTCONN && ret != -ENOENT)
		SVNIC_DRV_LOG(ERR, "%s: VF %u: reset after its guest left: %s", s->ad->hw.name,
			      vf_id, strerror(-ret));
}

static int svnic_sriov_mbx_shared(struct svnic_sriov *s, uint16_t vf_id, bool ack,
				  uint32_t legacy_len);

/*
 * The guest rang its mailbox doorbell through us: with the shared TX mailbox
 * its message is in the window already, so it is taken now, not after the
 * device's MBX_MSG event (two wake-ups later). (Taking it after the port's
 * handling returned cost 10 us a round trip in A/B runs; a port that the
 * request's consequences close goes when its handling returns.) When there
 * was one, the doorbell has reached us, its only addressee: the port keeps
 * it from the device. Otherwise (nothing new, a VF driver that does not frame
 * its messages) it goes on, and the device's event serves it.
 */
static bool
svnic_sriov_port_doorbell(void *ctx, uint16_t vf_id)
{
	struct svnic_sriov *s = ctx;

	return s->shared_tx && svnic_sriov_mbx_shared(s, vf_id, false, 0) > 0;
}

/* The guest took a message of the shared RX mailbox: the next may go. */
static bool
svnic_sriov_port_ack(void *ctx, uint16_t vf_id)
{
	struct svnic_sriov *s = ctx;
	struct svnic_sriov_vf *d = &s->vfs[vf_id];

	if (d->bye == 2)
		d->bye = 3;
	svnic_sriov_outbox_flush(s, vf_id);
	return true;
}

/*
 * Before the guest's page-0 write reaches the device: one that clears
 * INT_CAUSE.MBX_RX (a guest about to sleep on its vector) or resets the VF
 * makes the next message's MBX_RX_NOTIFY needed again. net_svnic_vf arms
 * with a write it waits for, which the port forwards and waits for too: the
 * clear reaches the device before any notify we send after it.
 */
static void
svnic_sriov_port_reg_write(void *ctx, uint16_t vf_id, uint32_t off, uint32_t val)
{
	struct svnic_sriov *s = ctx;

	if ((off == SVNIC_REG_INT_CAUSE && (val & SVNIC_INT_MBX_RX)) ||
	    off == SVNIC_REG_DEV_CTRL)
		s->vfs[vf_id].mbx_rx_raised = false;
}

static const struct svnic_vf_port_ops svnic_sriov_port_ops = {
	.cfg_read = svnic_sriov_port_cfg_read,
	.reset = svnic_sriov_port_reset,
	.guest_come = svnic_sriov_port_guest_come,
	.guest_gone = svnic_sriov_port_guest_gone,
	.mbx_doorbell = svnic_sriov_port_doorbell,
	.mbx_ack = svnic_sriov_port_ack,
	.guest_reg_write = svnic_sriov_port_reg_write,
};

static void
svnic_sriov_port_open(struct svnic_sriov *s, uint16_t vf_id)
{
	struct svnic_sriov_vf *d = &s->vfs[vf_id];
	struct svnic_vf_port_cfg cfg;
	struct epoll_event ev;
	int ret;

	if (s->args.vf_dir[0] == '\0' || !s->can_serve)
		return;
	/* the devargs parser left room for the longest suffix */
	if (snprintf(d->path, sizeof(d->path), "%s/vf%u.sock", s->args.vf_dir, vf_id) >=
	    (int)sizeof(d->path)) {
		d->path[0] = '\0';
		return;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.path = d->path;
	cfg.mode = 0600;
	cfg.vf_id = vf_id;
	cfg.desc = s->desc;
	cfg.desc.vf_id = vf_id;
	cfg.ops = &svnic_sriov_port_ops;
	cfg.ctx = s;
	cfg.dev_ops = &svnic_vf_port_dev_vfio_user;
	cfg.dev_ctx = &s->dev_ctx;
	ret = svnic_vf_port_open(&cfg, &d->port);
	ev.events = EPOLLIN;
	ev.data.u32 = vf_id;
	if (ret == 0 && epoll_ctl(s->ports_ep, EPOLL_CTL_ADD, svnic_vf_port_fd(d->port), &ev) < 0) {
		/* a port the control thread does not watch would leave its guest hanging */
		ret = -errno;
		svnic_vf_port_close(d->port);
	}
	if (ret < 0) {
		SVNIC_DRV_LOG(ERR, "%s: VF %u: cannot serve %s to a guest: %s", s->ad->hw.name,
			      vf_id, d->path, strerror(-ret));
		d->port = NULL;
		d->path[0] = '\0';
		return;
	}
	SVNIC_DRV_LOG(INFO, "%s: VF %u served on %s", s->ad->hw.name, vf_id, d->path);
}

static void
svnic_sriov_port_close(struct svnic_sriov *s, uint16_t vf_id)
{
	struct svnic_sriov_vf *d = &s->vfs[vf_id];

	if (d->port != NULL)
		(void)epoll_ctl(s->ports_ep, EPOLL_CTL_DEL, svnic_vf_port_fd(d->port), NULL);
	svnic_vf_port_close(d->port);
	d->port = NULL;
	d->path[0] = '\0';
}

/* --- mailbox: VF to PF ---------------------------------------------------- */

static int
svnic_sriov_mbx_stats(void *ctx, uint16_t vf_id, struct svnic_mbx_stats *st)
{
	struct svnic_sriov *s = ctx;
	struct sriov_mgmt_vf_stats m;

	return svnic_sriov_vf_stats(s->ad, vf_id, &m, st);
}

/* The application's veto (RTE_ETH_EVENT_VF_MBOX): true when it refused. */
static bool
svnic_sriov_mbx_vetoed(struct svnic_sriov *s, uint16_t vf_id, const void *msg, size_t len)
{
	struct rte_pmd_svnic_mb_event_param p;
	const struct svnic_mbx_hdr *h = msg;

	if (svnic_mbx_validate_request(msg, len) < 0)
		return false;	/* sriov_mbx_handle() answers and counts it */
	memset(&p, 0, sizeof(p));
	p.vf_id = vf_id;
	p.opcode = h->opcode;
	p.msg = msg;
	p.msg_len = (uint16_t)len;
	p.retval = RTE_PMD_SVNIC_MB_EVENT_PROCEED;
	rte_eth_dev_callback_process(s->ad->eth_dev, RTE_ETH_EVENT_VF_MBOX, &p);
	return p.retval == RTE_PMD_SVNIC_MB_EVENT_NACK;
}

/*
 * What the answer asks of the device, before the VF reads the answer: a VF
 * told its queues are on posts buffers at once (the device clears the tail of
 * a queue it enables). @return the first error of the device, 0.
 */
static int
svnic_sriov_mbx_actions(struct svnic_sriov *s, uint16_t vf_id, unsigned int act)
{
	const struct sriov_vf *vf = sriov_switch_vf_const(s->sw, vf_id);
	int ret, first = 0;

	if (act & SRIOV_MBX_ACT_QUARANTINED)
		return 0;	/* the state callback disabled its queues */
	if (act & SRIOV_MBX_ACT_RESET) {
		ret = sriov_vf_reset(s->sw, vf_id, false);
		if (ret < 0)
			SVNIC_DRV_LOG(ERR, "%s: VF %u: reset it asked for: %s", s->ad->hw.name,
				      vf_id, strerror(-ret));
		return 0;
	}
	if (act & SRIOV_MBX_ACT_GUEST_UP) {
		if (vf->state == SRIOV_VF_ATTACHED)
			(void)sriov_vf_guest_up(s->sw, vf_id);
		svnic_sriov_link_notify(s, vf_id, true);
	}
	if (act & SRIOV_MBX_ACT_QUEUES)
		first = svnic_sriov_queues_sync(s, vf, false);
	if (act & (SRIOV_MBX_ACT_FILTERS | SRIOV_MBX_ACT_RX_MODE | SRIOV_MBX_ACT_MTU)) {
		ret = svnic_sriov_vf_sync(s, vf_id);
		if (first == 0)
			first = ret;
	}
	if (act & SRIOV_MBX_ACT_RSS) {
		ret = svnic_sriov_rss_sync(s, vf);
		if (first == 0)
			first = ret;
	}
	return first;
}

/* Judge and answer the message of @p len bytes in s->mbx_buf (our own copy). */
static void
svnic_sriov_mbx_request(struct svnic_sriov *s, uint16_t vf_id, uint32_t len)
{
	struct svnic_sriov_vf *d = &s->vfs[vf_id];
	unsigned int act = 0;
	size_t rlen = 0;
	int ret;

	if (len > sizeof(s->mbx_buf))
		len = sizeof(s->mbx_buf);
	d->mbx_requests++;
	if (svnic_sriov_mbx_vetoed(s, vf_id, s->mbx_buf, len)) {
		const struct svnic_mbx_hdr *h = (const void *)s->mbx_buf;

		d->mbx_refused++;
		SVNIC_DRV_LOG(INFO, "%s: VF %u: %s refused by the application", s->ad->hw.name,
			      vf_id, svnic_mbx_op_name(h->opcode));
		d->reply.len = (uint16_t)svnic_mbx_build(d->reply.buf, sizeof(d->reply.buf),
							 h->opcode, SVNIC_MBX_F_REPLY, h->seq,
							 EPERM, NULL, 0);
		svnic_sriov_outbox_flush(s, vf_id);
		return;
	}
	ret = sriov_mbx_handle(s->sw, vf_id, &s->mbx_ops, s, svnic_ctrl_clock_ns(), s->mbx_buf,
			       len, d->reply.buf, sizeof(d->reply.buf), &rlen, &act);
	if (ret < 0) {
		SVNIC_DRV_LOG(ERR, "%s: VF %u: mailbox request not handled: %s", s->ad->hw.name,
			      vf_id, strerror(-ret));
		return;
	}
	if (rlen >= sizeof(struct svnic_mbx_hdr) &&
	    ((const struct svnic_mbx_hdr *)d->reply.buf)->status != 0)
		d->mbx_refused++;
	d->reply.len = (uint16_t)rlen;
	if (act & SRIOV_MBX_ACT_RESET) {
		/* the reset clears the outbox: the answer goes first */
		svnic_sriov_outbox_flush(s, vf_id);
		(void)svnic_sriov_mbx_actions(s, vf_id, act);
		return;
	}
	/* the device first, then the answer, which says if the device refused */
	ret = svnic_sriov_mbx_actions(s, vf_id, act);
	if (ret < 0 && rlen >= sizeof(struct svnic_mbx_hdr)) {
		struct svnic_mbx_hdr *h = (struct svnic_mbx_hdr *)d->reply.buf;

		if (h->status == 0 && h->len == 0) {
			h->status = EIO;
			d->mbx_refused++;
		}
	}
	svnic_sriov_outbox_flush(s, vf_id);
}

/* A message the device copied (spec 1.0 mailbox): fetch it with MBX_RECV. */
static void
svnic_sriov_mbx_msg(struct svnic_sriov *s, uint16_t vf_id)
{
	struct svnic_aq_vf p;
	uint32_t len = 0;
	int ret;

	memset(&p, 0, sizeof(p));
	p.vf_id = vf_id;
	ret = svnic_adminq_exec(&s->ad->aq, SVNIC_AQ_OP_MBX_RECV, &p, sizeof(p), NULL, 0,
				s->mbx_buf, sizeof(s->mbx_buf), &len);
	if (ret == -ENOENT)
		return;		/* nothing pending (a resync asks every VF) */
	if (ret < 0) {
		SVNIC_DRV_LOG(ERR, "%s: VF %u: MBX_RECV: %s", s->ad->hw.name, vf_id,
			      strerror(-ret));
		return;
	}
	svnic_sriov_mbx_request(s, vf_id, len);
}

/*
 * The shared TX mailbox (spec 1.3): the message is read from the VF's window
 * through its port's mapping, into our buffer, and only that copy is judged.
 * With @p ack (the device's MBX_MSG event) the device is told first that we
 * looked, so that the VF's next doorbell raises MBX_MSG again; the VF rings
 * it only after our answer, which goes to the device after the ack.
 * @p legacy_len: the length of the event, for a VF driver older than 1.3.
 * @return 1 when a message was taken (and answered), 0 or a negative errno.
 */
static int
svnic_sriov_mbx_shared(struct svnic_sriov *s, uint16_t vf_id, bool ack, uint32_t legacy_len)
{
	struct svnic_sriov_vf *d = &s->vfs[vf_id];
	int ret;

	if (ack)
		(void)svnic_hw_reg_write_posted(&s->ad->hw, SVNIC_REG_MBX_DB_ACK, vf_id);
	if (d->port == NULL)
		return -ENODEV;
	ret = svnic_vf_port_shtx_read(d->port, legacy_len, s->mbx_buf, sizeof(s->mbx_buf));
	if (ret == -EMSGSIZE) {
		/* a length out of range: judged as the malformed message it is */
		svnic_sriov_mbx_request(s, vf_id, 0);
		return 1;
	}
	/* nothing new, the VF still writing (its doorbell comes), or no guest */
	if (ret <= 0)
		return ret;
	svnic_sriov_mbx_request(s, vf_id, (uint32_t)ret);
	return 1;
}

/* --- control thread hooks -------------------------------------------------- */

void
svnic_sriov_event(struct svnic_adapter *ad, const struct svnic_eq_entry *ev)
{
	struct svnic_sriov *s = svnic_sriov_of(ad);
	uint16_t i;
	int ret;

	if (s == NULL)
		return;
	if (ev->event == SVNIC_EQ_EV_LINK) {
		for (i = 0; i < sriov_switch_num_vfs(s->sw); i++) {
			const struct sriov_vf *vf = sriov_switch_vf_const(s->sw, i);

			if (vf->vport.props.link_state == SRIOV_LINK_AUTO)
				svnic_sriov_link_notify(s, i, false);
		}
		return;
	}
	if (ev->func >= sriov_switch_num_vfs(s->sw)) {
		SVNIC_DRV_LOG(WARNING, "%s: event 0x%x names VF %u, beyond NumVFs %u",
			      ad->hw.name, ev->event, ev->func, sriov_switch_num_vfs(s->sw));
		return;
	}
	switch (ev->event) {
	case SVNIC_EQ_EV_MBX_MSG:
		if (ev->param1 & SVNIC_EQ_MBX_SHARED)
			svnic_sriov_mbx_shared(s, ev->func, true, ev->param0);
		else
			svnic_sriov_mbx_msg(s, ev->func);
		break;
	case SVNIC_EQ_EV_MBX_RX_DONE:
		if (s->vfs[ev->func].bye == 2)
			s->vfs[ev->func].bye = 3;
		svnic_sriov_outbox_flush(s, ev->func);
		break;
	case SVNIC_EQ_EV_FAULT:
		ret = sriov_vf_quarantine(s->sw, ev->func);
		if (ret < 0 && ret != -EALREADY)
			SVNIC_DRV_LOG(WARNING, "%s: VF %u faulted in a state that cannot be "
				      "quarantined: %s", ad->hw.name, ev->func, strerror(-ret));
		break;
	case SVNIC_EQ_EV_VF_RESET:
		/* only this PF connects to the device's VF sockets: a disconnect is
		 * its own VF port letting go, already followed in guest_gone */
		if (ev->param0 == SVNIC_EQ_VF_RESET_DISCONNECT)
			break;
		/* the device reset it already: the state machine follows, no VF_RESET */
		s->vfs[ev->func].mbx_rx_raised = false;
		s->vfs[ev->func].dev_reset = true;
		ret = sriov_vf_reset(s->sw, ev->func, false);
		s->vfs[ev->func].dev_reset = false;
		if (ret < 0)
			SVNIC_DRV_LOG(DEBUG, "%s: VF %u reset by the device (reason %u): %s",
				      ad->hw.name, ev->func, ev->param0, strerror(-ret));
		break;
	default:
		break;
	}
}

/* Events were lost: fetch every pending message (spec "Event queue"). */
void
svnic_sriov_resync(struct svnic_adapter *ad)
{
	struct svnic_sriov *s = svnic_sriov_of(ad);
	uint16_t i;

	if (s == NULL)
		return;
	for (i = 0; i < sriov_switch_num_vfs(s->sw); i++) {
		/* a lost VF_RESET event may have cleared the cause behind our back */
		s->vfs[i].mbx_rx_raised = false;
		/* a lost shared-TX doorbell left its VF's MBX_MSG unacknowledged too */
		if (s->shared_tx)
			svnic_sriov_mbx_shared(s, i, true, 0);
		else if (sriov_vf_state_has_vport(sriov_switch_vf_const(s->sw, i)->state))
			svnic_sriov_mbx_msg(s, i);
		svnic_sriov_outbox_flush(s, i);
	}
}

unsigned int
svnic_sriov_pollfds(struct svnic_adapter *ad, struct pollfd *pfd, unsigned int max)
{
	struct svnic_sriov *s = svnic_sriov_of(ad);
	unsigned int n = 0;

	if (s == NULL || max == 0)
		return 0;
	/* the ports' set first: the management clients must not crowd it out */
	s->ports_pfd = n;
	pfd[n++] = (struct pollfd){ .fd = s->ports_ep, .events = POLLIN };
	if (s->mgmt != NULL)
		n += svnic_mgmt_srv_pollfds(s->mgmt, pfd + n, max - n);
	return n;
}

void
svnic_sriov_wait_end(struct svnic_adapter *ad)
{
	struct svnic_sriov *s = svnic_sriov_of(ad);
	unsigned int i;

	if (s == NULL)
		return;
	for (i = 0; i < SVNIC_SRIOV_OWN_MAX; i++) {
		if (s->own_fd[i] >= 0)
			(void)epoll_ctl(s->ports_ep, EPOLL_CTL_DEL, s->own_fd[i], NULL);
		s->own_fd[i] = -1;
	}
	s->own_ready = 0;
}

/* Sort what the ports' set reported: ready ports, and the control thread's own fds. */
static void
svnic_sriov_take_ready(struct svnic_sriov *s, const struct epoll_event *ev, int nb)
{
	uint32_t tag;
	int k;

	s->nready = 0;
	for (k = 0; k < nb; k++) {
		tag = ev[k].data.u32;
		if (tag < s->total_vfs)
			s->ready[s->nready++] = (uint16_t)tag;
		else if (tag >= SVNIC_SRIOV_TAG_OWN &&
			 tag < SVNIC_SRIOV_TAG_OWN + SVNIC_SRIOV_OWN_MAX)
			s->own_ready |= 1u << (tag - SVNIC_SRIOV_TAG_OWN);
		else if (tag == SVNIC_SRIOV_TAG_MGMT)
			s->mgmt_ready = true;
	}
}

/* A port closed by an earlier one's request may still be in the ready list. */
static void
svnic_sriov_port_handle(struct svnic_sriov *s, uint16_t vf_id)
{
	struct svnic_vf_port *p = s->vfs[vf_id].port;

	if (p != NULL && svnic_vf_port_handle(p) < 0)
		SVNIC_DRV_LOG(DEBUG, "%s: VF %u: guest socket error", s->ad->hw.name, vf_id);
}

bool
svnic_sriov_handle(struct svnic_adapter *ad, const struct pollfd *pfd, unsigned int n,
		   bool tick)
{
	struct svnic_sriov *s = svnic_sriov_of(ad);
	struct epoll_event ev[SVNIC_SRIOV_READY_MAX];
	unsigned int j;
	int k, nb;
	uint16_t i;

	if (s == NULL)
		return false;
	if (s->nready < 0) {
		/* after poll(), not svnic_sriov_wait(): the management pollfds, the set */
		for (j = s->ports_pfd + 1; j < n; j++)
			s->mgmt_ready |= pfd[j].revents != 0;
		if (s->ports_pfd < n && pfd[s->ports_pfd].revents != 0) {
			nb = epoll_wait(s->ports_ep, ev, RTE_DIM(ev), 0);
			svnic_sriov_take_ready(s, ev, nb);
		}
	}
	if (s->mgmt != NULL && (s->mgmt_ready || s->mgmt_more || tick)) {
		s->mgmt_more = svnic_mgmt_srv_handle(s->mgmt, svnic_ctrl_clock_ns() / 1000000u);
	}
	s->mgmt_ready = false;
	if (tick) {
		/*
		 * A stalled guest's timeout is noticed only when asked: the ports
		 * with a deadline of their own, not all 256 (each look is a
		 * system call).
		 */
		for (i = 0; i < s->total_vfs; i++)
			if (s->vfs[i].port != NULL && svnic_vf_port_has_timers(s->vfs[i].port))
				svnic_sriov_port_handle(s, i);
	}
	/* level-triggered: ports beyond the array are still ready on the next poll */
	for (k = 0; k < s->nready; k++)
		svnic_sriov_port_handle(s, s->ready[k]);
	if (s->nready > 0)
		s->hot_vf = s->ready[s->nready - 1];
	s->nready = -1;
	return s->mgmt_more;
}

int
svnic_sriov_poll_hot(struct svnic_adapter *ad)
{
	struct svnic_sriov *s = svnic_sriov_of(ad);
	struct svnic_vf_port *p;
	int ret;

	if (s == NULL || s->hot_vf < 0 || s->vfs[s->hot_vf].port == NULL)
		return -ENODEV;
	p = s->vfs[s->hot_vf].port;
	/* this look stands for svnic_sriov_wait(): no port is ready for the handle */
	s->nready = 0;
	ret = svnic_vf_port_poll_guest(p);
	if (ret < 0) {
		s->hot_vf = -1;		/* the port went away */
		return 0;
	}
	return ret;
}

int
svnic_sriov_wait(struct svnic_adapter *ad, struct pollfd *own, unsigned int n_own,
		 int timeout_ms)
{
	struct svnic_sriov *s = svnic_sriov_of(ad);
	struct epoll_event ev[SVNIC_SRIOV_READY_MAX];
	unsigned int i;
	int nb;

	if (s == NULL)
		return -ENODEV;
	if (n_own > SVNIC_SRIOV_OWN_MAX)
		return -EINVAL;
	for (i = 0; i < n_own; i++) {
		own[i].revents = 0;
		if (s->own_fd[i] == own[i].fd)
			continue;
		/*
		 * Edge-triggered: the thread drains them whenever told, and an
		 * eventfd write makes a new edge; so a look of the goodbye loop
		 * (svnic_sriov_handle()) cannot keep it spinning, and what that
		 * look took is kept in own_ready.
		 */
		ev[0].events = EPOLLIN | EPOLLET;
		ev[0].data.u32 = SVNIC_SRIOV_TAG_OWN + i;
		if (s->own_fd[i] >= 0)
			(void)epoll_ctl(s->ports_ep, EPOLL_CTL_DEL, s->own_fd[i], NULL);
		s->own_fd[i] = -1;
		if (epoll_ctl(s->ports_ep, EPOLL_CTL_ADD, own[i].fd, &ev[0]) < 0)
			return -errno;
		s->own_fd[i] = own[i].fd;
	}
	nb = epoll_wait(s->ports_ep, ev, RTE_DIM(ev), s->own_ready != 0 ? 0 : timeout_ms);
	if (nb < 0 && errno != EINTR)
		return -errno;
	svnic_sriov_take_ready(s, ev, nb);
	for (i = 0; i < n_own; i++)
		if ((s->own_ready & (1u << i)) != 0)
			own[i].revents = POLLIN;
	nb = nb < 0 ? 0 : nb;
	if (s->own_ready != 0 && nb == 0)
		nb = 1;	/* an edge taken by the goodbye loop's look */
	s->own_ready = 0;
	return nb;
}

void
svnic_sriov_tick(struct svnic_adapter *ad, uint64_t now_ms)
{
	struct svnic_sriov *s = svnic_sriov_of(ad);
	uint16_t i;

	RTE_SET_USED(now_ms);
	if (s == NULL)
		return;
	/* a lost MBX_RX_DONE must not leave a reply behind for ever */
	for (i = 0; i < sriov_switch_num_vfs(s->sw); i++)
		svnic_sriov_outbox_flush(s, i);
}

/* --- requests ------------------------------------------------------------ */

struct sriov_switch *
svnic_sriov_switch(struct svnic_adapter *ad)
{
	struct svnic_sriov *s = svnic_sriov_of(ad);

	return s == NULL ? NULL : s->sw;
}

const char *
svnic_sriov_vf_path(struct svnic_adapter *ad, uint16_t vf_id)
{
	struct svnic_sriov *s = svnic_sriov_of(ad);

	if (s == NULL || vf_id >= s->total_vfs)
		return "";
	return s->vfs[vf_id].path;
}

void
svnic_sriov_vport_changed(struct svnic_adapter *ad, uint16_t vf_id)
{
	struct svnic_sriov *s = svnic_sriov_of(ad);

	if (s == NULL || vf_id >= s->total_vfs || !s->vfs[vf_id].vport_on)
		return;
	(void)svnic_sriov_vf_sync(s, vf_id);
	svnic_sriov_link_notify(s, vf_id, false);
}

int
svnic_sriov_vf_stats(struct svnic_adapter *ad, uint16_t vf_id, struct sriov_mgmt_vf_stats *mst,
		     struct svnic_mbx_stats *dev)
{
	struct svnic_sriov *s = svnic_sriov_of(ad);
	const struct sriov_vf *vf;
	struct svnic_aq_vport_stats vs;
	int ret;

	if (s == NULL)
		return -ENOTSUP;
	vf = sriov_switch_vf_const(s->sw, vf_id);
	if (vf == NULL || !sriov_vf_state_is_allocated(vf->state))
		return -ENOENT;
	memset(mst, 0, sizeof(*mst));
	memset(dev, 0, sizeof(*dev));
	mst->guest_connected = s->vfs[vf_id].port != NULL &&
			       svnic_vf_port_guest_connected(s->vfs[vf_id].port);
	if (!s->vfs[vf_id].vport_on)
		return 0;
	ret = svnic_vport_stats_get(ad, SVNIC_SRIOV_VF_VPORT(vf_id), &vs);
	if (ret < 0)
		return ret;
	dev->rx_packets = vs.rx_packets;
	dev->rx_bytes = vs.rx_bytes;
	dev->rx_dropped = vs.rx_dropped_nobuf + vs.rx_dropped_filter + vs.rx_errors;
	dev->tx_packets = vs.tx_packets;
	dev->tx_bytes = vs.tx_bytes;
	dev->tx_dropped = vs.tx_dropped + vs.tx_spoofed + vs.tx_errors;
	dev->tx_spoofed = vs.tx_spoofed;
	mst->rx_packets = dev->rx_packets;
	mst->tx_packets = dev->tx_packets;
	mst->drops = dev->rx_dropped + dev->tx_dropped;
	return 0;
}

void
svnic_sriov_mbx_counters(struct svnic_adapter *ad, uint16_t vf_id, uint64_t *requests,
			 uint64_t *refused)
{
	struct svnic_sriov *s = svnic_sriov_of(ad);

	*requests = *refused = 0;
	if (s == NULL || vf_id >= s->total_vfs)
		return;
	*requests = s->vfs[vf_id].mbx_requests;
	*refused = s->vfs[vf_id].mbx_refused;
}

uint16_t
svnic_sriov_pf_queue_pairs(struct svnic_adapter *ad)
{
	struct svnic_sriov *s = svnic_sriov_of(ad);

	/* any thread (dev_infos_get): caps.num_vfs, not the switch */
	if (s == NULL || __atomic_load_n(&ad->caps.num_vfs, __ATOMIC_RELAXED) == 0)
		return ad->id.total_queue_pairs;
	return s->pf_queue_pairs;
}

static int
svnic_sriov_ctrl_update(struct svnic_sriov *s, uint16_t set, uint16_t clear)
{
	struct svnic_hw *hw = &s->ad->hw;
	uint16_t ctrl;
	int ret;

	ret = hw->ops->cfg_write == NULL ? -ENOTSUP :
	      hw->ops->cfg_read(hw, hw->sriov_cap + PCI_SRIOV_CTRL, &ctrl, sizeof(ctrl));
	if (ret < 0)
		return ret;
	ctrl = (uint16_t)((ctrl & ~clear) | set);
	return hw->ops->cfg_write(hw, hw->sriov_cap + PCI_SRIOV_CTRL, &ctrl, sizeof(ctrl));
}

/*
 * PCIe r4.0 sec. 9.3.3.3: NumVFs is written while VF Enable is 0; ARI Capable
 * Hierarchy first when more than 7 VFs must be reachable (spec "SR-IOV
 * capability"); then VF Enable and VF MSE together.
 */
/*
 * VFs may take up to 100 ms after VF Enable to answer (PCIe r4.0 sec.
 * 9.3.3.3.1; doc/device-spec.rst "VF Enable and VF MSE"): an admin command for
 * a VF that is not there yet is ENOENT. Wait until the last one answers a
 * config read, SVNIC_SRIOV_VF_READY_MS at most.
 */
static int
svnic_sriov_vfs_wait(struct svnic_sriov *s, uint16_t num_vfs)
{
	uint64_t deadline = rte_get_timer_cycles() +
			    rte_get_timer_hz() * SVNIC_SRIOV_VF_READY_MS / 1000;
	uint32_t id;
	int ret;

	for (;;) {
		ret = svnic_sriov_port_cfg_read(s, num_vfs - 1, PCI_VENDOR_ID, 4, &id);
		if (ret != -ENOENT)
			break;
		if (rte_get_timer_cycles() > deadline) {
			ret = -ETIMEDOUT;
			break;
		}
		rte_delay_us_sleep(100);
	}
	if (ret < 0)
		SVNIC_DRV_LOG(ERR, "%s: VF %u does not answer after VF Enable: %s",
			      s->ad->hw.name, num_vfs - 1, strerror(-ret));
	return ret;
}

/*
 * The VFs' mailbox mode, set while there are none (the device refuses a
 * change then): shared TX on a 1.3 device unless vf_mbx=copied.
 */
static void
svnic_sriov_mbx_mode(struct svnic_sriov *s)
{
	struct svnic_hw *hw = &s->ad->hw;
	bool want = !s->args.vf_mbx_copied;
	uint32_t v = 0;

	if (hw->spec_minor < SVNIC_SPEC_MINOR_SHARED_TX) {
		s->shared_tx = false;
		return;
	}
	if (svnic_hw_reg_write(hw, SVNIC_REG_MBX_CTRL, want ? SVNIC_MBX_CTRL_SHARED_TX : 0) < 0 ||
	    svnic_hw_reg_read(hw, SVNIC_REG_MBX_CTRL, &v) < 0)
		v = 0;
	s->shared_tx = (v & SVNIC_MBX_CTRL_SHARED_TX) != 0;
	/* the VF ports map the windows we read requests from and write answers to */
	if (s->shared_tx)
		s->mbx_ops.pf_caps |= SVNIC_MBX_CAP_SHARED_RX;
	else
		s->mbx_ops.pf_caps &= ~SVNIC_MBX_CAP_SHARED_RX;
	if (s->shared_tx != want)
		SVNIC_DRV_LOG(WARNING, "%s: the device kept the VFs' mailbox %s", hw->name,
			      s->shared_tx ? "shared" : "copied");
	else
		SVNIC_DRV_LOG(INFO, "%s: VF mailbox: %s TX", hw->name,
			      s->shared_tx ? "shared" : "copied");
}

int
svnic_sriov_set_num_vfs(struct svnic_adapter *ad, uint16_t num_vfs)
{
	struct svnic_sriov *s = svnic_sriov_of(ad);
	struct svnic_hw *hw = &ad->hw;
	uint16_t cur;
	int ret;

	if (s == NULL)
		return -ENOTSUP;
	cur = sriov_switch_num_vfs(s->sw);
	if (num_vfs == cur)
		return 0;
	if (num_vfs > s->total_vfs) {
		SVNIC_DRV_LOG(ERR, "%s: %u VFs asked, TotalVFs is %u", hw->name, num_vfs,
			      s->total_vfs);
		return -EINVAL;
	}
	if (num_vfs != 0 && ad->vport_created && ad->vport.nb_queues > s->pf_queue_pairs) {
		SVNIC_DRV_LOG(ERR, "%s: the PF uses %u queue pairs; with VFs it keeps %u: "
			      "configure it with fewer first", hw->name, ad->vport.nb_queues,
			      s->pf_queue_pairs);
		return -EBUSY;
	}
	if (cur != 0) {
		ret = sriov_switch_disable(s->sw);
		if (ret < 0)
			return ret;
		__atomic_store_n(&ad->caps.num_vfs, 0, __ATOMIC_RELAXED);
		ret = svnic_sriov_ctrl_update(s, 0, PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE);
		if (ret < 0) {
			SVNIC_DRV_LOG(ERR, "%s: clearing VF Enable: %s", hw->name,
				      strerror(-ret));
			return ret;
		}
	}
	if (num_vfs == 0)
		return 0;
	svnic_sriov_mbx_mode(s);
	ret = svnic_sriov_ctrl_update(s, num_vfs > 7 ? PCI_SRIOV_CTRL_ARI : 0,
				      num_vfs > 7 ? 0 : PCI_SRIOV_CTRL_ARI);
	if (ret == 0)
		ret = hw->ops->cfg_write(hw, hw->sriov_cap + PCI_SRIOV_NUM_VF, &num_vfs,
					 sizeof(num_vfs));
	if (ret == 0)
		ret = svnic_sriov_ctrl_update(s, PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE, 0);
	if (ret < 0) {
		SVNIC_DRV_LOG(ERR, "%s: enabling %u VFs in the SR-IOV capability: %s", hw->name,
			      num_vfs, strerror(-ret));
		return ret;
	}
	ret = svnic_sriov_vfs_wait(s, num_vfs);
	if (ret < 0) {
		(void)svnic_sriov_ctrl_update(s, 0, PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE);
		return ret;
	}
	s->desc.ari = num_vfs > 7;
	ret = sriov_switch_enable(s->sw, num_vfs);
	if (ret < 0) {
		(void)svnic_sriov_ctrl_update(s, 0, PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE);
		return ret;
	}
	__atomic_store_n(&ad->caps.num_vfs, num_vfs, __ATOMIC_RELAXED);
	SVNIC_DRV_LOG(NOTICE, "%s: %u VFs enabled%s", hw->name, num_vfs,
		      num_vfs > 7 ? " (ARI)" : "");
	return 0;
}

/* --- management socket callbacks ------------------------------------------ */

static int
svnic_sriov_mgmt_vf_stats(void *ctx, uint16_t vf_id, struct sriov_mgmt_vf_stats *st)
{
	struct svnic_sriov *s = ctx;
	struct svnic_mbx_stats dev;

	return svnic_sriov_vf_stats(s->ad, vf_id, st, &dev);
}

static int
svnic_sriov_mgmt_pf_status(void *ctx, struct sriov_mgmt_pf_status *st)
{
	struct svnic_sriov *s = ctx;
	struct svnic_adapter *ad = s->ad;
	struct svnic_aq_vport_stats vs;
	bool fd;

	strlcpy(st->name, ad->hw.name, sizeof(st->name));
	memcpy(st->mac, ad->eth_dev->data->mac_addrs[0].addr_bytes, 6);
	(void)svnic_hw_link_get(&ad->hw, &st->link_up, &fd, &st->speed_mbps);
	st->mtu = ad->eth_dev->data->mtu;
	if (ad->vport_created && svnic_vport_stats_get(ad, SVNIC_PF_VPORT_ID, &vs) == 0) {
		st->rx_packets = vs.rx_packets;
		st->tx_packets = vs.tx_packets;
		st->drops = vs.rx_dropped_nobuf + vs.rx_dropped_filter + vs.tx_dropped;
	}
	return 0;
}

static void
svnic_sriov_mgmt_vport_changed(void *ctx, uint16_t vf_id)
{
	struct svnic_sriov *s = ctx;

	svnic_sriov_vport_changed(s->ad, vf_id);
}

static const struct sriov_mgmt_ops svnic_sriov_mgmt_ops = {
	.vf_stats = svnic_sriov_mgmt_vf_stats,
	.pf_status = svnic_sriov_mgmt_pf_status,
	.vport_changed = svnic_sriov_mgmt_vport_changed,
};

/* --- init, fini ----------------------------------------------------------- */

/* The VF config space the guests see, from the PF's own (spec "VF configuration space"). */
static int
svnic_sriov_desc_init(struct svnic_sriov *s)
{
	struct svnic_hw *hw = &s->ad->hw;
	struct sriov_cfg_desc *d = &s->desc;
	uint32_t class_rev = 0;
	int ret;

	memset(d, 0, sizeof(*d));
	ret = hw->ops->cfg_read(hw, PCI_VENDOR_ID, &d->vendor_id, 2);
	if (ret == 0)
		ret = hw->ops->cfg_read(hw, hw->sriov_cap + PCI_SRIOV_VF_DID, &d->vf_device_id, 2);
	if (ret == 0)
		ret = hw->ops->cfg_read(hw, PCI_CLASS_REVISION, &class_rev, 4);
	if (ret == 0)
		ret = hw->ops->cfg_read(hw, PCI_SUBSYSTEM_VENDOR_ID, &d->subsys_vendor_id, 2);
	if (ret == 0)
		ret = hw->ops->cfg_read(hw, PCI_SUBSYSTEM_ID, &d->subsys_id, 2);
	if (ret < 0)
		return ret;
	d->revision = (uint8_t)class_rev;
	d->class_code = class_rev >> 8;
	d->bars[0].size = SVNIC_VF_BAR0_SIZE;
	d->bars[0].is_64 = true;
	d->bars[SVNIC_BAR_MSIX].size = SVNIC_VF_MSIX_BAR_SIZE;
	d->bars[SVNIC_BAR_MSIX].is_64 = true;
	d->msix_vectors = s->ad->id.vf_msix_vectors;
	d->max_payload = 1;	/* 256 bytes, as the PF's Device Capabilities */
	return 0;
}

/* Where the device serves its VF sockets, and the token that opens them to us only. */
static void
svnic_sriov_token_init(struct svnic_sriov *s)
{
	struct svnic_hw *hw = &s->ad->hw;
	uint8_t uuid[VFIO_USER_UUID_LEN];
	char text[VFIO_USER_TOKEN_LEN + 1];
	int ret;

	s->can_serve = false;
	if (hw->ops->set_vf_token == NULL || hw->ops->vf_dir == NULL) {
		SVNIC_INIT_LOG(WARNING, "%s: the %s transport cannot set a VF token: VFs "
			       "cannot be served to guests", hw->name, hw->ops->name);
		return;
	}
	if (getrandom(uuid, sizeof(uuid), 0) != (ssize_t)sizeof(uuid)) {
		SVNIC_INIT_LOG(ERR, "%s: no random VF token: %s", hw->name, strerror(errno));
		return;
	}
	uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x40);	/* RFC 4122 version 4 */
	uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80);
	ret = hw->ops->set_vf_token(hw, uuid);
	if (ret == 0)
		ret = hw->ops->vf_dir(hw, s->dev_ctx.dir, sizeof(s->dev_ctx.dir));
	if (ret < 0) {
		SVNIC_INIT_LOG(ERR, "%s: VF token: %s; VFs cannot be served to guests",
			       hw->name, strerror(-ret));
		return;
	}
	vfio_user_uuid_format(uuid, text);
	snprintf(s->dev_ctx.vf_token, sizeof(s->dev_ctx.vf_token), "%s", text);
	s->can_serve = true;
}

static int
svnic_sriov_vf_dir_prepare(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		SVNIC_INIT_LOG(ERR, "vf_dir=%s: cannot create it: %s", dir, strerror(errno));
		return -errno;
	}
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		SVNIC_INIT_LOG(ERR, "vf_dir=%s: not a directory", dir);
		return -ENOTDIR;
	}
	return 0;
}

static int
svnic_sriov_mgmt_open(struct svnic_sriov *s)
{
	const char *path = s->args.mgmt[0] != '\0' ? s->args.mgmt : SRIOV_MGMT_DEFAULT_PATH;
	struct svnic_mgmt_srv_cfg cfg = {
		.path = path,
		.mode = 0600,
		.sw = s->sw,
		.ops = &svnic_sriov_mgmt_ops,
		.ctx = s,
	};
	struct epoll_event ev;
	int ret;

	if (strcmp(s->args.mgmt, "none") == 0)
		return 0;
	ret = svnic_mgmt_srv_open(&cfg, &s->mgmt);
	if (ret == 0) {
		/* It wakes the control thread through the ports' set, which it sleeps on. */
		ev.events = EPOLLIN;
		ev.data.u32 = SVNIC_SRIOV_TAG_MGMT;
		if (epoll_ctl(s->ports_ep, EPOLL_CTL_ADD, svnic_mgmt_srv_fd(s->mgmt), &ev) == 0) {
			SVNIC_INIT_LOG(NOTICE, "%s: management socket %s", s->ad->hw.name,
				       path);
			return 0;
		}
		ret = -errno;
		svnic_mgmt_srv_close(s->mgmt);
	}
	s->mgmt = NULL;
	/* The default path is a convenience (often root's /run): not worth a failed probe. */
	if (s->args.mgmt[0] == '\0') {
		SVNIC_INIT_LOG(WARNING, "%s: no management socket at %s: %s (give mgmt=PATH "
			       "or mgmt=none)", s->ad->hw.name, path, strerror(-ret));
		return 0;
	}
	SVNIC_INIT_LOG(ERR, "%s: mgmt=%s: %s", s->ad->hw.name, path, strerror(-ret));
	return ret;
}

int
svnic_sriov_init(struct svnic_adapter *ad, const struct svnic_sriov_args *args)
{
	struct svnic_hw *hw = &ad->hw;
	struct sriov_switch_cfg cfg;
	struct svnic_sriov *s;
	uint16_t total = hw->total_vfs;
	unsigned int i;
	int ret;

	ad->sriov = NULL;
	if (hw->sriov_cap == 0 || total == 0) {
		if (args->max_vfs != 0) {
			SVNIC_INIT_LOG(ERR, "%s: max_vfs=%u but the device has no SR-IOV",
				       hw->name, args->max_vfs);
			return -ENOTSUP;
		}
		return 0;
	}
	if (args->max_vfs > total) {
		SVNIC_INIT_LOG(ERR, "%s: max_vfs=%u is more than the device's TotalVFs %u",
			       hw->name, args->max_vfs, total);
		return -EINVAL;
	}
	if (args->vf_dir[0] != '\0') {
		ret = svnic_sriov_vf_dir_prepare(args->vf_dir);
		if (ret < 0)
			return ret;
	}
	s = rte_zmalloc_socket("svnic_sriov", sizeof(*s) + total * sizeof(s->vfs[0]), 0,
			       ad->eth_dev->data->numa_node);
	if (s == NULL)
		return -ENOMEM;
	s->ad = ad;
	s->args = *args;
	s->total_vfs = total;
	s->nready = -1;
	s->hot_vf = -1;
	for (i = 0; i < SVNIC_SRIOV_OWN_MAX; i++)
		s->own_fd[i] = -1;
	s->ports_ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->ports_ep < 0) {
		ret = -errno;
		SVNIC_INIT_LOG(ERR, "%s: epoll_create1: %s", hw->name, strerror(-ret));
		goto free_s;
	}
	sriov_log_set_handler(svnic_sriov_log, NULL);
	s->pf_queue_pairs = RTE_MIN(SVNIC_SRIOV_PF_QUEUE_PAIRS, ad->id.total_queue_pairs);
	memset(&cfg, 0, sizeof(cfg));
	cfg.switch_id = 0;
	cfg.total_vfs = total;
	cfg.first_vf_offset = 1;
	cfg.vf_stride = 1;
	(void)hw->ops->cfg_read(hw, hw->sriov_cap + PCI_SRIOV_VF_OFFSET, &cfg.first_vf_offset, 2);
	(void)hw->ops->cfg_read(hw, hw->sriov_cap + PCI_SRIOV_VF_STRIDE, &cfg.vf_stride, 2);
	cfg.ari = args->max_vfs > 7;
	cfg.total_queue_pairs = ad->id.total_queue_pairs;
	cfg.pf_queue_pairs = s->pf_queue_pairs;
	cfg.max_vectors_per_vf = ad->id.vf_msix_vectors;
	cfg.numa_nodes = (int)RTE_MAX(rte_socket_count(), 1u);
	s->sw = sriov_switch_create(&cfg);
	if (s->sw == NULL) {
		ret = -errno;
		SVNIC_INIT_LOG(ERR, "%s: the device's SR-IOV layout is refused: %s", hw->name,
			       strerror(errno));
		goto close_ep;
	}
	sriov_switch_set_event_cb(s->sw, svnic_sriov_on_event, s);
	s->mbx_ops.get_stats = svnic_sriov_mbx_stats;
	s->mbx_ops.pf_caps = SVNIC_MBX_CAP_LINK_EVENTS;
	if (ad->id.offloads & SVNIC_CAP_RSS) {
		s->mbx_ops.pf_caps |= SVNIC_MBX_CAP_RSS;
		s->mbx_ops.rss_key_size = ad->id.rss_key_size;
		s->mbx_ops.rss_table_size = ad->id.rss_table_size;
		s->mbx_ops.rss_hash_types = ad->id.rss_hash_types;
	}
	if (ad->id.offloads & (SVNIC_CAP_VLAN_STRIP | SVNIC_CAP_VLAN_INSERT))
		s->mbx_ops.pf_caps |= SVNIC_MBX_CAP_VLAN_OFFLOAD;
	/* what the device does for any function's queues, told to 1.2 VF drivers */
	if (ad->id.offloads & SVNIC_CAP_VLAN_STRIP)
		s->mbx_ops.pf_caps |= SVNIC_MBX_CAP_VLAN_STRIP;
	if (ad->id.offloads & SVNIC_CAP_VLAN_INSERT)
		s->mbx_ops.pf_caps |= SVNIC_MBX_CAP_VLAN_INSERT;
	if (ad->id.offloads & SVNIC_CAP_RX_CSUM)
		s->mbx_ops.pf_caps |= SVNIC_MBX_CAP_RX_CSUM;
	if (ad->id.offloads & SVNIC_CAP_TX_CSUM)
		s->mbx_ops.pf_caps |= SVNIC_MBX_CAP_TX_CSUM;
	if (ad->id.offloads & SVNIC_CAP_TX_MULTI_SEG)
		s->mbx_ops.pf_caps |= SVNIC_MBX_CAP_TX_MULTI_SEG;
	/* CONFIG_QUEUE's head_wb_addr goes to the device's QUEUE_CONFIG as it is */
	if (ad->id.offloads & SVNIC_CAP_HEAD_WB)
		s->mbx_ops.pf_caps |= SVNIC_MBX_CAP_HEAD_WB;
	s->mbx_ops.min_mtu = ad->id.min_mtu;
	s->mbx_ops.max_mtu = ad->id.max_mtu;
	ret = svnic_sriov_desc_init(s);
	if (ret < 0) {
		SVNIC_INIT_LOG(ERR, "%s: reading the PF's config space: %s", hw->name,
			       strerror(-ret));
		goto destroy_sw;
	}
	svnic_sriov_token_init(s);
	ad->sriov = s;
	if (args->max_vfs != 0) {
		ret = svnic_sriov_set_num_vfs(ad, args->max_vfs);
		if (ret < 0)
			goto detach;
	}
	ret = svnic_sriov_mgmt_open(s);
	if (ret < 0)
		goto disable;
	return 0;
disable:
	(void)svnic_sriov_set_num_vfs(ad, 0);
detach:
	ad->sriov = NULL;
destroy_sw:
	sriov_switch_destroy(s->sw);
close_ep:
	close(s->ports_ep);
free_s:
	rte_free(s);
	return ret;
}

static void
svnic_sriov_goodbye_event(void *ctx, const struct svnic_eq_entry *ev)
{
	svnic_sriov_event(ctx, ev);
}

/* Is a notified guest still to read its PF_GOING_DOWN? */
static bool
svnic_sriov_goodbye_pending(const struct svnic_sriov *s)
{
	uint16_t i;

	for (i = 0; i < sriov_switch_num_vfs(s->sw); i++)
		if (s->vfs[i].bye == 1 || s->vfs[i].bye == 2)
			return true;
	return false;
}

/*
 * PF_GOING_DOWN to every guest driver before its VF goes. A guest reads its
 * mailbox through the socket this PF serves, so the notice is only worth
 * something if the PF goes on serving until the guest has read it: the
 * control thread has stopped, and this loop stands in for it, for
 * SVNIC_SRIOV_GOODBYE_MS at most (a guest that does not read is not waited for).
 */
static void
svnic_sriov_goodbye(struct svnic_sriov *s)
{
	struct svnic_adapter *ad = s->ad;
	struct pollfd pfd[1 + SVNIC_MGMT_CLIENTS_MAX + 1];
	uint64_t deadline = rte_get_timer_cycles() +
			    rte_get_timer_hz() * SVNIC_SRIOV_GOODBYE_MS / 1000;
	uint16_t i;

	for (i = 0; i < sriov_switch_num_vfs(s->sw); i++) {
		const struct sriov_vf *vf = sriov_switch_vf_const(s->sw, i);
		struct svnic_sriov_vf *d = &s->vfs[i];
		struct svnic_sriov_msg *m;

		if (!vf->guest.hello_done || d->port == NULL ||
		    !svnic_vf_port_guest_connected(d->port))
			continue;
		m = svnic_sriov_notice_slot(d);
		m->len = (uint16_t)sriov_mbx_build_going_down(m->buf, sizeof(m->buf),
							      ++d->notice_seq);
		if (m->len == 0)
			continue;
		d->nb_notices++;
		d->bye = 1;
		svnic_sriov_outbox_flush(s, i);
	}
	while (svnic_sriov_goodbye_pending(s) && rte_get_timer_cycles() < deadline) {
		unsigned int n = svnic_sriov_pollfds(ad, pfd, RTE_DIM(pfd));

		if (poll(pfd, n, 1) < 0 && errno != EINTR)
			break;
		(void)svnic_sriov_handle(ad, pfd, n, false);
		if (svnic_eventq_poll(&ad->aq, svnic_sriov_goodbye_event, ad) < 0)
			break;
		for (i = 0; i < sriov_switch_num_vfs(s->sw); i++)
			if (s->vfs[i].bye == 1)
				svnic_sriov_outbox_flush(s, i);
	}
	for (i = 0; i < sriov_switch_num_vfs(s->sw); i++)
		if (s->vfs[i].bye == 1 || s->vfs[i].bye == 2)
			SVNIC_DRV_LOG(INFO, "%s: VF %u's guest did not read PF_GOING_DOWN "
				      "within %u ms", ad->hw.name, i, SVNIC_SRIOV_GOODBYE_MS);
}

void
svnic_sriov_fini(struct svnic_adapter *ad)
{
	struct svnic_sriov *s = svnic_sriov_of(ad);
	uint16_t i, n;

	if (s == NULL)
		return;
	svnic_mgmt_srv_close(s->mgmt);
	s->mgmt = NULL;
	n = sriov_switch_num_vfs(s->sw);
	svnic_sriov_goodbye(s);
	for (i = 0; i < n; i++) {
		const struct sriov_vf *vf = sriov_switch_vf_const(s->sw, i);

		if (sriov_vf_state_is_allocated(vf->state) &&
		    sriov_vf_free(s->sw, i, SRIOV_FREE_CASCADE) < 0)
			SVNIC_DRV_LOG(ERR, "%s: VF %u could not be freed", ad->hw.name, i);
		svnic_sriov_port_close(s, i);
	}
	if (n != 0)
		(void)svnic_sriov_set_num_vfs(ad, 0);
	ad->sriov = NULL;
	sriov_switch_destroy(s->sw);
	close(s->ports_ep);
	rte_free(s);
}

/*
 * The PF was reset: the device deleted every VPort (spec "Resets") but kept
 * NumVFs and VF Enable. The switch keeps the operator's view; every VPort is
 * created again and every VF reset, so guests start over with HELLO.
 */
void
svnic_sriov_pf_reset(struct svnic_adapter *ad)
{
	struct svnic_sriov *s = svnic_sriov_of(ad);
	uint16_t i;

	if (s == NULL)
		return;
	for (i = 0; i < sriov_switch_num_vfs(s->sw); i++) {
		const struct sriov_vf *vf = sriov_switch_vf_const(s->sw, i);
		struct svnic_sriov_vf *d = &s->vfs[i];

		svnic_sriov_dev_forget(d);
		svnic_sriov_outbox_clear(d);
		if (!sriov_vf_state_has_vport(vf->state))
			continue;
		svnic_sriov_vport_create(s, vf);
		if (vf->state == SRIOV_VF_QUARANTINED)
			continue;
		/* the device reset the VF with the PF: no VF_RESET of our own */
		d->dev_reset = true;
		(void)sriov_vf_reset(s->sw, i, false);
		d->dev_reset = false;
	}
}
