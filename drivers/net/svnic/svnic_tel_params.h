/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_TEL_PARAMS_H
#define SVNIC_TEL_PARAMS_H

/*
 * The parameters of the /svnic/... telemetry commands, as a client of DPDK's
 * telemetry socket sends them: "<port>" or "<port>,<vf>", plain decimals
 * without sign, spaces or leading zeros. No DPDK in here, so the decoder has a
 * fuzz target of its own (test/fuzz/fuzz_svnic_tel_params.c).
 */

#include <stdint.h>

/**
 * Decode @p params into @p n (1 or 2) ids, the first at most @p max0, the
 * second at most @p max1 (@p id1 may be NULL when @p n is 1).
 * @return 0, or -EINVAL (NULL, wrong count, not a canonical decimal, too
 *   large); the ids are untouched then.
 */
int svnic_tel_parse_ids(const char *params, unsigned int n, unsigned long max0,
			unsigned long max1, uint16_t *id0, uint16_t *id1);

#endif /* SVNIC_TEL_PARAMS_H */
