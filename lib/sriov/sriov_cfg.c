/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VF config-space mediation. The image is kept as four per-byte tables, one bit
 * of each per config-space bit:
 *   img   the value a guest reads, for virtualized bits
 *   virt  1: the bit lives in img; 0: it is read from the real VF (passthrough)
 *   wr    1: the guest may write it
 *   rw1c  1: the guest clears it by writing 1
 * A virtualized bit that is neither wr nor rw1c is read-only; a write trying to
 * change one is dropped, counted and logged at a limited rate. Passed-through bits
 * are read-only to the guest too; they are dropped without counting (telling
 * would need a read of the real VF). Each access is cut at dword boundaries and
 * each piece goes to the handler of the structure that claims it (header,
 * capability, extended capability) or to the unclaimed handler.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "svnic_pci.h"
#include "sriov_cfg.h"
#include "svnic_cfg_access.h"
#include "sriov_log.h"

static_assert(SRIOV_CFG_SPACE_SIZE == SVNIC_VF_CFG_SIZE, "config space size");
static_assert(SRIOV_CFG_BARS == SVNIC_VF_CFG_BARS, "BAR count");
static_assert(SRIOV_CFG_MSIX_MAX == SVNIC_PCI_MSIX_VECTORS_MAX, "MSI-X vector count");

#define SRIOV_CFG_PCIE(reg)	(SVNIC_VF_CFG_PCIE_CAP + (reg))
#define SRIOV_CFG_MSIX(reg)	(SVNIC_VF_CFG_MSIX_CAP + (reg))
#define SRIOV_CFG_ARI(reg)	(SVNIC_VF_CFG_ARI_CAP + (reg))
#define SRIOV_CFG_BAR(i)	((uint16_t)(PCI_BASE_ADDRESS_0 + 4 * (i)))

/* Device Capabilities Max_Payload_Size codes go up to 101b = 4096 bytes. */
#define SRIOV_CFG_MPS_MAX	5

/*
 * Device Control bits a guest may set. They only shadow: for a VF the PF's
 * settings govern the link and the function (PCIe r4.0 sec. 9.3.5.4), but a guest
 * driver writing and reading them back must see its own values.
 */
#define SRIOV_CFG_DEVCTL_WR	(PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_NFERE | \
				 PCI_EXP_DEVCTL_FERE | PCI_EXP_DEVCTL_URRE | \
				 PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_PAYLOAD | \
				 PCI_EXP_DEVCTL_EXT_TAG | PCI_EXP_DEVCTL_NOSNOOP_EN | \
				 PCI_EXP_DEVCTL_READRQ)
/* Power-on Device Control (PCIe r4.0 sec. 7.5.3.4 defaults). */
#define SRIOV_CFG_DEVCTL_INIT	(PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_NOSNOOP_EN | \
				 PCI_EXP_DEVCTL_READRQ_512B)

struct sriov_cfg;

/* One structure of the config space and what handles accesses to it. */
struct sriov_cfg_region {
	uint16_t start;
	uint16_t end;		/* exclusive */
	const char *name;
	int (*read)(struct sriov_cfg *cfg, uint16_t off, uint8_t len, uint32_t *val);
	void (*write)(struct sriov_cfg *cfg, const struct sriov_cfg_region *r,
		      uint16_t off, uint8_t len, uint32_t val);
};

struct sriov_cfg {
	struct sriov_cfg_ops ops;
	void *ctx;
	uint16_t vf_id;
	bool mse;
	unsigned int n_regions;
	struct sriov_cfg_bar bars[SRIOV_CFG_BARS];
	struct sriov_cfg_stats stats;
	unsigned long log_ro;
	unsigned long log_unclaimed;
	unsigned long log_refused;
	unsigned long log_eio;
	uint8_t img[SRIOV_CFG_SPACE_SIZE];
	uint8_t init[SRIOV_CFG_SPACE_SIZE];	/* img at power-on */
	uint8_t virt[SRIOV_CFG_SPACE_SIZE];
	uint8_t wr[SRIOV_CFG_SPACE_SIZE];
	uint8_t rw1c[SRIOV_CFG_SPACE_SIZE];
};

static int sriov_cfg_bits_read(struct sriov_cfg *cfg, uint16_t off, uint8_t len,
			       uint32_t *val);
static void sriov_cfg_hdr_write(struct sriov_cfg *cfg, const struct sriov_cfg_region *r,
				uint16_t off, uint8_t len, uint32_t val);
static void sriov_cfg_cap_write(struct sriov_cfg *cfg, const struct sriov_cfg_region *r,
				uint16_t off, uint8_t len, uint32_t val);
static void sriov_cfg_ext_write(struct sriov_cfg *cfg, const struct sriov_cfg_region *r,
				uint16_t off, uint8_t len, uint32_t val);
static int sriov_cfg_unclaimed_read(struct sriov_cfg *cfg, uint16_t off, uint8_t len,
				    uint32_t *val);
static void sriov_cfg_unclaimed_write(struct sriov_cfg *cfg, const struct sriov_cfg_region *r,
				      uint16_t off, uint8_t len, uint32_t val);

/*
 * The claimed structures, in address order; the ARI capability, last, only counts
 * when the PF has ARI on. svnic_pci.h pins each one to whole dwords, so a dword
 * piece of an access never spans two regions.
 */
static const struct sriov_cfg_region sriov_cfg_regions[] = {
	{ 0, PCI_STD_HEADER_SIZEOF, "header", sriov_cfg_bits_read, sriov_cfg_hdr_write },
	{ SVNIC_VF_CFG_PCIE_CAP, SVNIC_VF_CFG_PCIE_CAP + SVNIC_VF_CFG_PCIE_CAP_SIZE,
	  "PCIe capability", sriov_cfg_bits_read, sriov_cfg_cap_write },
	{ SVNIC_VF_CFG_MSIX_CAP, SVNIC_VF_CFG_MSIX_CAP + SVNIC_VF_CFG_MSIX_CAP_SIZE,
	  "MSI-X capability", sriov_cfg_bits_read, sriov_cfg_cap_write },
	{ SVNIC_VF_CFG_ARI_CAP, SVNIC_VF_CFG_ARI_CAP + SVNIC_VF_CFG_ARI_CAP_SIZE,
	  "ARI capability", sriov_cfg_bits_read, sriov_cfg_ext_write },
};
#define SRIOV_CFG_N_REGIONS	(sizeof(sriov_cfg_regions) / sizeof(sriov_cfg_regions[0]))

static const struct sriov_cfg_region sriov_cfg_unclaimed = {
	0, SRIOV_CFG_SPACE_SIZE, "unclaimed", sriov_cfg_unclaimed_read,
	sriov_cfg_unclaimed_write,
};

static const struct sriov_cfg_region *
sriov_cfg_find_region(const struct sriov_cfg *cfg, uint16_t off)
{
	unsigned int i;

	for (i = 0; i < cfg->n_regions; i++)
		if (off >= sriov_cfg_regions[i].start && off < sriov_cfg_regions[i].end)
			return &sriov_cfg_regions[i];
	return &sriov_cfg_unclaimed;
}

/* Image building: a virtualized field of @p len bytes with its masks. */
static void
sriov_cfg_def(struct sriov_cfg *cfg, uint16_t off, uint8_t len, uint32_t val,
	      uint32_t wr, uint32_t rw1c)
{
	uint8_t i;

	for (i = 0; i < len; i++) {
		cfg->img[off + i] = (uint8_t)(val >> (8 * i));
		cfg->wr[off + i] = (uint8_t)(wr >> (8 * i));
		cfg->rw1c[off + i] = (uint8_t)(rw1c >> (8 * i));
	}
}

/* Bits of a field that the real VF supplies. */
static void
sriov_cfg_def_passthrough(struct sriov_cfg *cfg, uint16_t off, uint8_t len, uint32_t mask)
{
	uint8_t i;

	for (i = 0; i < len; i++) {
		uint8_t m = (uint8_t)(mask >> (8 * i));

		cfg->virt[off + i] &= (uint8_t)~m;
		cfg->img[off + i] &= (uint8_t)~m;
		cfg->wr[off + i] &= (uint8_t)~m;
		cfg->rw1c[off + i] &= (uint8_t)~m;
	}
}

static void
sriov_cfg_build_header(struct sriov_cfg *cfg, const struct sriov_cfg_desc *d)
{
	unsigned int i;

	sriov_cfg_def(cfg, PCI_VENDOR_ID, 2, d->vendor_id, 0, 0);
	sriov_cfg_def(cfg, PCI_DEVICE_ID, 2, d->vf_device_id, 0, 0);
	/*
	 * A VF has no INTx (Interrupt Pin 0), so INTx Disable reads 1 as a
	 * hypervisor presents it; I/O and Memory Space Enable are not the VF's
	 * (SR-IOV: VF MSE in the PF's SR-IOV Control). Only Bus Master is the guest's.
	 */
	sriov_cfg_def(cfg, PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE, PCI_COMMAND_MASTER, 0);
	sriov_cfg_def(cfg, PCI_STATUS, 2, PCI_STATUS_CAP_LIST, 0, SVNIC_PCI_STATUS_ERR_RW1C);
	sriov_cfg_def(cfg, PCI_REVISION_ID, 4, (d->class_code << 8) | d->revision, 0, 0);
	/* Read-write but without effect on a PCIe function (PCIe r4.0 sec. 7.5.1.1.7). */
	sriov_cfg_def(cfg, PCI_CACHE_LINE_SIZE, 1, 0, 0xff, 0);
	for (i = 0; i < SRIOV_CFG_BARS; i++) {
		const struct sriov_cfg_bar *b = &d->bars[i];
		uint64_t mask = ~(b->size - 1);
		uint32_t type;

		if (b->size == 0)
			continue;
		type = PCI_BASE_ADDRESS_SPACE_MEMORY |
			(b->is_64 ? PCI_BASE_ADDRESS_MEM_TYPE_64 : PCI_BASE_ADDRESS_MEM_TYPE_32) |
			(b->prefetchable ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0);
		/*
		 * Address bits below the size are hardwired to 0, so writing all
		 * ones reads back the size mask with the type bits (PCI LB 3.0
		 * sec. 6.2.5.1).
		 */
		sriov_cfg_def(cfg, SRIOV_CFG_BAR(i), 4, type, (uint32_t)mask & ~0xfu, 0);
		if (b->is_64) {
			i++;
			sriov_cfg_def(cfg, SRIOV_CFG_BAR(i), 4, 0, (uint32_t)(mask >> 32), 0);
		}
	}
	sriov_cfg_def(cfg, PCI_SUBSYSTEM_VENDOR_ID, 2, d->subsys_vendor_id, 0, 0);
	sriov_cfg_def(cfg, PCI_SUBSYSTEM_ID, 2, d->subsys_id, 0, 0);
	sriov_cfg_def(cfg, PCI_CAPABILITY_LIST, 1, SVNIC_VF_CFG_PCIE_CAP, 0, 0);
	/* Scratch register for the guest's interrupt routing (PCI LB 3.0 6.2.4). */
	sriov_cfg_def(cfg, PCI_INTERRUPT_LINE, 1, 0, 0xff, 0);
}

static void
sriov_cfg_build_caps(struct sriov_cfg *cfg, const struct sriov_cfg_desc *d)
{
	sriov_cfg_def(cfg, SRIOV_CFG_PCIE(PCI_CAP_LIST_ID), 2,
		      PCI_CAP_ID_EXP | (SVNIC_VF_CFG_MSIX_CAP << 8), 0, 0);
	sriov_cfg_def(cfg, SRIOV_CFG_PCIE(PCI_EXP_FLAGS), 2,
		      SVNIC_VF_PCIE_CAP_VERSION | (PCI_EXP_TYPE_ENDPOINT << 4), 0, 0);
	/* FLR is mandatory for VFs (SR-IOV, PCIe r4.0 sec. 9.3.5.3). */
	sriov_cfg_def(cfg, SRIOV_CFG_PCIE(PCI_EXP_DEVCAP), 4,
		      d->max_payload | PCI_EXP_DEVCAP_RBER | PCI_EXP_DEVCAP_FLR, 0, 0);
	/* Initiate FLR is neither wr nor RO: sriov_cfg_cap_write() acts on it. */
	sriov_cfg_def(cfg, SRIOV_CFG_PCIE(PCI_EXP_DEVCTL), 2, SRIOV_CFG_DEVCTL_INIT,
		      SRIOV_CFG_DEVCTL_WR, 0);
	sriov_cfg_def(cfg, SRIOV_CFG_PCIE(PCI_EXP_DEVSTA), 2, 0, 0,
		      SVNIC_PCI_EXP_DEVSTA_ERR_RW1C);
	/* Whether the VF still has requests in flight only the device knows. */
	sriov_cfg_def_passthrough(cfg, SRIOV_CFG_PCIE(PCI_EXP_DEVSTA), 2, PCI_EXP_DEVSTA_TRPND);
	/* Link fields are the PF's link (sec. 9.3.5.6-9.3.5.8); show the real values. */
	sriov_cfg_def_passthrough(cfg, SRIOV_CFG_PCIE(PCI_EXP_LNKCAP), 4, UINT32_MAX);
	sriov_cfg_def_passthrough(cfg, SRIOV_CFG_PCIE(PCI_EXP_LNKSTA), 2, UINT16_MAX);

	sriov_cfg_def(cfg, SRIOV_CFG_MSIX(PCI_CAP_LIST_ID), 2, PCI_CAP_ID_MSIX, 0, 0);
	sriov_cfg_def(cfg, SRIOV_CFG_MSIX(PCI_MSIX_FLAGS), 2, d->msix_vectors - 1u,
		      PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL, 0);
	/* Where the table and PBA sit in the VF's BARs is the device's layout. */
	sriov_cfg_def_passthrough(cfg, SRIOV_CFG_MSIX(PCI_MSIX_TABLE), 4, UINT32_MAX);
	sriov_cfg_def_passthrough(cfg, SRIOV_CFG_MSIX(PCI_MSIX_PBA), 4, UINT32_MAX);

	/* ARI Capability and Control are RsvdP/0 in a VF (PCIe r4.0 sec. 9.3.7.7). */
	if (d->ari)
		sriov_cfg_def(cfg, SRIOV_CFG_ARI(0), 4,
			      PCI_EXT_CAP_ID_ARI | (SVNIC_VF_ARI_CAP_VERSION << 16), 0, 0);
}

static const char *
sriov_cfg_check_desc(const struct sriov_cfg_desc *d, unsigned int *bar)
{
	unsigned int i;

	if (d->vendor_id == 0 || d->vendor_id == UINT16_MAX)
		return "invalid vendor id";
	if (d->class_code > 0xffffffu)
		return "class code wider than 24 bits";
	if (d->msix_vectors == 0 || d->msix_vectors > SRIOV_CFG_MSIX_MAX)
		return "MSI-X vectors not in 1..2048";
	if (d->max_payload > SRIOV_CFG_MPS_MAX)
		return "max payload code above 5";
	for (i = 0; i < SRIOV_CFG_BARS; i++) {
		const struct sriov_cfg_bar *b = &d->bars[i];

		*bar = i;
		if (b->size == 0) {
			if (b->is_64 || b->prefetchable)
				return "flags on an unimplemented BAR";
			continue;
		}
		if (b->size < SRIOV_CFG_BAR_MIN || (b->size & (b->size - 1)) != 0)
			return "BAR size not a power of two >= 16";
		if (!b->is_64 && b->size > SRIOV_CFG_BAR32_MAX)
			return "32-bit BAR larger than 2 GiB";
		if (b->is_64) {
			if (i + 1 == SRIOV_CFG_BARS)
				return "64-bit BAR in the last slot";
			i++;
			b = &d->bars[i];
			if (b->size != 0 || b->is_64 || b->prefetchable)
				return "upper half of a 64-bit BAR is not empty";
		}
	}
	return NULL;
}

struct sriov_cfg *
sriov_cfg_create(const struct sriov_cfg_desc *desc, const struct sriov_cfg_ops *ops,
		 void *ctx)
{
	struct sriov_cfg *cfg;
	const char *why;
	unsigned int bar = 0;

	if (desc == NULL || ops == NULL || ops->read_passthrough == NULL || ops->flr == NULL) {
		SRIOV_LOG(ERR, "cfg: missing descriptor or callbacks");
		errno = EINVAL;
		return NULL;
	}
	why = sriov_cfg_check_desc(desc, &bar);
	if (why != NULL) {
		SRIOV_LOG(ERR, "cfg: VF %u: %s (BAR%u)", desc->vf_id, why, bar);
		errno = EINVAL;
		return NULL;
	}
	cfg = calloc(1, sizeof(*cfg));
	if (cfg == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	cfg->ops = *ops;
	cfg->ctx = ctx;
	cfg->vf_id = desc->vf_id;
	memcpy(cfg->bars, desc->bars, sizeof(cfg->bars));
	cfg->n_regions = desc->ari ? SRIOV_CFG_N_REGIONS : SRIOV_CFG_N_REGIONS - 1;
	memset(cfg->virt, 0xff, sizeof(cfg->virt));
	sriov_cfg_build_header(cfg, desc);
	sriov_cfg_build_caps(cfg, desc);
	memcpy(cfg->init, cfg->img, sizeof(cfg->init));
	return cfg;
}

void
sriov_cfg_destroy(struct sriov_cfg *cfg)
{
	free(cfg);
}

static void
sriov_cfg_apply_mse(struct sriov_cfg *cfg)
{
	if (cfg->mse)
		cfg->img[PCI_COMMAND] |= PCI_COMMAND_MEMORY;
	else
		cfg->img[PCI_COMMAND] &= (uint8_t)~PCI_COMMAND_MEMORY;
}

void
sriov_cfg_reset(struct sriov_cfg *cfg)
{
	memcpy(cfg->img, cfg->init, sizeof(cfg->img));
	sriov_cfg_apply_mse(cfg);
}

void
sriov_cfg_set_mse(struct sriov_cfg *cfg, bool enable)
{
	cfg->mse = enable;
	sriov_cfg_apply_mse(cfg);
}

static uint16_t
sriov_cfg_get16(const struct sriov_cfg *cfg, uint16_t off)
{
	return (uint16_t)(cfg->img[off] | (cfg->img[off + 1] << 8));
}

static uint32_t
sriov_cfg_get32(const struct sriov_cfg *cfg, uint16_t off)
{
	return (uint32_t)sriov_cfg_get16(cfg, off) |
		((uint32_t)sriov_cfg_get16(cfg, off + 2) << 16);
}

static void
sriov_cfg_or16(struct sriov_cfg *cfg, uint16_t off, uint16_t bits)
{
	cfg->img[off] |= (uint8_t)bits;
	cfg->img[off + 1] |= (uint8_t)(bits >> 8);
}

int
sriov_cfg_report_error(struct sriov_cfg *cfg, uint16_t status, uint16_t devsta)
{
	if ((status & ~SVNIC_PCI_STATUS_ERR_RW1C) != 0 ||
	    (devsta & ~SVNIC_PCI_EXP_DEVSTA_ERR_RW1C) != 0)
		return -EINVAL;
	sriov_cfg_or16(cfg, PCI_STATUS, status);
	sriov_cfg_or16(cfg, SRIOV_CFG_PCIE(PCI_EXP_DEVSTA), devsta);
	return 0;
}

bool
sriov_cfg_msix_enabled(const struct sriov_cfg *cfg)
{
	return (sriov_cfg_get16(cfg, SRIOV_CFG_MSIX(PCI_MSIX_FLAGS)) &
		PCI_MSIX_FLAGS_ENABLE) != 0;
}

bool
sriov_cfg_msix_masked(const struct sriov_cfg *cfg)
{
	return (sriov_cfg_get16(cfg, SRIOV_CFG_MSIX(PCI_MSIX_FLAGS)) &
		PCI_MSIX_FLAGS_MASKALL) != 0;
}

bool
sriov_cfg_bus_master(const struct sriov_cfg *cfg)
{
	return (sriov_cfg_get16(cfg, PCI_COMMAND) & PCI_COMMAND_MASTER) != 0;
}

int
sriov_cfg_bar_addr(const struct sriov_cfg *cfg, unsigned int bar, uint64_t *addr)
{
	uint64_t a;

	if (bar >= SRIOV_CFG_BARS || addr == NULL)
		return -EINVAL;
	/* The upper half of a 64-bit BAR was validated to have size 0. */
	if (cfg->bars[bar].size == 0)
		return -ENOENT;
	a = sriov_cfg_get32(cfg, SRIOV_CFG_BAR(bar)) & (uint32_t)PCI_BASE_ADDRESS_MEM_MASK;
	if (cfg->bars[bar].is_64)
		a |= (uint64_t)sriov_cfg_get32(cfg, SRIOV_CFG_BAR(bar + 1)) << 32;
	*addr = a;
	return 0;
}

void
sriov_cfg_get_stats(const struct sriov_cfg *cfg, struct sriov_cfg_stats *stats)
{
	*stats = cfg->stats;
}

/* Virtualized bits from img, the rest from the real VF. */
static int
sriov_cfg_bits_read(struct sriov_cfg *cfg, uint16_t off, uint8_t len, uint32_t *val)
{
	uint32_t v = 0, pt_mask = 0, pt = 0;
	uint8_t i;
	int ret;

	for (i = 0; i < len; i++) {
		v |= (uint32_t)cfg->img[off + i] << (8 * i);
		pt_mask |= (uint32_t)(uint8_t)~cfg->virt[off + i] << (8 * i);
	}
	if (pt_mask != 0) {
		ret = cfg->ops.read_passthrough(cfg->ctx, off, len, &pt);
		if (ret != 0) {
			cfg->stats.passthrough_errors++;
			if (sriov_log_ratelimit(&cfg->log_eio))
				SRIOV_LOG(ERR, "cfg: VF %u: reading the VF at 0x%03x failed (%d)",
					  cfg->vf_id, off, ret);
			return -EIO;
		}
		v = (v & ~pt_mask) | (pt & pt_mask);
	}
	*val = v;
	return 0;
}

/*
 * Apply a write to the virtualized bits of [off, off + len).
 * @return the read-only bits the write tried to change.
 */
static uint32_t
sriov_cfg_bits_write(struct sriov_cfg *cfg, uint16_t off, uint8_t len, uint32_t val)
{
	uint32_t dropped = 0;
	uint8_t i;

	for (i = 0; i < len; i++) {
		uint16_t o = off + i;
		uint8_t b = (uint8_t)(val >> (8 * i));
		uint8_t cur = cfg->img[o];
		uint8_t ro = cfg->virt[o] & (uint8_t)~(cfg->wr[o] | cfg->rw1c[o]);
		uint8_t nv = (uint8_t)((cur & ~cfg->wr[o]) | (b & cfg->wr[o]));

		nv &= (uint8_t)~(b & cfg->rw1c[o]);
		cfg->img[o] = nv;
		dropped |= (uint32_t)((b ^ cur) & ro) << (8 * i);
	}
	return dropped;
}

static void
sriov_cfg_note_ro(struct sriov_cfg *cfg, const struct sriov_cfg_region *r, uint16_t off,
		  uint32_t dropped)
{
	cfg->stats.ro_dropped++;
	if (sriov_log_ratelimit(&cfg->log_ro))
		SRIOV_LOG(WARNING, "cfg: VF %u: write to read-only bits 0x%08x at 0x%03x (%s) "
			  "dropped, %" PRIu64 " so far", cfg->vf_id, dropped, off, r->name,
			  cfg->stats.ro_dropped);
}

static void
sriov_cfg_hdr_write(struct sriov_cfg *cfg, const struct sriov_cfg_region *r, uint16_t off,
		    uint8_t len, uint32_t val)
{
	uint32_t dropped = sriov_cfg_bits_write(cfg, off, len, val);

	/*
	 * Sizing writes all ones to every BAR and the expansion ROM BAR by design
	 * (PCI LB 3.0 sec. 6.2.5.1): the type bits and unimplemented BARs ignore
	 * them, which is no misbehaviour to count.
	 */
	if ((off >= PCI_BASE_ADDRESS_0 && off < PCI_CARDBUS_CIS) ||
	    (off >= PCI_ROM_ADDRESS && off < PCI_CAPABILITY_LIST))
		return;
	if (dropped != 0)
		sriov_cfg_note_ro(cfg, r, off, dropped);
}

static void
sriov_cfg_cap_write(struct sriov_cfg *cfg, const struct sriov_cfg_region *r, uint16_t off,
		    uint8_t len, uint32_t val)
{
	const uint16_t flr_byte = SRIOV_CFG_PCIE(PCI_EXP_DEVCTL) + 1;
	const uint8_t flr_bit = PCI_EXP_DEVCTL_BCR_FLR >> 8;
	uint32_t dropped, flr_mask = 0;

	if (off <= flr_byte && flr_byte < off + len)
		flr_mask = (uint32_t)flr_bit << (8 * (flr_byte - off));
	dropped = sriov_cfg_bits_write(cfg, off, len, val & ~flr_mask);
	if (dropped != 0)
		sriov_cfg_note_ro(cfg, r, off, dropped);
	if ((val & flr_mask) == 0)
		return;
	/*
	 * Initiate FLR always reads 0 (PCIe r4.0 sec. 7.5.3.4). Nothing of this guest
	 * survives the reset; the PF resets the rest of the VF in the callback.
	 */
	cfg->stats.flrs++;
	SRIOV_LOG(INFO, "cfg: VF %u: guest initiated FLR", cfg->vf_id);
	sriov_cfg_reset(cfg);
	cfg->ops.flr(cfg->ctx);
}

static void
sriov_cfg_ext_write(struct sriov_cfg *cfg, const struct sriov_cfg_region *r, uint16_t off,
		    uint8_t len, uint32_t val)
{
	uint32_t dropped = sriov_cfg_bits_write(cfg, off, len, val);

	if (dropped != 0)
		sriov_cfg_note_ro(cfg, r, off, dropped);
}

static int
sriov_cfg_unclaimed_read(struct sriov_cfg *cfg, uint16_t off, uint8_t len, uint32_t *val)
{
	(void)cfg;
	(void)off;
	(void)len;
	*val = 0;
	return 0;
}

/* Nobody claims these bytes: they read 0, so a write of non-zero bits is dropped. */
static void
sriov_cfg_unclaimed_write(struct sriov_cfg *cfg, const struct sriov_cfg_region *r,
			  uint16_t off, uint8_t len, uint32_t val)
{
	(void)r;
	(void)len;
	if (val == 0)
		return;
	cfg->stats.unclaimed_dropped++;
	if (sriov_log_ratelimit(&cfg->log_unclaimed))
		SRIOV_LOG(WARNING, "cfg: VF %u: write of 0x%08x to unclaimed offset 0x%03x "
			  "dropped, %" PRIu64 " so far", cfg->vf_id, val, off,
			  cfg->stats.unclaimed_dropped);
}

/*
 * PCIe config requests carry at most one dword with byte enables (PCIe r4.0 sec.
 * 2.2.7): 1, 2 and 4 byte accesses must stay in their dword. Longer buffers come
 * from vfio-user REGION_READ/WRITE and are cut at dword boundaries.
 */
static int
sriov_cfg_check_access(struct sriov_cfg *cfg, uint32_t off, const void *buf, uint32_t len,
		       const char *op)
{
	const char *why = svnic_cfg_access_refusal(off, buf, len, SRIOV_CFG_SPACE_SIZE);

	if (why == NULL)
		return 0;
	cfg->stats.refused++;
	if (sriov_log_ratelimit(&cfg->log_refused))
		SRIOV_LOG(WARNING, "cfg: VF %u: %s of %" PRIu32 " bytes at 0x%" PRIx32
			  " refused: %s", cfg->vf_id, op, len, off, why);
	return -EINVAL;
}

int
sriov_cfg_read(struct sriov_cfg *cfg, uint32_t off, void *buf, uint32_t len)
{
	uint8_t tmp[SRIOV_CFG_SPACE_SIZE];
	uint32_t done = 0;
	int ret;

	if (cfg == NULL)
		return -EINVAL;
	ret = sriov_cfg_check_access(cfg, off, buf, len, "read");
	if (ret != 0)
		return ret;
	/* Into tmp first: a failed passthrough read leaves buf untouched. */
	while (done < len) {
		uint16_t o = (uint16_t)(off + done);
		uint8_t seg = svnic_cfg_piece(off, done, len);
		const struct sriov_cfg_region *r;
		uint32_t v;

		r = sriov_cfg_find_region(cfg, o);
		ret = r->read(cfg, o, seg, &v);
		if (ret != 0)
			return ret;
		svnic_cfg_unpack(&tmp[done], seg, v);
		done += seg;
	}
	memcpy(buf, tmp, len);
	cfg->stats.reads++;
	return 0;
}

int
sriov_cfg_write(struct sriov_cfg *cfg, uint32_t off, const void *buf, uint32_t len)
{
	const uint8_t *p = buf;
	uint32_t done = 0;
	int ret;

	if (cfg == NULL)
		return -EINVAL;
	ret = sriov_cfg_check_access(cfg, off, buf, len, "write");
	if (ret != 0)
		return ret;
	cfg->stats.writes++;
	while (done < len) {
		uint16_t o = (uint16_t)(off + done);
		uint8_t seg = svnic_cfg_piece(off, done, len);
		const struct sriov_cfg_region *r = sriov_cfg_find_region(cfg, o);

		r->write(cfg, r, o, seg, svnic_cfg_pack(&p[done], seg));
		done += seg;
	}
	return 0;
}
