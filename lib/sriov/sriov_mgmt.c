/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management protocol (doc/management.rst): request decoder, encoders of
 * both directions, and the executor that applies an operator's request to the
 * switch. The decoder is the one gate for operator input: after it, every
 * value is typed and in range, and execute() only has the switch's state to
 * check.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "sriov_log.h"
#include "sriov_mgmt.h"

#define SRIOV_MGMT_JSON_DEPTH	8
#define SRIOV_MGMT_OPB(op)	(1u << SRIOV_MGMT_OP_##op)

static const char *const sriov_mgmt_op_names[SRIOV_MGMT_OP_MAX] = {
	[SRIOV_MGMT_OP_VF_ALLOC] = "vf.alloc",
	[SRIOV_MGMT_OP_VF_FREE] = "vf.free",
	[SRIOV_MGMT_OP_VF_RESET] = "vf.reset",
	[SRIOV_MGMT_OP_VF_SET] = "vf.set",
	[SRIOV_MGMT_OP_VF_SHOW] = "vf.show",
	[SRIOV_MGMT_OP_SWITCH_SHOW] = "switch.show",
	[SRIOV_MGMT_OP_PF_SHOW] = "pf.show",
};

static const char *const sriov_mgmt_state_names[SRIOV_VF_STATE_MAX] = {
	[SRIOV_VF_DISABLED] = "disabled",
	[SRIOV_VF_HW_READY] = "hw_ready",
	[SRIOV_VF_ALLOCATED] = "allocated",
	[SRIOV_VF_ATTACHED] = "attached",
	[SRIOV_VF_ACTIVE] = "active",
	[SRIOV_VF_RESETTING] = "resetting",
	[SRIOV_VF_QUARANTINED] = "quarantined",
};

static const char *const sriov_mgmt_link_names[] = {
	[SRIOV_LINK_AUTO] = "auto",
	[SRIOV_LINK_ENABLE] = "enable",
	[SRIOV_LINK_DISABLE] = "disable",
};

/* ---- small shared helpers ---- */

const char *
sriov_mgmt_op_name(enum sriov_mgmt_op op)
{
	if ((unsigned int)op >= SRIOV_MGMT_OP_MAX)
		return "unknown";
	return sriov_mgmt_op_names[op];
}

const char *
sriov_mgmt_link_state_name(enum sriov_link_state st)
{
	if ((unsigned int)st > SRIOV_LINK_DISABLE)
		return "unknown";
	return sriov_mgmt_link_names[st];
}

static int
sriov_mgmt_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool
sriov_mgmt_mac_parse(const char *s, uint8_t mac[6])
{
	uint8_t m[6];
	int i, hi, lo;

	for (i = 0; i < 6; i++) {
		hi = sriov_mgmt_hex(s[3 * i]);
		lo = hi < 0 ? -1 : sriov_mgmt_hex(s[3 * i + 1]);
		if (lo < 0)
			return false;
		m[i] = (uint8_t)(hi << 4 | lo);
		if (s[3 * i + 2] != (i == 5 ? '\0' : ':'))
			return false;
	}
	memcpy(mac, m, 6);
	return true;
}

static void
sriov_mgmt_mac_format(const uint8_t mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
}

void
sriov_mgmt_rid_format(uint16_t rid, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x.%x", rid >> 8, (rid >> 3) & 0x1f, rid & 7);
}

/* "bb:dd.f" back into a routing ID. */
static bool
sriov_mgmt_rid_parse(const char *s, uint16_t *rid)
{
	int d[5], i;

	if (strlen(s) != 7 || s[2] != ':' || s[5] != '.')
		return false;
	for (i = 0; i < 5; i++) {
		d[i] = sriov_mgmt_hex(s[i < 2 ? i : i < 4 ? i + 1 : 6]);
		if (d[i] < 0)
			return false;
	}
	if ((d[2] << 4 | d[3]) > 0x1f || d[4] > 7)
		return false;
	*rid = (uint16_t)((d[0] << 4 | d[1]) << 8 | (d[2] << 4 | d[3]) << 3 | d[4]);
	return true;
}

static const char *
sriov_mgmt_errno_name(int err)
{
	switch (err) {
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	case EBUSY: return "EBUSY";
	case ENOSPC: return "ENOSPC";
	case EEXIST: return "EEXIST";
	case ENOTCONN: return "ENOTCONN";
	case EPERM: return "EPERM";
	case EALREADY: return "EALREADY";
	case ENODEV: return "ENODEV";
	case EMSGSIZE: return "EMSGSIZE";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case ENOMEM: return "ENOMEM";
	case EIO: return "EIO";
	case ERANGE: return "ERANGE";
	default: return "error";
	}
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int
sriov_mgmt_fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

/* A json-c object as one line: '\n' appended, the caller frees. */
static int
sriov_mgmt_emit(struct json_object *obj, char **line, size_t *len)
{
	const char *s;
	size_t n;
	char *p;

	if (obj == NULL)
		return -ENOMEM;
	s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s == NULL) {
		json_object_put(obj);
		return -ENOMEM;
	}
	n = strlen(s);
	p = malloc(n + 2);
	if (p == NULL) {
		json_object_put(obj);
		return -ENOMEM;
	}
	memcpy(p, s, n);
	p[n] = '\n';
	p[n + 1] = '\0';
	json_object_put(obj);
	*line = p;
	if (len != NULL)
		*len = n + 1;
	return 0;
}

/* json_object_object_add, taking @p v (NULL from a failed allocation is kept as null). */
static void
sriov_mgmt_add(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

static struct json_object *
sriov_mgmt_new_mac(const uint8_t mac[6])
{
	char buf[18];

	sriov_mgmt_mac_format(mac, buf);
	return json_object_new_string(buf);
}

static struct json_object *
sriov_mgmt_new_msg(bool ok)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	sriov_mgmt_add(o, "v", json_object_new_int(SRIOV_MGMT_VERSION));
	sriov_mgmt_add(o, "ok", json_object_new_boolean(ok));
	return o;
}

/* ---- requests ---- */

enum sriov_mgmt_field {
	SRIOV_MGMT_F_VF,
	SRIOV_MGMT_F_CASCADE,
	SRIOV_MGMT_F_QUEUES,
	SRIOV_MGMT_F_MAC,
	SRIOV_MGMT_F_VLAN,
	SRIOV_MGMT_F_QOS,
	SRIOV_MGMT_F_PROTO,
	SRIOV_MGMT_F_NAME,
	SRIOV_MGMT_F_NUMA,
	SRIOV_MGMT_F_SPOOFCHK,
	SRIOV_MGMT_F_TRUST,
	SRIOV_MGMT_F_MIN_RATE,
	SRIOV_MGMT_F_MAX_RATE,
	SRIOV_MGMT_F_STATE,
	SRIOV_MGMT_F_PROMISC,
	SRIOV_MGMT_F_ALLMULTI,
	SRIOV_MGMT_F_MAX,
};

enum sriov_mgmt_kind {
	SRIOV_MGMT_K_INT,
	SRIOV_MGMT_K_BOOL,
	SRIOV_MGMT_K_STRING,
};

/* Every request field: its JSON type, range and the ops that take it. */
static const struct sriov_mgmt_field_desc {
	const char *name;
	enum sriov_mgmt_kind kind;
	int64_t min;
	int64_t max;
	unsigned int ops;
} sriov_mgmt_fields[SRIOV_MGMT_F_MAX] = {
	[SRIOV_MGMT_F_VF] = { "vf", SRIOV_MGMT_K_INT, 0, SRIOV_TOTAL_VFS_MAX - 1,
		SRIOV_MGMT_OPB(VF_FREE) | SRIOV_MGMT_OPB(VF_RESET) | SRIOV_MGMT_OPB(VF_SET) |
		SRIOV_MGMT_OPB(VF_SHOW) },
	[SRIOV_MGMT_F_CASCADE] = { "cascade", SRIOV_MGMT_K_BOOL, 0, 1,
		SRIOV_MGMT_OPB(VF_FREE) },
	[SRIOV_MGMT_F_QUEUES] = { "queues", SRIOV_MGMT_K_INT, 1, SRIOV_MGMT_QUEUES_MAX,
		SRIOV_MGMT_OPB(VF_ALLOC) },
	[SRIOV_MGMT_F_MAC] = { "mac", SRIOV_MGMT_K_STRING, 0, 0,
		SRIOV_MGMT_OPB(VF_ALLOC) | SRIOV_MGMT_OPB(VF_SET) },
	[SRIOV_MGMT_F_VLAN] = { "vlan", SRIOV_MGMT_K_INT, 0, 4094,
		SRIOV_MGMT_OPB(VF_ALLOC) | SRIOV_MGMT_OPB(VF_SET) },
	[SRIOV_MGMT_F_QOS] = { "qos", SRIOV_MGMT_K_INT, 0, 7,
		SRIOV_MGMT_OPB(VF_ALLOC) | SRIOV_MGMT_OPB(VF_SET) },
	[SRIOV_MGMT_F_PROTO] = { "proto", SRIOV_MGMT_K_STRING, 0, 0,
		SRIOV_MGMT_OPB(VF_ALLOC) | SRIOV_MGMT_OPB(VF_SET) },
	[SRIOV_MGMT_F_NAME] = { "name", SRIOV_MGMT_K_STRING, 0, 0,
		SRIOV_MGMT_OPB(VF_ALLOC) },
	[SRIOV_MGMT_F_NUMA] = { "numa", SRIOV_MGMT_K_INT, SRIOV_NUMA_ANY, SRIOV_MGMT_NUMA_MAX,
		SRIOV_MGMT_OPB(VF_ALLOC) },
	[SRIOV_MGMT_F_SPOOFCHK] = { "spoofchk", SRIOV_MGMT_K_BOOL, 0, 1,
		SRIOV_MGMT_OPB(VF_SET) },
	[SRIOV_MGMT_F_TRUST] = { "trust", SRIOV_MGMT_K_BOOL, 0, 1, SRIOV_MGMT_OPB(VF_SET) },
	[SRIOV_MGMT_F_MIN_RATE] = { "min_rate", SRIOV_MGMT_K_INT, 0, SRIOV_MGMT_RATE_MAX,
		SRIOV_MGMT_OPB(VF_SET) },
	[SRIOV_MGMT_F_MAX_RATE] = { "max_rate", SRIOV_MGMT_K_INT, 0, SRIOV_MGMT_RATE_MAX,
		SRIOV_MGMT_OPB(VF_SET) },
	[SRIOV_MGMT_F_STATE] = { "state", SRIOV_MGMT_K_STRING, 0, 0, SRIOV_MGMT_OPB(VF_SET) },
	[SRIOV_MGMT_F_PROMISC] = { "allow_promisc", SRIOV_MGMT_K_BOOL, 0, 1,
		SRIOV_MGMT_OPB(VF_SET) },
	[SRIOV_MGMT_F_ALLMULTI] = { "allow_allmulti", SRIOV_MGMT_K_BOOL, 0, 1,
		SRIOV_MGMT_OPB(VF_SET) },
};

void
sriov_mgmt_req_init(struct sriov_mgmt_req *req, enum sriov_mgmt_op op)
{
	memset(req, 0, sizeof(*req));
	req->op = op;
	req->numa = SRIOV_NUMA_ANY;
	req->proto = SRIOV_VLAN_PROTO_8021Q;
	req->state = SRIOV_LINK_AUTO;
}

static bool
sriov_mgmt_name_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n >= SRIOV_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

/* One field's value, typed and range-checked, stored into @p req. */
static int
sriov_mgmt_decode_field(enum sriov_mgmt_field f, struct json_object *v,
			struct sriov_mgmt_req *req, char *err, size_t errlen)
{
	const struct sriov_mgmt_field_desc *d = &sriov_mgmt_fields[f];
	const char *s = NULL;
	int64_t n = 0;
	bool b = false;

	switch (d->kind) {
	case SRIOV_MGMT_K_INT:
		if (!json_object_is_type(v, json_type_int))
			return sriov_mgmt_fail(err, errlen, -EINVAL,
					       "'%s' must be an integer", d->name);
		/* json-c saturates past INT64_MAX / INT64_MIN: out of range either way */
		n = json_object_get_int64(v);
		if (n < d->min || n > d->max)
			return sriov_mgmt_fail(err, errlen, -EINVAL,
					       "'%s' out of range (%lld..%lld)", d->name,
					       (long long)d->min, (long long)d->max);
		break;
	case SRIOV_MGMT_K_BOOL:
		if (!json_object_is_type(v, json_type_boolean))
			return sriov_mgmt_fail(err, errlen, -EINVAL,
					       "'%s' must be true or false", d->name);
		b = json_object_get_boolean(v);
		break;
	case SRIOV_MGMT_K_STRING:
		if (!json_object_is_type(v, json_type_string))
			return sriov_mgmt_fail(err, errlen, -EINVAL, "'%s' must be a string",
					       d->name);
		s = json_object_get_string(v);
		/* an embedded NUL would hide the rest of the value */
		if (strlen(s) != (size_t)json_object_get_string_len(v))
			return sriov_mgmt_fail(err, errlen, -EINVAL, "'%s' holds a NUL byte",
					       d->name);
		break;
	}
	switch (f) {
	case SRIOV_MGMT_F_VF:
		req->vf = (uint16_t)n;
		req->has_vf = true;
		break;
	case SRIOV_MGMT_F_CASCADE:
		req->cascade = b;
		break;
	case SRIOV_MGMT_F_QUEUES:
		req->queues = (uint16_t)n;
		break;
	case SRIOV_MGMT_F_MAC:
		if (!sriov_mgmt_mac_parse(s, req->mac))
			return sriov_mgmt_fail(err, errlen, -EINVAL,
					       "'mac' must read xx:xx:xx:xx:xx:xx");
		if (!sriov_mac_is_valid_unicast(req->mac))
			return sriov_mgmt_fail(err, errlen, -EINVAL,
					       "'mac' %s is not a unicast address (multicast bit "
					       "set, or all zeros)", s);
		req->has_mac = true;
		req->set |= SRIOV_MGMT_SET_MAC;
		break;
	case SRIOV_MGMT_F_VLAN:
		req->vlan = (uint16_t)n;
		req->has_vlan = true;
		req->set |= SRIOV_MGMT_SET_VLAN;
		break;
	case SRIOV_MGMT_F_QOS:
		req->qos = (uint8_t)n;
		break;
	case SRIOV_MGMT_F_PROTO:
		if (strcmp(s, "802.1Q") == 0)
			req->proto = SRIOV_VLAN_PROTO_8021Q;
		else if (strcmp(s, "802.1ad") == 0)
			req->proto = SRIOV_VLAN_PROTO_8021AD;
		else
			return sriov_mgmt_fail(err, errlen, -EINVAL,
					       "'proto' must be \"802.1Q\" or \"802.1ad\"");
		break;
	case SRIOV_MGMT_F_NAME:
		if (!sriov_mgmt_name_valid(s))
			return sriov_mgmt_fail(err, errlen, -EINVAL,
					       "'name' must be at most %d printable characters",
					       SRIOV_NAME_MAX - 1);
		strcpy(req->name, s);
		break;
	case SRIOV_MGMT_F_NUMA:
		req->numa = (int)n;
		break;
	case SRIOV_MGMT_F_SPOOFCHK:
		req->spoofchk = b;
		req->set |= SRIOV_MGMT_SET_SPOOFCHK;
		break;
	case SRIOV_MGMT_F_TRUST:
		req->trust = b;
		req->set |= SRIOV_MGMT_SET_TRUST;
		break;
	case SRIOV_MGMT_F_MIN_RATE:
		req->min_rate = (uint32_t)n;
		req->set |= SRIOV_MGMT_SET_MIN_RATE;
		break;
	case SRIOV_MGMT_F_MAX_RATE:
		req->max_rate = (uint32_t)n;
		req->set |= SRIOV_MGMT_SET_MAX_RATE;
		break;
	case SRIOV_MGMT_F_STATE:
		if (strcmp(s, "auto") == 0)
			req->state = SRIOV_LINK_AUTO;
		else if (strcmp(s, "enable") == 0)
			req->state = SRIOV_LINK_ENABLE;
		else if (strcmp(s, "disable") == 0)
			req->state = SRIOV_LINK_DISABLE;
		else
			return sriov_mgmt_fail(err, errlen, -EINVAL,
					       "'state' must be auto, enable or disable");
		req->set |= SRIOV_MGMT_SET_STATE;
		break;
	case SRIOV_MGMT_F_PROMISC:
		req->allow_promisc = b;
		req->set |= SRIOV_MGMT_SET_PROMISC;
		break;
	case SRIOV_MGMT_F_ALLMULTI:
		req->allow_allmulti = b;
		req->set |= SRIOV_MGMT_SET_ALLMULTI;
		break;
	case SRIOV_MGMT_F_MAX:
		break;
	}
	return 0;
}

/* What no single field can say: required fields and fields that need others. */
static int
sriov_mgmt_check_request(struct json_object *root, struct sriov_mgmt_req *req, char *err,
			 size_t errlen)
{
	const char *op = sriov_mgmt_op_name(req->op);
	bool has_qos = json_object_object_get_ex(root, "qos", NULL);
	bool has_proto = json_object_object_get_ex(root, "proto", NULL);

	if ((has_qos || has_proto) && !req->has_vlan)
		return sriov_mgmt_fail(err, errlen, -EINVAL, "%s: '%s' needs 'vlan'", op,
				       has_qos ? "qos" : "proto");
	if (req->has_vlan && req->vlan == 0 && req->qos != 0)
		return sriov_mgmt_fail(err, errlen, -EINVAL,
				       "%s: 'qos' needs a VLAN id other than 0", op);
	switch (req->op) {
	case SRIOV_MGMT_OP_VF_ALLOC:
		req->set = 0;
		if (req->queues == 0)
			return sriov_mgmt_fail(err, errlen, -EINVAL,
					       "vf.alloc needs 'queues' (1..%d)",
					       SRIOV_MGMT_QUEUES_MAX);
		break;
	case SRIOV_MGMT_OP_VF_FREE:
	case SRIOV_MGMT_OP_VF_RESET:
	case SRIOV_MGMT_OP_VF_SET:
		if (!req->has_vf)
			return sriov_mgmt_fail(err, errlen, -EINVAL, "%s needs 'vf' (0..%d)", op,
					       SRIOV_TOTAL_VFS_MAX - 1);
		if (req->op == SRIOV_MGMT_OP_VF_SET && req->set == 0)
			return sriov_mgmt_fail(err, errlen, -EINVAL,
					       "vf.set needs a setting: mac, vlan, spoofchk, "
					       "trust, min_rate, max_rate, state, allow_promisc "
					       "or allow_allmulti");
		if ((req->set & SRIOV_MGMT_SET_MIN_RATE) && (req->set & SRIOV_MGMT_SET_MAX_RATE) &&
		    req->max_rate != 0 && req->min_rate > req->max_rate)
			return sriov_mgmt_fail(err, errlen, -EINVAL,
					       "vf.set: 'min_rate' %u above 'max_rate' %u",
					       req->min_rate, req->max_rate);
		break;
	default:
		break;
	}
	return 0;
}

static int
sriov_mgmt_decode_root(struct json_object *root, struct sriov_mgmt_req *out, char *err,
		       size_t errlen)
{
	struct json_object *v;
	enum sriov_mgmt_op op;
	unsigned int f;
	int64_t ver;
	int ret;

	if (!json_object_is_type(root, json_type_object))
		return sriov_mgmt_fail(err, errlen, -EINVAL, "a request is one JSON object");
	if (!json_object_object_get_ex(root, "v", &v))
		return sriov_mgmt_fail(err, errlen, -EINVAL, "no protocol version 'v'");
	if (!json_object_is_type(v, json_type_int))
		return sriov_mgmt_fail(err, errlen, -EINVAL, "'v' must be an integer");
	ver = json_object_get_int64(v);
	if (ver != SRIOV_MGMT_VERSION)
		return sriov_mgmt_fail(err, errlen, -EPROTONOSUPPORT,
				       "protocol version %lld is not spoken here (only %d): "
				       "use the svnic-ctl that came with this PF driver",
				       (long long)ver, SRIOV_MGMT_VERSION);
	if (!json_object_object_get_ex(root, "op", &v) ||
	    !json_object_is_type(v, json_type_string))
		return sriov_mgmt_fail(err, errlen, -EINVAL, "no 'op' string");
	for (op = 0; op < SRIOV_MGMT_OP_MAX; op++)
		if (strcmp(json_object_get_string(v), sriov_mgmt_op_names[op]) == 0)
			break;
	if (op == SRIOV_MGMT_OP_MAX)
		return sriov_mgmt_fail(err, errlen, -EINVAL, "unknown op '%.32s'",
				       json_object_get_string(v));
	sriov_mgmt_req_init(out, op);
	json_object_object_foreach(root, key, val) {
		if (strcmp(key, "v") == 0 || strcmp(key, "op") == 0)
			continue;
		for (f = 0; f < SRIOV_MGMT_F_MAX; f++)
			if (strcmp(key, sriov_mgmt_fields[f].name) == 0 &&
			    (sriov_mgmt_fields[f].ops & (1u << op)))
				break;
		if (f == SRIOV_MGMT_F_MAX)
			return sriov_mgmt_fail(err, errlen, -EINVAL, "unknown field '%.32s' in %s",
					       key, sriov_mgmt_op_names[op]);
		ret = sriov_mgmt_decode_field(f, val, out, err, errlen);
		if (ret < 0)
			return ret;
	}
	return sriov_mgmt_check_request(root, out, err, errlen);
}

int
sriov_mgmt_decode_request(const char *line, size_t len, struct sriov_mgmt_req *out,
			  char *err, size_t errlen)
{
	struct json_object *root;
	struct json_tokener *tok;
	struct sriov_mgmt_req req;
	int ret;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (len > SRIOV_MGMT_REQ_MAX)
		return sriov_mgmt_fail(err, errlen, -EMSGSIZE,
				       "request of %zu bytes, the limit is %d", len,
				       SRIOV_MGMT_REQ_MAX);
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len == 0)
		return sriov_mgmt_fail(err, errlen, -EINVAL, "empty request");
	if (memchr(line, '\0', len) != NULL || memchr(line, '\n', len) != NULL)
		return sriov_mgmt_fail(err, errlen, -EINVAL,
				       "a request is one line without NUL bytes");
	tok = json_tokener_new_ex(SRIOV_MGMT_JSON_DEPTH);
	if (tok == NULL)
		return -ENOMEM;
	root = json_tokener_parse_ex(tok, line, (int)len);
	if (root == NULL || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len) {
		ret = sriov_mgmt_fail(err, errlen, -EINVAL, "not one JSON object: %s",
				      root == NULL && json_tokener_get_error(tok) ==
				      json_tokener_continue ? "truncated" :
				      root == NULL ? json_tokener_error_desc(
					      json_tokener_get_error(tok)) :
				      "text after the object");
		goto out;
	}
	ret = sriov_mgmt_decode_root(root, &req, err, errlen);
	if (ret == 0)
		*out = req;
out:
	json_object_put(root);
	json_tokener_free(tok);
	return ret;
}

int
sriov_mgmt_encode_request(const struct sriov_mgmt_req *req, char **line, size_t *len)
{
	struct json_object *o;
	struct sriov_mgmt_req check;
	unsigned int set = req->set;
	size_t n;
	int ret;

	if ((unsigned int)req->op >= SRIOV_MGMT_OP_MAX)
		return -EINVAL;
	o = json_object_new_object();
	if (o == NULL)
		return -ENOMEM;
	sriov_mgmt_add(o, "v", json_object_new_int(SRIOV_MGMT_VERSION));
	sriov_mgmt_add(o, "op", json_object_new_string(sriov_mgmt_op_names[req->op]));
	if (req->op == SRIOV_MGMT_OP_VF_ALLOC) {
		sriov_mgmt_add(o, "queues", json_object_new_int(req->queues));
		set = (req->has_mac ? SRIOV_MGMT_SET_MAC : 0) |
			(req->has_vlan ? SRIOV_MGMT_SET_VLAN : 0);
		if (req->name[0] != '\0')
			sriov_mgmt_add(o, "name", json_object_new_string(req->name));
		if (req->numa != SRIOV_NUMA_ANY)
			sriov_mgmt_add(o, "numa", json_object_new_int(req->numa));
	} else if (req->op == SRIOV_MGMT_OP_VF_SET) {
		sriov_mgmt_add(o, "vf", json_object_new_int(req->vf));
	} else if (req->op == SRIOV_MGMT_OP_VF_FREE || req->op == SRIOV_MGMT_OP_VF_RESET ||
		   (req->op == SRIOV_MGMT_OP_VF_SHOW && req->has_vf)) {
		sriov_mgmt_add(o, "vf", json_object_new_int(req->vf));
		set = 0;
	} else {
		set = 0;
	}
	if (req->op == SRIOV_MGMT_OP_VF_FREE && req->cascade)
		sriov_mgmt_add(o, "cascade", json_object_new_boolean(true));
	if (set & SRIOV_MGMT_SET_MAC)
		sriov_mgmt_add(o, "mac", sriov_mgmt_new_mac(req->mac));
	if (set & SRIOV_MGMT_SET_VLAN) {
		sriov_mgmt_add(o, "vlan", json_object_new_int(req->vlan));
		sriov_mgmt_add(o, "qos", json_object_new_int(req->qos));
		sriov_mgmt_add(o, "proto", json_object_new_string(
			req->proto == SRIOV_VLAN_PROTO_8021AD ? "802.1ad" :
			req->proto == SRIOV_VLAN_PROTO_8021Q ? "802.1Q" : "?"));
	}
	if (set & SRIOV_MGMT_SET_SPOOFCHK)
		sriov_mgmt_add(o, "spoofchk", json_object_new_boolean(req->spoofchk));
	if (set & SRIOV_MGMT_SET_TRUST)
		sriov_mgmt_add(o, "trust", json_object_new_boolean(req->trust));
	if (set & SRIOV_MGMT_SET_MIN_RATE)
		sriov_mgmt_add(o, "min_rate", json_object_new_int64(req->min_rate));
	if (set & SRIOV_MGMT_SET_MAX_RATE)
		sriov_mgmt_add(o, "max_rate", json_object_new_int64(req->max_rate));
	if (set & SRIOV_MGMT_SET_STATE)
		sriov_mgmt_add(o, "state", json_object_new_string(
			sriov_mgmt_link_state_name(req->state)));
	if (set & SRIOV_MGMT_SET_PROMISC)
		sriov_mgmt_add(o, "allow_promisc", json_object_new_boolean(req->allow_promisc));
	if (set & SRIOV_MGMT_SET_ALLMULTI)
		sriov_mgmt_add(o, "allow_allmulti", json_object_new_boolean(req->allow_allmulti));
	ret = sriov_mgmt_emit(o, line, &n);
	if (ret < 0)
		return ret;
	/* Only what the decoder accepts goes out: the two cannot drift. */
	if (sriov_mgmt_decode_request(*line, n, &check, NULL, 0) != 0) {
		free(*line);
		*line = NULL;
		return -EINVAL;
	}
	if (len != NULL)
		*len = n;
	return 0;
}

/* ---- replies ---- */

int
sriov_mgmt_encode_ok(char **line, size_t *len)
{
	return sriov_mgmt_emit(sriov_mgmt_new_msg(true), line, len);
}

int
sriov_mgmt_encode_error(int err, const char *message, char **line, size_t *len)
{
	struct json_object *o = sriov_mgmt_new_msg(false);

	if (o == NULL)
		return -ENOMEM;
	if (err <= 0)
		err = EIO;
	sriov_mgmt_add(o, "errno", json_object_new_int(err));
	sriov_mgmt_add(o, "error", json_object_new_string(sriov_mgmt_errno_name(err)));
	sriov_mgmt_add(o, "message", json_object_new_string(message != NULL ? message : ""));
	return sriov_mgmt_emit(o, line, len);
}

static int
sriov_mgmt_emit_result(struct json_object *result, char **line, size_t *len)
{
	struct json_object *o;

	if (result == NULL)
		return -ENOMEM;
	o = sriov_mgmt_new_msg(true);
	if (o == NULL) {
		json_object_put(result);
		return -ENOMEM;
	}
	sriov_mgmt_add(o, "result", result);
	return sriov_mgmt_emit(o, line, len);
}

static struct json_object *
sriov_mgmt_new_rid(uint16_t rid)
{
	char buf[16];

	sriov_mgmt_rid_format(rid, buf, sizeof(buf));
	return json_object_new_string(buf);
}

int
sriov_mgmt_encode_alloc(uint16_t vf_id, uint16_t rid, char **line, size_t *len)
{
	struct json_object *r = json_object_new_object();

	if (r != NULL) {
		sriov_mgmt_add(r, "vf", json_object_new_int(vf_id));
		sriov_mgmt_add(r, "rid", sriov_mgmt_new_rid(rid));
	}
	return sriov_mgmt_emit_result(r, line, len);
}

static struct json_object *
sriov_mgmt_new_vport(const struct sriov_mgmt_vf_entry *e)
{
	const struct sriov_vport_props *p = &e->props;
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	sriov_mgmt_add(o, "queue_base", json_object_new_int(e->queue_base));
	sriov_mgmt_add(o, "queues", json_object_new_int(e->nb_queues));
	sriov_mgmt_add(o, "mac", sriov_mgmt_new_mac(p->mac));
	sriov_mgmt_add(o, "mac_set", json_object_new_boolean(p->mac_set));
	sriov_mgmt_add(o, "vlan", json_object_new_int(p->vlan_id));
	sriov_mgmt_add(o, "qos", json_object_new_int(p->vlan_qos));
	sriov_mgmt_add(o, "proto", json_object_new_string(
		p->vlan_proto == SRIOV_VLAN_PROTO_8021AD ? "802.1ad" : "802.1Q"));
	sriov_mgmt_add(o, "spoofchk", json_object_new_boolean(p->spoofchk));
	sriov_mgmt_add(o, "trust", json_object_new_boolean(p->trust));
	sriov_mgmt_add(o, "state", json_object_new_string(
		sriov_mgmt_link_state_name(p->link_state)));
	sriov_mgmt_add(o, "min_rate", json_object_new_int64(p->min_tx_rate));
	sriov_mgmt_add(o, "max_rate", json_object_new_int64(p->max_tx_rate));
	sriov_mgmt_add(o, "allow_promisc", json_object_new_boolean(p->allow_promisc));
	sriov_mgmt_add(o, "allow_allmulti", json_object_new_boolean(p->allow_allmulti));
	return o;
}

const char *
sriov_mgmt_vf_state_name(enum sriov_vf_state st)
{
	if ((unsigned int)st >= SRIOV_VF_STATE_MAX)
		return "unknown";
	return sriov_mgmt_state_names[st];
}

int
sriov_mgmt_encode_vf_table(const struct sriov_mgmt_vf_entry *vfs, unsigned int nb,
			   char **line, size_t *len)
{
	struct json_object *r, *arr, *o;
	unsigned int i;

	r = json_object_new_object();
	arr = json_object_new_array();
	if (r == NULL || arr == NULL) {
		json_object_put(r);
		json_object_put(arr);
		return -ENOMEM;
	}
	sriov_mgmt_add(r, "vfs", arr);
	for (i = 0; i < nb; i++) {
		const struct sriov_mgmt_vf_entry *e = &vfs[i];

		o = json_object_new_object();
		if (o == NULL) {
			json_object_put(r);
			return -ENOMEM;
		}
		json_object_array_add(arr, o);
		sriov_mgmt_add(o, "vf", json_object_new_int(e->info.vf_id));
		sriov_mgmt_add(o, "rid", sriov_mgmt_new_rid(e->info.rid));
		sriov_mgmt_add(o, "state", json_object_new_string(
			sriov_mgmt_vf_state_name(e->info.state)));
		sriov_mgmt_add(o, "name", json_object_new_string(e->info.params.name));
		sriov_mgmt_add(o, "queues", json_object_new_int(e->info.params.num_queue_pairs));
		sriov_mgmt_add(o, "numa", json_object_new_int(e->info.params.numa_node));
		sriov_mgmt_add(o, "vectors", json_object_new_int(e->info.params.num_vectors));
		sriov_mgmt_add(o, "perm_mac", sriov_mgmt_new_mac(e->info.params.perm_mac));
		sriov_mgmt_add(o, "vport", e->has_vport ? sriov_mgmt_new_vport(e) : NULL);
		sriov_mgmt_add(o, "guest", json_object_new_boolean(e->stats.guest_connected));
		sriov_mgmt_add(o, "rx", json_object_new_uint64(e->stats.rx_packets));
		sriov_mgmt_add(o, "tx", json_object_new_uint64(e->stats.tx_packets));
		sriov_mgmt_add(o, "drops", json_object_new_uint64(e->stats.drops));
	}
	return sriov_mgmt_emit_result(r, line, len);
}

int
sriov_mgmt_encode_switch(const struct sriov_mgmt_switch_status *st, char **line, size_t *len)
{
	struct json_object *r = json_object_new_object(), *o = json_object_new_object();

	if (r == NULL || o == NULL) {
		json_object_put(r);
		json_object_put(o);
		return -ENOMEM;
	}
	sriov_mgmt_add(r, "switch", o);
	sriov_mgmt_add(o, "switch_id", json_object_new_int(st->switch_id));
	sriov_mgmt_add(o, "total_vfs", json_object_new_int(st->total_vfs));
	sriov_mgmt_add(o, "num_vfs", json_object_new_int(st->num_vfs));
	sriov_mgmt_add(o, "allocated", json_object_new_int(st->allocated));
	sriov_mgmt_add(o, "attached", json_object_new_int(st->attached));
	sriov_mgmt_add(o, "active", json_object_new_int(st->active));
	sriov_mgmt_add(o, "quarantined", json_object_new_int(st->quarantined));
	sriov_mgmt_add(o, "total_queue_pairs", json_object_new_int(st->total_queue_pairs));
	sriov_mgmt_add(o, "pf_queue_pairs", json_object_new_int(st->pf_queue_pairs));
	sriov_mgmt_add(o, "free_queue_pairs", json_object_new_int(st->free_queue_pairs));
	sriov_mgmt_add(o, "max_vectors_per_vf", json_object_new_int(st->max_vectors_per_vf));
	sriov_mgmt_add(o, "numa_nodes", json_object_new_int(st->numa_nodes));
	sriov_mgmt_add(o, "ari", json_object_new_boolean(st->ari));
	return sriov_mgmt_emit_result(r, line, len);
}

int
sriov_mgmt_encode_pf(const struct sriov_mgmt_pf_status *st, char **line, size_t *len)
{
	struct json_object *r = json_object_new_object(), *o = json_object_new_object();

	if (r == NULL || o == NULL) {
		json_object_put(r);
		json_object_put(o);
		return -ENOMEM;
	}
	sriov_mgmt_add(r, "pf", o);
	sriov_mgmt_add(o, "rid", sriov_mgmt_new_rid(st->rid));
	sriov_mgmt_add(o, "name", json_object_new_string(st->name));
	sriov_mgmt_add(o, "mac", sriov_mgmt_new_mac(st->mac));
	sriov_mgmt_add(o, "link_up", json_object_new_boolean(st->link_up));
	sriov_mgmt_add(o, "speed", json_object_new_int64(st->speed_mbps));
	sriov_mgmt_add(o, "mtu", json_object_new_int(st->mtu));
	sriov_mgmt_add(o, "rx", json_object_new_uint64(st->rx_packets));
	sriov_mgmt_add(o, "tx", json_object_new_uint64(st->tx_packets));
	sriov_mgmt_add(o, "drops", json_object_new_uint64(st->drops));
	return sriov_mgmt_emit_result(r, line, len);
}

/* ---- reply decoding (the CLI's side) ---- */

/* Reads typed members; the first missing or mistyped one is remembered. */
struct sriov_mgmt_rd {
	const char *bad;
};

static struct json_object *
sriov_mgmt_rd_get(struct sriov_mgmt_rd *r, struct json_object *o, const char *k,
		  enum json_type t)
{
	struct json_object *v;

	if (r->bad != NULL)
		return NULL;
	if (!json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, t)) {
		r->bad = k;
		return NULL;
	}
	return v;
}

static int64_t
sriov_mgmt_rd_int(struct sriov_mgmt_rd *r, struct json_object *o, const char *k, int64_t min,
		  int64_t max)
{
	struct json_object *v = sriov_mgmt_rd_get(r, o, k, json_type_int);
	int64_t n;

	if (v == NULL)
		return 0;
	n = json_object_get_int64(v);
	if (n < min || n > max) {
		r->bad = k;
		return 0;
	}
	return n;
}

static uint64_t
sriov_mgmt_rd_u64(struct sriov_mgmt_rd *r, struct json_object *o, const char *k)
{
	struct json_object *v = sriov_mgmt_rd_get(r, o, k, json_type_int);

	if (v == NULL)
		return 0;
	if (json_object_get_int64(v) < 0) {
		r->bad = k;
		return 0;
	}
	return json_object_get_uint64(v);
}

static bool
sriov_mgmt_rd_bool(struct sriov_mgmt_rd *r, struct json_object *o, const char *k)
{
	struct json_object *v = sriov_mgmt_rd_get(r, o, k, json_type_boolean);

	return v != NULL && json_object_get_boolean(v);
}

static const char *
sriov_mgmt_rd_str(struct sriov_mgmt_rd *r, struct json_object *o, const char *k)
{
	struct json_object *v = sriov_mgmt_rd_get(r, o, k, json_type_string);

	return v != NULL ? json_object_get_string(v) : "";
}

static void
sriov_mgmt_rd_mac(struct sriov_mgmt_rd *r, struct json_object *o, const char *k,
		  uint8_t mac[6])
{
	const char *s = sriov_mgmt_rd_str(r, o, k);

	if (r->bad == NULL && !sriov_mgmt_mac_parse(s, mac))
		r->bad = k;
}

static uint16_t
sriov_mgmt_rd_rid(struct sriov_mgmt_rd *r, struct json_object *o, const char *k)
{
	const char *s = sriov_mgmt_rd_str(r, o, k);
	uint16_t rid = 0;

	if (r->bad == NULL && !sriov_mgmt_rid_parse(s, &rid))
		r->bad = k;
	return rid;
}

static void
sriov_mgmt_rd_name(struct sriov_mgmt_rd *r, struct json_object *o, const char *k,
		   char name[SRIOV_NAME_MAX])
{
	const char *s = sriov_mgmt_rd_str(r, o, k);

	if (r->bad != NULL)
		return;
	if (strlen(s) >= SRIOV_NAME_MAX) {
		r->bad = k;
		return;
	}
	strcpy(name, s);
}

static void
sriov_mgmt_rd_vport(struct sriov_mgmt_rd *r, struct json_object *o,
		    struct sriov_mgmt_vf_entry *e)
{
	struct sriov_vport_props *p = &e->props;
	const char *s;

	e->queue_base = (uint16_t)sriov_mgmt_rd_int(r, o, "queue_base", 0, UINT16_MAX);
	e->nb_queues = (uint16_t)sriov_mgmt_rd_int(r, o, "queues", 0, UINT16_MAX);
	sriov_mgmt_rd_mac(r, o, "mac", p->mac);
	p->mac_set = sriov_mgmt_rd_bool(r, o, "mac_set");
	p->vlan_id = (uint16_t)sriov_mgmt_rd_int(r, o, "vlan", 0, 4094);
	p->vlan_qos = (uint8_t)sriov_mgmt_rd_int(r, o, "qos", 0, 7);
	s = sriov_mgmt_rd_str(r, o, "proto");
	p->vlan_proto = strcmp(s, "802.1ad") == 0 ? SRIOV_VLAN_PROTO_8021AD :
		SRIOV_VLAN_PROTO_8021Q;
	p->spoofchk = sriov_mgmt_rd_bool(r, o, "spoofchk");
	p->trust = sriov_mgmt_rd_bool(r, o, "trust");
	s = sriov_mgmt_rd_str(r, o, "state");
	p->link_state = strcmp(s, "enable") == 0 ? SRIOV_LINK_ENABLE :
		strcmp(s, "disable") == 0 ? SRIOV_LINK_DISABLE : SRIOV_LINK_AUTO;
	p->min_tx_rate = (uint32_t)sriov_mgmt_rd_int(r, o, "min_rate", 0, UINT32_MAX);
	p->max_tx_rate = (uint32_t)sriov_mgmt_rd_int(r, o, "max_rate", 0, UINT32_MAX);
	p->allow_promisc = sriov_mgmt_rd_bool(r, o, "allow_promisc");
	p->allow_allmulti = sriov_mgmt_rd_bool(r, o, "allow_allmulti");
}

static void
sriov_mgmt_rd_vf(struct sriov_mgmt_rd *r, struct json_object *o, struct sriov_mgmt_vf_entry *e)
{
	struct json_object *vp;
	const char *s;
	int st;

	if (!json_object_is_type(o, json_type_object)) {
		r->bad = "vfs";
		return;
	}
	e->info.vf_id = (uint16_t)sriov_mgmt_rd_int(r, o, "vf", 0, SRIOV_TOTAL_VFS_MAX - 1);
	e->info.rid = sriov_mgmt_rd_rid(r, o, "rid");
	s = sriov_mgmt_rd_str(r, o, "state");
	for (st = 0; st < SRIOV_VF_STATE_MAX; st++)
		if (strcmp(s, sriov_mgmt_state_names[st]) == 0)
			break;
	if (st == SRIOV_VF_STATE_MAX && r->bad == NULL)
		r->bad = "state";
	e->info.state = (enum sriov_vf_state)st;
	sriov_mgmt_rd_name(r, o, "name", e->info.params.name);
	e->info.params.num_queue_pairs = (uint16_t)sriov_mgmt_rd_int(r, o, "queues", 0,
								     UINT16_MAX);
	e->info.params.numa_node = (int)sriov_mgmt_rd_int(r, o, "numa", SRIOV_NUMA_ANY,
							  INT32_MAX);
	e->info.params.num_vectors = (uint16_t)sriov_mgmt_rd_int(r, o, "vectors", 0,
								 UINT16_MAX);
	sriov_mgmt_rd_mac(r, o, "perm_mac", e->info.params.perm_mac);
	if (json_object_object_get_ex(o, "vport", &vp) && vp != NULL) {
		if (!json_object_is_type(vp, json_type_object)) {
			r->bad = "vport";
			return;
		}
		e->has_vport = true;
		sriov_mgmt_rd_vport(r, vp, e);
	}
	e->stats.guest_connected = sriov_mgmt_rd_bool(r, o, "guest");
	e->stats.rx_packets = sriov_mgmt_rd_u64(r, o, "rx");
	e->stats.tx_packets = sriov_mgmt_rd_u64(r, o, "tx");
	e->stats.drops = sriov_mgmt_rd_u64(r, o, "drops");
}

static void
sriov_mgmt_rd_switch(struct sriov_mgmt_rd *r, struct json_object *o,
		     struct sriov_mgmt_switch_status *st)
{
	st->switch_id = (uint16_t)sriov_mgmt_rd_int(r, o, "switch_id", 0, UINT16_MAX);
	st->total_vfs = (uint16_t)sriov_mgmt_rd_int(r, o, "total_vfs", 0, UINT16_MAX);
	st->num_vfs = (uint16_t)sriov_mgmt_rd_int(r, o, "num_vfs", 0, UINT16_MAX);
	st->allocated = (uint16_t)sriov_mgmt_rd_int(r, o, "allocated", 0, UINT16_MAX);
	st->attached = (uint16_t)sriov_mgmt_rd_int(r, o, "attached", 0, UINT16_MAX);
	st->active = (uint16_t)sriov_mgmt_rd_int(r, o, "active", 0, UINT16_MAX);
	st->quarantined = (uint16_t)sriov_mgmt_rd_int(r, o, "quarantined", 0, UINT16_MAX);
	st->total_queue_pairs = (uint16_t)sriov_mgmt_rd_int(r, o, "total_queue_pairs", 0,
							    UINT16_MAX);
	st->pf_queue_pairs = (uint16_t)sriov_mgmt_rd_int(r, o, "pf_queue_pairs", 0, UINT16_MAX);
	st->free_queue_pairs = (uint16_t)sriov_mgmt_rd_int(r, o, "free_queue_pairs", 0,
							   UINT16_MAX);
	st->max_vectors_per_vf = (uint16_t)sriov_mgmt_rd_int(r, o, "max_vectors_per_vf", 0,
							     UINT16_MAX);
	st->numa_nodes = (int)sriov_mgmt_rd_int(r, o, "numa_nodes", 0, INT32_MAX);
	st->ari = sriov_mgmt_rd_bool(r, o, "ari");
}

static void
sriov_mgmt_rd_pf(struct sriov_mgmt_rd *r, struct json_object *o, struct sriov_mgmt_pf_status *st)
{
	st->rid = sriov_mgmt_rd_rid(r, o, "rid");
	sriov_mgmt_rd_name(r, o, "name", st->name);
	sriov_mgmt_rd_mac(r, o, "mac", st->mac);
	st->link_up = sriov_mgmt_rd_bool(r, o, "link_up");
	st->speed_mbps = (uint32_t)sriov_mgmt_rd_int(r, o, "speed", 0, UINT32_MAX);
	st->mtu = (uint16_t)sriov_mgmt_rd_int(r, o, "mtu", 0, UINT16_MAX);
	st->rx_packets = sriov_mgmt_rd_u64(r, o, "rx");
	st->tx_packets = sriov_mgmt_rd_u64(r, o, "tx");
	st->drops = sriov_mgmt_rd_u64(r, o, "drops");
}

static int
sriov_mgmt_rd_result(struct sriov_mgmt_rd *r, struct json_object *res,
		     struct sriov_mgmt_resp *out)
{
	struct json_object *v;
	const char *s;
	size_t i, n;

	s = json_object_to_json_string_ext(res, JSON_C_TO_STRING_PRETTY |
					   JSON_C_TO_STRING_SPACED |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	out->result_json = s != NULL ? strdup(s) : NULL;
	if (out->result_json == NULL)
		return -ENOMEM;
	if (json_object_object_get_ex(res, "vfs", &v)) {
		if (!json_object_is_type(v, json_type_array)) {
			r->bad = "vfs";
			return 0;
		}
		n = json_object_array_length(v);
		if (n > SRIOV_TOTAL_VFS_MAX) {
			r->bad = "vfs";
			return 0;
		}
		out->has_vf_table = true;
		out->vfs = calloc(n != 0 ? n : 1, sizeof(*out->vfs));
		if (out->vfs == NULL)
			return -ENOMEM;
		out->nb_vfs = (unsigned int)n;
		for (i = 0; i < n; i++)
			sriov_mgmt_rd_vf(r, json_object_array_get_idx(v, i), &out->vfs[i]);
	} else if (json_object_object_get_ex(res, "switch", &v)) {
		out->has_switch = true;
		if (!json_object_is_type(v, json_type_object))
			r->bad = "switch";
		else
			sriov_mgmt_rd_switch(r, v, &out->sw);
	} else if (json_object_object_get_ex(res, "pf", &v)) {
		out->has_pf = true;
		if (!json_object_is_type(v, json_type_object))
			r->bad = "pf";
		else
			sriov_mgmt_rd_pf(r, v, &out->pf);
	} else if (json_object_object_get_ex(res, "vf", NULL)) {
		out->has_alloc = true;
		out->vf = (uint16_t)sriov_mgmt_rd_int(r, res, "vf", 0, SRIOV_TOTAL_VFS_MAX - 1);
		out->rid = sriov_mgmt_rd_rid(r, res, "rid");
	}
	return 0;
}

void
sriov_mgmt_resp_free(struct sriov_mgmt_resp *resp)
{
	free(resp->result_json);
	free(resp->vfs);
	resp->result_json = NULL;
	resp->vfs = NULL;
	resp->nb_vfs = 0;
}

int
sriov_mgmt_decode_response(const char *line, size_t len, struct sriov_mgmt_resp *out,
			   char *err, size_t errlen)
{
	struct sriov_mgmt_rd r = { NULL };
	struct json_object *root, *res;
	struct json_tokener *tok;
	int ret = -EPROTO;

	memset(out, 0, sizeof(*out));
	if (len > SRIOV_MGMT_REPLY_MAX)
		return sriov_mgmt_fail(err, errlen, -EMSGSIZE, "reply of %zu bytes", len);
	if (len > 0 && line[len - 1] == '\n')
		len--;
	tok = json_tokener_new_ex(SRIOV_MGMT_JSON_DEPTH);
	if (tok == NULL)
		return -ENOMEM;
	root = json_tokener_parse_ex(tok, line, (int)len);
	if (root == NULL || json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len ||
	    !json_object_is_type(root, json_type_object)) {
		sriov_mgmt_fail(err, errlen, -EPROTO, "the reply is not one JSON object");
		goto out;
	}
	if (sriov_mgmt_rd_int(&r, root, "v", 0, INT32_MAX) != SRIOV_MGMT_VERSION) {
		sriov_mgmt_fail(err, errlen, -EPROTO, "the reply is not protocol version %d",
				SRIOV_MGMT_VERSION);
		goto out;
	}
	out->ok = sriov_mgmt_rd_bool(&r, root, "ok");
	if (!out->ok) {
		out->err = (int)sriov_mgmt_rd_int(&r, root, "errno", 1, 4095);
		snprintf(out->message, sizeof(out->message), "%s",
			 sriov_mgmt_rd_str(&r, root, "message"));
	} else if (json_object_object_get_ex(root, "result", &res)) {
		if (!json_object_is_type(res, json_type_object))
			r.bad = "result";
		else if (sriov_mgmt_rd_result(&r, res, out) < 0)
			ret = -ENOMEM;
	}
	if (ret == -ENOMEM) {
		sriov_mgmt_resp_free(out);
		goto out;
	}
	if (r.bad != NULL) {
		sriov_mgmt_fail(err, errlen, -EPROTO, "reply member '%s' missing or mistyped",
				r.bad);
		sriov_mgmt_resp_free(out);
		goto out;
	}
	ret = 0;
out:
	json_object_put(root);
	json_tokener_free(tok);
	return ret;
}

/* ---- execution against the switch ---- */

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int
sriov_mgmt_reply_error(char **line, size_t *len, int err, const char *fmt, ...)
{
	char msg[SRIOV_MGMT_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (err < 0)
		err = -err;
	SRIOV_LOG(INFO, "management request refused: %s (%s)", msg, sriov_mgmt_errno_name(err));
	return sriov_mgmt_encode_error(err, msg, line, len);
}

/* The switch refused something execute() did not foresee: say what and where. */
static int
sriov_mgmt_reply_switch_error(char **line, size_t *len, int err, const char *what,
			      uint16_t vf_id, const struct sriov_switch *sw)
{
	const struct sriov_vf *vf = sriov_switch_vf_const(sw, vf_id);

	return sriov_mgmt_reply_error(line, len, err, "%s vf %u refused in state %s: %s",
				      what, vf_id,
				      vf != NULL ? sriov_mgmt_vf_state_name(vf->state) : "none",
				      strerror(-err));
}

/* Is @p vf_id an enabled VF (@p need_alloc: with parameters)? 0 or a reply. */
static int
sriov_mgmt_check_vf(struct sriov_switch *sw, uint16_t vf_id, bool need_alloc, char **line,
		    size_t *len, bool *replied)
{
	uint16_t n = sriov_switch_num_vfs(sw);
	const struct sriov_vf *vf;

	*replied = true;
	if (vf_id >= n) {
		if (n == 0)
			return sriov_mgmt_reply_error(line, len, ENOENT, "no vf %u: SR-IOV is not "
						      "enabled on the PF (num_vfs is 0)", vf_id);
		return sriov_mgmt_reply_error(line, len, ENOENT, "no vf %u: the PF has %u VFs "
					      "enabled (0..%u)", vf_id, n, n - 1);
	}
	vf = sriov_switch_vf_const(sw, vf_id);
	if (need_alloc && !sriov_vf_state_is_allocated(vf->state))
		return sriov_mgmt_reply_error(line, len, ENOENT, "vf %u is not allocated: "
					      "allocate one with 'svnic-ctl vf alloc queues N'",
					      vf_id);
	*replied = false;
	return 0;
}

/* Another VF that already owns @p mac, or -1. */
static int
sriov_mgmt_mac_owner(struct sriov_switch *sw, const uint8_t mac[6], uint16_t self)
{
	const struct sriov_vf *vf;
	uint16_t i;

	for (i = 0; i < sriov_switch_num_vfs(sw); i++) {
		vf = sriov_switch_vf_const(sw, i);
		if (i == self || !sriov_vf_state_is_allocated(vf->state))
			continue;
		if (memcmp(vf->params.perm_mac, mac, 6) == 0)
			return i;
		if (sriov_vf_state_has_vport(vf->state) && vf->vport.props.mac_set &&
		    memcmp(vf->vport.props.mac, mac, 6) == 0)
			return i;
	}
	return -1;
}

static int
sriov_mgmt_exec_alloc(struct sriov_switch *sw, const struct sriov_mgmt_req *req, char **line,
		      size_t *len)
{
	const struct sriov_switch_cfg *cfg = sriov_switch_get_cfg(sw);
	struct sriov_vport_props props;
	struct sriov_vf_params p;
	uint16_t i, vf_id, rid;
	int owner, ret;

	for (i = 0; i < sriov_switch_num_vfs(sw); i++)
		if (sriov_switch_vf_const(sw, i)->state == SRIOV_VF_HW_READY)
			break;
	if (sriov_switch_num_vfs(sw) == 0)
		return sriov_mgmt_reply_error(line, len, ENOSPC, "SR-IOV is not enabled on the "
					      "PF: start it with VFs (num_vfs) first");
	if (i == sriov_switch_num_vfs(sw))
		return sriov_mgmt_reply_error(line, len, ENOSPC, "all %u VFs are allocated: free "
					      "one first ('svnic-ctl vf free N cascade')", i);
	if (req->queues > sriov_switch_free_queue_pairs(sw))
		return sriov_mgmt_reply_error(line, len, ENOSPC, "%u queue pairs asked, %u free "
					      "on the device: ask for fewer or free a VF",
					      req->queues, sriov_switch_free_queue_pairs(sw));
	if (req->numa != SRIOV_NUMA_ANY && req->numa >= cfg->numa_nodes)
		return sriov_mgmt_reply_error(line, len, EINVAL, "no NUMA node %d: the host has "
					      "%d; use 0..%d or leave numa out", req->numa,
					      cfg->numa_nodes, cfg->numa_nodes - 1);
	memset(&p, 0, sizeof(p));
	p.switch_id = cfg->switch_id;
	p.num_queue_pairs = req->queues;
	p.numa_node = req->numa;
	/* one vector per queue pair and one for the mailbox, as far as the device goes */
	p.num_vectors = (uint16_t)(req->queues + 1 < cfg->max_vectors_per_vf ?
				   req->queues + 1 : cfg->max_vectors_per_vf);
	memcpy(p.name, req->name, sizeof(p.name));
	p.name[sizeof(p.name) - 1] = '\0';
	if (req->has_mac) {
		owner = sriov_mgmt_mac_owner(sw, req->mac, SRIOV_TOTAL_VFS_MAX);
		if (owner >= 0)
			return sriov_mgmt_reply_error(line, len, EEXIST, "mac %02x:%02x:%02x:%02x:"
						      "%02x:%02x is vf %d's already: pick another",
						      req->mac[0], req->mac[1], req->mac[2],
						      req->mac[3], req->mac[4], req->mac[5], owner);
		memcpy(p.perm_mac, req->mac, 6);
	} else {
		/* locally administered, "sv" and the switch: unique per VF */
		const uint8_t gen[6] = { 0x02, 0x73, 0x76, (uint8_t)cfg->switch_id,
			(uint8_t)(i >> 8), (uint8_t)i };

		memcpy(p.perm_mac, gen, 6);
	}
	ret = sriov_vf_alloc(sw, &p, &vf_id, &rid);
	if (ret < 0)
		return sriov_mgmt_reply_error(line, len, ret, "the switch refused the allocation: "
					      "%s", strerror(-ret));
	/* An operator's VF is usable at once, as `ip link` users expect: give it a VPort. */
	sriov_vport_props_init(&props);
	if (req->has_mac) {
		memcpy(props.mac, req->mac, 6);
		props.mac_set = true;
	}
	if (req->has_vlan) {
		props.vlan_id = req->vlan;
		props.vlan_qos = req->qos;
		props.vlan_proto = req->proto;
	}
	ret = sriov_vport_create(sw, vf_id, SRIOV_QUEUE_AUTO, 0, &props);
	if (ret < 0) {
		sriov_vf_free(sw, vf_id, 0);
		return sriov_mgmt_reply_error(line, len, ret, "no contiguous range of %u free "
					      "queue pairs for vf %u's VPort: free a VF or ask for "
					      "fewer queues", req->queues, vf_id);
	}
	return sriov_mgmt_encode_alloc(vf_id, rid, line, len);
}

static int
sriov_mgmt_exec_free(struct sriov_switch *sw, const struct sriov_mgmt_req *req, char **line,
		     size_t *len)
{
	const struct sriov_vf *vf = sriov_switch_vf_const(sw, req->vf);
	bool replied;
	int ret;

	ret = sriov_mgmt_check_vf(sw, req->vf, true, line, len, &replied);
	if (replied)
		return ret;
	if (sriov_vf_state_has_vport(vf->state) && !req->cascade)
		return sriov_mgmt_reply_error(line, len, EBUSY, "vf %u has a VPort; use cascade "
					      "('svnic-ctl vf free %u cascade') or delete it first",
					      req->vf, req->vf);
	ret = sriov_vf_free(sw, req->vf, req->cascade ? SRIOV_FREE_CASCADE : 0);
	if (ret < 0)
		return sriov_mgmt_reply_switch_error(line, len, ret, "free", req->vf, sw);
	return sriov_mgmt_encode_ok(line, len);
}

static int
sriov_mgmt_exec_reset(struct sriov_switch *sw, const struct sriov_mgmt_req *req, char **line,
		      size_t *len)
{
	const struct sriov_vf *vf = sriov_switch_vf_const(sw, req->vf);
	bool replied;
	int ret;

	ret = sriov_mgmt_check_vf(sw, req->vf, true, line, len, &replied);
	if (replied)
		return ret;
	if (!sriov_vf_state_has_vport(vf->state))
		return sriov_mgmt_reply_error(line, len, ENOTCONN, "vf %u has no VPort: there is "
					      "nothing to reset", req->vf);
	if (vf->state == SRIOV_VF_RESETTING)
		return sriov_mgmt_reply_error(line, len, EBUSY, "vf %u is resetting already: "
					      "wait and look again with 'svnic-ctl vf show %u'",
					      req->vf, req->vf);
	ret = sriov_vf_reset(sw, req->vf, true);
	if (ret < 0)
		return sriov_mgmt_reply_switch_error(line, len, ret, "reset", req->vf, sw);
	return sriov_mgmt_encode_ok(line, len);
}

/* Everything checked before anything changes, so a refused vf.set changes nothing. */
static int
sriov_mgmt_exec_set(struct sriov_switch *sw, const struct sriov_mgmt_req *req,
		    const struct sriov_mgmt_ops *ops, void *ctx, char **line, size_t *len)
{
	const struct sriov_vf *vf = sriov_switch_vf_const(sw, req->vf);
	uint32_t min_rate, max_rate;
	bool replied;
	int owner, ret = 0;

	ret = sriov_mgmt_check_vf(sw, req->vf, true, line, len, &replied);
	if (replied)
		return ret;
	if (!sriov_vf_state_has_vport(vf->state))
		return sriov_mgmt_reply_error(line, len, ENOTCONN, "vf %u has no VPort: free it "
					      "and allocate it again with 'svnic-ctl vf alloc'",
					      req->vf);
	min_rate = req->set & SRIOV_MGMT_SET_MIN_RATE ? req->min_rate :
		vf->vport.props.min_tx_rate;
	max_rate = req->set & SRIOV_MGMT_SET_MAX_RATE ? req->max_rate :
		vf->vport.props.max_tx_rate;
	if (max_rate != 0 && min_rate > max_rate)
		return sriov_mgmt_reply_error(line, len, EINVAL, "vf %u: min rate %u above max "
					      "rate %u Mbit/s: raise max or lower min", req->vf,
					      min_rate, max_rate);
	if (req->set & SRIOV_MGMT_SET_MAC) {
		owner = sriov_mgmt_mac_owner(sw, req->mac, req->vf);
		if (owner >= 0)
			return sriov_mgmt_reply_error(line, len, EEXIST, "mac %02x:%02x:%02x:%02x:"
						      "%02x:%02x is vf %d's already: pick another",
						      req->mac[0], req->mac[1], req->mac[2],
						      req->mac[3], req->mac[4], req->mac[5], owner);
		ret = sriov_vport_set_mac(sw, req->vf, req->mac);
	}
	if (ret == 0 && (req->set & SRIOV_MGMT_SET_VLAN))
		ret = sriov_vport_set_vlan(sw, req->vf, req->vlan, req->qos, req->proto);
	if (ret == 0 && (req->set & SRIOV_MGMT_SET_SPOOFCHK))
		ret = sriov_vport_set_spoofchk(sw, req->vf, req->spoofchk);
	if (ret == 0 && (req->set & SRIOV_MGMT_SET_TRUST))
		ret = sriov_vport_set_trust(sw, req->vf, req->trust);
	if (ret == 0 && (req->set & (SRIOV_MGMT_SET_MIN_RATE | SRIOV_MGMT_SET_MAX_RATE)))
		ret = sriov_vport_set_rate(sw, req->vf, min_rate, max_rate);
	if (ret == 0 && (req->set & SRIOV_MGMT_SET_STATE))
		ret = sriov_vport_set_link_state(sw, req->vf, req->state);
	if (ret == 0 && (req->set & (SRIOV_MGMT_SET_PROMISC | SRIOV_MGMT_SET_ALLMULTI)))
		ret = sriov_vport_set_rx_mode_allow(sw, req->vf,
			req->set & SRIOV_MGMT_SET_PROMISC ? req->allow_promisc :
			vf->vport.props.allow_promisc,
			req->set & SRIOV_MGMT_SET_ALLMULTI ? req->allow_allmulti :
			vf->vport.props.allow_allmulti);
	/* the decoder and the checks above leave the setters nothing to refuse */
	if (ret < 0)
		return sriov_mgmt_reply_switch_error(line, len, ret, "set", req->vf, sw);
	if (ops != NULL && ops->vport_changed != NULL)
		ops->vport_changed(ctx, req->vf);
	return sriov_mgmt_encode_ok(line, len);
}

int
sriov_mgmt_vf_entry_get(struct sriov_switch *sw, uint16_t vf_id,
			const struct sriov_mgmt_ops *ops, void *ctx,
			struct sriov_mgmt_vf_entry *e)
{
	const struct sriov_vf *vf;
	int ret;

	memset(e, 0, sizeof(*e));
	ret = sriov_vf_get_info(sw, vf_id, &e->info);
	if (ret < 0)
		return ret;
	vf = sriov_switch_vf_const(sw, vf_id);
	if (sriov_vf_state_has_vport(vf->state)) {
		e->has_vport = true;
		e->queue_base = vf->vport.queue_base;
		e->nb_queues = vf->vport.nb_queues;
		e->props = vf->vport.props;
	}
	e->stats.guest_connected = vf->state == SRIOV_VF_ACTIVE;
	if (ops != NULL && ops->vf_stats != NULL && ops->vf_stats(ctx, vf_id, &e->stats) < 0)
		memset(&e->stats, 0, sizeof(e->stats));
	return 0;
}

static int
sriov_mgmt_exec_show(struct sriov_switch *sw, const struct sriov_mgmt_req *req,
		     const struct sriov_mgmt_ops *ops, void *ctx, char **line, size_t *len)
{
	struct sriov_mgmt_vf_entry *vfs;
	unsigned int nb = 0;
	bool replied;
	uint16_t i;
	int ret;

	if (req->has_vf) {
		ret = sriov_mgmt_check_vf(sw, req->vf, true, line, len, &replied);
		if (replied)
			return ret;
	}
	vfs = calloc(SRIOV_TOTAL_VFS_MAX, sizeof(*vfs));
	if (vfs == NULL)
		return -ENOMEM;
	for (i = 0; i < sriov_switch_num_vfs(sw); i++) {
		if (req->has_vf && i != req->vf)
			continue;
		if (sriov_mgmt_vf_entry_get(sw, i, ops, ctx, &vfs[nb]) == 0)
			nb++;
	}
	ret = sriov_mgmt_encode_vf_table(vfs, nb, line, len);
	free(vfs);
	return ret;
}

static int
sriov_mgmt_exec_switch(struct sriov_switch *sw, char **line, size_t *len)
{
	const struct sriov_switch_cfg *cfg = sriov_switch_get_cfg(sw);
	struct sriov_mgmt_switch_status st;
	const struct sriov_vf *vf;
	uint16_t i;

	memset(&st, 0, sizeof(st));
	st.switch_id = cfg->switch_id;
	st.total_vfs = cfg->total_vfs;
	st.num_vfs = sriov_switch_num_vfs(sw);
	st.total_queue_pairs = cfg->total_queue_pairs;
	st.pf_queue_pairs = cfg->pf_queue_pairs;
	st.free_queue_pairs = sriov_switch_free_queue_pairs(sw);
	st.max_vectors_per_vf = cfg->max_vectors_per_vf;
	st.numa_nodes = cfg->numa_nodes;
	st.ari = cfg->ari;
	for (i = 0; i < st.num_vfs; i++) {
		vf = sriov_switch_vf_const(sw, i);
		st.allocated += sriov_vf_state_is_allocated(vf->state);
		st.attached += sriov_vf_state_has_vport(vf->state);
		st.active += vf->state == SRIOV_VF_ACTIVE;
		st.quarantined += vf->state == SRIOV_VF_QUARANTINED;
	}
	return sriov_mgmt_encode_switch(&st, line, len);
}

static int
sriov_mgmt_exec_pf(struct sriov_switch *sw, const struct sriov_mgmt_ops *ops, void *ctx,
		   char **line, size_t *len)
{
	const struct sriov_switch_cfg *cfg = sriov_switch_get_cfg(sw);
	struct sriov_mgmt_pf_status st;
	int ret;

	memset(&st, 0, sizeof(st));
	/* with ARI the function number takes the device's 5 bits too */
	st.rid = (uint16_t)(cfg->pf_bus << 8 |
			    (cfg->ari ? cfg->pf_fn : (cfg->pf_dev & 0x1f) << 3 | (cfg->pf_fn & 7)));
	if (ops != NULL && ops->pf_status != NULL) {
		ret = ops->pf_status(ctx, &st);
		if (ret < 0)
			return sriov_mgmt_reply_error(line, len, ret, "the PF driver could "
						      "not read its status: %s; look at its log",
						      strerror(-ret));
		st.name[sizeof(st.name) - 1] = '\0';
	}
	return sriov_mgmt_encode_pf(&st, line, len);
}

int
sriov_mgmt_execute(struct sriov_switch *sw, const struct sriov_mgmt_req *req,
		   const struct sriov_mgmt_ops *ops, void *ctx, char **line, size_t *len)
{
	*line = NULL;
	switch (req->op) {
	case SRIOV_MGMT_OP_VF_ALLOC:
		return sriov_mgmt_exec_alloc(sw, req, line, len);
	case SRIOV_MGMT_OP_VF_FREE:
		return sriov_mgmt_exec_free(sw, req, line, len);
	case SRIOV_MGMT_OP_VF_RESET:
		return sriov_mgmt_exec_reset(sw, req, line, len);
	case SRIOV_MGMT_OP_VF_SET:
		return sriov_mgmt_exec_set(sw, req, ops, ctx, line, len);
	case SRIOV_MGMT_OP_VF_SHOW:
		return sriov_mgmt_exec_show(sw, req, ops, ctx, line, len);
	case SRIOV_MGMT_OP_SWITCH_SHOW:
		return sriov_mgmt_exec_switch(sw, line, len);
	case SRIOV_MGMT_OP_PF_SHOW:
		return sriov_mgmt_exec_pf(sw, ops, ctx, line, len);
	case SRIOV_MGMT_OP_MAX:
		break;
	}
	return sriov_mgmt_reply_error(line, len, EINVAL, "unknown op %d", (int)req->op);
}

int
sriov_mgmt_handle_line(struct sriov_switch *sw, const char *req_line, size_t req_len,
		       const struct sriov_mgmt_ops *ops, void *ctx, char **line, size_t *len)
{
	char err[SRIOV_MGMT_MSG_MAX];
	struct sriov_mgmt_req req;
	int ret;

	ret = sriov_mgmt_decode_request(req_line, req_len, &req, err, sizeof(err));
	if (ret == -ENOMEM)
		return ret;
	if (ret < 0) {
		SRIOV_LOG(INFO, "management request refused: %s", err);
		return sriov_mgmt_encode_error(-ret, err, line, len);
	}
	return sriov_mgmt_execute(sw, &req, ops, ctx, line, len);
}
