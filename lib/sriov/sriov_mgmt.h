/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SRIOV_MGMT_H
#define SRIOV_MGMT_H

/*
 * The PF's management protocol (doc/management.rst): one JSON object per
 * line, each way, {"v":1,...}. The operator's CLI sends one request and reads
 * one reply. The decoder is the one place an operator's command is validated;
 * sriov_mgmt_execute() applies it to the switch, so the PF driver only
 * carries bytes and programs the device from the switch's event callback
 * (and from ops->vport_changed for property changes).
 *
 * Every encoder returns a malloc()ed, NUL-terminated line ending in '\n' in
 * *line (the caller frees it) and its length without the NUL in *len.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sriov_switch.h"

#define SRIOV_MGMT_VERSION	1
/* A request line, '\n' included; longer ones are refused unread. */
#define SRIOV_MGMT_REQ_MAX	4096
/* A reply line: a full VF table stays well below it. */
#define SRIOV_MGMT_REPLY_MAX	(1024 * 1024)
#define SRIOV_MGMT_MSG_MAX	256	/* error message, NUL included */
/* Where the PF listens unless its mgmt= devarg says otherwise. */
#define SRIOV_MGMT_DEFAULT_PATH	"/run/svnic/mgmt.sock"
#define SRIOV_MGMT_QUEUES_MAX	64
#define SRIOV_MGMT_RATE_MAX	1000000u	/* Mbit/s: 1 Tbit/s */
#define SRIOV_MGMT_NUMA_MAX	255

enum sriov_mgmt_op {
	SRIOV_MGMT_OP_VF_ALLOC,
	SRIOV_MGMT_OP_VF_FREE,
	SRIOV_MGMT_OP_VF_RESET,
	SRIOV_MGMT_OP_VF_SET,
	SRIOV_MGMT_OP_VF_SHOW,
	SRIOV_MGMT_OP_SWITCH_SHOW,
	SRIOV_MGMT_OP_PF_SHOW,
	SRIOV_MGMT_OP_MAX,
};

/* vf.set: which settings the request carries. */
#define SRIOV_MGMT_SET_MAC		(1u << 0)
#define SRIOV_MGMT_SET_VLAN		(1u << 1)	/* vlan, qos, proto */
#define SRIOV_MGMT_SET_SPOOFCHK		(1u << 2)
#define SRIOV_MGMT_SET_TRUST		(1u << 3)
#define SRIOV_MGMT_SET_MIN_RATE		(1u << 4)
#define SRIOV_MGMT_SET_MAX_RATE		(1u << 5)
#define SRIOV_MGMT_SET_STATE		(1u << 6)
#define SRIOV_MGMT_SET_PROMISC		(1u << 7)
#define SRIOV_MGMT_SET_ALLMULTI		(1u << 8)

/* A decoded request; fields an op does not take are zero. */
struct sriov_mgmt_req {
	enum sriov_mgmt_op op;
	uint16_t vf;			/* free, reset, set; show when has_vf */
	bool has_vf;
	bool cascade;			/* free */
	uint16_t queues;		/* alloc: 1..SRIOV_MGMT_QUEUES_MAX */
	int numa;			/* alloc: SRIOV_NUMA_ANY unless given */
	char name[SRIOV_NAME_MAX];	/* alloc: "" unless given */
	bool has_mac;			/* alloc, set */
	uint8_t mac[6];
	bool has_vlan;			/* alloc; set uses SRIOV_MGMT_SET_VLAN */
	uint16_t vlan;			/* 0..4094 */
	uint8_t qos;			/* 0..7 */
	uint16_t proto;			/* SRIOV_VLAN_PROTO_* */
	unsigned int set;		/* SRIOV_MGMT_SET_* */
	bool spoofchk;
	bool trust;
	uint32_t min_rate;		/* Mbit/s */
	uint32_t max_rate;
	enum sriov_link_state state;
	bool allow_promisc;
	bool allow_allmulti;
};

/* What only the PF driver knows about a VF. */
struct sriov_mgmt_vf_stats {
	uint64_t rx_packets;
	uint64_t tx_packets;
	uint64_t drops;
	bool guest_connected;		/* a vfio-user client holds the VF */
};

/* One row of the VF table. */
struct sriov_mgmt_vf_entry {
	struct sriov_vf_info info;
	bool has_vport;
	uint16_t queue_base;
	uint16_t nb_queues;
	struct sriov_vport_props props;	/* valid when has_vport */
	struct sriov_mgmt_vf_stats stats;
};

struct sriov_mgmt_switch_status {
	uint16_t switch_id;
	uint16_t total_vfs;
	uint16_t num_vfs;
	uint16_t allocated;		/* VFs with parameters */
	uint16_t attached;		/* of those, with a VPort */
	uint16_t active;		/* guest driver up */
	uint16_t quarantined;
	uint16_t total_queue_pairs;
	uint16_t pf_queue_pairs;
	uint16_t free_queue_pairs;	/* for new allocations */
	uint16_t max_vectors_per_vf;
	int numa_nodes;
	bool ari;
};

struct sriov_mgmt_pf_status {
	uint16_t rid;
	char name[SRIOV_NAME_MAX];	/* the PF's device name, may be "" */
	uint8_t mac[6];
	bool link_up;
	uint32_t speed_mbps;
	uint16_t mtu;
	uint64_t rx_packets;
	uint64_t tx_packets;
	uint64_t drops;
};

/* What the PF driver lends sriov_mgmt_execute(); every member may be NULL. */
struct sriov_mgmt_ops {
	/* Counters and guest presence of an allocated VF. */
	int (*vf_stats)(void *ctx, uint16_t vf_id, struct sriov_mgmt_vf_stats *st);
	/* The PF's own status; rid is preset from the switch layout. */
	int (*pf_status)(void *ctx, struct sriov_mgmt_pf_status *st);
	/* After vf.set changed a VPort's properties: program the device. */
	void (*vport_changed)(void *ctx, uint16_t vf_id);
};

/* A decoded reply; free with sriov_mgmt_resp_free(). */
struct sriov_mgmt_resp {
	bool ok;
	int err;				/* positive errno when !ok */
	char message[SRIOV_MGMT_MSG_MAX];	/* when !ok */
	char *result_json;			/* "result" pretty-printed, or NULL */
	bool has_alloc;				/* vf.alloc: the VF given out */
	uint16_t vf;
	uint16_t rid;
	struct sriov_mgmt_vf_entry *vfs;	/* vf.show */
	unsigned int nb_vfs;
	bool has_vf_table;
	bool has_switch;
	struct sriov_mgmt_switch_status sw;
	bool has_pf;
	struct sriov_mgmt_pf_status pf;
};

const char *sriov_mgmt_op_name(enum sriov_mgmt_op op);
/** "aa:bb:cc:dd:ee:ff" (hex, either case). @return true when well formed. */
bool sriov_mgmt_mac_parse(const char *s, uint8_t mac[6]);
/** "bb:dd.f" of a routing ID into @p buf (at least 8 bytes). */
void sriov_mgmt_rid_format(uint16_t rid, char *buf, size_t len);
const char *sriov_mgmt_link_state_name(enum sriov_link_state st);
/** The VF state as the protocol spells it: "attached", "quarantined"... */
const char *sriov_mgmt_vf_state_name(enum sriov_vf_state st);

/** A request with the defaults of its op (numa any, 802.1Q, spoof check on). */
void sriov_mgmt_req_init(struct sriov_mgmt_req *req, enum sriov_mgmt_op op);

/**
 * Decode one request line (an optional trailing '\n' is allowed).
 * @return 0, or -EMSGSIZE (over SRIOV_MGMT_REQ_MAX), -EPROTONOSUPPORT (version),
 *   -EINVAL (anything else), -ENOMEM; @p err gets a message naming the field.
 */
int sriov_mgmt_decode_request(const char *line, size_t len, struct sriov_mgmt_req *out,
			      char *err, size_t errlen);
/** @return 0, -EINVAL for a request the decoder would refuse, -ENOMEM. */
int sriov_mgmt_encode_request(const struct sriov_mgmt_req *req, char **line, size_t *len);

/** {"v":1,"ok":true}. */
int sriov_mgmt_encode_ok(char **line, size_t *len);
/** {"v":1,"ok":false,"errno":N,"error":"EBUSY","message":"..."}; @p err > 0. */
int sriov_mgmt_encode_error(int err, const char *message, char **line, size_t *len);
int sriov_mgmt_encode_alloc(uint16_t vf_id, uint16_t rid, char **line, size_t *len);
int sriov_mgmt_encode_vf_table(const struct sriov_mgmt_vf_entry *vfs, unsigned int nb,
			       char **line, size_t *len);
int sriov_mgmt_encode_switch(const struct sriov_mgmt_switch_status *st, char **line,
			     size_t *len);
int sriov_mgmt_encode_pf(const struct sriov_mgmt_pf_status *st, char **line, size_t *len);

/**
 * Decode a reply line for the CLI. @return 0 (then out->ok says how the
 * request fared), -EPROTO / -EMSGSIZE / -ENOMEM for a reply that is not one.
 */
int sriov_mgmt_decode_response(const char *line, size_t len, struct sriov_mgmt_resp *out,
			       char *err, size_t errlen);
void sriov_mgmt_resp_free(struct sriov_mgmt_resp *resp);

/** The switch's VF rows: one VF (@p req has_vf) or every allocated one. */
int sriov_mgmt_vf_entry_get(struct sriov_switch *sw, uint16_t vf_id,
			    const struct sriov_mgmt_ops *ops, void *ctx,
			    struct sriov_mgmt_vf_entry *e);

/**
 * Apply @p req to @p sw and encode the reply: a refusal is a reply too, with
 * the errno and a message that says what to do; a refused request changed
 * nothing. @p ops may be NULL.
 * @return 0 with *line set, or -ENOMEM.
 */
int sriov_mgmt_execute(struct sriov_switch *sw, const struct sriov_mgmt_req *req,
		       const struct sriov_mgmt_ops *ops, void *ctx, char **line, size_t *len);

/** Decode @p req_line and execute it, or encode the decoder's refusal. */
int sriov_mgmt_handle_line(struct sriov_switch *sw, const char *req_line, size_t req_len,
			   const struct sriov_mgmt_ops *ops, void *ctx, char **line,
			   size_t *len);

#endif /* SRIOV_MGMT_H */
