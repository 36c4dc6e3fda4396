/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_SPIN_H
#define SVNIC_SPIN_H

/*
 * When the PF's control thread busy polls (devarg busy_poll): the window
 * after work in which it looks again without sleeping, and the pauses that
 * keep it from spinning where that does not pay. DPDK-free, on the caller's
 * clock (nanoseconds), so that the policy is tested on its own.
 *
 * Spinning pays only when the next request comes while the thread spins,
 * which needs the requester to have a CPU of its own. On the requester's CPU
 * the spinner keeps it from running until the window closes; and when the
 * CPUs have more runnable threads than they can run, a spinner waits for its
 * turn like any other, where a sleeper woken by the request would be run at
 * once. So busy polling stops for SVNIC_SPIN_HOLD_NS after SVNIC_SPIN_MISSES
 * windows in a row closed before the next work came, or after a look that
 * ended SVNIC_SPIN_STALL_NS after the previous pass did (the thread was
 * preempted while spinning).
 */

#include <stdbool.h>
#include <stdint.h>

#define SVNIC_SPIN_STALL_NS	200000ull
#define SVNIC_SPIN_HOLD_NS	100000000ull
#define SVNIC_SPIN_MISSES	4u

struct svnic_spin {
	uint64_t window_ns;	/* 0: never spin */
	uint64_t end;		/* look again without sleeping until then */
	uint64_t hold_end;	/* no window before then */
	uint64_t last_end;	/* when the last pass ended */
	unsigned int misses;	/* windows in a row that closed before the next work */
	bool opened;		/* a window was opened since the last work */
	uint64_t holds;		/* pauses so far */
};

void svnic_spin_init(struct svnic_spin *sp, uint64_t window_ns);

/** Whether a pass starting at @p now looks without sleeping. */
static inline bool
svnic_spin_active(const struct svnic_spin *sp, uint64_t now)
{
	return now < sp->end;
}

/** After the look of a pass that @p spin (svnic_spin_active() at its start). */
void svnic_spin_looked(struct svnic_spin *sp, bool spin, uint64_t now);

/** At the end of a pass that @p spin, and found @p work (or not). */
void svnic_spin_pass_end(struct svnic_spin *sp, bool spin, bool work, uint64_t now);

#endif /* SVNIC_SPIN_H */
