/* STUB: replaced on merge */
/* SPDX-License-Identifier: BSD-3-Clause */
/* Placeholder for the /svnic/ telemetry endpoints, written in another branch. */
