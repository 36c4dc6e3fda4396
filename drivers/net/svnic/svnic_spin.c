/* SPDX-License-Identifier: BSD-3-Clause */
/* The control thread's busy-poll window and its pauses (svnic_spin.h). */
#include <string.h>

#include "svnic_spin.h"

void
svnic_spin_init(struct svnic_spin *sp, uint64_t window_ns)
{
	memset(sp, 0, sizeof(*sp));
	sp->window_ns = window_ns;
}

static void
svnic_spin_hold(struct svnic_spin *sp, uint64_t now)
{
	sp->hold_end = now + SVNIC_SPIN_HOLD_NS;
	sp->end = 0;
	sp->misses = 0;
	sp->opened = false;
	sp->holds++;
}

void
svnic_spin_looked(struct svnic_spin *sp, bool spin, uint64_t now)
{
	if (spin && now - sp->last_end > SVNIC_SPIN_STALL_NS)
		svnic_spin_hold(sp, now);
}

void
svnic_spin_pass_end(struct svnic_spin *sp, bool spin, bool work, uint64_t now)
{
	sp->last_end = now;
	if (sp->window_ns == 0 || !work)
		return;
	if (spin)
		sp->misses = 0;		/* it came while we looked: the window paid */
	else if (sp->opened && ++sp->misses >= SVNIC_SPIN_MISSES)
		svnic_spin_hold(sp, now);
	sp->opened = false;
	if (now >= sp->hold_end) {
		sp->end = now + sp->window_ns;
		sp->opened = true;
	}
}
