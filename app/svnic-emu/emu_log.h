/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef SVNIC_EMU_LOG_H
#define SVNIC_EMU_LOG_H

/*
 * The device model's core (switch, uplinks) never prints: each message goes to
 * a callback the embedding program installs (svnic-emu's main forwards to its
 * log, tests capture). Without a callback messages are dropped. Datapath
 * events are counted, not logged.
 */

enum svnic_emu_log_level {
	SVNIC_EMU_LOG_ERR = 1,
	SVNIC_EMU_LOG_WARNING,
	SVNIC_EMU_LOG_INFO,
	SVNIC_EMU_LOG_DEBUG,
};

typedef void (*svnic_emu_log_fn)(enum svnic_emu_log_level level, const char *msg, void *ctx);

/** Install the log sink of the device model's core; NULL silences it. */
void svnic_emu_log_set_handler(svnic_emu_log_fn fn, void *ctx);

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void svnic_emu_log(enum svnic_emu_log_level level, const char *fmt, ...);

#define SVNIC_EMU_LOG(lvl, ...) svnic_emu_log(SVNIC_EMU_LOG_##lvl, __VA_ARGS__)

#endif /* SVNIC_EMU_LOG_H */
