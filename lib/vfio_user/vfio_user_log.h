/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef VFIO_USER_LOG_H
#define VFIO_USER_LOG_H

/*
 * lib/vfio_user never prints: every message goes to a callback installed by
 * the embedding program (the device model forwards to its log, tests capture
 * it). Without a callback messages are dropped.
 */

enum vfio_user_log_level {
	VFIO_USER_LOG_ERR = 1,
	VFIO_USER_LOG_WARNING,
	VFIO_USER_LOG_INFO,
	VFIO_USER_LOG_DEBUG,
};

typedef void (*vfio_user_log_fn)(enum vfio_user_log_level level, const char *msg, void *ctx);

/** Install the log sink for the whole library; NULL silences it. */
void vfio_user_log_set_handler(vfio_user_log_fn fn, void *ctx);

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void vfio_user_log(enum vfio_user_log_level level, const char *fmt, ...);

#define VFIO_USER_LOG(lvl, ...) vfio_user_log(VFIO_USER_LOG_##lvl, __VA_ARGS__)

#endif /* VFIO_USER_LOG_H */
