/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_svnic's device arguments come from the user's command line: whatever the
 * string, the parser answers 0 with a NUL-terminated socket path, or -EINVAL,
 * and never reads or writes past what it was given (ASan watches).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>

#include "svnic_devargs.h"

/* The PMD registers these in svnic_ethdev.c; the fuzzer links the parser alone. */
int svnic_logtype_init;
int svnic_logtype_driver;
int svnic_logtype_rx;
int svnic_logtype_tx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svnic_devargs da;
	char *args;
	int ret;

	if (size > 4096)
		return 0;
	rte_log_set_global_level(RTE_LOG_EMERG);
	args = malloc(size + 1);
	if (args == NULL)
		return 0;
	memcpy(args, data, size);
	args[size] = '\0';
	ret = svnic_devargs_parse("net_svnic0", args, &da);
	if (ret != 0 && ret != -EINVAL)
		__builtin_trap();
	if (ret == 0 && (da.vfio_user[0] == '\0' ||
			 memchr(da.vfio_user, '\0', sizeof(da.vfio_user)) == NULL))
		__builtin_trap();
	free(args);
	return 0;
}
