/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_REGS_H
#define SVNIC_REGS_H

/*
 * BAR0 of the svnic PF and of a VF (doc/device-spec.rst, "BAR0"). BAR0 is cut
 * into 4 KiB pages with different access paths, because the device model polls
 * shared memory:
 *
 *   page 0   control registers. Trapped: every access is a vfio-user
 *            REGION_READ/WRITE (a real MMIO on hardware), so the device sees a
 *            write at once. Aligned 32-bit accesses only.
 *   page 1   notify page: TX doorbell summary bitmap and the device's SLEEPING
 *            flag. Shared memory (vfio-user sparse mmap).
 *   DB pages queue doorbells, one 64-byte slot per queue pair. Shared memory.
 *   page 3   VF only: the mailbox windows. Shared memory.
 *
 * Registers are little-endian. Reserved bits read 0 and are written 0; reserved
 * registers read 0 and ignore writes. The PF and VF layouts share page 0 offsets:
 * a register that a function does not have reads 0 and ignores writes (a VF's
 * admin queue registers, for example), so no VF can reach the admin queue.
 */

#include <assert.h>
#include <stdint.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "svnic registers are little-endian; a big-endian port needs conversions here"
#endif

/* Version of this register map and of the admin queue (device-spec.rst). */
#define SVNIC_SPEC_VERSION_MAJOR	1
/*
 * 1.1: the VF's MBX_STATUS mirror; 1.2: RX_SEQ; 1.3: EQ_LEN.ARM, the INT_CAUSE
 * mirror; 1.4: the PF's statistics pages (IDENTIFY dev_caps STATS_PAGE)
 */
#define SVNIC_SPEC_VERSION_MINOR	4
#define SVNIC_SPEC_VERSION		((SVNIC_SPEC_VERSION_MAJOR << 16) | \
					 SVNIC_SPEC_VERSION_MINOR)

/* Device-wide limits of this specification; IDENTIFY reports the actual ones. */
#define SVNIC_QP_MAX			1024u	/* queue pairs of the device */
#define SVNIC_VF_QP_MAX			64u	/* queue pairs of one VF VPort */
#define SVNIC_TOTAL_VFS_MAX		256u
#define SVNIC_VPORTS_MAX		(SVNIC_TOTAL_VFS_MAX + 16u)

/* --- BAR layout --- */

#define SVNIC_BAR_PAGE_SIZE		0x1000u
#define SVNIC_BAR0			0	/* 64-bit, non-prefetchable: registers */
#define SVNIC_BAR_MSIX			2	/* 64-bit, non-prefetchable: MSI-X table, PBA */

#define SVNIC_PF_BAR0_SIZE		0x20000u	/* 128 KiB */
#define SVNIC_VF_BAR0_SIZE		0x4000u		/* 16 KiB (at least System Page Size) */
#define SVNIC_PF_MSIX_BAR_SIZE		0x4000u
#define SVNIC_VF_MSIX_BAR_SIZE		0x2000u
#define SVNIC_MSIX_TABLE_OFF		0x0000u		/* in BAR2, both functions */
#define SVNIC_MSIX_PBA_OFF		0x1000u
#define SVNIC_PF_MSIX_MAX		256u
#define SVNIC_VF_MSIX_MAX		(SVNIC_VF_QP_MAX + 1u)	/* one per queue pair + misc */

/* Page 0: trapped control registers (both functions). */
#define SVNIC_REG_CTRL_PAGE		0x0000u
/* Page 1: notify page (both functions). */
#define SVNIC_REG_NOTIFY_PAGE		0x1000u
/* Doorbell slots: the VF's in page 2; the PF's from 0x10000 (1024 slots). */
#define SVNIC_PF_DB_BASE		0x10000u
#define SVNIC_VF_DB_BASE		0x2000u
/* Page 3 of a VF: mailbox windows. */
#define SVNIC_VF_MBX_PAGE		0x3000u
/*
 * Since spec 1.4, PF only: the statistics pages, one block a VPort
 * (svnic_stats.h). Read-only: written by the device's datapath as it counts,
 * mapped by the PF with the rest of [0x1000, 0x20000); writes are ignored. A
 * VF's BAR0 has nothing of them, so no guest sees another VPort's counters.
 */
#define SVNIC_PF_STATS_BASE		0x2000u
#define SVNIC_STATS_VPORT_SIZE		192u	/* three cache lines a VPort */
#define SVNIC_PF_STATS_VPORT(v)		(SVNIC_PF_STATS_BASE + SVNIC_STATS_VPORT_SIZE * (v))
#define SVNIC_PF_STATS_END		SVNIC_PF_STATS_VPORT(SVNIC_VPORTS_MAX)
#define SVNIC_SPEC_MINOR_STATS_PAGE	4

/* First byte that may be mmap-ed (everything below is trapped). */
#define SVNIC_BAR0_MMAP_START		SVNIC_REG_NOTIFY_PAGE

/* --- page 0: identification --- */

#define SVNIC_REG_SIGNATURE		0x0000u	/* RO: "SNIC" */
#define SVNIC_SIGNATURE			0x43494e53u
#define SVNIC_REG_VERSION		0x0004u	/* RO: SVNIC_SPEC_VERSION */

#define SVNIC_REG_FUNC			0x0008u	/* RO: who am I */
#define SVNIC_FUNC_VF_ID_MASK		0x000000ffu	/* VF number; 0 on the PF */
#define SVNIC_FUNC_IS_VF		0x80000000u

#define SVNIC_REG_RESOURCES		0x000cu	/* RO */
#define SVNIC_RES_NUM_QP_MASK		0x0000ffffu	/* queue pairs: doorbell slots in use */
#define SVNIC_RES_NUM_QP_SHIFT		0
#define SVNIC_RES_NUM_VEC_MASK		0xffff0000u	/* MSI-X vectors of the function */
#define SVNIC_RES_NUM_VEC_SHIFT		16

/* --- page 0: control, status, reset --- */

#define SVNIC_REG_DEV_CTRL		0x0010u	/* RW */
#define SVNIC_CTRL_RESET		0x00000001u	/* W1: reset this function; reads 0 */
#define SVNIC_CTRL_DRV_LOAD		0x00000002u	/* a driver owns the function */
#define SVNIC_CTRL_MASK			(SVNIC_CTRL_RESET | SVNIC_CTRL_DRV_LOAD)

#define SVNIC_REG_DEV_STATUS		0x0014u	/* RO */
#define SVNIC_STATUS_READY		0x00000001u	/* reset done, registers usable */
#define SVNIC_STATUS_FAULTED		0x00000002u	/* DMA or descriptor fault: queues off */
#define SVNIC_STATUS_VPORT		0x00000004u	/* VF: a VPort is attached */
#define SVNIC_STATUS_PF_RESET		0x00000008u	/* VF: the PF is resetting */
#define SVNIC_STATUS_MASK		0x0000000fu

#define SVNIC_REG_LINK_STATUS		0x0018u	/* RO: as the function sees it */
#define SVNIC_LINK_UP			0x00000001u
#define SVNIC_LINK_FULL_DUPLEX		0x00000002u
#define SVNIC_REG_LINK_SPEED		0x001cu	/* RO: Mbit/s, 0 when down */

/* --- page 0: interrupts (MSI-X only) --- */

/* Causes other than queues, signalled on the vector in INT_VECTOR. */
#define SVNIC_REG_INT_CAUSE		0x0020u	/* RW1C */
#define SVNIC_REG_INT_MASK		0x0024u	/* RW: 1 = cause masked */
#define SVNIC_INT_ADMINQ		0x00000001u	/* PF: a command with F_IRQ completed */
#define SVNIC_INT_EVENT			0x00000002u	/* PF: event ring has new entries */
#define SVNIC_INT_EQ_OVERFLOW		0x00000004u	/* PF: an event was lost */
#define SVNIC_INT_LINK			0x00000008u	/* link status changed */
#define SVNIC_INT_FAULT			0x00000010u	/* this function was faulted */
#define SVNIC_INT_MBX_RX		0x00000020u	/* VF: a message in the RX window */
#define SVNIC_INT_MBX_TX_DONE		0x00000040u	/* VF: the TX window is free again */
#define SVNIC_INT_RESET			0x00000080u	/* VF: the function was reset */
#define SVNIC_INT_PF_MASK		(SVNIC_INT_ADMINQ | SVNIC_INT_EVENT | \
					 SVNIC_INT_EQ_OVERFLOW | SVNIC_INT_LINK | \
					 SVNIC_INT_FAULT)
#define SVNIC_INT_VF_MASK		(SVNIC_INT_LINK | SVNIC_INT_FAULT | \
					 SVNIC_INT_MBX_RX | SVNIC_INT_MBX_TX_DONE | \
					 SVNIC_INT_RESET)

#define SVNIC_REG_INT_VECTOR		0x0028u	/* RW: MSI-X entry of the causes above */
#define SVNIC_INT_VECTOR_MASK		0x000007ffu

/* Write any value: wake the device's datapath (see SVNIC_NOTIFY_SLEEPING). */
#define SVNIC_REG_KICK			0x002cu	/* WO, reads 0 */

/* One-shot queue interrupt: the next completion of the queue raises its vector. */
#define SVNIC_REG_QINT_ARM		0x0030u	/* WO, reads 0 */
#define SVNIC_QINT_ARM_QUEUE_MASK	0x0000ffffu	/* function-relative queue pair */
#define SVNIC_QINT_ARM_TX		0x80000000u	/* 0: the RX queue */

/* --- page 0: admin queue and event queue (PF only; read 0 on a VF) --- */

#define SVNIC_REG_AQ_BASE_LO		0x0100u	/* RW: ring IOVA, 64-byte aligned */
#define SVNIC_REG_AQ_BASE_HI		0x0104u
#define SVNIC_REG_AQ_LEN		0x0108u	/* RW */
#define SVNIC_REG_AQ_HEAD		0x010cu	/* RO: next entry the device reads */
#define SVNIC_REG_AQ_TAIL		0x0110u	/* RW: one past the last posted entry */

#define SVNIC_REG_EQ_BASE_LO		0x0120u	/* RW: event ring IOVA, 64-byte aligned */
#define SVNIC_REG_EQ_BASE_HI		0x0124u
#define SVNIC_REG_EQ_LEN		0x0128u	/* RW */
#define SVNIC_REG_EQ_HEAD		0x012cu	/* RW: next entry the PF will read */
#define SVNIC_REG_EQ_TAIL		0x0130u	/* RO: next entry the device writes */

/* AQ_LEN and EQ_LEN */
#define SVNIC_QLEN_ENTRIES_MASK		0x00001fffu	/* power of two, 16..4096 */
#define SVNIC_QLEN_ENABLE		0x80000000u
/*
 * EQ_LEN only, since spec 1.3: the event ring raises the misc vector by
 * itself instead of latching INT_CAUSE.EVENT. The vector fires when an event
 * goes into a ring that EQ_HEAD says is empty, and when an EQ_HEAD write
 * leaves entries unread, so that EQ_HEAD may be a posted write and nothing
 * needs clearing after a drain. Reads back set when the device took it.
 */
#define SVNIC_QLEN_EQ_ARM		0x40000000u
#define SVNIC_QLEN_MIN			16u
#define SVNIC_QLEN_MAX			4096u
#define SVNIC_QIDX_MASK			0x00000fffu	/* head and tail: 0..entries-1 */

/* 256 bits, one per VF: set while the VF is faulted. */
#define SVNIC_REG_VF_FAULTED(n)		(0x0140u + 4u * (n))	/* RO, n = 0..7 */
#define SVNIC_REG_VF_FAULTED_WORDS	8u

/*
 * Since spec 1.3, PF only: the shared TX mailbox. With SHARED_TX set, a VF's
 * MBX_TX write only rings the PF: the message stays in the VF's TX window,
 * framed by the words at SVNIC_NOTIFY_SHTX_SEQ (a sequence lock, see
 * svnic_mbx.h), and the PF reads it from there; the device copies nothing and
 * keeps no TX_BUSY. It raises MBX_MSG once per doorbell until the PF writes
 * the VF's number to MBX_DB_ACK. MBX_CTRL changes only while NumVFs is 0.
 */
#define SVNIC_REG_MBX_CTRL		0x0180u	/* RW */
#define SVNIC_MBX_CTRL_SHARED_TX	0x00000001u
#define SVNIC_REG_MBX_DB_ACK		0x0184u	/* WO, reads 0: a VF number */
/*
 * Since spec 1.3, PF only: raise INT_CAUSE.MBX_RX of a VF (the value is its
 * number), for a message the PF put in the VF's RX window itself (the shared
 * RX mailbox, negotiated in the mailbox protocol: SVNIC_MBX_CAP_SHARED_RX).
 */
#define SVNIC_REG_MBX_RX_NOTIFY		0x0188u	/* WO, reads 0 */

/* --- page 0: mailbox (VF only; read 0 on the PF) --- */

/* Write the length of the message in the TX window (16..2048): submits it. */
#define SVNIC_REG_MBX_TX		0x0200u	/* WO, reads 0 */
#define SVNIC_MBX_LEN_MASK		0x00000fffu
#define SVNIC_REG_MBX_STATUS		0x0204u	/* RO */
#define SVNIC_MBX_ST_TX_BUSY		0x00000001u	/* the PF has not taken the message */
#define SVNIC_MBX_ST_RX_VALID		0x00000002u	/* a message waits in the RX window */
#define SVNIC_MBX_ST_RX_SEQ		0x00000004u	/* 1.2: flips with each message placed */
#define SVNIC_MBX_ST_SHARED_TX		0x00000008u	/* 1.3: the PF set MBX_CTRL.SHARED_TX */
/* MBX_RX_ACK: bit 0 acknowledges; since 1.2 a posted ack names the message (SEQ_CHECK) */
#define SVNIC_MBX_ACK			0x00000001u
#define SVNIC_MBX_ACK_SEQ_CHECK		0x00000002u	/* only if RX_SEQ is... */
#define SVNIC_MBX_ACK_RX_SEQ		0x00000004u	/* ...this message's */
/* 1.3: the VF took a shared-RX message: for the PF, the device ignores it */
#define SVNIC_MBX_ACK_SHARED		0x00000008u
#define SVNIC_MBX_ST_RX_LEN_MASK	0x0fff0000u	/* its length */
#define SVNIC_MBX_ST_RX_LEN_SHIFT	16
/* Write 1: the RX window is read and may be reused. */
#define SVNIC_REG_MBX_RX_ACK		0x0208u	/* WO, reads 0 */

#define SVNIC_REG_CTRL_END		0x0210u	/* everything past this reads 0 */

/* --- page 1: notify page (mmap-able) --- */

/*
 * TX doorbell summary: bit n of word w is TX queue 64 * w + n of the function
 * (function-relative on a VF, absolute on the PF). Drivers set bits with an
 * atomic OR after writing the tail; the device takes them with an atomic
 * exchange. The PF has SVNIC_QP_MAX / 64 words, a VF one.
 */
#define SVNIC_NOTIFY_TX_SUMMARY(w)	(SVNIC_REG_NOTIFY_PAGE + 8u * (w))	/* u64 */
#define SVNIC_NOTIFY_PF_SUMMARY_WORDS	(SVNIC_QP_MAX / 64u)
#define SVNIC_NOTIFY_VF_SUMMARY_WORDS	(SVNIC_VF_QP_MAX / 64u)
/* Written by the device only: non-zero while its datapath thread sleeps. */
#define SVNIC_NOTIFY_SLEEPING		(SVNIC_REG_NOTIFY_PAGE + 0x80u)	/* u32 */
/*
 * Since spec 1.1, VF only, written by the device only: MBX_STATUS as it is
 * after every change, so a VF waits for its mailbox in shared memory instead
 * of with trapped reads. The device never reads it back.
 */
#define SVNIC_NOTIFY_MBX_STATUS		(SVNIC_REG_NOTIFY_PAGE + 0xc0u)	/* u32 */
#define SVNIC_SPEC_MINOR_MBX_MIRROR	1
/* MBX_STATUS.RX_SEQ: a VF may post its MBX_RX_ACK (since 1.2) */
#define SVNIC_SPEC_MINOR_MBX_RX_SEQ	2
/*
 * Since spec 1.3, every function, written by the device only: INT_CAUSE as it
 * is after every change, so that a driver woken by its misc vector learns
 * without a trapped read whether there is any cause to clear. EQ_LEN.ARM
 * (SVNIC_QLEN_EQ_ARM) comes with it.
 */
#define SVNIC_NOTIFY_INT_CAUSE		(SVNIC_REG_NOTIFY_PAGE + 0x100u)	/* u32 */
#define SVNIC_SPEC_MINOR_EQ_ARM		3
/*
 * Since spec 1.3, VF only, written by the VF only, read by the PF (never by
 * the device): the sequence lock and length of the message in the TX window
 * when MBX_STATUS.SHARED_TX is set (svnic_mbx_shtx_write/_read).
 */
#define SVNIC_NOTIFY_SHTX_SEQ		(SVNIC_REG_NOTIFY_PAGE + 0x140u)	/* u32 */
#define SVNIC_NOTIFY_SHTX_LEN		(SVNIC_REG_NOTIFY_PAGE + 0x144u)	/* u32 */
/* written by the VF: the SHRX_SEQ of the shared-RX message it took last */
#define SVNIC_NOTIFY_SHRX_ACK		(SVNIC_REG_NOTIFY_PAGE + 0x148u)	/* u32 */
/*
 * Since spec 1.3, VF only, written by the PF only (the shared RX mailbox):
 * the sequence and length of the message the PF put in the VF's RX window.
 */
#define SVNIC_NOTIFY_SHRX_SEQ		(SVNIC_REG_NOTIFY_PAGE + 0x180u)	/* u32 */
#define SVNIC_NOTIFY_SHRX_LEN		(SVNIC_REG_NOTIFY_PAGE + 0x184u)	/* u32 */
#define SVNIC_SPEC_MINOR_SHARED_TX	3

/* --- doorbell slots (mmap-able) --- */

#define SVNIC_DB_SLOT_SIZE		64u	/* one cache line per queue pair */
#define SVNIC_DB_RX_TAIL		0x00u	/* u32: one past the last posted buffer */
#define SVNIC_DB_TX_TAIL		0x04u	/* u32: one past the last posted descriptor */
#define SVNIC_PF_DB(qp)			(SVNIC_PF_DB_BASE + SVNIC_DB_SLOT_SIZE * (qp))
#define SVNIC_VF_DB(qp)			(SVNIC_VF_DB_BASE + SVNIC_DB_SLOT_SIZE * (qp))

/* --- page 3 of a VF: mailbox windows (mmap-able) --- */

#define SVNIC_VF_MBX_TX_WIN		(SVNIC_VF_MBX_PAGE + 0x000u)	/* VF writes */
#define SVNIC_VF_MBX_RX_WIN		(SVNIC_VF_MBX_PAGE + 0x800u)	/* device writes */
#define SVNIC_VF_MBX_WIN_SIZE		0x800u

/* --- reset values of page 0 (everything not listed resets to 0) --- */

#define SVNIC_RST_INT_MASK_PF		SVNIC_INT_PF_MASK	/* every cause masked */
#define SVNIC_RST_INT_MASK_VF		SVNIC_INT_VF_MASK
#define SVNIC_RST_DEV_STATUS		SVNIC_STATUS_READY

static_assert(SVNIC_SPEC_VERSION == 0x00010004, "register map version 1.4");
static_assert(SVNIC_PF_STATS_BASE >= SVNIC_REG_NOTIFY_PAGE + SVNIC_BAR_PAGE_SIZE &&
	      SVNIC_PF_STATS_END <= SVNIC_PF_DB_BASE && SVNIC_STATS_VPORT_SIZE % 64 == 0,
	      "the statistics pages fill the PF's reserved pages, a VPort on whole lines");
static_assert(SVNIC_REG_CTRL_END <= SVNIC_REG_NOTIFY_PAGE, "control registers fit page 0");
static_assert(SVNIC_NOTIFY_SLEEPING >=
	      SVNIC_NOTIFY_TX_SUMMARY(SVNIC_NOTIFY_PF_SUMMARY_WORDS),
	      "SLEEPING after the summary words");
static_assert(SVNIC_NOTIFY_SLEEPING % 64 == 0, "SLEEPING has a cache line of its own");
static_assert(SVNIC_NOTIFY_MBX_STATUS % 64 == 0 &&
	      SVNIC_NOTIFY_MBX_STATUS >= SVNIC_NOTIFY_SLEEPING + 64,
	      "the mailbox mirror has a cache line of its own");
static_assert(SVNIC_NOTIFY_INT_CAUSE % 64 == 0 &&
	      SVNIC_NOTIFY_INT_CAUSE >= SVNIC_NOTIFY_MBX_STATUS + 64 &&
	      SVNIC_NOTIFY_INT_CAUSE + 4 <= SVNIC_REG_NOTIFY_PAGE + 4096u,
	      "the INT_CAUSE mirror has a cache line of its own in the notify page");
static_assert(SVNIC_NOTIFY_SHTX_SEQ % 64 == 0 &&
	      SVNIC_NOTIFY_SHTX_SEQ >= SVNIC_NOTIFY_INT_CAUSE + 64,
	      "the VF's shared TX words have a cache line of their own");
static_assert(SVNIC_REG_MBX_RX_NOTIFY < SVNIC_REG_MBX_TX, "PF mailbox registers before the VF's");
static_assert(SVNIC_NOTIFY_SHRX_SEQ % 64 == 0 &&
	      SVNIC_NOTIFY_SHRX_SEQ >= SVNIC_NOTIFY_SHTX_SEQ + 64,
	      "the PF's shared RX words have a cache line of their own");
static_assert((SVNIC_QLEN_EQ_ARM & (SVNIC_QLEN_ENABLE | SVNIC_QLEN_ENTRIES_MASK)) == 0,
	      "EQ_LEN.ARM is a bit of its own");
static_assert(SVNIC_PF_DB(SVNIC_QP_MAX) <= SVNIC_PF_BAR0_SIZE, "PF doorbells fit BAR0");
static_assert(SVNIC_VF_DB(SVNIC_VF_QP_MAX) <= SVNIC_VF_MBX_PAGE, "VF doorbells fit page 2");
static_assert(SVNIC_VF_MBX_RX_WIN + SVNIC_VF_MBX_WIN_SIZE <= SVNIC_VF_BAR0_SIZE,
	      "mailbox windows fit the VF BAR0");
static_assert(SVNIC_VF_MBX_WIN_SIZE == 2048, "a window holds SVNIC_MBX_MSG_MAX bytes");
static_assert((SVNIC_PF_BAR0_SIZE & (SVNIC_PF_BAR0_SIZE - 1)) == 0 &&
	      (SVNIC_VF_BAR0_SIZE & (SVNIC_VF_BAR0_SIZE - 1)) == 0,
	      "BAR sizes are powers of two");
static_assert(SVNIC_PF_MSIX_MAX * 16 <= SVNIC_MSIX_PBA_OFF &&
	      SVNIC_MSIX_PBA_OFF + SVNIC_PF_MSIX_MAX / 8 <= SVNIC_PF_MSIX_BAR_SIZE &&
	      SVNIC_MSIX_PBA_OFF + SVNIC_VF_MSIX_MAX / 8 + 8 <= SVNIC_VF_MSIX_BAR_SIZE,
	      "MSI-X table and PBA fit BAR2");
static_assert(SVNIC_QLEN_MAX - 1 == SVNIC_QIDX_MASK, "queue index mask");

#endif /* SVNIC_REGS_H */
