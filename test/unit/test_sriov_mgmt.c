/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management protocol: refusals of the request decoder first (truncated,
 * not an object, unknown op and field, wrong types, out of range, bad MACs,
 * oversize, wrong version), then every request through encode and decode,
 * the replies both ways, and sriov_mgmt_execute() on a real switch.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "sriov_mgmt.h"
#include "unit.h"

static const uint8_t mac_a[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b };

static int
decode(const char *line, struct sriov_mgmt_req *req, char *err, size_t errlen)
{
	return sriov_mgmt_decode_request(line, strlen(line), req, err, errlen);
}

/* ---- refusals ---- */

static const struct {
	const char *line;
	int ret;
	const char *msg;
} bad_requests[] = {
	{ "", -EINVAL, "empty" },
	{ "\n", -EINVAL, "empty" },
	{ "{\"v\":1,\"op\":\"vf.show\"", -EINVAL, "truncated" },
	{ "{\"v\":1,", -EINVAL, "truncated" },
	{ "{\"v\":1,\"op\":\"vf.show\"} {}", -EINVAL, "after the object" },
	{ "{\"v\":1,\"op\":\"vf.show\"}\n\n", -EINVAL, "one line" },
	{ "nonsense", -EINVAL, "not one JSON object" },
	{ "[1,2]", -EINVAL, "one JSON object" },
	{ "42", -EINVAL, "one JSON object" },
	{ "\"vf.show\"", -EINVAL, "one JSON object" },
	{ "{\"op\":\"vf.show\"}", -EINVAL, "no protocol version" },
	{ "{\"v\":\"1\",\"op\":\"vf.show\"}", -EINVAL, "'v' must be an integer" },
	{ "{\"v\":2,\"op\":\"vf.show\"}", -EPROTONOSUPPORT, "version 2" },
	{ "{\"v\":0,\"op\":\"vf.show\"}", -EPROTONOSUPPORT, "version 0" },
	{ "{\"v\":1}", -EINVAL, "no 'op'" },
	{ "{\"v\":1,\"op\":7}", -EINVAL, "no 'op'" },
	{ "{\"v\":1,\"op\":\"vf.destroy\"}", -EINVAL, "unknown op 'vf.destroy'" },
	{ "{\"v\":1,\"op\":\"vf.show\",\"colour\":1}", -EINVAL, "unknown field 'colour'" },
	/* a field of another op is unknown here */
	{ "{\"v\":1,\"op\":\"vf.free\",\"vf\":0,\"queues\":2}", -EINVAL, "unknown field 'queues'" },
	{ "{\"v\":1,\"op\":\"switch.show\",\"vf\":0}", -EINVAL, "unknown field 'vf'" },
	{ "{\"v\":1,\"op\":\"vf.alloc\"}", -EINVAL, "needs 'queues'" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":\"2\"}",
		-EINVAL, "'queues' must be an integer" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":2.0}", -EINVAL, "'queues' must be an integer" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":0}", -EINVAL, "'queues' out of range" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":65}", -EINVAL, "'queues' out of range" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":99999999999999999999}", -EINVAL,
		"out of range" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":-99999999999999999999}", -EINVAL,
		"out of range" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1,\"mac\":1}",
		-EINVAL, "'mac' must be a string" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1,\"mac\":\"01:00:5e:00:00:01\"}", -EINVAL,
		"not a unicast" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1,\"mac\":\"00:00:00:00:00:00\"}", -EINVAL,
		"not a unicast" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1,\"mac\":\"02:00:00:00:00\"}", -EINVAL,
		"xx:xx" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1,\"mac\":\"02:00:00:00:00:0g\"}", -EINVAL,
		"xx:xx" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1,\"mac\":\"02-00-00-00-00-01\"}", -EINVAL,
		"xx:xx" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1,\"mac\":\"02:00:00:00:00:01:\"}", -EINVAL,
		"xx:xx" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1,\"mac\":\"02:00:00:00:00:01\\u0000\"}",
		-EINVAL, "NUL" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1,\"vlan\":4095}",
		-EINVAL, "'vlan' out of range" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1,\"vlan\":-1}",
		-EINVAL, "'vlan' out of range" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1,\"vlan\":5,\"qos\":8}", -EINVAL,
		"'qos' out of range" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1,\"qos\":3}", -EINVAL, "'qos' needs 'vlan'" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1,\"proto\":\"802.1ad\"}", -EINVAL,
		"'proto' needs 'vlan'" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1,\"vlan\":0,\"qos\":3}", -EINVAL,
		"VLAN id other than 0" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1,\"vlan\":5,\"proto\":\"802.1x\"}", -EINVAL,
		"'proto' must be" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1,"
		"\"name\":\"0123456789abcdef0123456789abcdef\"}",
		-EINVAL, "'name' must be at most 31" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1,\"name\":\"tab\\there\"}", -EINVAL,
		"printable" },
	{ "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1,\"numa\":-2}",
		-EINVAL, "'numa' out of range" },
	{ "{\"v\":1,\"op\":\"vf.free\"}", -EINVAL, "vf.free needs 'vf'" },
	{ "{\"v\":1,\"op\":\"vf.free\",\"vf\":256}", -EINVAL, "'vf' out of range (0..255)" },
	{ "{\"v\":1,\"op\":\"vf.free\",\"vf\":1,\"cascade\":1}", -EINVAL,
		"'cascade' must be true or false" },
	{ "{\"v\":1,\"op\":\"vf.reset\"}", -EINVAL, "vf.reset needs 'vf'" },
	{ "{\"v\":1,\"op\":\"vf.set\",\"vf\":0}", -EINVAL, "vf.set needs a setting" },
	{ "{\"v\":1,\"op\":\"vf.set\",\"spoofchk\":true}", -EINVAL, "vf.set needs 'vf'" },
	{ "{\"v\":1,\"op\":\"vf.set\",\"vf\":0,\"trust\":\"on\"}", -EINVAL,
		"'trust' must be true or false" },
	{ "{\"v\":1,\"op\":\"vf.set\",\"vf\":0,\"state\":\"up\"}", -EINVAL, "'state' must be" },
	{ "{\"v\":1,\"op\":\"vf.set\",\"vf\":0,\"max_rate\":1000001}", -EINVAL,
		"'max_rate' out of range" },
	{ "{\"v\":1,\"op\":\"vf.set\",\"vf\":0,\"min_rate\":200,\"max_rate\":100}", -EINVAL,
		"above 'max_rate'" },
	{ "{\"v\":1,\"op\":\"vf.set\",\"vf\":0,\"qos\":1}", -EINVAL, "'qos' needs 'vlan'" },
	{ "{\"v\":1,\"op\":\"vf.show\",\"vf\":-1}", -EINVAL, "'vf' out of range" },
	{ "{\"v\":1,\"op\":\"vf.show\",\"vf\":null}", -EINVAL, "'vf' must be an integer" },
	{ "{\"v\":1,\"op\":\"vf.set\",\"vf\":0,\"allow_promisc\":[]}", -EINVAL,
		"'allow_promisc' must be true or false" },
	{ "{\"v\":1,\"op\":\"vf.show\","
		"\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":1}}}}}}}}",
		-EINVAL, "not one JSON object" },
};

static void
test_decode_refusals(void)
{
	struct sriov_mgmt_req req, before;
	char err[SRIOV_MGMT_MSG_MAX];
	unsigned int i;
	int ret;

	for (i = 0; i < sizeof(bad_requests) / sizeof(bad_requests[0]); i++) {
		memset(&req, 0xa5, sizeof(req));
		before = req;
		ret = decode(bad_requests[i].line, &req, err, sizeof(err));
		if (ret != bad_requests[i].ret || strstr(err, bad_requests[i].msg) == NULL)
			fprintf(stderr, "\n  request %u %s: %d '%s'\n", i, bad_requests[i].line,
				ret, err);
		CU_ASSERT_EQUAL(ret, bad_requests[i].ret);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad_requests[i].msg));
		/* a refusal leaves the output alone */
		CU_ASSERT_EQUAL(memcmp(&req, &before, sizeof(req)), 0);
	}
	/* an embedded NUL ends nothing: the whole length is looked at */
	CU_ASSERT_EQUAL(sriov_mgmt_decode_request("{\"v\":1,\"op\":\"vf.show\"}\0x", 25, &req,
						  err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "NUL"));
	/* no message buffer is fine */
	CU_ASSERT_EQUAL(decode("{}", &req, NULL, 0), -EINVAL);
}

static void
test_decode_oversize(void)
{
	char err[SRIOV_MGMT_MSG_MAX], *line;
	struct sriov_mgmt_req req;
	size_t n = SRIOV_MGMT_REQ_MAX + 1;

	line = malloc(n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	memset(line, ' ', n);
	memcpy(line, "{\"v\":1,\"op\":\"vf.show\"}", 22);
	line[n - 1] = '\n';
	CU_ASSERT_EQUAL(sriov_mgmt_decode_request(line, n, &req, err, sizeof(err)), -EMSGSIZE);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "limit is 4096"));
	/* at the limit, trailing white space is still one object */
	CU_ASSERT_EQUAL(sriov_mgmt_decode_request(line, n - 1, &req, err, sizeof(err)), 0);
	free(line);
}

static void
test_decode_accepts(void)
{
	char err[SRIOV_MGMT_MSG_MAX];
	struct sriov_mgmt_req req;

	CU_ASSERT_EQUAL(decode("{\"v\":1,\"op\":\"vf.alloc\",\"queues\":64,\"mac\":"
			       "\"02:AB:cd:00:00:01\",\"vlan\":4094,\"qos\":7,"
			       "\"proto\":\"802.1ad\","
			       "\"name\":\"web ~\",\"numa\":0}\n", &req, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(req.op, SRIOV_MGMT_OP_VF_ALLOC);
	CU_ASSERT_EQUAL(req.queues, 64);
	CU_ASSERT(req.has_mac && req.mac[1] == 0xab && req.mac[2] == 0xcd);
	CU_ASSERT(req.has_vlan && req.vlan == 4094 && req.qos == 7);
	CU_ASSERT_EQUAL(req.proto, SRIOV_VLAN_PROTO_8021AD);
	CU_ASSERT_STRING_EQUAL(req.name, "web ~");
	CU_ASSERT_EQUAL(req.numa, 0);
	CU_ASSERT_EQUAL(req.set, 0);
	CU_ASSERT_EQUAL(decode("{\"op\":\"vf.set\",\"vf\":255,\"v\":1,\"state\":\"disable\","
			       "\"min_rate\":10}", &req, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(req.vf, 255);
	CU_ASSERT_EQUAL(req.set, SRIOV_MGMT_SET_STATE | SRIOV_MGMT_SET_MIN_RATE);
	CU_ASSERT_EQUAL(req.state, SRIOV_LINK_DISABLE);
	CU_ASSERT_EQUAL(decode("{\"v\":1,\"op\":\"vf.show\"}", &req, err, sizeof(err)), 0);
	CU_ASSERT_FALSE(req.has_vf);
}

/* ---- round trips ---- */

static void
req_assert_equal(const struct sriov_mgmt_req *a, const struct sriov_mgmt_req *b)
{
	CU_ASSERT_EQUAL(a->op, b->op);
	CU_ASSERT_EQUAL(a->vf, b->vf);
	CU_ASSERT_EQUAL(a->has_vf, b->has_vf);
	CU_ASSERT_EQUAL(a->cascade, b->cascade);
	CU_ASSERT_EQUAL(a->queues, b->queues);
	CU_ASSERT_EQUAL(a->numa, b->numa);
	CU_ASSERT_STRING_EQUAL(a->name, b->name);
	CU_ASSERT_EQUAL(a->has_mac, b->has_mac);
	CU_ASSERT_EQUAL(memcmp(a->mac, b->mac, 6), 0);
	CU_ASSERT_EQUAL(a->has_vlan, b->has_vlan);
	CU_ASSERT_EQUAL(a->vlan, b->vlan);
	CU_ASSERT_EQUAL(a->qos, b->qos);
	CU_ASSERT_EQUAL(a->proto, b->proto);
	CU_ASSERT_EQUAL(a->set, b->set);
	CU_ASSERT_EQUAL(a->spoofchk, b->spoofchk);
	CU_ASSERT_EQUAL(a->trust, b->trust);
	CU_ASSERT_EQUAL(a->min_rate, b->min_rate);
	CU_ASSERT_EQUAL(a->max_rate, b->max_rate);
	CU_ASSERT_EQUAL(a->state, b->state);
	CU_ASSERT_EQUAL(a->allow_promisc, b->allow_promisc);
	CU_ASSERT_EQUAL(a->allow_allmulti, b->allow_allmulti);
}

static void
roundtrip(const struct sriov_mgmt_req *req)
{
	char err[SRIOV_MGMT_MSG_MAX], *line = NULL;
	struct sriov_mgmt_req back;
	size_t len;

	CU_ASSERT_EQUAL_FATAL(sriov_mgmt_encode_request(req, &line, &len), 0);
	CU_ASSERT_EQUAL(len, strlen(line));
	CU_ASSERT_EQUAL(line[len - 1], '\n');
	CU_ASSERT_PTR_NULL(memchr(line, '\n', len - 1));
	CU_ASSERT_EQUAL(sriov_mgmt_decode_request(line, len, &back, err, sizeof(err)), 0);
	req_assert_equal(req, &back);
	free(line);
}

static void
test_roundtrip_every_request(void)
{
	struct sriov_mgmt_req r;

	sriov_mgmt_req_init(&r, SRIOV_MGMT_OP_VF_ALLOC);
	r.queues = 1;
	roundtrip(&r);
	r.queues = 8;
	r.has_mac = true;
	memcpy(r.mac, mac_a, 6);
	r.has_vlan = true;
	r.vlan = 100;
	r.qos = 3;
	r.proto = SRIOV_VLAN_PROTO_8021AD;
	strcpy(r.name, "tenant-a \"db\"\\1");
	r.numa = 0;
	roundtrip(&r);

	sriov_mgmt_req_init(&r, SRIOV_MGMT_OP_VF_FREE);
	r.has_vf = true;
	r.vf = 3;
	roundtrip(&r);
	r.cascade = true;
	roundtrip(&r);

	sriov_mgmt_req_init(&r, SRIOV_MGMT_OP_VF_RESET);
	r.has_vf = true;
	r.vf = 255;
	roundtrip(&r);

	sriov_mgmt_req_init(&r, SRIOV_MGMT_OP_VF_SET);
	r.has_vf = true;
	r.vf = 7;
	r.set = SRIOV_MGMT_SET_MAC;
	r.has_mac = true;
	memcpy(r.mac, mac_b, 6);
	roundtrip(&r);
	r.set = SRIOV_MGMT_SET_VLAN | SRIOV_MGMT_SET_SPOOFCHK | SRIOV_MGMT_SET_TRUST |
		SRIOV_MGMT_SET_MIN_RATE | SRIOV_MGMT_SET_MAX_RATE | SRIOV_MGMT_SET_STATE |
		SRIOV_MGMT_SET_PROMISC | SRIOV_MGMT_SET_ALLMULTI;
	r.has_mac = false;
	memset(r.mac, 0, 6);
	r.has_vlan = true;
	r.vlan = 4094;
	r.qos = 7;
	r.spoofchk = true;
	r.trust = true;
	r.min_rate = 100;
	r.max_rate = SRIOV_MGMT_RATE_MAX;
	r.state = SRIOV_LINK_ENABLE;
	r.allow_promisc = true;
	r.allow_allmulti = true;
	roundtrip(&r);
	r.set = SRIOV_MGMT_SET_STATE;
	r.has_vlan = false;
	r.vlan = 0;
	r.qos = 0;
	r.spoofchk = r.trust = r.allow_promisc = r.allow_allmulti = false;
	r.min_rate = r.max_rate = 0;
	r.state = SRIOV_LINK_DISABLE;
	roundtrip(&r);

	sriov_mgmt_req_init(&r, SRIOV_MGMT_OP_VF_SHOW);
	roundtrip(&r);
	r.has_vf = true;
	r.vf = 1;
	roundtrip(&r);
	sriov_mgmt_req_init(&r, SRIOV_MGMT_OP_SWITCH_SHOW);
	roundtrip(&r);
	sriov_mgmt_req_init(&r, SRIOV_MGMT_OP_PF_SHOW);
	roundtrip(&r);
}

static void
test_encode_request_refuses(void)
{
	struct sriov_mgmt_req r;
	char *line = (char *)&r;

	sriov_mgmt_req_init(&r, SRIOV_MGMT_OP_VF_ALLOC);
	CU_ASSERT_EQUAL(sriov_mgmt_encode_request(&r, &line, NULL), -EINVAL);	/* no queues */
	CU_ASSERT_PTR_NULL(line);
	r.queues = 2;
	r.has_vlan = true;
	r.qos = 2;		/* vlan 0 */
	CU_ASSERT_EQUAL(sriov_mgmt_encode_request(&r, &line, NULL), -EINVAL);
	r.proto = 0x1234;
	r.vlan = 5;
	CU_ASSERT_EQUAL(sriov_mgmt_encode_request(&r, &line, NULL), -EINVAL);
	sriov_mgmt_req_init(&r, SRIOV_MGMT_OP_VF_SET);
	r.has_vf = true;
	CU_ASSERT_EQUAL(sriov_mgmt_encode_request(&r, &line, NULL), -EINVAL);	/* no setting */
	r.op = SRIOV_MGMT_OP_MAX;
	CU_ASSERT_EQUAL(sriov_mgmt_encode_request(&r, &line, NULL), -EINVAL);
	CU_ASSERT_STRING_EQUAL(sriov_mgmt_op_name(SRIOV_MGMT_OP_MAX), "unknown");
	CU_ASSERT_STRING_EQUAL(sriov_mgmt_link_state_name((enum sriov_link_state)9), "unknown");
	CU_ASSERT_STRING_EQUAL(sriov_mgmt_vf_state_name(SRIOV_VF_STATE_MAX), "unknown");
}

/* ---- replies ---- */

static void
test_reply_ok_and_error(void)
{
	char err[SRIOV_MGMT_MSG_MAX], *line;
	struct sriov_mgmt_resp r;
	size_t len;

	CU_ASSERT_EQUAL_FATAL(sriov_mgmt_encode_ok(&line, &len), 0);
	CU_ASSERT_STRING_EQUAL(line, "{\"v\":1,\"ok\":true}\n");
	CU_ASSERT_EQUAL(sriov_mgmt_decode_response(line, len, &r, err, sizeof(err)), 0);
	CU_ASSERT(r.ok);
	CU_ASSERT_PTR_NULL(r.result_json);
	sriov_mgmt_resp_free(&r);
	free(line);

	CU_ASSERT_EQUAL_FATAL(sriov_mgmt_encode_error(EBUSY, "vf 3 has a VPort\nreally", &line,
						      &len), 0);
	CU_ASSERT_PTR_NULL(memchr(line, '\n', len - 1));	/* escaped: still one line */
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"error\":\"EBUSY\""));
	CU_ASSERT_EQUAL(sriov_mgmt_decode_response(line, len, &r, err, sizeof(err)), 0);
	CU_ASSERT_FALSE(r.ok);
	CU_ASSERT_EQUAL(r.err, EBUSY);
	CU_ASSERT_STRING_EQUAL(r.message, "vf 3 has a VPort\nreally");
	sriov_mgmt_resp_free(&r);
	free(line);
	/* a non-positive errno is still an error */
	CU_ASSERT_EQUAL_FATAL(sriov_mgmt_encode_error(0, NULL, &line, &len), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"errno\":5"));
	free(line);
}

static void
test_reply_decode_refusals(void)
{
	static const char *const bad[] = {
		"",
		"nope",
		"[]",
		"{\"ok\":true}",
		"{\"v\":2,\"ok\":true}",
		"{\"v\":1}",
		"{\"v\":1,\"ok\":false}",
		"{\"v\":1,\"ok\":false,\"errno\":0,\"message\":\"x\"}",
		"{\"v\":1,\"ok\":true,\"result\":[]}",
		"{\"v\":1,\"ok\":true,\"result\":{\"vfs\":{}}}",
		"{\"v\":1,\"ok\":true,\"result\":{\"vfs\":[1]}}",
		"{\"v\":1,\"ok\":true,\"result\":{\"vfs\":[{\"vf\":0}]}}",
		"{\"v\":1,\"ok\":true,\"result\":{\"switch\":1}}",
		"{\"v\":1,\"ok\":true,\"result\":{\"switch\":{}}}",
		"{\"v\":1,\"ok\":true,\"result\":{\"pf\":[]}}",
		"{\"v\":1,\"ok\":true,\"result\":{\"pf\":{\"rid\":\"01:20.0\"}}}",
		"{\"v\":1,\"ok\":true,\"result\":{\"vf\":1,\"rid\":\"1:00.1\"}}",
		"{\"v\":1,\"ok\":true,\"result\":{\"vf\":1,\"rid\":\"01:00.8\"}}",
		"{\"v\":1,\"ok\":true,\"result\":{\"vf\":1,\"rid\":\"01:00-1\"}}",
		"{\"v\":1,\"ok\":true,\"result\":{\"vf\":1,\"rid\":\"0x:00.1\"}}",
		"{\"v\":1,\"ok\":true,\"result\":{\"vf\":300,\"rid\":\"01:00.1\"}}",
		"{\"v\":1,\"ok\":true} x",
	};
	char err[SRIOV_MGMT_MSG_MAX];
	struct sriov_mgmt_resp r;
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(sriov_mgmt_decode_response(bad[i], strlen(bad[i]), &r, err,
							   sizeof(err)), -EPROTO);
		CU_ASSERT_PTR_NULL(r.vfs);
		CU_ASSERT_PTR_NULL(r.result_json);
	}
	CU_ASSERT_EQUAL(sriov_mgmt_decode_response("{}", SRIOV_MGMT_REPLY_MAX + 1, &r, err,
						   sizeof(err)), -EMSGSIZE);
}

static void
entry_fill(struct sriov_mgmt_vf_entry *e, uint16_t id)
{
	memset(e, 0, sizeof(*e));
	e->info.vf_id = id;
	e->info.rid = (uint16_t)(0x0101 + id);
	e->info.state = id == 0 ? SRIOV_VF_ALLOCATED : SRIOV_VF_QUARANTINED;
	e->info.params.num_queue_pairs = 4;
	e->info.params.numa_node = id == 0 ? SRIOV_NUMA_ANY : 1;
	e->info.params.num_vectors = 5;
	memcpy(e->info.params.perm_mac, mac_a, 6);
	strcpy(e->info.params.name, id == 0 ? "" : "db");
	e->stats.rx_packets = UINT64_MAX;
	e->stats.tx_packets = 12345678901ull;
	e->stats.drops = 7;
	e->stats.guest_connected = id == 1;
	if (id == 0)
		return;
	e->has_vport = true;
	e->queue_base = 8;
	e->nb_queues = 4;
	memcpy(e->props.mac, mac_b, 6);
	e->props.mac_set = true;
	e->props.vlan_id = 42;
	e->props.vlan_qos = 5;
	e->props.vlan_proto = SRIOV_VLAN_PROTO_8021AD;
	e->props.spoofchk = false;
	e->props.trust = true;
	e->props.link_state = SRIOV_LINK_DISABLE;
	e->props.min_tx_rate = 10;
	e->props.max_tx_rate = 4000000000u;
	e->props.allow_promisc = true;
	e->props.allow_allmulti = true;
}

static void
test_vf_table_roundtrip(void)
{
	struct sriov_mgmt_vf_entry in[2];
	char err[SRIOV_MGMT_MSG_MAX], *line;
	struct sriov_mgmt_resp r;
	struct json_object *root;
	unsigned int i;
	size_t len;

	entry_fill(&in[0], 0);
	entry_fill(&in[1], 1);
	CU_ASSERT_EQUAL_FATAL(sriov_mgmt_encode_vf_table(in, 2, &line, &len), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"rid\":\"01:00.1\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"rid\":\"01:00.2\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"vport\":null"));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"rx\":18446744073709551615"));
	CU_ASSERT_EQUAL_FATAL(sriov_mgmt_decode_response(line, len, &r, err, sizeof(err)), 0);
	free(line);
	CU_ASSERT(r.ok && r.has_vf_table);
	CU_ASSERT_EQUAL_FATAL(r.nb_vfs, 2);
	for (i = 0; i < 2; i++) {
		const struct sriov_mgmt_vf_entry *a = &in[i], *b = &r.vfs[i];

		CU_ASSERT_EQUAL(a->info.vf_id, b->info.vf_id);
		CU_ASSERT_EQUAL(a->info.rid, b->info.rid);
		CU_ASSERT_EQUAL(a->info.state, b->info.state);
		CU_ASSERT_EQUAL(memcmp(&a->info.params, &b->info.params, sizeof(a->info.params)),
				0);
		CU_ASSERT_EQUAL(a->has_vport, b->has_vport);
		CU_ASSERT_EQUAL(a->queue_base, b->queue_base);
		CU_ASSERT_EQUAL(a->nb_queues, b->nb_queues);
		CU_ASSERT_EQUAL(memcmp(&a->props, &b->props, sizeof(a->props)), 0);
		CU_ASSERT_EQUAL(memcmp(&a->stats, &b->stats, sizeof(a->stats)), 0);
	}
	/* the JSON for scripts is the result, parsed back */
	root = json_tokener_parse(r.result_json);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_EQUAL(json_object_array_length(json_object_object_get(root, "vfs")), 2);
	json_object_put(root);
	sriov_mgmt_resp_free(&r);
	/* an empty table */
	CU_ASSERT_EQUAL_FATAL(sriov_mgmt_encode_vf_table(in, 0, &line, &len), 0);
	CU_ASSERT_STRING_EQUAL(line, "{\"v\":1,\"ok\":true,\"result\":{\"vfs\":[]}}\n");
	CU_ASSERT_EQUAL(sriov_mgmt_decode_response(line, len, &r, err, sizeof(err)), 0);
	CU_ASSERT(r.has_vf_table && r.nb_vfs == 0);
	sriov_mgmt_resp_free(&r);
	free(line);
}

static void
test_status_roundtrip(void)
{
	struct sriov_mgmt_switch_status s = {
		.switch_id = 3, .total_vfs = 8, .num_vfs = 4, .allocated = 3, .attached = 2,
		.active = 1, .quarantined = 1, .total_queue_pairs = 64, .pf_queue_pairs = 8,
		.free_queue_pairs = 40, .max_vectors_per_vf = 9, .numa_nodes = 2, .ari = true,
	};
	struct sriov_mgmt_pf_status p = {
		.rid = 0x8100, .name = "0000:81:00.0", .mac = { 2, 1, 2, 3, 4, 5 },
		.link_up = true, .speed_mbps = 100000, .mtu = 9000, .rx_packets = 1,
		.tx_packets = 2, .drops = 3,
	};
	char err[SRIOV_MGMT_MSG_MAX], *line;
	struct sriov_mgmt_resp r;
	size_t len;

	CU_ASSERT_EQUAL_FATAL(sriov_mgmt_encode_switch(&s, &line, &len), 0);
	CU_ASSERT_EQUAL_FATAL(sriov_mgmt_decode_response(line, len, &r, err, sizeof(err)), 0);
	CU_ASSERT(r.has_switch);
	CU_ASSERT(r.sw.switch_id == 3 && r.sw.total_vfs == 8 && r.sw.num_vfs == 4);
	CU_ASSERT(r.sw.allocated == 3 && r.sw.attached == 2 && r.sw.active == 1);
	CU_ASSERT(r.sw.quarantined == 1 && r.sw.total_queue_pairs == 64);
	CU_ASSERT(r.sw.pf_queue_pairs == 8 && r.sw.free_queue_pairs == 40);
	CU_ASSERT(r.sw.max_vectors_per_vf == 9 && r.sw.numa_nodes == 2 && r.sw.ari);
	sriov_mgmt_resp_free(&r);
	free(line);
	CU_ASSERT_EQUAL_FATAL(sriov_mgmt_encode_pf(&p, &line, &len), 0);
	CU_ASSERT_EQUAL_FATAL(sriov_mgmt_decode_response(line, len, &r, err, sizeof(err)), 0);
	CU_ASSERT(r.has_pf);
	CU_ASSERT_EQUAL(r.pf.rid, p.rid);
	CU_ASSERT_STRING_EQUAL(r.pf.name, p.name);
	CU_ASSERT_EQUAL(memcmp(r.pf.mac, p.mac, 6), 0);
	CU_ASSERT_EQUAL(r.pf.link_up, p.link_up);
	CU_ASSERT_EQUAL(r.pf.speed_mbps, p.speed_mbps);
	CU_ASSERT_EQUAL(r.pf.mtu, p.mtu);
	CU_ASSERT_EQUAL(r.pf.rx_packets, p.rx_packets);
	CU_ASSERT_EQUAL(r.pf.tx_packets, p.tx_packets);
	CU_ASSERT_EQUAL(r.pf.drops, p.drops);
	sriov_mgmt_resp_free(&r);
	free(line);
	CU_ASSERT_EQUAL_FATAL(sriov_mgmt_encode_alloc(2, 0x0103, &line, &len), 0);
	CU_ASSERT_EQUAL_FATAL(sriov_mgmt_decode_response(line, len, &r, err, sizeof(err)), 0);
	CU_ASSERT(r.has_alloc && r.vf == 2 && r.rid == 0x0103);
	sriov_mgmt_resp_free(&r);
	free(line);
}

/* ---- execute() on a real switch ---- */

struct exec_ctx {
	unsigned int changed;
	uint16_t last_vf;
	int pf_ret;
};

static int
exec_vf_stats(void *ctx, uint16_t vf_id, struct sriov_mgmt_vf_stats *st)
{
	(void)ctx;
	st->rx_packets = 100 + vf_id;
	st->tx_packets = 200 + vf_id;
	st->drops = vf_id;
	st->guest_connected = vf_id == 0;
	return vf_id == 2 ? -EIO : 0;
}

static int
exec_pf_status(void *ctx, struct sriov_mgmt_pf_status *st)
{
	struct exec_ctx *c = ctx;

	strcpy(st->name, "pf0");
	st->link_up = true;
	st->mtu = 1500;
	return c->pf_ret;
}

static void
exec_vport_changed(void *ctx, uint16_t vf_id)
{
	struct exec_ctx *c = ctx;

	c->changed++;
	c->last_vf = vf_id;
}

static const struct sriov_mgmt_ops exec_ops = {
	.vf_stats = exec_vf_stats,
	.pf_status = exec_pf_status,
	.vport_changed = exec_vport_changed,
};

static struct exec_ctx ectx;

static struct sriov_switch *
exec_switch(void)
{
	struct sriov_switch_cfg cfg = {
		.switch_id = 0, .total_vfs = 4, .pf_bus = 1, .first_vf_offset = 1,
		.vf_stride = 1, .total_queue_pairs = 24, .pf_queue_pairs = 4,
		.max_vectors_per_vf = 4, .numa_nodes = 1,
	};
	struct sriov_switch *sw = sriov_switch_create(&cfg);

	CU_ASSERT_PTR_NOT_NULL_FATAL(sw);
	CU_ASSERT_EQUAL_FATAL(sriov_switch_enable(sw, 3), 0);
	memset(&ectx, 0, sizeof(ectx));
	return sw;
}

/* Run one request line; @return the decoded reply (the caller frees it). */
static struct sriov_mgmt_resp
exec_line(struct sriov_switch *sw, const char *req)
{
	char err[SRIOV_MGMT_MSG_MAX], *line = NULL;
	struct sriov_mgmt_resp r;
	size_t len;

	CU_ASSERT_EQUAL(sriov_mgmt_handle_line(sw, req, strlen(req), &exec_ops, &ectx, &line,
					       &len), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(line);
	CU_ASSERT_EQUAL(sriov_mgmt_decode_response(line, len, &r, err, sizeof(err)), 0);
	free(line);
	CU_ASSERT_EQUAL(sriov_switch_verify(sw), 0);
	return r;
}

static void
exec_expect(struct sriov_switch *sw, const char *req, int err, const char *msg)
{
	struct sriov_mgmt_resp r = exec_line(sw, req);

	if (r.ok != (err == 0) || (err != 0 && (r.err != err ||
						strstr(r.message, msg) == NULL)))
		fprintf(stderr, "\n  %s: ok %d errno %d '%s'\n", req, r.ok, r.err, r.message);
	CU_ASSERT_EQUAL(r.ok, err == 0);
	if (err != 0) {
		CU_ASSERT_EQUAL(r.err, err);
		CU_ASSERT_PTR_NOT_NULL(strstr(r.message, msg));
	}
	sriov_mgmt_resp_free(&r);
}

static void
test_exec_alloc(void)
{
	struct sriov_switch *sw = exec_switch();
	struct sriov_vport_props p;
	struct sriov_vf_info info;
	struct sriov_mgmt_resp r;

	/* refusals first: none of them allocates anything */
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":21}", ENOSPC, "20 free");
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1,\"numa\":1}", EINVAL,
		    "no NUMA node 1");
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":0}", EINVAL, "out of range");
	CU_ASSERT_EQUAL(sriov_switch_free_queue_pairs(sw), 20);

	r = exec_line(sw, "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":2,\"mac\":\"02:00:00:00:00:0a\","
		      "\"vlan\":100,\"qos\":3,\"proto\":\"802.1ad\",\"name\":\"web\",\"numa\":0}");
	CU_ASSERT(r.ok && r.has_alloc);
	CU_ASSERT_EQUAL(r.vf, 0);
	CU_ASSERT_EQUAL(r.rid, 0x0101);
	sriov_mgmt_resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(sriov_vf_get_info(sw, 0, &info), 0);
	CU_ASSERT_EQUAL(info.state, SRIOV_VF_ATTACHED);
	CU_ASSERT_EQUAL(info.params.num_queue_pairs, 2);
	CU_ASSERT_EQUAL(info.params.num_vectors, 3);
	CU_ASSERT_EQUAL(info.params.numa_node, 0);
	CU_ASSERT_STRING_EQUAL(info.params.name, "web");
	CU_ASSERT_EQUAL(memcmp(info.params.perm_mac, mac_a, 6), 0);
	CU_ASSERT_EQUAL_FATAL(sriov_vport_get_props(sw, 0, &p), 0);
	CU_ASSERT(p.mac_set && memcmp(p.mac, mac_a, 6) == 0);
	CU_ASSERT_EQUAL(p.vlan_id, 100);
	CU_ASSERT_EQUAL(p.vlan_qos, 3);
	CU_ASSERT_EQUAL(p.vlan_proto, SRIOV_VLAN_PROTO_8021AD);
	CU_ASSERT(p.spoofchk && !p.trust);

	/* the same MAC twice is refused */
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1,\"mac\":\"02:00:00:00:00:0a\"}",
		    EEXIST, "vf 0's already");
	/* no MAC: a locally administered one, vectors capped by the device */
	r = exec_line(sw, "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":8}");
	CU_ASSERT(r.ok && r.has_alloc && r.vf == 1);
	sriov_mgmt_resp_free(&r);
	CU_ASSERT_EQUAL_FATAL(sriov_vf_get_info(sw, 1, &info), 0);
	CU_ASSERT_EQUAL(info.params.num_vectors, 4);
	CU_ASSERT_EQUAL(info.params.perm_mac[0], 0x02);
	CU_ASSERT_EQUAL(info.params.perm_mac[5], 1);
	CU_ASSERT_EQUAL_FATAL(sriov_vport_get_props(sw, 1, &p), 0);
	CU_ASSERT_FALSE(p.mac_set);
	CU_ASSERT_EQUAL(p.vlan_id, 0);
	/* 10 queue pairs left but not in one piece after VF 0 goes: the VPort fails, the VF is
	 * given back */
	r = exec_line(sw, "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":2}");
	CU_ASSERT(r.ok && r.vf == 2);
	sriov_mgmt_resp_free(&r);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1}", ENOSPC, "all 3 VFs");
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.free\",\"vf\":0,\"cascade\":true}", 0, NULL);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.free\",\"vf\":2,\"cascade\":true}", 0, NULL);
	/* queues 4..5 and 14..23 are free: 12 in all, 10 in one piece */
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":11}", ENOSPC,
		    "no contiguous range");
	CU_ASSERT_EQUAL(sriov_switch_vf(sw, 0)->state, SRIOV_VF_HW_READY);
	CU_ASSERT_EQUAL(sriov_switch_free_queue_pairs(sw), 12);
	sriov_switch_destroy(sw);

	/* a switch without VFs enabled */
	sw = exec_switch();
	CU_ASSERT_EQUAL(sriov_switch_disable(sw), 0);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1}", ENOSPC, "not enabled");
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.free\",\"vf\":0}", ENOENT, "not enabled");
	sriov_switch_destroy(sw);
}

static void
test_exec_free(void)
{
	struct sriov_switch *sw = exec_switch();

	exec_expect(sw, "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":2}", 0, NULL);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.free\",\"vf\":3}", ENOENT,
		    "the PF has 3 VFs enabled (0..2)");
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.free\",\"vf\":1}", ENOENT, "vf 1 is not allocated");
	unit_log_capture();
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.free\",\"vf\":0}", EBUSY,
		    "vf 0 has a VPort; use cascade ('svnic-ctl vf free 0 cascade') or delete it "
		    "first");
	CU_ASSERT(unit_log_contains("vf 0 has a VPort"));
	CU_ASSERT_EQUAL(sriov_switch_vf(sw, 0)->state, SRIOV_VF_ATTACHED);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.free\",\"vf\":0,\"cascade\":false}", EBUSY,
		    "cascade");
	/* cascade from a guest-up VF */
	CU_ASSERT_EQUAL(sriov_vf_guest_up(sw, 0), 0);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.free\",\"vf\":0,\"cascade\":true}", 0, NULL);
	CU_ASSERT_EQUAL(sriov_switch_vf(sw, 0)->state, SRIOV_VF_HW_READY);
	CU_ASSERT_EQUAL(sriov_switch_free_queue_pairs(sw), 20);
	/* a VF allocated through the API without a VPort frees without cascade */
	{
		struct sriov_vf_params prm = {
			.num_queue_pairs = 1, .numa_node = SRIOV_NUMA_ANY, .num_vectors = 1,
			.perm_mac = { 2, 0, 0, 0, 0, 9 },
		};
		uint16_t id, rid;

		CU_ASSERT_EQUAL(sriov_vf_alloc(sw, &prm, &id, &rid), 0);
		exec_expect(sw, "{\"v\":1,\"op\":\"vf.free\",\"vf\":0}", 0, NULL);
	}
	sriov_switch_destroy(sw);
}

static void
test_exec_reset(void)
{
	struct sriov_switch *sw = exec_switch();
	struct sriov_vf_params prm = {
		.num_queue_pairs = 1, .numa_node = SRIOV_NUMA_ANY, .num_vectors = 1,
		.perm_mac = { 2, 0, 0, 0, 0, 9 },
	};
	struct sriov_vport_props p;
	uint16_t id, rid;

	exec_expect(sw, "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":2,\"vlan\":7}", 0, NULL);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.reset\",\"vf\":1}", ENOENT, "not allocated");
	CU_ASSERT_EQUAL(sriov_vf_quarantine(sw, 0), 0);
	/* the guest cannot bring it back; the operator can, and the settings stay */
	CU_ASSERT_EQUAL(sriov_vf_reset(sw, 0, false), -EPERM);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.reset\",\"vf\":0}", 0, NULL);
	CU_ASSERT_EQUAL(sriov_switch_vf(sw, 0)->state, SRIOV_VF_ATTACHED);
	CU_ASSERT_EQUAL(sriov_vport_get_props(sw, 0, &p), 0);
	CU_ASSERT_EQUAL(p.vlan_id, 7);
	/* from ACTIVE too */
	CU_ASSERT_EQUAL(sriov_vf_guest_up(sw, 0), 0);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.reset\",\"vf\":0}", 0, NULL);
	CU_ASSERT_EQUAL(sriov_switch_vf(sw, 0)->state, SRIOV_VF_ATTACHED);
	/* already resetting */
	CU_ASSERT_EQUAL(sriov_vf_reset_begin(sw, 0, false), 0);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.reset\",\"vf\":0}", EBUSY, "resetting already");
	CU_ASSERT_EQUAL(sriov_vf_reset_done(sw, 0), 0);
	/* no VPort: nothing to reset, nothing to set */
	CU_ASSERT_EQUAL(sriov_vf_alloc(sw, &prm, &id, &rid), 0);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.reset\",\"vf\":1}", ENOTCONN, "nothing to reset");
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.set\",\"vf\":1,\"trust\":true}", ENOTCONN,
		    "has no VPort");
	sriov_switch_destroy(sw);
}

static void
test_exec_set(void)
{
	struct sriov_switch *sw = exec_switch();
	struct sriov_vport_props p, before;

	exec_expect(sw, "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":2,\"mac\":\"02:00:00:00:00:0a\"}",
		    0, NULL);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1}", 0, NULL);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.set\",\"vf\":2,\"trust\":true}", ENOENT,
		    "not allocated");
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.set\",\"vf\":9,\"trust\":true}", ENOENT, "no vf 9");

	exec_expect(sw, "{\"v\":1,\"op\":\"vf.set\",\"vf\":0,\"mac\":\"02:00:00:00:00:0b\"}", 0,
		    NULL);
	CU_ASSERT_EQUAL(ectx.changed, 1);
	CU_ASSERT_EQUAL(sriov_vport_get_props(sw, 0, &p), 0);
	CU_ASSERT(p.mac_set && memcmp(p.mac, mac_b, 6) == 0);
	/* VF 1 cannot take VF 0's MAC, VF 0's permanent one included */
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.set\",\"vf\":1,\"mac\":\"02:00:00:00:00:0b\"}",
		    EEXIST, "vf 0's already");
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.set\",\"vf\":1,\"mac\":\"02:00:00:00:00:0a\"}",
		    EEXIST, "vf 0's already");
	/* several settings at once, as ip link takes them */
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.set\",\"vf\":0,\"vlan\":100,\"qos\":3,"
		    "\"spoofchk\":false,\"trust\":true,\"min_rate\":10,\"max_rate\":1000,"
		    "\"state\":\"enable\",\"allow_promisc\":true}", 0, NULL);
	CU_ASSERT_EQUAL(ectx.changed, 2);
	CU_ASSERT_EQUAL(ectx.last_vf, 0);
	CU_ASSERT_EQUAL(sriov_vport_get_props(sw, 0, &p), 0);
	CU_ASSERT_EQUAL(p.vlan_id, 100);
	CU_ASSERT_EQUAL(p.vlan_qos, 3);
	CU_ASSERT_EQUAL(p.vlan_proto, SRIOV_VLAN_PROTO_8021Q);
	CU_ASSERT_FALSE(p.spoofchk);
	CU_ASSERT(p.trust);
	CU_ASSERT_EQUAL(p.min_tx_rate, 10);
	CU_ASSERT_EQUAL(p.max_tx_rate, 1000);
	CU_ASSERT_EQUAL(p.link_state, SRIOV_LINK_ENABLE);
	CU_ASSERT(p.allow_promisc);
	CU_ASSERT_FALSE(p.allow_allmulti);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.set\",\"vf\":0,\"allow_allmulti\":true}", 0, NULL);
	CU_ASSERT_EQUAL(sriov_vport_get_props(sw, 0, &p), 0);
	CU_ASSERT(p.allow_promisc && p.allow_allmulti);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.set\",\"vf\":0,\"vlan\":0,\"state\":\"auto\","
		    "\"trust\":false,\"spoofchk\":true}", 0, NULL);
	CU_ASSERT_EQUAL(sriov_vport_get_props(sw, 0, &p), 0);
	CU_ASSERT_EQUAL(p.vlan_id, 0);
	CU_ASSERT_EQUAL(p.link_state, SRIOV_LINK_AUTO);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.set\",\"vf\":0,\"state\":\"disable\"}", 0, NULL);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.set\",\"vf\":0,\"vlan\":5,\"proto\":\"802.1ad\"}",
		    0, NULL);
	/* one rate against the other as it stands; a refusal changes nothing at all */
	CU_ASSERT_EQUAL(sriov_vport_get_props(sw, 0, &before), 0);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.set\",\"vf\":0,\"trust\":true,\"min_rate\":2000}",
		    EINVAL, "min rate 2000 above max rate 1000");
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.set\",\"vf\":0,\"trust\":true,\"vlan\":9,"
		    "\"mac\":\"02:00:00:00:00:0a\",\"max_rate\":5}", EINVAL, "above max rate 5");
	CU_ASSERT_EQUAL(sriov_vport_get_props(sw, 0, &p), 0);
	CU_ASSERT_EQUAL(memcmp(&p, &before, sizeof(p)), 0);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.set\",\"vf\":0,\"max_rate\":0}", 0, NULL);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.set\",\"vf\":0,\"min_rate\":2000}", 0, NULL);
	CU_ASSERT_EQUAL(sriov_vport_get_props(sw, 0, &p), 0);
	CU_ASSERT_EQUAL(p.min_tx_rate, 2000);
	CU_ASSERT_EQUAL(p.max_tx_rate, 0);
	sriov_switch_destroy(sw);
}

static void
test_exec_show(void)
{
	struct sriov_switch *sw = exec_switch();
	struct sriov_mgmt_resp r;
	char *line;

	r = exec_line(sw, "{\"v\":1,\"op\":\"vf.show\"}");
	CU_ASSERT(r.ok && r.has_vf_table && r.nb_vfs == 0);
	sriov_mgmt_resp_free(&r);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":2,\"vlan\":100}", 0, NULL);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1}", 0, NULL);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.alloc\",\"queues\":1}", 0, NULL);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.free\",\"vf\":1,\"cascade\":true}", 0, NULL);
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.show\",\"vf\":1}", ENOENT, "vf 1 is not allocated");
	CU_ASSERT_EQUAL(sriov_vf_quarantine(sw, 2), 0);
	r = exec_line(sw, "{\"v\":1,\"op\":\"vf.show\"}");
	CU_ASSERT_FATAL(r.ok && r.nb_vfs == 2);
	CU_ASSERT_EQUAL(r.vfs[0].info.vf_id, 0);
	CU_ASSERT_EQUAL(r.vfs[0].info.state, SRIOV_VF_ATTACHED);
	CU_ASSERT_EQUAL(r.vfs[0].props.vlan_id, 100);
	CU_ASSERT_EQUAL(r.vfs[0].stats.rx_packets, 100);
	CU_ASSERT(r.vfs[0].stats.guest_connected);
	CU_ASSERT_EQUAL(r.vfs[1].info.vf_id, 2);
	CU_ASSERT_EQUAL(r.vfs[1].info.rid, 0x0103);
	CU_ASSERT_EQUAL(r.vfs[1].info.state, SRIOV_VF_QUARANTINED);
	/* the driver could not read VF 2's counters: zeros, not garbage */
	CU_ASSERT_EQUAL(r.vfs[1].stats.rx_packets, 0);
	sriov_mgmt_resp_free(&r);
	r = exec_line(sw, "{\"v\":1,\"op\":\"vf.show\",\"vf\":2}");
	CU_ASSERT(r.ok && r.nb_vfs == 1 && r.vfs[0].info.vf_id == 2);
	sriov_mgmt_resp_free(&r);

	r = exec_line(sw, "{\"v\":1,\"op\":\"switch.show\"}");
	CU_ASSERT_FATAL(r.ok && r.has_switch);
	CU_ASSERT_EQUAL(r.sw.total_vfs, 4);
	CU_ASSERT_EQUAL(r.sw.num_vfs, 3);
	CU_ASSERT_EQUAL(r.sw.allocated, 2);
	CU_ASSERT_EQUAL(r.sw.attached, 2);
	CU_ASSERT_EQUAL(r.sw.quarantined, 1);
	CU_ASSERT_EQUAL(r.sw.free_queue_pairs, 17);
	sriov_mgmt_resp_free(&r);

	r = exec_line(sw, "{\"v\":1,\"op\":\"pf.show\"}");
	CU_ASSERT_FATAL(r.ok && r.has_pf);
	CU_ASSERT_EQUAL(r.pf.rid, 0x0100);
	CU_ASSERT_STRING_EQUAL(r.pf.name, "pf0");
	CU_ASSERT_EQUAL(r.pf.mtu, 1500);
	sriov_mgmt_resp_free(&r);
	ectx.pf_ret = -EIO;
	exec_expect(sw, "{\"v\":1,\"op\":\"pf.show\"}", EIO, "could not read its status");
	/* without ops: what the switch knows */
	CU_ASSERT_EQUAL(sriov_mgmt_handle_line(sw, "{\"v\":1,\"op\":\"pf.show\"}", 22, NULL, NULL,
					       &line, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"rid\":\"01:00.0\""));
	free(line);
	/* a refused line gets an error reply too */
	exec_expect(sw, "{\"v\":9,\"op\":\"pf.show\"}", EPROTONOSUPPORT, "version 9");
	exec_expect(sw, "{\"v\":1,\"op\":\"vf.show\",\"x\":1}", EINVAL, "unknown field 'x'");
	sriov_switch_destroy(sw);
}

static void
test_exec_ari_pf_rid(void)
{
	struct sriov_switch_cfg cfg = {
		.total_vfs = 2, .pf_bus = 0x81, .pf_fn = 0x40, .ari = true,
		.first_vf_offset = 1, .vf_stride = 1, .total_queue_pairs = 8,
		.pf_queue_pairs = 2, .max_vectors_per_vf = 2, .numa_nodes = 2,
	};
	struct sriov_switch *sw = sriov_switch_create(&cfg);
	struct sriov_mgmt_req req;
	char *line;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sw);
	sriov_mgmt_req_init(&req, SRIOV_MGMT_OP_PF_SHOW);
	CU_ASSERT_EQUAL(sriov_mgmt_execute(sw, &req, NULL, NULL, &line, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "\"rid\":\"81:08.0\""));
	free(line);
	req.op = SRIOV_MGMT_OP_MAX;
	CU_ASSERT_EQUAL(sriov_mgmt_execute(sw, &req, NULL, NULL, &line, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, "unknown op"));
	free(line);
	sriov_switch_destroy(sw);
}

static CU_TestInfo decode_tests[] = {
	UNIT_TEST(test_decode_refusals),
	UNIT_TEST(test_decode_oversize),
	UNIT_TEST(test_decode_accepts),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo codec_tests[] = {
	UNIT_TEST(test_roundtrip_every_request),
	UNIT_TEST(test_encode_request_refuses),
	UNIT_TEST(test_reply_ok_and_error),
	UNIT_TEST(test_reply_decode_refusals),
	UNIT_TEST(test_vf_table_roundtrip),
	UNIT_TEST(test_status_roundtrip),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo exec_tests[] = {
	UNIT_TEST(test_exec_alloc),
	UNIT_TEST(test_exec_free),
	UNIT_TEST(test_exec_reset),
	UNIT_TEST(test_exec_set),
	UNIT_TEST(test_exec_show),
	UNIT_TEST(test_exec_ari_pf_rid),
	CU_TEST_INFO_NULL,
};

UNIT_MAIN(UNIT_SUITE("sriov_mgmt_decode", decode_tests),
	  UNIT_SUITE("sriov_mgmt_codec", codec_tests),
	  UNIT_SUITE("sriov_mgmt_execute", exec_tests))
