/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * svnic-emu: the svnic SR-IOV NIC in software. Serves the PF at DIR/pf.sock and,
 * while the PF has VF Enable set, VF n at DIR/vf<n>.sock, over vfio-user. This
 * file is the glue: command line, sockets, the control loop and signals; the
 * device itself is emu_dev.c and its neighbours.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "emu_dev.h"
#include "emu_log.h"
#include "emu_pci.h"
#include "emu_switch.h"
#include "emu_uplink.h"
#include "vfio_user_log.h"
#include "vfio_user_proto.h"
#include "vfio_user_server.h"

struct emu_glue_fn {
	struct emu_func *f;
	struct vfio_user_server *srv;
	char path[PATH_MAX];
};

struct emu_glue {
	struct emu_dev *dev;
	/*
	 * What the control loop waits on: the signals, the device's wake-up and
	 * one descriptor per served function, registered while it is served, so
	 * a wake-up costs the functions that are ready, not every VF socket.
	 */
	int ep;
	char dir[PATH_MAX];
	struct emu_glue_fn pf;
	struct emu_glue_fn *vfs[SVNIC_TOTAL_VFS_MAX];
	uint16_t nb_vfs;
	char vf_token[VFIO_USER_TOKEN_LEN + 1];	/* canonical UUID; "" until set */
	int verbose;
};

static struct emu_glue glue;

static void
emu_print_log(const char *who, int level, const char *msg)
{
	static const char *const names[] = { "?", "error", "warning", "info", "debug" };
	struct timespec ts;

	if (level > 3 + glue.verbose)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(stderr, "svnic-emu[%ld.%03ld] %s: %s: %s\n", (long)ts.tv_sec,
		ts.tv_nsec / 1000000, who, names[level >= 1 && level <= 4 ? level : 0], msg);
}

static void
emu_log_dev(enum svnic_emu_log_level level, const char *msg, void *ctx)
{
	(void)ctx;
	emu_print_log("device", (int)level, msg);
}

static void
emu_log_vu(enum vfio_user_log_level level, const char *msg, void *ctx)
{
	(void)ctx;
	emu_print_log("vfio-user", (int)level, msg);
}

/* --- the vfio-user device of one function ---------------------------------- */

static int
glue_device_info(void *ctx, struct vfio_user_device_info *info)
{
	(void)ctx;
	info->flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info->num_regions = VFIO_PCI_NUM_REGIONS;
	info->num_irqs = VFIO_PCI_NUM_IRQS;
	return 0;
}

static int
glue_region_info(void *ctx, uint32_t index, struct vfio_user_region_desc *d)
{
	struct emu_glue_fn *g = ctx;
	struct emu_func *f = g->f;

	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		d->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
		d->size = SVNIC_EMU_PCI_CFG_SIZE;
		return 0;
	case VFIO_PCI_BAR0_REGION_INDEX:
		/* Page 0 is trapped; the rest of BAR0 is shared memory (spec "BAR0"). */
		d->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
			   VFIO_REGION_INFO_FLAG_MMAP;
		d->size = f->bar0_size;
		d->fd = f->bar0_fd;
		d->offset = 0;
		d->nr_sparse = 1;
		d->sparse[0].offset = SVNIC_BAR0_MMAP_START;
		d->sparse[0].size = f->bar0_size - SVNIC_BAR0_MMAP_START;
		return 0;
	case VFIO_PCI_BAR2_REGION_INDEX:
		d->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
		d->size = f->is_vf ? SVNIC_VF_MSIX_BAR_SIZE : SVNIC_PF_MSIX_BAR_SIZE;
		return 0;
	default:
		d->size = 0;
		return 0;
	}
}

static int
glue_irq_info(void *ctx, uint32_t index, struct vfio_irq_info *info)
{
	struct emu_glue_fn *g = ctx;

	info->flags = 0;
	info->count = 0;
	if (index == VFIO_PCI_MSIX_IRQ_INDEX) {
		info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
		info->count = g->f->nb_vectors;
	}
	return 0;
}

static int
glue_region_access(void *ctx, uint32_t index, uint64_t off, void *buf, uint32_t count,
		   bool is_write)
{
	struct emu_glue_fn *g = ctx;

	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		return emu_func_cfg_access(g->f, off, buf, count, is_write);
	case VFIO_PCI_BAR0_REGION_INDEX:
		return emu_func_bar0_access(g->f, off, buf, count, is_write);
	case VFIO_PCI_BAR2_REGION_INDEX:
		return emu_func_msix_access(g->f, off, buf, count, is_write);
	default:
		return -EINVAL;
	}
}

static int
glue_set_irqs(void *ctx, uint32_t index, uint32_t flags, uint32_t start, uint32_t count,
	      const int *fds, const uint8_t *bools)
{
	(void)ctx;
	(void)flags;
	(void)start;
	(void)count;
	(void)fds;
	(void)bools;
	/* The server keeps the eventfds; the device signals through it. */
	return index == VFIO_PCI_MSIX_IRQ_INDEX ? 0 : -EINVAL;
}

static int
glue_reset(void *ctx)
{
	struct emu_glue_fn *g = ctx;

	emu_func_reset(g->f, g->f->is_vf ? SVNIC_EQ_VF_RESET_FLR : 0);
	return 0;
}

static void
glue_disconnect(void *ctx)
{
	struct emu_glue_fn *g = ctx;
	struct emu_func *f = g->f;

	SVNIC_EMU_LOG(INFO, "%s%.0u: client gone; the function is reset",
		      f->is_vf ? "vf" : "pf", f->is_vf ? f->vf_id : 0);
	if (f->is_vf) {
		emu_func_reset(f, SVNIC_EQ_VF_RESET_DISCONNECT);
	} else {
		/* As a PF FLR: VF Enable goes, with the VFs (spec "Resets"). */
		uint16_t fl = PCI_EXP_DEVCTL_BCR_FLR;

		emu_func_cfg_access(f, SVNIC_EMU_PCI_PCIE_CAP + PCI_EXP_DEVCTL, &fl, 2, true);
	}
}

static int
glue_check_token(void *ctx, const char *token)
{
	struct emu_glue_fn *g = ctx;

	if (!g->f->is_vf)
		return 0;
	/* A VF serves only a client the PF vouched for (vfio-pci's vf_token). */
	if (glue.vf_token[0] == '\0') {
		SVNIC_EMU_LOG(WARNING, "vf%u: client refused: the PF has set no VF token",
			      g->f->vf_id);
		return -EPERM;
	}
	if (token == NULL || strcasecmp(token, glue.vf_token) != 0) {
		SVNIC_EMU_LOG(WARNING, "vf%u: client refused: %s VF token", g->f->vf_id,
			      token == NULL ? "no" : "wrong");
		return -EPERM;
	}
	return 0;
}

/*
 * The PF driver sets the VF token as vfio-pci's VFIO_DEVICE_FEATURE_PCI_VF_TOKEN:
 * on the PF's own socket, SET or PROBE, never read back.
 */
static int
glue_device_feature(void *ctx, uint32_t flags, const void *data, uint32_t len, void *out,
		    uint32_t out_cap, uint32_t *out_len)
{
	struct emu_glue_fn *g = ctx;

	(void)out;
	(void)out_cap;
	(void)out_len;
	if (g->f->is_vf || (flags & VFIO_DEVICE_FEATURE_MASK) != VFIO_DEVICE_FEATURE_PCI_VF_TOKEN)
		return -ENOTTY;
	if (flags & VFIO_DEVICE_FEATURE_GET)
		return -EINVAL;
	if (flags & VFIO_DEVICE_FEATURE_PROBE)
		return 0;
	if (len != VFIO_USER_UUID_LEN)
		return -EINVAL;
	vfio_user_uuid_format(data, glue.vf_token);
	SVNIC_EMU_LOG(INFO, "pf: VF token set");
	return 0;
}

static const struct vfio_user_server_ops glue_ops = {
	.device_feature = glue_device_feature,
	.device_info = glue_device_info,
	.region_info = glue_region_info,
	.irq_info = glue_irq_info,
	.region_access = glue_region_access,
	.set_irqs = glue_set_irqs,
	.reset = glue_reset,
	.check_token = glue_check_token,
	.disconnect = glue_disconnect,
};

/* --- what the device asks of the glue -------------------------------------- */

static void *
glue_dma_ptr(void *ctx, struct emu_func *f, uint64_t iova, uint64_t len, bool write)
{
	struct emu_glue_fn *g = f->glue;

	(void)ctx;
	if (g == NULL || g->srv == NULL)
		return NULL;
	return vfio_user_dma_translate(vfio_user_server_dma(g->srv), iova, len,
				       VFIO_USER_DMA_PROT_READ |
				       (write ? VFIO_USER_DMA_PROT_WRITE : 0));
}

static uint8_t *
glue_dma_window(void *ctx, struct emu_func *f, uint64_t iova, uint64_t len, bool write,
		uint64_t *first, uint64_t *last, bool *writable)
{
	const struct vfio_user_dma_region *r;
	struct emu_glue_fn *g = f->glue;
	uint32_t need = VFIO_USER_DMA_PROT_READ | (write ? VFIO_USER_DMA_PROT_WRITE : 0);

	(void)ctx;
	if (g == NULL || g->srv == NULL)
		return NULL;
	/*
	 * The checks of vfio_user_dma_translate(), for the whole run: windows
	 * mapped one after the other make one window here.
	 */
	r = vfio_user_dma_find_run(vfio_user_server_dma(g->srv), iova);
	if (r == NULL || (need & ~r->prot) != 0 || r->vaddr == NULL ||
	    len == 0 || len - 1 > r->run_len - 1 - (iova - r->run_iova))
		return NULL;
	*first = r->run_iova;
	*last = r->run_iova + (r->run_len - 1);
	*writable = (r->prot & VFIO_USER_DMA_PROT_WRITE) != 0;
	return vfio_user_dma_run_vaddr(r);
}

static void
glue_irq(void *ctx, struct emu_func *f, uint16_t vector)
{
	struct emu_glue_fn *g = f->glue;

	(void)ctx;
	if (g != NULL && g->srv != NULL)
		vfio_user_server_irq_signal(g->srv, VFIO_PCI_MSIX_IRQ_INDEX, vector);
}

static int
glue_serve(struct emu_glue_fn *g, struct emu_func *f, const char *name)
{
	struct vfio_user_server_cfg cfg = { 0 };
	int ret;

	g->f = f;
	if (snprintf(g->path, sizeof(g->path), "%s/%s", glue.dir, name) >= (int)sizeof(g->path))
		return -ENAMETOOLONG;
	cfg.path = g->path;
	cfg.mode = 0600;
	ret = vfio_user_server_create(&cfg, &glue_ops, g, &g->srv);
	if (ret == 0 && epoll_ctl(glue.ep, EPOLL_CTL_ADD, vfio_user_server_fd(g->srv),
				  &(struct epoll_event){ .events = EPOLLIN, .data.ptr = g }) < 0) {
		ret = -errno;
		vfio_user_server_destroy(g->srv);
		g->srv = NULL;
	}
	if (ret < 0) {
		SVNIC_EMU_LOG(ERR, "cannot serve %s: %s", g->path, strerror(-ret));
		return ret;
	}
	f->glue = g;
	return 0;
}

static void
glue_unserve(struct emu_glue_fn *g)
{
	if (g->srv != NULL) {
		(void)epoll_ctl(glue.ep, EPOLL_CTL_DEL, vfio_user_server_fd(g->srv), NULL);
		vfio_user_server_destroy(g->srv);
	}
	g->srv = NULL;
	if (g->f != NULL)
		g->f->glue = NULL;
	unlink(g->path);
}

static void
glue_vfs_changed(void *ctx, uint16_t num_vfs)
{
	uint16_t i;

	(void)ctx;
	for (i = 0; i < glue.nb_vfs; i++) {
		glue_unserve(glue.vfs[i]);
		free(glue.vfs[i]);
		glue.vfs[i] = NULL;
	}
	glue.nb_vfs = 0;
	for (i = 0; i < num_vfs; i++) {
		char name[32];

		glue.vfs[i] = calloc(1, sizeof(*glue.vfs[i]));
		if (glue.vfs[i] == NULL)
			break;
		snprintf(name, sizeof(name), "vf%u.sock", i);
		if (glue_serve(glue.vfs[i], emu_dev_vf(glue.dev, i), name) < 0) {
			free(glue.vfs[i]);
			glue.vfs[i] = NULL;
			break;
		}
		glue.nb_vfs = (uint16_t)(i + 1);
	}
	SVNIC_EMU_LOG(INFO, "serving %u VF socket(s) in %s", glue.nb_vfs, glue.dir);
}

/* --- statistics ------------------------------------------------------------- */

static void
glue_print_stats(void)
{
	struct emu_dev *dev = glue.dev;
	struct svnic_sw_stats st;
	uint16_t i;

	fprintf(stderr, "svnic-emu: %u VF(s), link %s, datapath sleeps %" PRIu64
		", wake-ups %" PRIu64 "\n", dev->num_vfs, dev->link_up ? "up" : "down",
		dev->dp_sleeps, dev->dp_wakeups);
	/* the PF's trapped accesses: what its driver costs the control thread */
	fprintf(stderr, "  pf: trapped reads %" PRIu64 " writes %" PRIu64 " ignored %" PRIu64
		"\n", dev->pf.stats_reads, dev->pf.stats_writes, dev->pf.stats_ignored);
	pthread_rwlock_rdlock(&dev->sw_lock);
	if (svnic_sw_stats_get(dev->sw, SVNIC_SW_UPLINK, &st) == 0)
		fprintf(stderr, "  uplink: rx %" PRIu64 " tx %" PRIu64 " packets\n",
			st.rx_packets, st.tx_packets);
	for (i = 0; i <= dev->cfg.total_vfs && i < SVNIC_VPORTS_MAX; i++) {
		if (!dev->vports[i].used || svnic_sw_stats_get(dev->sw, i, &st) < 0)
			continue;
		fprintf(stderr, "  vport %u (%s%u): rx %" PRIu64 " tx %" PRIu64
			" spoofed %" PRIu64 "\n", i,
			SVNIC_AQ_FUNC_IS_VF(dev->vports[i].cfg.func) ? "vf" : "pf",
			dev->vports[i].cfg.func & SVNIC_AQ_FUNC_VF_MASK, st.rx_packets,
			st.tx_packets, st.tx_spoofed);
	}
	pthread_rwlock_unlock(&dev->sw_lock);
}

/* --- the control loop --------------------------------------------------------- */

/* ready descriptors taken per pass; the rest stay ready (level-triggered) for the next */
#define GLUE_EVENTS_MAX	64

/* epoll tags of the two descriptors that are not a function's */
static const char glue_tag_signal, glue_tag_ctrl;

static void
glue_handle(struct emu_glue_fn *g)
{
	/* The function's lock for the whole message: DMA maps and registers change. */
	emu_func_lock_wr(g->f);
	vfio_user_server_handle(g->srv);
	emu_func_unlock(g->f);
}

static int
glue_loop(int sfd)
{
	struct epoll_event ev[GLUE_EVENTS_MAX];
	uint64_t next_link = 0;

	if (epoll_ctl(glue.ep, EPOLL_CTL_ADD, sfd, &(struct epoll_event){
			.events = EPOLLIN, .data.ptr = (void *)&glue_tag_signal }) < 0 ||
	    epoll_ctl(glue.ep, EPOLL_CTL_ADD, emu_dev_ctrl_fd(glue.dev), &(struct epoll_event){
			.events = EPOLLIN, .data.ptr = (void *)&glue_tag_ctrl }) < 0)
		return -errno;
	for (;;) {
		int n = epoll_wait(glue.ep, ev, GLUE_EVENTS_MAX, 100);
		int i;

		if (n < 0 && errno != EINTR)
			return -errno;
		for (i = 0; i < n; i++) {
			struct signalfd_siginfo si;

			if (ev[i].data.ptr != &glue_tag_signal ||
			    read(sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo != SIGUSR1)
				return 0;
			glue_print_stats();
		}
		/* epoll reports each function once per pass, whatever its ready sockets */
		for (i = 0; i < n; i++) {
			void *tag = ev[i].data.ptr;

			if (tag == &glue_tag_signal || tag == &glue_tag_ctrl)
				continue;
			glue_handle(tag);
			/* VF sockets may have come or gone: the tags past here may be freed */
			if (glue.dev->vfs_pending) {
				emu_dev_housekeeping(glue.dev);
				break;
			}
		}
		emu_dev_housekeeping(glue.dev);
		if (emu_now_ns() >= next_link && glue.dev->uplink != NULL) {
			emu_dev_set_link(glue.dev, svnic_uplink_link_up(glue.dev->uplink) > 0);
			next_link = emu_now_ns() + 100000000ull;
		}
	}
}

static void
usage(FILE *out)
{
	fprintf(out,
"Usage: svnic-emu --dir DIR [options]\n"
"\n"
"The svnic SR-IOV NIC in software, served over vfio-user: the PF at DIR/pf.sock and,\n"
"while the PF driver has VF Enable set, VF n at DIR/vf<n>.sock. Runs until SIGTERM or\n"
"SIGINT; SIGUSR1 prints statistics to stderr.\n"
"\n"
"  -d, --dir DIR            socket directory (created if missing)\n"
"  -n, --vfs-max N          SR-IOV TotalVFs, 1..256 (default 64)\n"
"  -u, --uplink SPEC        loopback | null | tap:IFNAME (default loopback)\n"
"  -p, --pcap FILE          write every frame crossing the uplink to FILE\n"
"  -q, --queues N           device queue pairs, 1..1024 (default 256)\n"
"  -t, --datapath-threads N datapath threads, 1..8 (default 1)\n"
"  -m, --mac MAC            the PF's permanent MAC (default 02:53:56:00:00:00)\n"
"      --vf-token UUID      the VF token VF clients must present (the PF driver\n"
"                           normally sets it through VFIO_USER_DEVICE_FEATURE)\n"
"      --no-stats-page      act as a device without the statistics pages (spec 1.4):\n"
"                           the PF then reads every counter with GET_STATS\n"
"      --no-head-wb         act as a device without head write-back: every\n"
"                           function's queues then poll the descriptors' DONE bits\n"
"      --tx-lag-us N        test hook: wait N us, 1..1000000, before reading the\n"
"                           TX rings of a function that rang a doorbell (a slow\n"
"                           device; a queue stopped meanwhile loses what it posted)\n"
"  -v, --verbose            more log (repeat for debug)\n"
"  -h, --help               this text\n");
}

static int
parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "vfs-max", required_argument, NULL, 'n' },
		{ "uplink", required_argument, NULL, 'u' },
		{ "pcap", required_argument, NULL, 'p' },
		{ "queues", required_argument, NULL, 'q' },
		{ "datapath-threads", required_argument, NULL, 't' },
		{ "mac", required_argument, NULL, 'm' },
		{ "vf-token", required_argument, NULL, 'T' },
		{ "no-stats-page", no_argument, NULL, 'S' },
		{ "no-head-wb", no_argument, NULL, 'W' },
		{ "tx-lag-us", required_argument, NULL, 'L' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct emu_dev_cfg cfg = {
		.total_vfs = 64, .total_queue_pairs = 256, .pf_msix_vectors = 64,
		.vf_msix_vectors = SVNIC_VF_MSIX_MAX, .link_speed = 10000, .datapath_threads = 1,
		.perm_mac = { 0x02, 0x53, 0x56, 0x00, 0x00, 0x00 },
	};
	struct emu_dev_ops ops = {
		.dma_ptr = glue_dma_ptr, .dma_window = glue_dma_window, .irq = glue_irq,
		.vfs_changed = glue_vfs_changed,
	};
	struct svnic_uplink_opts uopts = { 0 };
	struct svnic_uplink_spec uspec;
	struct svnic_uplink *ul = NULL;
	const char *uplink = "loopback", *dir = NULL;
	char err[256];
	unsigned long v;
	sigset_t mask;
	int c, ret, sfd, li;

	for (;;) {
		li = -1;	/* the long option matched: getopt_long sets it for no other */
		c = getopt_long(argc, argv, "d:n:u:p:q:t:m:vh", opts, &li);
		if (c == -1)
			break;
		switch (c) {
		case 'd': dir = optarg; break;
		case 'u': uplink = optarg; break;
		case 'p': uopts.pcap_path = optarg; break;
		case 'v': glue.verbose++; break;
		case 'S': cfg.no_stats_page = true; break;
		case 'W': cfg.no_head_wb = true; break;
		case 'h': usage(stdout); return 0;
		case 'n':
			if (parse_uint(optarg, 1, SVNIC_TOTAL_VFS_MAX, &v) < 0)
				goto bad_value;
			cfg.total_vfs = (uint16_t)v;
			break;
		case 'q':
			if (parse_uint(optarg, 1, SVNIC_QP_MAX, &v) < 0)
				goto bad_value;
			cfg.total_queue_pairs = (uint16_t)v;
			break;
		case 't':
			if (parse_uint(optarg, 1, 8, &v) < 0)
				goto bad_value;
			cfg.datapath_threads = (unsigned int)v;
			break;
		case 'm':
			if (sscanf(optarg, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx%c",
				   &cfg.perm_mac[0], &cfg.perm_mac[1], &cfg.perm_mac[2],
				   &cfg.perm_mac[3],
				   &cfg.perm_mac[4], &cfg.perm_mac[5], err) != 6 ||
			    (cfg.perm_mac[0] & 1) != 0)
				goto bad_value;
			break;
		case 'L':
			if (parse_uint(optarg, 1, 1000000, &v) < 0)
				goto bad_value;
			cfg.tx_lag_us = (uint32_t)v;
			break;
		case 'T': {
			uint8_t uuid[VFIO_USER_UUID_LEN];

			if (!vfio_user_uuid_parse(optarg, uuid))
				goto bad_value;
			vfio_user_uuid_format(uuid, glue.vf_token);
			break;
		}
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || dir == NULL) {
		fprintf(stderr, "svnic-emu: %s\n", dir == NULL ? "--dir DIR is required" :
			"unexpected argument");
		usage(stderr);
		return 2;
	}
	svnic_emu_log_set_handler(emu_log_dev, NULL);
	vfio_user_log_set_handler(emu_log_vu, NULL);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		fprintf(stderr, "svnic-emu: cannot create %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (realpath(dir, glue.dir) == NULL) {
		fprintf(stderr, "svnic-emu: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (svnic_uplink_parse(uplink, &uspec, err, sizeof(err)) < 0 ||
	    svnic_uplink_open(&uspec, &uopts, &ul, err, sizeof(err)) < 0) {
		fprintf(stderr, "svnic-emu: uplink %s: %s\n", uplink, err);
		return 1;
	}
	ret = emu_dev_create(&cfg, &ops, NULL, &glue.dev);
	if (ret < 0) {
		fprintf(stderr, "svnic-emu: cannot create the device: %s\n", strerror(-ret));
		svnic_uplink_close(ul);
		return 1;
	}
	emu_dev_set_uplink(glue.dev, ul);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGPIPE);
	/* Blocked before any thread starts, so every thread inherits the mask. */
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	sigdelset(&mask, SIGPIPE);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	glue.ep = epoll_create1(EPOLL_CLOEXEC);
	ret = sfd < 0 || glue.ep < 0 ? -errno : glue_serve(&glue.pf, &glue.dev->pf, "pf.sock");
	if (ret == 0)
		ret = emu_dev_start(glue.dev);
	if (ret == 0) {
		fprintf(stderr, "svnic-emu: serving the PF at %s (TotalVFs %u, %u queue pairs, "
			"uplink %s)\n", glue.pf.path, cfg.total_vfs, cfg.total_queue_pairs,
			svnic_uplink_name(ul));
		ret = glue_loop(sfd);
	}
	emu_dev_stop(glue.dev);
	glue_vfs_changed(NULL, 0);
	glue_unserve(&glue.pf);
	emu_dev_destroy(glue.dev);
	svnic_uplink_close(ul);
	if (glue.ep >= 0)
		close(glue.ep);
	if (sfd >= 0)
		close(sfd);
	if (ret < 0) {
		fprintf(stderr, "svnic-emu: %s\n", strerror(-ret));
		return 1;
	}
	fprintf(stderr, "svnic-emu: stopped\n");
	return 0;
bad_value:
	/* as it was written: the long-only options have no letter to name them by */
	if (li >= 0)
		fprintf(stderr, "svnic-emu: bad value for --%s: '%s'\n", opts[li].name, optarg);
	else
		fprintf(stderr, "svnic-emu: bad value for -%c: '%s'\n", c, optarg);
	return 2;
}
