/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sriov_log.h"
#include "sriov_switch.h"

struct sriov_switch {
	struct sriov_switch_cfg cfg;
	uint16_t num_vfs;		/* NumVFs while enabled, else 0 */
	uint16_t queues_reserved;	/* queue pairs held by allocated VFs */
	sriov_vf_event_cb event_cb;
	void *event_ctx;
	unsigned long refused_logged;	/* log rate limiter for refusals */
	struct sriov_vf vfs[];
};

static const char *
sriov_errno_name(int err)
{
	switch (-err) {
	case ENODEV: return "ENODEV (no such VF: virtualization covers fewer VFs)";
	case ENOENT: return "ENOENT (not allocated)";
	case EBUSY: return "EBUSY (in use: VPort, guest or reset)";
	case EALREADY: return "EALREADY (already in that state)";
	case EEXIST: return "EEXIST (a VPort is already attached)";
	case ENOTCONN: return "ENOTCONN (no VPort attached)";
	case EPERM: return "EPERM (quarantined: needs an operator reset)";
	case EINVAL: return "EINVAL (makes no sense in this state)";
	default: return "error";
	}
}

bool
sriov_mac_is_valid_unicast(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return (mac[0] & 0x01) == 0 && memcmp(mac, zero, 6) != 0;
}

/* The one place where a VF changes state: the table decides, we record it. */
static int
sriov_vf_apply(struct sriov_switch *sw, struct sriov_vf *vf, enum sriov_vf_event ev)
{
	enum sriov_vf_state old = vf->state;
	int next = sriov_vf_fsm_next(old, ev);

	if (next < 0) {
		if (sriov_log_ratelimit(&sw->refused_logged))
			SRIOV_LOG(INFO, "switch %u vf %u: %s refused in state %s: %s",
				  sw->cfg.switch_id, vf->vf_id, sriov_vf_event_name(ev),
				  sriov_vf_state_name(old), sriov_errno_name(next));
		return next;
	}
	vf->state = (enum sriov_vf_state)next;
	if (sw->event_cb != NULL)
		sw->event_cb(sw, vf->vf_id, old, vf->state, ev, sw->event_ctx);
	return 0;
}

int
sriov_rid_compute(const struct sriov_switch_cfg *cfg, uint16_t vf_id, uint16_t *rid)
{
	uint32_t pf_rid, r;

	/*
	 * PCIe Base Spec, SR-IOV "First VF Offset" / "VF Stride": a VF's routing ID
	 * is the PF's plus the offset plus n strides, as one 16-bit number, so a
	 * large sum carries from the function into the device and bus numbers.
	 * With ARI the function number is 8 bits and the device number is 0.
	 */
	if (cfg->ari) {
		if (cfg->pf_dev != 0)
			return -EINVAL;
		pf_rid = ((uint32_t)cfg->pf_bus << 8) | cfg->pf_fn;
	} else {
		if (cfg->pf_dev > 31 || cfg->pf_fn > 7)
			return -EINVAL;
		pf_rid = ((uint32_t)cfg->pf_bus << 8) | ((uint32_t)cfg->pf_dev << 3) | cfg->pf_fn;
	}
	r = pf_rid + cfg->first_vf_offset + (uint32_t)vf_id * cfg->vf_stride;
	if (r > 0xffff)
		return -ERANGE;
	*rid = (uint16_t)r;
	return 0;
}

static int
sriov_switch_cfg_check(const struct sriov_switch_cfg *cfg)
{
	uint16_t rid;
	int ret;

	if (cfg->total_vfs == 0 || cfg->total_vfs > SRIOV_TOTAL_VFS_MAX) {
		SRIOV_LOG(ERR, "switch %u: TotalVFs %u outside 1..%u", cfg->switch_id,
			  cfg->total_vfs, SRIOV_TOTAL_VFS_MAX);
		return -EINVAL;
	}
	/* A VF never shares the PF's routing ID; several VFs need a stride. */
	if (cfg->first_vf_offset == 0 || (cfg->total_vfs > 1 && cfg->vf_stride == 0)) {
		SRIOV_LOG(ERR, "switch %u: First VF Offset %u / VF Stride %u impossible",
			  cfg->switch_id, cfg->first_vf_offset, cfg->vf_stride);
		return -EINVAL;
	}
	ret = sriov_rid_compute(cfg, cfg->total_vfs - 1, &rid);
	if (ret < 0) {
		SRIOV_LOG(ERR, "switch %u: VF routing IDs do not fit the PF at %02x:%02x.%u%s",
			  cfg->switch_id, cfg->pf_bus, cfg->pf_dev, cfg->pf_fn,
			  cfg->ari ? " (ARI)" : "");
		return -EINVAL;
	}
	if (cfg->pf_queue_pairs > cfg->total_queue_pairs || cfg->max_vectors_per_vf == 0 ||
	    cfg->numa_nodes < 1) {
		SRIOV_LOG(ERR, "switch %u: bad resources (queues %u/%u, vectors %u, nodes %d)",
			  cfg->switch_id, cfg->pf_queue_pairs, cfg->total_queue_pairs,
			  cfg->max_vectors_per_vf, cfg->numa_nodes);
		return -EINVAL;
	}
	return 0;
}

struct sriov_switch *
sriov_switch_create(const struct sriov_switch_cfg *cfg)
{
	struct sriov_switch *sw;
	uint16_t i;

	if (cfg == NULL || sriov_switch_cfg_check(cfg) < 0) {
		errno = EINVAL;
		return NULL;
	}
	sw = calloc(1, sizeof(*sw) + (size_t)cfg->total_vfs * sizeof(sw->vfs[0]));
	if (sw == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	sw->cfg = *cfg;
	for (i = 0; i < cfg->total_vfs; i++) {
		struct sriov_vf *vf = &sw->vfs[i];

		vf->vf_id = i;
		vf->state = SRIOV_VF_DISABLED;
		sriov_rid_compute(cfg, i, &vf->rid);
		sriov_ratelimit_init(&vf->mbx_rl, 0, 0, 0, 0);
	}
	return sw;
}

void
sriov_switch_destroy(struct sriov_switch *sw)
{
	free(sw);
}

void
sriov_switch_set_event_cb(struct sriov_switch *sw, sriov_vf_event_cb cb, void *ctx)
{
	sw->event_cb = cb;
	sw->event_ctx = ctx;
}

const struct sriov_switch_cfg *
sriov_switch_get_cfg(const struct sriov_switch *sw)
{
	return &sw->cfg;
}

uint16_t
sriov_switch_num_vfs(const struct sriov_switch *sw)
{
	return sw->num_vfs;
}

uint16_t
sriov_switch_free_queue_pairs(const struct sriov_switch *sw)
{
	return sw->cfg.total_queue_pairs - sw->cfg.pf_queue_pairs - sw->queues_reserved;
}

int
sriov_switch_enable(struct sriov_switch *sw, uint16_t num_vfs)
{
	uint16_t i;

	if (num_vfs == 0 || num_vfs > sw->cfg.total_vfs) {
		SRIOV_LOG(ERR, "switch %u: NumVFs %u outside 1..%u (TotalVFs)",
			  sw->cfg.switch_id, num_vfs, sw->cfg.total_vfs);
		return -EINVAL;
	}
	/* PCIe: NumVFs may only change while VF Enable is clear. */
	if (sw->num_vfs != 0) {
		SRIOV_LOG(ERR, "switch %u: virtualization already enabled with %u VFs",
			  sw->cfg.switch_id, sw->num_vfs);
		return -EBUSY;
	}
	for (i = 0; i < num_vfs; i++)
		sriov_vf_apply(sw, &sw->vfs[i], SRIOV_VF_EV_ENABLE);
	sw->num_vfs = num_vfs;
	return 0;
}

int
sriov_switch_disable(struct sriov_switch *sw)
{
	uint16_t i;

	if (sw->num_vfs == 0)
		return -EALREADY;
	for (i = 0; i < sw->num_vfs; i++) {
		if (sriov_vf_state_is_allocated(sw->vfs[i].state)) {
			SRIOV_LOG(ERR, "switch %u: cannot disable virtualization, vf %u is %s",
				  sw->cfg.switch_id, i, sriov_vf_state_name(sw->vfs[i].state));
			return -EBUSY;
		}
	}
	for (i = 0; i < sw->num_vfs; i++)
		sriov_vf_apply(sw, &sw->vfs[i], SRIOV_VF_EV_DISABLE);
	sw->num_vfs = 0;
	return 0;
}

struct sriov_vf *
sriov_switch_vf(struct sriov_switch *sw, uint16_t vf_id)
{
	if (sw == NULL || vf_id >= sw->cfg.total_vfs)
		return NULL;
	return &sw->vfs[vf_id];
}

const struct sriov_vf *
sriov_switch_vf_const(const struct sriov_switch *sw, uint16_t vf_id)
{
	if (sw == NULL || vf_id >= sw->cfg.total_vfs)
		return NULL;
	return &sw->vfs[vf_id];
}

static int
sriov_vf_params_check(const struct sriov_switch *sw, const struct sriov_vf_params *p)
{
	const char *why = NULL;

	if (p->switch_id != sw->cfg.switch_id)
		why = "unknown switch id";
	else if (p->num_queue_pairs == 0)
		why = "no queue pairs";
	else if (p->num_queue_pairs > sriov_switch_free_queue_pairs(sw))
		why = "more queue pairs than the device has free";
	else if (p->numa_node != SRIOV_NUMA_ANY &&
		 (p->numa_node < 0 || p->numa_node >= sw->cfg.numa_nodes))
		why = "no such NUMA node";
	else if (!sriov_mac_is_valid_unicast(p->perm_mac))
		why = "permanent MAC is not a unicast address";
	else if (p->num_vectors == 0 || p->num_vectors > sw->cfg.max_vectors_per_vf)
		why = "interrupt vector count out of range";
	else if (memchr(p->name, '\0', sizeof(p->name)) == NULL)
		why = "name is not terminated";
	if (why == NULL)
		return 0;
	SRIOV_LOG(ERR, "switch %u: VF parameters refused: %s (switch %u, %u queue pairs, "
		  "%u vectors, node %d)", sw->cfg.switch_id, why, p->switch_id,
		  p->num_queue_pairs, p->num_vectors, p->numa_node);
	return -EINVAL;
}

int
sriov_vf_alloc(struct sriov_switch *sw, const struct sriov_vf_params *params,
	       uint16_t *vf_id, uint16_t *rid)
{
	struct sriov_vf *vf = NULL;
	uint16_t i;
	int ret;

	if (params == NULL)
		return -EINVAL;
	ret = sriov_vf_params_check(sw, params);
	if (ret < 0)
		return ret;
	/* NDIS: the VF id is zero-based and unique; we hand out the lowest free. */
	for (i = 0; i < sw->num_vfs; i++) {
		if (sw->vfs[i].state == SRIOV_VF_HW_READY) {
			vf = &sw->vfs[i];
			break;
		}
	}
	if (vf == NULL) {
		SRIOV_LOG(ERR, "switch %u: no VF left to allocate (%u enabled)",
			  sw->cfg.switch_id, sw->num_vfs);
		return -ENOSPC;
	}
	vf->params = *params;		/* before the event, as the owner reads them */
	ret = sriov_vf_apply(sw, vf, SRIOV_VF_EV_ALLOC);
	if (ret < 0) {
		memset(&vf->params, 0, sizeof(vf->params));
		return ret;
	}
	sw->queues_reserved += params->num_queue_pairs;
	if (vf_id != NULL)
		*vf_id = vf->vf_id;
	if (rid != NULL)
		*rid = vf->rid;
	return 0;
}

static int
sriov_vf_lookup(const struct sriov_switch *sw, uint16_t vf_id, const char *what)
{
	if (vf_id >= sw->num_vfs) {
		SRIOV_LOG(ERR, "switch %u: %s: no vf %u (%u enabled)", sw->cfg.switch_id,
			  what, vf_id, sw->num_vfs);
		return -ENOENT;
	}
	return 0;
}

static void
sriov_vf_guest_clear(struct sriov_vf *vf)
{
	memset(&vf->guest, 0, sizeof(vf->guest));
	vf->mbx_log_count = 0;
	sriov_ratelimit_reset(&vf->mbx_rl, vf->mbx_rl.last_ns);
}

int
sriov_vf_free(struct sriov_switch *sw, uint16_t vf_id, unsigned int flags)
{
	struct sriov_vf *vf;
	int ret;

	ret = sriov_vf_lookup(sw, vf_id, "free");
	if (ret < 0)
		return ret;
	vf = &sw->vfs[vf_id];
	if ((flags & SRIOV_FREE_CASCADE) && sriov_vf_state_has_vport(vf->state)) {
		if (vf->state == SRIOV_VF_ACTIVE)
			sriov_vf_apply(sw, vf, SRIOV_VF_EV_GUEST_DOWN);
		if (vf->state == SRIOV_VF_QUARANTINED) {
			ret = sriov_vf_reset(sw, vf_id, true);
			if (ret < 0)
				return ret;
		}
		ret = sriov_vport_delete(sw, vf_id);
		if (ret < 0)
			return ret;
	}
	ret = sriov_vf_apply(sw, vf, SRIOV_VF_EV_FREE);
	if (ret < 0) {
		if (ret == -EBUSY)
			SRIOV_LOG(ERR, "switch %u vf %u: free refused: delete its VPort first "
				  "or free with cascade", sw->cfg.switch_id, vf_id);
		return ret;
	}
	sw->queues_reserved -= vf->params.num_queue_pairs;
	memset(&vf->params, 0, sizeof(vf->params));
	memset(&vf->vport, 0, sizeof(vf->vport));
	sriov_vf_guest_clear(vf);
	return 0;
}

int
sriov_vf_get_info(const struct sriov_switch *sw, uint16_t vf_id, struct sriov_vf_info *info)
{
	const struct sriov_vf *vf;

	if (vf_id >= sw->cfg.total_vfs || !sriov_vf_state_is_allocated(sw->vfs[vf_id].state))
		return -ENOENT;
	vf = &sw->vfs[vf_id];
	info->vf_id = vf->vf_id;
	info->rid = vf->rid;
	info->state = vf->state;
	info->params = vf->params;
	return 0;
}

int
sriov_vf_set_params(struct sriov_switch *sw, uint16_t vf_id, const struct sriov_vf_params *params)
{
	(void)params;
	if (vf_id >= sw->cfg.total_vfs || !sriov_vf_state_is_allocated(sw->vfs[vf_id].state))
		return -ENOENT;
	/* NDIS: allocation parameters cannot change until the VF is freed. */
	SRIOV_LOG(ERR, "switch %u vf %u: parameters are fixed until the VF is freed",
		  sw->cfg.switch_id, vf_id);
	return -EPERM;
}

void
sriov_vport_props_init(struct sriov_vport_props *props)
{
	memset(props, 0, sizeof(*props));
	props->vlan_proto = SRIOV_VLAN_PROTO_8021Q;
	props->spoofchk = true;
	props->link_state = SRIOV_LINK_AUTO;
}

static int
sriov_vport_props_check(const struct sriov_vport_props *p)
{
	if (p->mac_set && !sriov_mac_is_valid_unicast(p->mac))
		return -EINVAL;
	if (p->vlan_id > 4094 || p->vlan_qos > 7)
		return -EINVAL;
	if (p->vlan_proto != SRIOV_VLAN_PROTO_8021Q && p->vlan_proto != SRIOV_VLAN_PROTO_8021AD)
		return -EINVAL;
	if ((unsigned int)p->link_state > SRIOV_LINK_DISABLE)
		return -EINVAL;
	if (p->max_tx_rate != 0 && p->min_tx_rate > p->max_tx_rate)
		return -EINVAL;
	return 0;
}

static bool
sriov_ranges_overlap(uint16_t a, uint16_t na, uint16_t b, uint16_t nb)
{
	return (uint32_t)a < (uint32_t)b + nb && (uint32_t)b < (uint32_t)a + na;
}

/* Is [base, base + n) inside the VF queue space and clear of every VPort? */
static int
sriov_queue_range_check(const struct sriov_switch *sw, uint16_t base, uint16_t n)
{
	uint16_t i;

	if (base < sw->cfg.pf_queue_pairs || (uint32_t)base + n > sw->cfg.total_queue_pairs)
		return -EINVAL;
	for (i = 0; i < sw->num_vfs; i++) {
		const struct sriov_vf *o = &sw->vfs[i];

		if (sriov_vf_state_has_vport(o->state) &&
		    sriov_ranges_overlap(base, n, o->vport.queue_base, o->vport.nb_queues))
			return -EBUSY;
	}
	return 0;
}

int
sriov_vport_create(struct sriov_switch *sw, uint16_t vf_id, uint16_t queue_base,
		   uint16_t nb_queues, const struct sriov_vport_props *props)
{
	struct sriov_vport_props defaults;
	struct sriov_vf *vf;
	uint32_t b;
	int ret;

	ret = sriov_vf_lookup(sw, vf_id, "vport create");
	if (ret < 0)
		return ret;
	vf = &sw->vfs[vf_id];
	ret = sriov_vf_fsm_next(vf->state, SRIOV_VF_EV_VPORT_CREATE);
	if (ret < 0)
		return sriov_vf_apply(sw, vf, SRIOV_VF_EV_VPORT_CREATE);
	if (props == NULL) {
		sriov_vport_props_init(&defaults);
		props = &defaults;
	}
	if (sriov_vport_props_check(props) < 0) {
		SRIOV_LOG(ERR, "switch %u vf %u: VPort properties refused", sw->cfg.switch_id,
			  vf_id);
		return -EINVAL;
	}
	if (nb_queues == 0)
		nb_queues = vf->params.num_queue_pairs;
	if (nb_queues > vf->params.num_queue_pairs) {
		SRIOV_LOG(ERR, "switch %u vf %u: VPort wants %u queues, the VF has %u",
			  sw->cfg.switch_id, vf_id, nb_queues, vf->params.num_queue_pairs);
		return -EINVAL;
	}
	if (queue_base == SRIOV_QUEUE_AUTO) {
		ret = -ENOSPC;
		for (b = sw->cfg.pf_queue_pairs; b + nb_queues <= sw->cfg.total_queue_pairs; b++) {
			if (sriov_queue_range_check(sw, (uint16_t)b, nb_queues) == 0) {
				queue_base = (uint16_t)b;
				ret = 0;
				break;
			}
		}
	} else {
		ret = sriov_queue_range_check(sw, queue_base, nb_queues);
	}
	if (ret < 0) {
		SRIOV_LOG(ERR, "switch %u vf %u: no queue range for the VPort "
			  "(base %u, %u queues): %s", sw->cfg.switch_id, vf_id, queue_base,
			  nb_queues,
			  ret == -EBUSY ? "overlaps another VPort" :
			  ret == -ENOSPC ? "no free contiguous range" : "outside the VF queues");
		return ret;
	}
	/* The VPort is in place before the event: the owner programs the device
	 * from the event callback, with these very values. */
	vf->vport.queue_base = queue_base;
	vf->vport.nb_queues = nb_queues;
	vf->vport.props = *props;
	sriov_vf_guest_clear(vf);
	ret = sriov_vf_apply(sw, vf, SRIOV_VF_EV_VPORT_CREATE);
	if (ret < 0)
		memset(&vf->vport, 0, sizeof(vf->vport));
	return ret;
}

int
sriov_vf_queue_abs(const struct sriov_switch *sw, uint16_t vf_id, uint16_t queue,
		   uint16_t *abs_queue)
{
	const struct sriov_vf *vf;
	int ret;

	if (abs_queue == NULL)
		return -EINVAL;
	ret = sriov_vf_lookup(sw, vf_id, "queue index");
	if (ret < 0)
		return ret;
	vf = &sw->vfs[vf_id];
	if (!sriov_vf_state_has_vport(vf->state))
		return -ENOTCONN;
	if (queue >= vf->vport.nb_queues)
		return -ERANGE;
	*abs_queue = (uint16_t)(vf->vport.queue_base + queue);
	return 0;
}

int
sriov_vport_delete(struct sriov_switch *sw, uint16_t vf_id)
{
	struct sriov_vf *vf;
	int ret;

	ret = sriov_vf_lookup(sw, vf_id, "vport delete");
	if (ret < 0)
		return ret;
	vf = &sw->vfs[vf_id];
	ret = sriov_vf_apply(sw, vf, SRIOV_VF_EV_VPORT_DELETE);
	if (ret < 0)
		return ret;
	memset(&vf->vport, 0, sizeof(vf->vport));
	sriov_vf_guest_clear(vf);
	return 0;
}

/* The VPort of a VF, for the property setters: -ENOENT / -ENOTCONN otherwise. */
static struct sriov_vf *
sriov_vport_vf(struct sriov_switch *sw, uint16_t vf_id, int *err)
{
	struct sriov_vf *vf;

	*err = sriov_vf_lookup(sw, vf_id, "vport property");
	if (*err < 0)
		return NULL;
	vf = &sw->vfs[vf_id];
	if (!sriov_vf_state_is_allocated(vf->state)) {
		*err = -ENOENT;
		return NULL;
	}
	if (!sriov_vf_state_has_vport(vf->state)) {
		*err = -ENOTCONN;
		return NULL;
	}
	return vf;
}

static unsigned int
sriov_limit_macs(const struct sriov_vf *vf)
{
	return vf->vport.props.trust ? SVNIC_MBX_MAC_FILTERS_MAX : SRIOV_UNTRUSTED_MAC_FILTERS;
}

static unsigned int
sriov_limit_vlans(const struct sriov_vf *vf)
{
	return vf->vport.props.trust ? SVNIC_MBX_VLAN_FILTERS_MAX : SRIOV_UNTRUSTED_VLAN_FILTERS;
}

/*
 * After the operator tightens a VPort's policy, drop what the guest holds that
 * the new policy would have refused, so the guest state always obeys it.
 */
static void
sriov_vport_enforce(struct sriov_vf *vf)
{
	struct sriov_vf_guest *g = &vf->guest;
	const struct sriov_vport_props *p = &vf->vport.props;
	unsigned int v, kept = 0;

	if (g->promisc && !(p->trust && p->allow_promisc))
		g->promisc = false;
	if (g->allmulti && !(p->trust || p->allow_allmulti))
		g->allmulti = false;
	if (!p->trust && p->mac_set && g->mac_set && memcmp(g->mac, p->mac, 6) != 0)
		g->mac_set = false;
	if (g->nb_mac_filters > sriov_limit_macs(vf)) {
		memset(g->mac_filters[sriov_limit_macs(vf)], 0,
		       (g->nb_mac_filters - sriov_limit_macs(vf)) * sizeof(g->mac_filters[0]));
		g->nb_mac_filters = (uint16_t)sriov_limit_macs(vf);
	}
	for (v = 0; v < 4096; v++) {
		if (!(g->vlan_bitmap[v / 8] & (1u << (v % 8))))
			continue;
		if (p->vlan_id != 0 || kept >= sriov_limit_vlans(vf))
			g->vlan_bitmap[v / 8] &= (uint8_t)~(1u << (v % 8));
		else
			kept++;
	}
	g->nb_vlans = (uint16_t)kept;
}

int
sriov_vport_set_mac(struct sriov_switch *sw, uint16_t vf_id, const uint8_t mac[6])
{
	struct sriov_vf *vf;
	int ret;

	vf = sriov_vport_vf(sw, vf_id, &ret);
	if (vf == NULL)
		return ret;
	if (!sriov_mac_is_valid_unicast(mac)) {
		SRIOV_LOG(ERR, "switch %u vf %u: MAC is not a unicast address", sw->cfg.switch_id,
			  vf_id);
		return -EINVAL;
	}
	memcpy(vf->vport.props.mac, mac, 6);
	vf->vport.props.mac_set = true;
	sriov_vport_enforce(vf);
	return 0;
}

int
sriov_vport_set_vlan(struct sriov_switch *sw, uint16_t vf_id, uint16_t vlan_id, uint8_t qos,
		     uint16_t proto)
{
	struct sriov_vport_props p;
	struct sriov_vf *vf;
	int ret;

	vf = sriov_vport_vf(sw, vf_id, &ret);
	if (vf == NULL)
		return ret;
	p = vf->vport.props;
	p.vlan_id = vlan_id;
	p.vlan_qos = qos;
	p.vlan_proto = proto;
	if (sriov_vport_props_check(&p) < 0 || (vlan_id == 0 && qos != 0)) {
		SRIOV_LOG(ERR, "switch %u vf %u: VLAN %u qos %u proto 0x%04x refused",
			  sw->cfg.switch_id, vf_id, vlan_id, qos, proto);
		return -EINVAL;
	}
	vf->vport.props = p;
	sriov_vport_enforce(vf);
	return 0;
}

int
sriov_vport_set_spoofchk(struct sriov_switch *sw, uint16_t vf_id, bool on)
{
	struct sriov_vf *vf;
	int ret;

	vf = sriov_vport_vf(sw, vf_id, &ret);
	if (vf == NULL)
		return ret;
	vf->vport.props.spoofchk = on;
	return 0;
}

int
sriov_vport_set_trust(struct sriov_switch *sw, uint16_t vf_id, bool on)
{
	struct sriov_vf *vf;
	int ret;

	vf = sriov_vport_vf(sw, vf_id, &ret);
	if (vf == NULL)
		return ret;
	vf->vport.props.trust = on;
	sriov_vport_enforce(vf);
	return 0;
}

int
sriov_vport_set_link_state(struct sriov_switch *sw, uint16_t vf_id, enum sriov_link_state state)
{
	struct sriov_vf *vf;
	int ret;

	vf = sriov_vport_vf(sw, vf_id, &ret);
	if (vf == NULL)
		return ret;
	if ((unsigned int)state > SRIOV_LINK_DISABLE)
		return -EINVAL;
	vf->vport.props.link_state = state;
	return 0;
}

int
sriov_vport_set_rate(struct sriov_switch *sw, uint16_t vf_id, uint32_t min_mbps,
		     uint32_t max_mbps)
{
	struct sriov_vf *vf;
	int ret;

	vf = sriov_vport_vf(sw, vf_id, &ret);
	if (vf == NULL)
		return ret;
	if (max_mbps != 0 && min_mbps > max_mbps) {
		SRIOV_LOG(ERR, "switch %u vf %u: min rate %u above max rate %u Mbit/s",
			  sw->cfg.switch_id, vf_id, min_mbps, max_mbps);
		return -EINVAL;
	}
	vf->vport.props.min_tx_rate = min_mbps;
	vf->vport.props.max_tx_rate = max_mbps;
	return 0;
}

int
sriov_vport_set_rx_mode_allow(struct sriov_switch *sw, uint16_t vf_id, bool allow_promisc,
			      bool allow_allmulti)
{
	struct sriov_vf *vf;
	int ret;

	vf = sriov_vport_vf(sw, vf_id, &ret);
	if (vf == NULL)
		return ret;
	vf->vport.props.allow_promisc = allow_promisc;
	vf->vport.props.allow_allmulti = allow_allmulti;
	sriov_vport_enforce(vf);
	return 0;
}

int
sriov_vport_get_props(const struct sriov_switch *sw, uint16_t vf_id,
		      struct sriov_vport_props *props)
{
	const struct sriov_vf *vf;

	if (vf_id >= sw->num_vfs)
		return -ENOENT;
	vf = &sw->vfs[vf_id];
	if (!sriov_vf_state_is_allocated(vf->state))
		return -ENOENT;
	if (!sriov_vf_state_has_vport(vf->state))
		return -ENOTCONN;
	*props = vf->vport.props;
	return 0;
}

static int
sriov_vf_event(struct sriov_switch *sw, uint16_t vf_id, enum sriov_vf_event ev)
{
	int ret = sriov_vf_lookup(sw, vf_id, sriov_vf_event_name(ev));

	if (ret < 0)
		return ret;
	return sriov_vf_apply(sw, &sw->vfs[vf_id], ev);
}

int
sriov_vf_guest_up(struct sriov_switch *sw, uint16_t vf_id)
{
	return sriov_vf_event(sw, vf_id, SRIOV_VF_EV_GUEST_UP);
}

int
sriov_vf_guest_down(struct sriov_switch *sw, uint16_t vf_id)
{
	return sriov_vf_event(sw, vf_id, SRIOV_VF_EV_GUEST_DOWN);
}

int
sriov_vf_quarantine(struct sriov_switch *sw, uint16_t vf_id)
{
	int ret = sriov_vf_event(sw, vf_id, SRIOV_VF_EV_QUARANTINE);

	if (ret == 0)
		SRIOV_LOG(WARNING, "switch %u vf %u: quarantined; an operator reset brings it back",
			  sw->cfg.switch_id, vf_id);
	return ret;
}

int
sriov_vf_reset_begin(struct sriov_switch *sw, uint16_t vf_id, bool operator)
{
	int ret = sriov_vf_event(sw, vf_id, operator ? SRIOV_VF_EV_OPERATOR_RESET :
				 SRIOV_VF_EV_RESET);

	if (ret < 0)
		return ret;
	/* Nothing of the previous guest survives; the operator's VPort settings do. */
	sriov_vf_guest_clear(&sw->vfs[vf_id]);
	return 0;
}

int
sriov_vf_reset_done(struct sriov_switch *sw, uint16_t vf_id)
{
	return sriov_vf_event(sw, vf_id, SRIOV_VF_EV_RESET_DONE);
}

int
sriov_vf_reset(struct sriov_switch *sw, uint16_t vf_id, bool operator)
{
	int ret = sriov_vf_reset_begin(sw, vf_id, operator);

	if (ret < 0)
		return ret;
	return sriov_vf_reset_done(sw, vf_id);
}

#define SRIOV_VERIFY(cond, ...) do {					\
	if (!(cond)) {							\
		SRIOV_LOG(ERR, "switch invariant broken: " __VA_ARGS__);	\
		return -EFAULT;						\
	}								\
} while (0)

/* The queues of a VF with a VPort: what CONFIG_QUEUE would have accepted. */
static int
sriov_vf_verify_queues(const struct sriov_vf *vf)
{
	static const char * const tname[SVNIC_MBX_QTYPE_NB] = { "rx", "tx" };
	static const struct sriov_vf_queue unset;
	const struct sriov_vf_guest *g = &vf->guest;
	unsigned int nb = vf->vport.nb_queues, t, q;
	uint64_t in_range;

	if (nb > SRIOV_VF_QUEUES_MAX)
		nb = SRIOV_VF_QUEUES_MAX;
	in_range = nb >= 64 ? UINT64_MAX : (1ull << nb) - 1;
	for (t = 0; t < SVNIC_MBX_QTYPE_NB; t++) {
		SRIOV_VERIFY(g->hello_done || g->queues_configured[t] == 0,
			     "vf %u has %s queues without a HELLO", vf->vf_id, tname[t]);
		SRIOV_VERIFY((g->queues_enabled[t] & ~g->queues_configured[t]) == 0,
			     "vf %u enabled unconfigured %s queues 0x%llx", vf->vf_id, tname[t],
			     (unsigned long long)(g->queues_enabled[t] & ~g->queues_configured[t]));
		SRIOV_VERIFY((g->queues_configured[t] & ~in_range) == 0,
			     "vf %u has %s queues past its %u", vf->vf_id, tname[t], nb);
		for (q = 0; q < SRIOV_VF_QUEUES_MAX; q++) {
			const struct sriov_vf_queue *c = &g->queues[t][q];

			if (!((g->queues_configured[t] >> q) & 1)) {
				SRIOV_VERIFY(memcmp(c, &unset, sizeof(*c)) == 0,
					     "vf %u %s queue %u set but not configured", vf->vf_id,
					     tname[t], q);
				continue;
			}
			SRIOV_VERIFY(c->ring_size >= SVNIC_RING_SIZE_MIN &&
				     c->ring_size <= SVNIC_RING_SIZE_MAX &&
				     (c->ring_size & (c->ring_size - 1)) == 0 &&
				     c->ring_addr != 0 && c->ring_addr % SVNIC_RING_ALIGN == 0 &&
				     c->head_wb_addr % 4 == 0,
				     "vf %u %s queue %u ring", vf->vf_id, tname[t], q);
			SRIOV_VERIFY(c->vector == SVNIC_MBX_QUEUE_NO_VECTOR ||
				     c->vector < vf->params.num_vectors,
				     "vf %u %s queue %u vector %u", vf->vf_id, tname[t], q,
				     c->vector);
			SRIOV_VERIFY(t == SVNIC_MBX_QTYPE_RX ?
				     (c->flags & ~SVNIC_MBX_QCFG_F_MASK) == 0 &&
				     c->buf_size >= SVNIC_RX_BUF_MIN &&
				     c->buf_size <= SVNIC_RX_BUF_MAX &&
				     c->buf_size % SVNIC_RX_BUF_ALIGN == 0 :
				     c->flags == 0 && c->buf_size == 0,
				     "vf %u %s queue %u buffers", vf->vf_id, tname[t], q);
		}
	}
	return 0;
}

static int
sriov_vf_verify_guest(const struct sriov_vf *vf)
{
	static const struct sriov_vf_guest clean;
	const struct sriov_vf_guest *g = &vf->guest;
	const struct sriov_vport_props *p = &vf->vport.props;
	unsigned int v, n = 0, i;

	if (!sriov_vf_state_has_vport(vf->state)) {
		SRIOV_VERIFY(memcmp(g, &clean, sizeof(*g)) == 0,
			     "vf %u has guest state without a VPort", vf->vf_id);
		return 0;
	}
	SRIOV_VERIFY(!g->hello_done ||
		     SVNIC_MBX_VERSION_GET_MAJOR(g->mbx_version) == SVNIC_MBX_VERSION_MAJOR,
		     "vf %u mailbox version 0x%x", vf->vf_id, g->mbx_version);
	SRIOV_VERIFY(g->nb_mac_filters <= sriov_limit_macs(vf), "vf %u has %u MAC filters",
		     vf->vf_id, g->nb_mac_filters);
	SRIOV_VERIFY(g->nb_mc_addrs <= SVNIC_MBX_MC_ADDRS_MAX, "vf %u multicast list",
		     vf->vf_id);
	for (v = 0; v < 4096; v++)
		if (g->vlan_bitmap[v / 8] & (1u << (v % 8)))
			n++;
	SRIOV_VERIFY(n == g->nb_vlans, "vf %u VLAN count %u, bitmap %u", vf->vf_id,
		     g->nb_vlans, n);
	SRIOV_VERIFY(!(g->vlan_bitmap[0] & 1) && !(g->vlan_bitmap[511] & 0x80),
		     "vf %u filters VLAN 0 or 4095", vf->vf_id);
	SRIOV_VERIFY(n <= sriov_limit_vlans(vf), "vf %u has %u VLANs", vf->vf_id, n);
	SRIOV_VERIFY(p->vlan_id == 0 || n == 0, "vf %u has VLAN filters under a port VLAN",
		     vf->vf_id);
	SRIOV_VERIFY(!g->promisc || (p->trust && p->allow_promisc), "vf %u promiscuous",
		     vf->vf_id);
	SRIOV_VERIFY(!g->allmulti || p->trust || p->allow_allmulti, "vf %u all-multicast",
		     vf->vf_id);
	SRIOV_VERIFY(p->trust || !p->mac_set || !g->mac_set || memcmp(g->mac, p->mac, 6) == 0,
		     "vf %u overrides the operator's MAC", vf->vf_id);
	SRIOV_VERIFY(g->mtu == 0 || (g->mtu >= SVNIC_MTU_MIN && g->mtu <= SVNIC_MTU_MAX),
		     "vf %u MTU %u", vf->vf_id, g->mtu);
	SRIOV_VERIFY(g->rss_table_len <= SVNIC_RSS_TABLE_MAX, "vf %u RSS table", vf->vf_id);
	for (i = 0; i < g->rss_table_len; i++)
		SRIOV_VERIFY(g->rss_table[i] < vf->vport.nb_queues,
			     "vf %u RSS entry %u -> queue %u", vf->vf_id, i, g->rss_table[i]);
	return sriov_vf_verify_queues(vf);
}

int
sriov_switch_verify(const struct sriov_switch *sw)
{
	uint32_t reserved = 0;
	uint16_t i, j;
	int ret;

	SRIOV_VERIFY(sw->num_vfs <= sw->cfg.total_vfs, "NumVFs %u", sw->num_vfs);
	for (i = 0; i < sw->cfg.total_vfs; i++) {
		const struct sriov_vf *vf = &sw->vfs[i];

		SRIOV_VERIFY((unsigned int)vf->state < SRIOV_VF_STATE_MAX, "vf %u state", i);
		SRIOV_VERIFY((i < sw->num_vfs) == (vf->state != SRIOV_VF_DISABLED),
			     "vf %u is %s with NumVFs %u", i, sriov_vf_state_name(vf->state),
			     sw->num_vfs);
		if (sriov_vf_state_is_allocated(vf->state)) {
			SRIOV_VERIFY(vf->params.num_queue_pairs >= 1, "vf %u queues", i);
			SRIOV_VERIFY(sriov_mac_is_valid_unicast(vf->params.perm_mac),
				     "vf %u permanent MAC", i);
			reserved += vf->params.num_queue_pairs;
		}
		if (sriov_vf_state_has_vport(vf->state)) {
			const struct sriov_vport *vp = &vf->vport;

			SRIOV_VERIFY(vp->nb_queues >= 1 &&
				     vp->nb_queues <= vf->params.num_queue_pairs,
				     "vf %u VPort has %u queues", i, vp->nb_queues);
			SRIOV_VERIFY(vp->queue_base >= sw->cfg.pf_queue_pairs &&
				     (uint32_t)vp->queue_base + vp->nb_queues <=
				     sw->cfg.total_queue_pairs, "vf %u VPort queue range", i);
			SRIOV_VERIFY(sriov_vport_props_check(&vp->props) == 0,
				     "vf %u VPort properties", i);
			for (j = 0; j < i; j++) {
				const struct sriov_vf *o = &sw->vfs[j];

				SRIOV_VERIFY(!sriov_vf_state_has_vport(o->state) ||
					     !sriov_ranges_overlap(vp->queue_base, vp->nb_queues,
						o->vport.queue_base, o->vport.nb_queues),
					     "VPorts of vf %u and vf %u overlap", j, i);
			}
		}
		ret = sriov_vf_verify_guest(vf);
		if (ret < 0)
			return ret;
	}
	SRIOV_VERIFY(reserved == sw->queues_reserved, "queue accounting %u != %u", reserved,
		     sw->queues_reserved);
	SRIOV_VERIFY(reserved + sw->cfg.pf_queue_pairs <= sw->cfg.total_queue_pairs,
		     "queues overcommitted");
	return 0;
}
