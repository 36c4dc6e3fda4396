/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the PF reads from the device for its statistics pages (spec 1.4): an
 * IDENTIFY structure (dev_caps) and a VPort's block in BAR0. The first 128
 * bytes are the IDENTIFY, the next 192 the block. The decoder of the first
 * must only say "use the pages" for a device of this major, 1.4 or later,
 * with the bit and no VPort past the pages; the reader of the second must
 * hand back the block's counters when seq is even and refuse an odd one.
 */
#include <errno.h>
#include <string.h>

#include "svnic_adminq.h"
#include "svnic_stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svnic_aq_identify id;
	struct svnic_stats_vport b;
	struct svnic_aq_vport_stats out;
	int ret;

	if (size < sizeof(id))
		return 0;
	memcpy(&id, data, sizeof(id));
	if (svnic_aq_identify_stats_page(&id)) {
		FUZZ_CHECK((id.version >> 16) == SVNIC_SPEC_VERSION_MAJOR);
		FUZZ_CHECK((id.version & 0xffff) >= SVNIC_SPEC_MINOR_STATS_PAGE);
		FUZZ_CHECK(id.dev_caps & SVNIC_DEVCAP_STATS_PAGE);
		FUZZ_CHECK(id.max_vports <= SVNIC_VPORTS_MAX);
		FUZZ_CHECK(SVNIC_PF_STATS_VPORT(id.max_vports) <= SVNIC_PF_STATS_END);
	}
	if (size < sizeof(id) + sizeof(b))
		return 0;
	memcpy(&b, data + sizeof(id), sizeof(b));
	memset(&out, 0xa5, sizeof(out));
	ret = svnic_stats_vport_read(&b, &out);
	FUZZ_CHECK(ret == 0 || ret == -EAGAIN);
	/* nobody writes the block here: its parity alone decides */
	FUZZ_CHECK((ret == 0) == ((b.seq & 1u) == 0));
	if (ret == 0)
		FUZZ_CHECK(memcmp(&out, &b.c, sizeof(out)) == 0);
	return 0;
}
