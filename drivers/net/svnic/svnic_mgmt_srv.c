/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PF's management socket (doc/management.rst, svnic_mgmt_srv.h). Every
 * descriptor is non-blocking and every call returns at once: the PF's control
 * thread polls the descriptors with its other work and calls
 * svnic_mgmt_srv_handle() when one is ready, on its tick (for timeouts), and
 * again at once while handle() says requests are left over.
 *
 * A client holds at most one reply in flight: while its reply is unwritten the
 * server neither reads nor executes its next request, so a client that sends
 * without reading stalls itself (and is dropped once idle), never the PF.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* struct ucred, accept4; the PMD's build defines it already */
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sriov_log.h"
#include "svnic_mgmt_srv.h"

/* Requests executed for one client per handle() call, so one busy client cannot
 * keep the control thread from the others. */
#define SVNIC_MGMT_BURST	16
/* Connections taken from the listener per handle() call. */
#define SVNIC_MGMT_ACCEPT_BURST	(2 * SVNIC_MGMT_CLIENTS_MAX)

#define SVNIC_MGMT_XSTR(x)	#x
#define SVNIC_MGMT_STR(x)	SVNIC_MGMT_XSTR(x)

struct svnic_mgmt_client {
	int fd;			/* -1: free slot */
	pid_t pid;		/* of the peer, for the log */
	uid_t uid;
	uint64_t last_ms;	/* last progress in either direction */
	bool eof;		/* the peer will send nothing more */
	bool closing;		/* close once the reply is out */
	bool watch_out;		/* in the set for POLLOUT (a reply waits), else POLLIN */
	size_t in_len;
	char *out;		/* the reply being written */
	size_t out_len;
	size_t out_off;
	char in[SRIOV_MGMT_REQ_MAX];
};

struct svnic_mgmt_srv {
	int lfd;
	int ep;			/* epoll of lfd and the clients: svnic_mgmt_srv_fd() */
	dev_t dev;		/* of the socket file we bound: close() removes */
	ino_t ino;		/* only that file, never a successor's */
	struct sriov_switch *sw;
	const struct sriov_mgmt_ops *ops;
	void *ctx;
	struct svnic_mgmt_srv_stats stats;
	unsigned long refused_logged;	/* sriov_log_ratelimit() counter */
	struct svnic_mgmt_client clients[SVNIC_MGMT_CLIENTS_MAX];
	char path[sizeof(((struct sockaddr_un *)NULL)->sun_path)];
};

/* ---- opening ---- */

/* Add @p fd to the set an owner sleeps on (svnic_mgmt_srv_fd()). */
static int
svnic_mgmt_watch(struct svnic_mgmt_srv *s, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };

	if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
		SRIOV_LOG(ERR, "mgmt: epoll_ctl on %s: %s", s->path, strerror(errno));
		return -errno;
	}
	return 0;
}

/* mkdir -p of @p path's parent directories; the ones created are 0700. */
static int
svnic_mgmt_make_dirs(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)NULL)->sun_path)];
	struct stat st;
	char *p, c;
	int ret;

	snprintf(dir, sizeof(dir), "%s", path);
	p = strrchr(dir, '/');
	if (p == NULL || p == dir)
		return 0;	/* the current directory, or "/" */
	*p = '\0';
	if (stat(dir, &st) == 0)
		return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	for (p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			ret = -errno;
			SRIOV_LOG(ERR, "mgmt: cannot create directory %s: %s", dir,
				  strerror(-ret));
			return ret;
		}
		*p = c;
		if (c == '\0')
			return 0;
	}
}

/*
 * A socket file left at @p sa by a PF that is gone is replaced; one where a
 * server still accepts is not ours to take. A full backlog (EAGAIN) means a
 * live server too.
 */
static int
svnic_mgmt_clear_stale(const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, ret;

	if (lstat(sa->sun_path, &st) != 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		SRIOV_LOG(ERR, "mgmt: %s exists and is not a socket; remove it or choose "
			  "another mgmt= path", sa->sun_path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ret = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0 ? 0 : -errno;
	close(fd);
	if (ret == 0 || ret == -EAGAIN) {
		SRIOV_LOG(ERR, "mgmt: a server is answering on %s (another PF?); choose another "
			  "mgmt= path", sa->sun_path);
		return -EADDRINUSE;
	}
	if (ret != -ECONNREFUSED) {
		SRIOV_LOG(ERR, "mgmt: cannot probe %s: %s", sa->sun_path, strerror(-ret));
		return ret;
	}
	if (unlink(sa->sun_path) != 0 && errno != ENOENT) {
		ret = -errno;
		SRIOV_LOG(ERR, "mgmt: cannot remove the stale socket %s: %s", sa->sun_path,
			  strerror(-ret));
		return ret;
	}
	SRIOV_LOG(INFO, "mgmt: replaced the stale socket %s", sa->sun_path);
	return 0;
}

int
svnic_mgmt_srv_open(const struct svnic_mgmt_srv_cfg *cfg, struct svnic_mgmt_srv **out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	unsigned int mode, i;
	struct svnic_mgmt_srv *s;
	struct stat st;
	size_t len;
	int ret;

	if (out == NULL)
		return -EINVAL;
	*out = NULL;
	if (cfg == NULL || cfg->sw == NULL || cfg->path == NULL || cfg->path[0] == '\0') {
		SRIOV_LOG(ERR, "mgmt: a socket path and a switch are needed");
		return -EINVAL;
	}
	len = strlen(cfg->path);
	if (len >= sizeof(sa.sun_path)) {
		SRIOV_LOG(ERR, "mgmt: socket path longer than %zu bytes: %s",
			  sizeof(sa.sun_path) - 1, cfg->path);
		return -ENAMETOOLONG;
	}
	mode = cfg->mode != 0 ? cfg->mode : 0600;
	if (mode & ~0777u) {
		SRIOV_LOG(ERR, "mgmt: socket mode %o is not a permission mode", mode);
		return -EINVAL;
	}
	memcpy(sa.sun_path, cfg->path, len + 1);

	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	memcpy(s->path, cfg->path, len + 1);
	s->sw = cfg->sw;
	s->ops = cfg->ops;
	s->ctx = cfg->ctx;
	for (i = 0; i < SVNIC_MGMT_CLIENTS_MAX; i++)
		s->clients[i].fd = -1;

	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->ep < 0) {
		ret = -errno;
		goto err_free;
	}
	ret = svnic_mgmt_make_dirs(cfg->path);
	if (ret < 0)
		goto err_ep;
	ret = svnic_mgmt_clear_stale(&sa);
	if (ret < 0)
		goto err_ep;
	s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->lfd < 0) {
		ret = -errno;
		goto err_ep;
	}
	if (bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		ret = -errno;
		SRIOV_LOG(ERR, "mgmt: cannot bind %s: %s", cfg->path, strerror(-ret));
		goto err_close;
	}
	/*
	 * bind() created the file under the umask; until chmod() it may be wider
	 * than asked. The SO_PEERCRED check, not the mode, is what keeps other
	 * users out, so that window admits nobody.
	 */
	if (chmod(cfg->path, mode) != 0 || stat(cfg->path, &st) != 0) {
		ret = -errno;
		SRIOV_LOG(ERR, "mgmt: cannot set mode %o on %s: %s", mode, cfg->path,
			  strerror(-ret));
		goto err_unlink;
	}
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	if (listen(s->lfd, SVNIC_MGMT_CLIENTS_MAX) != 0) {
		ret = -errno;
		SRIOV_LOG(ERR, "mgmt: cannot listen on %s: %s", cfg->path, strerror(-ret));
		goto err_unlink;
	}
	ret = svnic_mgmt_watch(s, s->lfd, EPOLLIN);
	if (ret < 0)
		goto err_unlink;
	SRIOV_LOG(INFO, "mgmt: listening on %s (mode %03o)", cfg->path, mode);
	*out = s;
	return 0;

err_unlink:
	unlink(cfg->path);
err_close:
	close(s->lfd);
err_ep:
	close(s->ep);
err_free:
	free(s);
	return ret;
}

/* ---- clients ---- */

static void
svnic_mgmt_client_drop(struct svnic_mgmt_srv *s, struct svnic_mgmt_client *c)
{
	(void)epoll_ctl(s->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->out);
	c->fd = -1;
	c->out = NULL;
	c->out_len = 0;
	c->out_off = 0;
	c->in_len = 0;
	c->eof = false;
	c->closing = false;
}

/* One line to a connection we are about to close: best effort, never waits. */
static void
svnic_mgmt_refuse(struct svnic_mgmt_srv *s, int fd, int err, const char *why,
		  const struct ucred *cr)
{
	char *line = NULL;
	size_t len;

	s->stats.refused++;
	if (sriov_log_ratelimit(&s->refused_logged))
		SRIOV_LOG(WARNING, "mgmt: refused client pid %d uid %u on %s: %s (%lu so far)",
			  (int)cr->pid, (unsigned int)cr->uid, s->path, why,
			  s->refused_logged);
	if (sriov_mgmt_encode_error(err, why, &line, &len) == 0)
		(void)!send(fd, line, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	free(line);
	close(fd);
}

static void
svnic_mgmt_accept(struct svnic_mgmt_srv *s, uint64_t now_ms)
{
	struct svnic_mgmt_client *c;
	struct ucred cr;
	socklen_t crlen;
	unsigned int n, i;
	int fd;

	for (n = 0; n < SVNIC_MGMT_ACCEPT_BURST; n++) {
		fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				SRIOV_LOG(WARNING, "mgmt: accept on %s: %s", s->path,
					  strerror(errno));
			return;
		}
		crlen = sizeof(cr);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) != 0 ||
		    crlen != sizeof(cr)) {
			memset(&cr, 0, sizeof(cr));
			cr.uid = (uid_t)-1;
			svnic_mgmt_refuse(s, fd, EACCES, "the peer's credentials are unknown",
					  &cr);
			continue;
		}
		if (cr.uid != geteuid() && cr.uid != 0) {
			svnic_mgmt_refuse(s, fd, EACCES, "permission denied: only the PF "
					  "driver's user or root may manage it", &cr);
			continue;
		}
		for (i = 0; i < SVNIC_MGMT_CLIENTS_MAX; i++)
			if (s->clients[i].fd < 0)
				break;
		if (i == SVNIC_MGMT_CLIENTS_MAX) {
			svnic_mgmt_refuse(s, fd, EBUSY, "the PF is busy: it serves "
					  SVNIC_MGMT_STR(SVNIC_MGMT_CLIENTS_MAX)
					  " management clients at once; try again when one is done",
					  &cr);
			continue;
		}
		/* As svnic_mgmt_srv_pollfds() says: POLLIN, POLLOUT while a reply waits. */
		if (svnic_mgmt_watch(s, fd, EPOLLIN) < 0) {
			svnic_mgmt_refuse(s, fd, EMFILE, "the PF cannot watch one more "
					  "connection", &cr);
			continue;
		}
		c = &s->clients[i];
		c->fd = fd;
		c->watch_out = false;
		c->pid = cr.pid;
		c->uid = cr.uid;
		c->last_ms = now_ms;
		s->stats.accepted++;
		SRIOV_LOG(DEBUG, "mgmt: client pid %d uid %u connected", (int)cr.pid,
			  (unsigned int)cr.uid);
	}
}

/* Write what is left of the reply. @return 0 (done or would block) or -errno. */
static int
svnic_mgmt_client_flush(struct svnic_mgmt_client *c, uint64_t now_ms)
{
	ssize_t n;

	while (c->out_off < c->out_len) {
		n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -errno;
		}
		c->out_off += (size_t)n;
		c->last_ms = now_ms;
	}
	free(c->out);
	c->out = NULL;
	c->out_len = 0;
	c->out_off = 0;
	return 0;
}

/*
 * The encoders write {"v":1,"ok":...} first (sriov_mgmt.c), so a refusal is
 * recognised without parsing a reply that may be a megabyte long.
 */
static bool
svnic_mgmt_reply_is_error(const char *line, size_t len)
{
	static const char prefix[] = "{\"v\":1,\"ok\":false";

	return len >= sizeof(prefix) - 1 && memcmp(line, prefix, sizeof(prefix) - 1) == 0;
}

/* Queue the reply to one request line (its '\n' included). @return 0 or -ENOMEM. */
static int
svnic_mgmt_client_exec(struct svnic_mgmt_srv *s, struct svnic_mgmt_client *c,
		       const char *line, size_t len)
{
	int ret;

	s->stats.requests++;
	ret = sriov_mgmt_handle_line(s->sw, line, len, s->ops, s->ctx, &c->out, &c->out_len);
	if (ret < 0) {
		c->out = NULL;
		return ret;
	}
	if (svnic_mgmt_reply_is_error(c->out, c->out_len))
		s->stats.errors++;
	return 0;
}

static int
svnic_mgmt_client_too_long(struct svnic_mgmt_srv *s, struct svnic_mgmt_client *c)
{
	int ret;

	s->stats.requests++;
	s->stats.errors++;
	SRIOV_LOG(WARNING, "mgmt: client pid %d sent a request over %d bytes; closing it",
		  (int)c->pid, SRIOV_MGMT_REQ_MAX);
	ret = sriov_mgmt_encode_error(EMSGSIZE, "request over " SVNIC_MGMT_STR(SRIOV_MGMT_REQ_MAX)
				      " bytes (newline included): the connection is closed",
				      &c->out, &c->out_len);
	if (ret < 0)
		c->out = NULL;
	c->closing = true;
	c->in_len = 0;
	return ret;
}

/*
 * Move one client forward as far as it goes without blocking.
 * @return false when the client is to be dropped.
 */
static bool
svnic_mgmt_client_run(struct svnic_mgmt_srv *s, struct svnic_mgmt_client *c, uint64_t now_ms)
{
	unsigned int burst = 0;
	size_t used;
	ssize_t n;
	char *nl;
	int ret;

	for (;;) {
		if (c->out != NULL) {
			ret = svnic_mgmt_client_flush(c, now_ms);
			if (ret < 0) {
				SRIOV_LOG(DEBUG, "mgmt: client pid %d: %s", (int)c->pid,
					  strerror(-ret));
				return false;
			}
			if (c->out != NULL)
				return true;	/* POLLOUT will bring us back */
		}
		if (c->closing)
			return false;
		if (burst == SVNIC_MGMT_BURST)
			return true;
		nl = memchr(c->in, '\n', c->in_len);
		if (nl != NULL) {
			used = (size_t)(nl - c->in) + 1;
			ret = svnic_mgmt_client_exec(s, c, c->in, used);
			if (ret < 0)
				return false;
			memmove(c->in, c->in + used, c->in_len - used);
			c->in_len -= used;
			burst++;
			continue;
		}
		if (c->in_len == sizeof(c->in)) {
			if (svnic_mgmt_client_too_long(s, c) < 0)
				return false;
			continue;
		}
		if (c->eof)
			return false;	/* a partial last line is not a request */
		n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);
		if (n > 0) {
			c->in_len += (size_t)n;
			c->last_ms = now_ms;
		} else if (n == 0) {
			c->eof = true;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			return true;
		} else if (errno != EINTR) {
			return false;
		}
	}
}

/*
 * Level-triggered, for either: an owner polling the set nests it, and a
 * nested set is readable while any of its events is; so a writable socket
 * is watched only while a reply waits for room.
 */
static void
svnic_mgmt_client_rewatch(struct svnic_mgmt_srv *s, struct svnic_mgmt_client *c)
{
	struct epoll_event ev = { .data.fd = c->fd };
	bool out = c->out != NULL;

	if (out == c->watch_out)
		return;
	ev.events = out ? EPOLLOUT : EPOLLIN;
	if (epoll_ctl(s->ep, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->watch_out = out;
}

/*
 * Work that no descriptor will announce: complete requests already read, left
 * by the burst limit (the socket may have nothing more to read), or a reply
 * whose POLLOUT watch could not be set. A reply waiting for room under its
 * watch, and bytes still in the socket, wake the owner through the set.
 */
static bool
svnic_mgmt_client_pending(const struct svnic_mgmt_client *c)
{
	if (c->out != NULL)
		return !c->watch_out;
	return memchr(c->in, '\n', c->in_len) != NULL || c->in_len == sizeof(c->in);
}

/* ---- the interface ---- */

void
svnic_mgmt_srv_close(struct svnic_mgmt_srv *s)
{
	struct stat st;
	unsigned int i;

	if (s == NULL)
		return;
	for (i = 0; i < SVNIC_MGMT_CLIENTS_MAX; i++)
		if (s->clients[i].fd >= 0)
			svnic_mgmt_client_drop(s, &s->clients[i]);
	close(s->lfd);
	close(s->ep);
	if (lstat(s->path, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino)
		unlink(s->path);
	SRIOV_LOG(INFO, "mgmt: stopped listening on %s", s->path);
	free(s);
}

int
svnic_mgmt_srv_fd(const struct svnic_mgmt_srv *s)
{
	return s->ep;
}

unsigned int
svnic_mgmt_srv_pollfds(const struct svnic_mgmt_srv *s, struct pollfd *pfd, unsigned int max)
{
	const struct svnic_mgmt_client *c;
	unsigned int n = 0, i;

	if (s == NULL || pfd == NULL || max == 0)
		return 0;
	pfd[n++] = (struct pollfd){ .fd = s->lfd, .events = POLLIN };
	for (i = 0; i < SVNIC_MGMT_CLIENTS_MAX && n < max; i++) {
		c = &s->clients[i];
		if (c->fd < 0)
			continue;
		pfd[n++] = (struct pollfd){
			.fd = c->fd,
			.events = c->out != NULL ? POLLOUT : POLLIN,
		};
	}
	return n;
}

bool
svnic_mgmt_srv_handle(struct svnic_mgmt_srv *s, uint64_t now_ms)
{
	struct svnic_mgmt_client *c;
	bool more = false;
	unsigned int i;

	if (s == NULL)
		return false;
	svnic_mgmt_accept(s, now_ms);
	for (i = 0; i < SVNIC_MGMT_CLIENTS_MAX; i++) {
		c = &s->clients[i];
		if (c->fd < 0)
			continue;
		if (!svnic_mgmt_client_run(s, c, now_ms)) {
			svnic_mgmt_client_drop(s, c);
			continue;
		}
		svnic_mgmt_client_rewatch(s, c);
		if (now_ms > c->last_ms && now_ms - c->last_ms >= SVNIC_MGMT_IDLE_MS) {
			SRIOV_LOG(INFO, "mgmt: client pid %d idle for %u ms; closing it",
				  (int)c->pid, SVNIC_MGMT_IDLE_MS);
			svnic_mgmt_client_drop(s, c);
			continue;
		}
		more |= svnic_mgmt_client_pending(c);
	}
	return more;
}

void
svnic_mgmt_srv_get_stats(const struct svnic_mgmt_srv *s, struct svnic_mgmt_srv_stats *st)
{
	if (st == NULL)
		return;
	if (s == NULL) {
		memset(st, 0, sizeof(*st));
		return;
	}
	*st = s->stats;
}
