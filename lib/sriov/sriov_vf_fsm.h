/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SRIOV_VF_FSM_H
#define SRIOV_VF_FSM_H

#include <stdbool.h>

/*
 * The VF lifecycle (doc/vf-lifecycle.rst):
 *
 *   DISABLED --enable--> HW_READY --alloc--> ALLOCATED --vport create--> ATTACHED
 *   ATTACHED --guest up--> ACTIVE --guest down--> ATTACHED
 *   ATTACHED/ACTIVE --reset--> RESETTING --reset done--> ATTACHED
 *   ATTACHED/ACTIVE --quarantine--> QUARANTINED --operator reset--> RESETTING
 *
 * Every (state, event) pair has one entry in a single table: either the next
 * state or the negative errno that says why the event is refused there.
 */

enum sriov_vf_state {
	SRIOV_VF_DISABLED,	/* beyond NumVFs: the function does not exist */
	SRIOV_VF_HW_READY,	/* hardware resources exist, not allocated */
	SRIOV_VF_ALLOCATED,	/* parameters fixed, no VPort */
	SRIOV_VF_ATTACHED,	/* VPort attached, guest driver not up */
	SRIOV_VF_ACTIVE,	/* guest driver up */
	SRIOV_VF_RESETTING,	/* function level reset in progress */
	SRIOV_VF_QUARANTINED,	/* caught misbehaving; only an operator reset helps */
	SRIOV_VF_STATE_MAX,
};

enum sriov_vf_event {
	SRIOV_VF_EV_ENABLE,		/* virtualization enabled with NumVFs covering it */
	SRIOV_VF_EV_DISABLE,		/* virtualization disabled */
	SRIOV_VF_EV_ALLOC,
	SRIOV_VF_EV_FREE,
	SRIOV_VF_EV_VPORT_CREATE,
	SRIOV_VF_EV_VPORT_DELETE,
	SRIOV_VF_EV_GUEST_UP,
	SRIOV_VF_EV_GUEST_DOWN,
	SRIOV_VF_EV_RESET,		/* FLR from the guest or the VF driver's request */
	SRIOV_VF_EV_OPERATOR_RESET,	/* reset ordered by the host's operator */
	SRIOV_VF_EV_RESET_DONE,
	SRIOV_VF_EV_QUARANTINE,
	SRIOV_VF_EVENT_MAX,
};

/**
 * The one predicate of the state machine.
 * @return the state @p ev leads to from @p st (>= 0), or a negative errno:
 *   -ENODEV the VF does not exist, -ENOENT not allocated / no VPort to act on,
 *   -EBUSY something depends on the current state (VPort, guest, reset),
 *   -EALREADY already there, -EEXIST a VPort exists, -ENOTCONN no VPort yet,
 *   -EPERM the VF is quarantined, -EINVAL the event makes no sense there.
 */
int sriov_vf_fsm_next(enum sriov_vf_state st, enum sriov_vf_event ev);

const char *sriov_vf_state_name(enum sriov_vf_state st);
const char *sriov_vf_event_name(enum sriov_vf_event ev);

/** True in the states in which a VPort is attached to the VF. */
bool sriov_vf_state_has_vport(enum sriov_vf_state st);

/** True in the states in which the VF's parameters are allocated. */
bool sriov_vf_state_is_allocated(enum sriov_vf_state st);

#endif /* SRIOV_VF_FSM_H */
