/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_SRIOV_H
#define SVNIC_SRIOV_H

/*
 * The SR-IOV half of the PF driver (seeds 000-003): the NIC switch of
 * lib/sriov owned by the control thread, and what it takes to make it true
 * on the device.
 *
 *   - virtualization: NumVFs, ARI and VF Enable in the PF's SR-IOV capability,
 *     the VF token (vfio-user DEVICE_FEATURE) so that the device serves the
 *     VFs only to this PF;
 *   - the switch's event callback is the one place the device is programmed
 *     for a VF: VPORT_CREATE / VPORT_DELETE / VF_RESET follow the state
 *     changes, whoever caused them (API, management socket, mailbox, guest);
 *     VPORT_MODIFY and the filters follow property changes;
 *   - the mailbox service: MBX_MSG event -> MBX_RECV -> the application's
 *     RTE_ETH_EVENT_VF_MBOX veto -> sriov_mbx_handle() -> MBX_SEND, then the
 *     actions (queues, filters, RX mode, RSS, MTU, reset, quarantine); notices
 *     (link, reset, PF going down) queue behind a reply the VF has not taken
 *     yet (MBX_RX_DONE releases the next);
 *   - one vfio-user socket per allocated VF for its guest (svnic_vf_port.h)
 *     when vf_dir is set, and the management socket (svnic_mgmt_srv.h).
 *
 * Everything named svnic_sriov_* below runs in the control thread (or while
 * it is not running); other threads go through svnic_ctrl_call().
 */

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/un.h>

#include <svnic_adminq.h>

#include "sriov_mgmt.h"
#include "sriov_switch.h"

struct svnic_adapter;

#define SVNIC_SRIOV_PATH_MAX	sizeof(((struct sockaddr_un *)0)->sun_path)

/* What the PF's devargs asked for. */
struct svnic_sriov_args {
	uint16_t max_vfs;			/* NumVFs at probe; 0: none yet */
	char vf_dir[SVNIC_SRIOV_PATH_MAX];	/* "": VFs are not served to guests */
	char mgmt[SVNIC_SRIOV_PATH_MAX];	/* "": SRIOV_MGMT_DEFAULT_PATH; "none" */
	bool vf_mbx_copied;			/* vf_mbx=copied: no shared TX mailbox */
};

/*
 * Queue pairs the PF keeps for itself while VFs are enabled: device queues
 * 0..n-1 (or all of them when the device has fewer); VF VPorts take theirs
 * from the rest. The PF ethdev's max queues are capped to it then.
 */
#define SVNIC_SRIOV_PF_QUEUE_PAIRS	4

/* How long the PF waits for its VFs to answer after VF Enable (PCIe: 100 ms). */
#define SVNIC_SRIOV_VF_READY_MS	1000

/* How long closing the PF serves guests so that they read PF_GOING_DOWN. */
#define SVNIC_SRIOV_GOODBYE_MS	200

/* VPort id of VF n on the device: VPort 0 is the PF's. */
#define SVNIC_SRIOV_VF_VPORT(vf)	((uint16_t)(1 + (vf)))

/**
 * Create the switch from IDENTIFY and the SR-IOV capability, set the VF
 * token, enable args->max_vfs VFs, open the management socket. Called once
 * the admin queue works, before the control thread starts.
 * @return 0 or a negative errno (logged); nothing is left on failure.
 */
int svnic_sriov_init(struct svnic_adapter *ad, const struct svnic_sriov_args *args);

/**
 * PF_GOING_DOWN to every VF's driver, every guest dropped, every VF freed
 * (VPorts deleted), VF Enable cleared, sockets removed. After the control
 * thread stopped.
 */
void svnic_sriov_fini(struct svnic_adapter *ad);

/** The PF was reset (rte_eth_dev_reset): the device lost every VPort. */
void svnic_sriov_pf_reset(struct svnic_adapter *ad);

/* --- control thread hooks (svnic_ctrl.c) --- */

/**
 * Descriptors to poll: one for every guest socket together (an epoll set the
 * ports join when opened and leave when closed), then the management
 * socket's. Their number does not grow with the VFs.
 */
unsigned int svnic_sriov_pollfds(struct svnic_adapter *ad, struct pollfd *pfd,
				 unsigned int max);
/**
 * Serve them after poll(): @p pfd / @p n are what svnic_sriov_pollfds() filled,
 * with their revents. The ports the epoll set reports ready are served, and
 * every port on @p tick (a stalled guest's timeout); with 256 VFs, looking at
 * every port on every wake-up would cost more than the request that woke us.
 * The management socket likewise: when it is ready, on @p tick, or when the
 * last call left requests it had read but not run.
 * @return true when such requests are left: wait again without sleeping.
 */
bool svnic_sriov_handle(struct svnic_adapter *ad, const struct pollfd *pfd, unsigned int n,
			bool tick);
/**
 * Sleep up to @p timeout_ms on the ports' epoll set itself, the control
 * thread's @p own descriptors (POLLIN, at most 4, fixed for the thread's
 * life) and the management socket in it: a ready port comes with the
 * wake-up, and svnic_sriov_handle() (with no pollfds) serves it without a
 * second look. Sets own[i].revents.
 * @return how many descriptors were ready (0 when the wait timed out);
 *   -ENODEV without an SR-IOV part, or another negative errno: then poll
 *   svnic_sriov_pollfds() instead.
 */
int svnic_sriov_wait(struct svnic_adapter *ad, struct pollfd *own, unsigned int n_own,
		     int timeout_ms);
/**
 * In place of svnic_sriov_wait() while busy polling: serve what the guest of
 * the port last found ready sent, with one non-blocking read and no look at
 * anything else (the busiest guest's next request found without an epoll
 * call). Own descriptors are not looked at: the caller clears their revents.
 * @return messages served; -ENODEV when there is no such port (then wait).
 */
int svnic_sriov_poll_hot(struct svnic_adapter *ad);
/**
 * The control thread leaves: its descriptors leave the ports' set while they
 * are still open (a later thread's may get the same numbers).
 */
void svnic_sriov_wait_end(struct svnic_adapter *ad);
/** A device event for the SR-IOV part: MBX_MSG, MBX_RX_DONE, VF_RESET, VF FAULT, LINK. */
void svnic_sriov_event(struct svnic_adapter *ad, const struct svnic_eq_entry *ev);
/** Every SVNIC_CTRL_TICK_MS: retries, idle clients. */
void svnic_sriov_tick(struct svnic_adapter *ad, uint64_t now_ms);
/** The event queue overflowed: fetch every VF's pending message, flush outboxes. */
void svnic_sriov_resync(struct svnic_adapter *ad);

/* --- requests (control thread): the public API and telemetry call these --- */

/** The switch, NULL when the device has no SR-IOV. */
struct sriov_switch *svnic_sriov_switch(struct svnic_adapter *ad);
int svnic_sriov_set_num_vfs(struct svnic_adapter *ad, uint16_t num_vfs);
/** Counters of an allocated VF and whether a guest holds it. */
int svnic_sriov_vf_stats(struct svnic_adapter *ad, uint16_t vf_id,
			 struct sriov_mgmt_vf_stats *mst, struct svnic_mbx_stats *dev);
/** After a VPort property changed in the switch: VPORT_MODIFY, notices. */
void svnic_sriov_vport_changed(struct svnic_adapter *ad, uint16_t vf_id);
/** Mailbox requests of VF @p vf_id answered so far, and how many were refused. */
void svnic_sriov_mbx_counters(struct svnic_adapter *ad, uint16_t vf_id, uint64_t *requests,
			      uint64_t *refused);
/** Queue pairs the PF may use: all of them, or its share while VFs are enabled. */
uint16_t svnic_sriov_pf_queue_pairs(struct svnic_adapter *ad);
/** The path VF @p vf_id is served on ("" when vf_dir is not set). */
const char *svnic_sriov_vf_path(struct svnic_adapter *ad, uint16_t vf_id);

#endif /* SVNIC_SRIOV_H */
