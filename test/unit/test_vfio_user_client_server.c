/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio-user client against server (lib/vfio_user) in one process: the server
 * runs in a thread on a socket in a temporary directory, backed by a small
 * fake device; the tests drive it with the client library or with raw
 * messages. Server state is inspected under the lock the server thread holds
 * while it handles requests.
 */
#define _GNU_SOURCE		/* memfd_create */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "unit.h"
#include "vfio_user_client.h"
#include "vfio_user_log.h"
#include "vfio_user_msg.h"
#include "vfio_user_server.h"

#define TOKEN		"0d8f5e5c-1b7a-4c1e-9a53-6f3b2c1d0e9f"
#define OTHER_TOKEN	"11111111-2222-3333-4444-555555555555"
#define BAR0_SIZE	4096u
#define BAR1_SIZE	8192u
#define RO_SIZE		256u
#define DOORBELL	0x100u	/* BAR0: writing an IOVA makes the device DMA */
#define NUM_REGIONS	4u
#define MSIX		1u
#define MSIX_COUNT	8u

/* ---- log capture (the library logs from two threads here) ---- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_lines[128][256];
static unsigned int log_n;

static void
log_sink(enum vfio_user_log_level level, const char *msg, void *ctx)
{
	(void)level;
	(void)ctx;
	pthread_mutex_lock(&log_lock);
	snprintf(log_lines[log_n % 128], sizeof(log_lines[0]), "%s", msg);
	log_n++;
	pthread_mutex_unlock(&log_lock);
}

static void
log_clear(void)
{
	pthread_mutex_lock(&log_lock);
	log_n = 0;
	pthread_mutex_unlock(&log_lock);
}

static bool
log_has(const char *needle)
{
	unsigned int i;
	bool found = false;

	pthread_mutex_lock(&log_lock);
	for (i = 0; i < (log_n < 128 ? log_n : 128); i++)
		if (strstr(log_lines[i], needle) != NULL)
			found = true;
	pthread_mutex_unlock(&log_lock);
	return found;
}

/* ---- the fake device ---- */

struct fake_dev {
	uint8_t bar0[BAR0_SIZE];
	uint8_t ro[RO_SIZE];
	int bar1_fd;
	const char *want_token;
	struct vfio_user_server *srv;
	unsigned int access_calls, region_info_calls, reset_calls, disconnect_calls;
	unsigned int dma_map_calls, dma_unmap_calls, set_irqs_calls;
	unsigned int posted_calls;	/* region accesses served for a posted write */
	int dma_map_fd_seen;
	uint32_t irq_index, irq_flags, irq_start, irq_count;
	int irq_fds[MSIX_COUNT];
	uint8_t irq_bools[MSIX_COUNT];
	uint8_t dma_seen[64];
	int dma_read_ret, dma_write_ret;
	unsigned int feature_calls;
	uint32_t feature_flags, feature_len;
	uint8_t feature_data[32];
};

static struct fake_dev dev;

static int
fake_device_info(void *ctx, struct vfio_user_device_info *info)
{
	(void)ctx;
	info->flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info->num_regions = NUM_REGIONS;
	info->num_irqs = 2;
	return 0;
}

static int
fake_region_info(void *ctx, uint32_t index, struct vfio_user_region_desc *d)
{
	struct fake_dev *f = ctx;

	f->region_info_calls++;
	switch (index) {
	case 0:
		d->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
		d->size = BAR0_SIZE;
		break;
	case 1:
		d->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
			VFIO_REGION_INFO_FLAG_MMAP;
		d->size = BAR1_SIZE;
		d->fd = f->bar1_fd;
		d->nr_sparse = 2;
		d->sparse[0].offset = 0;
		d->sparse[0].size = 0x1000;
		d->sparse[1].offset = 0x1000;
		d->sparse[1].size = 0x1000;
		break;
	case 2:
		d->flags = VFIO_REGION_INFO_FLAG_READ;
		d->size = RO_SIZE;
		break;
	default:
		d->size = 0;
		break;
	}
	return 0;
}

static int
fake_irq_info(void *ctx, uint32_t index, struct vfio_irq_info *info)
{
	(void)ctx;
	if (index == 0) {
		info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE;
		info->count = 1;
	} else {
		info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
		info->count = MSIX_COUNT;
	}
	return 0;
}

static void
fake_doorbell(struct fake_dev *f, uint64_t iova)
{
	uint8_t inv[64];
	unsigned int i;

	f->dma_read_ret = vfio_user_server_dma_read(f->srv, iova, f->dma_seen, 64);
	for (i = 0; i < 64; i++)
		inv[i] = (uint8_t)~f->dma_seen[i];
	f->dma_write_ret = vfio_user_server_dma_write(f->srv, iova + 64, inv, 64);
}

static int
fake_region_access(void *ctx, uint32_t index, uint64_t off, void *buf, uint32_t count,
		bool is_write)
{
	struct fake_dev *f = ctx;
	uint8_t *mem = index == 0 ? f->bar0 : f->ro;
	uint64_t iova;

	f->access_calls++;
	if (vfio_user_server_posted(f->srv))
		f->posted_calls++;
	if (index > 2 || index == 1)
		return -EIO;	/* BAR1 is only reached through its mmap here */
	if (!is_write) {
		memcpy(buf, mem + off, count);
		return 0;
	}
	memcpy(mem + off, buf, count);
	if (index == 0 && off == DOORBELL && count == sizeof(iova)) {
		memcpy(&iova, buf, sizeof(iova));
		fake_doorbell(f, iova);
	}
	return 0;
}

static int
fake_set_irqs(void *ctx, uint32_t index, uint32_t flags, uint32_t start, uint32_t count,
		const int *fds, const uint8_t *bools)
{
	struct fake_dev *f = ctx;
	uint32_t i;

	f->set_irqs_calls++;
	f->irq_index = index;
	f->irq_flags = flags;
	f->irq_start = start;
	f->irq_count = count;
	for (i = 0; i < count && i < MSIX_COUNT; i++) {
		f->irq_fds[i] = fds != NULL ? fds[i] : -2;
		f->irq_bools[i] = bools != NULL ? bools[i] : 0xee;
	}
	return 0;
}

static int
fake_dma_map(void *ctx, const struct vfio_user_dma_region *r, int fd)
{
	struct fake_dev *f = ctx;

	(void)r;
	f->dma_map_calls++;
	f->dma_map_fd_seen = fd;
	return 0;
}

static void
fake_dma_unmap(void *ctx, const struct vfio_user_dma_region *r)
{
	struct fake_dev *f = ctx;

	(void)r;
	f->dma_unmap_calls++;
}

static int
fake_reset(void *ctx)
{
	struct fake_dev *f = ctx;

	f->reset_calls++;
	return 0;
}

static int
fake_check_token(void *ctx, const char *token)
{
	struct fake_dev *f = ctx;

	if (f->want_token == NULL)
		return 0;
	if (token == NULL)
		return -EACCES;
	return strcmp(token, f->want_token) == 0 ? 0 : -EPERM;
}

static void
fake_disconnect(void *ctx)
{
	struct fake_dev *f = ctx;

	f->disconnect_calls++;
}

static const struct vfio_user_server_ops fake_ops = {
	.device_info = fake_device_info,
	.region_info = fake_region_info,
	.irq_info = fake_irq_info,
	.region_access = fake_region_access,
	.set_irqs = fake_set_irqs,
	.dma_map = fake_dma_map,
	.dma_unmap = fake_dma_unmap,
	.reset = fake_reset,
	.check_token = fake_check_token,
	.disconnect = fake_disconnect,
};

/*
 * Features: the VF token (SET only, as vfio-pci: GET would leak a previous
 * user's token) and a test feature that only answers GET with 8 bytes.
 */
#define TEST_FEATURE		0x7ffu
#define TEST_FEATURE_DATA	"GETDATA!"

static int
fake_device_feature(void *ctx, uint32_t flags, const void *data, uint32_t len, void *out,
		uint32_t out_cap, uint32_t *out_len)
{
	struct fake_dev *f = ctx;
	uint32_t ops = flags & VFIO_USER_FEATURE_OPS;

	f->feature_calls++;
	f->feature_flags = flags;
	f->feature_len = len;
	if (data != NULL)
		memcpy(f->feature_data, data, len < sizeof(f->feature_data) ?
			len : sizeof(f->feature_data));
	switch (flags & VFIO_DEVICE_FEATURE_MASK) {
	case VFIO_DEVICE_FEATURE_PCI_VF_TOKEN:
		return (ops & VFIO_DEVICE_FEATURE_GET) != 0 ? -EINVAL : 0;
	case TEST_FEATURE:
		if ((ops & VFIO_DEVICE_FEATURE_SET) != 0)
			return -EINVAL;
		if (ops == VFIO_DEVICE_FEATURE_GET) {
			if (out_cap < 8)
				return -EINVAL;
			memcpy(out, TEST_FEATURE_DATA, 8);
			*out_len = 8;
		}
		return 0;
	default:
		return -ENOTTY;
	}
}

static const struct vfio_user_server_ops fake_ops_feature = {
	.device_info = fake_device_info,
	.region_info = fake_region_info,
	.irq_info = fake_irq_info,
	.region_access = fake_region_access,
	.set_irqs = fake_set_irqs,
	.reset = fake_reset,
	.disconnect = fake_disconnect,
	.device_feature = fake_device_feature,
};

/* ---- fixture: the server thread ---- */

static const struct vfio_user_server_ops *fx_ops = &fake_ops;

static pthread_mutex_t srv_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vfio_user_server *srv;
static pthread_t srv_thread;
static atomic_bool srv_stop;
static char dir[64];
static char path[128];

/* the owner busy polls: 3 looks in 4 read the client alone, as net_svnic's does */
static atomic_bool srv_poll_client;
static atomic_uint srv_polled;		/* messages those looks served */

static void *
server_main(void *arg)
{
	struct pollfd pfd[8];
	unsigned int n, looks = 0;

	(void)arg;
	while (!atomic_load(&srv_stop)) {
		if (atomic_load(&srv_poll_client) && ++looks % 4 != 0) {
			pthread_mutex_lock(&srv_lock);
			atomic_fetch_add(&srv_polled,
					 (unsigned int)vfio_user_server_poll_client(srv));
			pthread_mutex_unlock(&srv_lock);
			continue;
		}
		pthread_mutex_lock(&srv_lock);
		n = vfio_user_server_pollfds(srv, pfd, 8);
		pthread_mutex_unlock(&srv_lock);
		poll(pfd, n, 5);
		pthread_mutex_lock(&srv_lock);
		vfio_user_server_handle(srv);
		pthread_mutex_unlock(&srv_lock);
	}
	return NULL;
}

static int
memfd_make(size_t size)
{
	int fd = memfd_create("vu-test", MFD_CLOEXEC);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(ftruncate(fd, (off_t)size) == 0);
	return fd;
}

static void
fx_start_cfg(struct vfio_user_server_cfg *cfg)
{
	memset(&dev, 0, sizeof(dev));
	dev.bar1_fd = memfd_make(BAR1_SIZE);
	CU_ASSERT_FATAL(pwrite(dev.bar1_fd, "BAR1", 4, 0) == 4);
	strcpy(dir, "/tmp/vu-test-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vf.sock", dir);
	cfg->path = path;
	CU_ASSERT_EQUAL_FATAL(vfio_user_server_create(cfg, fx_ops, &dev, &srv), 0);
	dev.srv = srv;
	atomic_store(&srv_stop, false);
	CU_ASSERT_FATAL(pthread_create(&srv_thread, NULL, server_main, NULL) == 0);
	log_clear();
}

static void
fx_start(void)
{
	struct vfio_user_server_cfg cfg = { .timeout_ms = 1000 };

	fx_start_cfg(&cfg);
}

static void
fx_stop(void)
{
	atomic_store(&srv_stop, true);
	pthread_join(srv_thread, NULL);
	vfio_user_server_destroy(srv);
	srv = NULL;
	close(dev.bar1_fd);
	rmdir(dir);
}

/* Copy of the device's counters, taken while the server thread is idle. */
static struct fake_dev
dev_now(void)
{
	struct fake_dev d;

	pthread_mutex_lock(&srv_lock);
	d = dev;
	pthread_mutex_unlock(&srv_lock);
	return d;
}

static bool
fx_wait_disconnected(void)
{
	unsigned int i;
	bool c = true;

	for (i = 0; i < 4000 && c; i++) {
		pthread_mutex_lock(&srv_lock);
		c = vfio_user_server_connected(srv);
		pthread_mutex_unlock(&srv_lock);
		if (c)
			usleep(500);
	}
	return !c;
}

static struct vfio_user_client *
client_open(const struct vfio_user_client_opts *o)
{
	struct vfio_user_client *c = NULL;

	CU_ASSERT_EQUAL_FATAL(vfio_user_client_connect(path, o, &c), 0);
	return c;
}

/* ---- raw peers, for what the client library would never send ---- */

/* Send a request and return 0 or the negative errno of an error reply. */
static int
raw_call_fds(int fd, uint16_t cmd, const void *p, size_t len, uint32_t flags, const int *fds,
		unsigned int nfds, struct vfio_user_msg *reply)
{
	struct vfio_user_hdr h = { .msg_id = 0x4242, .cmd = cmd, .flags = flags };
	struct iovec iov = { (void *)(uintptr_t)p, len };
	struct vfio_user_msg m;
	int ret;

	ret = vfio_user_msg_send(fd, &h, &iov, 1, fds, nfds, 1000);
	if (ret < 0)
		return ret;
	ret = vfio_user_msg_recv(fd, &m, VFIO_USER_MSG_MAX, 2000, true);
	if (ret < 0)
		return ret;
	CU_ASSERT_EQUAL(m.hdr.msg_id, 0x4242);
	CU_ASSERT_EQUAL(m.hdr.cmd, cmd);
	CU_ASSERT_EQUAL(m.hdr.flags & VFIO_USER_F_TYPE_MASK, VFIO_USER_F_TYPE_REPLY);
	if ((m.hdr.flags & VFIO_USER_F_ERROR) != 0) {
		CU_ASSERT_EQUAL(m.len, 0);	/* an error reply is a bare header */
		ret = -(int)m.hdr.error_no;
		vfio_user_msg_release(&m);
		return ret;
	}
	if (reply != NULL)
		*reply = m;
	else
		vfio_user_msg_release(&m);
	return 0;
}

static int
raw_call(int fd, uint16_t cmd, const void *p, size_t len, struct vfio_user_msg *reply)
{
	return raw_call_fds(fd, cmd, p, len, 0, NULL, 0, reply);
}

static void
raw_version(int fd)
{
	struct vfio_user_version v = { 0, 1 };

	CU_ASSERT_EQUAL_FATAL(raw_call(fd, VFIO_USER_VERSION, &v, sizeof(v), NULL), 0);
}

/* ---- VERSION and connection handling ---- */

static void
test_garbage_before_version_dropped(void)
{
	struct vfio_user_hdr h = { .cmd = 0xffff, .msg_size = 0xffffffff, .flags = 0xff };
	struct vfio_user_device_info info = { .argsz = sizeof(info) };
	struct vfio_user_client *c;
	int fd;

	fx_start();
	fd = unit_connect(path);
	CU_ASSERT_EQUAL(write(fd, &h, sizeof(h)), (ssize_t)sizeof(h));
	CU_ASSERT_TRUE(unit_peer_closed(fd));
	close(fd);
	/* A well-formed command, but not VERSION: dropped as well. */
	fd = unit_connect(path);
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DEVICE_GET_INFO, &info, sizeof(info), NULL),
		-ECONNRESET);
	close(fd);
	CU_ASSERT_TRUE(log_has("before VERSION"));
	c = client_open(NULL);
	CU_ASSERT_EQUAL(vfio_user_client_device_info(c, &info), 0);
	vfio_user_client_close(c);
	CU_ASSERT_TRUE(fx_wait_disconnected());
	/* Clients that never negotiated never touched the device. */
	CU_ASSERT_EQUAL(dev_now().disconnect_calls, 1);
	fx_stop();
}

static void
test_version_malformed_json(void)
{
	struct {
		struct vfio_user_version v;
		char json[8];
	} req = { { 0, 1 }, "{\"capab" };
	struct vfio_user_client *c;
	int fd;

	fx_start();
	fd = unit_connect(path);
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_VERSION, &req, sizeof(req), NULL), -EINVAL);
	CU_ASSERT_TRUE(unit_peer_closed(fd));
	close(fd);
	CU_ASSERT_TRUE(log_has("malformed VERSION"));
	c = client_open(NULL);
	vfio_user_client_close(c);
	fx_stop();
}

static void
test_version_wrong_major_and_twice(void)
{
	struct vfio_user_version v = { 1, 0 };
	struct vfio_user_device_info info = { .argsz = sizeof(info) };
	struct vfio_user_msg reply;
	int fd;

	fx_start();
	fd = unit_connect(path);
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_VERSION, &v, sizeof(v), NULL), -ENOTSUP);
	CU_ASSERT_TRUE(unit_peer_closed(fd));
	close(fd);
	CU_ASSERT_TRUE(fx_wait_disconnected());

	/* Minor 0 proposed: the reply may not be above it. */
	fd = unit_connect(path);
	v.major = 0;
	v.minor = 0;
	CU_ASSERT_EQUAL_FATAL(raw_call(fd, VFIO_USER_VERSION, &v, sizeof(v), &reply), 0);
	CU_ASSERT_FATAL(reply.len > sizeof(v));
	CU_ASSERT_EQUAL(((struct vfio_user_version *)reply.data)->major, 0);
	CU_ASSERT_EQUAL(((struct vfio_user_version *)reply.data)->minor, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr((char *)reply.data + 4, "\"max_data_xfer_size\":1048576"));
	CU_ASSERT_EQUAL(reply.data[reply.len - 1], '\0');
	vfio_user_msg_release(&reply);
	/* A second VERSION is refused, the session goes on. */
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_VERSION, &v, sizeof(v), NULL), -EINVAL);
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DEVICE_GET_INFO, &info, sizeof(info), NULL), 0);
	close(fd);
	fx_stop();
}

static void
test_version_stalled_client(void)
{
	struct vfio_user_server_cfg cfg = { .timeout_ms = 100 };
	struct vfio_user_hdr h = { .cmd = VFIO_USER_VERSION, .msg_size = 20 };
	struct vfio_user_client *c;
	int fd, fd2;

	fx_start_cfg(&cfg);
	/* Half a header, then silence. */
	fd = unit_connect(path);
	CU_ASSERT_EQUAL(write(fd, &h, 8), 8);
	CU_ASSERT_TRUE(unit_peer_closed(fd));
	close(fd);
	/* Connected, never a byte: dropped after the timeout too. */
	fd2 = unit_connect(path);
	CU_ASSERT_TRUE(unit_peer_closed(fd2));
	close(fd2);
	c = client_open(NULL);
	vfio_user_client_close(c);
	fx_stop();
}

static bool
timers_now(void)
{
	bool t;

	pthread_mutex_lock(&srv_lock);
	t = vfio_user_server_has_timers(srv);
	pthread_mutex_unlock(&srv_lock);
	return t;
}

/* Wait up to 2 s for vfio_user_server_has_timers() to become @p want. */
static bool
timers_become(bool want)
{
	int i;

	for (i = 0; i < 2000; i++) {
		if (timers_now() == want)
			return true;
		usleep(1000);
	}
	return false;
}

/* A server has a deadline of its own only while a VERSION is due. */
static void
test_server_timers(void)
{
	struct vfio_user_server_cfg cfg = { .timeout_ms = 200 };
	struct vfio_user_client *c;
	int fd;

	fx_start_cfg(&cfg);
	CU_ASSERT_FALSE(timers_now());
	fd = unit_connect(path);
	CU_ASSERT_TRUE(timers_become(true));		/* accepted, VERSION due */
	CU_ASSERT_TRUE(unit_peer_closed(fd));		/* and dropped when it is late */
	close(fd);
	CU_ASSERT_TRUE(timers_become(false));
	c = client_open(NULL);
	CU_ASSERT_FALSE(timers_now());			/* negotiated: nothing due */
	vfio_user_client_close(c);
	fx_stop();
}

static void
test_version_without_json(void)
{
	struct vfio_user_client_opts o = { .no_caps = true };
	struct vfio_user_device_info info;
	struct vfio_user_client *c;

	fx_start();
	c = client_open(&o);
	CU_ASSERT_EQUAL(vfio_user_client_server_caps(c)->max_msg_fds, VFIO_USER_MAX_MSG_FDS);
	CU_ASSERT_EQUAL(vfio_user_client_server_caps(c)->max_data_xfer_size, 1048576);
	CU_ASSERT_EQUAL(vfio_user_client_device_info(c, &info), 0);
	vfio_user_client_close(c);
	/* A token needs the JSON. */
	o.vf_token = TOKEN;
	CU_ASSERT_EQUAL(vfio_user_client_connect(path, &o, &c), -EINVAL);
	CU_ASSERT_PTR_NULL(c);
	fx_stop();
}

static void
test_server_with_fewer_caps(void)
{
	struct vfio_user_server_cfg cfg = { .timeout_ms = 1000, .no_caps = true };
	const struct vfio_user_caps *caps;
	struct vfio_user_client *c;
	int efd[3], i;

	fx_start_cfg(&cfg);
	c = client_open(NULL);
	caps = vfio_user_client_server_caps(c);
	/* Spec defaults for everything the server did not name. */
	CU_ASSERT_EQUAL(caps->max_msg_fds, 1);
	CU_ASSERT_EQUAL(caps->max_data_xfer_size, 1048576);
	CU_ASSERT_EQUAL(caps->pgsizes, 4096);
	CU_ASSERT_EQUAL(caps->max_dma_maps, 65535);
	for (i = 0; i < 3; i++)
		efd[i] = eventfd(0, EFD_CLOEXEC);
	/* One fd per message: three vectors take three messages. */
	CU_ASSERT_EQUAL(vfio_user_client_set_irq_eventfds(c, MSIX, 0, 3, efd), 0);
	CU_ASSERT_EQUAL(dev_now().set_irqs_calls, 3);
	pthread_mutex_lock(&srv_lock);
	CU_ASSERT(vfio_user_server_irq_fd(srv, MSIX, 2) >= 0);
	pthread_mutex_unlock(&srv_lock);
	vfio_user_client_close(c);
	for (i = 0; i < 3; i++)
		close(efd[i]);
	fx_stop();
}

static void
test_vf_token(void)
{
	struct vfio_user_client_opts o = { 0 };
	struct vfio_user_client *c;

	fx_start();
	dev.want_token = TOKEN;
	CU_ASSERT_EQUAL(vfio_user_client_connect(path, &o, &c), -EACCES);
	CU_ASSERT_TRUE(log_has("server answered VERSION with error 13"));
	CU_ASSERT_TRUE(log_has("VF token missing refused"));
	o.vf_token = OTHER_TOKEN;
	CU_ASSERT_EQUAL(vfio_user_client_connect(path, &o, &c), -EPERM);
	o.vf_token = "not-a-token";
	CU_ASSERT_EQUAL(vfio_user_client_connect(path, &o, &c), -EINVAL);
	o.vf_token = TOKEN;
	CU_ASSERT_EQUAL(vfio_user_client_connect(path, &o, &c), 0);
	vfio_user_client_close(c);
	CU_ASSERT_TRUE(fx_wait_disconnected());
	/* Only the accepted client counted as a session of the function. */
	CU_ASSERT_EQUAL(dev_now().disconnect_calls, 1);
	fx_stop();
}

static void
test_second_client_busy(void)
{
	struct vfio_user_device_info info;
	struct vfio_user_client *a, *b = NULL;

	fx_start();
	a = client_open(NULL);
	CU_ASSERT_EQUAL(vfio_user_client_connect(path, NULL, &b), -EBUSY);
	CU_ASSERT_PTR_NULL(b);
	CU_ASSERT_TRUE(log_has("server answered VERSION with error 16"));
	/* The first client is not disturbed. */
	CU_ASSERT_EQUAL(vfio_user_client_device_info(a, &info), 0);
	vfio_user_client_close(a);
	CU_ASSERT_TRUE(fx_wait_disconnected());
	CU_ASSERT_EQUAL(vfio_user_client_connect(path, NULL, &b), 0);
	CU_ASSERT_EQUAL(vfio_user_client_device_info(b, &info), 0);
	vfio_user_client_close(b);
	fx_stop();
}

static void
test_stale_socket_replaced(void)
{
	struct vfio_user_server_cfg cfg = { .path = path };
	struct vfio_user_server *s2;
	struct stat st;
	int fd;

	fx_start();
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	/* A live server answers there: not replaced. */
	CU_ASSERT_EQUAL(vfio_user_server_create(&cfg, &fake_ops, &dev, &s2), -EADDRINUSE);
	fx_stop();
	/* A socket file nobody listens on is replaced. */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };

		CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(strcpy(dir, "/tmp/vu-test-XXXXXX")));
		snprintf(path, sizeof(path), "%s/vf.sock", dir);
		strcpy(sa.sun_path, path);
		CU_ASSERT_EQUAL_FATAL(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	}
	close(fd);
	cfg.path = path;
	CU_ASSERT_EQUAL(vfio_user_server_create(&cfg, &fake_ops, &dev, &s2), 0);
	vfio_user_server_destroy(s2);
	CU_ASSERT_NOT_EQUAL(stat(path, &st), 0);
	/* Any other kind of file is left alone. */
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	close(fd);
	CU_ASSERT_EQUAL(vfio_user_server_create(&cfg, &fake_ops, &dev, &s2), -EEXIST);
	unlink(path);
	rmdir(dir);
}

/* ---- device information and region access ---- */

static void
test_device_and_irq_info(void)
{
	struct vfio_user_device_info info;
	struct vfio_irq_info irq;
	struct vfio_user_client *c;

	fx_start();
	c = client_open(NULL);
	CU_ASSERT_EQUAL(vfio_user_client_irq_info(c, 2, &irq), -EINVAL);
	CU_ASSERT_TRUE(log_has("server answered DEVICE_GET_IRQ_INFO with error 22"));
	CU_ASSERT_EQUAL(vfio_user_client_device_info(c, &info), 0);
	CU_ASSERT_EQUAL(info.argsz, 16);
	CU_ASSERT_EQUAL(info.flags, VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET);
	CU_ASSERT_EQUAL(info.num_regions, NUM_REGIONS);
	CU_ASSERT_EQUAL(info.num_irqs, 2);
	CU_ASSERT_EQUAL(vfio_user_client_irq_info(c, MSIX, &irq), 0);
	CU_ASSERT_EQUAL(irq.index, MSIX);
	CU_ASSERT_EQUAL(irq.count, MSIX_COUNT);
	CU_ASSERT_EQUAL(irq.flags, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE);
	vfio_user_client_close(c);
	fx_stop();
}

static void
test_region_info_sparse_retry(void)
{
	struct vfio_user_client_region r;
	struct vfio_user_client *c;
	unsigned int calls;
	char *p;

	fx_start();
	c = client_open(NULL);
	CU_ASSERT_EQUAL(vfio_user_client_region_info(c, NUM_REGIONS, &r), -EINVAL);
	CU_ASSERT_EQUAL(r.fd, -1);
	calls = dev_now().region_info_calls;
	CU_ASSERT_EQUAL_FATAL(vfio_user_client_region_info(c, 1, &r), 0);
	/* The first answer asked for a larger argsz: the client asked again. */
	CU_ASSERT_EQUAL(dev_now().region_info_calls, calls + 2);
	CU_ASSERT_EQUAL(r.info.argsz, 32 + 16 + 2 * 16);
	CU_ASSERT_EQUAL(r.info.flags, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
		VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS);
	CU_ASSERT_EQUAL(r.info.cap_offset, 32);
	CU_ASSERT_EQUAL(r.info.size, BAR1_SIZE);
	CU_ASSERT_EQUAL(r.nr_sparse, 2);
	CU_ASSERT_EQUAL(r.sparse[1].offset, 0x1000);
	CU_ASSERT_EQUAL(r.sparse[1].size, 0x1000);
	CU_ASSERT_FATAL(r.fd >= 0);
	/* The fd that arrived maps the device's memory. */
	p = mmap(NULL, BAR1_SIZE, PROT_READ, MAP_SHARED, r.fd, (off_t)r.info.offset);
	CU_ASSERT_FATAL(p != MAP_FAILED);
	CU_ASSERT_EQUAL(memcmp(p, "BAR1", 4), 0);
	munmap(p, BAR1_SIZE);
	close(r.fd);

	calls = dev_now().region_info_calls;
	CU_ASSERT_EQUAL(vfio_user_client_region_info(c, 0, &r), 0);
	CU_ASSERT_EQUAL(dev_now().region_info_calls, calls + 1);
	CU_ASSERT_EQUAL(r.fd, -1);
	CU_ASSERT_EQUAL(r.nr_sparse, 0);
	CU_ASSERT_EQUAL(r.info.flags, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE);
	CU_ASSERT_EQUAL(r.info.size, BAR0_SIZE);
	vfio_user_client_close(c);
	fx_stop();
}

static void
test_region_rw_out_of_bounds(void)
{
	struct vfio_user_client *c;
	uint8_t b[16] = { 0 };

	fx_start();
	c = client_open(NULL);
	CU_ASSERT_EQUAL(vfio_user_client_region_read(c, 0, BAR0_SIZE - 4, b, 8), -EINVAL);
	CU_ASSERT_EQUAL(vfio_user_client_region_read(c, 0, BAR0_SIZE, b, 1), -EINVAL);
	CU_ASSERT_EQUAL(vfio_user_client_region_write(c, 0, UINT64_MAX, b, 2), -EINVAL);
	CU_ASSERT_EQUAL(vfio_user_client_region_write(c, 2, 0, b, 4), -EACCES);
	CU_ASSERT_EQUAL(vfio_user_client_region_read(c, 3, 0, b, 4), -EINVAL);
	CU_ASSERT_EQUAL(vfio_user_client_region_read(c, 9, 0, b, 4), -EINVAL);
	CU_ASSERT_EQUAL(vfio_user_client_region_read(c, 0, 0, b, 0), -EINVAL);
	/* None of these reached the device. */
	CU_ASSERT_EQUAL(dev_now().access_calls, 0);
	CU_ASSERT_TRUE(log_has("outside"));
	vfio_user_client_close(c);
	fx_stop();
}

/*
 * A posted write: no reply is waited for or sent, it reaches the device in
 * order before the client's next message, the owner can tell it was posted,
 * and a failing one only costs the server a log line.
 */
static void
test_region_write_posted(void)
{
	struct vfio_user_client *c;
	uint8_t w[4] = { 9, 8, 7, 6 }, r[4] = { 0 };

	fx_start();
	c = client_open(NULL);
	CU_ASSERT_EQUAL(vfio_user_client_region_write_posted(c, 0, 0x20, w, sizeof(w)), 0);
	CU_ASSERT_EQUAL(vfio_user_client_region_read(c, 0, 0x20, r, sizeof(r)), 0);
	CU_ASSERT_EQUAL(memcmp(w, r, sizeof(r)), 0);
	CU_ASSERT_EQUAL(dev_now().posted_calls, 1);
	CU_ASSERT_EQUAL(dev_now().access_calls, 2);
	/* refused by the device (BAR1 is mmap only): the connection goes on */
	CU_ASSERT_EQUAL(vfio_user_client_region_write_posted(c, 1, 0, w, sizeof(w)), 0);
	CU_ASSERT_EQUAL(vfio_user_client_region_read(c, 0, 0x20, r, sizeof(r)), 0);
	CU_ASSERT_EQUAL(dev_now().posted_calls, 2);
	CU_ASSERT(log_has("posted REGION_WRITE failed"));
	/* more than one message's worth is the caller's mistake */
	CU_ASSERT_EQUAL(vfio_user_client_region_write_posted(c, 0, 0, w, 0), -EINVAL);
	CU_ASSERT_EQUAL(vfio_user_client_region_write_posted(c, 0, 0, w, 2u << 20), -EMSGSIZE);
	vfio_user_client_close(c);
	fx_stop();
}

static void
test_region_rw_in_bounds(void)
{
	struct vfio_user_client *c;
	uint8_t w[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, r[8] = { 0 }, *all;

	fx_start();
	c = client_open(NULL);
	CU_ASSERT_EQUAL(vfio_user_client_region_write(c, 0, 0x10, w, sizeof(w)), 0);
	CU_ASSERT_EQUAL(dev_now().bar0[0x17], 8);
	CU_ASSERT_EQUAL(vfio_user_client_region_read(c, 0, 0x10, r, sizeof(r)), 0);
	CU_ASSERT_EQUAL(memcmp(w, r, sizeof(r)), 0);
	all = calloc(1, BAR0_SIZE);
	CU_ASSERT_EQUAL(vfio_user_client_region_read(c, 0, 0, all, BAR0_SIZE), 0);
	CU_ASSERT_EQUAL(all[0x13], 4);
	free(all);
	dev.ro[RO_SIZE - 1] = 0x77;
	CU_ASSERT_EQUAL(vfio_user_client_region_read(c, 2, RO_SIZE - 1, r, 1), 0);
	CU_ASSERT_EQUAL(r[0], 0x77);
	CU_ASSERT_EQUAL(dev_now().access_calls, 4);
	vfio_user_client_close(c);
	fx_stop();
}

static void *
hold_server(void *arg)
{
	/* the server thread cannot answer while this holds its lock */
	pthread_mutex_lock(&srv_lock);
	*(atomic_bool *)arg = true;
	usleep(20000);
	pthread_mutex_unlock(&srv_lock);
	return NULL;
}

/*
 * A client that busy polls for its replies gets the same answers: within the
 * window, after a short one, and from a server that answers only after the
 * window closed (the client then sleeps in recvmsg() as without polling).
 */
static void
test_client_busy_poll(void)
{
	static const unsigned int windows[] = { 1, 1000 };
	struct vfio_user_client_opts o = { 0 };
	struct vfio_user_client *c;
	atomic_bool held = false;
	unsigned int i, k;
	pthread_t t;
	uint32_t w, r;

	fx_start();
	for (k = 0; k < sizeof(windows) / sizeof(windows[0]); k++) {
		o.busy_poll_us = windows[k];
		c = client_open(&o);
		for (i = 0; i < 200; i++) {
			w = i * 2654435761u;
			r = ~w;
			CU_ASSERT_EQUAL_FATAL(vfio_user_client_region_write(c, 0, 0x20, &w,
									    sizeof(w)), 0);
			CU_ASSERT_EQUAL_FATAL(vfio_user_client_region_read(c, 0, 0x20, &r,
									   sizeof(r)), 0);
			CU_ASSERT_EQUAL_FATAL(r, w);
		}
		atomic_store(&held, false);
		CU_ASSERT_FATAL(pthread_create(&t, NULL, hold_server, &held) == 0);
		while (!atomic_load(&held))
			usleep(100);
		r = 0;
		CU_ASSERT_EQUAL(vfio_user_client_region_read(c, 0, 0x20, &r, sizeof(r)), 0);
		CU_ASSERT_EQUAL(r, w);
		pthread_join(t, NULL);
		vfio_user_client_close(c);
		CU_ASSERT_TRUE(fx_wait_disconnected());
	}
	fx_stop();
}

/*
 * An owner that reads the client between its waits (busy polling) serves
 * the same: requests in order, a DMA-less read-back, the client leaving seen
 * by that read (the function reset), and a new client after it.
 */
static void
test_server_poll_client(void)
{
	struct vfio_user_client *c;
	unsigned int i, k;
	uint32_t w, r;

	atomic_store(&srv_polled, 0);
	atomic_store(&srv_poll_client, true);
	fx_start();
	for (k = 0; k < 2; k++) {
		c = client_open(NULL);
		for (i = 0; i < 300; i++) {
			w = (i + 1) * 2246822519u;
			CU_ASSERT_EQUAL_FATAL(vfio_user_client_region_write(c, 0, 0x30, &w,
									    sizeof(w)), 0);
			CU_ASSERT_EQUAL_FATAL(vfio_user_client_region_read(c, 0, 0x30, &r,
									   sizeof(r)), 0);
			CU_ASSERT_EQUAL_FATAL(r, w);
		}
		vfio_user_client_close(c);
		CU_ASSERT_TRUE(fx_wait_disconnected());
	}
	CU_ASSERT_EQUAL(dev_now().disconnect_calls, 2);
	/* most requests came through the client-only look, not handle() */
	CU_ASSERT(atomic_load(&srv_polled) > 300);
	fx_stop();
	atomic_store(&srv_poll_client, false);
}

static void
test_region_rw_split(void)
{
	struct vfio_user_server_cfg cfg = { .timeout_ms = 1000, .max_data_xfer_size = 64 };
	struct vfio_user_client *c;
	uint8_t w[130], r[200];
	unsigned int i;

	fx_start_cfg(&cfg);
	c = client_open(NULL);
	CU_ASSERT_EQUAL(vfio_user_client_server_caps(c)->max_data_xfer_size, 64);
	for (i = 0; i < sizeof(w); i++)
		w[i] = (uint8_t)(i * 3);
	CU_ASSERT_EQUAL(vfio_user_client_region_write(c, 0, 0x200, w, sizeof(w)), 0);
	CU_ASSERT_EQUAL(dev_now().access_calls, 3);
	CU_ASSERT_EQUAL(vfio_user_client_region_read(c, 0, 0x200, r, sizeof(r)), 0);
	CU_ASSERT_EQUAL(dev_now().access_calls, 3 + 4);
	CU_ASSERT_EQUAL(memcmp(w, r, sizeof(w)), 0);
	vfio_user_client_close(c);
	fx_stop();
}

static void
test_reset(void)
{
	struct vfio_user_client *c;

	fx_start();
	c = client_open(NULL);
	CU_ASSERT_EQUAL(vfio_user_client_reset(c), 0);
	CU_ASSERT_EQUAL(vfio_user_client_reset(c), 0);
	CU_ASSERT_EQUAL(dev_now().reset_calls, 2);
	vfio_user_client_close(c);
	fx_stop();
}

/* ---- DMA ---- */

static void
test_dma_map_overlap_refused(void)
{
	struct vfio_user_client *c;
	int fd = memfd_make(0x4000);
	const uint32_t rw = VFIO_USER_DMA_READ_FLAG | VFIO_USER_DMA_WRITE_FLAG;

	fx_start();
	c = client_open(NULL);
	CU_ASSERT_EQUAL(vfio_user_client_dma_map(c, 0x10000, 0x2000, rw, fd, 0), 0);
	CU_ASSERT_EQUAL(vfio_user_client_dma_map(c, 0x11000, 0x2000, rw, fd, 0), -EEXIST);
	CU_ASSERT_TRUE(log_has("server answered DMA_MAP with error 17"));
	CU_ASSERT_EQUAL(vfio_user_client_dma_map(c, 0x20000, 0, rw, -1, 0), -EINVAL);
	CU_ASSERT_EQUAL(vfio_user_client_dma_map(c, 0x20000, 0x1000, 0x80, -1, 0), -EINVAL);
	/* Larger than the file behind it. */
	CU_ASSERT_EQUAL(vfio_user_client_dma_map(c, 0x20000, 0x5000, rw, fd, 0), -EINVAL);
	CU_ASSERT_EQUAL(dev_now().dma_map_calls, 1);
	pthread_mutex_lock(&srv_lock);
	CU_ASSERT_EQUAL(vfio_user_dma_count(vfio_user_server_dma(srv)), 1);
	pthread_mutex_unlock(&srv_lock);
	vfio_user_client_close(c);
	close(fd);
	fx_stop();
}

static void
test_dma_map_memfd_translate(void)
{
	const uint32_t rw = VFIO_USER_DMA_READ_FLAG | VFIO_USER_DMA_WRITE_FLAG;
	struct vfio_user_client *c;
	int fd = memfd_make(0x4000);
	uint8_t pat[16], byte = 0, *p;
	unsigned int i;

	for (i = 0; i < sizeof(pat); i++)
		pat[i] = (uint8_t)(0xa0 + i);
	CU_ASSERT_EQUAL(pwrite(fd, pat, sizeof(pat), 0x1010), (ssize_t)sizeof(pat));
	fx_start();
	c = client_open(NULL);
	CU_ASSERT_EQUAL(vfio_user_client_dma_map(c, 0x40000, 0x2000, rw, fd, 0x1000), 0);
	CU_ASSERT(dev_now().dma_map_fd_seen >= 0);
	pthread_mutex_lock(&srv_lock);
	p = vfio_user_dma_translate(vfio_user_server_dma(srv), 0x40010, sizeof(pat),
			VFIO_USER_DMA_PROT_READ | VFIO_USER_DMA_PROT_WRITE);
	CU_ASSERT_PTR_NOT_NULL(p);
	if (p != NULL) {
		CU_ASSERT_EQUAL(memcmp(p, pat, sizeof(pat)), 0);
		p[0] = 0x11;	/* the server writes, the client's file sees it */
	}
	CU_ASSERT_PTR_NULL(vfio_user_dma_translate(vfio_user_server_dma(srv), 0x41ff0, 0x20,
			VFIO_USER_DMA_PROT_READ));
	pthread_mutex_unlock(&srv_lock);
	CU_ASSERT_EQUAL(pread(fd, &byte, 1, 0x1010), 1);
	CU_ASSERT_EQUAL(byte, 0x11);

	CU_ASSERT_EQUAL(vfio_user_client_dma_unmap(c, 0x40000, 0x1000), -ENOENT);
	CU_ASSERT_EQUAL(vfio_user_client_dma_unmap(c, 0x40000, 0x2000), 0);
	CU_ASSERT_EQUAL(dev_now().dma_unmap_calls, 1);
	pthread_mutex_lock(&srv_lock);
	CU_ASSERT_PTR_NULL(vfio_user_dma_translate(vfio_user_server_dma(srv), 0x40010, 1,
			VFIO_USER_DMA_PROT_READ));
	pthread_mutex_unlock(&srv_lock);
	CU_ASSERT_EQUAL(vfio_user_client_dma_unmap(c, 0x40000, 0x2000), -ENOENT);
	vfio_user_client_close(c);
	close(fd);
	fx_stop();
}

/*
 * no_dma_access (a proxy such as the PF's VF port): the window's fd reaches
 * the owner, the server checks it but maps nothing, and refuses to touch the
 * client's memory itself.
 */
static void
test_dma_no_access_proxy(void)
{
	struct vfio_user_server_cfg cfg = { .timeout_ms = 1000, .no_dma_access = true };
	const uint32_t rw = VFIO_USER_DMA_READ_FLAG | VFIO_USER_DMA_WRITE_FLAG;
	struct vfio_user_client *c;
	int fd = memfd_make(0x4000);
	uint64_t iova = 0x40010;
	uint8_t byte;

	fx_start_cfg(&cfg);
	c = client_open(NULL);
	CU_ASSERT_EQUAL(vfio_user_client_dma_map(c, 0x40000, 0x2000, rw, fd, 0x1000), 0);
	CU_ASSERT_EQUAL(dev_now().dma_map_calls, 1);
	CU_ASSERT(dev_now().dma_map_fd_seen >= 0);
	pthread_mutex_lock(&srv_lock);
	CU_ASSERT_EQUAL(vfio_user_dma_count(vfio_user_server_dma(srv)), 1);
	CU_ASSERT_PTR_NULL(vfio_user_dma_translate(vfio_user_server_dma(srv), 0x40010, 1,
			VFIO_USER_DMA_PROT_READ));
	CU_ASSERT_EQUAL(vfio_user_server_dma_read(srv, 0x40010, &byte, 1), -EPERM);
	pthread_mutex_unlock(&srv_lock);
	/* the device's own attempt (doorbell) gets the same answer */
	CU_ASSERT_EQUAL(vfio_user_client_region_write(c, 0, DOORBELL, &iova, sizeof(iova)), 0);
	CU_ASSERT_EQUAL(dev_now().dma_read_ret, -EPERM);
	/* a file too small for the window is still refused, before the owner sees it */
	CU_ASSERT_EQUAL(vfio_user_client_dma_map(c, 0x80000, 0x4000, rw, fd, 0x1000), -EINVAL);
	CU_ASSERT_EQUAL(dev_now().dma_map_calls, 1);
	CU_ASSERT_EQUAL(vfio_user_client_dma_unmap(c, 0x40000, 0x2000), 0);
	CU_ASSERT_EQUAL(dev_now().dma_unmap_calls, 1);
	vfio_user_client_close(c);
	close(fd);
	fx_stop();
}

struct guest_mem {
	uint8_t mem[0x2000];
	uint64_t base;
	unsigned int reads, writes;
};

static int
guest_dma(void *ctx, uint64_t iova, void *buf, size_t len, bool is_write)
{
	struct guest_mem *g = ctx;

	if (iova < g->base || iova - g->base + len > sizeof(g->mem))
		return -EFAULT;
	if (is_write) {
		memcpy(g->mem + (iova - g->base), buf, len);
		g->writes++;
	} else {
		memcpy(buf, g->mem + (iova - g->base), len);
		g->reads++;
	}
	return 0;
}

static void
test_dma_without_fd(void)
{
	static struct guest_mem g = { .base = 0x400000 };
	struct vfio_user_client_opts o = { .dma_access = guest_dma, .dma_ctx = &g,
		.max_data_xfer_size = 16 };
	const uint32_t rw = VFIO_USER_DMA_READ_FLAG | VFIO_USER_DMA_WRITE_FLAG;
	struct vfio_user_client *c;
	uint64_t iova;
	unsigned int i;
	struct fake_dev d;

	for (i = 0; i < 64; i++)
		g.mem[i] = (uint8_t)(i + 1);
	fx_start();
	c = client_open(&o);
	CU_ASSERT_EQUAL(vfio_user_client_dma_map(c, 0x400000, 0x1000, rw, -1, 0), 0);
	CU_ASSERT_EQUAL(vfio_user_client_dma_map(c, 0x401000, 0x1000, VFIO_USER_DMA_READ_FLAG,
			-1, 0), 0);
	CU_ASSERT_EQUAL(dev_now().dma_map_fd_seen, -1);

	/* Outside every window: refused by the server without asking the client. */
	iova = 0x900000;
	CU_ASSERT_EQUAL(vfio_user_client_region_write(c, 0, DOORBELL, &iova, sizeof(iova)), 0);
	d = dev_now();
	CU_ASSERT_EQUAL(d.dma_read_ret, -EFAULT);
	CU_ASSERT_EQUAL(g.reads, 0);

	/* The device reads 64 bytes and writes them back inverted, 16 per message. */
	iova = 0x400000;
	CU_ASSERT_EQUAL(vfio_user_client_region_write(c, 0, DOORBELL, &iova, sizeof(iova)), 0);
	d = dev_now();
	CU_ASSERT_EQUAL(d.dma_read_ret, 0);
	CU_ASSERT_EQUAL(d.dma_write_ret, 0);
	CU_ASSERT_EQUAL(memcmp(d.dma_seen, g.mem, 64), 0);
	for (i = 0; i < 64; i++)
		CU_ASSERT_EQUAL(g.mem[64 + i], (uint8_t)~g.mem[i]);
	CU_ASSERT_EQUAL(g.reads, 4);
	CU_ASSERT_EQUAL(g.writes, 4);

	/* Read-only window: the read works, the write is refused. */
	iova = 0x401000;
	CU_ASSERT_EQUAL(vfio_user_client_region_write(c, 0, DOORBELL, &iova, sizeof(iova)), 0);
	d = dev_now();
	CU_ASSERT_EQUAL(d.dma_read_ret, 0);
	CU_ASSERT_EQUAL(d.dma_write_ret, -EACCES);

	/* After the unmap the server has nothing to ask for. */
	CU_ASSERT_EQUAL(vfio_user_client_dma_unmap(c, 0x400000, 0x1000), 0);
	iova = 0x400000;
	CU_ASSERT_EQUAL(vfio_user_client_region_write(c, 0, DOORBELL, &iova, sizeof(iova)), 0);
	CU_ASSERT_EQUAL(dev_now().dma_read_ret, -EFAULT);
	vfio_user_client_close(c);
	fx_stop();
}

/* ---- interrupts ---- */

static void
test_set_irqs_invalid(void)
{
	struct vfio_user_client *c;
	int efd[3], i, fd, before;
	struct vfio_irq_set s = { .argsz = sizeof(s), .index = MSIX, .start = 0, .count = 3,
		.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER };

	fx_start();
	for (i = 0; i < 3; i++)
		efd[i] = eventfd(0, EFD_CLOEXEC);
	c = client_open(NULL);
	CU_ASSERT_EQUAL(vfio_user_client_set_irq_eventfds(c, MSIX, 7, 2, efd), -EINVAL);
	CU_ASSERT_EQUAL(vfio_user_client_set_irq_eventfds(c, 2, 0, 1, efd), -EINVAL);
	CU_ASSERT_EQUAL(vfio_user_client_set_irqs(c, MSIX, VFIO_IRQ_SET_ACTION_MASK |
			VFIO_IRQ_SET_ACTION_UNMASK, 0, 1, NULL), -EINVAL);
	CU_ASSERT_EQUAL(vfio_user_client_set_irqs(c, MSIX, VFIO_IRQ_SET_ACTION_MASK, 0, 0, NULL),
		-EINVAL);
	CU_ASSERT_EQUAL(dev_now().set_irqs_calls, 0);
	vfio_user_client_close(c);
	CU_ASSERT_TRUE(fx_wait_disconnected());

	before = unit_open_fds();
	fd = unit_connect(path);
	raw_version(fd);
	/* Two fds for three vectors; fds with DATA_NONE; two DATA flags. */
	CU_ASSERT_EQUAL(raw_call_fds(fd, VFIO_USER_DEVICE_SET_IRQS, &s, sizeof(s), 0, efd, 2,
			NULL), -EINVAL);
	s.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER;
	CU_ASSERT_EQUAL(raw_call_fds(fd, VFIO_USER_DEVICE_SET_IRQS, &s, sizeof(s), 0, efd, 1,
			NULL), -EINVAL);
	s.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER;
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DEVICE_SET_IRQS, &s, sizeof(s), NULL), -EINVAL);
	/* DATA_BOOL without its bytes. */
	s.flags = VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_MASK;
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DEVICE_SET_IRQS, &s, sizeof(s), NULL), -EINVAL);
	s.argsz = 8;
	s.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER;
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DEVICE_SET_IRQS, &s, sizeof(s), NULL), -EINVAL);
	CU_ASSERT_EQUAL(dev_now().set_irqs_calls, 0);
	close(fd);
	CU_ASSERT_TRUE(fx_wait_disconnected());
	/* The refused messages' fds were closed by the server. */
	CU_ASSERT_EQUAL(unit_open_fds(), before);
	for (i = 0; i < 3; i++)
		close(efd[i]);
	fx_stop();
}

static void
test_set_irqs_eventfds(void)
{
	struct vfio_user_client *c;
	int efd[3], one[1] = { -1 }, i;
	uint8_t bools[2] = { 1, 0 };
	uint64_t v = 0;
	struct fake_dev d;

	fx_start();
	for (i = 0; i < 3; i++)
		efd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	c = client_open(NULL);
	CU_ASSERT_EQUAL(vfio_user_client_set_irq_eventfds(c, MSIX, 0, 3, efd), 0);
	d = dev_now();
	CU_ASSERT_EQUAL(d.set_irqs_calls, 1);
	CU_ASSERT_EQUAL(d.irq_flags, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER);
	CU_ASSERT_EQUAL(d.irq_count, 3);
	CU_ASSERT(d.irq_fds[0] >= 0 && d.irq_fds[1] >= 0 && d.irq_fds[2] >= 0);

	pthread_mutex_lock(&srv_lock);
	CU_ASSERT_EQUAL(vfio_user_server_irq_fd(srv, MSIX, 1), d.irq_fds[1]);
	CU_ASSERT_EQUAL(vfio_user_server_irq_fd(srv, MSIX, 3), -ENOENT);
	CU_ASSERT_EQUAL(vfio_user_server_irq_signal(srv, MSIX, 1), 0);
	pthread_mutex_unlock(&srv_lock);
	CU_ASSERT_EQUAL(read(efd[1], &v, sizeof(v)), (ssize_t)sizeof(v));
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(read(efd[0], &v, sizeof(v)), -1);	/* only vector 1 fired */

	/* De-assign vector 1 with -1. */
	CU_ASSERT_EQUAL(vfio_user_client_set_irq_eventfds(c, MSIX, 1, 1, one), 0);
	d = dev_now();
	CU_ASSERT_EQUAL(d.irq_start, 1);
	CU_ASSERT_EQUAL(d.irq_fds[0], -1);
	pthread_mutex_lock(&srv_lock);
	CU_ASSERT_EQUAL(vfio_user_server_irq_fd(srv, MSIX, 1), -ENOENT);
	CU_ASSERT(vfio_user_server_irq_fd(srv, MSIX, 0) >= 0);
	pthread_mutex_unlock(&srv_lock);

	/* Mask and unmask are forwarded to the device. */
	CU_ASSERT_EQUAL(vfio_user_client_set_irqs(c, 0, VFIO_IRQ_SET_ACTION_MASK, 0, 1, NULL), 0);
	d = dev_now();
	CU_ASSERT_EQUAL(d.irq_index, 0);
	CU_ASSERT_EQUAL(d.irq_flags, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK);
	CU_ASSERT_EQUAL(vfio_user_client_set_irqs(c, MSIX, VFIO_IRQ_SET_ACTION_UNMASK, 4, 2,
			bools), 0);
	d = dev_now();
	CU_ASSERT_EQUAL(d.irq_flags, VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_UNMASK);
	CU_ASSERT_EQUAL(d.irq_start, 4);
	CU_ASSERT_EQUAL(d.irq_bools[0], 1);
	CU_ASSERT_EQUAL(d.irq_bools[1], 0);

	/* DATA_NONE, count 0: the whole type is off. */
	CU_ASSERT_EQUAL(vfio_user_client_set_irqs(c, MSIX, VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0,
			NULL), 0);
	CU_ASSERT_EQUAL(dev_now().irq_count, 0);
	pthread_mutex_lock(&srv_lock);
	CU_ASSERT_EQUAL(vfio_user_server_irq_fd(srv, MSIX, 0), -ENOENT);
	CU_ASSERT_EQUAL(vfio_user_server_irq_fd(srv, MSIX, 2), -ENOENT);
	pthread_mutex_unlock(&srv_lock);
	vfio_user_client_close(c);
	for (i = 0; i < 3; i++)
		close(efd[i]);
	fx_stop();
}

/* ---- raw protocol ---- */

static void
test_unknown_and_unsupported_commands(void)
{
	struct vfio_user_device_info info = { .argsz = sizeof(info) };
	uint8_t junk[8] = { 0 };
	int fd;

	fx_start();
	fd = unit_connect(path);
	raw_version(fd);
	CU_ASSERT_EQUAL(raw_call(fd, 99, junk, sizeof(junk), NULL), -ENOSYS);
	CU_ASSERT_EQUAL(raw_call(fd, 14, NULL, 0, NULL), -ENOSYS);
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DMA_READ, junk, sizeof(junk), NULL), -ENOSYS);
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DEVICE_FEATURE, junk, sizeof(junk), NULL),
		-ENOTSUP);
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DEVICE_GET_INFO, &info, sizeof(info), NULL), 0);
	close(fd);
	fx_stop();
}

static void
test_wrong_argsz_and_short_payloads(void)
{
	struct vfio_user_device_info info = { .argsz = 8 };
	struct vfio_region_info ri = { .argsz = 16 };
	struct vfio_irq_info ii = { .argsz = 0, .index = MSIX };
	struct vfio_user_dma_map dm = { .argsz = 16, .flags = 1, .addr = 0x1000, .size = 0x1000 };
	struct vfio_user_dma_unmap du = { .argsz = 8, .addr = 0x1000, .size = 0x1000 };
	struct vfio_user_region_access ra = { .region = 0, .count = 4 };
	int fd;

	fx_start();
	fd = unit_connect(path);
	raw_version(fd);
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DEVICE_GET_INFO, &info, sizeof(info), NULL),
		-EINVAL);
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DEVICE_GET_REGION_INFO, &ri, sizeof(ri), NULL),
		-EINVAL);
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DEVICE_GET_IRQ_INFO, &ii, sizeof(ii), NULL),
		-EINVAL);
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DMA_MAP, &dm, sizeof(dm), NULL), -EINVAL);
	dm.argsz = sizeof(dm);
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DMA_MAP, &dm, sizeof(dm), NULL), 0);
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DMA_UNMAP, &du, sizeof(du), NULL), -EINVAL);
	/* Shorter than the command's fixed part. */
	info.argsz = sizeof(info);
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DEVICE_GET_INFO, &info, 8, NULL), -EINVAL);
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DMA_UNMAP, &du, 16, NULL), -EINVAL);
	/* A write whose data is shorter than its count. */
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_REGION_WRITE, &ra, sizeof(ra), NULL), -EINVAL);
	/* A count above our max_data_xfer_size. */
	ra.count = VFIO_USER_MAX_XFER + 1;
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_REGION_READ, &ra, sizeof(ra), NULL), -E2BIG);
	/* Unmap everything with VFIO_DMA_UNMAP_FLAG_ALL, as QEMU does. */
	du.argsz = sizeof(du);
	du.flags = VFIO_DMA_UNMAP_FLAG_ALL;
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DMA_UNMAP, &du, sizeof(du), NULL), -EINVAL);
	du.addr = 0;
	du.size = 0;
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DMA_UNMAP, &du, sizeof(du), NULL), 0);
	CU_ASSERT_EQUAL(dev_now().dma_unmap_calls, 1);
	CU_ASSERT_EQUAL(dev_now().access_calls, 0);
	close(fd);
	fx_stop();
}

static void
test_fds_on_command_without_fds(void)
{
	struct vfio_user_device_info info = { .argsz = sizeof(info) };
	int efd[2], fd, before;

	fx_start();
	before = unit_open_fds();
	efd[0] = eventfd(0, EFD_CLOEXEC);
	efd[1] = eventfd(0, EFD_CLOEXEC);
	fd = unit_connect(path);
	raw_version(fd);
	CU_ASSERT_EQUAL(raw_call_fds(fd, VFIO_USER_DEVICE_GET_INFO, &info, sizeof(info), 0, efd,
			2, NULL), -EINVAL);
	CU_ASSERT_EQUAL(raw_call_fds(fd, VFIO_USER_DEVICE_RESET, NULL, 0, 0, efd, 1, NULL),
		-EINVAL);
	CU_ASSERT_EQUAL(dev_now().reset_calls, 0);
	close(efd[0]);
	close(efd[1]);
	/* Still connected (both ends are ours): the server holds none of the refused fds. */
	CU_ASSERT_EQUAL(unit_open_fds(), before + 2);
	close(fd);
	fx_stop();
}

/* Read one reply to @p id and return its error (0 for a plain one). */
static int
raw_reply(int fd, uint16_t id)
{
	struct vfio_user_msg m;
	int ret;

	ret = vfio_user_msg_recv(fd, &m, VFIO_USER_MSG_MAX, 2000, true);
	if (ret < 0)
		return ret;
	CU_ASSERT_EQUAL(m.hdr.msg_id, id);
	ret = (m.hdr.flags & VFIO_USER_F_ERROR) != 0 ? -(int)m.hdr.error_no : 0;
	vfio_user_msg_release(&m);
	return ret;
}

/*
 * Requests sent back to back, as the server's buffer reads them at once:
 * each answered in order, and an fd sent with the second of two stays its.
 */
static void
test_requests_back_to_back(void)
{
	struct {
		struct vfio_user_hdr h;
		struct vfio_user_device_info info;
	} two[2];
	struct vfio_irq_set set = {
		.argsz = sizeof(set), .index = MSIX, .start = 0, .count = 1,
		.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
	};
	struct vfio_user_hdr h = { .cmd = VFIO_USER_DEVICE_GET_INFO };
	struct iovec iov = { &two[0].info, sizeof(two[0].info) };
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), fd;
	unsigned int i;

	fx_start();
	fd = unit_connect(path);
	raw_version(fd);
	for (i = 0; i < 2; i++) {
		memset(&two[i], 0, sizeof(two[i]));
		two[i].h.msg_id = (uint16_t)(100 + i);
		two[i].h.cmd = VFIO_USER_DEVICE_GET_INFO;
		two[i].h.msg_size = sizeof(two[i]);
		two[i].info.argsz = sizeof(two[i].info);
	}
	CU_ASSERT_EQUAL_FATAL(write(fd, two, sizeof(two)), (ssize_t)sizeof(two));
	CU_ASSERT_EQUAL(raw_reply(fd, 100), 0);
	CU_ASSERT_EQUAL(raw_reply(fd, 101), 0);

	h.msg_id = 102;
	CU_ASSERT_EQUAL(vfio_user_msg_send(fd, &h, &iov, 1, NULL, 0, 1000), 0);
	h.msg_id = 103;
	h.cmd = VFIO_USER_DEVICE_SET_IRQS;
	iov.iov_base = &set;
	iov.iov_len = sizeof(set);
	CU_ASSERT_EQUAL(vfio_user_msg_send(fd, &h, &iov, 1, &efd, 1, 1000), 0);
	CU_ASSERT_EQUAL(raw_reply(fd, 102), 0);	/* EINVAL if the fd were taken as its */
	CU_ASSERT_EQUAL(raw_reply(fd, 103), 0);
	CU_ASSERT_EQUAL(dev_now().irq_count, 1);
	CU_ASSERT(dev_now().irq_fds[0] >= 0);
	close(fd);
	close(efd);
	fx_stop();
}

static void
test_no_reply_and_bad_flags(void)
{
	struct vfio_user_hdr h = { .msg_id = 1, .cmd = VFIO_USER_DEVICE_RESET,
		.flags = VFIO_USER_F_NO_REPLY };
	struct vfio_user_device_info info = { .argsz = sizeof(info) };
	int fd;

	fx_start();
	fd = unit_connect(path);
	raw_version(fd);
	CU_ASSERT_EQUAL(vfio_user_msg_send(fd, &h, NULL, 0, NULL, 0, 1000), 0);
	/* Its reply, id 0x4242, is the first thing that comes back. */
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DEVICE_GET_INFO, &info, sizeof(info), NULL), 0);
	CU_ASSERT_EQUAL(dev_now().reset_calls, 1);
	/* A failed no-reply command stays silent too. */
	h.cmd = 99;
	CU_ASSERT_EQUAL(vfio_user_msg_send(fd, &h, NULL, 0, NULL, 0, 1000), 0);
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DEVICE_GET_INFO, &info, sizeof(info), NULL), 0);
	/* The error bit or reserved bits on a command are refused. */
	CU_ASSERT_EQUAL(raw_call_fds(fd, VFIO_USER_DEVICE_RESET, NULL, 0, VFIO_USER_F_ERROR,
			NULL, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(raw_call_fds(fd, VFIO_USER_DEVICE_RESET, NULL, 0, 1u << 9, NULL, 0,
			NULL), -EINVAL);
	CU_ASSERT_EQUAL(dev_now().reset_calls, 1);
	/* A reply nobody asked for ends the session. */
	h.flags = VFIO_USER_F_TYPE_REPLY;
	CU_ASSERT_EQUAL(vfio_user_msg_send(fd, &h, NULL, 0, NULL, 0, 1000), 0);
	CU_ASSERT_TRUE(unit_peer_closed(fd));
	close(fd);
	fx_stop();
}

static void
test_oversized_message_drops(void)
{
	struct vfio_user_hdr h = { .cmd = VFIO_USER_REGION_WRITE, .msg_size = 0x7fffffff };
	struct vfio_user_client *c;
	int fd;

	fx_start();
	fd = unit_connect(path);
	raw_version(fd);
	CU_ASSERT_EQUAL(write(fd, &h, sizeof(h)), (ssize_t)sizeof(h));
	CU_ASSERT_TRUE(unit_peer_closed(fd));
	close(fd);
	CU_ASSERT_TRUE(fx_wait_disconnected());
	c = client_open(NULL);
	vfio_user_client_close(c);
	fx_stop();
}

/* ---- client leaves: the function is reset ---- */

static void
test_disconnect_resets_function(void)
{
	const uint32_t rw = VFIO_USER_DMA_READ_FLAG | VFIO_USER_DMA_WRITE_FLAG;
	struct vfio_user_client *c;
	int before, mfd, efd[2];
	struct fake_dev d;

	fx_start();
	before = unit_open_fds();
	mfd = memfd_make(0x2000);
	efd[0] = eventfd(0, EFD_CLOEXEC);
	efd[1] = eventfd(0, EFD_CLOEXEC);
	c = client_open(NULL);
	CU_ASSERT_EQUAL(vfio_user_client_dma_map(c, 0x10000, 0x2000, rw, mfd, 0), 0);
	CU_ASSERT_EQUAL(vfio_user_client_dma_map(c, 0x80000, 0x1000, rw, -1, 0), 0);
	CU_ASSERT_EQUAL(vfio_user_client_set_irq_eventfds(c, MSIX, 0, 2, efd), 0);
	CU_ASSERT_EQUAL(vfio_user_client_set_irq_eventfds(c, 0, 0, 1, efd), 0);
	vfio_user_client_close(c);
	close(mfd);
	close(efd[0]);
	close(efd[1]);
	CU_ASSERT_TRUE(fx_wait_disconnected());
	pthread_mutex_lock(&srv_lock);
	CU_ASSERT_EQUAL(vfio_user_dma_count(vfio_user_server_dma(srv)), 0);
	CU_ASSERT_EQUAL(vfio_user_server_irq_fd(srv, MSIX, 0), -ENOENT);
	CU_ASSERT_EQUAL(vfio_user_server_irq_fd(srv, 0, 0), -ENOENT);
	pthread_mutex_unlock(&srv_lock);
	d = dev_now();
	CU_ASSERT_EQUAL(d.disconnect_calls, 1);
	CU_ASSERT_EQUAL(d.dma_unmap_calls, 2);
	CU_ASSERT_EQUAL(unit_open_fds(), before);
	fx_stop();
}

static void
test_fd_count_over_1000_cycles(void)
{
	const uint32_t rw = VFIO_USER_DMA_READ_FLAG | VFIO_USER_DMA_WRITE_FLAG;
	struct vfio_user_client_region r;
	struct vfio_user_client *c;
	int before, mfd, efd, i, failures = 0;

	fx_start();
	mfd = memfd_make(0x1000);
	efd = eventfd(0, EFD_CLOEXEC);
	before = unit_open_fds();
	for (i = 0; i < 1000; i++) {
		c = NULL;
		if (vfio_user_client_connect(path, NULL, &c) != 0 ||
		    vfio_user_client_dma_map(c, 0x10000, 0x1000, rw, mfd, 0) != 0 ||
		    vfio_user_client_set_irq_eventfds(c, MSIX, 0, 1, &efd) != 0 ||
		    vfio_user_client_reset(c) != 0)
			failures++;
		if (i % 100 == 0) {
			if (vfio_user_client_region_info(c, 1, &r) != 0)
				failures++;
			close(r.fd);
		}
		vfio_user_client_close(c);
		if (!fx_wait_disconnected())
			failures++;
	}
	CU_ASSERT_EQUAL(failures, 0);
	CU_ASSERT_EQUAL(unit_open_fds(), before);
	CU_ASSERT_EQUAL(dev_now().disconnect_calls, 1000);
	CU_ASSERT_EQUAL(dev_now().reset_calls, 1000);
	close(mfd);
	close(efd);
	fx_stop();
}

/* ---- a server that breaks the protocol, scripted over a socketpair ---- */

struct evil {
	int fd;
	int mode;
	uint32_t dma_error;	/* what the client answered our DMA_READ */
};

static void
evil_reply(int fd, const struct vfio_user_msg *req, const void *p, size_t len)
{
	struct iovec iov = { (void *)(uintptr_t)p, len };

	vfio_user_msg_reply(fd, &req->hdr, 0, &iov, 1, NULL, 0, 1000);
}

static void *
evil_main(void *arg)
{
	struct evil *e = arg;
	struct vfio_user_version v = { 0, 1 };
	struct vfio_user_msg m, a;
	uint8_t buf[80] = { 0 };
	struct vfio_region_info *ri = (struct vfio_region_info *)buf;
	struct vfio_info_cap_header cap = { .id = VFIO_REGION_INFO_CAP_SPARSE_MMAP,
		.version = 1, .next = 32 };
	struct vfio_user_dma_access dma = { .addr = 0x900000, .count = 8 };
	struct vfio_user_hdr h = { .msg_id = 77, .cmd = VFIO_USER_DMA_READ };
	struct iovec iov = { &dma, sizeof(dma) };

	if (vfio_user_msg_recv(e->fd, &m, VFIO_USER_MSG_MAX, 2000, true) < 0)
		return NULL;
	evil_reply(e->fd, &m, &v, sizeof(v));	/* no JSON: spec defaults */
	vfio_user_msg_release(&m);
	if (vfio_user_msg_recv(e->fd, &m, VFIO_USER_MSG_MAX, 2000, true) < 0)
		return NULL;
	if (e->mode == 0) {
		/* A capability chain that points back at itself, to every retry. */
		ri->argsz = 32 + 8 + 16;
		ri->flags = VFIO_REGION_INFO_FLAG_CAPS;
		ri->index = 0;
		ri->cap_offset = 32;
		memcpy(buf + 32, &cap, sizeof(cap));
		do {
			evil_reply(e->fd, &m, buf, ri->argsz);
			vfio_user_msg_release(&m);
		} while (vfio_user_msg_recv(e->fd, &m, VFIO_USER_MSG_MAX, 200, true) == 0);
		return NULL;
	} else {
		/* Ask for memory the client never mapped, then answer with the wrong count. */
		vfio_user_msg_send(e->fd, &h, &iov, 1, NULL, 0, 1000);
		if (vfio_user_msg_recv(e->fd, &a, VFIO_USER_MSG_MAX, 2000, true) == 0) {
			if ((a.hdr.flags & VFIO_USER_F_ERROR) != 0 && a.hdr.msg_id == 77)
				e->dma_error = a.hdr.error_no;
			vfio_user_msg_release(&a);
		}
		memcpy(buf, m.data, sizeof(struct vfio_user_region_access));
		((struct vfio_user_region_access *)buf)->count = 2;
		evil_reply(e->fd, &m, buf, sizeof(struct vfio_user_region_access) + 2);
	}
	vfio_user_msg_release(&m);
	return NULL;
}

static void
test_client_against_a_bad_server(void)
{
	struct vfio_user_client_opts o = { .timeout_ms = 1000 };
	struct vfio_user_client_region r;
	struct vfio_user_client *c;
	struct evil e = { 0 };
	pthread_t t;
	uint8_t b[4];
	int pair[2];

	for (e.mode = 0; e.mode < 2; e.mode++) {
		CU_ASSERT_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
		e.fd = pair[1];
		CU_ASSERT_FATAL(pthread_create(&t, NULL, evil_main, &e) == 0);
		CU_ASSERT_EQUAL_FATAL(vfio_user_client_attach(pair[0], &o, &c), 0);
		CU_ASSERT_EQUAL(vfio_user_client_server_caps(c)->max_msg_fds, 1);
		if (e.mode == 0) {
			CU_ASSERT_EQUAL(vfio_user_client_region_info(c, 0, &r), -EPROTO);
			CU_ASSERT_EQUAL(r.fd, -1);
		} else {
			CU_ASSERT_EQUAL(vfio_user_client_region_read(c, 0, 0, b, 4), -EPROTO);
			CU_ASSERT_EQUAL(e.dma_error, EFAULT);
			/* After a protocol violation the client stays closed. */
			CU_ASSERT_EQUAL(vfio_user_client_reset(c), -ENOTCONN);
		}
		pthread_join(t, NULL);
		vfio_user_client_close(c);
		close(pair[1]);
	}
}

/* ---- DEVICE_FEATURE: the VF token set on a PF ---- */

static void
fx_start_feature(void)
{
	fx_ops = &fake_ops_feature;
	fx_start();
	fx_ops = &fake_ops;
}

static void
test_uuid_text(void)
{
	static const uint8_t want[VFIO_USER_UUID_LEN] = {
		0x0d, 0x8f, 0x5e, 0x5c, 0x1b, 0x7a, 0x4c, 0x1e,
		0x9a, 0x53, 0x6f, 0x3b, 0x2c, 0x1d, 0x0e, 0x9f,
	};
	static const char *const bad[] = {
		"", "0d8f5e5c-1b7a-4c1e-9a53-6f3b2c1d0e9", "0d8f5e5c-1b7a-4c1e-9a53-6f3b2c1d0e9f0",
		"0d8f5e5c1b7a-4c1e-9a53-6f3b2c1d0e9f0", "0d8f5e5c-1b7a-4c1e-9a53-6f3b2c1d0e9g",
		"0d8f5e5c-1b7a-4c1e-9a53+6f3b2c1d0e9f", " d8f5e5c-1b7a-4c1e-9a53-6f3b2c1d0e9f",
		"0d8f5e5c-1b7a-4c1e-9a5-36f3b2c1d0e9f", "0x8f5e5c-1b7a-4c1e-9a53-6f3b2c1d0e9f",
		"{0d8f5e5c-1b7a-4c1e-9a53-6f3b2c1d0e9f}",
	};
	uint8_t u[VFIO_USER_UUID_LEN], keep[VFIO_USER_UUID_LEN];
	char text[VFIO_USER_TOKEN_LEN + 1];
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(u, 0xa5, sizeof(u));
		memcpy(keep, u, sizeof(u));
		CU_ASSERT_FALSE(vfio_user_uuid_parse(bad[i], u));
		CU_ASSERT_EQUAL(memcmp(u, keep, sizeof(u)), 0);
	}
	CU_ASSERT_FALSE(vfio_user_uuid_parse(NULL, u));
	CU_ASSERT_TRUE(vfio_user_uuid_parse(TOKEN, u));
	CU_ASSERT_EQUAL(memcmp(u, want, sizeof(u)), 0);
	CU_ASSERT_TRUE(vfio_user_uuid_parse("0D8F5E5C-1B7A-4C1E-9A53-6F3B2C1D0E9F", u));
	CU_ASSERT_EQUAL(memcmp(u, want, sizeof(u)), 0);
	vfio_user_uuid_format(want, text);
	CU_ASSERT_STRING_EQUAL(text, TOKEN);
	CU_ASSERT_TRUE(vfio_user_token_valid(text));
}

static void
test_device_feature_vf_token(void)
{
	uint32_t probe = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;
	struct vfio_user_client *c;
	uint8_t uuid[VFIO_USER_UUID_LEN], out[16];
	size_t out_len = 99;
	struct fake_dev d;

	fx_start_feature();
	c = client_open(NULL);
	CU_ASSERT_TRUE_FATAL(vfio_user_uuid_parse(TOKEN, uuid));
	CU_ASSERT_EQUAL(vfio_user_client_set_vf_token(c, uuid), 0);
	d = dev_now();
	CU_ASSERT_EQUAL(d.feature_calls, 1);
	CU_ASSERT_EQUAL(d.feature_flags,
		VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN);
	CU_ASSERT_EQUAL(d.feature_len, VFIO_USER_UUID_LEN);
	CU_ASSERT_EQUAL(memcmp(d.feature_data, uuid, sizeof(uuid)), 0);
	/* PROBE, alone or naming the methods: SET is offered, GET is not. */
	CU_ASSERT_EQUAL(vfio_user_client_device_feature(c, probe, NULL, 0, NULL, 0, NULL), 0);
	CU_ASSERT_EQUAL(vfio_user_client_device_feature(c, probe | VFIO_DEVICE_FEATURE_SET,
		NULL, 0, NULL, 0, NULL), 0);
	CU_ASSERT_EQUAL(vfio_user_client_device_feature(c, probe | VFIO_DEVICE_FEATURE_GET,
		NULL, 0, NULL, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(vfio_user_client_device_feature(c, VFIO_DEVICE_FEATURE_GET |
		VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, NULL, 0, out, sizeof(out), &out_len), -EINVAL);
	CU_ASSERT_EQUAL(out_len, 0);
	/* GET answered with the feature's data. */
	CU_ASSERT_EQUAL(vfio_user_client_device_feature(c, VFIO_DEVICE_FEATURE_GET |
		TEST_FEATURE, NULL, 0, out, sizeof(out), &out_len), 0);
	CU_ASSERT_EQUAL(out_len, 8);
	CU_ASSERT_EQUAL(memcmp(out, TEST_FEATURE_DATA, 8), 0);
	/* Room for less than the device needs: the device refuses. */
	CU_ASSERT_EQUAL(vfio_user_client_device_feature(c, VFIO_DEVICE_FEATURE_GET |
		TEST_FEATURE, NULL, 0, out, 4, &out_len), -EINVAL);
	CU_ASSERT_EQUAL(vfio_user_client_device_feature(c, VFIO_DEVICE_FEATURE_PROBE | 5,
		NULL, 0, NULL, 0, NULL), -ENOTTY);
	CU_ASSERT_EQUAL(dev_now().feature_calls, 8);
	/* The connection is still good. */
	CU_ASSERT_EQUAL(vfio_user_client_reset(c), 0);
	vfio_user_client_close(c);
	fx_stop();
}

static void
test_device_feature_refused(void)
{
	uint8_t buf[64] = { 0 };
	struct vfio_device_feature *f = (struct vfio_device_feature *)buf;
	const uint32_t set_token = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;
	struct vfio_user_msg reply;
	int efd, fd;

	fx_start_feature();
	fd = unit_connect(path);
	raw_version(fd);
	/* Shorter than argsz and flags. */
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DEVICE_FEATURE, buf, 4, NULL), -EINVAL);
	/* argsz below the fixed part, or below the request a SET reply echoes. */
	f->flags = set_token;
	f->argsz = 4;
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DEVICE_FEATURE, buf, 8 + 16, NULL), -EINVAL);
	f->argsz = 8 + 15;
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DEVICE_FEATURE, buf, 8 + 16, NULL), -EINVAL);
	/* A token of 15 or 17 bytes. */
	f->argsz = sizeof(buf);
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DEVICE_FEATURE, buf, 8 + 15, NULL), -EINVAL);
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DEVICE_FEATURE, buf, 8 + 17, NULL), -EINVAL);
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DEVICE_FEATURE, buf, 8, NULL), -EINVAL);
	CU_ASSERT_TRUE(log_has("refused: VF token not 16 bytes"));
	/* No method, GET with SET, an unknown flag bit. */
	f->flags = VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DEVICE_FEATURE, buf, 8 + 16, NULL), -EINVAL);
	f->flags = set_token | VFIO_DEVICE_FEATURE_GET;
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DEVICE_FEATURE, buf, 8 + 16, NULL), -EINVAL);
	f->flags = set_token | (1u << 19);
	CU_ASSERT_EQUAL(raw_call(fd, VFIO_USER_DEVICE_FEATURE, buf, 8 + 16, NULL), -EINVAL);
	/* A fd on a command that takes none. */
	f->flags = set_token;
	efd = eventfd(0, EFD_CLOEXEC);
	CU_ASSERT_FATAL(efd >= 0);
	CU_ASSERT_EQUAL(raw_call_fds(fd, VFIO_USER_DEVICE_FEATURE, buf, 8 + 16, 0, &efd, 1,
		NULL), -EINVAL);
	close(efd);
	CU_ASSERT_EQUAL(dev_now().feature_calls, 0);
	/* The same message, well formed: the reply to SET is the request. */
	memcpy(f->data, "0123456789abcdef", 16);
	CU_ASSERT_EQUAL_FATAL(raw_call(fd, VFIO_USER_DEVICE_FEATURE, buf, 8 + 16, &reply), 0);
	CU_ASSERT_EQUAL(reply.len, 8 + 16);
	CU_ASSERT_EQUAL(memcmp(reply.data, buf, 8 + 16), 0);
	vfio_user_msg_release(&reply);
	/* GET: argsz is 8 + the data, whatever the client offered. */
	f->flags = VFIO_DEVICE_FEATURE_GET | TEST_FEATURE;
	CU_ASSERT_EQUAL_FATAL(raw_call(fd, VFIO_USER_DEVICE_FEATURE, buf, 8, &reply), 0);
	CU_ASSERT_EQUAL(reply.len, 8 + 8);
	CU_ASSERT_EQUAL(((struct vfio_device_feature *)reply.data)->argsz, 16);
	CU_ASSERT_EQUAL(memcmp(reply.data + 8, TEST_FEATURE_DATA, 8), 0);
	vfio_user_msg_release(&reply);
	CU_ASSERT_EQUAL(dev_now().feature_calls, 2);
	close(fd);
	fx_stop();
}

static void
test_device_feature_without_op(void)
{
	struct vfio_user_client *c;
	uint8_t uuid[VFIO_USER_UUID_LEN] = { 1 };

	fx_start();
	c = client_open(NULL);
	CU_ASSERT_EQUAL(vfio_user_client_set_vf_token(c, uuid), -ENOTSUP);
	CU_ASSERT_EQUAL(vfio_user_client_device_feature(c, VFIO_DEVICE_FEATURE_PROBE, NULL, 0,
		NULL, 0, NULL), -ENOTSUP);
	CU_ASSERT_EQUAL(vfio_user_client_reset(c), 0);
	vfio_user_client_close(c);
	fx_stop();
}

/* ---- the server's one descriptor (vfio_user_server_fd), no server thread ---- */

static bool
fd_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
}

static struct vfio_user_server *
bare_server(const char *at)
{
	struct vfio_user_server_cfg cfg = { .path = at, .timeout_ms = 1000 };
	struct vfio_user_server *s = NULL;

	memset(&dev, 0, sizeof(dev));
	dev.bar1_fd = -1;
	CU_ASSERT_EQUAL_FATAL(vfio_user_server_create(&cfg, &fake_ops, &dev, &s), 0);
	dev.srv = s;
	return s;
}

static void
send_version(int fd)
{
	struct vfio_user_version v = { .major = VFIO_USER_MAJOR, .minor = VFIO_USER_MINOR };
	struct vfio_user_hdr h = { .msg_id = 7, .cmd = VFIO_USER_VERSION };
	struct iovec iov = { &v, sizeof(v) };

	CU_ASSERT_EQUAL(vfio_user_msg_send(fd, &h, &iov, 1, NULL, 0, 1000), 0);
}

/*
 * The descriptor follows every socket the server waits on: the listener,
 * the client, a refused client in a busy slot; and it is ready only while
 * one of them is, so an owner's poll neither misses a request nor spins.
 */
static void
test_server_fd_follows_sockets(void)
{
	struct vfio_user_server *s;
	int before, fd, a, b, e;

	strcpy(dir, "/tmp/vu-test-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vf.sock", dir);
	before = unit_open_fds();
	s = bare_server(path);
	fd = vfio_user_server_fd(s);
	CU_ASSERT(fd >= 0);
	CU_ASSERT_FALSE(fd_readable(fd));
	/* a connection waiting on the listener */
	a = unit_connect(path);
	CU_ASSERT_TRUE(fd_readable(fd));
	CU_ASSERT_EQUAL(vfio_user_server_run(s, 1000), 0);
	CU_ASSERT_TRUE(vfio_user_server_connected(s));
	CU_ASSERT_FALSE(fd_readable(fd));
	/* a request from the client */
	send_version(a);
	CU_ASSERT_TRUE(fd_readable(fd));
	CU_ASSERT_EQUAL(vfio_user_server_handle(s), 0);
	CU_ASSERT_FALSE(fd_readable(fd));
	/* a second client waits in a busy slot: its VERSION must wake the owner */
	b = unit_connect(path);
	CU_ASSERT_EQUAL(vfio_user_server_handle(s), 0);
	CU_ASSERT_FALSE(fd_readable(fd));
	send_version(b);
	CU_ASSERT_TRUE(fd_readable(fd));
	CU_ASSERT_EQUAL(vfio_user_server_handle(s), 0);
	CU_ASSERT_EQUAL(vfio_user_server_refused(s), 1);
	CU_ASSERT_TRUE(unit_peer_closed(b));
	close(b);
	CU_ASSERT_FALSE(fd_readable(fd));
	/* the client leaves: its hang-up is seen through the one descriptor */
	close(a);
	CU_ASSERT_TRUE(fd_readable(fd));
	CU_ASSERT_EQUAL(vfio_user_server_handle(s), 0);
	CU_ASSERT_FALSE(vfio_user_server_connected(s));
	CU_ASSERT_EQUAL(dev.disconnect_calls, 1);
	CU_ASSERT_FALSE(fd_readable(fd));
	/* the client's number reused by a ready descriptor: nothing of it is left */
	e = eventfd(1, EFD_CLOEXEC);
	CU_ASSERT_FALSE(fd_readable(fd));
	close(e);
	CU_ASSERT_EQUAL(vfio_user_server_fd(s), fd);
	vfio_user_server_destroy(s);
	CU_ASSERT_EQUAL(unit_open_fds(), before);
	rmdir(dir);
}

static void
test_server_fd_attach(void)
{
	char tmpl[] = "/tmp/vu-test-file-XXXXXX";
	struct vfio_user_server *s;
	int before, fd, sp[2], file;

	before = unit_open_fds();
	s = bare_server(NULL);
	fd = vfio_user_server_fd(s);
	CU_ASSERT_FALSE(fd_readable(fd));
	/* a descriptor poll cannot watch is refused and left to the caller */
	file = mkstemp(tmpl);
	CU_ASSERT_FATAL(file >= 0);
	unlink(tmpl);
	CU_ASSERT_EQUAL(vfio_user_server_attach(s, file), -EPERM);
	CU_ASSERT_FALSE(vfio_user_server_connected(s));
	CU_ASSERT_EQUAL(fcntl(file, F_GETFD) >= 0, true);
	close(file);
	CU_ASSERT_EQUAL_FATAL(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	CU_ASSERT_EQUAL(vfio_user_server_attach(s, sp[0]), 0);
	CU_ASSERT_EQUAL(vfio_user_server_attach(s, sp[1]), -EBUSY);
	CU_ASSERT_FALSE(fd_readable(fd));
	send_version(sp[1]);
	CU_ASSERT_TRUE(fd_readable(fd));
	CU_ASSERT_EQUAL(vfio_user_server_handle(s), 0);
	CU_ASSERT_FALSE(fd_readable(fd));
	close(sp[1]);
	CU_ASSERT_TRUE(fd_readable(fd));
	CU_ASSERT_EQUAL(vfio_user_server_handle(s), 0);
	CU_ASSERT_FALSE(vfio_user_server_connected(s));
	CU_ASSERT_FALSE(fd_readable(fd));
	vfio_user_server_destroy(s);
	CU_ASSERT_EQUAL(unit_open_fds(), before);
}

static CU_TestInfo tests_version[] = {
	UNIT_TEST(test_garbage_before_version_dropped),
	UNIT_TEST(test_version_malformed_json),
	UNIT_TEST(test_version_wrong_major_and_twice),
	UNIT_TEST(test_version_stalled_client),
	UNIT_TEST(test_server_timers),
	UNIT_TEST(test_vf_token),
	UNIT_TEST(test_second_client_busy),
	UNIT_TEST(test_version_without_json),
	UNIT_TEST(test_server_with_fewer_caps),
	UNIT_TEST(test_stale_socket_replaced),
	UNIT_TEST(test_client_against_a_bad_server),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_device[] = {
	UNIT_TEST(test_region_rw_out_of_bounds),
	UNIT_TEST(test_device_and_irq_info),
	UNIT_TEST(test_region_info_sparse_retry),
	UNIT_TEST(test_region_rw_in_bounds),
	UNIT_TEST(test_client_busy_poll),
	UNIT_TEST(test_server_poll_client),
	UNIT_TEST(test_region_write_posted),
	UNIT_TEST(test_region_rw_split),
	UNIT_TEST(test_reset),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_dma[] = {
	UNIT_TEST(test_dma_map_overlap_refused),
	UNIT_TEST(test_dma_map_memfd_translate),
	UNIT_TEST(test_dma_without_fd),
	UNIT_TEST(test_dma_no_access_proxy),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_irq[] = {
	UNIT_TEST(test_set_irqs_invalid),
	UNIT_TEST(test_set_irqs_eventfds),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_raw[] = {
	UNIT_TEST(test_unknown_and_unsupported_commands),
	UNIT_TEST(test_wrong_argsz_and_short_payloads),
	UNIT_TEST(test_fds_on_command_without_fds),
	UNIT_TEST(test_requests_back_to_back),
	UNIT_TEST(test_no_reply_and_bad_flags),
	UNIT_TEST(test_oversized_message_drops),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_feature[] = {
	UNIT_TEST(test_uuid_text),
	UNIT_TEST(test_device_feature_refused),
	UNIT_TEST(test_device_feature_vf_token),
	UNIT_TEST(test_device_feature_without_op),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_server_fd[] = {
	UNIT_TEST(test_server_fd_follows_sockets),
	UNIT_TEST(test_server_fd_attach),
	CU_TEST_INFO_NULL,
};

static CU_TestInfo tests_lifecycle[] = {
	UNIT_TEST(test_disconnect_resets_function),
	UNIT_TEST(test_fd_count_over_1000_cycles),
	CU_TEST_INFO_NULL,
};

static int
suite_init(void)
{
	vfio_user_log_set_handler(log_sink, NULL);
	return 0;
}

#define VU_SUITE(name, tests) { name, suite_init, NULL, NULL, NULL, tests }

UNIT_MAIN(VU_SUITE("vfio_user version and connections", tests_version),
	  VU_SUITE("vfio_user device", tests_device),
	  VU_SUITE("vfio_user dma", tests_dma),
	  VU_SUITE("vfio_user irqs", tests_irq),
	  VU_SUITE("vfio_user raw protocol", tests_raw),
	  VU_SUITE("vfio_user device feature", tests_feature),
	  VU_SUITE("vfio_user lifecycle", tests_lifecycle),
	  VU_SUITE("vfio_user server descriptor", tests_server_fd))
