/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdarg.h>
#include <stdio.h>

#include "vfio_user_log.h"

static vfio_user_log_fn vfio_user_log_handler;
static void *vfio_user_log_ctx;

void
vfio_user_log_set_handler(vfio_user_log_fn fn, void *ctx)
{
	vfio_user_log_handler = fn;
	vfio_user_log_ctx = ctx;
}

void
vfio_user_log(enum vfio_user_log_level level, const char *fmt, ...)
{
	vfio_user_log_fn fn = vfio_user_log_handler;
	char msg[256];
	va_list ap;

	if (fn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fn(level, msg, vfio_user_log_ctx);
}
