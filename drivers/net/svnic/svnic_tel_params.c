/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "svnic_tel_params.h"

/* One canonical decimal of @p len bytes at @p s, at most @p max (<= 65535). */
static int
svnic_tel_parse_uint(const char *s, size_t len, unsigned long max, uint16_t *out)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 5 || (len > 1 && s[0] == '0') || max > UINT16_MAX)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(s[i] - '0');
		if (v > max)
			return -EINVAL;
	}
	*out = (uint16_t)v;
	return 0;
}

int
svnic_tel_parse_ids(const char *params, unsigned int n, unsigned long max0,
		    unsigned long max1, uint16_t *id0, uint16_t *id1)
{
	const char *comma;
	uint16_t a, b = 0;
	size_t len;

	if (params == NULL || id0 == NULL || (n != 1 && n != 2) || (n == 2 && id1 == NULL))
		return -EINVAL;
	comma = strchr(params, ',');
	if ((n == 1) != (comma == NULL))
		return -EINVAL;
	len = comma != NULL ? (size_t)(comma - params) : strlen(params);
	if (svnic_tel_parse_uint(params, len, max0, &a) < 0)
		return -EINVAL;
	if (n == 2 && svnic_tel_parse_uint(comma + 1, strlen(comma + 1), max1, &b) < 0)
		return -EINVAL;
	*id0 = a;
	if (n == 2)
		*id1 = b;
	return 0;
}
