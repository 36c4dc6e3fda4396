/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "sriov_vf_fsm.h"
#include "unit.h"

/* The lifecycle of DESIGN.md, written down independently of the table. */
static const struct {
	enum sriov_vf_state from;
	enum sriov_vf_event ev;
	enum sriov_vf_state to;
} allowed[] = {
	{ SRIOV_VF_DISABLED, SRIOV_VF_EV_ENABLE, SRIOV_VF_HW_READY },
	{ SRIOV_VF_HW_READY, SRIOV_VF_EV_DISABLE, SRIOV_VF_DISABLED },
	{ SRIOV_VF_HW_READY, SRIOV_VF_EV_ALLOC, SRIOV_VF_ALLOCATED },
	{ SRIOV_VF_ALLOCATED, SRIOV_VF_EV_FREE, SRIOV_VF_HW_READY },
	{ SRIOV_VF_ALLOCATED, SRIOV_VF_EV_VPORT_CREATE, SRIOV_VF_ATTACHED },
	{ SRIOV_VF_ATTACHED, SRIOV_VF_EV_VPORT_DELETE, SRIOV_VF_ALLOCATED },
	{ SRIOV_VF_ATTACHED, SRIOV_VF_EV_GUEST_UP, SRIOV_VF_ACTIVE },
	{ SRIOV_VF_ATTACHED, SRIOV_VF_EV_RESET, SRIOV_VF_RESETTING },
	{ SRIOV_VF_ATTACHED, SRIOV_VF_EV_OPERATOR_RESET, SRIOV_VF_RESETTING },
	{ SRIOV_VF_ATTACHED, SRIOV_VF_EV_QUARANTINE, SRIOV_VF_QUARANTINED },
	{ SRIOV_VF_ACTIVE, SRIOV_VF_EV_GUEST_DOWN, SRIOV_VF_ATTACHED },
	{ SRIOV_VF_ACTIVE, SRIOV_VF_EV_RESET, SRIOV_VF_RESETTING },
	{ SRIOV_VF_ACTIVE, SRIOV_VF_EV_OPERATOR_RESET, SRIOV_VF_RESETTING },
	{ SRIOV_VF_ACTIVE, SRIOV_VF_EV_QUARANTINE, SRIOV_VF_QUARANTINED },
	{ SRIOV_VF_RESETTING, SRIOV_VF_EV_RESET_DONE, SRIOV_VF_ATTACHED },
	{ SRIOV_VF_QUARANTINED, SRIOV_VF_EV_OPERATOR_RESET, SRIOV_VF_RESETTING },
	/* a quarantined VF's guest may go away; it stays quarantined */
	{ SRIOV_VF_QUARANTINED, SRIOV_VF_EV_GUEST_DOWN, SRIOV_VF_QUARANTINED },
};

static int
expected_next(enum sriov_vf_state st, enum sriov_vf_event ev)
{
	size_t i;

	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (allowed[i].from == st && allowed[i].ev == ev)
			return allowed[i].to;
	return -1;
}

static void
test_fsm_out_of_range(void)
{
	CU_ASSERT_EQUAL(sriov_vf_fsm_next(SRIOV_VF_STATE_MAX, SRIOV_VF_EV_ALLOC), -EINVAL);
	CU_ASSERT_EQUAL(sriov_vf_fsm_next(SRIOV_VF_HW_READY, SRIOV_VF_EVENT_MAX), -EINVAL);
	CU_ASSERT_EQUAL(sriov_vf_fsm_next((enum sriov_vf_state)-1, SRIOV_VF_EV_ALLOC), -EINVAL);
	CU_ASSERT_STRING_EQUAL(sriov_vf_state_name(SRIOV_VF_STATE_MAX), "UNKNOWN");
	CU_ASSERT_STRING_EQUAL(sriov_vf_event_name(SRIOV_VF_EVENT_MAX), "unknown");
}

/* Every (state, event) pair: allowed ones land where the diagram says, every
 * other one is refused with one of the documented reasons. */
static void
test_fsm_every_pair(void)
{
	int st, ev;

	for (st = 0; st < SRIOV_VF_STATE_MAX; st++) {
		for (ev = 0; ev < SRIOV_VF_EVENT_MAX; ev++) {
			int want = expected_next(st, ev);
			int got = sriov_vf_fsm_next(st, ev);

			if (want >= 0) {
				CU_ASSERT_EQUAL(got, want);
				continue;
			}
			CU_ASSERT(got < 0);
			CU_ASSERT(got == -ENODEV || got == -ENOENT || got == -EBUSY ||
				  got == -EALREADY || got == -EEXIST || got == -ENOTCONN ||
				  got == -EPERM || got == -EINVAL);
		}
	}
}

/* The reasons a user reads when something is refused. */
static void
test_fsm_refusal_reasons(void)
{
	CU_ASSERT_EQUAL(sriov_vf_fsm_next(SRIOV_VF_DISABLED, SRIOV_VF_EV_ALLOC), -ENODEV);
	CU_ASSERT_EQUAL(sriov_vf_fsm_next(SRIOV_VF_HW_READY, SRIOV_VF_EV_FREE), -ENOENT);
	CU_ASSERT_EQUAL(sriov_vf_fsm_next(SRIOV_VF_ATTACHED, SRIOV_VF_EV_FREE), -EBUSY);
	CU_ASSERT_EQUAL(sriov_vf_fsm_next(SRIOV_VF_ACTIVE, SRIOV_VF_EV_FREE), -EBUSY);
	CU_ASSERT_EQUAL(sriov_vf_fsm_next(SRIOV_VF_ACTIVE, SRIOV_VF_EV_VPORT_DELETE), -EBUSY);
	CU_ASSERT_EQUAL(sriov_vf_fsm_next(SRIOV_VF_ATTACHED, SRIOV_VF_EV_VPORT_CREATE), -EEXIST);
	CU_ASSERT_EQUAL(sriov_vf_fsm_next(SRIOV_VF_ALLOCATED, SRIOV_VF_EV_GUEST_UP), -ENOTCONN);
	CU_ASSERT_EQUAL(sriov_vf_fsm_next(SRIOV_VF_ALLOCATED, SRIOV_VF_EV_RESET), -ENOTCONN);
	CU_ASSERT_EQUAL(sriov_vf_fsm_next(SRIOV_VF_QUARANTINED, SRIOV_VF_EV_RESET), -EPERM);
	CU_ASSERT_EQUAL(sriov_vf_fsm_next(SRIOV_VF_QUARANTINED, SRIOV_VF_EV_GUEST_UP), -EPERM);
	CU_ASSERT_EQUAL(sriov_vf_fsm_next(SRIOV_VF_QUARANTINED, SRIOV_VF_EV_VPORT_DELETE),
			-EPERM);
	CU_ASSERT_EQUAL(sriov_vf_fsm_next(SRIOV_VF_RESETTING, SRIOV_VF_EV_GUEST_UP), -EBUSY);
	CU_ASSERT_EQUAL(sriov_vf_fsm_next(SRIOV_VF_ATTACHED, SRIOV_VF_EV_RESET_DONE), -EINVAL);
	CU_ASSERT_EQUAL(sriov_vf_fsm_next(SRIOV_VF_ACTIVE, SRIOV_VF_EV_GUEST_UP), -EALREADY);
	CU_ASSERT_EQUAL(sriov_vf_fsm_next(SRIOV_VF_ATTACHED, SRIOV_VF_EV_DISABLE), -EBUSY);
}

static void
test_fsm_predicates(void)
{
	int st;

	for (st = 0; st < SRIOV_VF_STATE_MAX; st++) {
		bool vport = st == SRIOV_VF_ATTACHED || st == SRIOV_VF_ACTIVE ||
			     st == SRIOV_VF_RESETTING || st == SRIOV_VF_QUARANTINED;

		CU_ASSERT_EQUAL(sriov_vf_state_has_vport(st), vport);
		CU_ASSERT_EQUAL(sriov_vf_state_is_allocated(st),
				vport || st == SRIOV_VF_ALLOCATED);
		CU_ASSERT_STRING_NOT_EQUAL(sriov_vf_state_name(st), "UNKNOWN");
	}
	for (st = 0; st < SRIOV_VF_EVENT_MAX; st++)
		CU_ASSERT_STRING_NOT_EQUAL(sriov_vf_event_name(st), "unknown");
}

/* Only an operator reset leaves QUARANTINED: no sequence of guest events does. */
static void
test_fsm_quarantine_is_sticky(void)
{
	int ev;

	for (ev = 0; ev < SRIOV_VF_EVENT_MAX; ev++) {
		int next = sriov_vf_fsm_next(SRIOV_VF_QUARANTINED, ev);

		if (ev == SRIOV_VF_EV_OPERATOR_RESET) {
			CU_ASSERT_EQUAL(next, SRIOV_VF_RESETTING);
		} else {
			CU_ASSERT(next < 0 || next == SRIOV_VF_QUARANTINED);
		}
	}
}

static CU_TestInfo fsm_tests[] = {
	UNIT_TEST(test_fsm_out_of_range),
	UNIT_TEST(test_fsm_every_pair),
	UNIT_TEST(test_fsm_refusal_reasons),
	UNIT_TEST(test_fsm_predicates),
	UNIT_TEST(test_fsm_quarantine_is_sticky),
	CU_TEST_INFO_NULL,
};

UNIT_MAIN(UNIT_SUITE("sriov_vf_fsm", fsm_tests))
