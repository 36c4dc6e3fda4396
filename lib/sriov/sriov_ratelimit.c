/* SPDX-License-Identifier: BSD-3-Clause */
#include "sriov_ratelimit.h"

#define NS_PER_S 1000000000ull

void
sriov_ratelimit_init(struct sriov_ratelimit *rl, uint32_t rate, uint32_t burst,
		     uint32_t strike_limit, uint64_t now_ns)
{
	rl->rate = rate != 0 ? rate : SRIOV_RL_DEFAULT_RATE;
	rl->burst = burst != 0 ? burst : SRIOV_RL_DEFAULT_BURST;
	rl->strike_limit = strike_limit != 0 ? strike_limit : SRIOV_RL_DEFAULT_STRIKES;
	rl->dropped = 0;
	sriov_ratelimit_reset(rl, now_ns);
}

void
sriov_ratelimit_reset(struct sriov_ratelimit *rl, uint64_t now_ns)
{
	rl->tokens_ns = (uint64_t)rl->burst * NS_PER_S;
	rl->last_ns = now_ns;
	rl->strikes = 0;
	rl->last_strike_ns = now_ns;
}

bool
sriov_ratelimit_take(struct sriov_ratelimit *rl, uint64_t now_ns)
{
	uint64_t cap = (uint64_t)rl->burst * NS_PER_S;

	/* A clock that steps back refills nothing rather than wrapping. */
	if (now_ns > rl->last_ns) {
		uint64_t elapsed = now_ns - rl->last_ns;
		/* Past a full refill the product could overflow; it is a full bucket. */
		if (elapsed >= cap / rl->rate)
			rl->tokens_ns = cap;
		else
			rl->tokens_ns += elapsed * rl->rate;
		if (rl->tokens_ns > cap)
			rl->tokens_ns = cap;
	}
	rl->last_ns = now_ns;
	if (rl->tokens_ns < NS_PER_S) {
		rl->dropped++;
		return false;
	}
	rl->tokens_ns -= NS_PER_S;
	return true;
}

bool
sriov_ratelimit_strike(struct sriov_ratelimit *rl, uint64_t now_ns)
{
	/* Strikes far apart are noise, not an attack: start a new window. */
	if (now_ns > rl->last_strike_ns &&
	    now_ns - rl->last_strike_ns > SRIOV_RL_STRIKE_WINDOW_NS)
		rl->strikes = 0;
	rl->last_strike_ns = now_ns;
	if (rl->strikes < UINT32_MAX)
		rl->strikes++;
	return rl->strikes >= rl->strike_limit;
}
