/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * svnic-sriov-demo: one VF's life through lib/sriov, the core the PF driver
 * decides with, printed step by step. There is no device yet (svnic-emu comes
 * with the vfio-user work): the "guest" here is this program calling the same
 * entry points the PF's control thread will call on the guest's behalf.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/pci_regs.h>

#include "sriov_cfg.h"
#include "sriov_log.h"
#include "sriov_mbx.h"
#include "sriov_switch.h"
#include "svnic_pci.h"

static int failures;

#define STEP(...) do { printf("\n== "); printf(__VA_ARGS__); printf("\n"); } while (0)

static void
check(int ok, const char *what)
{
	printf("   [%s] %s\n", ok ? " ok " : "FAIL", what);
	if (!ok)
		failures++;
}

static void
demo_log(enum sriov_log_level level, const char *msg, void *ctx)
{
	(void)ctx;
	if (level <= SRIOV_LOG_WARNING)
		printf("   log: %s\n", msg);
}

static void
demo_event(struct sriov_switch *sw, uint16_t vf_id, enum sriov_vf_state from,
	   enum sriov_vf_state to, enum sriov_vf_event cause, void *ctx)
{
	(void)sw;
	(void)ctx;
	printf("   vf %u: %s -> %s (%s)\n", vf_id, sriov_vf_state_name(from),
	       sriov_vf_state_name(to), sriov_vf_event_name(cause));
}

static void
print_mac(const uint8_t *m)
{
	printf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void
print_table(struct sriov_switch *sw)
{
	uint16_t i;

	printf("   %-3s %-8s %-12s %-18s %-9s %-7s %-6s %s\n", "vf", "rid", "state", "mac",
	       "vlan", "queues", "trust", "name");
	for (i = 0; i < sriov_switch_num_vfs(sw); i++) {
		const struct sriov_vf *vf = sriov_switch_vf_const(sw, i);

		if (!sriov_vf_state_is_allocated(vf->state))
			continue;
		printf("   %-3u %02x:%02x.%u  %-12s ", i, vf->rid >> 8, (vf->rid >> 3) & 0x1f,
		       vf->rid & 7, sriov_vf_state_name(vf->state));
		print_mac(vf->vport.props.mac_set ? vf->vport.props.mac : vf->params.perm_mac);
		printf(" ");
		if (sriov_vf_state_has_vport(vf->state)) {
			printf(" %-9u %3u-%-3u %-6s %s\n", vf->vport.props.vlan_id,
			       vf->vport.queue_base,
			       vf->vport.queue_base + vf->vport.nb_queues - 1,
			       vf->vport.props.trust ? "on" : "off", vf->params.name);
		} else {
			printf(" %-9s %-7s %-6s %s\n", "-", "-", "-", vf->params.name);
		}
	}
}

/* The "real VF" behind the mediated fields that are passed through. */
static int
demo_passthrough(void *ctx, uint16_t off, uint8_t len, uint32_t *val)
{
	(void)ctx;
	(void)off;
	(void)len;
	*val = 0;
	return 0;
}

struct flr_ctx {
	struct sriov_switch *sw;
	uint16_t vf_id;
	int calls;
};

static void
demo_flr(void *ctx)
{
	struct flr_ctx *f = ctx;

	f->calls++;
	sriov_vf_reset(f->sw, f->vf_id, false);
}

static uint32_t
cfg_read32(struct sriov_cfg *cfg, uint32_t off)
{
	uint32_t v = 0;

	sriov_cfg_read(cfg, off, &v, 4);
	return v;
}

static int
send(struct sriov_switch *sw, uint16_t vf, const struct sriov_mbx_ops *ops, uint64_t now,
     uint16_t op, const void *payload, uint16_t len, void *reply_payload, size_t cap)
{
	static uint32_t seq;
	uint8_t req[SVNIC_MBX_MSG_MAX], rep[SVNIC_MBX_MSG_MAX];
	const struct svnic_mbx_hdr *h = (const void *)rep;
	size_t req_len, rep_len = 0;
	unsigned int act = 0;

	req_len = svnic_mbx_build(req, sizeof(req), op, 0, ++seq, 0, payload, len);
	sriov_mbx_handle(sw, vf, ops, NULL, now, req, req_len, rep, sizeof(rep), &rep_len, &act);
	if (rep_len < sizeof(*h))
		return -EPROTO;
	if (reply_payload != NULL && h->status == 0)
		memcpy(reply_payload, rep + sizeof(*h), h->len < cap ? h->len : cap);
	printf("   guest -> PF %-18s status %-3u %s\n", svnic_mbx_op_name(op), h->status,
	       h->status == 0 ? "ok" : strerror((int)h->status));
	return -(int)h->status;
}

int
main(void)
{
	struct sriov_switch_cfg scfg = {
		.switch_id = 0, .total_vfs = 16,
		.pf_bus = 0x03, .pf_dev = 0, .pf_fn = 0, .ari = true,
		.first_vf_offset = 0x80, .vf_stride = 1,
		.total_queue_pairs = 64, .pf_queue_pairs = 8,
		.max_vectors_per_vf = 8, .numa_nodes = 1,
	};
	struct sriov_vf_params pa = {
		.switch_id = 0, .num_queue_pairs = 4, .numa_node = SRIOV_NUMA_ANY,
		.perm_mac = { 0x02, 0x53, 0x56, 0x00, 0x00, 0x10 }, .num_vectors = 5,
		.name = "tenant-a",
	};
	struct sriov_vf_params pb = pa;
	struct sriov_mbx_ops ops = {
		.pf_caps = SVNIC_MBX_CAP_RSS | SVNIC_MBX_CAP_LINK_EVENTS,
		.rss_key_size = SVNIC_RSS_KEY_MAX, .rss_table_size = 64,
		.rss_hash_types = SVNIC_RSS_HF_ALL,
	};
	struct sriov_cfg_desc desc = {
		.vf_id = 0, .vendor_id = SVNIC_PCI_VENDOR_ID,
		.vf_device_id = SVNIC_PCI_DEVICE_ID_VF, .revision = SVNIC_PCI_REVISION_ID,
		.class_code = SVNIC_PCI_CLASS_CODE, .msix_vectors = 5, .ari = true,
		.bars = { [0] = { .size = 64 * 1024, .is_64 = true } },
	};
	struct sriov_cfg_ops cops = { .read_passthrough = demo_passthrough, .flr = demo_flr };
	const uint8_t admin_mac[6] = { 0x02, 0x53, 0x56, 0xaa, 0x00, 0x01 };
	struct svnic_mbx_hello hello = { .major = 1, .minor = 0 };
	struct svnic_mbx_resources res;
	struct svnic_mbx_vlan vlan = { .vlan_id = 200 };
	struct svnic_mbx_enable on = { .enable = 1 };
	struct flr_ctx flr = { 0 };
	struct sriov_switch *sw;
	struct sriov_cfg *cfg;
	uint16_t a, b, rid;
	uint32_t v, ones = 0xffffffff;
	uint8_t garbage[8] = { 0xde, 0xad, 0xbe, 0xef };
	uint64_t now = 1000000000ull;
	int i, ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	sriov_log_set_handler(demo_log, NULL);
	printf("svnic demo: a VF's life through lib/sriov (the PF driver's SR-IOV core).\n");
	printf("No device yet: svnic-emu and the PMDs come next; this is the logic they run.\n");

	STEP("PF at 03:00.0 (ARI), TotalVFs %u, First VF Offset 0x%x, VF Stride %u",
	     scfg.total_vfs, scfg.first_vf_offset, scfg.vf_stride);
	sw = sriov_switch_create(&scfg);
	if (sw == NULL)
		return 1;
	sriov_switch_set_event_cb(sw, demo_event, NULL);
	check(sriov_switch_enable(sw, 4) == 0, "NumVFs = 4: four VFs HW_READY");

	STEP("Allocate two VFs (OID_NIC_SWITCH_ALLOCATE_VF)");
	check(sriov_vf_alloc(sw, &pa, &a, &rid) == 0 && a == 0 && rid == 0x0380,
	      "tenant-a: VF id 0, routing ID 03:10.0");
	pb.num_queue_pairs = 2;
	pb.perm_mac[5] = 0x11;
	snprintf(pb.name, sizeof(pb.name), "tenant-b");
	check(sriov_vf_alloc(sw, &pb, &b, &rid) == 0 && b == 1 && rid == 0x0381,
	      "tenant-b: VF id 1, routing ID 03:10.1");
	check(sriov_vf_set_params(sw, a, &pb) == -EPERM,
	      "parameters are fixed until the VF is freed (EPERM)");

	STEP("VPorts: tenant-a gets an operator MAC, tenant-b a port VLAN 100");
	check(sriov_vport_create(sw, a, SRIOV_QUEUE_AUTO, 0, NULL) == 0, "vport for vf 0");
	check(sriov_vport_create(sw, b, SRIOV_QUEUE_AUTO, 0, NULL) == 0, "vport for vf 1");
	check(sriov_vport_set_mac(sw, a, admin_mac) == 0, "vf 0 mac 02:53:56:aa:00:01");
	check(sriov_vport_set_vlan(sw, b, 100, 3, SRIOV_VLAN_PROTO_8021Q) == 0,
	      "vf 1 vlan 100 qos 3");
	print_table(sw);

	STEP("The guest of vf 0 reads its config space (mediated, OID_SRIOV_READ_VF_CONFIG_SPACE)");
	flr.sw = sw;
	flr.vf_id = a;
	cfg = sriov_cfg_create(&desc, &cops, &flr);
	if (cfg == NULL)
		return 1;
	v = cfg_read32(cfg, PCI_VENDOR_ID);
	printf("   vendor:device %04x:%04x, class %06x\n", v & 0xffff, v >> 16,
	       cfg_read32(cfg, PCI_CLASS_REVISION) >> 8);
	check((v & 0xffff) == SVNIC_PCI_VENDOR_ID && (v >> 16) == SVNIC_PCI_DEVICE_ID_VF,
	      "vendor is the PF's, device is the SR-IOV VF Device ID");
	sriov_cfg_write(cfg, PCI_BASE_ADDRESS_0, &ones, 4);
	sriov_cfg_write(cfg, PCI_BASE_ADDRESS_1, &ones, 4);
	v = cfg_read32(cfg, PCI_BASE_ADDRESS_0);
	printf("   BAR0 sizing: wrote all ones, read 0x%08x -> %u KiB, 64-bit\n", v,
	       (~(v & ~0xfu) + 1) / 1024);
	check((~(v & ~0xfu) + 1) == 64 * 1024, "BAR0 reports 64 KiB");
	printf("   capabilities:");
	for (v = cfg_read32(cfg, PCI_CAPABILITY_LIST) & 0xff; v != 0;
	     v = (cfg_read32(cfg, v) >> 8) & 0xff)
		printf(" 0x%02x@0x%02x", cfg_read32(cfg, v) & 0xff, v);
	printf("; extended: 0x%04x@0x100\n", cfg_read32(cfg, 0x100) & 0xffff);
	v = 0x1234;
	sriov_cfg_write(cfg, PCI_VENDOR_ID, &v, 2);
	check((cfg_read32(cfg, PCI_VENDOR_ID) & 0xffff) == SVNIC_PCI_VENDOR_ID,
	      "a write to the vendor id is dropped, as hardware drops it");

	STEP("The guest of vf 1 talks to the PF over the mailbox");
	check(send(sw, b, &ops, now, SVNIC_MBX_OP_GET_RESOURCES, NULL, 0, NULL, 0) == -EPROTO,
	      "nothing before HELLO");
	check(send(sw, b, &ops, now, SVNIC_MBX_OP_HELLO, &hello, sizeof(hello), NULL, 0) == 0,
	      "HELLO negotiates version 1.0");
	memset(&res, 0, sizeof(res));
	ret = send(sw, b, &ops, now, SVNIC_MBX_OP_GET_RESOURCES, NULL, 0, &res, sizeof(res));
	printf("   resources: %u queue pairs, mac ", res.num_queue_pairs);
	print_mac(res.mac);
	printf(", port vlan %u, %u MAC filters\n", res.port_vlan, res.max_mac_filters);
	check(ret == 0 && res.num_queue_pairs == 2 && res.port_vlan == 100,
	      "the VF learns its queues and that a port VLAN is set");
	check(send(sw, b, &ops, now, SVNIC_MBX_OP_ADD_VLAN, &vlan, sizeof(vlan), NULL, 0) ==
	      -EPERM, "ADD_VLAN refused under a port VLAN");
	check(send(sw, b, &ops, now, SVNIC_MBX_OP_SET_PROMISC, &on, sizeof(on), NULL, 0) ==
	      -EPERM, "promiscuous mode refused to an untrusted VF");
	sriov_vf_guest_up(sw, b);

	STEP("vf 1 floods the mailbox with garbage");
	for (i = 0; i < 200 && sriov_switch_vf(sw, b)->state != SRIOV_VF_QUARANTINED; i++) {
		size_t rl = 0;
		unsigned int act = 0;
		uint8_t rep[SRIOV_MBX_REPLY_MAX];

		sriov_mbx_handle(sw, b, &ops, NULL, now, garbage, sizeof(garbage), rep,
				 sizeof(rep), &rl, &act);
	}
	printf("   after %d bad messages\n", i);
	check(sriov_switch_vf(sw, b)->state == SRIOV_VF_QUARANTINED, "vf 1 is quarantined");
	check(sriov_vf_reset(sw, b, false) == -EPERM, "a guest reset does not lift it");
	check(sriov_vf_reset(sw, b, true) == 0, "the operator's reset does");
	print_table(sw);

	STEP("The guest of vf 0 starts a function level reset through config space");
	check(sriov_vf_guest_up(sw, a) == 0, "vf 0 guest up");
	v = PCI_EXP_DEVCTL_BCR_FLR;
	sriov_cfg_write(cfg, SVNIC_VF_CFG_PCIE_CAP + PCI_EXP_DEVCTL, &v, 2);
	check(flr.calls == 1 && sriov_switch_vf(sw, a)->state == SRIOV_VF_ATTACHED,
	      "FLR reset the VF; it is ATTACHED again, operator MAC kept");
	check((cfg_read32(cfg, SVNIC_VF_CFG_PCIE_CAP + PCI_EXP_DEVCTL) &
	       PCI_EXP_DEVCTL_BCR_FLR) == 0, "the FLR bit reads back 0");

	STEP("Free (OID_NIC_SWITCH_FREE_VF) and disable virtualization");
	check(sriov_vf_free(sw, a, 0) == -EBUSY, "free refused while the VPort is attached");
	check(sriov_vf_free(sw, a, SRIOV_FREE_CASCADE) == 0, "cascading free of vf 0");
	check(sriov_vf_free(sw, b, SRIOV_FREE_CASCADE) == 0, "cascading free of vf 1");
	check(sriov_switch_disable(sw) == 0, "NumVFs = 0");
	check(sriov_switch_verify(sw) == 0, "every switch invariant holds");

	sriov_cfg_destroy(cfg);
	sriov_switch_destroy(sw);
	printf("\n%s: %d check(s) failed\n", failures ? "FAILED" : "done", failures);
	return failures != 0;
}
