/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RX and TX queues of net_svnic and net_svnic_vf: rings in rte_memzones,
 * burst functions. The only atomics on the datapath are the spec's: the
 * acquire load of each DONE word, and per TX burst the seq_cst OR into the
 * summary word followed by the SLEEPING load (doc/device-spec.rst "The TX
 * doorbell protocol").
 */
#include <errno.h>
#include <string.h>

#include <rte_atomic.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_io.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_net.h>
#include <rte_prefetch.h>

#include "svnic_logs.h"
#include "svnic_rxtx.h"

#define SVNIC_TX_OFFLOAD_MASK	(RTE_MBUF_F_TX_VLAN | RTE_MBUF_F_TX_IP_CKSUM | \
				 RTE_MBUF_F_TX_TCP_CKSUM | RTE_MBUF_F_TX_UDP_CKSUM | \
				 RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6)
#define SVNIC_TX_OFFLOAD_NOTSUP	(RTE_MBUF_F_TX_OFFLOAD_MASK ^ SVNIC_TX_OFFLOAD_MASK)

/*
 * Cache-set colouring (spec "Common rules"): every ring starts at a different
 * multiple of 64 bytes so that rings of many queues do not share cache sets.
 * RX queue q is ring 2q, TX queue q ring 2q + 1.
 */
static uint32_t
svnic_ring_colour(uint16_t qid, bool tx)
{
	uint32_t r = 2u * qid + (tx ? 1u : 0u);

	return (r * 3u % 64u) * SVNIC_RING_ALIGN;
}

#define SVNIC_RING_COLOUR_MAX	(63u * SVNIC_RING_ALIGN)

/*
 * The head write-back word sits after the ring with a line between them, so
 * that the line the driver polls is never one the device writes descriptors
 * into, nor the one an adjacent-line prefetch drags along with the ring's end.
 */
#define SVNIC_HEAD_WB_GAP	(2u * SVNIC_RING_ALIGN)
#define SVNIC_RING_EXTRA	(SVNIC_RING_COLOUR_MAX + SVNIC_HEAD_WB_GAP + SVNIC_RING_ALIGN)

static int
svnic_ring_size_check(uint16_t nb_desc, const struct svnic_ring_limits *lim, const char *what,
		      uint16_t qid)
{
	if (!rte_is_power_of_2(nb_desc) || nb_desc < lim->ring_size_min ||
	    nb_desc > lim->ring_size_max) {
		SVNIC_DRV_LOG(ERR, "%s queue %u: %u descriptors; the device needs a power of "
			      "two in %u..%u", what, qid, nb_desc, lim->ring_size_min,
			      lim->ring_size_max);
		return -EINVAL;
	}
	return 0;
}

/* --- RX ------------------------------------------------------------------- */

static void
svnic_rx_queue_free(struct svnic_rx_queue *rxq)
{
	if (rxq == NULL)
		return;
	svnic_rx_queue_drain(rxq);
	rte_memzone_free(rxq->mz);
	rte_free(rxq->sw_ring);
	rte_free(rxq);
}

void
svnic_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	svnic_rx_queue_free(dev->data->rx_queues[qid]);
	dev->data->rx_queues[qid] = NULL;
}

/* What rte_pktmbuf_reset() would leave in rearm_data, for the queue's port. */
static uint64_t
svnic_rx_mbuf_init(uint16_t port_id)
{
	struct rte_mbuf m;
	uint64_t v;

	memset(&m, 0, sizeof(m));
	m.data_off = RTE_PKTMBUF_HEADROOM;
	rte_mbuf_refcnt_set(&m, 1);
	m.nb_segs = 1;
	m.port = port_id;
	memcpy(&v, RTE_PTR_ADD(&m, offsetof(struct rte_mbuf, rearm_data)), sizeof(v));
	return v;
}

int
svnic_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		     unsigned int socket_id, const struct rte_eth_rxconf *conf,
		     struct rte_mempool *mp, const struct svnic_ring_limits *lim)
{
	uint64_t offloads = conf->offloads | dev->data->dev_conf.rxmode.offloads;
	uint32_t frame = SVNIC_RX_FRAME_LEN(dev->data->mtu);
	bool scatter = (offloads & RTE_ETH_RX_OFFLOAD_SCATTER) != 0;
	uint32_t room = rte_pktmbuf_data_room_size(mp), buf;
	uint16_t free_thresh = conf->rx_free_thresh != 0 ? conf->rx_free_thresh :
			       SVNIC_RX_FREE_THRESH_DEFAULT;
	struct svnic_rx_queue *rxq;
	const struct rte_memzone *mz;
	int ret;

	ret = svnic_ring_size_check(nb_desc, lim, "RX", qid);
	if (ret < 0)
		return ret;
	/* The device writes whole buf_size units: 256..16K in 128-byte steps. */
	buf = room > RTE_PKTMBUF_HEADROOM ? room - RTE_PKTMBUF_HEADROOM : 0;
	buf = RTE_MIN(RTE_ALIGN_FLOOR(buf, SVNIC_RX_BUF_ALIGN), SVNIC_RX_BUF_MAX);
	if (buf < SVNIC_RX_BUF_MIN) {
		SVNIC_DRV_LOG(ERR, "RX queue %u: mbufs of pool %s hold %u bytes after the "
			      "headroom; the device needs %u", qid, mp->name,
			      room > RTE_PKTMBUF_HEADROOM ? room - RTE_PKTMBUF_HEADROOM : 0,
			      SVNIC_RX_BUF_MIN);
		return -EINVAL;
	}
	/* Silently chained mbufs would surprise an application that did not ask. */
	if (buf < frame && !scatter) {
		SVNIC_DRV_LOG(ERR, "RX queue %u: %u-byte buffers cannot hold frames of MTU %u: "
			      "enable RTE_ETH_RX_OFFLOAD_SCATTER or use larger mbufs", qid,
			      buf, dev->data->mtu);
		return -EINVAL;
	}
	if (free_thresh >= nb_desc) {
		SVNIC_DRV_LOG(ERR, "RX queue %u: rx_free_thresh %u must be below %u", qid,
			      free_thresh, nb_desc);
		return -EINVAL;
	}
	if (dev->data->rx_queues[qid] != NULL)
		svnic_rx_queue_release(dev, qid);

	rxq = rte_zmalloc_socket("svnic_rxq", sizeof(*rxq), RTE_CACHE_LINE_SIZE, (int)socket_id);
	if (rxq == NULL)
		return -ENOMEM;
	rxq->sw_ring = rte_zmalloc_socket("svnic_rxq_sw", sizeof(rxq->sw_ring[0]) * nb_desc,
					  RTE_CACHE_LINE_SIZE, (int)socket_id);
	if (rxq->sw_ring == NULL)
		goto nomem;
	mz = rte_eth_dma_zone_reserve(dev, "svnic_rx_ring", qid,
				      (size_t)nb_desc * sizeof(union svnic_rx_desc) +
				      SVNIC_RING_EXTRA, SVNIC_RING_ALIGN, (int)socket_id);
	if (mz == NULL)
		goto nomem;
	rxq->mz = mz;
	rxq->ring = (volatile union svnic_rx_desc *)((uint8_t *)mz->addr +
						     svnic_ring_colour(qid, false));
	rxq->ring_iova = mz->iova + svnic_ring_colour(qid, false);
	rxq->head_wb_iova = rxq->ring_iova + (uint64_t)nb_desc * sizeof(union svnic_rx_desc) +
			    SVNIC_HEAD_WB_GAP;
	rxq->mp = mp;
	rxq->nb_desc = nb_desc;
	rxq->mask = (uint16_t)(nb_desc - 1);
	rxq->free_thresh = free_thresh;
	rxq->port_id = dev->data->port_id;
	rxq->mbuf_init = svnic_rx_mbuf_init(rxq->port_id);
	rxq->queue_id = qid;
	rxq->buf_size = (uint16_t)buf;
	rxq->scatter = scatter;
	rxq->deferred_start = conf->rx_deferred_start != 0;
	rxq->offloads = offloads;
	dev->data->rx_queues[qid] = rxq;
	SVNIC_DRV_LOG(DEBUG, "RX queue %u: %u descriptors at IOVA 0x%" PRIx64 ", buffers of %u",
		      qid, nb_desc, rxq->ring_iova, buf);
	return 0;
nomem:
	SVNIC_DRV_LOG(ERR, "RX queue %u: no memory for %u descriptors", qid, nb_desc);
	rte_free(rxq->sw_ring);
	rte_free(rxq);
	return -ENOMEM;
}

/*
 * Post buffers from the tail up to one slot short of next (a full ring is
 * size - 1). The mbufs come raw from the pool: a pool's mbufs have next NULL
 * and nb_segs 1 already, and the burst sets the rest of the first line when
 * it hands one out, so the second line of an mbuf is never touched here.
 * Every buffer's first line is asked for before any is read: after a lap of
 * the ring they have left this CPU's nearer caches.
 */
static uint16_t
svnic_rx_refill(struct svnic_rx_queue *rxq, uint16_t want)
{
	uint16_t posted = 0;

	while (posted < want) {
		uint16_t t = rxq->tail;
		uint16_t n = RTE_MIN((uint16_t)(want - posted), (uint16_t)(rxq->mask + 1 - t));
		uint16_t i;

		if (rte_mempool_get_bulk(rxq->mp, (void **)&rxq->sw_ring[t], n) != 0) {
			rxq->nombuf += n;
			break;
		}
		for (i = 0; i < n; i++)
			rte_prefetch0(rxq->sw_ring[t + i]);
		for (i = 0; i < n; i++) {
			volatile union svnic_rx_desc *d = &rxq->ring[t + i];
			struct rte_mbuf *m = rxq->sw_ring[t + i];

			d->read.addr = rte_cpu_to_le_64(rte_mbuf_data_iova_default(m));
			/* zero clears the previous DONE (spec "RX descriptor") */
			d->read.rsvd = 0;
		}
		rxq->tail = (uint16_t)((t + n) & rxq->mask);
		posted = (uint16_t)(posted + n);
	}
	return posted;
}

static inline uint16_t
svnic_rx_empty(const struct svnic_rx_queue *rxq)
{
	return (uint16_t)(rxq->mask - ((rxq->tail - rxq->next) & rxq->mask));
}

/* The head word of a ring at @p ring of @p ring_bytes, zeroed: the device's head is 0. */
static volatile uint32_t *
svnic_head_wb_reset(void *ring, size_t ring_bytes)
{
	volatile uint32_t *w = RTE_PTR_ADD(ring, ring_bytes + SVNIC_HEAD_WB_GAP);

	*w = 0;
	return w;
}

int
svnic_rx_queue_prepare(struct svnic_rx_queue *rxq, volatile uint32_t *tail_db, bool head_wb)
{
	void *ring = RTE_PTR_ADD(rxq->mz->addr, svnic_ring_colour(rxq->queue_id, false));
	size_t bytes = (size_t)rxq->nb_desc * sizeof(union svnic_rx_desc);
	uint16_t want;

	memset(ring, 0, bytes);
	rxq->head_wb = svnic_head_wb_reset(ring, bytes);
	if (!head_wb)
		rxq->head_wb = NULL;
	rxq->tail_db = tail_db;
	rxq->next = 0;
	rxq->tail = 0;
	/* The device expects the tail at 0 when it enables the queue (QUEUE_CONFIG). */
	rte_write32_relaxed(0, tail_db);
	want = svnic_rx_empty(rxq);
	if (svnic_rx_refill(rxq, want) != want) {
		SVNIC_DRV_LOG(ERR, "RX queue %u: no mbufs for %u descriptors in pool %s",
			      rxq->queue_id, want, rxq->mp->name);
		svnic_rx_queue_drain(rxq);
		return -ENOMEM;
	}
	return 0;
}

void
svnic_rx_queue_post(struct svnic_rx_queue *rxq)
{
	rte_io_wmb();
	rte_write32_relaxed(rxq->tail, rxq->tail_db);
	rxq->started = true;
}

void
svnic_rx_queue_drain(struct svnic_rx_queue *rxq)
{
	uint16_t i;

	rxq->started = false;
	for (i = rxq->next; i != rxq->tail; i = (uint16_t)((i + 1) & rxq->mask)) {
		rte_pktmbuf_free_seg(rxq->sw_ring[i]);
		rxq->sw_ring[i] = NULL;
	}
	rxq->next = rxq->tail = 0;
	/* a packet cut short by the stop: its segments are ours, not the ring's */
	if (rxq->pkt_first != NULL) {
		rxq->pkt_last->next = NULL;
		rte_pktmbuf_free(rxq->pkt_first);
		rxq->pkt_first = rxq->pkt_last = NULL;
	}
}

static const uint32_t svnic_ptype_l3[4] = {
	[SVNIC_RX_PTYPE_L3_NONE] = 0,
	[SVNIC_RX_PTYPE_L3_IPV4] = RTE_PTYPE_L3_IPV4_EXT_UNKNOWN,
	[SVNIC_RX_PTYPE_L3_IPV6] = RTE_PTYPE_L3_IPV6_EXT_UNKNOWN,
};

static const uint32_t svnic_ptype_l4[8] = {
	[SVNIC_RX_PTYPE_L4_NONE >> 2] = 0,
	[SVNIC_RX_PTYPE_L4_TCP >> 2] = RTE_PTYPE_L4_TCP,
	[SVNIC_RX_PTYPE_L4_UDP >> 2] = RTE_PTYPE_L4_UDP,
	[SVNIC_RX_PTYPE_L4_FRAG >> 2] = RTE_PTYPE_L4_FRAG,
	[SVNIC_RX_PTYPE_L4_OTHER >> 2] = RTE_PTYPE_L4_NONFRAG,
};

static inline uint32_t
svnic_rx_ptype(uint8_t p)
{
	return ((p & SVNIC_RX_PTYPE_VLAN) ? RTE_PTYPE_L2_ETHER_VLAN : RTE_PTYPE_L2_ETHER) |
	       svnic_ptype_l3[p & SVNIC_RX_PTYPE_L3_MASK] |
	       svnic_ptype_l4[(p & SVNIC_RX_PTYPE_L4_MASK) >> 2];
}

static inline uint64_t
svnic_rx_ol_flags(uint16_t st)
{
	uint64_t f = 0;

	if (st & SVNIC_RXD_ST_RSS)
		f |= RTE_MBUF_F_RX_RSS_HASH;
	if (st & SVNIC_RXD_ST_VLAN)
		f |= RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
	if (st & SVNIC_RXD_ST_L3_CSUM)
		f |= (st & SVNIC_RXD_ST_L3_CSUM_BAD) ? RTE_MBUF_F_RX_IP_CKSUM_BAD :
						       RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	if (st & SVNIC_RXD_ST_L4_CSUM)
		f |= (st & SVNIC_RXD_ST_L4_CSUM_BAD) ? RTE_MBUF_F_RX_L4_CKSUM_BAD :
						       RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	return f;
}

/* What the EOP descriptor says of the whole packet, into its first mbuf. */
static inline void
svnic_rx_pkt_meta(struct rte_mbuf *m, const volatile union svnic_rx_desc *rxd, uint16_t st)
{
	m->packet_type = svnic_rx_ptype(rxd->wb.ptype);
	/* a raw mbuf keeps its last user's flags: RX sets them all, EXTERNAL kept */
	m->ol_flags = (m->ol_flags & RTE_MBUF_F_EXTERNAL) | svnic_rx_ol_flags(st);
	if (st & SVNIC_RXD_ST_RSS)
		m->hash.rss = rxd->wb.rss_hash;
	m->vlan_tci = (st & SVNIC_RXD_ST_VLAN) ? rxd->wb.vlan_tci : 0;
	m->vlan_tci_outer = 0;
}

/* A buffer the device filled, as a fresh single-segment mbuf of @p len bytes. */
static inline void
svnic_rx_mbuf_rearm(const struct svnic_rx_queue *rxq, struct rte_mbuf *m, uint16_t len)
{
	/* one 8-byte store; memcpy keeps it within the aliasing rules */
	memcpy(RTE_PTR_ADD(m, offsetof(struct rte_mbuf, rearm_data)), &rxq->mbuf_init,
	       sizeof(rxq->mbuf_init));
	m->data_len = len;
	m->pkt_len = len;
}

/* After a burst: give the device buffers again once enough slots are empty. */
static inline void
svnic_rx_replenish(struct svnic_rx_queue *rxq)
{
	uint16_t empty = svnic_rx_empty(rxq);

	if (empty >= rxq->free_thresh && svnic_rx_refill(rxq, empty) > 0) {
		/* Buffers before the tail that names them (spec "Ordering"). */
		rte_io_wmb();
		rte_write32_relaxed(rxq->tail, rxq->tail_db);
	}
}

/*
 * How many descriptors from @p idx a burst may look at. With head write-back
 * only those the device has finished (its head covers their DONE writes), so
 * an idle queue polls one word and never a line the device is writing; DONE
 * is still checked on each, so a head past the truth takes nothing early.
 */
static inline uint16_t
svnic_rx_ready(const struct svnic_rx_queue *rxq, uint16_t idx, uint16_t want)
{
	uint16_t done;

	if (rxq->head_wb == NULL)
		return want;
	done = (uint16_t)((__atomic_load_n(rxq->head_wb, __ATOMIC_ACQUIRE) - idx) & rxq->mask);
	return RTE_MIN(done, want);
}

uint16_t
svnic_recv_pkts(void *queue, struct rte_mbuf **rx_pkts, uint16_t nb_pkts)
{
	struct svnic_rx_queue *rxq = queue;
	volatile union svnic_rx_desc *ring = rxq->ring;
	uint16_t idx = rxq->next, mask = rxq->mask, nb_rx = 0;

	/* one descriptor a packet here: descriptors ready bound the packets */
	nb_pkts = svnic_rx_ready(rxq, idx, nb_pkts);
	while (nb_rx < nb_pkts) {
		volatile union svnic_rx_desc *rxd = &ring[idx];
		struct rte_mbuf *m;
		uint16_t st, len;

		/* DONE is written last (release): nothing of the descriptor before it. */
		st = __atomic_load_n(&rxd->wb.status, __ATOMIC_ACQUIRE);
		if (!(st & SVNIC_RXD_ST_DONE))
			break;
		m = rxq->sw_ring[idx];
		len = rxd->wb.len;
		idx = (uint16_t)((idx + 1) & mask);
		/* Four descriptors a cache line: fetch the next line early. */
		if ((idx & 3) == 0)
			rte_prefetch0((const void *)(uintptr_t)&ring[(idx + 4) & mask]);
		rte_prefetch0(rxq->sw_ring[idx]);
		if (unlikely(!(st & SVNIC_RXD_ST_EOP))) {
			/* Only a queue with SCATTER gets these, and it has its own burst. */
			SVNIC_RX_LOG(ERR, "port %u RX queue %u: descriptor without EOP",
				     rxq->port_id, rxq->queue_id);
			rxq->errors++;
			rte_pktmbuf_free_seg(m);
			continue;
		}
		svnic_rx_mbuf_rearm(rxq, m, len);
		svnic_rx_pkt_meta(m, rxd, st);
		rx_pkts[nb_rx++] = m;
	}
	rxq->next = idx;
	svnic_rx_replenish(rxq);
	return nb_rx;
}

/*
 * Every descriptor before the EOP holds buf_size bytes (spec "RX
 * descriptor"); the segments are chained as they come, and a packet whose
 * EOP is not written yet waits in the queue for the next burst.
 */
uint16_t
svnic_recv_scattered_pkts(void *queue, struct rte_mbuf **rx_pkts, uint16_t nb_pkts)
{
	struct svnic_rx_queue *rxq = queue;
	volatile union svnic_rx_desc *ring = rxq->ring;
	struct rte_mbuf *first = rxq->pkt_first, *last = rxq->pkt_last;
	uint16_t idx = rxq->next, mask = rxq->mask, nb_rx = 0;
	uint16_t nb_desc = svnic_rx_ready(rxq, idx, rxq->mask);

	while (nb_rx < nb_pkts && nb_desc-- > 0) {
		volatile union svnic_rx_desc *rxd = &ring[idx];
		struct rte_mbuf *m;
		uint16_t st;

		st = __atomic_load_n(&rxd->wb.status, __ATOMIC_ACQUIRE);
		if (!(st & SVNIC_RXD_ST_DONE))
			break;
		m = rxq->sw_ring[idx];
		svnic_rx_mbuf_rearm(rxq, m, rxd->wb.len);
		idx = (uint16_t)((idx + 1) & mask);
		if ((idx & 3) == 0)
			rte_prefetch0((const void *)(uintptr_t)&ring[(idx + 4) & mask]);
		rte_prefetch0(rxq->sw_ring[idx]);
		if (first == NULL) {
			first = m;
			first->pkt_len = m->data_len;
		} else {
			m->ol_flags &= RTE_MBUF_F_EXTERNAL;
			last->next = m;
			first->nb_segs++;
			first->pkt_len += m->data_len;
		}
		last = m;
		if (!(st & SVNIC_RXD_ST_EOP))
			continue;
		svnic_rx_pkt_meta(first, rxd, st);
		rx_pkts[nb_rx++] = first;
		first = NULL;
	}
	rxq->next = idx;
	rxq->pkt_first = first;
	rxq->pkt_last = first != NULL ? last : NULL;
	svnic_rx_replenish(rxq);
	return nb_rx;
}

void
svnic_rxq_info_get(struct rte_eth_dev *dev, uint16_t qid, struct rte_eth_rxq_info *qinfo)
{
	struct svnic_rx_queue *rxq = dev->data->rx_queues[qid];

	qinfo->mp = rxq->mp;
	qinfo->scattered_rx = rxq->scatter;
	qinfo->nb_desc = rxq->nb_desc;
	qinfo->rx_buf_size = rxq->buf_size;
	qinfo->conf.rx_free_thresh = rxq->free_thresh;
	qinfo->conf.rx_deferred_start = rxq->deferred_start;
	qinfo->conf.offloads = rxq->offloads;
}

const uint32_t *
svnic_supported_ptypes_get(struct rte_eth_dev *dev)
{
	static const uint32_t ptypes[] = {
		RTE_PTYPE_L2_ETHER,
		RTE_PTYPE_L2_ETHER_VLAN,
		RTE_PTYPE_L3_IPV4_EXT_UNKNOWN,
		RTE_PTYPE_L3_IPV6_EXT_UNKNOWN,
		RTE_PTYPE_L4_TCP,
		RTE_PTYPE_L4_UDP,
		RTE_PTYPE_L4_FRAG,
		RTE_PTYPE_L4_NONFRAG,
		RTE_PTYPE_UNKNOWN,
	};

	if (dev->rx_pkt_burst == svnic_recv_pkts || dev->rx_pkt_burst == svnic_recv_scattered_pkts)
		return ptypes;
	return NULL;
}

/* --- TX ------------------------------------------------------------------- */

static void
svnic_tx_queue_free(struct svnic_tx_queue *txq)
{
	if (txq == NULL)
		return;
	svnic_tx_queue_drain(txq);
	rte_memzone_free(txq->mz);
	rte_free(txq->sw_ring);
	rte_free(txq);
}

void
svnic_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	svnic_tx_queue_free(dev->data->tx_queues[qid]);
	dev->data->tx_queues[qid] = NULL;
}

int
svnic_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		     unsigned int socket_id, const struct rte_eth_txconf *conf,
		     const struct svnic_ring_limits *lim)
{
	uint16_t rs = conf->tx_rs_thresh != 0 ? conf->tx_rs_thresh : SVNIC_TX_RS_THRESH_DEFAULT;
	uint16_t fr = conf->tx_free_thresh != 0 ? conf->tx_free_thresh :
		      SVNIC_TX_FREE_THRESH_DEFAULT;
	struct svnic_tx_queue *txq;
	const struct rte_memzone *mz;
	int ret;

	ret = svnic_ring_size_check(nb_desc, lim, "TX", qid);
	if (ret < 0)
		return ret;
	/* RS sits at fixed places (index % rs == rs - 1): rs must divide the ring. */
	if (!rte_is_power_of_2(rs) || rs > nb_desc / 2 || fr >= nb_desc) {
		SVNIC_DRV_LOG(ERR, "TX queue %u: tx_rs_thresh %u must be a power of two up to "
			      "%u, tx_free_thresh %u below %u", qid, rs, nb_desc / 2, fr,
			      nb_desc);
		return -EINVAL;
	}
	if (dev->data->tx_queues[qid] != NULL)
		svnic_tx_queue_release(dev, qid);

	txq = rte_zmalloc_socket("svnic_txq", sizeof(*txq), RTE_CACHE_LINE_SIZE, (int)socket_id);
	if (txq == NULL)
		return -ENOMEM;
	txq->sw_ring = rte_zmalloc_socket("svnic_txq_sw", sizeof(txq->sw_ring[0]) * nb_desc,
					  RTE_CACHE_LINE_SIZE, (int)socket_id);
	if (txq->sw_ring == NULL)
		goto nomem;
	mz = rte_eth_dma_zone_reserve(dev, "svnic_tx_ring", qid,
				      (size_t)nb_desc * sizeof(struct svnic_tx_desc) +
				      SVNIC_RING_EXTRA, SVNIC_RING_ALIGN, (int)socket_id);
	if (mz == NULL)
		goto nomem;
	txq->mz = mz;
	txq->ring = (volatile struct svnic_tx_desc *)((uint8_t *)mz->addr +
						      svnic_ring_colour(qid, true));
	txq->ring_iova = mz->iova + svnic_ring_colour(qid, true);
	txq->head_wb_iova = txq->ring_iova + (uint64_t)nb_desc * sizeof(struct svnic_tx_desc) +
			    SVNIC_HEAD_WB_GAP;
	txq->nb_desc = nb_desc;
	txq->mask = (uint16_t)(nb_desc - 1);
	txq->rs_thresh = rs;
	txq->free_thresh = fr;
	txq->port_id = dev->data->port_id;
	txq->queue_id = qid;
	txq->deferred_start = conf->tx_deferred_start != 0;
	txq->offloads = conf->offloads | dev->data->dev_conf.txmode.offloads;
	txq->fast_free = (txq->offloads & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE) != 0;
	dev->data->tx_queues[qid] = txq;
	SVNIC_DRV_LOG(DEBUG, "TX queue %u: %u descriptors at IOVA 0x%" PRIx64 ", RS every %u",
		      qid, nb_desc, txq->ring_iova, rs);
	return 0;
nomem:
	SVNIC_DRV_LOG(ERR, "TX queue %u: no memory for %u descriptors", qid, nb_desc);
	rte_free(txq->sw_ring);
	rte_free(txq);
	return -ENOMEM;
}

void
svnic_tx_queue_prepare(struct svnic_tx_queue *txq, volatile uint32_t *tail_db,
		       uint64_t *summary, uint64_t summary_bit, const volatile uint32_t *sleeping,
		       void (*kick)(void *), void *ctx, bool head_wb)
{
	void *ring = RTE_PTR_ADD(txq->mz->addr, svnic_ring_colour(txq->queue_id, true));
	size_t bytes = (size_t)txq->nb_desc * sizeof(struct svnic_tx_desc);

	memset(ring, 0, bytes);
	txq->head_wb = svnic_head_wb_reset(ring, bytes);
	if (!head_wb)
		txq->head_wb = NULL;
	txq->tail_db = tail_db;
	txq->summary = summary;
	txq->summary_bit = summary_bit;
	txq->sleeping = sleeping;
	txq->kick = kick;
	txq->kick_ctx = ctx;
	txq->tail = 0;
	txq->next_clean = 0;
	rte_write32_relaxed(0, tail_db);
	txq->started = true;
}

void
svnic_tx_queue_drain(struct svnic_tx_queue *txq)
{
	uint16_t i;

	txq->started = false;
	for (i = txq->next_clean; i != txq->tail; i = (uint16_t)((i + 1) & txq->mask)) {
		if (txq->sw_ring[i] != NULL)
			rte_pktmbuf_free_seg(txq->sw_ring[i]);
		txq->sw_ring[i] = NULL;
	}
	txq->next_clean = txq->tail = 0;
}

static inline uint16_t
svnic_tx_free_count(const struct svnic_tx_queue *txq)
{
	return (uint16_t)(txq->mask - ((txq->tail - txq->next_clean) & txq->mask));
}

/*
 * How many descriptors from next_clean the device is done with. With head
 * write-back, all before its head (a head outside what is posted is not
 * believed); else one block of rs_thresh: next_clean is a multiple of
 * rs_thresh and the block's last descriptor carries RS, so its DONE means the
 * device has read every buffer of the block (spec "Completion").
 */
static inline uint16_t
svnic_tx_done(const struct svnic_tx_queue *txq)
{
	uint16_t first = txq->next_clean, posted = (uint16_t)((txq->tail - first) & txq->mask);
	uint16_t n;

	if (txq->head_wb != NULL) {
		n = (uint16_t)((__atomic_load_n(txq->head_wb, __ATOMIC_ACQUIRE) - first) &
			       txq->mask);
		return n <= posted ? n : 0;
	}
	/* Not posted in this lap yet: its DONE would be the previous lap's. */
	if (posted < txq->rs_thresh)
		return 0;
	n = (uint16_t)(first + txq->rs_thresh - 1);
	if (!(__atomic_load_n(&txq->ring[n].flags, __ATOMIC_ACQUIRE) & SVNIC_TXD_F_DONE))
		return 0;
	return txq->rs_thresh;
}

/*
 * MBUF_FAST_FREE: one pool, reference count 1, and xmit left every segment
 * unchained, so the segments go back to their pool as they are, without a
 * look at any of them but the first (for its pool).
 */
static void
svnic_tx_fast_free(struct svnic_tx_queue *txq, uint16_t done)
{
	uint16_t idx = txq->next_clean, n;
	struct rte_mempool *mp = txq->sw_ring[idx]->pool;

	while (done > 0) {
		n = RTE_MIN(done, (uint16_t)(txq->mask + 1 - idx));
		rte_mempool_put_bulk(mp, (void **)&txq->sw_ring[idx], n);
		idx = (uint16_t)((idx + n) & txq->mask);
		done = (uint16_t)(done - n);
	}
	txq->next_clean = idx;
}

/* Reclaim what the device is done with; @return descriptors reclaimed. */
static uint16_t
svnic_tx_clean(struct svnic_tx_queue *txq)
{
	struct rte_mbuf *bulk[SVNIC_TX_FREE_BULK];
	uint16_t done = svnic_tx_done(txq), i, idx, nb = 0;

	if (done == 0)
		return 0;
	if (txq->fast_free) {
		svnic_tx_fast_free(txq, done);
		return done;
	}
	for (i = 0, idx = txq->next_clean; i < done; i++, idx = (uint16_t)((idx + 1) & txq->mask)) {
		struct rte_mbuf *m = txq->sw_ring[idx];

		txq->sw_ring[idx] = NULL;
		if (m == NULL)
			continue;
		m = rte_pktmbuf_prefree_seg(m);
		if (m == NULL)
			continue;
		if (nb == SVNIC_TX_FREE_BULK || (nb > 0 && m->pool != bulk[0]->pool)) {
			rte_mempool_put_bulk(bulk[0]->pool, (void **)bulk, nb);
			nb = 0;
		}
		bulk[nb++] = m;
	}
	if (nb > 0)
		rte_mempool_put_bulk(bulk[0]->pool, (void **)bulk, nb);
	txq->next_clean = idx;
	return done;
}

static inline uint16_t
svnic_tx_first_flags(const struct rte_mbuf *m, uint16_t *tci, uint16_t *hdr_lens)
{
	uint64_t ol = m->ol_flags;
	uint16_t f = 0;

	*tci = 0;
	*hdr_lens = 0;
	if (likely((ol & SVNIC_TX_OFFLOAD_MASK) == 0))
		return 0;
	if (ol & RTE_MBUF_F_TX_VLAN) {
		f |= SVNIC_TXD_F_VLAN_INS;
		*tci = m->vlan_tci;
	}
	if (ol & RTE_MBUF_F_TX_IP_CKSUM)
		f |= SVNIC_TXD_F_IP_CSUM;
	switch (ol & RTE_MBUF_F_TX_L4_MASK) {
	case RTE_MBUF_F_TX_TCP_CKSUM:
		f |= SVNIC_TXD_F_L4_TCP;
		break;
	case RTE_MBUF_F_TX_UDP_CKSUM:
		f |= SVNIC_TXD_F_L4_UDP;
		break;
	default:
		break;
	}
	if (f & (SVNIC_TXD_F_IP_CSUM | SVNIC_TXD_F_L4_MASK))
		*hdr_lens = SVNIC_TXD_HDR_LENS(m->l2_len, m->l3_len);
	return f;
}

/*
 * A packet the device cannot take: more than 16 segments, or a segment too
 * long. A single segment is judged on the mbuf's first line alone.
 */
static inline bool
svnic_tx_pkt_bad(const struct rte_mbuf *m)
{
	const struct rte_mbuf *s;

	if (likely(m->nb_segs == 1))
		return m->data_len == 0 || m->data_len > SVNIC_TX_SEG_MAX;
	if (unlikely(m->nb_segs > SVNIC_TX_SEGS_MAX || m->pkt_len == 0))
		return true;
	for (s = m; s != NULL; s = s->next)
		if (unlikely(s->data_len > SVNIC_TX_SEG_MAX))
			return true;
	return false;
}

uint16_t
svnic_xmit_pkts(void *queue, struct rte_mbuf **tx_pkts, uint16_t nb_pkts)
{
	struct svnic_tx_queue *txq = queue;
	volatile struct svnic_tx_desc *ring = txq->ring;
	uint16_t mask = txq->mask, rs_mask = (uint16_t)(txq->rs_thresh - 1);
	uint16_t tail = txq->tail, nb_tx, nb_free;
	/* with head write-back the device writes nothing into the ring */
	uint16_t rs_flag = txq->head_wb == NULL ? SVNIC_TXD_F_RS : 0;

	nb_free = svnic_tx_free_count(txq);
	if (nb_free < txq->free_thresh) {
		uint16_t n;

		/*
		 * One clean takes everything before the device's head; without it,
		 * one rs_thresh block a call, as many as are done.
		 */
		do {
			n = svnic_tx_clean(txq);
			nb_free = (uint16_t)(nb_free + n);
		} while (n > 0 && txq->head_wb == NULL);
	}
	for (nb_tx = 0; nb_tx < nb_pkts; nb_tx++) {
		struct rte_mbuf *m = tx_pkts[nb_tx], *s, *next, *last = NULL;
		uint16_t first_flags, tci, hdr_lens;
		bool first = true;

		if (unlikely(m->nb_segs > nb_free)) {
			uint16_t n = svnic_tx_clean(txq);

			nb_free = (uint16_t)(nb_free + n);
			if (n == 0 || m->nb_segs > nb_free)
				break;
		}
		if (unlikely(svnic_tx_pkt_bad(m))) {
			SVNIC_TX_LOG(ERR, "port %u TX queue %u: packet of %u segments, %u bytes "
				     "dropped", txq->port_id, txq->queue_id, m->nb_segs,
				     m->pkt_len);
			txq->errors++;
			rte_pktmbuf_free(m);
			continue;
		}
		first_flags = svnic_tx_first_flags(m, &tci, &hdr_lens);
		if (likely(m->nb_segs == 1)) {
			/* one descriptor, from the mbuf's first line alone */
			volatile struct svnic_tx_desc *d = &ring[tail];

			d->addr = rte_cpu_to_le_64(rte_mbuf_data_iova(m));
			d->len = m->data_len;
			d->vlan_tci = tci;
			d->hdr_lens = hdr_lens;
			d->flags = (uint16_t)(first_flags | SVNIC_TXD_F_EOP |
					      ((tail & rs_mask) == rs_mask ? rs_flag : 0));
			txq->sw_ring[tail] = m;
			tail = (uint16_t)((tail + 1) & mask);
			nb_free--;
			continue;
		}
		/* EOP goes on the last segment with bytes in it */
		for (s = m; s != NULL; s = s->next)
			if (s->data_len != 0)
				last = s;
		for (s = m; s != NULL; s = next) {
			volatile struct svnic_tx_desc *d;
			uint16_t flags;

			next = s->next;
			if (txq->fast_free) {
				/* cleaning puts segments back as they are: unchain them now */
				s->next = NULL;
				s->nb_segs = 1;
			}
			/* len 0 faults the function (spec "TX descriptor"): leave it out */
			if (unlikely(s->data_len == 0)) {
				rte_pktmbuf_free_seg(s);
				continue;
			}
			d = &ring[tail];
			flags = first ? first_flags : 0;
			if (s == last)
				flags |= SVNIC_TXD_F_EOP;
			if ((tail & rs_mask) == rs_mask)
				flags |= rs_flag;
			d->addr = rte_cpu_to_le_64(rte_mbuf_data_iova(s));
			d->len = s->data_len;
			d->vlan_tci = first ? tci : 0;
			d->hdr_lens = first ? hdr_lens : 0;
			d->flags = flags;
			txq->sw_ring[tail] = s;
			tail = (uint16_t)((tail + 1) & mask);
			nb_free--;
			first = false;
		}
	}
	if (likely(tail != txq->tail)) {
		/*
		 * Without head write-back, RS on a burst's last descriptor too: its
		 * DONE tells svnic_tx_queue_flush() the burst is out. Cleaning only
		 * ever reads the DONE of RS at its fixed places.
		 */
		if (rs_flag != 0)
			ring[(tail - 1) & mask].flags |= SVNIC_TXD_F_RS;
		/* 1-3 of the TX doorbell protocol: descriptors, release, tail. */
		rte_io_wmb();
		rte_write32_relaxed(tail, txq->tail_db);
		txq->tail = tail;
		/* 4: other lcores set other bits of the word: an atomic, full barrier. */
		__atomic_fetch_or(txq->summary, txq->summary_bit, __ATOMIC_SEQ_CST);
		/* 5: a sleeping device is woken; the barrier above orders this load. */
		if (unlikely(__atomic_load_n(txq->sleeping, __ATOMIC_SEQ_CST) != 0)) {
			txq->kick(txq->kick_ctx);
			txq->kicks++;
		}
	}
	return nb_tx;
}

/* Whether the device has read every descriptor posted so far. */
static bool
svnic_tx_all_sent(const struct svnic_tx_queue *txq)
{
	uint16_t last = (uint16_t)((txq->tail - 1) & txq->mask);

	if (txq->next_clean == txq->tail)
		return true;
	if (txq->head_wb != NULL)
		return __atomic_load_n(txq->head_wb, __ATOMIC_ACQUIRE) == txq->tail;
	/* the last descriptor of every burst carries RS (svnic_xmit_pkts) */
	return (__atomic_load_n(&txq->ring[last].flags, __ATOMIC_ACQUIRE) &
		SVNIC_TXD_F_DONE) != 0;
}

int
svnic_tx_queue_flush(struct svnic_tx_queue *txq, unsigned int timeout_us)
{
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz() * timeout_us / 1000000u;

	while (!svnic_tx_all_sent(txq)) {
		if (rte_get_timer_cycles() > end) {
			/*
			 * The head says exactly where the device is; without it,
			 * what is not cleaned yet may include descriptors read
			 * since the last RS that came back DONE.
			 */
			bool exact = txq->head_wb != NULL;
			uint16_t from = exact ? __atomic_load_n(txq->head_wb, __ATOMIC_ACQUIRE) :
				txq->next_clean;
			uint16_t lost = (uint16_t)((txq->tail - from) & txq->mask);

			txq->stop_dropped += lost;
			SVNIC_DRV_LOG(WARNING, "port %u TX queue %u: the device did not send "
				      "%s%u descriptors within %u us; they are dropped",
				      txq->port_id, txq->queue_id, exact ? "" : "up to ",
				      lost, timeout_us);
			return -ETIMEDOUT;
		}
		rte_delay_us_sleep(20);
	}
	return 0;
}

uint16_t
svnic_prep_pkts(void *queue, struct rte_mbuf **tx_pkts, uint16_t nb_pkts)
{
	struct svnic_tx_queue *txq = queue;
	uint16_t i;

	for (i = 0; i < nb_pkts; i++) {
		struct rte_mbuf *m = tx_pkts[i];

		if (svnic_tx_pkt_bad(m)) {
			rte_errno = EINVAL;
			return i;
		}
		if (m->ol_flags & SVNIC_TX_OFFLOAD_NOTSUP) {
			rte_errno = ENOTSUP;
			return i;
		}
#ifdef RTE_ETHDEV_DEBUG_TX
		if (rte_validate_tx_offload(m) != 0) {
			rte_errno = EINVAL;
			return i;
		}
#endif
		RTE_SET_USED(txq);
	}
	return i;
}

void
svnic_txq_info_get(struct rte_eth_dev *dev, uint16_t qid, struct rte_eth_txq_info *qinfo)
{
	struct svnic_tx_queue *txq = dev->data->tx_queues[qid];

	qinfo->nb_desc = txq->nb_desc;
	qinfo->conf.tx_rs_thresh = txq->rs_thresh;
	qinfo->conf.tx_free_thresh = txq->free_thresh;
	qinfo->conf.tx_deferred_start = txq->deferred_start;
	qinfo->conf.offloads = txq->offloads;
}
