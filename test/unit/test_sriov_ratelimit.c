/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdint.h>

#include "sriov_ratelimit.h"
#include "unit.h"

#define MS 1000000ull
#define S 1000000000ull

static void
test_rl_defaults(void)
{
	struct sriov_ratelimit rl;

	sriov_ratelimit_init(&rl, 0, 0, 0, 0);
	CU_ASSERT_EQUAL(rl.rate, SRIOV_RL_DEFAULT_RATE);
	CU_ASSERT_EQUAL(rl.burst, SRIOV_RL_DEFAULT_BURST);
	CU_ASSERT_EQUAL(rl.strike_limit, SRIOV_RL_DEFAULT_STRIKES);
	CU_ASSERT_EQUAL(rl.strikes, 0);
}

/* A burst passes, the next request at the same instant does not. */
static void
test_rl_burst_then_empty(void)
{
	struct sriov_ratelimit rl;
	int i;

	sriov_ratelimit_init(&rl, 100, 10, 5, 1000);
	for (i = 0; i < 10; i++)
		CU_ASSERT_TRUE(sriov_ratelimit_take(&rl, 1000));
	CU_ASSERT_FALSE(sriov_ratelimit_take(&rl, 1000));
	CU_ASSERT_EQUAL(rl.dropped, 1);
}

/* 100/s: one token every 10 ms, never more than the burst. */
static void
test_rl_refill_rate(void)
{
	struct sriov_ratelimit rl;
	uint64_t t = 0;
	int i, ok = 0;

	sriov_ratelimit_init(&rl, 100, 10, 5, 0);
	for (i = 0; i < 10; i++)
		sriov_ratelimit_take(&rl, 0);
	CU_ASSERT_FALSE(sriov_ratelimit_take(&rl, 9 * MS));
	CU_ASSERT_TRUE(sriov_ratelimit_take(&rl, 10 * MS));
	CU_ASSERT_FALSE(sriov_ratelimit_take(&rl, 10 * MS));
	/* one second of steady asking at 1 kHz gets ~100 through */
	for (t = 10 * MS; t < 1010 * MS; t += MS)
		ok += sriov_ratelimit_take(&rl, t);
	CU_ASSERT(ok >= 99 && ok <= 101);
	/* a long quiet time refills to the burst, no more, without overflow */
	for (i = 0, ok = 0; i < 20; i++)
		ok += sriov_ratelimit_take(&rl, UINT64_MAX / 2);
	CU_ASSERT_EQUAL(ok, 10);
}

static void
test_rl_clock_backwards(void)
{
	struct sriov_ratelimit rl;
	int i;

	sriov_ratelimit_init(&rl, 1000, 2, 5, 5 * S);
	for (i = 0; i < 2; i++)
		CU_ASSERT_TRUE(sriov_ratelimit_take(&rl, 5 * S));
	CU_ASSERT_FALSE(sriov_ratelimit_take(&rl, 1 * S));
	CU_ASSERT_FALSE(sriov_ratelimit_take(&rl, 1 * S));
}

static void
test_rl_strikes_window(void)
{
	struct sriov_ratelimit rl;
	int i;

	sriov_ratelimit_init(&rl, 100, 10, 3, 0);
	CU_ASSERT_FALSE(sriov_ratelimit_strike(&rl, 1 * S));
	CU_ASSERT_FALSE(sriov_ratelimit_strike(&rl, 2 * S));
	/* far apart: a new window starts */
	CU_ASSERT_FALSE(sriov_ratelimit_strike(&rl, 2 * S + SRIOV_RL_STRIKE_WINDOW_NS + 1));
	CU_ASSERT_EQUAL(rl.strikes, 1);
	CU_ASSERT_FALSE(sriov_ratelimit_strike(&rl, 13 * S));
	CU_ASSERT_TRUE(sriov_ratelimit_strike(&rl, 13 * S));
	CU_ASSERT_TRUE(sriov_ratelimit_strike(&rl, 13 * S));
	sriov_ratelimit_reset(&rl, 14 * S);
	CU_ASSERT_EQUAL(rl.strikes, 0);
	for (i = 0; i < 10; i++)
		CU_ASSERT_TRUE(sriov_ratelimit_take(&rl, 14 * S));
	CU_ASSERT_EQUAL(rl.rate, 100);
}

static CU_TestInfo rl_tests[] = {
	UNIT_TEST(test_rl_defaults),
	UNIT_TEST(test_rl_burst_then_empty),
	UNIT_TEST(test_rl_refill_rate),
	UNIT_TEST(test_rl_clock_backwards),
	UNIT_TEST(test_rl_strikes_window),
	CU_TEST_INFO_NULL,
};

UNIT_MAIN(UNIT_SUITE("sriov_ratelimit", rl_tests))
