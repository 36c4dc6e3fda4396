/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SRIOV_LOG_H
#define SRIOV_LOG_H

/*
 * lib/sriov never prints: it hands each message to a callback that the embedding
 * program installs (the PMD forwards to rte_log, the tests capture). Without a
 * callback messages are dropped.
 */

enum sriov_log_level {
	SRIOV_LOG_ERR = 1,
	SRIOV_LOG_WARNING,
	SRIOV_LOG_INFO,
	SRIOV_LOG_DEBUG,
};

typedef void (*sriov_log_fn)(enum sriov_log_level level, const char *msg, void *ctx);

/** Install the log sink for the whole library; NULL silences it. */
void sriov_log_set_handler(sriov_log_fn fn, void *ctx);

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void sriov_log(enum sriov_log_level level, const char *fmt, ...);

#define SRIOV_LOG(lvl, ...) sriov_log(SRIOV_LOG_##lvl, __VA_ARGS__)

/*
 * Counts events and says whether this one should be logged: the 1st, 2nd, 4th,
 * 8th... so that a peer hammering a rejected path cannot flood the log.
 */
static inline int
sriov_log_ratelimit(unsigned long *counter)
{
	unsigned long n = ++*counter;

	return (n & (n - 1)) == 0;
}

#endif /* SRIOV_LOG_H */
