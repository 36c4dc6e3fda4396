/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PF's admin queue (doc/device-spec.rst "Admin queue"): descriptors are read
 * once into the device, checked for form by svnic_adminq_validate() and for state
 * here, executed, and completed in place. Runs in the control thread with the
 * PF's lock held for writing; a command touching a VF's queues takes that VF's
 * lock too (the datapath never holds two function locks, so the order is safe).
 */
#include <errno.h>
#include <string.h>

#include "emu_dev.h"
#include "emu_log.h"
#include "emu_pci.h"
#include "emu_switch.h"
#include "svnic_stats.h"

int emu_mbx_send_to_vf(struct emu_dev *dev, uint16_t vf_id, const void *msg, uint16_t len);
int emu_mbx_recv_from_vf(struct emu_dev *dev, uint16_t vf_id, void *buf, uint32_t cap,
			 uint32_t *len);

#define EMU_MAX_MAC_FILTERS	16
#define EMU_MAX_VLAN_FILTERS	64

struct emu_aq_cmd {
	struct emu_dev *dev;
	struct svnic_aq_desc d;		/* the device's own copy */
	uint8_t buf[SVNIC_AQ_BUF_MAX];
	uint32_t out_len;		/* bytes of buf to write back (F_BUF_WR) */
	uint32_t ret_val;
};

static void
emu_aq_limits(const struct emu_dev *dev, struct svnic_aq_limits *lim)
{
	svnic_aq_limits_default(lim);
	lim->total_vfs = dev->cfg.total_vfs;
	lim->total_queue_pairs = dev->cfg.total_queue_pairs;
	lim->max_vports = (uint16_t)(dev->cfg.total_vfs + 1);
	lim->max_vf_queue_pairs = SVNIC_VF_QP_MAX;
	lim->rss_key_size = SVNIC_RSS_KEY_MAX;
	lim->rss_table_size = SVNIC_RSS_TABLE_MAX;
	lim->ring_size_max = SVNIC_RING_SIZE_MAX;
	lim->vectors = dev->cfg.pf_msix_vectors > dev->cfg.vf_msix_vectors ?
		       dev->cfg.pf_msix_vectors : dev->cfg.vf_msix_vectors;
}

static struct emu_func *
emu_aq_owner(struct emu_dev *dev, uint16_t func)
{
	if (!SVNIC_AQ_FUNC_IS_VF(func))
		return &dev->pf;
	return emu_dev_vf(dev, func & SVNIC_AQ_FUNC_VF_MASK);
}

static struct emu_vport *
emu_aq_vport(struct emu_dev *dev, uint16_t id)
{
	if (id >= SVNIC_VPORTS_MAX || id > dev->cfg.total_vfs || !dev->vports[id].used)
		return NULL;
	return &dev->vports[id];
}

static int
emu_aq_identify(struct emu_aq_cmd *c)
{
	struct emu_dev *dev = c->dev;
	struct svnic_aq_identify id;

	memset(&id, 0, sizeof(id));
	id.version = SVNIC_SPEC_VERSION;
	id.total_vfs = dev->cfg.total_vfs;
	id.total_queue_pairs = dev->cfg.total_queue_pairs;
	id.max_vports = (uint16_t)(dev->cfg.total_vfs + 1);
	id.max_vf_queue_pairs = SVNIC_VF_QP_MAX;
	id.pf_msix_vectors = dev->cfg.pf_msix_vectors;
	id.vf_msix_vectors = dev->cfg.vf_msix_vectors;
	id.min_mtu = SVNIC_MTU_MIN;
	id.max_mtu = SVNIC_MTU_MAX;
	id.rss_key_size = SVNIC_RSS_KEY_MAX;
	id.rss_table_size = SVNIC_RSS_TABLE_MAX;
	id.max_mac_filters = EMU_MAX_MAC_FILTERS;
	id.max_vlan_filters = EMU_MAX_VLAN_FILTERS;
	id.ring_size_min = SVNIC_RING_SIZE_MIN;
	id.ring_size_max = SVNIC_RING_SIZE_MAX;
	id.aq_size_max = SVNIC_QLEN_MAX;
	id.offloads = SVNIC_CAP_VLAN_STRIP | SVNIC_CAP_VLAN_INSERT | SVNIC_CAP_RSS |
		      SVNIC_CAP_RX_SCATTER | SVNIC_CAP_TX_MULTI_SEG;
	if (dev->head_wb)
		id.offloads |= SVNIC_CAP_HEAD_WB;
	id.rss_hash_types = SVNIC_RSS_HF_ALL;
	memcpy(id.perm_mac, dev->cfg.perm_mac, 6);
	id.link_status = dev->link_up ? (SVNIC_LINK_UP | SVNIC_LINK_FULL_DUPLEX) : 0;
	id.link_speed = dev->link_up ? dev->cfg.link_speed : 0;
	id.dev_caps = dev->stats_page ? SVNIC_DEVCAP_STATS_PAGE : 0;
	memcpy(c->buf, &id, sizeof(id));
	c->out_len = sizeof(id);
	c->ret_val = sizeof(id);
	return 0;
}

static enum svnic_sw_link
emu_aq_link(uint8_t state)
{
	switch (state) {
	case SVNIC_AQ_LINK_UP: return SVNIC_SW_LINK_UP;
	case SVNIC_AQ_LINK_DOWN: return SVNIC_SW_LINK_DOWN;
	default: return SVNIC_SW_LINK_AUTO;
	}
}

/* Program the switch from a VPort's whole configuration. */
static int
emu_aq_vport_apply(struct emu_dev *dev, uint16_t id, const struct svnic_aq_vport *v)
{
	struct svnic_sw *sw = dev->sw;
	uint16_t vid = v->vlan_tci & SVNIC_AQ_VLAN_VID_MASK;
	int ret;

	ret = svnic_sw_vport_set_mac(sw, id, v->mac);
	if (ret == 0)
		ret = svnic_sw_vport_set_port_vlan(sw, id, vid,
			(uint8_t)(v->vlan_tci >> SVNIC_AQ_VLAN_PCP_SHIFT),
			vid != 0 ? v->vlan_proto : SVNIC_AQ_VLAN_PROTO_8021Q);
	if (ret == 0)
		ret = svnic_sw_vport_set_spoofchk(sw, id, !!(v->flags & SVNIC_AQ_VPORT_F_SPOOFCHK));
	if (ret == 0)
		ret = svnic_sw_vport_set_trust(sw, id, !!(v->flags & SVNIC_AQ_VPORT_F_TRUST));
	if (ret == 0)
		ret = svnic_sw_vport_set_link(sw, id, emu_aq_link(v->link_state));
	if (ret == 0)
		ret = svnic_sw_vport_set_promisc(sw, id,
						 !!(v->rx_mode & SVNIC_AQ_RXM_UNICAST_PROMISC));
	if (ret == 0)
		ret = svnic_sw_vport_set_allmulti(sw, id, !!(v->rx_mode & SVNIC_AQ_RXM_ALLMULTI));
	if (ret == 0)
		ret = svnic_sw_vport_set_rate(sw, id, v->max_tx_rate, 0);
	return ret;
}

static int
emu_aq_vport_create(struct emu_aq_cmd *c)
{
	struct emu_dev *dev = c->dev;
	struct svnic_aq_vport v;
	struct emu_func *owner;
	uint16_t i;
	int ret;

	memcpy(&v, c->d.params, sizeof(v));
	if (v.vport_id > dev->cfg.total_vfs)
		return -ERANGE;
	if (dev->vports[v.vport_id].used)
		return -EEXIST;
	owner = emu_aq_owner(dev, v.func);
	if (owner == NULL)
		return -ENOENT;
	if (owner->is_vf && owner->vport != EMU_NO_VPORT)
		return -EEXIST;
	if ((uint32_t)v.queue_base + v.nb_queues > dev->cfg.total_queue_pairs)
		return -ERANGE;
	for (i = 0; i <= dev->cfg.total_vfs && i < SVNIC_VPORTS_MAX; i++) {
		const struct svnic_aq_vport *o = &dev->vports[i].cfg;

		if (dev->vports[i].used && v.queue_base < o->queue_base + o->nb_queues &&
		    o->queue_base < v.queue_base + v.nb_queues)
			return -EEXIST;
	}
	pthread_rwlock_wrlock(&dev->sw_lock);
	ret = svnic_sw_vport_setup(dev->sw, v.vport_id, v.func, v.nb_queues);
	if (ret == 0)
		ret = emu_aq_vport_apply(dev, v.vport_id, &v);
	if (ret == 0)
		ret = svnic_sw_vport_set_enabled(dev->sw, v.vport_id, true);
	if (ret < 0)
		svnic_sw_vport_reset(dev->sw, v.vport_id);
	pthread_rwlock_unlock(&dev->sw_lock);
	if (ret < 0)
		return ret == -EADDRINUSE ? -EEXIST : ret;
	/* nothing of an earlier VPort with this id (a PF reset only drops "used") */
	memset(&dev->vports[v.vport_id], 0, sizeof(dev->vports[v.vport_id]));
	dev->vports[v.vport_id].used = true;
	dev->vports[v.vport_id].cfg = v;
	dev->vports[v.vport_id].nb_mac = 1;
	for (i = v.queue_base; i < v.queue_base + v.nb_queues; i++) {
		emu_queue_disable(&dev->rxq[i]);
		emu_queue_disable(&dev->txq[i]);
		dev->rxq[i].owner = dev->txq[i].owner = owner;
		dev->rxq[i].vport = dev->txq[i].vport = v.vport_id;
		dev->rxq[i].fq = dev->txq[i].fq =
			(uint16_t)(owner->is_vf ? i - v.queue_base : i);
	}
	if (owner->is_vf) {
		emu_func_lock_wr(owner);
		owner->vport = v.vport_id;
		owner->qp_base = v.queue_base;
		owner->nb_qp = v.nb_queues;
		owner->dev_status |= SVNIC_STATUS_VPORT;
		emu_func_unlock(owner);
	}
	/* the switch keeps a VPort id's counters across a delete: GET_STATS shows them */
	emu_vport_stats_publish_locked(dev, v.vport_id);
	return 0;
}

static int
emu_aq_vport_modify(struct emu_aq_cmd *c)
{
	struct emu_dev *dev = c->dev;
	struct svnic_aq_vport v;
	struct emu_vport *vp;
	int ret;

	memcpy(&v, c->d.params, sizeof(v));
	vp = emu_aq_vport(dev, v.vport_id);
	if (vp == NULL)
		return -ENOENT;
	if (v.func != vp->cfg.func || v.queue_base != vp->cfg.queue_base ||
	    v.nb_queues != vp->cfg.nb_queues)
		return -EPERM;
	pthread_rwlock_wrlock(&dev->sw_lock);
	ret = emu_aq_vport_apply(dev, v.vport_id, &v);
	if (ret < 0)	/* put the previous configuration back */
		emu_aq_vport_apply(dev, v.vport_id, &vp->cfg);
	pthread_rwlock_unlock(&dev->sw_lock);
	if (ret < 0)
		return ret == -EADDRINUSE ? -EEXIST : ret;
	vp->cfg = v;
	return 0;
}

/* Stop a VPort's queues under their owner's lock: no DMA after this returns. */
static void
emu_aq_vport_queues_off(struct emu_dev *dev, const struct svnic_aq_vport *v,
			struct emu_func *owner, bool release)
{
	uint16_t i;

	if (owner->is_vf)
		emu_func_lock_wr(owner);
	for (i = v->queue_base; i < v->queue_base + v->nb_queues; i++) {
		emu_queue_disable(&dev->rxq[i]);
		emu_queue_disable(&dev->txq[i]);
		if (release) {
			dev->rxq[i].owner = dev->txq[i].owner = NULL;
			dev->rxq[i].vport = dev->txq[i].vport = EMU_NO_VPORT;
		}
	}
	if (owner->is_vf && release) {
		owner->vport = EMU_NO_VPORT;
		owner->nb_qp = 0;
		owner->qp_base = 0;
		owner->dev_status &= ~SVNIC_STATUS_VPORT;
	}
	if (owner->is_vf)
		emu_func_unlock(owner);
}

/* VPORT_DELETE's effect; VF Enable 1 -> 0 deletes the VFs' VPorts the same way. */
void
emu_vport_delete(struct emu_dev *dev, uint16_t vport_id)
{
	struct emu_vport *vp = &dev->vports[vport_id];
	struct emu_func *owner;

	owner = emu_aq_owner(dev, vp->cfg.func);
	if (owner != NULL)
		emu_aq_vport_queues_off(dev, &vp->cfg, owner, true);
	pthread_rwlock_wrlock(&dev->sw_lock);
	svnic_sw_vport_set_enabled(dev->sw, vport_id, false);
	svnic_sw_vport_reset(dev->sw, vport_id);
	memset(vp, 0, sizeof(*vp));
	/* a VPort that is gone reads 0, as GET_STATS has none */
	emu_vport_stats_publish(dev, vport_id);
	pthread_rwlock_unlock(&dev->sw_lock);
}

static int
emu_aq_vport_delete(struct emu_aq_cmd *c)
{
	struct svnic_aq_vport_id p;

	memcpy(&p, c->d.params, sizeof(p));
	if (emu_aq_vport(c->dev, p.vport_id) == NULL)
		return -ENOENT;
	emu_vport_delete(c->dev, p.vport_id);
	return 0;
}

static int
emu_aq_queue_config(struct emu_aq_cmd *c)
{
	struct emu_dev *dev = c->dev;
	struct svnic_aq_queue_cfg q;
	struct emu_vport *vp;
	struct emu_func *owner;
	struct emu_queue *eq;
	bool tx;
	uint64_t ring_bytes;

	memcpy(&q, c->d.params, sizeof(q));
	vp = emu_aq_vport(dev, q.vport_id);
	if (vp == NULL)
		return -ENOENT;
	if (q.queue < vp->cfg.queue_base || q.queue >= vp->cfg.queue_base + vp->cfg.nb_queues)
		return -ERANGE;
	owner = emu_aq_owner(dev, vp->cfg.func);
	if (owner == NULL)
		return -ENOENT;
	tx = q.type == SVNIC_AQ_QTYPE_TX;
	eq = tx ? &dev->txq[q.queue] : &dev->rxq[q.queue];
	if (!(q.flags & SVNIC_AQ_QCFG_F_ENABLE)) {
		if (owner->is_vf)
			emu_func_lock_wr(owner);
		emu_queue_disable(eq);
		if (owner->is_vf)
			emu_func_unlock(owner);
		return 0;
	}
	if (eq->enabled)
		return -EBUSY;
	/* spec "QUEUE_CONFIG": HEAD_WB only when IDENTIFY.offloads has it */
	if ((q.flags & SVNIC_AQ_QCFG_F_HEAD_WB) && !dev->head_wb)
		return -EOPNOTSUPP;
	if ((q.flags & SVNIC_AQ_QCFG_F_IRQ) && q.irq_vector >= owner->nb_vectors)
		return -ERANGE;
	ring_bytes = (uint64_t)q.ring_size * 16;
	if (owner->is_vf)
		emu_func_lock_wr(owner);
	if (dev->ops.dma_ptr(dev->ops_ctx, owner, q.ring_addr, ring_bytes, true) == NULL ||
	    ((q.flags & SVNIC_AQ_QCFG_F_HEAD_WB) &&
	     dev->ops.dma_ptr(dev->ops_ctx, owner, q.head_wb_addr, 4, true) == NULL)) {
		if (owner->is_vf)
			emu_func_unlock(owner);
		return -EFAULT;
	}
	eq->ring_addr = q.ring_addr;
	eq->ring_size = q.ring_size;
	eq->head_wb_addr = (q.flags & SVNIC_AQ_QCFG_F_HEAD_WB) ? q.head_wb_addr : 0;
	eq->buf_size = q.buf_size;
	eq->scatter = !!(q.flags & SVNIC_AQ_QCFG_F_SCATTER);
	eq->irq = !!(q.flags & SVNIC_AQ_QCFG_F_IRQ);
	eq->irq_vector = q.irq_vector;
	eq->head = 0;
	eq->armed = false;
	eq->pending = false;
	eq->owner = owner;
	eq->vport = q.vport_id;
	/* head and tail start together at 0: a tail left from an earlier life of
	 * the queue must not be taken for new work (spec QUEUE_CONFIG) */
	{
		uint32_t slot = owner->is_vf ? SVNIC_VF_DB(eq->fq) : SVNIC_PF_DB(eq->fq);

		__atomic_store_n((uint32_t *)(owner->bar0 + slot +
			(tx ? SVNIC_DB_TX_TAIL : SVNIC_DB_RX_TAIL)), 0, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&eq->enabled, true, __ATOMIC_RELEASE);
	if (owner->is_vf)
		emu_func_unlock(owner);
	return 0;
}

static int
emu_aq_mac_filter(struct emu_aq_cmd *c, bool add)
{
	struct emu_dev *dev = c->dev;
	struct svnic_aq_mac_filter f;
	struct svnic_sw_vport_info before, after;
	struct emu_vport *vp;
	bool mc;
	int ret;

	memcpy(&f, c->d.params, sizeof(f));
	vp = emu_aq_vport(dev, f.vport_id);
	if (vp == NULL)
		return -ENOENT;
	mc = (f.mac[0] & 1) != 0;
	/* the VPort's MAC is its first unicast filter */
	if (!mc && memcmp(f.mac, vp->cfg.mac, 6) == 0)
		return add ? -EEXIST : -EPERM;
	if (add && vp->nb_mac >= EMU_MAX_MAC_FILTERS)
		return -ENOSPC;
	pthread_rwlock_wrlock(&dev->sw_lock);
	svnic_sw_vport_get(dev->sw, f.vport_id, &before);
	if (add)
		ret = mc ? svnic_sw_vport_add_mc(dev->sw, f.vport_id, f.mac) :
			   svnic_sw_vport_add_uc(dev->sw, f.vport_id, f.mac);
	else
		ret = mc ? svnic_sw_vport_del_mc(dev->sw, f.vport_id, f.mac) :
			   svnic_sw_vport_del_uc(dev->sw, f.vport_id, f.mac);
	/* The switch takes a present address silently; the spec wants EEXIST. */
	if (ret == 0 && add) {
		svnic_sw_vport_get(dev->sw, f.vport_id, &after);
		if (after.nb_uc == before.nb_uc && after.nb_mc == before.nb_mc)
			ret = -EEXIST;
	}
	pthread_rwlock_unlock(&dev->sw_lock);
	if (ret == -EADDRINUSE)
		ret = -EEXIST;
	if (ret == 0)
		vp->nb_mac = (uint16_t)(add ? vp->nb_mac + 1 : vp->nb_mac - 1);
	return ret;
}

static int
emu_aq_vlan_filter(struct emu_aq_cmd *c, bool add)
{
	struct emu_dev *dev = c->dev;
	struct svnic_aq_vlan_filter f;
	struct emu_vport *vp;
	bool present;
	int ret;

	memcpy(&f, c->d.params, sizeof(f));
	vp = emu_aq_vport(dev, f.vport_id);
	if (vp == NULL)
		return -ENOENT;
	if ((vp->cfg.vlan_tci & SVNIC_AQ_VLAN_VID_MASK) != 0)
		return -EPERM;
	present = (vp->vlan_bm[f.vlan_id / 64] >> (f.vlan_id % 64)) & 1;
	if (add && present)
		return -EEXIST;
	if (!add && !present)
		return -ENOENT;
	if (add && vp->nb_vlan >= EMU_MAX_VLAN_FILTERS)
		return -ENOSPC;
	pthread_rwlock_wrlock(&dev->sw_lock);
	ret = svnic_sw_vport_vlan_filter(dev->sw, f.vport_id, f.vlan_id, add);
	pthread_rwlock_unlock(&dev->sw_lock);
	if (ret == 0) {
		vp->nb_vlan = (uint16_t)(add ? vp->nb_vlan + 1 : vp->nb_vlan - 1);
		vp->vlan_bm[f.vlan_id / 64] ^= 1ull << (f.vlan_id % 64);
	}
	return ret;
}

static int
emu_aq_rss(struct emu_aq_cmd *c)
{
	struct emu_dev *dev = c->dev;
	const struct svnic_aq_rss_buf *b = (const void *)c->buf;
	struct svnic_sw_rss_cfg cfg;
	struct svnic_aq_rss r;
	struct emu_vport *vp;
	uint16_t i;
	int ret;

	memcpy(&r, c->d.params, sizeof(r));
	vp = emu_aq_vport(dev, r.vport_id);
	if (vp == NULL)
		return -ENOENT;
	for (i = 0; i < r.table_len; i++)
		if (b->table[i] >= vp->cfg.nb_queues)
			return -ERANGE;
	memset(&cfg, 0, sizeof(cfg));
	pthread_rwlock_wrlock(&dev->sw_lock);
	cfg.hash_types = r.hash_types;
	/* 0 keeps what the VPort has: the switch takes a whole config, rebuild it */
	cfg.key_len = r.key_len != 0 ? r.key_len : vp->rss_key_len;
	memcpy(cfg.key, r.key_len != 0 ? b->key : vp->rss_key, sizeof(cfg.key));
	cfg.table_len = r.table_len != 0 ? r.table_len : vp->rss_table_len;
	if (r.table_len != 0)
		memcpy(cfg.table, b->table, 2u * r.table_len);
	else
		memcpy(cfg.table, vp->rss_table, 2u * vp->rss_table_len);
	ret = svnic_sw_vport_set_rss(dev->sw, r.vport_id, &cfg);
	pthread_rwlock_unlock(&dev->sw_lock);
	if (ret < 0)
		return ret;
	vp->rss_key_len = cfg.key_len;
	memcpy(vp->rss_key, cfg.key, sizeof(vp->rss_key));
	vp->rss_table_len = cfg.table_len;
	memcpy(vp->rss_table, cfg.table, 2u * cfg.table_len);
	return 0;
}

/*
 * GET_STATS of a VPort, composed from what counts it: the switch counts what
 * it delivered and took, the queues what met DMA. The statistics pages hold
 * exactly this (emu_vport_stats_publish). The caller holds sw_lock.
 */
void
emu_vport_stats(struct emu_dev *dev, uint16_t id, struct svnic_aq_vport_stats *vs)
{
	const struct svnic_aq_vport *cfg = &dev->vports[id].cfg;
	struct svnic_sw_stats st;
	uint16_t q;

	svnic_sw_stats_get(dev->sw, id, &st);
	memset(vs, 0, sizeof(*vs));
	vs->rx_packets = st.rx_packets;
	vs->rx_bytes = st.rx_bytes;
	vs->tx_packets = st.tx_packets;
	vs->tx_bytes = st.tx_bytes;
	vs->tx_spoofed = st.tx_spoofed;
	vs->tx_dropped = st.drops[SVNIC_SW_DROP_RATE] + st.drops[SVNIC_SW_DROP_LINK_DOWN];
	vs->rx_dropped_filter = st.drops[SVNIC_SW_DROP_VLAN];
	for (q = cfg->queue_base; q < cfg->queue_base + cfg->nb_queues; q++) {
		vs->rx_dropped_nobuf += dev->rxq[q].dropped;
		vs->rx_errors += dev->rxq[q].errors;
		vs->tx_errors += dev->txq[q].errors;
		vs->tx_dropped += dev->txq[q].dropped;
	}
}

/*
 * Spec "Statistics pages": bring VPort @p id's block up to date, zeros for a
 * VPort that does not exist. Writers are the datapath threads after they
 * counted and the control thread after it cleared counters; the block's seq
 * orders them, and each composes inside it, so the last one in stores the
 * newest counts. The caller holds sw_lock (either mode).
 */
void
emu_vport_stats_publish(struct emu_dev *dev, uint16_t id)
{
	struct svnic_stats_vport *b;
	struct svnic_aq_vport_stats vs;
	uint32_t seq;

	if (!dev->stats_page || id >= SVNIC_VPORTS_MAX)
		return;
	b = (struct svnic_stats_vport *)(dev->pf.bar0 + SVNIC_PF_STATS_VPORT(id));
	seq = svnic_stats_vport_write_begin(b);
	if (dev->vports[id].used)
		emu_vport_stats(dev, id, &vs);
	else
		memset(&vs, 0, sizeof(vs));
	svnic_stats_vport_write_end(b, seq, &vs);
}

/* The same under the switch's lock, for the control thread. */
void
emu_vport_stats_publish_locked(struct emu_dev *dev, uint16_t id)
{
	if (!dev->stats_page || id >= SVNIC_VPORTS_MAX)
		return;
	pthread_rwlock_wrlock(&dev->sw_lock);
	emu_vport_stats_publish(dev, id);
	pthread_rwlock_unlock(&dev->sw_lock);
}

static int
emu_aq_stats(struct emu_aq_cmd *c)
{
	struct emu_dev *dev = c->dev;
	struct svnic_aq_stats_req r;

	memcpy(&r, c->d.params, sizeof(r));
	if (r.scope == SVNIC_AQ_STATS_VPORT) {
		struct svnic_aq_vport_stats vs;

		if (emu_aq_vport(dev, r.id) == NULL)
			return -ENOENT;
		pthread_rwlock_rdlock(&dev->sw_lock);
		emu_vport_stats(dev, r.id, &vs);
		pthread_rwlock_unlock(&dev->sw_lock);
		memcpy(c->buf, &vs, sizeof(vs));
		c->out_len = c->ret_val = sizeof(vs);
		return 0;
	} else {
		struct svnic_aq_queue_stats qs;
		struct emu_queue *q;

		if (r.id >= dev->cfg.total_queue_pairs)
			return -ERANGE;
		q = r.scope == SVNIC_AQ_STATS_TXQ ? &dev->txq[r.id] : &dev->rxq[r.id];
		if (q->owner == NULL)
			return -ENOENT;
		qs.packets = q->packets;
		qs.bytes = q->bytes;
		qs.dropped = q->dropped;
		qs.errors = q->errors;
		memcpy(c->buf, &qs, sizeof(qs));
		c->out_len = c->ret_val = sizeof(qs);
		return 0;
	}
}

static int
emu_aq_vf_cfg(struct emu_aq_cmd *c, bool write)
{
	struct svnic_aq_vf_cfg p;
	struct emu_func *vf;
	uint32_t v = 0;
	int ret;

	memcpy(&p, c->d.params, sizeof(p));
	vf = emu_dev_vf(c->dev, p.vf_id);
	if (vf == NULL)
		return -ENOENT;
	emu_func_lock_wr(vf);
	if (write) {
		v = p.value;
		/* Initiate FLR here resets the VF "as VF_RESET": no event back to the PF */
		c->dev->vf_cfg_by_pf = true;
		ret = emu_func_cfg_access(vf, p.offset, &v, p.len, true);
		c->dev->vf_cfg_by_pf = false;
	} else {
		ret = emu_func_cfg_access(vf, p.offset, &v, p.len, false);
		c->ret_val = v;
	}
	emu_func_unlock(vf);
	return ret;
}

static int
emu_aq_execute(struct emu_aq_cmd *c)
{
	struct svnic_aq_vf vfp;
	struct emu_func *vf;
	int ret;

	memcpy(&vfp, c->d.params, sizeof(vfp));
	switch (c->d.opcode) {
	case SVNIC_AQ_OP_IDENTIFY: return emu_aq_identify(c);
	case SVNIC_AQ_OP_VPORT_CREATE: return emu_aq_vport_create(c);
	case SVNIC_AQ_OP_VPORT_DELETE: return emu_aq_vport_delete(c);
	case SVNIC_AQ_OP_VPORT_MODIFY: return emu_aq_vport_modify(c);
	case SVNIC_AQ_OP_QUEUE_CONFIG: return emu_aq_queue_config(c);
	case SVNIC_AQ_OP_MAC_FILTER_ADD: return emu_aq_mac_filter(c, true);
	case SVNIC_AQ_OP_MAC_FILTER_DEL: return emu_aq_mac_filter(c, false);
	case SVNIC_AQ_OP_VLAN_FILTER_ADD: return emu_aq_vlan_filter(c, true);
	case SVNIC_AQ_OP_VLAN_FILTER_DEL: return emu_aq_vlan_filter(c, false);
	case SVNIC_AQ_OP_RSS_CONFIG: return emu_aq_rss(c);
	case SVNIC_AQ_OP_GET_STATS: return emu_aq_stats(c);
	case SVNIC_AQ_OP_VF_RESET:
		vf = emu_dev_vf(c->dev, vfp.vf_id);
		if (vf == NULL)
			return -ENOENT;
		emu_func_lock_wr(vf);
		/* reason 0: the PF asked, so no VF_RESET event comes back */
		ret = emu_vf_reset(c->dev, vfp.vf_id, 0);
		emu_func_unlock(vf);
		return ret;
	case SVNIC_AQ_OP_VF_CONFIG_READ: return emu_aq_vf_cfg(c, false);
	case SVNIC_AQ_OP_VF_CONFIG_WRITE: return emu_aq_vf_cfg(c, true);
	case SVNIC_AQ_OP_MBX_SEND:
		vf = emu_dev_vf(c->dev, vfp.vf_id);
		if (vf == NULL)
			return -ENOENT;
		emu_func_lock_wr(vf);
		ret = emu_mbx_send_to_vf(c->dev, vfp.vf_id, c->buf, (uint16_t)c->d.buf_len);
		emu_func_unlock(vf);
		return ret;
	case SVNIC_AQ_OP_MBX_RECV: {
		uint32_t len = 0;

		vf = emu_dev_vf(c->dev, vfp.vf_id);
		if (vf == NULL)
			return -ENOENT;
		emu_func_lock_wr(vf);
		ret = emu_mbx_recv_from_vf(c->dev, vfp.vf_id, c->buf, c->d.buf_len, &len);
		emu_func_unlock(vf);
		if (ret == 0)
			c->out_len = c->ret_val = len;
		return ret;
	}
	default:
		return -EOPNOTSUPP;
	}
}

/* One command: copy in, check, execute, complete. @return false if the PF faulted. */
static bool
emu_aq_one(struct emu_func *pf, struct emu_aq_cmd *c, uint64_t desc_iova)
{
	struct emu_dev *dev = pf->dev;
	struct svnic_aq_limits lim;
	struct svnic_aq_desc *ring_d;
	void *bufp = NULL;
	int ret;

	ring_d = dev->ops.dma_ptr(dev->ops_ctx, pf, desc_iova, sizeof(*ring_d), true);
	if (ring_d == NULL) {
		emu_func_fault(pf, emu_dma_fault_reason(pf, desc_iova, sizeof(*ring_d), true),
			       SVNIC_EQ_FAULT_NO_QUEUE, desc_iova);
		return false;
	}
	memcpy(&c->d, ring_d, sizeof(c->d));
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	c->out_len = 0;
	c->ret_val = 0;
	ret = 0;
	if (c->d.flags & SVNIC_AQ_F_BUF) {
		bool wr = (c->d.flags & SVNIC_AQ_F_BUF_WR) != 0;

		if (c->d.buf_len == 0 || c->d.buf_len > SVNIC_AQ_BUF_MAX) {
			ret = -EMSGSIZE;
		} else {
			/* A bad buffer is the command's failure, not a fault of the PF. */
			bufp = dev->ops.dma_ptr(dev->ops_ctx, pf, c->d.buf_addr, c->d.buf_len, wr);
			if (bufp == NULL)
				ret = -EFAULT;
			else if (!wr)
				memcpy(c->buf, bufp, c->d.buf_len);
			else
				memset(c->buf, 0, c->d.buf_len);
		}
	}
	if (ret == 0) {
		emu_aq_limits(dev, &lim);
		ret = svnic_adminq_validate(&c->d, (c->d.flags & SVNIC_AQ_F_BUF) &&
					    !(c->d.flags & SVNIC_AQ_F_BUF_WR) ? c->buf : NULL,
					    c->d.buf_len, &lim);
	}
	if (ret == 0)
		ret = emu_aq_execute(c);
	if (ret == 0 && c->out_len > 0 && bufp != NULL)
		memcpy(bufp, c->buf, c->out_len < c->d.buf_len ? c->out_len : c->d.buf_len);
	if (ret < 0)
		SVNIC_EMU_LOG(DEBUG, "admin %s: %s", svnic_aq_op_name(c->d.opcode),
			      svnic_aq_status_name(svnic_aq_errno_to_status(ret)));
	ring_d->status = svnic_aq_errno_to_status(ret);
	ring_d->ret_val = ret == 0 ? c->ret_val : 0;
	__atomic_store_n(&ring_d->flags,
			 (uint16_t)(c->d.flags | SVNIC_AQ_F_DONE | (ret != 0 ? SVNIC_AQ_F_ERR : 0)),
			 __ATOMIC_RELEASE);
	return true;
}

void
emu_adminq_process(struct emu_func *pf)
{
	static struct emu_aq_cmd cmd;	/* control thread only; 4 KiB off the stack */
	uint32_t n = pf->aq_len & SVNIC_QLEN_ENTRIES_MASK;
	uint64_t base = ((uint64_t)pf->aq_base_hi << 32) | pf->aq_base_lo;
	const uint64_t dsz = sizeof(struct svnic_aq_desc);
	bool irq = false;

	cmd.dev = pf->dev;
	while ((pf->aq_len & SVNIC_QLEN_ENABLE) && !pf->faulted && pf->aq_head != pf->aq_tail) {
		if (!emu_aq_one(pf, &cmd, base + (uint64_t)pf->aq_head * dsz))
			break;
		irq |= (cmd.d.flags & SVNIC_AQ_F_IRQ) != 0;
		pf->aq_head = (pf->aq_head + 1) & (n - 1);
	}
	if (irq)
		emu_func_raise(pf, SVNIC_INT_ADMINQ);
}
