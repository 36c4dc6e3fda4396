/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stddef.h>

#include "sriov_vf_fsm.h"

/* Short names keep the table readable; they exist only in this file. */
#define DIS	SRIOV_VF_DISABLED
#define RDY	SRIOV_VF_HW_READY
#define ALC	SRIOV_VF_ALLOCATED
#define ATT	SRIOV_VF_ATTACHED
#define ACT	SRIOV_VF_ACTIVE
#define RST	SRIOV_VF_RESETTING
#define QUA	SRIOV_VF_QUARANTINED

/*
 * The whole lifecycle in one table: [state][event] is the next state (>= 0) or
 * the errno that refuses the event. Rows are states, columns events, in enum
 * order: ENABLE DISABLE ALLOC FREE VPORT_CREATE VPORT_DELETE GUEST_UP GUEST_DOWN
 * RESET OPERATOR_RESET RESET_DONE QUARANTINE.
 */
static const int sriov_vf_fsm_table[SRIOV_VF_STATE_MAX][SRIOV_VF_EVENT_MAX] = {
	[SRIOV_VF_DISABLED] = {
		RDY, -EALREADY, -ENODEV, -ENODEV, -ENODEV, -ENODEV,
		-ENODEV, -ENODEV, -ENODEV, -ENODEV, -ENODEV, -ENODEV,
	},
	[SRIOV_VF_HW_READY] = {
		-EALREADY, DIS, ALC, -ENOENT, -ENOENT, -ENOENT,
		-ENOENT, -ENOENT, -ENOENT, -ENOENT, -EINVAL, -ENOENT,
	},
	/* No VPort yet: nothing a guest could use, so nothing to reset or blame. */
	[SRIOV_VF_ALLOCATED] = {
		-EALREADY, -EBUSY, -EBUSY, RDY, ATT, -ENOTCONN,
		-ENOTCONN, -ENOTCONN, -ENOTCONN, -ENOTCONN, -EINVAL, -ENOTCONN,
	},
	[SRIOV_VF_ATTACHED] = {
		-EALREADY, -EBUSY, -EBUSY, -EBUSY, -EEXIST, ALC,
		ACT, -EALREADY, RST, RST, -EINVAL, QUA,
	},
	[SRIOV_VF_ACTIVE] = {
		-EALREADY, -EBUSY, -EBUSY, -EBUSY, -EEXIST, -EBUSY,
		-EALREADY, ATT, RST, RST, -EINVAL, QUA,
	},
	/* Everything waits for the reset to finish. */
	[SRIOV_VF_RESETTING] = {
		-EALREADY, -EBUSY, -EBUSY, -EBUSY, -EEXIST, -EBUSY,
		-EBUSY, -EBUSY, -EBUSY, -EBUSY, ATT, -EBUSY,
	},
	/* Only the operator gets a quarantined VF out; its guest may leave. */
	[SRIOV_VF_QUARANTINED] = {
		-EALREADY, -EBUSY, -EBUSY, -EBUSY, -EEXIST, -EPERM,
		-EPERM, QUA, -EPERM, RST, -EINVAL, -EALREADY,
	},
};

int
sriov_vf_fsm_next(enum sriov_vf_state st, enum sriov_vf_event ev)
{
	if ((unsigned int)st >= SRIOV_VF_STATE_MAX || (unsigned int)ev >= SRIOV_VF_EVENT_MAX)
		return -EINVAL;
	return sriov_vf_fsm_table[st][ev];
}

bool
sriov_vf_state_has_vport(enum sriov_vf_state st)
{
	return st == SRIOV_VF_ATTACHED || st == SRIOV_VF_ACTIVE ||
	       st == SRIOV_VF_RESETTING || st == SRIOV_VF_QUARANTINED;
}

bool
sriov_vf_state_is_allocated(enum sriov_vf_state st)
{
	return st == SRIOV_VF_ALLOCATED || sriov_vf_state_has_vport(st);
}

const char *
sriov_vf_state_name(enum sriov_vf_state st)
{
	static const char *const names[SRIOV_VF_STATE_MAX] = {
		[SRIOV_VF_DISABLED] = "DISABLED",
		[SRIOV_VF_HW_READY] = "HW_READY",
		[SRIOV_VF_ALLOCATED] = "ALLOCATED",
		[SRIOV_VF_ATTACHED] = "ATTACHED",
		[SRIOV_VF_ACTIVE] = "ACTIVE",
		[SRIOV_VF_RESETTING] = "RESETTING",
		[SRIOV_VF_QUARANTINED] = "QUARANTINED",
	};

	if ((unsigned int)st >= SRIOV_VF_STATE_MAX)
		return "UNKNOWN";
	return names[st];
}

const char *
sriov_vf_event_name(enum sriov_vf_event ev)
{
	static const char *const names[SRIOV_VF_EVENT_MAX] = {
		[SRIOV_VF_EV_ENABLE] = "enable",
		[SRIOV_VF_EV_DISABLE] = "disable",
		[SRIOV_VF_EV_ALLOC] = "alloc",
		[SRIOV_VF_EV_FREE] = "free",
		[SRIOV_VF_EV_VPORT_CREATE] = "vport-create",
		[SRIOV_VF_EV_VPORT_DELETE] = "vport-delete",
		[SRIOV_VF_EV_GUEST_UP] = "guest-up",
		[SRIOV_VF_EV_GUEST_DOWN] = "guest-down",
		[SRIOV_VF_EV_RESET] = "reset",
		[SRIOV_VF_EV_OPERATOR_RESET] = "operator-reset",
		[SRIOV_VF_EV_RESET_DONE] = "reset-done",
		[SRIOV_VF_EV_QUARANTINE] = "quarantine",
	};

	if ((unsigned int)ev >= SRIOV_VF_EVENT_MAX)
		return "unknown";
	return names[ev];
}
