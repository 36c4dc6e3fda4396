/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The parameters of net_svnic's telemetry commands (svnic_tel_params.c), as
 * any client of DPDK's telemetry socket may send them. The first byte picks
 * one or two ids and the limits; the rest is the string. An accepted string
 * must be exactly the canonical form of what it decoded to, within the
 * limits; a refused one must leave the ids alone.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svnic_tel_params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned long limits[] = { 0, 1, 31, 255, 1023, 65535, 70000 };
	unsigned int n, sel;
	unsigned long max0, max1;
	uint16_t id0 = 0xdead, id1 = 0xbeef;
	char canon[32];
	char *s;
	int ret;

	if (size < 1)
		return 0;
	sel = data[0];
	n = (sel & 1) + 1;
	max0 = limits[(sel >> 1) % 7];
	max1 = limits[(sel >> 4) % 7];
	s = malloc(size);
	if (s == NULL)
		abort();
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	ret = svnic_tel_parse_ids(s, n, max0, max1, &id0, n == 2 ? &id1 : NULL);
	if (ret == 0) {
		if (n == 1)
			snprintf(canon, sizeof(canon), "%u", id0);
		else
			snprintf(canon, sizeof(canon), "%u,%u", id0, id1);
		if (strcmp(canon, s) != 0 || id0 > max0 || (n == 2 && id1 > max1) ||
		    max0 > UINT16_MAX || (n == 2 && max1 > UINT16_MAX))
			abort();
		if (n == 1 && id1 != 0xbeef)
			abort();
	} else if (ret != -22 || id0 != 0xdead || id1 != 0xbeef) {
		abort();
	}
	free(s);
	return 0;
}
