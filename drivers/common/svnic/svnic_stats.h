/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_STATS_H
#define SVNIC_STATS_H

/*
 * The PF's statistics pages (doc/device-spec.rst "Statistics pages", since
 * spec 1.4, IDENTIFY dev_caps SVNIC_DEVCAP_STATS_PAGE): one block a VPort at
 * SVNIC_PF_STATS_VPORT(vport_id) in the PF's BAR0, holding exactly what
 * GET_STATS of scope VPORT returns, kept current by the device as it counts.
 *
 * A block is a sequence lock: the device makes seq odd, stores the counters,
 * makes it even again (release); a reader copies the counters between two
 * equal even loads of seq. Each counter is an aligned 64-bit store, so a
 * reader never sees half of one (x86-64, Arm v8); seq makes the sixteen a
 * snapshot, as one GET_STATS is. The device may have several writers (one per
 * datapath thread): they take seq from even to odd with a compare-and-swap.
 */

#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "svnic_adminq.h"
#include "svnic_regs.h"

struct svnic_stats_vport {
	uint32_t seq;				/* even: stable; odd: being written */
	uint32_t rsvd0;
	struct svnic_aq_vport_stats c;		/* GET_STATS's, as it would return now */
	uint8_t rsvd1[56];
};
static_assert(sizeof(struct svnic_stats_vport) == SVNIC_STATS_VPORT_SIZE, "");
static_assert(offsetof(struct svnic_stats_vport, c) == 8, "");

#define SVNIC_STATS_NB_COUNTERS	(sizeof(struct svnic_aq_vport_stats) / sizeof(uint64_t))
/*
 * A reader gives up after this many looks at an odd or moving seq (a writer
 * preempted in the middle of its block) and asks GET_STATS instead.
 */
#define SVNIC_STATS_READ_TRIES	256u

/*
 * Copy a VPort's counters out of its block. @return 0, or -EAGAIN when no
 * stable snapshot came in SVNIC_STATS_READ_TRIES looks.
 */
static inline int
svnic_stats_vport_read(const struct svnic_stats_vport *b, struct svnic_aq_vport_stats *out)
{
	const uint64_t *src = (const uint64_t *)&b->c;
	uint64_t *dst = (uint64_t *)out;
	unsigned int tries, i;
	uint32_t s1, s2;

	for (tries = 0; tries < SVNIC_STATS_READ_TRIES; tries++) {
		s1 = __atomic_load_n(&b->seq, __ATOMIC_ACQUIRE);
		if (s1 & 1u)
			continue;
		for (i = 0; i < SVNIC_STATS_NB_COUNTERS; i++)
			dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
		/* the counter loads complete before seq is looked at again */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&b->seq, __ATOMIC_RELAXED);
		if (s1 == s2)
			return 0;
	}
	return -EAGAIN;
}

/* Device side: take the block (seq odd). Writers of one block exclude each other here. */
static inline uint32_t
svnic_stats_vport_write_begin(struct svnic_stats_vport *b)
{
	uint32_t s = __atomic_load_n(&b->seq, __ATOMIC_RELAXED);

	for (;;) {
		if ((s & 1u) == 0 &&
		    __atomic_compare_exchange_n(&b->seq, &s, s + 1u, false, __ATOMIC_ACQ_REL,
						__ATOMIC_RELAXED))
			break;
		s = __atomic_load_n(&b->seq, __ATOMIC_RELAXED);
	}
	/* odd seq is seen before any counter store */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	return s + 1u;
}

/* Device side: store the counters and give the block back (seq even, release). */
static inline void
svnic_stats_vport_write_end(struct svnic_stats_vport *b, uint32_t seq,
			    const struct svnic_aq_vport_stats *vs)
{
	const uint64_t *src = (const uint64_t *)vs;
	uint64_t *dst = (uint64_t *)&b->c;
	unsigned int i;

	for (i = 0; i < SVNIC_STATS_NB_COUNTERS; i++)
		__atomic_store_n(&dst[i], src[i], __ATOMIC_RELAXED);
	__atomic_store_n(&b->seq, seq + 1u, __ATOMIC_RELEASE);
}

#endif /* SVNIC_STATS_H */
