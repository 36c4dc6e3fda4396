/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdarg.h>
#include <stdio.h>

#include "emu_log.h"

static svnic_emu_log_fn svnic_emu_log_handler;
static void *svnic_emu_log_ctx;

void
svnic_emu_log_set_handler(svnic_emu_log_fn fn, void *ctx)
{
	svnic_emu_log_handler = fn;
	svnic_emu_log_ctx = ctx;
}

void
svnic_emu_log(enum svnic_emu_log_level level, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (svnic_emu_log_handler == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	svnic_emu_log_handler(level, msg, svnic_emu_log_ctx);
}
