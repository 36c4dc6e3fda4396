/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdarg.h>
#include <stdio.h>

#include "sriov_log.h"

static sriov_log_fn sriov_log_handler;
static void *sriov_log_ctx;

void
sriov_log_set_handler(sriov_log_fn fn, void *ctx)
{
	sriov_log_handler = fn;
	sriov_log_ctx = ctx;
}

void
sriov_log(enum sriov_log_level level, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (sriov_log_handler == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sriov_log_handler(level, msg, sriov_log_ctx);
}
