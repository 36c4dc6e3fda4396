/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fuzz the device model's trapped BAR0 registers (app/svnic-emu/emu_dev.c,
 * emu_func_bar0_access()): what a PF or VF driver writes and reads over
 * vfio-user, mailbox and admin queue doorbells included, on a PF with two
 * VFs enabled. The functions' DMA space is a small buffer the input also
 * fills, so doorbells find rings and descriptors of the fuzzer's making.
 *
 * Input: 16 bytes of DMA memory seed per function, then records of 8 bytes:
 * op (bit 0 write, bits 1-2 the function: PF, VF 0, VF 1, bit 3 a datapath
 * pass afterwards), offset (le16), length (1..8 from a byte), value (le32,
 * repeated for longer writes). Every access must answer 0 or a negative
 * errno; the device must stay within its memory (ASan) and let go of all of
 * it (LeakSanitizer).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emu_dev.h"
#include "emu_log.h"
#include "emu_pci.h"
#include "svnic_pci.h"
#include "svnic_regs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_REC		8
#define FZ_MEM		(64u * 1024u)	/* DMA space of each function, at IOVA 0 */
#define FZ_FUNCS	3
#define FZ_CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)

static uint8_t *fz_mem[FZ_FUNCS];

static int
fz_index(const struct emu_func *f)
{
	return f->is_vf ? 1 + (f->vf_id & 1) : 0;
}

static void *
fz_dma_ptr(void *ctx, struct emu_func *f, uint64_t iova, uint64_t len, bool write)
{
	(void)ctx;
	(void)write;
	if (len == 0 || iova >= FZ_MEM || len > FZ_MEM - iova || (f->is_vf && f->vf_id > 1))
		return NULL;
	return fz_mem[fz_index(f)] + iova;
}

static void
fz_irq(void *ctx, struct emu_func *f, uint16_t vector)
{
	(void)ctx;
	(void)f;
	(void)vector;
}

static void
fz_vfs_changed(void *ctx, uint16_t num_vfs)
{
	(void)ctx;
	(void)num_vfs;
}

static const struct emu_dev_ops fz_ops = {
	.dma_ptr = fz_dma_ptr,
	.irq = fz_irq,
	.vfs_changed = fz_vfs_changed,
};

static void
fz_log(enum svnic_emu_log_level level, const char *msg, void *ctx)
{
	(void)level;
	(void)msg;
	(void)ctx;
}

static void
fz_cfg_write(struct emu_func *f, uint32_t off, uint16_t v)
{
	emu_func_lock_wr(f);
	FZ_CHECK(emu_func_cfg_access(f, off, &v, 2, true) == 0);
	emu_func_unlock(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct emu_dev_cfg cfg = {
		.total_vfs = 2, .total_queue_pairs = 16, .pf_msix_vectors = 8,
		.vf_msix_vectors = 4, .perm_mac = { 0x02, 0, 0, 0, 0, 1 },
		.link_speed = 25000, .datapath_threads = 1,
	};
	struct emu_func *fn[FZ_FUNCS];
	struct emu_dev *dev;
	unsigned int i;

	if (size > 8192)
		return 0;
	svnic_emu_log_set_handler(fz_log, NULL);
	for (i = 0; i < FZ_FUNCS; i++) {
		fz_mem[i] = calloc(1, FZ_MEM);
		FZ_CHECK(fz_mem[i] != NULL);
		/* a seed repeated over the space: rings and descriptors that say something */
		if (size >= 16) {
			size_t k;

			for (k = 0; k < FZ_MEM; k += 16)
				memcpy(fz_mem[i] + k, data, 16);
			data += 16;
			size -= 16;
		}
	}
	FZ_CHECK(emu_dev_create(&cfg, &fz_ops, NULL, &dev) == 0);
	fn[0] = &dev->pf;
	fz_cfg_write(fn[0], SVNIC_EMU_PCI_SRIOV_CAP + PCI_SRIOV_NUM_VF, 2);
	fz_cfg_write(fn[0], SVNIC_EMU_PCI_SRIOV_CAP + PCI_SRIOV_CTRL,
		     PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE);
	emu_dev_housekeeping(dev);
	fn[1] = emu_dev_vf(dev, 0);
	fn[2] = emu_dev_vf(dev, 1);
	FZ_CHECK(fn[1] != NULL && fn[2] != NULL);

	for (; size >= FZ_REC; data += FZ_REC, size -= FZ_REC) {
		struct emu_func *f = fn[((data[0] >> 1) & 3) % FZ_FUNCS];
		bool write = (data[0] & 1) != 0;
		uint16_t off = (uint16_t)(data[1] | data[2] << 8);
		uint32_t len = 1u + (data[3] & 7u), v, k;
		uint8_t buf[8];
		int ret;

		memcpy(&v, data + 4, sizeof(v));
		for (k = 0; k < len; k++)
			buf[k] = ((const uint8_t *)&v)[k % 4];
		emu_func_lock_wr(f);
		ret = emu_func_bar0_access(f, off, buf, len, write);
		emu_func_unlock(f);
		FZ_CHECK(ret == 0 || (ret < 0 && ret > -4096));
		emu_dev_housekeeping(dev);
		if (data[0] & 8)
			emu_dev_poll(dev, 0);
	}
	emu_dev_destroy(dev);
	for (i = 0; i < FZ_FUNCS; i++)
		free(fz_mem[i]);
	svnic_emu_log_set_handler(NULL, NULL);
	return 0;
}
