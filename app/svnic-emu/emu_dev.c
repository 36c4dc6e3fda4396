/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * svnic device model: functions, BAR0 page 0, interrupts, the event queue, the
 * VF mailboxes and resets (doc/device-spec.rst "BAR0", "Interrupts", "Resets").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "emu_dev.h"
#include "emu_log.h"
#include "emu_pci.h"
#include "emu_switch.h"
#include "emu_uplink.h"

uint64_t
emu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static const char *
emu_func_name(const struct emu_func *f, char *buf, size_t len)
{
	if (f->is_vf)
		snprintf(buf, len, "vf%u", f->vf_id);
	else
		snprintf(buf, len, "pf");
	return buf;
}

void
emu_func_lock_wr(struct emu_func *f)
{
	pthread_rwlock_wrlock(&f->lock);
}

void
emu_func_unlock(struct emu_func *f)
{
	pthread_rwlock_unlock(&f->lock);
}

void
emu_dev_wake_datapath(struct emu_dev *dev)
{
	uint64_t one = 1;

	if (write(dev->dp_wake_fd, &one, sizeof(one)) < 0) {
		/* a full counter already means "wake up" */
	}
}

/* --- interrupts ----------------------------------------------------------- */

/* MSI-X entry layout (PCI LB 3.0 6.8.2): address lo/hi, data, vector control. */
static bool
emu_msix_vector_masked(const struct emu_func *f, uint16_t v)
{
	uint32_t ctrl;

	memcpy(&ctrl, &f->msix_table[v][12], 4);
	return (ctrl & 1u) != 0;
}

void
emu_func_msix_fire(struct emu_func *f, uint16_t vector)
{
	if (vector >= f->nb_vectors || f->pci == NULL || !emu_pci_msix_enabled(f->pci))
		return;
	/* Masked (function or vector): the message waits in the PBA. */
	if (emu_pci_msix_masked(f->pci) || emu_msix_vector_masked(f, vector)) {
		__atomic_fetch_or(&f->msix_pba[vector / 64], 1ull << (vector % 64),
				  __ATOMIC_RELAXED);
		return;
	}
	if (f->dev->ops.irq != NULL)
		f->dev->ops.irq(f->dev->ops_ctx, f, vector);
}

/* Deliver what the PBA holds for vectors that are no longer masked. */
static void
emu_msix_flush_pending(struct emu_func *f)
{
	uint16_t v;

	if (f->pci == NULL || !emu_pci_msix_enabled(f->pci) || emu_pci_msix_masked(f->pci))
		return;
	for (v = 0; v < f->nb_vectors; v++) {
		uint64_t bit = 1ull << (v % 64);

		if (!(f->msix_pba[v / 64] & bit) || emu_msix_vector_masked(f, v))
			continue;
		__atomic_fetch_and(&f->msix_pba[v / 64], ~bit, __ATOMIC_RELAXED);
		if (f->dev->ops.irq != NULL)
			f->dev->ops.irq(f->dev->ops_ctx, f, v);
	}
}

/*
 * INT_CAUSE into the notify page (spec 1.3) after every change. Two threads
 * may change the causes at once (the datapath raises FAULT): each stores
 * again until what it stored is what the register holds, so the last store
 * is never a stale value.
 */
static void
emu_func_cause_mirror(struct emu_func *f)
{
	uint32_t *m = (uint32_t *)(f->bar0 + SVNIC_NOTIFY_INT_CAUSE);
	uint32_t v;

	do {
		v = __atomic_load_n(&f->int_cause, __ATOMIC_SEQ_CST);
		__atomic_store_n(m, v, __ATOMIC_SEQ_CST);
	} while (__atomic_load_n(&f->int_cause, __ATOMIC_SEQ_CST) != v);
}

/* Latch causes; raise the misc vector on a 0 -> non-zero edge of cause & ~mask.
 * Datapath threads raise FAULT too, hence the atomics. */
void
emu_func_raise(struct emu_func *f, uint32_t cause)
{
	uint32_t old = __atomic_fetch_or(&f->int_cause, cause, __ATOMIC_SEQ_CST);
	uint32_t mask = __atomic_load_n(&f->int_mask, __ATOMIC_SEQ_CST);

	emu_func_cause_mirror(f);
	if ((old & ~mask) == 0 && ((old | cause) & ~mask) != 0)
		emu_func_msix_fire(f, (uint16_t)(f->int_vector & SVNIC_INT_VECTOR_MASK));
}

/* EQ_LEN.ARM (spec 1.3): the ring's own wake-up, unless EVENT is masked. */
static void
emu_func_event_fire(struct emu_func *f)
{
	if (!(__atomic_load_n(&f->int_mask, __ATOMIC_SEQ_CST) & SVNIC_INT_EVENT))
		emu_func_msix_fire(f, (uint16_t)(f->int_vector & SVNIC_INT_VECTOR_MASK));
}

/* --- events for the PF ---------------------------------------------------- */

void
emu_dev_post_event(struct emu_dev *dev, uint16_t event, uint16_t func, uint32_t p0,
		   uint32_t p1, uint64_t p2)
{
	uint64_t one = 1;

	pthread_mutex_lock(&dev->ev_lock);
	if (dev->ev_count == EMU_EVENTS_MAX) {
		dev->ev_dropped++;
	} else {
		struct svnic_eq_entry *e =
			&dev->events[(dev->ev_head + dev->ev_count) % EMU_EVENTS_MAX].e;

		memset(e, 0, sizeof(*e));
		e->event = event;
		e->func = func;
		e->param0 = p0;
		e->param1 = p1;
		e->param2 = p2;
		e->timestamp = emu_now_ns();
		dev->ev_count++;
	}
	pthread_mutex_unlock(&dev->ev_lock);
	if (write(dev->ctrl_wake_fd, &one, sizeof(one)) < 0) {
		/* already signalled */
	}
}

static uint32_t
emu_qlen(uint32_t len)
{
	return len & SVNIC_QLEN_ENTRIES_MASK;
}

/*
 * Write queued events into the PF's event ring (control thread, PF lock held
 * for writing by the caller or taken here). An event that finds the ring full
 * or off is dropped and counted as EQ_OVERFLOW, as the spec says.
 */
void
emu_dev_flush_events(struct emu_dev *dev)
{
	struct emu_func *pf = &dev->pf;
	bool wrote = false, lost = false;
	/* EQ_LEN.ARM: whether the PF may be asleep with nothing left to read */
	bool was_empty = pf->eq_tail == pf->eq_head;

	pthread_mutex_lock(&dev->ev_lock);
	while (dev->ev_count > 0) {
		struct svnic_eq_entry *e = &dev->events[dev->ev_head].e;
		uint32_t n = emu_qlen(pf->eq_len);
		struct svnic_eq_entry *slot;
		uint64_t base = ((uint64_t)pf->eq_base_hi << 32) | pf->eq_base_lo;

		dev->ev_head = (dev->ev_head + 1) % EMU_EVENTS_MAX;
		dev->ev_count--;
		if (!(pf->eq_len & SVNIC_QLEN_ENABLE) || pf->faulted ||
		    ((pf->eq_tail + 1) & (n - 1)) == (pf->eq_head & (n - 1))) {
			lost = true;
			continue;
		}
		slot = dev->ops.dma_ptr(dev->ops_ctx, pf, base + (uint64_t)pf->eq_tail * sizeof(*e),
					sizeof(*e), true);
		if (slot == NULL) {
			uint64_t iova = base + (uint64_t)pf->eq_tail * sizeof(*e);

			pthread_mutex_unlock(&dev->ev_lock);
			emu_func_fault(pf, emu_dma_fault_reason(pf, iova, sizeof(*e), true),
				       SVNIC_EQ_FAULT_NO_QUEUE, iova);
			pthread_mutex_lock(&dev->ev_lock);
			continue;
		}
		memcpy((uint8_t *)slot + 4, (const uint8_t *)e + 4, sizeof(*e) - 4);
		slot->event = e->event;
		__atomic_store_n(&slot->flags, (uint16_t)SVNIC_EQ_F_DONE, __ATOMIC_RELEASE);
		pf->eq_tail = (pf->eq_tail + 1) & (n - 1);
		wrote = true;
	}
	pthread_mutex_unlock(&dev->ev_lock);
	if (lost)
		emu_func_raise(pf, SVNIC_INT_EQ_OVERFLOW);
	if (!wrote)
		return;
	if (!(pf->eq_len & SVNIC_QLEN_EQ_ARM))
		emu_func_raise(pf, SVNIC_INT_EVENT);
	else if (was_empty)
		emu_func_event_fire(pf);
}

/* --- faults --------------------------------------------------------------- */

/*
 * Why a DMA check of @p f failed (spec "DMA isolation and faults"): a write to a
 * range the function mapped read-only is DMA_PERM, anything else DMA_UNMAPPED.
 */
uint32_t
emu_dma_fault_reason(struct emu_func *f, uint64_t iova, uint64_t len, bool write)
{
	struct emu_dev *dev = f->dev;

	if (write && dev->ops.dma_ptr(dev->ops_ctx, f, iova, len, false) != NULL)
		return SVNIC_EQ_FAULT_DMA_PERM;
	return SVNIC_EQ_FAULT_DMA_UNMAPPED;
}

void
emu_func_fault(struct emu_func *f, uint32_t reason, uint32_t queue, uint64_t iova)
{
	char name[16];

	if (__atomic_exchange_n(&f->faulted, true, __ATOMIC_SEQ_CST))
		return;
	__atomic_or_fetch(&f->dev_status, SVNIC_STATUS_FAULTED, __ATOMIC_RELAXED);
	SVNIC_EMU_LOG(WARNING, "%s faulted: reason %u, queue 0x%x, iova 0x%llx; "
		      "its queues are stopped until it is reset", emu_func_name(f, name,
		      sizeof(name)), reason, queue, (unsigned long long)iova);
	/* The datapath may call us; interrupts and events are thread-safe. */
	emu_func_raise(f, SVNIC_INT_FAULT);
	emu_dev_post_event(f->dev, SVNIC_EQ_EV_FAULT, f->is_vf ? f->vf_id : SVNIC_EQ_FUNC_PF,
			   reason, queue, iova);
}

/* --- mailbox -------------------------------------------------------------- */

static uint32_t
emu_mbx_status(const struct emu_func *f)
{
	return (f->mbx.tx_busy ? SVNIC_MBX_ST_TX_BUSY : 0) |
	       (f->dev->mbx_shared_tx ? SVNIC_MBX_ST_SHARED_TX : 0) |
	       (f->mbx.rx_seq ? SVNIC_MBX_ST_RX_SEQ : 0) |
	       (f->mbx.rx_valid ? SVNIC_MBX_ST_RX_VALID |
		((uint32_t)f->mbx.rx_len << SVNIC_MBX_ST_RX_LEN_SHIFT) : 0);
}

/*
 * After every change of a VF's mailbox state: MBX_STATUS into the notify
 * page (spec "Notify page"). Release: a VF that sees RX_VALID there sees the
 * RX window's bytes, written before.
 */
static void
emu_mbx_mirror(struct emu_func *vf)
{
	__atomic_store_n((uint32_t *)(vf->bar0 + SVNIC_NOTIFY_MBX_STATUS), emu_mbx_status(vf),
			 __ATOMIC_RELEASE);
}

/* The device places @p msg in a VF's RX window (MBX_SEND, RESET_NOTICE). */
static void
emu_mbx_deliver(struct emu_func *vf, const void *msg, uint16_t len, uint32_t extra_cause)
{
	memcpy(vf->bar0 + SVNIC_VF_MBX_RX_WIN, msg, len);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	vf->mbx.rx_valid = true;
	vf->mbx.rx_len = len;
	vf->mbx.rx_seq = !vf->mbx.rx_seq;
	emu_mbx_mirror(vf);
	emu_func_raise(vf, SVNIC_INT_MBX_RX | extra_cause);
}

static void
emu_mbx_reset_notice(struct emu_func *vf, uint32_t reason)
{
	uint8_t msg[sizeof(struct svnic_mbx_hdr) + sizeof(struct svnic_mbx_reset_notice)];
	struct svnic_mbx_reset_notice n = { .reason = reason };
	size_t len;

	len = svnic_mbx_build(msg, sizeof(msg), SVNIC_MBX_OP_RESET_NOTICE, SVNIC_MBX_F_NOTICE,
			      0, 0, &n, sizeof(n));
	emu_mbx_deliver(vf, msg, (uint16_t)len, SVNIC_INT_RESET);
}

int
emu_mbx_send_to_vf(struct emu_dev *dev, uint16_t vf_id, const void *msg, uint16_t len)
{
	struct emu_func *vf = emu_dev_vf(dev, vf_id);

	if (vf == NULL)
		return -ENOENT;
	if (vf->mbx.rx_valid)
		return -EAGAIN;
	emu_mbx_deliver(vf, msg, len, 0);
	return 0;
}

int
emu_mbx_recv_from_vf(struct emu_dev *dev, uint16_t vf_id, void *buf, uint32_t cap,
		     uint32_t *len)
{
	struct emu_func *vf = emu_dev_vf(dev, vf_id);

	if (vf == NULL)
		return -ENOENT;
	if (!vf->mbx.tx_busy)
		return -ENOENT;
	if (cap < vf->mbx.tx_len)
		return -EMSGSIZE;
	memcpy(buf, vf->mbx.tx_msg, vf->mbx.tx_len);
	*len = vf->mbx.tx_len;
	vf->mbx.tx_busy = false;
	emu_mbx_mirror(vf);
	emu_func_raise(vf, SVNIC_INT_MBX_TX_DONE);
	return 0;
}

/* --- queues ----------------------------------------------------------------- */

void
emu_queue_disable(struct emu_queue *q)
{
	q->enabled = false;
	q->armed = false;
	q->pending = false;
	q->head = 0;
}

static void
emu_func_queues_disable(struct emu_func *f, bool clear_stats)
{
	struct emu_dev *dev = f->dev;
	uint16_t i;

	for (i = 0; i < dev->cfg.total_queue_pairs; i++) {
		struct emu_queue *qs[2] = { &dev->rxq[i], &dev->txq[i] };
		unsigned int k;

		for (k = 0; k < 2; k++) {
			if (qs[k]->owner != f)
				continue;
			emu_queue_disable(qs[k]);
			if (clear_stats)
				qs[k]->packets = qs[k]->bytes = qs[k]->dropped = qs[k]->errors = 0;
		}
	}
}

/* --- page 0 ----------------------------------------------------------------- */

static void
emu_func_page0_reset(struct emu_func *f)
{
	f->dev_ctrl = 0;
	f->dev_status = SVNIC_RST_DEV_STATUS;
	if (f->is_vf && f->vport != EMU_NO_VPORT)
		f->dev_status |= SVNIC_STATUS_VPORT;
	f->int_cause = 0;
	f->int_mask = f->is_vf ? SVNIC_RST_INT_MASK_VF : SVNIC_RST_INT_MASK_PF;
	f->int_vector = 0;
	f->aq_base_lo = f->aq_base_hi = f->aq_len = f->aq_head = f->aq_tail = 0;
	f->eq_base_lo = f->eq_base_hi = f->eq_len = f->eq_head = f->eq_tail = 0;
	f->faulted = false;
	{
		/* RX_SEQ survives: a driver that posted its last ack must see the next one new */
		bool rx_seq = f->mbx.rx_seq;

		memset(&f->mbx, 0, sizeof(f->mbx));
		f->mbx.rx_seq = rx_seq;
	}
	/* notify page, doorbells and mailbox windows: everything past page 0 */
	memset(f->bar0 + SVNIC_REG_NOTIFY_PAGE, 0, f->bar0_size - SVNIC_REG_NOTIFY_PAGE);
	if (f->is_vf)
		emu_mbx_mirror(f);
	memset(f->msix_pba, 0, sizeof(f->msix_pba));
}

static uint32_t
emu_func_resources(const struct emu_func *f)
{
	uint32_t qp = f->is_vf ? f->nb_qp : f->dev->cfg.total_queue_pairs;

	return (qp << SVNIC_RES_NUM_QP_SHIFT) |
	       ((uint32_t)f->nb_vectors << SVNIC_RES_NUM_VEC_SHIFT);
}

static uint32_t
emu_reg_read(struct emu_func *f, uint32_t off)
{
	struct emu_dev *dev = f->dev;
	bool pf = !f->is_vf;

	switch (off) {
	case SVNIC_REG_SIGNATURE: return SVNIC_SIGNATURE;
	case SVNIC_REG_VERSION: return SVNIC_SPEC_VERSION;
	case SVNIC_REG_FUNC: return f->is_vf ? (SVNIC_FUNC_IS_VF | f->vf_id) : 0;
	case SVNIC_REG_RESOURCES: return emu_func_resources(f);
	case SVNIC_REG_DEV_CTRL: return f->dev_ctrl;
	case SVNIC_REG_DEV_STATUS: return __atomic_load_n(&f->dev_status, __ATOMIC_RELAXED);
	case SVNIC_REG_LINK_STATUS:
		return dev->link_up ? (SVNIC_LINK_UP | SVNIC_LINK_FULL_DUPLEX) : 0;
	case SVNIC_REG_LINK_SPEED: return dev->link_up ? dev->cfg.link_speed : 0;
	case SVNIC_REG_INT_CAUSE: return f->int_cause;
	case SVNIC_REG_INT_MASK: return f->int_mask;
	case SVNIC_REG_INT_VECTOR: return f->int_vector;
	case SVNIC_REG_AQ_BASE_LO: return pf ? f->aq_base_lo : 0;
	case SVNIC_REG_AQ_BASE_HI: return pf ? f->aq_base_hi : 0;
	case SVNIC_REG_AQ_LEN: return pf ? f->aq_len : 0;
	case SVNIC_REG_AQ_HEAD: return pf ? f->aq_head : 0;
	case SVNIC_REG_AQ_TAIL: return pf ? f->aq_tail : 0;
	case SVNIC_REG_EQ_BASE_LO: return pf ? f->eq_base_lo : 0;
	case SVNIC_REG_EQ_BASE_HI: return pf ? f->eq_base_hi : 0;
	case SVNIC_REG_EQ_LEN: return pf ? f->eq_len : 0;
	case SVNIC_REG_EQ_HEAD: return pf ? f->eq_head : 0;
	case SVNIC_REG_EQ_TAIL: return pf ? f->eq_tail : 0;
	case SVNIC_REG_MBX_STATUS:
		return pf ? 0 : emu_mbx_status(f);
	case SVNIC_REG_MBX_CTRL:
		return pf && dev->mbx_shared_tx ? SVNIC_MBX_CTRL_SHARED_TX : 0;
	default:
		break;
	}
	if (pf && off >= SVNIC_REG_VF_FAULTED(0) &&
	    off < SVNIC_REG_VF_FAULTED(SVNIC_REG_VF_FAULTED_WORDS)) {
		uint32_t w = (off - SVNIC_REG_VF_FAULTED(0)) / 4, v = 0, b;

		for (b = 0; b < 32; b++) {
			struct emu_func *vf = emu_dev_vf(dev, (uint16_t)(w * 32 + b));

			if (vf != NULL && vf->faulted)
				v |= 1u << b;
		}
		return v;
	}
	return 0;
}

/* Queue length registers: power of two in range and an aligned base, or off. */
static uint32_t
emu_ring_enable(uint32_t lo, uint32_t hi, uint32_t val)
{
	uint32_t n = emu_qlen(val);
	uint64_t base = ((uint64_t)hi << 32) | lo;

	if (!(val & SVNIC_QLEN_ENABLE))
		return n;
	if (n < SVNIC_QLEN_MIN || n > SVNIC_QLEN_MAX || (n & (n - 1)) != 0 ||
	    (base % 64) != 0 || base == 0)
		return n;
	return n | SVNIC_QLEN_ENABLE;
}

static void
emu_reg_write(struct emu_func *f, uint32_t off, uint32_t val)
{
	struct emu_dev *dev = f->dev;
	bool pf = !f->is_vf;

	switch (off) {
	case SVNIC_REG_DEV_CTRL:
		if (val & SVNIC_CTRL_RESET) {
			emu_func_reset(f, f->is_vf ? SVNIC_EQ_VF_RESET_CTRL : 0);
			return;
		}
		f->dev_ctrl = val & SVNIC_CTRL_DRV_LOAD;
		return;
	case SVNIC_REG_INT_CAUSE:
		__atomic_fetch_and(&f->int_cause, ~val, __ATOMIC_SEQ_CST);
		emu_func_cause_mirror(f);
		return;
	case SVNIC_REG_INT_MASK: {
		uint32_t before = f->int_cause & ~f->int_mask;

		f->int_mask = val & (pf ? SVNIC_INT_PF_MASK : SVNIC_INT_VF_MASK);
		if (before == 0 && (f->int_cause & ~f->int_mask) != 0)
			emu_func_msix_fire(f, (uint16_t)(f->int_vector & SVNIC_INT_VECTOR_MASK));
		return;
	}
	case SVNIC_REG_INT_VECTOR:
		f->int_vector = val & SVNIC_INT_VECTOR_MASK;
		return;
	case SVNIC_REG_KICK:
		emu_dev_wake_datapath(dev);
		return;
	case SVNIC_REG_QINT_ARM: {
		uint16_t q = (uint16_t)(val & SVNIC_QINT_ARM_QUEUE_MASK);
		struct emu_queue *qq;

		if (f->is_vf) {
			if (q >= f->nb_qp)
				return;
			q = (uint16_t)(q + f->qp_base);
		} else if (q >= dev->cfg.total_queue_pairs) {
			return;
		}
		qq = (val & SVNIC_QINT_ARM_TX) ? &dev->txq[q] : &dev->rxq[q];
		if (qq->owner != f || !qq->irq)
			return;
		/* store-then-check on both sides (emu_datapath.c): one of them fires */
		__atomic_store_n(&qq->armed, true, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&qq->pending, __ATOMIC_SEQ_CST) &&
		    __atomic_exchange_n(&qq->armed, false, __ATOMIC_SEQ_CST)) {
			__atomic_store_n(&qq->pending, false, __ATOMIC_SEQ_CST);
			emu_func_msix_fire(f, qq->irq_vector);
		}
		emu_dev_wake_datapath(dev);
		return;
	}
	default:
		break;
	}
	if (pf) {
		switch (off) {
		case SVNIC_REG_AQ_BASE_LO: f->aq_base_lo = val; return;
		case SVNIC_REG_AQ_BASE_HI: f->aq_base_hi = val; return;
		case SVNIC_REG_AQ_LEN:
			f->aq_len = emu_ring_enable(f->aq_base_lo, f->aq_base_hi, val);
			f->aq_head = f->aq_tail = 0;
			return;
		case SVNIC_REG_AQ_TAIL:
			if (!(f->aq_len & SVNIC_QLEN_ENABLE))
				return;
			f->aq_tail = val & (emu_qlen(f->aq_len) - 1);
			emu_adminq_process(f);
			return;
		case SVNIC_REG_EQ_BASE_LO: f->eq_base_lo = val; return;
		case SVNIC_REG_EQ_BASE_HI: f->eq_base_hi = val; return;
		case SVNIC_REG_EQ_LEN:
			f->eq_len = emu_ring_enable(f->eq_base_lo, f->eq_base_hi, val);
			if (f->eq_len & SVNIC_QLEN_ENABLE)
				f->eq_len |= val & SVNIC_QLEN_EQ_ARM;
			f->eq_head = f->eq_tail = 0;
			return;
		case SVNIC_REG_EQ_HEAD:
			if (f->eq_len & SVNIC_QLEN_ENABLE) {
				f->eq_head = val & (emu_qlen(f->eq_len) - 1);
				/*
				 * ARM: the PF gave back less than the ring holds (its
				 * write was posted and more came meanwhile). Before the
				 * flush, which fires by itself for an empty ring.
				 */
				if ((f->eq_len & SVNIC_QLEN_EQ_ARM) && f->eq_head != f->eq_tail)
					emu_func_event_fire(f);
				/* room again: events waiting in the device can go */
				emu_dev_flush_events(dev);
			}
			return;
		case SVNIC_REG_MBX_CTRL:
			/* the mode of every VF's mailbox: only while there are none */
			if (dev->num_vfs == 0)
				dev->mbx_shared_tx = (val & SVNIC_MBX_CTRL_SHARED_TX) != 0;
			return;
		case SVNIC_REG_MBX_DB_ACK:
		case SVNIC_REG_MBX_RX_NOTIFY: {
			struct emu_func *vf = emu_dev_vf(dev, (uint16_t)val);

			if (val > UINT16_MAX || vf == NULL)
				return;
			emu_func_lock_wr(vf);
			if (off == SVNIC_REG_MBX_DB_ACK)
				vf->mbx.db_pending = false;
			else	/* the PF put a message in the VF's window itself */
				emu_func_raise(vf, SVNIC_INT_MBX_RX);
			emu_func_unlock(vf);
			return;
		}
		default:
			break;
		}
	} else {
		switch (off) {
		case SVNIC_REG_MBX_TX: {
			uint32_t len = val & SVNIC_MBX_LEN_MASK;

			if (f->mbx.tx_busy)
				return;	/* the PF has not taken the previous one */
			if (len < sizeof(struct svnic_mbx_hdr) || len > SVNIC_MBX_MSG_MAX) {
				emu_func_fault(f, SVNIC_EQ_FAULT_MBX, SVNIC_EQ_FAULT_NO_QUEUE, len);
				return;
			}
			/*
			 * Shared TX (spec 1.3): only a doorbell. The PF reads the
			 * window itself; one MBX_MSG until it says it looked.
			 */
			if (dev->mbx_shared_tx) {
				if (!f->mbx.db_pending) {
					f->mbx.db_pending = true;
					emu_dev_post_event(dev, SVNIC_EQ_EV_MBX_MSG, f->vf_id, len,
							   SVNIC_EQ_MBX_SHARED, 0);
				}
				return;
			}
			/* A copy: the VF cannot change the message under the PF's feet. */
			memcpy(f->mbx.tx_msg, f->bar0 + SVNIC_VF_MBX_TX_WIN, len);
			f->mbx.tx_len = (uint16_t)len;
			f->mbx.tx_busy = true;
			emu_mbx_mirror(f);
			emu_dev_post_event(dev, SVNIC_EQ_EV_MBX_MSG, f->vf_id, len, 0, 0);
			return;
		}
		case SVNIC_REG_MBX_RX_ACK:
			/*
			 * A posted ack may land after the device put a message of its
			 * own (RESET_NOTICE) over the one it acknowledges: with
			 * SEQ_CHECK it only takes the message it names.
			 */
			if ((val & SVNIC_MBX_ACK_SEQ_CHECK) &&
			    !(val & SVNIC_MBX_ACK_RX_SEQ) != !f->mbx.rx_seq)
				return;
			/* a shared-RX message's, for the PF: none of the device's */
			if (val & SVNIC_MBX_ACK_SHARED)
				return;
			if ((val & SVNIC_MBX_ACK) && f->mbx.rx_valid) {
				f->mbx.rx_valid = false;
				emu_mbx_mirror(f);
				emu_dev_post_event(dev, SVNIC_EQ_EV_MBX_RX_DONE, f->vf_id, 0, 0, 0);
			}
			return;
		default:
			break;
		}
	}
	f->stats_ignored++;
}

int
emu_func_bar0_access(struct emu_func *f, uint64_t off, void *buf, uint32_t len, bool write)
{
	uint32_t v;

	if (off >= f->bar0_size || len > f->bar0_size - off)
		return -EINVAL;
	if (off >= SVNIC_REG_NOTIFY_PAGE) {
		/* the statistics pages are read-only (spec 1.4): the device's to write */
		if (write && !f->is_vf && off < SVNIC_PF_STATS_END &&
		    off + len > SVNIC_PF_STATS_BASE) {
			f->stats_ignored++;
			return 0;
		}
		/* the mmap-able pages, reached through the socket: plain memory */
		if (write)
			memcpy(f->bar0 + off, buf, len);
		else
			memcpy(buf, f->bar0 + off, len);
		return 0;
	}
	/* Page 0: aligned 32-bit accesses only; others read 0 and are dropped. */
	if (len != 4 || (off & 3) != 0) {
		if (!write)
			memset(buf, 0, len);
		f->stats_ignored++;
		return 0;
	}
	if (write) {
		memcpy(&v, buf, 4);
		f->stats_writes++;
		emu_reg_write(f, (uint32_t)off, v);
	} else {
		f->stats_reads++;
		v = emu_reg_read(f, (uint32_t)off);
		memcpy(buf, &v, 4);
	}
	return 0;
}

int
emu_func_msix_access(struct emu_func *f, uint64_t off, void *buf, uint32_t len, bool write)
{
	uint64_t tbl_end = (uint64_t)f->nb_vectors * 16;

	/* the table starts at offset 0 of BAR2 (SVNIC_MSIX_TABLE_OFF) */
	if (off + len <= SVNIC_MSIX_TABLE_OFF + tbl_end) {
		uint8_t *p = &f->msix_table[0][0] + (off - SVNIC_MSIX_TABLE_OFF);

		if (write) {
			memcpy(p, buf, len);
			emu_msix_flush_pending(f);
		} else {
			memcpy(buf, p, len);
		}
		return 0;
	}
	if (off >= SVNIC_MSIX_PBA_OFF && off + len <= SVNIC_MSIX_PBA_OFF + sizeof(f->msix_pba)) {
		if (!write)
			memcpy(buf, (uint8_t *)f->msix_pba + (off - SVNIC_MSIX_PBA_OFF), len);
		return 0;
	}
	if (!write)
		memset(buf, 0, len);
	return 0;
}

int
emu_func_cfg_access(struct emu_func *f, uint64_t off, void *buf, uint32_t len, bool write)
{
	int ret;

	if (off > UINT32_MAX)
		return -EINVAL;
	if (!write)
		return emu_pci_read(f->pci, (uint32_t)off, buf, len);
	ret = emu_pci_write(f->pci, (uint32_t)off, buf, len);
	/* the function mask or an enable may have changed */
	emu_msix_flush_pending(f);
	return ret;
}

/* --- functions ------------------------------------------------------------ */

static int
emu_func_init(struct emu_dev *dev, struct emu_func *f, bool is_vf, uint16_t vf_id)
{
	pthread_rwlockattr_t attr;
	char name[32];

	f->dev = dev;
	f->is_vf = is_vf;
	f->vf_id = vf_id;
	f->vport = EMU_NO_VPORT;
	f->bar0_size = is_vf ? SVNIC_VF_BAR0_SIZE : SVNIC_PF_BAR0_SIZE;
	f->nb_vectors = is_vf ? dev->cfg.vf_msix_vectors : dev->cfg.pf_msix_vectors;
	snprintf(name, sizeof(name), "svnic-%s-bar0", is_vf ? "vf" : "pf");
	f->bar0_fd = memfd_create(name, MFD_CLOEXEC);
	if (f->bar0_fd < 0)
		return -errno;
	if (ftruncate(f->bar0_fd, f->bar0_size) < 0)
		goto err_fd;
	f->bar0 = mmap(NULL, f->bar0_size, PROT_READ | PROT_WRITE, MAP_SHARED, f->bar0_fd, 0);
	if (f->bar0 == MAP_FAILED) {
		f->bar0 = NULL;
		goto err_fd;
	}
	pthread_rwlockattr_init(&attr);
	/* The control thread's writes must not starve behind the datapath's reads. */
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&f->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	emu_func_page0_reset(f);
	return 0;
err_fd:
	close(f->bar0_fd);
	f->bar0_fd = -1;
	return -ENOMEM;
}

static void
emu_func_fini(struct emu_func *f)
{
	if (f->pci != NULL)
		emu_pci_destroy(f->pci);
	f->pci = NULL;
	if (f->bar0 != NULL)
		munmap(f->bar0, f->bar0_size);
	f->bar0 = NULL;
	if (f->bar0_fd >= 0)
		close(f->bar0_fd);
	f->bar0_fd = -1;
	pthread_rwlock_destroy(&f->lock);
}

struct emu_func *
emu_dev_vf(struct emu_dev *dev, uint16_t vf_id)
{
	if (vf_id >= dev->num_vfs)
		return NULL;
	return dev->vfs[vf_id];
}

static void emu_vfs_set(struct emu_dev *dev, uint16_t num_vfs);

/* The VF's own FLR (its config space) */
static void
emu_vf_flr(void *ctx)
{
	struct emu_func *vf = ctx;

	/* through the PF's VF_CONFIG_WRITE it is the PF's own VF_RESET (reason 0) */
	emu_func_reset(vf, vf->dev->vf_cfg_by_pf ? 0 : SVNIC_EQ_VF_RESET_FLR);
}

/* PF FLR: the config space is at power-on already (VF Enable clear, reported). */
static void
emu_pf_flr(void *ctx)
{
	struct emu_func *pf = ctx;

	emu_func_reset(pf, 0);
}

static void
emu_pf_sriov_changed(void *ctx, const struct emu_pci_sriov_state *old,
		     const struct emu_pci_sriov_state *now)
{
	struct emu_func *pf = ctx;
	struct emu_dev *dev = pf->dev;

	__atomic_store_n(&dev->vf_mse, now->vf_mse, __ATOMIC_RELEASE);
	if (old->vf_enable == now->vf_enable)
		return;
	/* VFs are created or destroyed once no function lock is held. */
	dev->vfs_pending = true;
	dev->vfs_pending_num = now->vf_enable ? now->num_vfs : 0;
}

static int
emu_vf_create(struct emu_dev *dev, uint16_t vf_id)
{
	struct emu_pci_vf_desc d = {
		.vf_id = vf_id,
		.msix_vectors = dev->cfg.vf_msix_vectors,
	};
	struct emu_pci_ops ops = { .flr = emu_vf_flr };
	struct emu_func *vf;
	int ret;

	vf = calloc(1, sizeof(*vf));
	if (vf == NULL)
		return -ENOMEM;
	ret = emu_func_init(dev, vf, true, vf_id);
	if (ret < 0) {
		free(vf);
		return ret;
	}
	{
		struct emu_pci_sriov_state st;

		emu_pci_sriov_state(dev->pf.pci, &st);
		d.ari = st.ari;
	}
	vf->pci = emu_pci_create_vf(&d, &ops, vf);
	if (vf->pci == NULL) {
		emu_func_fini(vf);
		free(vf);
		return -ENOMEM;
	}
	dev->vfs[vf_id] = vf;
	return 0;
}

static void
emu_vf_destroy(struct emu_dev *dev, uint16_t vf_id)
{
	struct emu_func *vf = dev->vfs[vf_id];
	uint16_t i;

	if (vf == NULL)
		return;
	emu_func_queues_disable(vf, true);
	for (i = 0; i < dev->cfg.total_queue_pairs; i++) {
		if (dev->rxq[i].owner == vf)
			dev->rxq[i].owner = NULL;
		if (dev->txq[i].owner == vf)
			dev->txq[i].owner = NULL;
	}
	emu_func_fini(vf);
	free(vf);
	dev->vfs[vf_id] = NULL;
}

/*
 * VF Enable edges: VFs appear or disappear as a whole. On 1 -> 0 the VFs'
 * VPorts are deleted as if by VPORT_DELETE (spec "VF Enable and VF MSE"), so no
 * VPort outlives its owner and a new VF n starts without one.
 */
static void
emu_vfs_set(struct emu_dev *dev, uint16_t num_vfs)
{
	uint16_t i;

	if (num_vfs == dev->num_vfs)
		return;
	if (dev->num_vfs != 0) {
		if (dev->ops.vfs_changed != NULL)
			dev->ops.vfs_changed(dev->ops_ctx, 0);
		for (i = 0; i < SVNIC_VPORTS_MAX; i++)
			if (dev->vports[i].used && SVNIC_AQ_FUNC_IS_VF(dev->vports[i].cfg.func))
				emu_vport_delete(dev, i);
		for (i = 0; i < dev->num_vfs; i++)
			emu_vf_destroy(dev, i);
		dev->num_vfs = 0;
	}
	if (num_vfs == 0)
		return;
	for (i = 0; i < num_vfs; i++) {
		if (emu_vf_create(dev, i) < 0) {
			SVNIC_EMU_LOG(ERR, "cannot create vf%u; VFs stay disabled", i);
			while (i-- > 0)
				emu_vf_destroy(dev, i);
			return;
		}
	}
	dev->num_vfs = num_vfs;
	/* a sleeping datapath set SLEEPING in the VFs there were: the new ones' too */
	emu_dev_wake_datapath(dev);
	SVNIC_EMU_LOG(INFO, "VF Enable: %u VFs", num_vfs);
	if (dev->ops.vfs_changed != NULL)
		dev->ops.vfs_changed(dev->ops_ctx, num_vfs);
}

void
emu_dev_housekeeping(struct emu_dev *dev)
{
	uint64_t v;

	if (read(dev->ctrl_wake_fd, &v, sizeof(v)) < 0) {
		/* nothing signalled: a pass costs little anyway */
	}
	if (dev->vfs_pending) {
		dev->vfs_pending = false;
		pthread_rwlock_wrlock(&dev->topo_lock);
		emu_vfs_set(dev, dev->vfs_pending_num);
		pthread_rwlock_unlock(&dev->topo_lock);
	}
	emu_func_lock_wr(&dev->pf);
	emu_dev_flush_events(dev);
	emu_func_unlock(&dev->pf);
}

int
emu_dev_ctrl_fd(const struct emu_dev *dev)
{
	return dev->ctrl_wake_fd;
}

/* A VF reset (spec "Resets"): only that VF; its VPort and filters stay. */
int
emu_vf_reset(struct emu_dev *dev, uint16_t vf_id, uint32_t reason)
{
	struct emu_func *vf = emu_dev_vf(dev, vf_id);

	if (vf == NULL)
		return -ENOENT;
	emu_func_queues_disable(vf, true);
	/* its queues' counters went to 0: so do their shares of the VPort's */
	if (vf->vport != EMU_NO_VPORT)
		emu_vport_stats_publish_locked(dev, vf->vport);
	emu_func_page0_reset(vf);
	/*
	 * VF_RESET (reason 0) and an FLR tell the VF's driver; a VF that wrote
	 * DEV_CTRL.RESET knows, and a disconnected one has no driver to tell.
	 */
	if (reason == 0 || reason == SVNIC_EQ_VF_RESET_FLR)
		emu_mbx_reset_notice(vf, SVNIC_MBX_RESET_OPERATOR);
	if (reason != 0)
		emu_dev_post_event(dev, SVNIC_EQ_EV_VF_RESET, vf_id, reason, 0, 0);
	return 0;
}

/*
 * Reset of a function from its own side: DEV_CTRL.RESET, FLR, or its client
 * leaving. For a VF @p reason is the event reason; for the PF it is ignored.
 */
void
emu_func_reset(struct emu_func *f, uint32_t reason)
{
	struct emu_dev *dev = f->dev;
	uint16_t i;

	if (f->is_vf) {
		emu_vf_reset(dev, f->vf_id, reason);
		return;
	}
	/* PF reset: every VF is reset and told, every VPort and queue goes. */
	dev->mbx_shared_tx = false;	/* before the VFs' status mirrors are rewritten */
	for (i = 0; i < dev->num_vfs; i++) {
		struct emu_func *vf = dev->vfs[i];

		emu_func_lock_wr(vf);
		vf->dev_status |= SVNIC_STATUS_PF_RESET;
		emu_func_queues_disable(vf, true);
		vf->vport = EMU_NO_VPORT;
		vf->nb_qp = 0;
		emu_func_page0_reset(vf);
		emu_mbx_reset_notice(vf, SVNIC_MBX_RESET_PF);
		emu_func_unlock(vf);
	}
	emu_func_queues_disable(f, true);
	pthread_rwlock_wrlock(&dev->sw_lock);
	for (i = 0; i < SVNIC_VPORTS_MAX; i++) {
		if (!dev->vports[i].used)
			continue;
		svnic_sw_vport_reset(dev->sw, i);
		svnic_sw_vport_set_enabled(dev->sw, i, false);
		dev->vports[i].used = false;
		emu_vport_stats_publish(dev, i);
	}
	pthread_rwlock_unlock(&dev->sw_lock);
	for (i = 0; i < dev->cfg.total_queue_pairs; i++)
		dev->rxq[i].owner = dev->txq[i].owner = NULL;
	pthread_mutex_lock(&dev->ev_lock);
	dev->ev_count = 0;
	pthread_mutex_unlock(&dev->ev_lock);
	emu_func_page0_reset(f);
	for (i = 0; i < dev->num_vfs; i++)
		dev->vfs[i]->dev_status &= ~SVNIC_STATUS_PF_RESET;
}

void
emu_func_dma_changed(struct emu_func *f)
{
	/*
	 * Nothing to drop: the device keeps no pointer into guest memory across
	 * two holds of the function's lock (the datapath forgets its DMA window
	 * when it lets go), and the caller holds it for writing while the map
	 * changes.
	 */
	(void)f;
}

void
emu_dev_set_link(struct emu_dev *dev, bool up)
{
	uint16_t i;

	if (dev->link_up == up)
		return;
	dev->link_up = up;
	pthread_rwlock_wrlock(&dev->sw_lock);
	svnic_sw_set_uplink_link(dev->sw, up);
	pthread_rwlock_unlock(&dev->sw_lock);
	emu_func_raise(&dev->pf, SVNIC_INT_LINK);
	emu_dev_post_event(dev, SVNIC_EQ_EV_LINK, SVNIC_EQ_FUNC_PF,
			   up ? (SVNIC_LINK_UP | SVNIC_LINK_FULL_DUPLEX) : 0,
			   up ? dev->cfg.link_speed : 0, 0);
	for (i = 0; i < dev->num_vfs; i++) {
		emu_func_lock_wr(dev->vfs[i]);
		emu_func_raise(dev->vfs[i], SVNIC_INT_LINK);
		emu_func_unlock(dev->vfs[i]);
	}
}

int
emu_dev_set_uplink(struct emu_dev *dev, struct svnic_uplink *ul)
{
	dev->uplink = ul;
	emu_dev_set_link(dev, ul != NULL && svnic_uplink_link_up(ul));
	return 0;
}

int
emu_dev_create(const struct emu_dev_cfg *cfg, const struct emu_dev_ops *ops, void *ctx,
	       struct emu_dev **out)
{
	struct emu_pci_pf_desc pd;
	struct emu_pci_ops pops = { .flr = emu_pf_flr, .sriov_changed = emu_pf_sriov_changed };
	pthread_rwlockattr_t attr;
	struct emu_dev *dev;
	int ret;

	if (cfg->total_vfs == 0 || cfg->total_vfs > SVNIC_TOTAL_VFS_MAX ||
	    cfg->total_queue_pairs == 0 || cfg->total_queue_pairs > SVNIC_QP_MAX ||
	    cfg->pf_msix_vectors == 0 || cfg->pf_msix_vectors > SVNIC_PF_MSIX_MAX ||
	    cfg->vf_msix_vectors == 0 || cfg->vf_msix_vectors > SVNIC_VF_MSIX_MAX ||
	    cfg->datapath_threads == 0 || cfg->datapath_threads > EMU_DP_THREADS_MAX ||
	    ops->dma_ptr == NULL)
		return -EINVAL;
	dev = calloc(1, sizeof(*dev));
	if (dev == NULL)
		return -ENOMEM;
	dev->cfg = *cfg;
	dev->stats_page = !cfg->no_stats_page;
	dev->head_wb = !cfg->no_head_wb;
	dev->ops = *ops;
	dev->ops_ctx = ctx;
	dev->pf.bar0_fd = -1;
	pthread_mutex_init(&dev->ev_lock, NULL);
	pthread_mutex_init(&dev->uplink_lock, NULL);
	pthread_rwlock_init(&dev->sw_lock, NULL);
	/* Datapath passes hold it for reading back to back: the writer must get in. */
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&dev->topo_lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	dev->ctrl_wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	dev->dp_wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (dev->ctrl_wake_fd < 0 || dev->dp_wake_fd < 0) {
		ret = -errno;
		goto err;
	}
	dev->sw = svnic_sw_create((uint16_t)(cfg->total_vfs + 1));
	if (dev->sw == NULL) {
		ret = -ENOMEM;
		goto err;
	}
	dev->nb_dp_threads = cfg->datapath_threads;
	svnic_sw_set_shared(dev->sw, cfg->datapath_threads > 1);
	ret = emu_func_init(dev, &dev->pf, false, 0);
	if (ret < 0)
		goto err;
	memset(&pd, 0, sizeof(pd));
	pd.total_vfs = cfg->total_vfs;
	pd.msix_vectors = cfg->pf_msix_vectors;
	dev->pf.pci = emu_pci_create_pf(&pd, &pops, &dev->pf);
	if (dev->pf.pci == NULL) {
		ret = -errno;
		goto err;
	}
	*out = dev;
	return 0;
err:
	emu_dev_destroy(dev);
	return ret;
}

void
emu_dev_destroy(struct emu_dev *dev)
{
	uint16_t i;

	if (dev == NULL)
		return;
	emu_dev_stop(dev);
	for (i = 0; i < dev->num_vfs; i++)
		emu_vf_destroy(dev, i);
	dev->num_vfs = 0;
	if (dev->pf.bar0 != NULL || dev->pf.pci != NULL)
		emu_func_fini(&dev->pf);
	svnic_sw_destroy(dev->sw);
	if (dev->ctrl_wake_fd >= 0)
		close(dev->ctrl_wake_fd);
	if (dev->dp_wake_fd >= 0)
		close(dev->dp_wake_fd);
	pthread_rwlock_destroy(&dev->sw_lock);
	pthread_rwlock_destroy(&dev->topo_lock);
	pthread_mutex_destroy(&dev->uplink_lock);
	pthread_mutex_destroy(&dev->ev_lock);
	free(dev);
}
