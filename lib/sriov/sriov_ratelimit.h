/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SRIOV_RATELIMIT_H
#define SRIOV_RATELIMIT_H

/*
 * Per-VF token bucket for mailbox requests, with a strike count: every request
 * over the rate and every malformed request is a strike, and a VF that collects
 * strike_limit strikes inside one strike window is reported for quarantine.
 * Time is passed in (nanoseconds, any monotonic origin) so tests are exact.
 */

#include <stdbool.h>
#include <stdint.h>

#define SRIOV_RL_DEFAULT_RATE		2000	/* requests per second */
#define SRIOV_RL_DEFAULT_BURST		256
#define SRIOV_RL_DEFAULT_STRIKES	64
#define SRIOV_RL_STRIKE_WINDOW_NS	10000000000ull	/* 10 s */

struct sriov_ratelimit {
	uint32_t rate;		/* tokens per second, >= 1 */
	uint32_t burst;		/* bucket depth, >= 1 */
	uint32_t strike_limit;	/* strikes that make a quarantine, >= 1 */
	uint32_t strikes;
	uint64_t tokens_ns;	/* tokens scaled by 1e9 */
	uint64_t last_ns;	/* last refill */
	uint64_t last_strike_ns;
	uint64_t dropped;	/* requests refused for rate, ever */
};

/** Full bucket, no strikes. Zero arguments take the defaults. */
void sriov_ratelimit_init(struct sriov_ratelimit *rl, uint32_t rate, uint32_t burst,
			  uint32_t strike_limit, uint64_t now_ns);

/** Refill for the time passed and take one token. @return false when empty. */
bool sriov_ratelimit_take(struct sriov_ratelimit *rl, uint64_t now_ns);

/** Record a strike. @return true when the limit is reached (quarantine). */
bool sriov_ratelimit_strike(struct sriov_ratelimit *rl, uint64_t now_ns);

/** Forget the previous guest: full bucket, no strikes (keeps rate settings). */
void sriov_ratelimit_reset(struct sriov_ratelimit *rl, uint64_t now_ns);

#endif /* SRIOV_RATELIMIT_H */
