/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Config space, decoded as `lspci -vvv` prints it (the output format of
 * pciutils' lspci.c, ls-caps.c and ls-ecaps.c; the code is ours). Register
 * layouts: PCI Local Bus 3.0 ch. 6, PCIe Base r4.0 ch. 7 and 9 (SR-IOV).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <linux/pci_regs.h>

#include "lspci.h"

#define LSPCI_STD_SIZE		256u	/* conventional config space */
#define LSPCI_EXT_START		0x100u
#define LSPCI_CAP_MIN		0x40u	/* first byte after the type-0/1 header */
/* Structure sizes this decoder reads, from their first byte. */
#define LSPCI_PM_SIZE		8u
#define LSPCI_MSIX_SIZE		12u
#define LSPCI_EXP_V1_SIZE	0x14u	/* through Link Status */
#define LSPCI_EXP_V2_SIZE	0x2cu	/* through Device Control 2 */
#define LSPCI_ARI_SIZE		8u
#define LSPCI_DSN_SIZE		12u
#define LSPCI_SRIOV_SIZE	0x40u

struct lspci {
	const uint8_t *cfg;
	uint32_t len;
	FILE *out;
	const struct svnic_lspci_dev *dev;
	int problems;
	uint16_t cmd;
};

static inline char
lspci_flag(uint32_t v, uint32_t bit)
{
	return (v & bit) != 0 ? '+' : '-';
}

#define FLAG(v, bit) lspci_flag((v), (bit))

/* Reads outside what the device gave read as all ones, as a missing function. */
static uint8_t
lspci_rd8(const uint8_t *cfg, uint32_t len, uint32_t off)
{
	return off < len ? cfg[off] : 0xff;
}

static uint16_t
lspci_rd16(const uint8_t *cfg, uint32_t len, uint32_t off)
{
	return (uint16_t)(lspci_rd8(cfg, len, off) | lspci_rd8(cfg, len, off + 1) << 8);
}

static uint32_t
lspci_rd32(const uint8_t *cfg, uint32_t len, uint32_t off)
{
	return (uint32_t)lspci_rd16(cfg, len, off) | (uint32_t)lspci_rd16(cfg, len, off + 2) << 16;
}

static uint8_t
rd8(const struct lspci *l, uint32_t off)
{
	return lspci_rd8(l->cfg, l->len, off);
}

static uint16_t
rd16(const struct lspci *l, uint32_t off)
{
	return lspci_rd16(l->cfg, l->len, off);
}

static uint32_t
rd32(const struct lspci *l, uint32_t off)
{
	return lspci_rd32(l->cfg, l->len, off);
}

/* A structure of @p size bytes at @p where must lie inside @p limit. */
static bool
lspci_fits(struct lspci *l, uint32_t where, uint32_t size, uint32_t limit)
{
	if (limit > l->len)
		limit = l->len;
	if (where <= limit && size <= limit - where)
		return true;
	fprintf(l->out, "\t\t<truncated: %u bytes at %03x do not fit in %u>\n", size, where,
		limit);
	l->problems++;
	return false;
}

const char *
svnic_lspci_fmt_size(uint64_t size, char *buf, size_t len)
{
	static const char *const suffix[] = { "", "K", "M", "G", "T", "P", "E" };
	unsigned int i = 0;

	if (size == 0) {
		if (len > 0)
			buf[0] = '\0';
		return buf;
	}
	while (i < sizeof(suffix) / sizeof(suffix[0]) - 1 && size % 1024 == 0) {
		size /= 1024;
		i++;
	}
	snprintf(buf, len, "[size=%" PRIu64 "%s]", size, suffix[i]);
	return buf;
}

/*
 * Linux's pci_size(): the lowest address bit the BAR kept writable after all
 * ones were written is its size; no writable address bit, no BAR. I/O space
 * is 64 KiB (x86), so only the low 16 bits of an I/O BAR count.
 */
uint64_t
svnic_lspci_bar_size(uint32_t lo, uint32_t hi, bool is_rom)
{
	uint64_t mask;

	if (is_rom)
		mask = lo & PCI_ROM_ADDRESS_MASK;
	else if ((lo & PCI_BASE_ADDRESS_SPACE) == PCI_BASE_ADDRESS_SPACE_IO)
		mask = lo & PCI_BASE_ADDRESS_IO_MASK & 0xffffu;
	else if ((lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK) == PCI_BASE_ADDRESS_MEM_TYPE_64)
		mask = (uint64_t)hi << 32 | (lo & PCI_BASE_ADDRESS_MEM_MASK);
	else
		mask = lo & PCI_BASE_ADDRESS_MEM_MASK;
	return mask & (~mask + 1);
}

/* ---- identity ---- */

struct lspci_name {
	uint16_t id;
	const char *name;
};

static const struct lspci_name lspci_vendors[] = {
	{ 0x5356, "svnic (experimental id)" },
	{ 0x8086, "Intel Corporation" },
	{ 0x15b3, "Mellanox Technologies" },
	{ 0x1af4, "Red Hat, Inc." },
	{ 0x1b36, "Red Hat, Inc." },
	{ 0x4e58, "Nutanix Inc." },
};

/* PCI Code and ID Assignment spec: base class << 8 | sub-class; 0xff: any sub-class. */
static const struct lspci_name lspci_classes[] = {
	{ 0x0000, "Non-VGA unclassified device" },
	{ 0x0001, "VGA compatible unclassified device" },
	{ 0x00ff, "Unclassified device" },
	{ 0x0100, "SCSI storage controller" },
	{ 0x0101, "IDE interface" },
	{ 0x0104, "RAID bus controller" },
	{ 0x0106, "SATA controller" },
	{ 0x0107, "Serial Attached SCSI controller" },
	{ 0x0108, "Non-Volatile memory controller" },
	{ 0x01ff, "Mass storage controller" },
	{ 0x0200, "Ethernet controller" },
	{ 0x0201, "Token ring network controller" },
	{ 0x0202, "FDDI network controller" },
	{ 0x0203, "ATM network controller" },
	{ 0x0204, "ISDN controller" },
	{ 0x0207, "Infiniband controller" },
	{ 0x0208, "Fabric controller" },
	{ 0x02ff, "Network controller" },
	{ 0x0300, "VGA compatible controller" },
	{ 0x0302, "3D controller" },
	{ 0x03ff, "Display controller" },
	{ 0x04ff, "Multimedia controller" },
	{ 0x0500, "RAM memory" },
	{ 0x05ff, "Memory controller" },
	{ 0x0600, "Host bridge" },
	{ 0x0601, "ISA bridge" },
	{ 0x0604, "PCI bridge" },
	{ 0x06ff, "Bridge" },
	{ 0x07ff, "Communication controller" },
	{ 0x08ff, "Generic system peripheral" },
	{ 0x09ff, "Input device controller" },
	{ 0x0aff, "Docking station" },
	{ 0x0bff, "Processor" },
	{ 0x0c03, "USB controller" },
	{ 0x0cff, "Serial bus controller" },
	{ 0x0dff, "Wireless controller" },
	{ 0x0eff, "Intelligent controller" },
	{ 0x0fff, "Satellite communications controller" },
	{ 0x10ff, "Encryption controller" },
	{ 0x11ff, "Signal processing controller" },
	{ 0x12ff, "Processing accelerators" },
	{ 0x13ff, "Non-Essential Instrumentation" },
	{ 0x40ff, "Coprocessor" },
	{ 0xffff, "Unassigned class" },
};

static const char *
lspci_lookup(const struct lspci_name *t, size_t n, uint16_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].id == id)
			return t[i].name;
	return NULL;
}

static const char *
lspci_class_name(uint16_t cls)
{
	const size_t n = sizeof(lspci_classes) / sizeof(lspci_classes[0]);
	const char *s = lspci_lookup(lspci_classes, n, cls);

	if (s == NULL)
		s = lspci_lookup(lspci_classes, n, (uint16_t)(cls | 0xff));
	return s != NULL ? s : "Class";
}

static void
lspci_show_identity(struct lspci *l)
{
	uint16_t vendor = rd16(l, PCI_VENDOR_ID), device = rd16(l, PCI_DEVICE_ID);
	uint16_t cls = rd16(l, PCI_CLASS_DEVICE);
	uint8_t progif = rd8(l, PCI_CLASS_PROG), rev = rd8(l, PCI_REVISION_ID);
	const char *vname = lspci_lookup(lspci_vendors,
		sizeof(lspci_vendors) / sizeof(lspci_vendors[0]), vendor);

	fprintf(l->out, "%s %s [%04x]: %s%sDevice [%04x:%04x]",
		l->dev->name != NULL ? l->dev->name : "-", lspci_class_name(cls), cls,
		vname != NULL ? vname : "", vname != NULL ? " " : "", vendor, device);
	if (rev != 0)
		fprintf(l->out, " (rev %02x)", rev);
	if (progif != 0)
		fprintf(l->out, " (prog-if %02x)", progif);
	fputc('\n', l->out);
	/* SR-IOV sec. 9.3.3.1/2: a VF's Vendor and Device ID registers read FFFFh. */
	if (vendor == 0xffff && device == 0xffff)
		fprintf(l->out, "\tSR-IOV VF: Vendor and Device ID read FFFFh; the PF's "
			"SR-IOV capability gives the VF Device ID\n");
}

static void
lspci_show_control(struct lspci *l, uint8_t htype)
{
	uint16_t cmd = l->cmd, sta = rd16(l, PCI_STATUS);
	static const char *const devsel[] = { "fast", "medium", "slow", "??" };
	uint8_t pin;

	if (htype == PCI_HEADER_TYPE_NORMAL) {
		uint16_t sv = rd16(l, PCI_SUBSYSTEM_VENDOR_ID);

		if (sv != 0 && sv != 0xffff)
			fprintf(l->out, "\tSubsystem: Device [%04x:%04x]\n", sv,
				rd16(l, PCI_SUBSYSTEM_ID));
	}
	fprintf(l->out, "\tControl: I/O%c Mem%c BusMaster%c SpecCycle%c MemWINV%c VGASnoop%c "
		"ParErr%c Stepping%c SERR%c FastB2B%c DisINTx%c\n",
		FLAG(cmd, PCI_COMMAND_IO), FLAG(cmd, PCI_COMMAND_MEMORY),
		FLAG(cmd, PCI_COMMAND_MASTER), FLAG(cmd, PCI_COMMAND_SPECIAL),
		FLAG(cmd, PCI_COMMAND_INVALIDATE), FLAG(cmd, PCI_COMMAND_VGA_PALETTE),
		FLAG(cmd, PCI_COMMAND_PARITY), FLAG(cmd, PCI_COMMAND_WAIT),
		FLAG(cmd, PCI_COMMAND_SERR), FLAG(cmd, PCI_COMMAND_FAST_BACK),
		FLAG(cmd, PCI_COMMAND_INTX_DISABLE));
	fprintf(l->out, "\tStatus: Cap%c 66MHz%c UDF%c FastB2B%c ParErr%c DEVSEL=%s >TAbort%c "
		"<TAbort%c <MAbort%c >SERR%c <PERR%c INTx%c\n",
		FLAG(sta, PCI_STATUS_CAP_LIST), FLAG(sta, PCI_STATUS_66MHZ),
		FLAG(sta, PCI_STATUS_UDF), FLAG(sta, PCI_STATUS_FAST_BACK),
		FLAG(sta, PCI_STATUS_PARITY), devsel[(sta & PCI_STATUS_DEVSEL_MASK) >> 9],
		FLAG(sta, PCI_STATUS_SIG_TARGET_ABORT), FLAG(sta, PCI_STATUS_REC_TARGET_ABORT),
		FLAG(sta, PCI_STATUS_REC_MASTER_ABORT), FLAG(sta, PCI_STATUS_SIG_SYSTEM_ERROR),
		FLAG(sta, PCI_STATUS_DETECTED_PARITY), FLAG(sta, PCI_STATUS_INTERRUPT));
	if ((cmd & PCI_COMMAND_MASTER) != 0) {
		fprintf(l->out, "\tLatency: %u", rd8(l, PCI_LATENCY_TIMER));
		if (rd8(l, PCI_CACHE_LINE_SIZE) != 0)
			fprintf(l->out, ", Cache Line Size: %u bytes",
				rd8(l, PCI_CACHE_LINE_SIZE) * 4u);
		fputc('\n', l->out);
	}
	pin = rd8(l, PCI_INTERRUPT_PIN);
	if (pin >= 1 && pin <= 4)
		fprintf(l->out, "\tInterrupt: pin %c\n", 'A' + pin - 1);
	else if (pin != 0)
		fprintf(l->out, "\tInterrupt: pin ? (register reads %02x)\n", pin);
}

/* ---- BARs ---- */

/*
 * One memory or I/O BAR register (a function's, or the SR-IOV capability's
 * VF BAR array at @p base). @return how many registers it used (2 for 64-bit).
 */
static unsigned int
lspci_show_bar(struct lspci *l, uint32_t base, unsigned int i, unsigned int nbars,
		uint64_t region_size, const uint32_t *probe, bool enabled, bool is_vf)
{
	uint32_t lo = rd32(l, base + 4 * i), hi = 0;
	uint32_t type = lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK;
	uint64_t probed = 0, size;
	bool io = (lo & PCI_BASE_ADDRESS_SPACE) == PCI_BASE_ADDRESS_SPACE_IO;
	bool is64 = !io && type == PCI_BASE_ADDRESS_MEM_TYPE_64;
	unsigned int used = 1;
	char sz[32], psz[32];

	if (lo == 0xffffffff)
		lo = 0;	/* lspci: a register reading all ones is not there */
	if (is64 && i + 1 < nbars) {
		hi = rd32(l, base + 4 * (i + 1));
		used = 2;
	}
	if (probe != NULL)
		probed = svnic_lspci_bar_size(probe[i], used == 2 ? probe[i + 1] : 0, false);
	/* The transport's region size first, as vfio-pci's users do; else the probe. */
	size = region_size != 0 ? region_size : probed;
	/*
	 * No size and no address: not implemented, whatever its type bits say
	 * (libvfio-user marks unused BARs I/O); Linux creates no resource for it.
	 */
	if ((lo & (io ? PCI_BASE_ADDRESS_IO_MASK : PCI_BASE_ADDRESS_MEM_MASK)) == 0 &&
	    hi == 0 && size == 0)
		return used;
	fprintf(l->out, "%sRegion %u: ", is_vf ? "\t\t" : "\t", i);
	if (io) {
		fprintf(l->out, "I/O ports at ");
		if ((lo & PCI_BASE_ADDRESS_IO_MASK) != 0)
			fprintf(l->out, "%04x", (uint32_t)(lo & PCI_BASE_ADDRESS_IO_MASK));
		else
			fprintf(l->out, "<unassigned>");
		if (is_vf) {
			fprintf(l->out, " <I/O BAR: not allowed for VFs>");
			l->problems++;
		} else if (!enabled) {
			fprintf(l->out, " [disabled]");
		}
	} else {
		uint64_t addr = ((uint64_t)hi << 32) | (lo & PCI_BASE_ADDRESS_MEM_MASK);

		fprintf(l->out, "Memory at ");
		if (is64 && used == 1)
			fprintf(l->out, "<broken-64-bit-slot>");
		else if (addr != 0)
			fprintf(l->out, "%08" PRIx64, addr);
		else
			fprintf(l->out, "<unassigned>");
		fprintf(l->out, " (%s, %sprefetchable)",
			type == PCI_BASE_ADDRESS_MEM_TYPE_32 ? "32-bit" :
			type == PCI_BASE_ADDRESS_MEM_TYPE_64 ? "64-bit" :
			type == PCI_BASE_ADDRESS_MEM_TYPE_1M ? "low-1M" : "type 3",
			(lo & PCI_BASE_ADDRESS_MEM_PREFETCH) != 0 ? "" : "non-");
		if (!enabled)
			fprintf(l->out, " [disabled]");
		if (is64 && used == 1)
			l->problems++;
	}
	if (size != 0)
		fprintf(l->out, " %s", svnic_lspci_fmt_size(size, sz, sizeof(sz)));
	if (region_size != 0 && probed != 0 && probed != region_size)
		fprintf(l->out, " <BAR probe: %s>", svnic_lspci_fmt_size(probed, psz, sizeof(psz)));
	fputc('\n', l->out);
	return used;
}

static void
lspci_show_bars(struct lspci *l, unsigned int nbars)
{
	const struct svnic_lspci_dev *d = l->dev;
	unsigned int i;
	uint32_t rom, probe_rom;
	uint64_t size, rsize;
	char sz[32];

	for (i = 0; i < nbars; ) {
		uint64_t rs = (d->region_valid & (1u << i)) != 0 ? d->region_size[i] : 0;
		bool io = (rd32(l, PCI_BASE_ADDRESS_0 + 4 * i) & PCI_BASE_ADDRESS_SPACE) != 0;

		i += lspci_show_bar(l, PCI_BASE_ADDRESS_0, i, nbars, rs,
			d->probe_valid ? d->probe : NULL,
			(l->cmd & (io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY)) != 0, false);
	}
	if (nbars != SVNIC_LSPCI_BARS)
		return;
	rom = rd32(l, PCI_ROM_ADDRESS);
	if (rom == 0xffffffff)
		rom = 0;
	rsize = (d->region_valid & (1u << VFIO_PCI_ROM_REGION_INDEX)) != 0 ?
		d->region_size[VFIO_PCI_ROM_REGION_INDEX] : 0;
	probe_rom = d->probe_valid ? d->probe[SVNIC_LSPCI_ROM] : 0;
	size = rsize != 0 ? rsize : svnic_lspci_bar_size(probe_rom, 0, true);
	if ((rom & PCI_ROM_ADDRESS_MASK) == 0 && size == 0)
		return;
	fprintf(l->out, "\tExpansion ROM at ");
	if ((rom & PCI_ROM_ADDRESS_MASK) != 0)
		fprintf(l->out, "%08x", rom & PCI_ROM_ADDRESS_MASK);
	else
		fprintf(l->out, "<unassigned>");
	if ((rom & PCI_ROM_ADDRESS_ENABLE) == 0)
		fprintf(l->out, " [disabled]");
	else if ((l->cmd & PCI_COMMAND_MEMORY) == 0)
		fprintf(l->out, " [disabled by cmd]");
	if (size != 0)
		fprintf(l->out, " %s", svnic_lspci_fmt_size(size, sz, sizeof(sz)));
	fputc('\n', l->out);
}

/* ---- capabilities ---- */

static void
lspci_cap_pm(struct lspci *l, uint32_t where, uint16_t cap)
{
	static const unsigned int aux[] = { 0, 55, 100, 160, 220, 270, 320, 375 };
	uint16_t pmcsr;

	fprintf(l->out, "Power Management version %u\n", cap & PCI_PM_CAP_VER_MASK);
	if (!lspci_fits(l, where, LSPCI_PM_SIZE, LSPCI_STD_SIZE))
		return;
	fprintf(l->out, "\t\tFlags: PMEClk%c DSI%c D1%c D2%c AuxCurrent=%umA "
		"PME(D0%c,D1%c,D2%c,D3hot%c,D3cold%c)\n",
		FLAG(cap, PCI_PM_CAP_PME_CLOCK), FLAG(cap, PCI_PM_CAP_DSI),
		FLAG(cap, PCI_PM_CAP_D1), FLAG(cap, PCI_PM_CAP_D2),
		aux[(cap & PCI_PM_CAP_AUX_POWER) >> 6], FLAG(cap, PCI_PM_CAP_PME_D0),
		FLAG(cap, PCI_PM_CAP_PME_D1), FLAG(cap, PCI_PM_CAP_PME_D2),
		FLAG(cap, PCI_PM_CAP_PME_D3hot), FLAG(cap, PCI_PM_CAP_PME_D3cold));
	pmcsr = rd16(l, where + PCI_PM_CTRL);
	fprintf(l->out, "\t\tStatus: D%u NoSoftRst%c PME-Enable%c DSel=%u DScale=%u PME%c\n",
		pmcsr & PCI_PM_CTRL_STATE_MASK, FLAG(pmcsr, PCI_PM_CTRL_NO_SOFT_RESET),
		FLAG(pmcsr, PCI_PM_CTRL_PME_ENABLE), (pmcsr & PCI_PM_CTRL_DATA_SEL_MASK) >> 9,
		(pmcsr & PCI_PM_CTRL_DATA_SCALE_MASK) >> 13, FLAG(pmcsr, PCI_PM_CTRL_PME_STATUS));
}

static void
lspci_cap_msi(struct lspci *l, uint32_t where, uint16_t cap)
{
	bool is64 = (cap & PCI_MSI_FLAGS_64BIT) != 0;
	uint32_t size = is64 ? PCI_MSI_DATA_64 + 2 : PCI_MSI_DATA_32 + 2;

	fprintf(l->out, "MSI: Enable%c Count=%u/%u Maskable%c 64bit%c\n",
		FLAG(cap, PCI_MSI_FLAGS_ENABLE), 1u << ((cap & PCI_MSI_FLAGS_QSIZE) >> 4),
		1u << ((cap & PCI_MSI_FLAGS_QMASK) >> 1), FLAG(cap, PCI_MSI_FLAGS_MASKBIT),
		FLAG(cap, PCI_MSI_FLAGS_64BIT));
	if ((cap & PCI_MSI_FLAGS_MASKBIT) != 0)
		size = (is64 ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32) + 8;
	if (!lspci_fits(l, where, size, LSPCI_STD_SIZE))
		return;
	fprintf(l->out, "\t\tAddress: ");
	if (is64)
		fprintf(l->out, "%08x", rd32(l, where + PCI_MSI_ADDRESS_HI));
	fprintf(l->out, "%08x  Data: %04x\n", rd32(l, where + PCI_MSI_ADDRESS_LO),
		rd16(l, where + (is64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32)));
	if ((cap & PCI_MSI_FLAGS_MASKBIT) != 0) {
		uint32_t m = where + (is64 ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32);

		fprintf(l->out, "\t\tMasking: %08x  Pending: %08x\n", rd32(l, m),
			rd32(l, m + 4));
	}
}

static void
lspci_cap_msix(struct lspci *l, uint32_t where, uint16_t cap)
{
	static const char *const what[] = { "Vector table", "PBA" };
	unsigned int k;
	uint32_t v;

	fprintf(l->out, "MSI-X: Enable%c Count=%u Masked%c\n",
		FLAG(cap, PCI_MSIX_FLAGS_ENABLE), (cap & PCI_MSIX_FLAGS_QSIZE) + 1u,
		FLAG(cap, PCI_MSIX_FLAGS_MASKALL));
	if (!lspci_fits(l, where, LSPCI_MSIX_SIZE, LSPCI_STD_SIZE))
		return;
	for (k = 0; k < 2; k++) {
		v = rd32(l, where + (k == 0 ? PCI_MSIX_TABLE : PCI_MSIX_PBA));
		fprintf(l->out, "\t\t%s: BAR=%u offset=%08x", what[k], v & PCI_MSIX_TABLE_BIR,
			v & PCI_MSIX_TABLE_OFFSET);
		/* PCIe r4.0 sec. 7.7.2: BIR values 6 and 7 are reserved. */
		if ((v & PCI_MSIX_TABLE_BIR) >= SVNIC_LSPCI_BARS) {
			fprintf(l->out, " <BIR %u is not a BAR>", v & PCI_MSIX_TABLE_BIR);
			l->problems++;
		}
		fputc('\n', l->out);
	}
}

static const char *
lspci_exp_type(unsigned int type)
{
	static const char *const names[] = {
		[PCI_EXP_TYPE_ENDPOINT] = "Endpoint",
		[PCI_EXP_TYPE_LEG_END] = "Legacy Endpoint",
		[PCI_EXP_TYPE_ROOT_PORT] = "Root Port",
		[PCI_EXP_TYPE_UPSTREAM] = "Upstream Port",
		[PCI_EXP_TYPE_DOWNSTREAM] = "Downstream Port",
		[PCI_EXP_TYPE_PCI_BRIDGE] = "PCI-Express to PCI/PCI-X Bridge",
		[PCI_EXP_TYPE_PCIE_BRIDGE] = "PCI/PCI-X to PCI-Express Bridge",
		[PCI_EXP_TYPE_RC_END] = "Root Complex Integrated Endpoint",
		[PCI_EXP_TYPE_RC_EC] = "Root Complex Event Collector",
	};

	return type < sizeof(names) / sizeof(names[0]) && names[type] != NULL ?
		names[type] : NULL;
}

static bool
lspci_exp_is_endpoint(unsigned int type)
{
	return type == PCI_EXP_TYPE_ENDPOINT || type == PCI_EXP_TYPE_LEG_END ||
		type == PCI_EXP_TYPE_RC_END;
}

static const char *
lspci_link_speed(unsigned int s)
{
	static const char *const speeds[] = {
		"unknown", "2.5GT/s", "5GT/s", "8GT/s", "16GT/s", "32GT/s", "64GT/s",
	};

	return s < sizeof(speeds) / sizeof(speeds[0]) ? speeds[s] : "unknown";
}

static const char *const lspci_l0s[] = {
	"<64ns", "<128ns", "<256ns", "<512ns", "<1us", "<2us", "<4us", "unlimited",
};
static const char *const lspci_l1[] = {
	"<1us", "<2us", "<4us", "<8us", "<16us", "<32us", "<64us", "unlimited",
};

static void
lspci_exp_dev(struct lspci *l, uint32_t where, unsigned int type)
{
	static const double scale[] = { 1.0, 0.1, 0.01, 0.001 };
	uint32_t t = rd32(l, where + PCI_EXP_DEVCAP);
	uint16_t w;

	fprintf(l->out, "\t\tDevCap:\tMaxPayload %u bytes, PhantFunc %u", 128u << (t & 7),
		(1u << ((t & PCI_EXP_DEVCAP_PHANTOM) >> 3)) - 1);
	if (type == PCI_EXP_TYPE_ENDPOINT || type == PCI_EXP_TYPE_LEG_END)
		fprintf(l->out, ", Latency L0s %s, L1 %s", lspci_l0s[(t >> 6) & 7],
			lspci_l1[(t >> 9) & 7]);
	fprintf(l->out, "\n\t\t\tExtTag%c", FLAG(t, PCI_EXP_DEVCAP_EXT_TAG));
	if (type == PCI_EXP_TYPE_ENDPOINT || type == PCI_EXP_TYPE_LEG_END ||
	    type == PCI_EXP_TYPE_UPSTREAM || type == PCI_EXP_TYPE_PCI_BRIDGE)
		fprintf(l->out, " AttnBtn%c AttnInd%c PwrInd%c", FLAG(t, 1u << 12),
			FLAG(t, 1u << 13), FLAG(t, 1u << 14));
	fprintf(l->out, " RBE%c", FLAG(t, PCI_EXP_DEVCAP_RBER));
	if (lspci_exp_is_endpoint(type))
		fprintf(l->out, " FLReset%c", FLAG(t, PCI_EXP_DEVCAP_FLR));
	if (type == PCI_EXP_TYPE_ENDPOINT || type == PCI_EXP_TYPE_UPSTREAM ||
	    type == PCI_EXP_TYPE_PCI_BRIDGE)
		fprintf(l->out, " SlotPowerLimit %gW",
			((t & PCI_EXP_DEVCAP_PWR_VAL) >> 18) * scale[(t >> 26) & 3]);
	fputc('\n', l->out);

	w = rd16(l, where + PCI_EXP_DEVCTL);
	fprintf(l->out, "\t\tDevCtl:\tCorrErr%c NonFatalErr%c FatalErr%c UnsupReq%c\n",
		FLAG(w, PCI_EXP_DEVCTL_CERE), FLAG(w, PCI_EXP_DEVCTL_NFERE),
		FLAG(w, PCI_EXP_DEVCTL_FERE), FLAG(w, PCI_EXP_DEVCTL_URRE));
	fprintf(l->out, "\t\t\tRlxdOrd%c ExtTag%c PhantFunc%c AuxPwr%c NoSnoop%c",
		FLAG(w, PCI_EXP_DEVCTL_RELAX_EN), FLAG(w, PCI_EXP_DEVCTL_EXT_TAG),
		FLAG(w, PCI_EXP_DEVCTL_PHANTOM), FLAG(w, PCI_EXP_DEVCTL_AUX_PME),
		FLAG(w, PCI_EXP_DEVCTL_NOSNOOP_EN));
	if (lspci_exp_is_endpoint(type) && (t & PCI_EXP_DEVCAP_FLR) != 0)
		fprintf(l->out, " FLReset%c", FLAG(w, PCI_EXP_DEVCTL_BCR_FLR));
	fprintf(l->out, "\n\t\t\tMaxPayload %u bytes, MaxReadReq %u bytes\n",
		128u << ((w & PCI_EXP_DEVCTL_PAYLOAD) >> 5),
		128u << ((w & PCI_EXP_DEVCTL_READRQ) >> 12));

	w = rd16(l, where + PCI_EXP_DEVSTA);
	fprintf(l->out, "\t\tDevSta:\tCorrErr%c NonFatalErr%c FatalErr%c UnsupReq%c AuxPwr%c "
		"TransPend%c\n", FLAG(w, PCI_EXP_DEVSTA_CED), FLAG(w, PCI_EXP_DEVSTA_NFED),
		FLAG(w, PCI_EXP_DEVSTA_FED), FLAG(w, PCI_EXP_DEVSTA_URD),
		FLAG(w, PCI_EXP_DEVSTA_AUXPD), FLAG(w, PCI_EXP_DEVSTA_TRPND));
}

static void
lspci_exp_link(struct lspci *l, uint32_t where, unsigned int type)
{
	static const char *const aspm_sup[] = { "not supported", "L0s", "L1", "L0s L1" };
	static const char *const aspm_en[] = {
		"Disabled", "L0s Enabled", "L1 Enabled", "L0s L1 Enabled",
	};
	uint32_t t = rd32(l, where + PCI_EXP_LNKCAP);
	unsigned int aspm = (t & PCI_EXP_LNKCAP_ASPMS) >> 10;
	unsigned int cap_speed = t & PCI_EXP_LNKCAP_SLS, cap_width = (t & PCI_EXP_LNKCAP_MLW) >> 4;
	unsigned int sta_speed, sta_width;
	bool down = type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_DOWNSTREAM ||
		type == PCI_EXP_TYPE_PCIE_BRIDGE;
	uint16_t w;

	fprintf(l->out, "\t\tLnkCap:\tPort #%u, Speed %s, Width x%u, ASPM %s", t >> 24,
		lspci_link_speed(cap_speed), cap_width, aspm_sup[aspm]);
	if (aspm != 0) {
		fprintf(l->out, ", Exit Latency ");
		if ((aspm & 1) != 0)
			fprintf(l->out, "L0s %s", lspci_l0s[(t & PCI_EXP_LNKCAP_L0SEL) >> 12]);
		if ((aspm & 2) != 0)
			fprintf(l->out, "%sL1 %s", (aspm & 1) != 0 ? ", " : "",
				lspci_l1[(t & PCI_EXP_LNKCAP_L1EL) >> 15]);
	}
	fprintf(l->out, "\n\t\t\tClockPM%c Surprise%c LLActRep%c BwNot%c ASPMOptComp%c\n",
		FLAG(t, PCI_EXP_LNKCAP_CLKPM), FLAG(t, PCI_EXP_LNKCAP_SDERC),
		FLAG(t, PCI_EXP_LNKCAP_DLLLARC), FLAG(t, PCI_EXP_LNKCAP_LBNC),
		FLAG(t, 1u << 22));
	w = rd16(l, where + PCI_EXP_LNKCTL);
	fprintf(l->out, "\t\tLnkCtl:\tASPM %s;", aspm_en[w & PCI_EXP_LNKCTL_ASPMC]);
	if (type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_ENDPOINT ||
	    type == PCI_EXP_TYPE_LEG_END || type == PCI_EXP_TYPE_PCI_BRIDGE)
		fprintf(l->out, " RCB %u bytes,", (w & PCI_EXP_LNKCTL_RCB) != 0 ? 128u : 64u);
	fprintf(l->out, " LnkDisable%c CommClk%c\n\t\t\tExtSynch%c ClockPM%c AutWidDis%c "
		"BWInt%c AutBWInt%c\n", FLAG(w, PCI_EXP_LNKCTL_LD), FLAG(w, PCI_EXP_LNKCTL_CCC),
		FLAG(w, PCI_EXP_LNKCTL_ES), FLAG(w, PCI_EXP_LNKCTL_CLKREQ_EN),
		FLAG(w, PCI_EXP_LNKCTL_HAWD), FLAG(w, PCI_EXP_LNKCTL_LBMIE),
		FLAG(w, PCI_EXP_LNKCTL_LABIE));
	w = rd16(l, where + PCI_EXP_LNKSTA);
	sta_speed = w & PCI_EXP_LNKSTA_CLS;
	sta_width = (w & PCI_EXP_LNKSTA_NLW) >> PCI_EXP_LNKSTA_NLW_SHIFT;
	fprintf(l->out, "\t\tLnkSta:\tSpeed %s%s, Width x%u%s\n", lspci_link_speed(sta_speed),
		sta_speed > cap_speed ? " (overdriven)" :
		sta_speed < cap_speed && !down ? " (downgraded)" : "", sta_width,
		sta_width > cap_width ? " (overdriven)" :
		sta_width < cap_width && !down ? " (downgraded)" : "");
	fprintf(l->out, "\t\t\tTrErr%c Train%c SlotClk%c DLActive%c BWMgmt%c ABWMgmt%c\n",
		FLAG(w, 1u << 10), FLAG(w, PCI_EXP_LNKSTA_LT), FLAG(w, PCI_EXP_LNKSTA_SLC),
		FLAG(w, PCI_EXP_LNKSTA_DLLLA), FLAG(w, PCI_EXP_LNKSTA_LBMS),
		FLAG(w, PCI_EXP_LNKSTA_LABS));
}

static const char *
lspci_exp_timeout_range(unsigned int r)
{
	switch (r) {
	case 0: return "Not Supported";
	case 1: return "Range A";
	case 2: return "Range B";
	case 3: return "Range AB";
	case 6: return "Range BC";
	case 7: return "Range ABC";
	case 14: return "Range BCD";
	case 15: return "Range ABCD";
	default: return "Unknown";
	}
}

static const char *
lspci_exp_timeout_value(unsigned int v)
{
	switch (v) {
	case 0: return "50us to 50ms";
	case 1: return "50us to 100us";
	case 2: return "1ms to 10ms";
	case 5: return "16ms to 55ms";
	case 6: return "65ms to 210ms";
	case 9: return "260ms to 900ms";
	case 10: return "1s to 3.5s";
	case 13: return "4s to 13s";
	case 14: return "17s to 64s";
	default: return "Unknown";
	}
}

static void
lspci_exp_dev2(struct lspci *l, uint32_t where, unsigned int type)
{
	uint32_t t = rd32(l, where + PCI_EXP_DEVCAP2);
	uint16_t w = rd16(l, where + PCI_EXP_DEVCTL2);
	bool down = type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_DOWNSTREAM;

	fprintf(l->out, "\t\tDevCap2: Completion Timeout: %s, TimeoutDis%c LTR%c "
		"10BitTagComp%c 10BitTagReq%c", lspci_exp_timeout_range(t & 0xf),
		FLAG(t, 1u << 4), FLAG(t, PCI_EXP_DEVCAP2_LTR), FLAG(t, 1u << 16),
		FLAG(t, 1u << 17));
	if (down)
		fprintf(l->out, " ARIFwd%c", FLAG(t, PCI_EXP_DEVCAP2_ARI));
	fprintf(l->out, "\n\t\t\t AtomicOpsCap: 32bit%c 64bit%c 128bitCAS%c\n",
		FLAG(t, PCI_EXP_DEVCAP2_ATOMIC_COMP32), FLAG(t, PCI_EXP_DEVCAP2_ATOMIC_COMP64),
		FLAG(t, 1u << 9));
	fprintf(l->out, "\t\tDevCtl2: Completion Timeout: %s, TimeoutDis%c LTR%c "
		"10BitTagReq%c", lspci_exp_timeout_value(w & 0xf), FLAG(w, 1u << 4),
		FLAG(w, PCI_EXP_DEVCTL2_LTR_EN), FLAG(w, 1u << 12));
	if (down)
		fprintf(l->out, " ARIFwd%c", FLAG(w, PCI_EXP_DEVCTL2_ARI));
	fprintf(l->out, "\n\t\t\t AtomicOpsCtl: ReqEn%c\n",
		FLAG(w, PCI_EXP_DEVCTL2_ATOMIC_REQ));
}

/* @return the port type, or -1 when the structure is not readable. */
static int
lspci_cap_exp(struct lspci *l, uint32_t where, uint16_t cap)
{
	unsigned int type = (cap & PCI_EXP_FLAGS_TYPE) >> 4, ver = cap & PCI_EXP_FLAGS_VERS;
	const char *name = lspci_exp_type(type);
	bool link = type != PCI_EXP_TYPE_RC_END && type != PCI_EXP_TYPE_RC_EC;

	fprintf(l->out, "Express (v%u) ", ver);
	if (name != NULL)
		fprintf(l->out, "%s", name);
	else
		fprintf(l->out, "Unknown type %u", type);
	if (type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_DOWNSTREAM ||
	    type == PCI_EXP_TYPE_PCIE_BRIDGE)
		fprintf(l->out, " (Slot%c)", FLAG(cap, PCI_EXP_FLAGS_SLOT));
	fprintf(l->out, ", IntMsgNum %u\n", (cap & PCI_EXP_FLAGS_IRQ) >> 9);
	if (!lspci_fits(l, where, LSPCI_EXP_V1_SIZE, LSPCI_STD_SIZE))
		return -1;
	lspci_exp_dev(l, where, type);
	if (link)
		lspci_exp_link(l, where, type);
	if (ver >= 2 && lspci_fits(l, where, LSPCI_EXP_V2_SIZE, LSPCI_STD_SIZE))
		lspci_exp_dev2(l, where, type);
	return (int)type;
}

static const char *
lspci_cap_name(uint8_t id)
{
	switch (id) {
	case PCI_CAP_ID_AGP: return "AGP <?>";
	case PCI_CAP_ID_VPD: return "Vital Product Data <?>";
	case PCI_CAP_ID_SLOTID: return "Slot ID <?>";
	case PCI_CAP_ID_CHSWP: return "CompactPCI hot-swap <?>";
	case PCI_CAP_ID_PCIX: return "PCI-X <?>";
	case PCI_CAP_ID_HT: return "HyperTransport <?>";
	case PCI_CAP_ID_DBG: return "Debug port <?>";
	case PCI_CAP_ID_CCRC: return "CompactPCI central resource control <?>";
	case PCI_CAP_ID_SHPC: return "Hot-plug capable";
	case PCI_CAP_ID_SSVID: return "Subsystem <?>";
	case PCI_CAP_ID_AGP3: return "AGP3 <?>";
	case PCI_CAP_ID_SECDEV: return "Secure device <?>";
	case PCI_CAP_ID_SATA: return "SATA HBA <?>";
	case PCI_CAP_ID_AF: return "PCI Advanced Features <?>";
	case PCI_CAP_ID_EA: return "Enhanced Allocation <?>";
	default: return NULL;
	}
}

/* PCI LB 3.0 sec. 6.7: the list starts at 34h and stays in the first 256 bytes. */
static int
lspci_show_caps(struct lspci *l)
{
	bool seen[LSPCI_STD_SIZE / 4] = { false };
	uint32_t where = rd8(l, PCI_CAPABILITY_LIST) & ~3u;
	unsigned int hops;
	int exp_type = -1;

	if ((rd16(l, PCI_STATUS) & PCI_STATUS_CAP_LIST) == 0)
		return -1;
	for (hops = 0; where != 0; hops++) {
		uint8_t id, next;
		uint16_t cap;
		const char *name;

		fprintf(l->out, "\tCapabilities: [%02x] ", where);
		if (where < LSPCI_CAP_MIN) {
			fprintf(l->out, "<chain broken: pointer into the header>\n");
			l->problems++;
			break;
		}
		if (where + 4 > l->len) {
			fprintf(l->out, "<chain broken: pointer beyond the config space read>\n");
			l->problems++;
			break;
		}
		if (seen[where / 4]) {
			fprintf(l->out, "<chain looped>\n");
			l->problems++;
			break;
		}
		seen[where / 4] = true;
		id = rd8(l, where + PCI_CAP_LIST_ID);
		next = rd8(l, where + PCI_CAP_LIST_NEXT) & ~3u;
		cap = rd16(l, where + PCI_CAP_FLAGS);
		switch (id) {
		case 0xff:
			fprintf(l->out, "<chain broken>\n");
			l->problems++;
			return exp_type;
		case 0:
			fprintf(l->out, "Null\n");
			break;
		case PCI_CAP_ID_PM:
			lspci_cap_pm(l, where, cap);
			break;
		case PCI_CAP_ID_MSI:
			lspci_cap_msi(l, where, cap);
			break;
		case PCI_CAP_ID_MSIX:
			lspci_cap_msix(l, where, cap);
			break;
		case PCI_CAP_ID_EXP:
			exp_type = lspci_cap_exp(l, where, cap);
			if (exp_type < 0)
				exp_type = PCI_EXP_TYPE_ENDPOINT;
			break;
		case PCI_CAP_ID_VNDR:
			fprintf(l->out, "Vendor Specific Information: Len=%02x <?>\n", cap & 0xff);
			break;
		default:
			name = lspci_cap_name(id);
			if (name != NULL)
				fprintf(l->out, "%s\n", name);
			else
				fprintf(l->out, "Capability ID %#02x [%04x]\n", id, cap);
			break;
		}
		where = next;
	}
	return exp_type;
}

/* ---- extended capabilities ---- */

static void
lspci_ecap_dsn(struct lspci *l, uint32_t where)
{
	uint32_t lo, hi;

	if (!lspci_fits(l, where, LSPCI_DSN_SIZE, l->len)) {
		fprintf(l->out, "Device Serial Number\n");
		return;
	}
	lo = rd32(l, where + 4);
	hi = rd32(l, where + 8);
	fprintf(l->out, "Device Serial Number %02x-%02x-%02x-%02x-%02x-%02x-%02x-%02x\n",
		hi >> 24, (hi >> 16) & 0xff, (hi >> 8) & 0xff, hi & 0xff, lo >> 24,
		(lo >> 16) & 0xff, (lo >> 8) & 0xff, lo & 0xff);
}

static void
lspci_ecap_ari(struct lspci *l, uint32_t where)
{
	uint16_t w;

	fprintf(l->out, "Alternative Routing-ID Interpretation (ARI)\n");
	if (!lspci_fits(l, where, LSPCI_ARI_SIZE, l->len))
		return;
	w = rd16(l, where + PCI_ARI_CAP);
	fprintf(l->out, "\t\tARICap:\tMFVC%c ACS%c, Next Function: %u\n",
		FLAG(w, PCI_ARI_CAP_MFVC), FLAG(w, PCI_ARI_CAP_ACS), PCI_ARI_CAP_NFN(w));
	w = rd16(l, where + PCI_ARI_CTRL);
	fprintf(l->out, "\t\tARICtl:\tMFVC%c ACS%c, Function Group: %u\n",
		FLAG(w, PCI_ARI_CTRL_MFVC), FLAG(w, PCI_ARI_CTRL_ACS), PCI_ARI_CTRL_FG(w));
}

/* PCIe r4.0 sec. 9.3.3: the SR-IOV Extended Capability, 40h bytes. */
static void
lspci_ecap_sriov(struct lspci *l, uint32_t where)
{
	const struct svnic_lspci_dev *d = l->dev;
	uint16_t ctrl, initial, total, num, offset, stride;
	unsigned int i;
	uint32_t t;

	fprintf(l->out, "Single Root I/O Virtualization (SR-IOV)\n");
	if (!lspci_fits(l, where, LSPCI_SRIOV_SIZE, l->len))
		return;
	t = rd32(l, where + PCI_SRIOV_CAP);
	fprintf(l->out, "\t\tIOVCap:\tMigration%c 10BitTagReq%c IntMsgNum %u\n",
		FLAG(t, PCI_SRIOV_CAP_VFM), FLAG(t, 1u << 2), PCI_SRIOV_CAP_INTR(t));
	ctrl = rd16(l, where + PCI_SRIOV_CTRL);
	fprintf(l->out, "\t\tIOVCtl:\tEnable%c Migration%c Interrupt%c MSE%c ARIHierarchy%c "
		"10BitTagReq%c\n", FLAG(ctrl, PCI_SRIOV_CTRL_VFE), FLAG(ctrl, PCI_SRIOV_CTRL_VFM),
		FLAG(ctrl, PCI_SRIOV_CTRL_INTR), FLAG(ctrl, PCI_SRIOV_CTRL_MSE),
		FLAG(ctrl, PCI_SRIOV_CTRL_ARI), FLAG(ctrl, 1u << 5));
	fprintf(l->out, "\t\tIOVSta:\tMigration%c\n",
		FLAG(rd16(l, where + PCI_SRIOV_STATUS), PCI_SRIOV_STATUS_VFM));
	initial = rd16(l, where + PCI_SRIOV_INITIAL_VF);
	total = rd16(l, where + PCI_SRIOV_TOTAL_VF);
	num = rd16(l, where + PCI_SRIOV_NUM_VF);
	offset = rd16(l, where + PCI_SRIOV_VF_OFFSET);
	stride = rd16(l, where + PCI_SRIOV_VF_STRIDE);
	fprintf(l->out, "\t\tInitial VFs: %u, Total VFs: %u, Number of VFs: %u, "
		"Function Dependency Link: %02x\n", initial, total, num,
		rd8(l, where + PCI_SRIOV_FUNC_LINK));
	fprintf(l->out, "\t\tVF offset: %u, stride: %u, Device ID: %04x\n", offset, stride,
		rd16(l, where + PCI_SRIOV_VF_DID));
	fprintf(l->out, "\t\tSupported Page Size: %08x, System Page Size: %08x\n",
		rd32(l, where + PCI_SRIOV_SUP_PGSIZE), rd32(l, where + PCI_SRIOV_SYS_PGSIZE));
	/* Sec. 9.3.3.5-9.3.3.7: the values a PF must keep consistent. */
	if (initial > total || num > total) {
		fprintf(l->out, "\t\t<%s VFs above Total VFs>\n",
			num > total ? "Number of" : "Initial");
		l->problems++;
	}
	if (num > 1 && stride == 0) {
		fprintf(l->out, "\t\t<VF stride 0 with %u VFs>\n", num);
		l->problems++;
	}
	if (num > 0 && offset != 0)
		fprintf(l->out, "\t\tVF Routing IDs: PF + %u .. PF + %" PRIu64 "\n", offset,
			(uint64_t)offset + (uint64_t)(num - 1) * stride);
	for (i = 0; i < PCI_SRIOV_NUM_BARS; )
		i += lspci_show_bar(l, where + PCI_SRIOV_BAR, i, PCI_SRIOV_NUM_BARS, 0,
			d->vf_probe_valid ? d->vf_probe : NULL,
			(ctrl & PCI_SRIOV_CTRL_MSE) != 0, true);
	t = rd32(l, where + PCI_SRIOV_VFM);
	fprintf(l->out, "\t\tVF Migration: offset: %08x, BIR: %x\n", PCI_SRIOV_VFM_OFFSET(t),
		PCI_SRIOV_VFM_BIR(t));
}

static const char *
lspci_ecap_name(uint16_t id)
{
	switch (id) {
	case PCI_EXT_CAP_ID_ERR: return "Advanced Error Reporting";
	case PCI_EXT_CAP_ID_VC: return "Virtual Channel";
	case PCI_EXT_CAP_ID_PWR: return "Power Budgeting <?>";
	case PCI_EXT_CAP_ID_RCLD: return "Root Complex Link";
	case PCI_EXT_CAP_ID_RCEC: return "Root Complex Event Collector <?>";
	case PCI_EXT_CAP_ID_MFVC: return "Multi-Function Virtual Channel <?>";
	case PCI_EXT_CAP_ID_VC9: return "Virtual Channel";
	case PCI_EXT_CAP_ID_RCRB: return "Root Bridge Control Block <?>";
	case PCI_EXT_CAP_ID_ACS: return "Access Control Services";
	case PCI_EXT_CAP_ID_ATS: return "Address Translation Service (ATS)";
	case PCI_EXT_CAP_ID_MRIOV: return "Multi-Root I/O Virtualization <?>";
	case PCI_EXT_CAP_ID_MCAST: return "Multicast";
	case PCI_EXT_CAP_ID_PRI: return "Page Request Interface (PRI)";
	case PCI_EXT_CAP_ID_REBAR: return "Physical Resizable BAR";
	case PCI_EXT_CAP_ID_DPA: return "Dynamic Power Allocation <?>";
	case PCI_EXT_CAP_ID_TPH: return "Transaction Processing Hints";
	case PCI_EXT_CAP_ID_LTR: return "Latency Tolerance Reporting";
	case PCI_EXT_CAP_ID_SECPCI: return "Secondary PCI Express";
	case PCI_EXT_CAP_ID_PASID: return "Process Address Space ID (PASID)";
	case PCI_EXT_CAP_ID_DPC: return "Downstream Port Containment";
	case PCI_EXT_CAP_ID_L1SS: return "L1 PM Substates";
	case PCI_EXT_CAP_ID_PTM: return "Precision Time Measurement";
	case PCI_EXT_CAP_ID_DVSEC: return "Designated Vendor-Specific";
	case PCI_EXT_CAP_ID_DLF: return "Data Link Feature <?>";
	case PCI_EXT_CAP_ID_PL_16GT: return "Physical Layer 16.0 GT/s <?>";
	default: return NULL;
	}
}

/*
 * PCIe r4.0 sec. 7.6.3: extended capabilities start at 100h; a header of 0
 * (or all ones, nothing there) ends the list, Next is a dword offset >= 100h.
 * @p visit is called for each capability, NULL only walks.
 */
typedef bool (*lspci_ecap_fn)(struct lspci *l, uint32_t where, uint32_t header);

static void
lspci_walk_ecaps(struct lspci *l, lspci_ecap_fn visit)
{
	bool seen[SVNIC_LSPCI_CFG_SIZE / 4] = { false };
	uint32_t where = LSPCI_EXT_START, header;

	if (l->len < LSPCI_EXT_START + 4)
		return;
	while (where != 0) {
		header = rd32(l, where);
		if (header == 0 || header == 0xffffffff)
			break;
		if (seen[where / 4]) {
			if (l->out != NULL) {
				fprintf(l->out, "\tCapabilities: [%03x] <chain looped>\n", where);
				l->problems++;
			}
			break;
		}
		seen[where / 4] = true;
		if (!visit(l, where, header))
			break;
		where = PCI_EXT_CAP_NEXT(header);
		if (where == 0)
			break;
		if (where < LSPCI_EXT_START || where + 4 > l->len) {
			if (l->out != NULL) {
				fprintf(l->out, "\tCapabilities: [%03x] <chain broken: next "
					"pointer %s>\n", where, where < LSPCI_EXT_START ?
					"below 100h" : "beyond the config space read");
				l->problems++;
			}
			break;
		}
	}
}

static bool
lspci_show_ecap(struct lspci *l, uint32_t where, uint32_t header)
{
	uint16_t id = PCI_EXT_CAP_ID(header);
	const char *name;

	fprintf(l->out, "\tCapabilities: [%03x v%u] ", where, PCI_EXT_CAP_VER(header));
	switch (id) {
	case 0:
		fprintf(l->out, "Null\n");
		break;
	case PCI_EXT_CAP_ID_DSN:
		lspci_ecap_dsn(l, where);
		break;
	case PCI_EXT_CAP_ID_ARI:
		lspci_ecap_ari(l, where);
		break;
	case PCI_EXT_CAP_ID_SRIOV:
		lspci_ecap_sriov(l, where);
		break;
	case PCI_EXT_CAP_ID_VNDR:
		fprintf(l->out, "Vendor Specific Information: ID=%04x Rev=%u Len=%03x <?>\n",
			rd16(l, where + 4), rd8(l, where + 6) & 0xf, rd16(l, where + 6) >> 4);
		break;
	default:
		name = lspci_ecap_name(id);
		if (name != NULL)
			fprintf(l->out, "%s\n", name);
		else
			fprintf(l->out, "Extended Capability ID %#02x\n", id);
		break;
	}
	return true;
}

struct lspci_find {
	struct lspci l;
	uint16_t id;
	uint32_t found;
};

static bool
lspci_find_ecap(struct lspci *l, uint32_t where, uint32_t header)
{
	struct lspci_find *f = (struct lspci_find *)l;

	if (PCI_EXT_CAP_ID(header) != f->id)
		return true;
	f->found = where;
	return false;
}

uint32_t
svnic_lspci_find_ext_cap(const uint8_t *cfg, uint32_t cfg_len, uint16_t id)
{
	struct lspci_find f = { .l = { .cfg = cfg, .len = cfg_len }, .id = id };

	if (cfg == NULL)
		return 0;
	if (f.l.len > SVNIC_LSPCI_CFG_SIZE)
		f.l.len = SVNIC_LSPCI_CFG_SIZE;
	lspci_walk_ecaps(&f.l, lspci_find_ecap);
	return f.found;
}

int
svnic_lspci_print(const uint8_t *cfg, const struct svnic_lspci_dev *dev, FILE *out)
{
	struct lspci l = { .cfg = cfg, .out = out, .dev = dev };
	uint8_t htype;
	int exp_type;

	if (cfg == NULL || dev == NULL || out == NULL)
		return -EINVAL;
	l.len = dev->cfg_len < SVNIC_LSPCI_CFG_SIZE ? dev->cfg_len : SVNIC_LSPCI_CFG_SIZE;
	if (l.len < PCI_STD_HEADER_SIZEOF) {
		fprintf(out, "%s <config space too short: %u bytes>\n",
			dev->name != NULL ? dev->name : "-", l.len);
		return 1;
	}
	if (rd32(&l, PCI_VENDOR_ID) == 0xffffffff && rd32(&l, PCI_CLASS_REVISION) == 0xffffffff) {
		fprintf(out, "%s <no function: config space reads all ones>\n",
			dev->name != NULL ? dev->name : "-");
		return 1;
	}
	l.cmd = rd16(&l, PCI_COMMAND);
	lspci_show_identity(&l);
	htype = rd8(&l, PCI_HEADER_TYPE) & 0x7f;
	switch (htype) {
	case PCI_HEADER_TYPE_NORMAL:
		lspci_show_control(&l, htype);
		lspci_show_bars(&l, SVNIC_LSPCI_BARS);
		break;
	case PCI_HEADER_TYPE_BRIDGE:
		lspci_show_control(&l, htype);
		lspci_show_bars(&l, 2);
		fprintf(out, "\tBus: primary=%02x, secondary=%02x, subordinate=%02x\n",
			rd8(&l, PCI_PRIMARY_BUS), rd8(&l, PCI_SECONDARY_BUS),
			rd8(&l, PCI_SUBORDINATE_BUS));
		break;
	default:
		fprintf(out, "\t!!! Unknown header type %02x\n", htype);
		l.problems++;
		return l.problems;
	}
	exp_type = lspci_show_caps(&l);
	/* As lspci: only a PCI Express (or PCI-X 2.0) function has extended space. */
	if (exp_type >= 0)
		lspci_walk_ecaps(&l, lspci_show_ecap);
	return l.problems;
}
