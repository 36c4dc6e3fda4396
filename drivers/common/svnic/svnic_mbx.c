/* SPDX-License-Identifier: BSD-3-Clause */
typedef int svnic_placeholder_t;
