/* SPDX-License-Identifier: BSD-3-Clause */
/* The PF control thread's busy-poll window and its pauses (svnic_spin.h). */
#include <stdint.h>

#include "svnic_spin.h"
#include "unit.h"

#define US 1000ull
#define MS 1000000ull
#define WINDOW (50 * US)

/* One pass of the control thread at @p t: returns whether it spun. */
static bool
pass(struct svnic_spin *sp, uint64_t t, bool work)
{
	bool spin = svnic_spin_active(sp, t);

	svnic_spin_looked(sp, spin, t + 1 * US);
	svnic_spin_pass_end(sp, spin, work, t + 2 * US);
	return spin;
}

/* busy_poll=0: never a window, whatever the work. */
static void
test_spin_off(void)
{
	struct svnic_spin sp;

	svnic_spin_init(&sp, 0);
	CU_ASSERT_FALSE(pass(&sp, 0, true));
	CU_ASSERT_FALSE(svnic_spin_active(&sp, 3 * US));
	CU_ASSERT_EQUAL(sp.holds, 0);
}

/* Work opens a window of busy_poll after the pass; nothing found, it closes. */
static void
test_spin_window(void)
{
	struct svnic_spin sp;

	svnic_spin_init(&sp, WINDOW);
	CU_ASSERT_FALSE(svnic_spin_active(&sp, 0));
	CU_ASSERT_FALSE(pass(&sp, 0, true));		/* woken: work, window opens */
	CU_ASSERT_TRUE(svnic_spin_active(&sp, 3 * US));
	CU_ASSERT_TRUE(pass(&sp, 3 * US, false));	/* a look that found nothing */
	CU_ASSERT_TRUE(svnic_spin_active(&sp, 2 * US + WINDOW - 1));
	CU_ASSERT_FALSE(svnic_spin_active(&sp, 2 * US + WINDOW));
}

/*
 * Requests back to back, each inside the window the last one opened: the
 * thread never sleeps and never pauses.
 */
static void
test_spin_pays(void)
{
	struct svnic_spin sp;
	uint64_t t = 0;
	int i;

	svnic_spin_init(&sp, WINDOW);
	pass(&sp, t, true);
	for (i = 0; i < 1000; i++) {
		t += 10 * US;
		CU_ASSERT_TRUE_FATAL(pass(&sp, t, true));
	}
	CU_ASSERT_EQUAL(sp.holds, 0);
}

/*
 * Requests 1 ms apart: every window closes before the next; after
 * SVNIC_SPIN_MISSES of them no window opens for SVNIC_SPIN_HOLD_NS, then
 * the thread tries again.
 */
static void
test_spin_misses_pause(void)
{
	struct svnic_spin sp;
	uint64_t t = 0;
	unsigned int i;

	svnic_spin_init(&sp, WINDOW);
	for (i = 0; i < SVNIC_SPIN_MISSES; i++, t += MS) {
		CU_ASSERT_FALSE(pass(&sp, t, true));
		CU_ASSERT_TRUE(svnic_spin_active(&sp, t + 3 * US));
	}
	CU_ASSERT_FALSE(pass(&sp, t, true));		/* the 4th closed window: pause */
	CU_ASSERT_EQUAL(sp.holds, 1);
	CU_ASSERT_FALSE(svnic_spin_active(&sp, t + 3 * US));
	/* a burst during the pause: the thread sleeps between its requests */
	for (i = 0; i < 10; i++)
		CU_ASSERT_FALSE(pass(&sp, t + 10 * US * (i + 1), true));
	CU_ASSERT_FALSE(svnic_spin_active(&sp, t + 200 * US));
	/* the pause over, work opens a window again */
	t += SVNIC_SPIN_HOLD_NS;
	CU_ASSERT_FALSE(pass(&sp, t, true));
	CU_ASSERT_TRUE(svnic_spin_active(&sp, t + 3 * US));
	CU_ASSERT_EQUAL(sp.holds, 1);
}

/* A window that paid between misses starts the count again. */
static void
test_spin_hit_resets_misses(void)
{
	struct svnic_spin sp;
	uint64_t t = 0;
	unsigned int i, round;

	svnic_spin_init(&sp, WINDOW);
	pass(&sp, t, true);
	for (round = 0; round < 5; round++) {
		/* closed windows, one short of a pause */
		for (i = 0; i < SVNIC_SPIN_MISSES - 1; i++) {
			t += MS;
			CU_ASSERT_FALSE(pass(&sp, t, true));
		}
		t += 10 * US;
		CU_ASSERT_TRUE(pass(&sp, t, true));	/* inside the last one */
	}
	CU_ASSERT_EQUAL(sp.holds, 0);
	/* without that one, the count goes on to a pause */
	for (i = 0; i < SVNIC_SPIN_MISSES; i++) {
		t += MS;
		pass(&sp, t, true);
	}
	CU_ASSERT_EQUAL(sp.holds, 1);
}

/* A look that ends long after the previous pass: preempted while spinning. */
static void
test_spin_preempted_pauses(void)
{
	struct svnic_spin sp;
	bool spin;

	svnic_spin_init(&sp, WINDOW);
	pass(&sp, 0, true);
	spin = svnic_spin_active(&sp, 3 * US);
	CU_ASSERT_TRUE(spin);
	svnic_spin_looked(&sp, spin, 2 * US + SVNIC_SPIN_STALL_NS + 1);
	CU_ASSERT_EQUAL(sp.holds, 1);
	svnic_spin_pass_end(&sp, spin, true, 2 * US + SVNIC_SPIN_STALL_NS + 2);
	CU_ASSERT_FALSE(svnic_spin_active(&sp, 2 * US + SVNIC_SPIN_STALL_NS + 3));
	/* a slow look that did not spin (a sleep) is no preemption */
	svnic_spin_init(&sp, WINDOW);
	pass(&sp, 0, true);
	svnic_spin_looked(&sp, false, 10 * MS);
	CU_ASSERT_EQUAL(sp.holds, 0);
}

static CU_TestInfo spin_tests[] = {
	UNIT_TEST(test_spin_off),
	UNIT_TEST(test_spin_window),
	UNIT_TEST(test_spin_pays),
	UNIT_TEST(test_spin_misses_pause),
	UNIT_TEST(test_spin_hit_resets_misses),
	UNIT_TEST(test_spin_preempted_pauses),
	CU_TEST_INFO_NULL,
};

UNIT_MAIN(UNIT_SUITE("svnic_spin", spin_tests))
