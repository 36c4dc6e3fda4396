/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `svnic-ctl [-s PATH] vf|switch|pf ...`: the operator's side of the PF's
 * management socket. The syntax follows `ip link set DEV vf N ...`; every
 * command becomes one request line (sriov_mgmt_encode_request), the reply
 * (sriov_mgmt_decode_response) is printed as a table or, with --json, as the
 * PF sent it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "ctl_vf.h"
#include "sriov_mgmt.h"

struct ctl_mgmt {
	const char *path;
	int timeout_ms;
	const char *cmd;	/* "vf alloc", for messages */
	bool json;
	FILE *out;
	FILE *err;
};

static int
ctl_mgmt_usage(struct ctl_mgmt *c, const char *what, const char *arg)
{
	fprintf(c->err, "svnic-ctl: %s: %s%s%s\n", c->cmd, what, arg != NULL ? ": " : "",
		arg != NULL ? arg : "");
	fprintf(c->err, "try 'svnic-ctl help'\n");
	return SVNIC_CTL_USAGE;
}

/* A decimal in [min, max]; @return false (with a usage message) otherwise. */
static bool
ctl_mgmt_num(struct ctl_mgmt *c, const char *what, const char *s, long min, long max,
	     long *v)
{
	char *end;

	if (s == NULL) {
		fprintf(c->err, "svnic-ctl: %s: %s needs a value (%ld..%ld)\n", c->cmd, what,
			min, max);
		return false;
	}
	errno = 0;
	*v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *v < min || *v > max) {
		fprintf(c->err, "svnic-ctl: %s: %s must be %ld..%ld, not '%s'\n", c->cmd, what,
			min, max, s);
		return false;
	}
	return true;
}

static bool
ctl_mgmt_onoff(struct ctl_mgmt *c, const char *what, const char *s, bool *v)
{
	if (s != NULL && strcmp(s, "on") == 0)
		*v = true;
	else if (s != NULL && strcmp(s, "off") == 0)
		*v = false;
	else {
		fprintf(c->err, "svnic-ctl: %s: %s takes on or off\n", c->cmd, what);
		return false;
	}
	return true;
}

static bool
ctl_mgmt_mac(struct ctl_mgmt *c, const char *s, uint8_t mac[6])
{
	if (s == NULL || !sriov_mgmt_mac_parse(s, mac)) {
		fprintf(c->err, "svnic-ctl: %s: mac takes xx:xx:xx:xx:xx:xx\n", c->cmd);
		return false;
	}
	if (!sriov_mac_is_valid_unicast(mac)) {
		fprintf(c->err, "svnic-ctl: %s: mac %s is not a unicast address "
			"(the first byte must be even, and not all zeros)\n", c->cmd, s);
		return false;
	}
	return true;
}

static bool
ctl_mgmt_proto(struct ctl_mgmt *c, const char *s, uint16_t *proto)
{
	if (s != NULL && strcasecmp(s, "802.1Q") == 0)
		*proto = SRIOV_VLAN_PROTO_8021Q;
	else if (s != NULL && strcasecmp(s, "802.1ad") == 0)
		*proto = SRIOV_VLAN_PROTO_8021AD;
	else {
		fprintf(c->err, "svnic-ctl: %s: proto takes 802.1Q or 802.1ad\n", c->cmd);
		return false;
	}
	return true;
}

/* "vlan V [qos Q] [proto P]" starting at argv[*i] == "vlan". */
static bool
ctl_mgmt_vlan(struct ctl_mgmt *c, int argc, char **argv, int *i, struct sriov_mgmt_req *req)
{
	const char *next;
	long v;

	if (!ctl_mgmt_num(c, "vlan", *i + 1 < argc ? argv[*i + 1] : NULL, 0, 4094, &v))
		return false;
	*i += 1;
	req->has_vlan = true;
	req->vlan = (uint16_t)v;
	req->qos = 0;
	req->proto = SRIOV_VLAN_PROTO_8021Q;
	while (*i + 1 < argc) {
		next = argv[*i + 1];
		if (strcmp(next, "qos") == 0) {
			if (!ctl_mgmt_num(c, "qos", *i + 2 < argc ? argv[*i + 2] : NULL, 0, 7, &v))
				return false;
			req->qos = (uint8_t)v;
		} else if (strcmp(next, "proto") == 0) {
			if (!ctl_mgmt_proto(c, *i + 2 < argc ? argv[*i + 2] : NULL, &req->proto))
				return false;
		} else {
			break;
		}
		*i += 2;
	}
	if (req->vlan == 0 && req->qos != 0) {
		fprintf(c->err, "svnic-ctl: %s: qos needs a VLAN other than 0\n", c->cmd);
		return false;
	}
	return true;
}

/* ---- transport ---- */

static long long
ctl_mgmt_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for @p ev until @p deadline. @return 0 or -ETIMEDOUT / -errno. */
static int
ctl_mgmt_wait(int fd, short ev, long long deadline)
{
	struct pollfd p = { .fd = fd, .events = ev };
	long long left;
	int n;

	for (;;) {
		left = deadline - ctl_mgmt_now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&p, 1, (int)(left > INT_MAX ? INT_MAX : left));
		if (n > 0)
			return 0;
		if (n == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

int
svnic_ctl_mgmt_call(const char *path, int timeout_ms, const char *req, size_t req_len,
		    char **reply, size_t *reply_len)
{
	long long deadline = ctl_mgmt_now_ms() + timeout_ms;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t got = 0, cap = 4096, sent = 0;
	char *buf = NULL, *nl = NULL, *p;
	ssize_t n;
	int fd, ret;

	*reply = NULL;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		/* a UNIX socket connects at once or not at all: EAGAIN is a full backlog */
		ret = -errno;
		goto out_close;
	}
	while (sent < req_len) {
		ret = ctl_mgmt_wait(fd, POLLOUT, deadline);
		if (ret < 0)
			goto out_close;
		n = send(fd, req + sent, req_len - sent, MSG_NOSIGNAL);
		/*
		 * A PF that refuses us (busy, another user) answers with one
		 * error line and closes, maybe before we had sent: that line
		 * is still ours to read and says more than EPIPE.
		 */
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
			break;
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			ret = -errno;
			goto out_close;
		}
		if (n > 0)
			sent += (size_t)n;
	}
	buf = malloc(cap);
	if (buf == NULL) {
		ret = -ENOMEM;
		goto out_close;
	}
	while (nl == NULL) {
		if (got + 1 >= cap) {
			if (cap >= SRIOV_MGMT_REPLY_MAX) {
				ret = -EMSGSIZE;
				goto out_free;
			}
			p = realloc(buf, cap * 2);
			if (p == NULL) {
				ret = -ENOMEM;
				goto out_free;
			}
			buf = p;
			cap *= 2;
		}
		ret = ctl_mgmt_wait(fd, POLLIN, deadline);
		if (ret < 0)
			goto out_free;
		n = recv(fd, buf + got, cap - 1 - got, 0);
		if (n == 0) {
			ret = -EPIPE;
			goto out_free;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			ret = errno == ECONNRESET ? -EPIPE : -errno;
			goto out_free;
		}
		nl = memchr(buf + got, '\n', (size_t)n);
		got += (size_t)n;
	}
	/* one reply line: anything after it is not ours */
	got = (size_t)(nl - buf) + 1;
	buf[got] = '\0';
	*reply = buf;
	*reply_len = got;
	close(fd);
	return 0;
out_free:
	free(buf);
out_close:
	close(fd);
	return ret;
}

static int
ctl_mgmt_transport_error(struct ctl_mgmt *c, int ret)
{
	switch (-ret) {
	case EACCES:
	case EPERM:
		fprintf(c->err, "svnic-ctl: cannot reach the PF at %s: permission denied: the "
			"socket is mode 0600; run svnic-ctl as the PF driver's user\n", c->path);
		break;
	case ETIMEDOUT:
		fprintf(c->err, "svnic-ctl: the PF at %s did not answer within %d ms: is its "
			"control thread stuck? look at its log, or raise --timeout\n", c->path,
			c->timeout_ms);
		break;
	case ENOENT:
		fprintf(c->err, "svnic-ctl: no management socket at %s (%s): is the PF driver "
			"running with mgmt=%s? (without mgmt= it listens on %s)\n", c->path,
			strerror(-ret), c->path, SRIOV_MGMT_DEFAULT_PATH);
		break;
	case ECONNREFUSED:
		fprintf(c->err, "svnic-ctl: nobody listens on %s (%s): the PF driver that made "
			"it has exited; start it again, it replaces the stale socket\n", c->path,
			strerror(-ret));
		break;
	case EAGAIN:
		fprintf(c->err, "svnic-ctl: the PF at %s is busy: its queue of connections is "
			"full; try again in a moment\n", c->path);
		break;
	case ENOTDIR:
		fprintf(c->err, "svnic-ctl: no management socket at %s: a part of the path "
			"is not a directory; check -s\n", c->path);
		break;
	case EPIPE:
	case ECONNRESET:
		fprintf(c->err, "svnic-ctl: the PF at %s closed the connection without a "
			"reply; look at its log\n", c->path);
		break;
	case ENAMETOOLONG:
		fprintf(c->err, "svnic-ctl: socket path too long (%zu bytes, at most %zu): %s\n",
			strlen(c->path), sizeof(((struct sockaddr_un *)NULL)->sun_path) - 1,
			c->path);
		break;
	case EMSGSIZE:
		fprintf(c->err, "svnic-ctl: the PF at %s sent a reply over %d bytes\n", c->path,
			SRIOV_MGMT_REPLY_MAX);
		break;
	default:
		fprintf(c->err, "svnic-ctl: cannot reach the PF at %s: %s: is the PF driver "
			"running with mgmt=%s?\n", c->path, strerror(-ret), c->path);
		break;
	}
	return SVNIC_CTL_FAIL;
}

/* ---- output ---- */

static void
ctl_mgmt_print_table(struct ctl_mgmt *c, const struct sriov_mgmt_resp *r, bool details)
{
	char rid[16], mac[18], vlan[24];
	const struct sriov_mgmt_vf_entry *e;
	const uint8_t *m;
	unsigned int i;

	fprintf(c->out, "%-3s %-7s %-11s %-17s %-12s %-6s %-5s %12s %12s %10s\n", "vf", "rid",
		"state", "mac", "vlan", "queues", "guest", "rx", "tx", "drops");
	for (i = 0; i < r->nb_vfs; i++) {
		e = &r->vfs[i];
		sriov_mgmt_rid_format(e->info.rid, rid, sizeof(rid));
		m = e->has_vport && e->props.mac_set ? e->props.mac : e->info.params.perm_mac;
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
			 m[3], m[4], m[5]);
		if (!e->has_vport || e->props.vlan_id == 0)
			snprintf(vlan, sizeof(vlan), "-");
		else
			snprintf(vlan, sizeof(vlan), "%u%s%.0u%s", e->props.vlan_id,
				 e->props.vlan_qos != 0 ? " qos " : "", e->props.vlan_qos,
				 e->props.vlan_proto == SRIOV_VLAN_PROTO_8021AD ? " ad" : "");
		fprintf(c->out, "%-3u %-7s %-11s %-17s %-12s %-6u %-5s %12" PRIu64 " %12" PRIu64
			" %10" PRIu64 "\n", e->info.vf_id, rid,
			sriov_mgmt_vf_state_name(e->info.state), mac, vlan,
			e->info.params.num_queue_pairs, e->stats.guest_connected ? "yes" : "no",
			e->stats.rx_packets, e->stats.tx_packets, e->stats.drops);
		if (!details)
			continue;
		m = e->info.params.perm_mac;
		fprintf(c->out, "    name \"%s\", numa %s%.0d, vectors %u, permanent mac "
			"%02x:%02x:%02x:%02x:%02x:%02x\n", e->info.params.name,
			e->info.params.numa_node < 0 ? "any" : "", e->info.params.numa_node < 0 ?
			0 : e->info.params.numa_node, e->info.params.num_vectors, m[0], m[1],
			m[2], m[3], m[4], m[5]);
		if (!e->has_vport) {
			fprintf(c->out, "    no VPort\n");
			continue;
		}
		fprintf(c->out, "    VPort queue pairs %u..%u, spoof checking %s, trust %s, "
			"link-state %s,\n    min_tx_rate %u, max_tx_rate %u Mbit/s, "
			"promisc-allow %s, allmulti-allow %s\n", e->queue_base,
			e->queue_base + e->nb_queues - 1, e->props.spoofchk ? "on" : "off",
			e->props.trust ? "on" : "off",
			sriov_mgmt_link_state_name(e->props.link_state), e->props.min_tx_rate,
			e->props.max_tx_rate, e->props.allow_promisc ? "on" : "off",
			e->props.allow_allmulti ? "on" : "off");
	}
}

static void
ctl_mgmt_print_switch(struct ctl_mgmt *c, const struct sriov_mgmt_switch_status *s)
{
	fprintf(c->out, "switch %u: %u of %u VFs enabled, ARI %s\n", s->switch_id, s->num_vfs,
		s->total_vfs, s->ari ? "on" : "off");
	fprintf(c->out, "  VFs: %u allocated, %u with a VPort, %u with a guest driver up, "
		"%u quarantined\n", s->allocated, s->attached, s->active, s->quarantined);
	fprintf(c->out, "  queue pairs: %u on the device, %u kept by the PF, %u free for VFs\n",
		s->total_queue_pairs, s->pf_queue_pairs, s->free_queue_pairs);
	fprintf(c->out, "  up to %u MSI-X vectors per VF, %d NUMA node%s\n",
		s->max_vectors_per_vf, s->numa_nodes, s->numa_nodes == 1 ? "" : "s");
}

static void
ctl_mgmt_print_pf(struct ctl_mgmt *c, const struct sriov_mgmt_pf_status *p)
{
	char rid[16];

	sriov_mgmt_rid_format(p->rid, rid, sizeof(rid));
	fprintf(c->out, "pf %s%s%s: link %s, %u Mbit/s, mtu %u, mac "
		"%02x:%02x:%02x:%02x:%02x:%02x\n", rid, p->name[0] != '\0' ? " " : "", p->name,
		p->link_up ? "up" : "down", p->speed_mbps, p->mtu, p->mac[0], p->mac[1],
		p->mac[2], p->mac[3], p->mac[4], p->mac[5]);
	fprintf(c->out, "  rx %" PRIu64 " tx %" PRIu64 " drops %" PRIu64 "\n", p->rx_packets,
		p->tx_packets, p->drops);
}

/* Send @p req, print the reply. @return the exit status. */
static int
ctl_mgmt_send(struct ctl_mgmt *c, const struct sriov_mgmt_req *req)
{
	char *line = NULL, *reply = NULL, msg[SRIOV_MGMT_MSG_MAX];
	struct sriov_mgmt_resp r;
	size_t len, reply_len;
	int ret;

	ret = sriov_mgmt_encode_request(req, &line, &len);
	if (ret < 0)
		return ctl_mgmt_usage(c, "this request would be refused; check the values", NULL);
	ret = svnic_ctl_mgmt_call(c->path, c->timeout_ms, line, len, &reply, &reply_len);
	free(line);
	if (ret < 0)
		return ctl_mgmt_transport_error(c, ret);
	ret = sriov_mgmt_decode_response(reply, reply_len, &r, msg, sizeof(msg));
	free(reply);
	if (ret < 0) {
		fprintf(c->err, "svnic-ctl: the PF at %s sent a reply this svnic-ctl cannot read "
			"(%s): are both from the same svnic?\n", c->path, msg);
		return SVNIC_CTL_FAIL;
	}
	if (!r.ok) {
		fprintf(c->err, "svnic-ctl: %s: %s (%s)\n", c->cmd, r.message, strerror(r.err));
		sriov_mgmt_resp_free(&r);
		return SVNIC_CTL_FAIL;
	}
	if (c->json && r.result_json != NULL)
		fprintf(c->out, "%s\n", r.result_json);
	else if (r.has_vf_table)
		ctl_mgmt_print_table(c, &r, req->has_vf);
	else if (r.has_switch)
		ctl_mgmt_print_switch(c, &r.sw);
	else if (r.has_pf)
		ctl_mgmt_print_pf(c, &r.pf);
	else if (r.has_alloc) {
		char rid[16];

		sriov_mgmt_rid_format(r.rid, rid, sizeof(rid));
		fprintf(c->out, "vf %u allocated, rid %s, VPort attached\n", r.vf, rid);
	}
	sriov_mgmt_resp_free(&r);
	return SVNIC_CTL_OK;
}

/* ---- commands ---- */

static int
ctl_mgmt_vf_alloc(struct ctl_mgmt *c, int argc, char **argv, int i)
{
	struct sriov_mgmt_req req;
	const char *k, *v;
	long n;

	sriov_mgmt_req_init(&req, SRIOV_MGMT_OP_VF_ALLOC);
	for (; i < argc; i++) {
		k = argv[i];
		v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(k, "queues") == 0) {
			if (!ctl_mgmt_num(c, "queues", v, 1, SRIOV_MGMT_QUEUES_MAX, &n))
				return SVNIC_CTL_USAGE;
			req.queues = (uint16_t)n;
			i++;
		} else if (strcmp(k, "mac") == 0) {
			if (!ctl_mgmt_mac(c, v, req.mac))
				return SVNIC_CTL_USAGE;
			req.has_mac = true;
			i++;
		} else if (strcmp(k, "vlan") == 0) {
			if (!ctl_mgmt_vlan(c, argc, argv, &i, &req))
				return SVNIC_CTL_USAGE;
		} else if (strcmp(k, "name") == 0) {
			if (v == NULL || strlen(v) >= sizeof(req.name))
				return ctl_mgmt_usage(c, "name takes up to 31 printable characters",
						      v);
			strcpy(req.name, v);
			i++;
		} else if (strcmp(k, "numa") == 0) {
			if (!ctl_mgmt_num(c, "numa", v, 0, SRIOV_MGMT_NUMA_MAX, &n))
				return SVNIC_CTL_USAGE;
			req.numa = (int)n;
			i++;
		} else {
			return ctl_mgmt_usage(c, "unknown argument", k);
		}
	}
	if (req.queues == 0)
		return ctl_mgmt_usage(c, "say how many queue pairs: queues N", NULL);
	return ctl_mgmt_send(c, &req);
}

static int
ctl_mgmt_vf_set(struct ctl_mgmt *c, int argc, char **argv, int i, struct sriov_mgmt_req *req)
{
	const char *k, *v;
	bool b;
	long n;

	for (; i < argc; i++) {
		k = argv[i];
		v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(k, "mac") == 0) {
			if (!ctl_mgmt_mac(c, v, req->mac))
				return SVNIC_CTL_USAGE;
			req->set |= SRIOV_MGMT_SET_MAC;
			req->has_mac = true;
			i++;
		} else if (strcmp(k, "vlan") == 0) {
			if (!ctl_mgmt_vlan(c, argc, argv, &i, req))
				return SVNIC_CTL_USAGE;
			req->set |= SRIOV_MGMT_SET_VLAN;
		} else if (strcmp(k, "spoofchk") == 0 || strcmp(k, "trust") == 0 ||
			   strcmp(k, "promisc-allow") == 0 || strcmp(k, "allmulti-allow") == 0) {
			if (!ctl_mgmt_onoff(c, k, v, &b))
				return SVNIC_CTL_USAGE;
			if (k[0] == 's') {
				req->spoofchk = b;
				req->set |= SRIOV_MGMT_SET_SPOOFCHK;
			} else if (k[0] == 't') {
				req->trust = b;
				req->set |= SRIOV_MGMT_SET_TRUST;
			} else if (k[0] == 'p') {
				req->allow_promisc = b;
				req->set |= SRIOV_MGMT_SET_PROMISC;
			} else {
				req->allow_allmulti = b;
				req->set |= SRIOV_MGMT_SET_ALLMULTI;
			}
			i++;
		} else if (strcmp(k, "rate") == 0) {
			/* rate [min R] [max R] */
			while (i + 1 < argc && (strcmp(argv[i + 1], "min") == 0 ||
						strcmp(argv[i + 1], "max") == 0)) {
				bool min = argv[i + 1][1] == 'i';

				if (!ctl_mgmt_num(c, min ? "rate min" : "rate max",
						  i + 2 < argc ? argv[i + 2] : NULL, 0,
						  SRIOV_MGMT_RATE_MAX, &n))
					return SVNIC_CTL_USAGE;
				if (min)
					req->min_rate = (uint32_t)n;
				else
					req->max_rate = (uint32_t)n;
				req->set |= min ? SRIOV_MGMT_SET_MIN_RATE : SRIOV_MGMT_SET_MAX_RATE;
				i += 2;
			}
			if (!(req->set & (SRIOV_MGMT_SET_MIN_RATE | SRIOV_MGMT_SET_MAX_RATE)))
				return ctl_mgmt_usage(c, "rate needs min R and/or max R (Mbit/s)",
						      NULL);
		} else if (strcmp(k, "min_tx_rate") == 0 || strcmp(k, "max_tx_rate") == 0) {
			/* ip link's spelling */
			if (!ctl_mgmt_num(c, k, v, 0, SRIOV_MGMT_RATE_MAX, &n))
				return SVNIC_CTL_USAGE;
			if (k[1] == 'i') {
				req->min_rate = (uint32_t)n;
				req->set |= SRIOV_MGMT_SET_MIN_RATE;
			} else {
				req->max_rate = (uint32_t)n;
				req->set |= SRIOV_MGMT_SET_MAX_RATE;
			}
			i++;
		} else if (strcmp(k, "state") == 0 || strcmp(k, "link-state") == 0) {
			if (v != NULL && strcmp(v, "auto") == 0)
				req->state = SRIOV_LINK_AUTO;
			else if (v != NULL && strcmp(v, "enable") == 0)
				req->state = SRIOV_LINK_ENABLE;
			else if (v != NULL && strcmp(v, "disable") == 0)
				req->state = SRIOV_LINK_DISABLE;
			else
				return ctl_mgmt_usage(c, "state takes auto, enable or disable", v);
			req->set |= SRIOV_MGMT_SET_STATE;
			i++;
		} else {
			return ctl_mgmt_usage(c, "unknown setting", k);
		}
	}
	if (req->set == 0)
		return ctl_mgmt_usage(c, "nothing to set: mac, vlan, spoofchk, trust, rate, state, "
				      "promisc-allow or allmulti-allow", NULL);
	if ((req->set & SRIOV_MGMT_SET_MIN_RATE) && (req->set & SRIOV_MGMT_SET_MAX_RATE) &&
	    req->max_rate != 0 && req->min_rate > req->max_rate)
		return ctl_mgmt_usage(c, "rate min is above rate max", NULL);
	return ctl_mgmt_send(c, req);
}

static int
ctl_mgmt_vf(struct ctl_mgmt *c, int argc, char **argv, int i)
{
	static const struct {
		const char *verb;
		enum sriov_mgmt_op op;
		const char *cmd;
	} verbs[] = {
		{ "alloc", SRIOV_MGMT_OP_VF_ALLOC, "vf alloc" },
		{ "free", SRIOV_MGMT_OP_VF_FREE, "vf free" },
		{ "reset", SRIOV_MGMT_OP_VF_RESET, "vf reset" },
		{ "set", SRIOV_MGMT_OP_VF_SET, "vf set" },
		{ "show", SRIOV_MGMT_OP_VF_SHOW, "vf show" },
	};
	struct sriov_mgmt_req req;
	unsigned int k;
	long n;

	if (i >= argc)
		return ctl_mgmt_usage(c, "missing alloc, free, reset, set or show", NULL);
	for (k = 0; k < sizeof(verbs) / sizeof(verbs[0]); k++)
		if (strcmp(argv[i], verbs[k].verb) == 0)
			break;
	if (k == sizeof(verbs) / sizeof(verbs[0]))
		return ctl_mgmt_usage(c, "unknown vf command", argv[i]);
	c->cmd = verbs[k].cmd;
	i++;
	if (verbs[k].op == SRIOV_MGMT_OP_VF_ALLOC)
		return ctl_mgmt_vf_alloc(c, argc, argv, i);
	sriov_mgmt_req_init(&req, verbs[k].op);
	if (verbs[k].op == SRIOV_MGMT_OP_VF_SHOW) {
		for (; i < argc; i++) {
			if (strcmp(argv[i], "--json") == 0) {
				c->json = true;
			} else if (!req.has_vf) {
				if (!ctl_mgmt_num(c, "the VF", argv[i], 0,
						  SRIOV_TOTAL_VFS_MAX - 1, &n))
					return SVNIC_CTL_USAGE;
				req.vf = (uint16_t)n;
				req.has_vf = true;
			} else {
				return ctl_mgmt_usage(c, "one VF only, extra argument", argv[i]);
			}
		}
		return ctl_mgmt_send(c, &req);
	}
	if (!ctl_mgmt_num(c, "the VF", i < argc ? argv[i] : NULL, 0, SRIOV_TOTAL_VFS_MAX - 1, &n))
		return SVNIC_CTL_USAGE;
	req.vf = (uint16_t)n;
	req.has_vf = true;
	i++;
	if (verbs[k].op == SRIOV_MGMT_OP_VF_SET)
		return ctl_mgmt_vf_set(c, argc, argv, i, &req);
	if (verbs[k].op == SRIOV_MGMT_OP_VF_FREE && i < argc && strcmp(argv[i], "cascade") == 0) {
		req.cascade = true;
		i++;
	}
	if (i < argc)
		return ctl_mgmt_usage(c, "unexpected argument", argv[i]);
	return ctl_mgmt_send(c, &req);
}

/* "switch show [--json]" and "pf show [--json]" */
static int
ctl_mgmt_show(struct ctl_mgmt *c, int argc, char **argv, int i, enum sriov_mgmt_op op)
{
	struct sriov_mgmt_req req;

	if (i >= argc || strcmp(argv[i], "show") != 0)
		return ctl_mgmt_usage(c, "the only command is show", i < argc ? argv[i] : NULL);
	for (i++; i < argc; i++) {
		if (strcmp(argv[i], "--json") != 0)
			return ctl_mgmt_usage(c, "unexpected argument", argv[i]);
		c->json = true;
	}
	sriov_mgmt_req_init(&req, op);
	return ctl_mgmt_send(c, &req);
}

int
svnic_ctl_cmd_mgmt(int argc, char **argv, FILE *out, FILE *err)
{
	struct ctl_mgmt c = {
		.path = SRIOV_MGMT_DEFAULT_PATH,
		.timeout_ms = SVNIC_CTL_MGMT_TIMEOUT_MS,
		.cmd = "management",
		.out = out,
		.err = err,
	};
	long n;
	int i;

	for (i = 1; i < argc; i += 2) {
		if (strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "--socket") == 0) {
			if (i + 1 >= argc)
				return ctl_mgmt_usage(&c, "-s needs the management socket's path",
						      NULL);
			c.path = argv[i + 1];
		} else if (strcmp(argv[i], "--timeout") == 0) {
			if (!ctl_mgmt_num(&c, "--timeout (ms)", i + 1 < argc ? argv[i + 1] : NULL,
					  1, INT_MAX, &n))
				return SVNIC_CTL_USAGE;
			c.timeout_ms = (int)n;
		} else {
			break;
		}
	}
	if (i >= argc)
		return ctl_mgmt_usage(&c, "missing vf, switch or pf", NULL);
	if (strcmp(argv[i], "vf") == 0) {
		c.cmd = "vf";
		return ctl_mgmt_vf(&c, argc, argv, i + 1);
	}
	if (strcmp(argv[i], "switch") == 0) {
		c.cmd = "switch show";
		return ctl_mgmt_show(&c, argc, argv, i + 1, SRIOV_MGMT_OP_SWITCH_SHOW);
	}
	if (strcmp(argv[i], "pf") == 0) {
		c.cmd = "pf show";
		return ctl_mgmt_show(&c, argc, argv, i + 1, SRIOV_MGMT_OP_PF_SHOW);
	}
	return ctl_mgmt_usage(&c, "unknown command", argv[i]);
}
