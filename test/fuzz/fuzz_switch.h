/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef FUZZ_SWITCH_H
#define FUZZ_SWITCH_H

/*
 * The switch the management targets run requests against: four VFs, three
 * of them enabled, two NUMA nodes, so that every request has something to
 * find, refuse or exhaust.
 */

#include "sriov_switch.h"

static inline struct sriov_switch *
fuzz_switch(void)
{
	struct sriov_switch_cfg cfg = {
		.total_vfs = 4, .pf_bus = 1, .first_vf_offset = 1, .vf_stride = 1,
		.total_queue_pairs = 24, .pf_queue_pairs = 4, .max_vectors_per_vf = 4,
		.numa_nodes = 2,
	};
	struct sriov_switch *sw = sriov_switch_create(&cfg);

	if (sw == NULL || sriov_switch_enable(sw, 3) != 0)
		__builtin_trap();
	return sw;
}

#endif /* FUZZ_SWITCH_H */
