/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `svnic-ctl lspci SOCKET`: a vfio-user client of any spec-following server
 * (ours, libvfio-user's, QEMU's). It reads the device's config space region,
 * sizes the BARs the way Linux does (region info, and all ones written to each
 * BAR with decoding off, then restored), hands both to the decoder in lspci.c
 * and prints the vfio-user view: regions with their sparse mmap areas, IRQs.
 * Everything the server says is bounded before use.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "ctl.h"
#include "lspci.h"
#include "vfio_user_client.h"
#include "vfio_user_log.h"

#define CTL_MAX_REGIONS		32u	/* shown; a server may claim up to 2^32 */
#define CTL_CFG_MIN		PCI_STD_HEADER_SIZEOF

struct ctl_region {
	int ret;			/* of DEVICE_GET_REGION_INFO */
	bool fd_passed;			/* the server sent an fd to mmap() */
	struct vfio_user_client_region r;
};

struct ctl_lspci {
	const struct svnic_ctl_lspci_opts *o;
	FILE *out;
	FILE *err;
	struct vfio_user_client *c;
	struct vfio_user_device_info info;
	uint32_t nregions;
	struct ctl_region regions[CTL_MAX_REGIONS];
	uint8_t cfg[SVNIC_LSPCI_CFG_SIZE];
	struct svnic_lspci_dev dev;
	int probe_ret;			/* why BAR sizing by writes failed, 0 if it did not */
};

static void
ctl_log(enum vfio_user_log_level level, const char *msg, void *ctx)
{
	(void)level;
	fprintf(ctx, "svnic-ctl: vfio-user: %s\n", msg);
}

/* ---- config space access through the config region ---- */

static int
ctl_cfg_read(struct ctl_lspci *s, uint32_t off, void *v, size_t len)
{
	return vfio_user_client_region_read(s->c, VFIO_PCI_CONFIG_REGION_INDEX, off, v, len);
}

static int
ctl_cfg_write(struct ctl_lspci *s, uint32_t off, const void *v, size_t len)
{
	return vfio_user_client_region_write(s->c, VFIO_PCI_CONFIG_REGION_INDEX, off, v, len);
}

/* Write all ones (or @p ones) to the dword at @p off, read it back, restore it. */
static int
ctl_probe_dword(struct ctl_lspci *s, uint32_t off, uint32_t ones, uint32_t *out)
{
	uint32_t orig, v = ones;
	int ret, r;

	ret = ctl_cfg_read(s, off, &orig, sizeof(orig));
	if (ret < 0)
		return ret;
	v |= orig;
	ret = ctl_cfg_write(s, off, &v, sizeof(v));
	if (ret == 0)
		ret = ctl_cfg_read(s, off, out, sizeof(*out));
	r = ctl_cfg_write(s, off, &orig, sizeof(orig));
	return ret < 0 ? ret : r;
}

/*
 * Clear @p bits of the 16-bit register at @p off while @p fn sizes BARs, as
 * Linux's __pci_read_base() turns decoding off so the transient all-ones
 * address is never decoded.
 */
static int
ctl_with_decode_off(struct ctl_lspci *s, uint32_t off, uint16_t bits,
		int (*fn)(struct ctl_lspci *s, uint32_t base), uint32_t base)
{
	uint16_t orig, off_val;
	int ret, r;

	ret = ctl_cfg_read(s, off, &orig, sizeof(orig));
	if (ret < 0)
		return ret;
	if ((orig & bits) != 0) {
		off_val = orig & (uint16_t)~bits;
		ret = ctl_cfg_write(s, off, &off_val, sizeof(off_val));
		if (ret < 0)
			return ret;
	}
	ret = fn(s, base);
	if ((orig & bits) != 0) {
		r = ctl_cfg_write(s, off, &orig, sizeof(orig));
		if (ret == 0)
			ret = r;
	}
	return ret;
}

static int
ctl_probe_bars(struct ctl_lspci *s, uint32_t nbars)
{
	unsigned int i;
	int ret;

	for (i = 0; i < nbars; i++) {
		ret = ctl_probe_dword(s, PCI_BASE_ADDRESS_0 + 4 * i, 0xffffffffu,
				&s->dev.probe[i]);
		if (ret < 0)
			return ret;
	}
	if (nbars == SVNIC_LSPCI_BARS) {
		/* The enable bit is kept: only the address bits are sized. */
		ret = ctl_probe_dword(s, PCI_ROM_ADDRESS, PCI_ROM_ADDRESS_MASK,
				&s->dev.probe[SVNIC_LSPCI_ROM]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int
ctl_probe_vf_bars(struct ctl_lspci *s, uint32_t sriov)
{
	unsigned int i;
	int ret;

	for (i = 0; i < PCI_SRIOV_NUM_BARS; i++) {
		ret = ctl_probe_dword(s, sriov + PCI_SRIOV_BAR + 4 * i, 0xffffffffu,
				&s->dev.vf_probe[i]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static void
ctl_probe(struct ctl_lspci *s)
{
	struct ctl_region *cr = &s->regions[VFIO_PCI_CONFIG_REGION_INDEX];
	uint8_t htype = s->cfg[PCI_HEADER_TYPE] & 0x7f;
	uint32_t sriov;
	int ret;

	if ((cr->r.info.flags & VFIO_REGION_INFO_FLAG_WRITE) == 0) {
		s->probe_ret = -EACCES;
		return;
	}
	if (htype == PCI_HEADER_TYPE_NORMAL || htype == PCI_HEADER_TYPE_BRIDGE) {
		ret = ctl_with_decode_off(s, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY,
				ctl_probe_bars, htype == PCI_HEADER_TYPE_NORMAL ?
				SVNIC_LSPCI_BARS : 2);
		if (ret < 0) {
			s->probe_ret = ret;
			return;
		}
		s->dev.probe_valid = true;
	}
	/* PCIe r4.0 sec. 9.3.3.14: VF BARs are sized like BARs, with VF MSE off. */
	sriov = svnic_lspci_find_ext_cap(s->cfg, s->dev.cfg_len, PCI_EXT_CAP_ID_SRIOV);
	if (sriov == 0 || sriov + PCI_SRIOV_VFM + 4 > s->dev.cfg_len)
		return;
	ret = ctl_with_decode_off(s, sriov + PCI_SRIOV_CTRL, PCI_SRIOV_CTRL_MSE,
			ctl_probe_vf_bars, sriov);
	if (ret < 0) {
		s->probe_ret = ret;
		return;
	}
	s->dev.vf_probe_valid = true;
}

/* ---- gathering ---- */

static void
ctl_gather_regions(struct ctl_lspci *s)
{
	uint32_t i;

	s->nregions = s->info.num_regions < CTL_MAX_REGIONS ? s->info.num_regions :
		CTL_MAX_REGIONS;
	for (i = 0; i < s->nregions; i++) {
		struct ctl_region *cr = &s->regions[i];

		cr->ret = vfio_user_client_region_info(s->c, i, &cr->r);
		/* We never mmap: the fd only tells that the region is mappable. */
		if (cr->r.fd >= 0) {
			close(cr->r.fd);
			cr->r.fd = -1;
			cr->fd_passed = true;
		}
		if (cr->ret == 0 && i < VFIO_PCI_NUM_REGIONS) {
			s->dev.region_valid |= 1u << i;
			s->dev.region_size[i] = cr->r.info.size;
		}
	}
}

static int
ctl_read_config(struct ctl_lspci *s)
{
	struct ctl_region *cr = &s->regions[VFIO_PCI_CONFIG_REGION_INDEX];
	uint64_t len;
	int ret;

	if (s->nregions <= VFIO_PCI_CONFIG_REGION_INDEX || cr->ret < 0) {
		fprintf(s->err, "svnic-ctl: %s: no PCI config space region (index %u)%s%s\n",
			s->o->path, VFIO_PCI_CONFIG_REGION_INDEX, cr->ret < 0 ? ": " : "",
			cr->ret < 0 ? strerror(-cr->ret) : "");
		return -ENODEV;
	}
	if (cr->r.info.size < CTL_CFG_MIN) {
		fprintf(s->err, "svnic-ctl: %s: config space region (index %u) is %" PRIu64
			" bytes, below the %u of a header\n", s->o->path,
			VFIO_PCI_CONFIG_REGION_INDEX, (uint64_t)cr->r.info.size, CTL_CFG_MIN);
		return -ENODEV;
	}
	len = cr->r.info.size < SVNIC_LSPCI_CFG_SIZE ? cr->r.info.size : SVNIC_LSPCI_CFG_SIZE;
	ret = ctl_cfg_read(s, 0, s->cfg, (size_t)len);
	if (ret < 0 && len > 256) {
		/* Some servers only serve the conventional 256 bytes. */
		len = 256;
		ret = ctl_cfg_read(s, 0, s->cfg, (size_t)len);
	}
	if (ret < 0) {
		fprintf(s->err, "svnic-ctl: %s: cannot read config space: %s\n", s->o->path,
			strerror(-ret));
		return ret;
	}
	s->dev.cfg_len = (uint32_t)len;
	return 0;
}

/* ---- the vfio-user view ---- */

static const char *
ctl_region_name(uint32_t i, char *buf, size_t len)
{
	static const char *const names[VFIO_PCI_NUM_REGIONS] = {
		"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5", "ROM", "CONFIG", "VGA",
	};

	if (i < VFIO_PCI_NUM_REGIONS)
		return names[i];
	snprintf(buf, len, "device-specific");
	return buf;
}

static const char *
ctl_irq_name(uint32_t i)
{
	static const char *const names[VFIO_PCI_NUM_IRQS] = {
		"INTx", "MSI", "MSI-X", "ERR", "REQ",
	};

	return i < VFIO_PCI_NUM_IRQS ? names[i] : "device-specific";
}

#define F(v, bit) ((v) & (bit) ? '+' : '-')

static void
ctl_show_regions(struct ctl_lspci *s)
{
	uint32_t i, k;
	char name[32], sz[32];

	for (i = 0; i < s->nregions; i++) {
		const struct ctl_region *cr = &s->regions[i];
		const struct vfio_region_info *ri = &cr->r.info;

		fprintf(s->out, "\tRegion %u (%s): ", i, ctl_region_name(i, name, sizeof(name)));
		if (cr->ret < 0) {
			fprintf(s->out, "<DEVICE_GET_REGION_INFO failed: %s>\n",
				strerror(-cr->ret));
			continue;
		}
		if (ri->size == 0) {
			fprintf(s->out, "not implemented\n");
			continue;
		}
		fprintf(s->out, "size %#" PRIx64 " %s, offset %#" PRIx64 ", flags READ%c WRITE%c "
			"MMAP%c CAPS%c%s\n", (uint64_t)ri->size,
			svnic_lspci_fmt_size(ri->size, sz, sizeof(sz)), (uint64_t)ri->offset,
			F(ri->flags, VFIO_REGION_INFO_FLAG_READ),
			F(ri->flags, VFIO_REGION_INFO_FLAG_WRITE),
			F(ri->flags, VFIO_REGION_INFO_FLAG_MMAP),
			F(ri->flags, VFIO_REGION_INFO_FLAG_CAPS),
			(ri->flags & VFIO_REGION_INFO_FLAG_MMAP) != 0 && !cr->fd_passed ?
			" (no fd passed)" : "");
		for (k = 0; k < cr->r.nr_sparse; k++)
			fprintf(s->out, "\t\tSparse mmap area %u: offset %#llx size %#llx%s\n", k,
				(unsigned long long)cr->r.sparse[k].offset,
				(unsigned long long)cr->r.sparse[k].size,
				cr->r.sparse[k].offset > ri->size ||
				cr->r.sparse[k].size > ri->size - cr->r.sparse[k].offset ?
				" <outside the region>" : "");
	}
	if (s->info.num_regions > s->nregions)
		fprintf(s->out, "\t<%u more regions not shown>\n",
			s->info.num_regions - s->nregions);
}

static void
ctl_show_irqs(struct ctl_lspci *s)
{
	struct vfio_irq_info irq;
	uint32_t i, n;
	int ret;

	n = s->info.num_irqs < VFIO_USER_MAX_IRQ_TYPES ? s->info.num_irqs :
		VFIO_USER_MAX_IRQ_TYPES;
	for (i = 0; i < n; i++) {
		fprintf(s->out, "\tIRQ %u (%s): ", i, ctl_irq_name(i));
		memset(&irq, 0, sizeof(irq));
		ret = vfio_user_client_irq_info(s->c, i, &irq);
		if (ret < 0) {
			fprintf(s->out, "<DEVICE_GET_IRQ_INFO failed: %s>\n", strerror(-ret));
			continue;
		}
		fprintf(s->out, "count %u, flags EVENTFD%c MASKABLE%c AUTOMASKED%c NORESIZE%c\n",
			irq.count, F(irq.flags, VFIO_IRQ_INFO_EVENTFD),
			F(irq.flags, VFIO_IRQ_INFO_MASKABLE),
			F(irq.flags, VFIO_IRQ_INFO_AUTOMASKED),
			F(irq.flags, VFIO_IRQ_INFO_NORESIZE));
	}
	if (s->info.num_irqs > n)
		fprintf(s->out, "\t<%u more IRQ types not shown>\n", s->info.num_irqs - n);
}

static void
ctl_show_vfio(struct ctl_lspci *s)
{
	const struct vfio_user_caps *caps = vfio_user_client_server_caps(s->c);
	uint32_t f = s->info.flags;

	fprintf(s->out, "\tvfio-user: max_msg_fds %u, max_data_xfer_size %u, pgsizes %#" PRIx64
		", max_dma_maps %u%s\n", caps->max_msg_fds, caps->max_data_xfer_size,
		caps->pgsizes, caps->max_dma_maps, s->o->vf_token != NULL ?
		", VF token presented" : "");
	fprintf(s->out, "\tDevice: flags RESET%c PCI%c PLATFORM%c CAPS%c, %u regions, "
		"%u IRQ types\n", F(f, VFIO_DEVICE_FLAGS_RESET), F(f, VFIO_DEVICE_FLAGS_PCI),
		F(f, VFIO_DEVICE_FLAGS_PLATFORM), F(f, VFIO_DEVICE_FLAGS_CAPS),
		s->info.num_regions, s->info.num_irqs);
	ctl_show_regions(s);
	ctl_show_irqs(s);
	fputc('\n', s->out);	/* lspci ends each function with a blank line */
}

int
svnic_ctl_lspci(const struct svnic_ctl_lspci_opts *o, FILE *out, FILE *err)
{
	struct vfio_user_client_opts co = { 0 };
	struct ctl_lspci *s;
	int ret, status = SVNIC_CTL_FAIL;

	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		fprintf(err, "svnic-ctl: out of memory\n");
		return SVNIC_CTL_FAIL;
	}
	s->o = o;
	s->out = out;
	s->err = err;
	s->dev.name = o->path;
	vfio_user_log_set_handler(o->verbose ? ctl_log : NULL, err);
	co.vf_token = o->vf_token;
	co.timeout_ms = o->timeout_ms;
	ret = vfio_user_client_connect(o->path, &co, &s->c);
	if (ret < 0) {
		fprintf(err, "svnic-ctl: cannot connect to %s: %s%s\n", o->path, strerror(-ret),
			ret == -EPERM ? " (the device refused the client: a VF needs the VF "
			"token its PF set, --vf-token UUID)" : ret == -EBUSY ?
			" (another client is using the device)" : "");
		goto free_s;
	}
	ret = vfio_user_client_device_info(s->c, &s->info);
	if (ret < 0) {
		fprintf(err, "svnic-ctl: %s: DEVICE_GET_INFO: %s\n", o->path, strerror(-ret));
		goto close_c;
	}
	if ((s->info.flags & VFIO_DEVICE_FLAGS_PCI) == 0)
		fprintf(err, "svnic-ctl: %s: warning: the device does not say it is PCI\n",
			o->path);
	ctl_gather_regions(s);
	ret = ctl_read_config(s);
	if (ret == 0) {
		if (!o->no_probe)
			ctl_probe(s);
		if (svnic_lspci_print(s->cfg, &s->dev, out) > 0)
			fprintf(err, "svnic-ctl: %s: problems in the config space, marked <...>\n",
				o->path);
		if (s->probe_ret < 0)
			fprintf(out, "\tNote: BARs not sized by config writes: %s\n",
				strerror(-s->probe_ret));
	} else {
		fprintf(out, "%s <no config space>\n", o->path);
	}
	ctl_show_vfio(s);
	fflush(out);
	if (ret == 0)
		status = SVNIC_CTL_OK;
close_c:
	vfio_user_client_close(s->c);
free_s:
	vfio_user_log_set_handler(NULL, NULL);
	free(s);
	return status;
}
