/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The device's datapath threads (doc/device-spec.rst "The TX doorbell protocol",
 * "Descriptor rings"). A thread serves a set of functions: it takes their TX
 * doorbell summary words, copies the packets of every TX queue with a new tail
 * into the device's own buffers (a NIC's TX FIFO), completes the descriptors,
 * then asks the switch where each packet goes and writes it into the RX rings of
 * the destinations, or out of the uplink. Thread 0 also takes what arrives from
 * the uplink. With nothing to do for a while a thread sleeps until a KICK, an
 * armed interrupt, an uplink packet or a timeout (1 ms, doubled up to 16 ms
 * while timeouts find nothing), with the SLEEPING handshake that makes a lost
 * doorbell impossible.
 *
 * A function's memory is touched only under its lock held for reading, one
 * function at a time, so the control thread can change its DMA map or queues
 * between two passes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu_dev.h"
#include "emu_log.h"
#include "emu_switch.h"
#include "emu_uplink.h"

#define EMU_BURST		64
#define EMU_FRAME_MAX		(SVNIC_MTU_MAX + 14 + 8 + 4)	/* two tags and an FCS of slack */
#define EMU_IDLE_NS		200000u	/* busy-polling after the last work, then sleep */
#define EMU_SLEEP_MS		1	/* the first sleep's timeout, doubled while idle */
#define EMU_SLEEP_MAX_MS	16
#define EMU_DL_MAX		(EMU_BURST * 4)	/* deliveries written out at once */
#define EMU_WB_MAX		64		/* RX write-backs held back at once */

struct emu_pkt {
	uint16_t src_vport;		/* or SVNIC_SW_UPLINK */
	uint16_t len;
	uint8_t data[EMU_FRAME_MAX];
};

struct emu_delivery {
	struct emu_pkt *pkt;
	struct emu_func *owner;
	uint16_t dq;			/* device queue pair */
	struct svnic_sw_dest dest;
	uint16_t payload_off;
};

/*
 * The DMA window of the last translation, kept while the thread holds the
 * function's lock: a map changes only under that lock held for writing, so a
 * window found in one hold is good until the lock goes (emu_func_hold() and
 * emu_func_release() forget it). Most lookups of a pass fall in one window.
 */
struct emu_dma_win {
	const struct emu_func *f;	/* NULL: nothing known */
	uint64_t first;			/* IOVA of the window's first byte */
	uint64_t last;			/* and of its last */
	uint8_t *host;			/* host address of first */
	bool writable;
};

struct emu_dp {
	struct emu_dev *dev;
	unsigned int id;
	struct emu_dma_win win;
	struct emu_pkt pkts[EMU_BURST];
	unsigned int nb_pkts;
	struct svnic_sw_result res;
	struct svnic_sw_cache swc;	/* this thread's recent decisions */
	struct emu_delivery dl[EMU_DL_MAX];
	unsigned int nb_dl;
	/* descriptor write-backs of the RX batch being written, DONE not yet set */
	struct {
		union svnic_rx_desc *rd;
		struct svnic_rx_desc_wb wb;
	} wb[EMU_WB_MAX];
	unsigned int nb_wb;
	/* frames the loopback uplink sent straight back, to switch again */
	struct emu_pkt *back[EMU_BURST];
	unsigned int nb_back;
	/* the TX buffers of the burst being staged, looked up once */
	const void *tx_src[EMU_BURST];
	uint64_t tx_addr[EMU_BURST];	/* the descriptor each was looked up for */
	uint16_t tx_len[EMU_BURST];
	uint32_t tx_src_head;		/* ring index of tx_src[0] */
	uint32_t nb_tx_src;
	/* the RX buffers of the batch being written, looked up once */
	void *rx_bufs[EMU_DL_MAX];
	/* VPorts whose counters changed since their blocks were last published */
	uint64_t dirty[SVNIC_SW_PORT_WORDS];
	bool any_dirty;
	uint8_t scratch[EMU_FRAME_MAX];
};

static inline void
emu_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield");
#endif
}

static volatile uint64_t *
emu_summary(struct emu_func *f, unsigned int w)
{
	return (volatile uint64_t *)(f->bar0 + SVNIC_NOTIFY_TX_SUMMARY(w));
}

static volatile uint32_t *
emu_db(struct emu_func *f, uint16_t fq, uint32_t which)
{
	uint32_t base = f->is_vf ? SVNIC_VF_DB(fq) : SVNIC_PF_DB(fq);

	return (volatile uint32_t *)(f->bar0 + base + which);
}

/* Take @p f's lock for reading, with nothing known of its DMA map. */
static void
emu_func_hold(struct emu_dp *dp, struct emu_func *f)
{
	pthread_rwlock_rdlock(&f->lock);
	dp->win.f = NULL;
}

static void
emu_func_release(struct emu_dp *dp, struct emu_func *f)
{
	dp->win.f = NULL;
	pthread_rwlock_unlock(&f->lock);
}

static void * __attribute__((noinline))
emu_dma_slow(struct emu_dp *dp, struct emu_func *f, uint64_t iova, uint64_t len, bool write)
{
	const struct emu_dev_ops *ops = &f->dev->ops;
	struct emu_dma_win *w = &dp->win;
	uint64_t first, last;
	uint8_t *host;
	bool writable;

	if (ops->dma_window == NULL)
		return ops->dma_ptr(f->dev->ops_ctx, f, iova, len, write);
	host = ops->dma_window(f->dev->ops_ctx, f, iova, len, write, &first, &last, &writable);
	if (host == NULL)
		return NULL;
	w->f = f;
	w->first = first;
	w->last = last;
	w->host = host;
	w->writable = writable;
	return host + (iova - first);
}

/* Host pointer of [iova, iova + len) of @p f, whose lock the caller holds. */
static inline void *
emu_dma(struct emu_dp *dp, struct emu_func *f, uint64_t iova, uint64_t len, bool write)
{
	const struct emu_dma_win *w = &dp->win;
	uint64_t last;

	if (w->f == f && len != 0 && !__builtin_add_overflow(iova, len - 1, &last) &&
	    iova >= w->first && last <= w->last && (w->writable || !write))
		return w->host + (iova - w->first);
	return emu_dma_slow(dp, f, iova, len, write);
}

/* A completion: fire if armed, else remember it (QINT_ARM fires at once then). */
static void
emu_queue_complete_irq(struct emu_func *f, struct emu_queue *q)
{
	if (!q->irq)
		return;
	__atomic_store_n(&q->pending, true, __ATOMIC_SEQ_CST);
	if (__atomic_exchange_n(&q->armed, false, __ATOMIC_SEQ_CST)) {
		__atomic_store_n(&q->pending, false, __ATOMIC_SEQ_CST);
		emu_func_msix_fire(f, q->irq_vector);
	}
}

/* @p qid is the queue as a FAULT event names it (SVNIC_EQ_FAULT_Q_TX | fq for TX). */
static void
emu_head_wb(struct emu_dp *dp, struct emu_func *f, struct emu_queue *q, uint32_t qid)
{
	uint32_t *p;

	if (q->head_wb_addr == 0)
		return;
	p = emu_dma(dp, f, q->head_wb_addr, 4, true);
	if (p == NULL) {
		/* checked like every other DMA of the function */
		emu_func_fault(f, emu_dma_fault_reason(f, q->head_wb_addr, 4, true), qid,
			       q->head_wb_addr);
		return;
	}
	__atomic_store_n(p, q->head, __ATOMIC_RELEASE);
}

static void
emu_dp_mark(struct emu_dp *dp, uint16_t vport)
{
	if (vport >= SVNIC_SW_PORT_WORDS * 64u)
		return;
	dp->dirty[vport / 64] |= 1ull << (vport % 64);
	dp->any_dirty = true;
}

/*
 * Spec "Statistics pages": republish the blocks of the VPorts counted since
 * the last time, under the switch's lock. Called before a batch's RX
 * descriptors are written back (a driver that sees its packet finds it
 * counted, as GET_STATS would) and at the end of a pass (what was dropped).
 */
static void
emu_dp_publish(struct emu_dp *dp, bool clear)
{
	unsigned int w;

	if (!dp->any_dirty || !dp->dev->stats_page)
		return;
	for (w = 0; w < SVNIC_SW_PORT_WORDS; w++) {
		uint64_t bits = dp->dirty[w];

		while (bits != 0) {
			emu_vport_stats_publish(dp->dev, (uint16_t)(w * 64u +
						(unsigned int)__builtin_ctzll(bits)));
			bits &= bits - 1;
		}
		if (clear)
			dp->dirty[w] = 0;
	}
	if (clear)
		dp->any_dirty = false;
}

/* Copy the packets posted on one TX queue into the staging buffers. */
static unsigned int
emu_tx_queue(struct emu_dp *dp, struct emu_func *f, uint16_t fq)
{
	struct emu_dev *dev = dp->dev;
	uint16_t dq = (uint16_t)(f->is_vf ? f->qp_base + fq : fq);
	struct emu_queue *q = &dev->txq[dq];
	struct svnic_tx_desc *ring;
	uint32_t tail, mask, done = 0;

	/* a fault earlier in this pass stops every queue of the function */
	if (!__atomic_load_n(&q->enabled, __ATOMIC_ACQUIRE) || q->owner != f ||
	    __atomic_load_n(&f->faulted, __ATOMIC_ACQUIRE))
		return 0;
	tail = __atomic_load_n(emu_db(f, fq, SVNIC_DB_TX_TAIL), __ATOMIC_ACQUIRE);
	if (tail >= q->ring_size) {
		emu_func_fault(f, SVNIC_EQ_FAULT_DOORBELL, SVNIC_EQ_FAULT_Q_TX | fq, tail);
		return 0;
	}
	ring = emu_dma(dp, f, q->ring_addr, (uint64_t)q->ring_size * sizeof(*ring), true);
	if (ring == NULL) {
		emu_func_fault(f, emu_dma_fault_reason(f, q->ring_addr, (uint64_t)q->ring_size *
						       sizeof(*ring), true),
			       SVNIC_EQ_FAULT_Q_TX | fq, q->ring_addr);
		return 0;
	}
	mask = q->ring_size - 1u;
	{
		/* the driver's new descriptors, all lines requested at once */
		uint32_t ahead = (tail - q->head) & mask, k;

		if (ahead > EMU_BURST)
			ahead = EMU_BURST;
		for (k = 0; k < ahead; k += 4)
			__builtin_prefetch(&ring[(q->head + k) & mask], 1);
		/*
		 * And the first line of every buffer of the burst, before any is
		 * copied: each has been round the ring since this thread last
		 * touched it, and copying them one by one waits on one miss at a
		 * time. The lookups are kept for the copy.
		 */
		for (k = 0; k < ahead; k++) {
			const struct svnic_tx_desc *d = &ring[(q->head + k) & mask];

			dp->tx_addr[k] = __atomic_load_n(&d->addr, __ATOMIC_RELAXED);
			dp->tx_len[k] = __atomic_load_n(&d->len, __ATOMIC_RELAXED);
			dp->tx_src[k] = emu_dma(dp, f, dp->tx_addr[k], dp->tx_len[k], false);
			if (dp->tx_src[k] != NULL)
				__builtin_prefetch(dp->tx_src[k]);
		}
		dp->tx_src_head = q->head;
		dp->nb_tx_src = ahead;
	}
	while (q->head != tail && dp->nb_pkts < EMU_BURST) {
		struct emu_pkt *p = &dp->pkts[dp->nb_pkts];
		uint32_t h = q->head, nseg = 0, len = 0, last = h;
		bool eop = false, too_big = false;
		uint16_t first_flags = ring[h].flags, tci = ring[h].vlan_tci;

		/* Find the whole packet first: a packet whose EOP is not posted yet waits. */
		while (h != tail) {
			const struct svnic_tx_desc *d = &ring[h];

			nseg++;
			if (d->len == 0 || d->len > SVNIC_TX_SEG_MAX || nseg > SVNIC_TX_SEGS_MAX) {
				emu_func_fault(f, SVNIC_EQ_FAULT_TX_DESC, SVNIC_EQ_FAULT_Q_TX | fq,
					       d->addr);
				return done;
			}
			last = h;
			h = (h + 1) & mask;
			if (d->flags & SVNIC_TXD_F_EOP) {
				eop = true;
				break;
			}
		}
		if (!eop)
			break;
		for (h = q->head;; h = (h + 1) & mask) {
			/*
			 * The ring is the driver's memory (a guest's, for a VF): each
			 * field is read once, and the bytes copied are the bytes the
			 * lookup checked, whatever the driver writes meanwhile.
			 */
			const struct svnic_tx_desc *d = &ring[h];
			uint64_t addr = __atomic_load_n(&d->addr, __ATOMIC_RELAXED);
			uint16_t seg = __atomic_load_n(&d->len, __ATOMIC_RELAXED);
			uint32_t k = (h - dp->tx_src_head) & mask;
			const void *src;

			if (k < dp->nb_tx_src && dp->tx_src[k] != NULL && dp->tx_addr[k] == addr &&
			    dp->tx_len[k] == seg)
				src = dp->tx_src[k];
			else
				src = emu_dma(dp, f, addr, seg, false);
			if (src == NULL) {
				emu_func_fault(f, SVNIC_EQ_FAULT_DMA_UNMAPPED,
					       SVNIC_EQ_FAULT_Q_TX | fq, addr);
				return done;
			}
			if (len + seg > EMU_FRAME_MAX - 4)
				too_big = true;
			else
				memcpy(p->data + len, src, seg);
			len += seg;
			if (h == last)
				break;
		}
		/* DONE on the descriptors that asked for it, this and every earlier one. */
		for (h = q->head;; h = (h + 1) & mask) {
			if (ring[h].flags & SVNIC_TXD_F_RS)
				__atomic_or_fetch(&ring[h].flags, (uint16_t)SVNIC_TXD_F_DONE,
						  __ATOMIC_RELEASE);
			if (h == last)
				break;
		}
		q->head = (last + 1) & mask;
		done++;
		if (too_big || len < 14) {
			q->errors++;
			emu_dp_mark(dp, q->vport);
			continue;
		}
		/* spec "TX descriptor": over the VPort's MTU + 18 is dropped and counted */
		if (len > dev->vports[q->vport].cfg.mtu + 18u) {
			q->dropped++;
			emu_dp_mark(dp, q->vport);
			continue;
		}
		if (first_flags & SVNIC_TXD_F_VLAN_INS) {
			/* 802.1Q tag after the two addresses */
			memmove(p->data + 16, p->data + 12, len - 12);
			p->data[12] = 0x81;
			p->data[13] = 0x00;
			p->data[14] = (uint8_t)(tci >> 8);
			p->data[15] = (uint8_t)tci;
			len += 4;
		}
		q->packets++;
		q->bytes += len;
		p->len = (uint16_t)len;
		p->src_vport = q->vport;
		dp->nb_pkts++;
	}
	if (done > 0) {
		emu_head_wb(dp, f, q, SVNIC_EQ_FAULT_Q_TX | fq);
		emu_queue_complete_irq(f, q);
	}
	return done;
}

static uint8_t
emu_rx_hash_type(uint32_t hf)
{
	switch (hf) {
	case SVNIC_RSS_HF_IPV4: return SVNIC_RX_HASH_IPV4;
	case SVNIC_RSS_HF_IPV4_TCP: return SVNIC_RX_HASH_IPV4_TCP;
	case SVNIC_RSS_HF_IPV4_UDP: return SVNIC_RX_HASH_IPV4_UDP;
	case SVNIC_RSS_HF_IPV6: return SVNIC_RX_HASH_IPV6;
	case SVNIC_RSS_HF_IPV6_TCP: return SVNIC_RX_HASH_IPV6_TCP;
	case SVNIC_RSS_HF_IPV6_UDP: return SVNIC_RX_HASH_IPV6_UDP;
	default: return SVNIC_RX_HASH_NONE;
	}
}

/*
 * The descriptors of a batch are written back together, after the data of
 * its packets: the driver polls the next descriptor's DONE, so every write
 * into a descriptor line takes the line back from the driver's CPU; writing
 * a batch's descriptors back to back takes each line once, not once a packet.
 */
static void
emu_rx_wb_flush(struct emu_dp *dp)
{
	unsigned int i;

	for (i = 0; i < dp->nb_wb; i++) {
		union svnic_rx_desc *rd = dp->wb[i].rd;
		const struct svnic_rx_desc_wb *wb = &dp->wb[i].wb;

		/* Everything before DONE, DONE last (release): the driver polls DONE. */
		memcpy(&rd->wb, wb, offsetof(struct svnic_rx_desc_wb, status));
		rd->wb.rsvd = 0;
		__atomic_store_n(&rd->wb.status, (uint16_t)(wb->status | SVNIC_RXD_ST_DONE),
				 __ATOMIC_RELEASE);
	}
	dp->nb_wb = 0;
}

/*
 * The held-back write-back of @p rd, zeroed, for the caller to fill in
 * place: a copy of one built on the stack field by field would load 16
 * bytes that narrower stores just wrote, which the CPU cannot forward.
 */
static struct svnic_rx_desc_wb *
emu_rx_wb_slot(struct emu_dp *dp, union svnic_rx_desc *rd)
{
	struct svnic_rx_desc_wb *wb;

	if (dp->nb_wb == EMU_WB_MAX)
		emu_rx_wb_flush(dp);
	dp->wb[dp->nb_wb].rd = rd;
	wb = &dp->wb[dp->nb_wb++].wb;
	memset(wb, 0, sizeof(*wb));
	return wb;
}

/*
 * One packet into the RX queue @p q of @p g, whose ring is @p ring and whose
 * driver posted buffers up to @p avail descriptors ahead (the owner's lock
 * held). The frame goes straight from the staging buffer into the guest's
 * buffer when it fits in one and keeps its tag; a stripped tag or a
 * scattered frame is assembled in the scratch buffer first. @p first_buf is
 * the next descriptor's buffer, already looked up for buf_size bytes, or NULL.
 * @return descriptors used; 0 when the packet was dropped; -1 on a fault of
 * @p g (nothing more may be written into its memory in this batch).
 */
static int
emu_rx_write(struct emu_dp *dp, struct emu_func *g, struct emu_queue *q,
	     union svnic_rx_desc *ring, uint32_t avail, const struct emu_delivery *d,
	     void *first_buf)
{
	const struct emu_pkt *p = d->pkt;
	uint32_t mask = q->ring_size - 1u, len, off = 0, nbuf, i;
	bool strip = (dp->dev->vports[q->vport].cfg.flags & SVNIC_AQ_VPORT_F_VLAN_STRIP) != 0;
	const uint8_t *frame;
	uint16_t vtci = 0, status = 0;
	int n;

	len = 12u + (d->dest.tpid != 0 ? 4u : 0u) + (p->len - d->payload_off) + 2u;
	if (!strip && len <= q->buf_size) {
		/* the common case: one buffer, one copy */
		union svnic_rx_desc *rd;
		void *buf;

		if (avail < 1) {
			q->dropped++;
			return 0;
		}
		rd = &ring[q->head & mask];
		buf = first_buf != NULL ? first_buf : emu_dma(dp, g, rd->read.addr, len, true);
		if (buf == NULL) {
			emu_func_fault(g, emu_dma_fault_reason(g, rd->read.addr, len, true),
				       q->fq, rd->read.addr);
			return -1;
		}
		n = svnic_sw_write_frame(d->payload_off, &d->dest, p->data, p->len, buf, len);
		if (n < 0) {
			q->errors++;
			return 0;
		}
		nbuf = 1;
		frame = NULL;
	} else {
		n = svnic_sw_write_frame(d->payload_off, &d->dest, p->data, p->len, dp->scratch,
					 sizeof(dp->scratch));
		if (n < 0) {
			q->errors++;
			return 0;
		}
		frame = dp->scratch;
		len = (uint32_t)n;
		/* The owner asked to strip the outer 802.1Q tag into the descriptor. */
		if (strip && len >= 18 && frame[12] == 0x81 && frame[13] == 0x00) {
			vtci = (uint16_t)(frame[14] << 8 | frame[15]);
			memmove(dp->scratch + 4, dp->scratch, 12);
			frame = dp->scratch + 4;
			len -= 4;
			status |= SVNIC_RXD_ST_VLAN;
		}
		nbuf = (len + q->buf_size - 1) / q->buf_size;
		if (nbuf > 1 && !q->scatter) {
			q->errors++;
			return 0;
		}
		if (avail < nbuf) {
			q->dropped++;
			return 0;
		}
	}
	for (i = 0; i < nbuf; i++) {
		union svnic_rx_desc *rd = &ring[(q->head + i) & mask];
		uint32_t chunk = len - off < q->buf_size ? len - off : q->buf_size;
		struct svnic_rx_desc_wb *wb;

		if (frame != NULL) {
			void *buf = emu_dma(dp, g, rd->read.addr, chunk, true);

			if (buf == NULL) {
				emu_func_fault(g, emu_dma_fault_reason(g, rd->read.addr, chunk,
								       true),
					       q->fq, rd->read.addr);
				return -1;
			}
			memcpy(buf, frame + off, chunk);
		}
		off += chunk;
		wb = emu_rx_wb_slot(dp, rd);
		wb->len = (uint16_t)chunk;
		if (i == nbuf - 1) {
			wb->status = (uint16_t)(status | SVNIC_RXD_ST_EOP);
			wb->vlan_tci = vtci;
			if (d->dest.rss_type != 0) {
				wb->rss_hash = d->dest.rss_hash;
				wb->hash_type = emu_rx_hash_type(d->dest.rss_type);
				wb->status |= SVNIC_RXD_ST_RSS;
			}
		}
	}
	q->head = (q->head + nbuf) & mask;
	q->packets++;
	q->bytes += len;
	return (int)nbuf;
}

/*
 * The deliveries dl[first..] that go to the same RX queue as dl[first], in
 * order, with the owner's lock taken once, the tail and the ring looked up
 * once, and one head write-back and one interrupt for all of them.
 * Marks each one done (owner = NULL).
 */
static void
emu_rx_batch(struct emu_dp *dp, unsigned int first)
{
	struct emu_delivery *d0 = &dp->dl[first];
	struct emu_func *g = d0->owner;
	uint16_t dq = d0->dq;
	struct emu_queue *q = &dp->dev->rxq[dq];
	union svnic_rx_desc *ring = NULL;
	uint32_t tail = 0, mask, avail = 0, done = 0, start, nb_bufs = 0;
	unsigned int i, nb = 0, idx[EMU_DL_MAX];
	bool usable, faulted = false;

	emu_func_hold(dp, g);
	/*
	 * Every thread may deliver to every queue: with more than one, the ring
	 * and the queue's counters are one thread's at a time. Held only while
	 * the function's lock is, and no other lock is taken under it.
	 */
	if (dp->dev->nb_dp_threads > 1)
		while (__atomic_test_and_set(&q->rx_busy, __ATOMIC_ACQUIRE))
			while (__atomic_load_n(&q->rx_busy, __ATOMIC_RELAXED))
				emu_cpu_relax();
	usable = __atomic_load_n(&q->enabled, __ATOMIC_ACQUIRE) && q->owner == g && !g->faulted;
	if (usable) {
		tail = __atomic_load_n(emu_db(g, q->fq, SVNIC_DB_RX_TAIL), __ATOMIC_ACQUIRE);
		if (tail >= q->ring_size) {
			emu_func_fault(g, SVNIC_EQ_FAULT_DOORBELL, q->fq, tail);
			faulted = true;
		}
	}
	if (usable && !faulted) {
		ring = emu_dma(dp, g, q->ring_addr, (uint64_t)q->ring_size * sizeof(*ring), true);
		if (ring == NULL) {
			emu_func_fault(g, emu_dma_fault_reason(g, q->ring_addr,
							       (uint64_t)q->ring_size *
							       sizeof(*ring), true),
				       q->fq, q->ring_addr);
			faulted = true;
		}
	}
	mask = q->ring_size - 1u;
	/* this queue's deliveries, in order, taken off the list */
	for (i = first; i < dp->nb_dl; i++) {
		if (dp->dl[i].owner != g || dp->dl[i].dq != dq)
			continue;
		dp->dl[i].owner = NULL;
		idx[nb++] = i;
	}
	if (!usable) {
		q->dropped += nb;
		nb = 0;
	}
	if (ring != NULL) {
		/*
		 * The driver wrote these descriptors' lines on its CPU: ask for the
		 * batch's all at once, for writing, so that the transfers overlap
		 * rather than come one a packet; and for the first line of each
		 * buffer, whose lookup the write then uses (a single-buffer frame
		 * fits in buf_size).
		 */
		uint32_t ahead = (tail - q->head) & mask, k;

		if (ahead > nb)
			ahead = nb;
		for (k = 0; k < ahead; k += 4)
			__builtin_prefetch(&ring[(q->head + k) & mask], 1);
		for (k = 0; k < ahead; k++) {
			dp->rx_bufs[k] = emu_dma(dp, g, ring[(q->head + k) & mask].read.addr,
						 q->buf_size, true);
			if (dp->rx_bufs[k] != NULL)
				__builtin_prefetch(dp->rx_bufs[k], 1);
		}
		nb_bufs = ahead;
	}
	start = q->head;
	for (i = 0; i < nb && !faulted; i++) {
		uint32_t k = (q->head - start) & mask;
		int used;

		avail = (tail - q->head) & mask;
		used = emu_rx_write(dp, g, q, ring, avail, &dp->dl[idx[i]],
				    k < nb_bufs ? dp->rx_bufs[k] : NULL);
		if (used < 0)
			faulted = true;
		else if (used > 0)
			done++;
	}
	/* a fault leaves the descriptors written so far: the driver may take them */
	emu_rx_wb_flush(dp);
	if (done > 0) {
		emu_head_wb(dp, g, q, q->fq);
		emu_queue_complete_irq(g, q);
	}
	if (dp->dev->nb_dp_threads > 1)
		__atomic_clear(&q->rx_busy, __ATOMIC_RELEASE);
	emu_func_release(dp, g);
}

/* Write every pending delivery, queue by queue, each queue's in order. */
static void
emu_rx_flush(struct emu_dp *dp)
{
	unsigned int i;

	for (i = 0; i < dp->nb_dl; i++)
		if (dp->dl[i].owner != NULL)
			emu_rx_batch(dp, i);
	dp->nb_dl = 0;
}

static struct emu_func *
emu_vport_owner(struct emu_dev *dev, uint16_t vport)
{
	uint16_t func = dev->vports[vport].cfg.func;

	if (!dev->vports[vport].used)
		return NULL;
	if (!SVNIC_AQ_FUNC_IS_VF(func))
		return &dev->pf;
	return emu_dev_vf(dev, func & SVNIC_AQ_FUNC_VF_MASK);
}

/* The locks emu_switch_and_deliver() holds between two writes of the deliveries. */
struct emu_sw_hold {
	bool uplink;
};

/* The VPorts the last svnic_sw_forward() counted, for the statistics pages. */
static void
emu_note_counted(struct emu_dp *dp)
{
	unsigned int j;

	for (j = 0; j < SVNIC_SW_PORT_WORDS; j++) {
		dp->dirty[j] |= dp->res.counted[j];
		dp->any_dirty |= dp->res.counted[j] != 0;
	}
}

/* Before deliveries are written: the pages first, then the switch's lock goes. */
static void
emu_sw_release(struct emu_dp *dp, struct emu_sw_hold *h)
{
	if (h->uplink)
		pthread_mutex_unlock(&dp->dev->uplink_lock);
	h->uplink = false;
	emu_dp_publish(dp, false);
	pthread_rwlock_unlock(&dp->dev->sw_lock);
}

/*
 * Queue @p p for the VPort @p dst names; a full list is written out between
 * two holds of the switch's lock (never held while a function's lock is taken).
 */
static void
emu_dl_add(struct emu_dp *dp, struct emu_pkt *p, const struct svnic_sw_dest *dst,
	   struct emu_sw_hold *h)
{
	struct emu_dev *dev = dp->dev;
	struct emu_func *owner = emu_vport_owner(dev, dst->port);
	struct emu_delivery *d;

	if (owner == NULL)
		return;
	if (dp->nb_dl == EMU_DL_MAX) {
		emu_sw_release(dp, h);
		emu_rx_flush(dp);
		pthread_rwlock_rdlock(&dev->sw_lock);
	}
	d = &dp->dl[dp->nb_dl++];
	d->pkt = p;
	d->owner = owner;
	d->dest = *dst;
	d->payload_off = dp->res.payload_off;
	d->dq = (uint16_t)(dev->vports[dst->port].cfg.queue_base + dst->queue);
}

/*
 * Out of the uplink. A frame that leaves unchanged and finds the loopback
 * empty comes straight back: it is queued in dp->back to be switched again
 * as arriving from the uplink, with no copy through the loopback's ring.
 */
static void
emu_uplink_out(struct emu_dp *dp, struct emu_pkt *p, const struct svnic_sw_dest *dst,
	       struct emu_sw_hold *h)
{
	struct emu_dev *dev = dp->dev;
	int n;

	if (dev->uplink == NULL)
		return;
	if (!h->uplink) {
		pthread_mutex_lock(&dev->uplink_lock);
		h->uplink = true;
	}
	if (svnic_sw_out_unchanged(&dp->res, dst) &&
	    svnic_uplink_reflect(dev->uplink, p->data, p->len)) {
		dp->back[dp->nb_back++] = p;
		return;
	}
	n = svnic_sw_write(&dp->res, dst, p->data, p->len, dp->scratch, sizeof(dp->scratch));
	if (n > 0)
		svnic_uplink_send(dev->uplink, dp->scratch, (size_t)n);
}

/*
 * Switch the staged burst under one hold of the switch's lock, sending what
 * goes to the uplink on the way (its lock also taken once), then what the
 * loopback sent straight back, then fill the RX rings.
 */
static unsigned int
emu_switch_and_deliver(struct emu_dp *dp)
{
	struct emu_dev *dev = dp->dev;
	uint64_t now = emu_now_ns();
	unsigned int i, j, moved = dp->nb_pkts;
	struct emu_sw_hold h = { .uplink = false };

	dp->nb_dl = 0;
	dp->nb_back = 0;
	pthread_rwlock_rdlock(&dev->sw_lock);
	for (i = 0; i < dp->nb_pkts; i++) {
		struct emu_pkt *p = &dp->pkts[i];

		if (svnic_sw_forward_cached(dev->sw, &dp->swc, p->src_vport, p->data, p->len,
					    now, &dp->res) < 0)
			continue;
		emu_note_counted(dp);
		for (j = 0; j < dp->res.nb_dests; j++) {
			const struct svnic_sw_dest *dst = &dp->res.dests[j];

			if (dst->port == SVNIC_SW_UPLINK)
				emu_uplink_out(dp, p, dst, &h);
			else
				emu_dl_add(dp, p, dst, &h);
		}
	}
	/* what comes in from the uplink never goes back out of it */
	for (i = 0; i < dp->nb_back; i++) {
		struct emu_pkt *p = dp->back[i];

		if (svnic_sw_forward_cached(dev->sw, &dp->swc, SVNIC_SW_UPLINK, p->data,
					    p->len, now, &dp->res) < 0)
			continue;
		emu_note_counted(dp);
		for (j = 0; j < dp->res.nb_dests; j++)
			if (dp->res.dests[j].port != SVNIC_SW_UPLINK)
				emu_dl_add(dp, p, &dp->res.dests[j], &h);
	}
	emu_sw_release(dp, &h);
	emu_rx_flush(dp);
	dp->nb_pkts = 0;
	return moved;
}

/* The TX summary words of @p f: one bit a queue pair. */
static unsigned int
emu_summary_words(const struct emu_dev *dev, const struct emu_func *f)
{
	return f->is_vf ? SVNIC_NOTIFY_VF_SUMMARY_WORDS : (dev->cfg.total_queue_pairs + 63u) / 64u;
}

/* Whether any TX summary bit of @p f is set (its BAR0 lives as long as the topology). */
static bool
emu_func_has_doorbells(const struct emu_dev *dev, struct emu_func *f)
{
	unsigned int words = emu_summary_words(dev, f);
	unsigned int w;

	for (w = 0; w < words; w++)
		if (__atomic_load_n(emu_summary(f, w), __ATOMIC_RELAXED) != 0)
			return true;
	return false;
}

/* Take the summary words of @p f and stage what its TX queues hold. */
static unsigned int
emu_poll_func(struct emu_dp *dp, struct emu_func *f)
{
	unsigned int words, w, work = 0;
	uint16_t nq;

	/*
	 * The summary words first, without the lock: an idle function (most of
	 * 256 VFs) costs one or two loads a pass, not a lock and an unlock. A
	 * bit set after this look is seen on the next pass (the doorbell
	 * protocol's SLEEPING handshake covers the last look before a sleep).
	 */
	if (!emu_func_has_doorbells(dp->dev, f))
		return 0;
	/*
	 * --tx-lag-us: before the function's lock, so that the control thread
	 * can disable a queue meanwhile, as it could on a busy device.
	 */
	if (dp->dev->cfg.tx_lag_us != 0)
		usleep(dp->dev->cfg.tx_lag_us);
	emu_func_hold(dp, f);
	/* A VF moves packets only while the PF's VF MSE lets its BARs decode. */
	if (f->faulted || (f->is_vf && !dp->dev->vf_mse)) {
		emu_func_release(dp, f);
		return 0;
	}
	nq = f->is_vf ? f->nb_qp : dp->dev->cfg.total_queue_pairs;
	words = emu_summary_words(dp->dev, f);
	for (w = 0; w < words; w++) {
		uint64_t bits;

		if (*emu_summary(f, w) == 0)
			continue;
		bits = __atomic_exchange_n(emu_summary(f, w), 0, __ATOMIC_SEQ_CST);
		while (bits != 0) {
			uint16_t fq = (uint16_t)(w * 64 + (unsigned int)__builtin_ctzll(bits));

			bits &= bits - 1;
			if (fq >= nq)
				continue;	/* bits past the function's queues are noise */
			work += emu_tx_queue(dp, f, fq);
			if (dp->nb_pkts == EMU_BURST) {
				/* more may wait: leave the bit for the next pass */
				__atomic_or_fetch(emu_summary(f, w), 1ull << (fq % 64),
						  __ATOMIC_SEQ_CST);
				emu_func_release(dp, f);
				emu_switch_and_deliver(dp);
				emu_func_hold(dp, f);
				if (f->faulted)
					goto out;
			}
		}
	}
out:
	emu_func_release(dp, f);
	if (dp->nb_pkts > 0)
		emu_switch_and_deliver(dp);
	return work;
}

static unsigned int
emu_poll_uplink(struct emu_dp *dp)
{
	struct emu_dev *dev = dp->dev;
	unsigned int n = 0;

	/* the loopback is mostly empty now that unchanged frames skip it: no lock then */
	if (dev->uplink == NULL || svnic_uplink_surely_empty(dev->uplink))
		return 0;
	pthread_mutex_lock(&dev->uplink_lock);
	while (dp->nb_pkts < EMU_BURST) {
		struct emu_pkt *p = &dp->pkts[dp->nb_pkts];
		ssize_t len = svnic_uplink_recv(dev->uplink, p->data, sizeof(p->data));

		if (len == 0)
			break;
		if (len < 0)
			continue;	/* oversize: dropped and counted by the uplink */
		p->len = (uint16_t)len;
		p->src_vport = SVNIC_SW_UPLINK;
		dp->nb_pkts++;
		n++;
	}
	pthread_mutex_unlock(&dev->uplink_lock);
	if (dp->nb_pkts > 0)
		emu_switch_and_deliver(dp);
	return n;
}

static bool
emu_serves(const struct emu_dp *dp, unsigned int func_index)
{
	return func_index % dp->dev->nb_dp_threads == dp->id;
}

static unsigned int
emu_dp_pass(struct emu_dp *dp)
{
	struct emu_dev *dev = dp->dev;
	unsigned int work = 0;
	uint16_t i;

	/*
	 * Packets of any function and of the uplink are delivered into VF queues:
	 * the whole pass holds the topology so no VF is destroyed under it.
	 */
	pthread_rwlock_rdlock(&dev->topo_lock);
	if (emu_serves(dp, 0))
		work += emu_poll_func(dp, &dev->pf);
	for (i = 0; i < dev->num_vfs; i++)
		if (emu_serves(dp, i + 1u))
			work += emu_poll_func(dp, dev->vfs[i]);
	if (dp->id == 0)
		work += emu_poll_uplink(dp);
	if (dp->any_dirty) {
		/* drops counted on the way (no buffer, TX errors) are published too */
		pthread_rwlock_rdlock(&dev->sw_lock);
		emu_dp_publish(dp, true);
		pthread_rwlock_unlock(&dev->sw_lock);
	}
	pthread_rwlock_unlock(&dev->topo_lock);
	return work;
}

static void
emu_set_sleeping(struct emu_dp *dp, uint32_t v)
{
	struct emu_dev *dev = dp->dev;
	uint16_t i;

	if (emu_serves(dp, 0))
		__atomic_store_n((uint32_t *)(dev->pf.bar0 + SVNIC_NOTIFY_SLEEPING), v,
				 __ATOMIC_SEQ_CST);
	pthread_rwlock_rdlock(&dev->topo_lock);
	for (i = 0; i < dev->num_vfs; i++)
		if (emu_serves(dp, i + 1u))
			__atomic_store_n((uint32_t *)(dev->vfs[i]->bar0 + SVNIC_NOTIFY_SLEEPING),
					 v, __ATOMIC_SEQ_CST);
	pthread_rwlock_unlock(&dev->topo_lock);
}

/*
 * Sleep up to @p timeout_ms.
 * @return whether something woke the thread, or the last look found work
 *   (false: the sleep timed out)
 */
static bool
emu_dp_sleep(struct emu_dp *dp, int timeout_ms)
{
	struct emu_dev *dev = dp->dev;
	struct pollfd pfd[2];
	unsigned int n = 0;
	bool woken;
	uint64_t v;

	/* The handshake: SLEEPING first, then one more look, then sleep. */
	emu_set_sleeping(dp, 1);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (emu_dp_pass(dp) != 0) {
		emu_set_sleeping(dp, 0);
		return true;
	}
	pfd[n].fd = dev->dp_wake_fd;
	pfd[n++].events = POLLIN;
	if (dp->id == 0 && dev->uplink != NULL && svnic_uplink_fd(dev->uplink) >= 0) {
		pfd[n].fd = svnic_uplink_fd(dev->uplink);
		pfd[n++].events = POLLIN;
	}
	dev->dp_sleeps++;
	woken = poll(pfd, n, timeout_ms) > 0;
	if (woken && (pfd[0].revents & POLLIN)) {
		if (read(dev->dp_wake_fd, &v, sizeof(v)) < 0) {
			/* another thread took the wake-up: fine */
		}
		dev->dp_wakeups++;
	}
	emu_set_sleeping(dp, 0);
	return woken;
}

unsigned int
emu_dev_poll(struct emu_dev *dev, unsigned int thread)
{
	/* one each, so that tests may run the passes of two threads at once */
	static struct emu_dp *passes[EMU_DP_THREADS_MAX];

	if (thread >= EMU_DP_THREADS_MAX)
		return 0;
	if (passes[thread] == NULL) {
		passes[thread] = calloc(1, sizeof(*passes[thread]));
		if (passes[thread] == NULL)
			return 0;
	}
	passes[thread]->dev = dev;
	passes[thread]->id = thread;
	return emu_dp_pass(passes[thread]);
}

static void *
emu_dp_main(void *arg)
{
	struct emu_dp *dp = arg;
	uint64_t idle_since = 0;
	unsigned int idle = 0;
	int sleep_ms = EMU_SLEEP_MS;
	bool quiet = false;

	/*
	 * Idle for EMU_IDLE_NS of passes (the clock read every 64 of them), then
	 * sleep: a count of passes would spin for milliseconds with 256 VFs.
	 * Not after a sleep that timed out and a pass that found nothing: an
	 * idle device would otherwise spin EMU_IDLE_NS of every EMU_SLEEP_MS,
	 * a fifth of a CPU taken in slices that stall whatever else runs there.
	 * Every doorbell of a sleeping thread comes with a KICK (the SLEEPING
	 * handshake; new VFs wake the thread so that theirs is set): the
	 * timeout is a safety net, and its passes (a look at every function)
	 * are spaced out while they find nothing.
	 */
	while (!__atomic_load_n(&dp->dev->dp_stop, __ATOMIC_ACQUIRE)) {
		if (emu_dp_pass(dp) != 0) {
			idle = 0;
			quiet = false;
			sleep_ms = EMU_SLEEP_MS;
			continue;
		}
		if (!quiet) {
			if (idle++ == 0)
				idle_since = emu_now_ns();
			if ((idle & 63) != 0 || emu_now_ns() - idle_since < EMU_IDLE_NS)
				continue;
		} else if (sleep_ms < EMU_SLEEP_MAX_MS) {
			sleep_ms *= 2;
		}
		quiet = !emu_dp_sleep(dp, sleep_ms);
		if (!quiet)
			sleep_ms = EMU_SLEEP_MS;
		idle = 0;
	}
	free(dp);
	return NULL;
}

int
emu_dev_start(struct emu_dev *dev)
{
	unsigned int i;

	dev->dp_stop = false;
	dev->nb_dp_threads = dev->cfg.datapath_threads;
	for (i = 0; i < dev->nb_dp_threads; i++) {
		struct emu_dp *dp = calloc(1, sizeof(*dp));
		int ret;

		if (dp == NULL)
			goto err;
		dp->dev = dev;
		dp->id = i;
		ret = pthread_create(&dev->dp_threads[i], NULL, emu_dp_main, dp);
		if (ret != 0) {
			free(dp);
			goto err;
		}
		pthread_setname_np(dev->dp_threads[i], "svnic-dp");
		dev->dp_running = i + 1;
	}
	return 0;
err:
	emu_dev_stop(dev);
	return -ENOMEM;
}

void
emu_dev_stop(struct emu_dev *dev)
{
	unsigned int i;

	__atomic_store_n(&dev->dp_stop, true, __ATOMIC_RELEASE);
	emu_dev_wake_datapath(dev);
	for (i = 0; i < dev->dp_running; i++)
		pthread_join(dev->dp_threads[i], NULL);
	dev->dp_running = 0;
}
