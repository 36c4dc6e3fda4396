/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * svnic-ctl lspci decodes a config space that any vfio-user server sends: the
 * decoder must survive every byte pattern (loops, pointers outside, truncation)
 * and never read past what it was given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lspci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svnic_lspci_dev dev;
	static FILE *sink;
	uint8_t *cfg;

	if (sink == NULL)
		sink = fopen("/dev/null", "w");
	if (sink == NULL)
		return 0;
	memset(&dev, 0, sizeof(dev));
	/* Exactly the bytes given, in a buffer of that size: ASan sees any overread. */
	dev.cfg_len = size < 4096 ? (uint32_t)size : 4096;
	cfg = malloc(4096);
	if (cfg == NULL)
		return 0;
	memset(cfg, 0xa5, 4096);
	memcpy(cfg, data, dev.cfg_len);
	svnic_lspci_print(cfg, &dev, sink);
	free(cfg);
	return 0;
}
