#ifndef KITCHEN_CSIGNALS_H
#define KITCHEN_CSIGNALS_H

/*
 * Ctrl-C handling for Kitchen. A SIGINT sets a flag (polled with kitchen_sigint_take),
 * calls an optional callback (e.g. a wrapper around sqlite3_interrupt, which is
 * async-signal-safe) and makes sure the main thread sees EINTR in a blocking read().
 */

/* Install the SIGINT handler (no SA_RESTART) and remember the calling thread as the
   main thread. Call once, from the main thread, before starting other threads. */
void kitchen_sigint_install(void);

/* 1 if a SIGINT arrived since the last call (and clears it), else 0. */
int kitchen_sigint_take(void);

/* Callback run inside the signal handler; it must be async-signal-safe.
   Pass NULL to clear. Clear it before freeing whatever ctx points to. */
void kitchen_sigint_set_callback(void (*fn)(void *ctx), void *ctx);

/* SIGWINCH (the window was resized): install the handler (SA_RESTART). The callback runs inside
   the handler; the line editor sets one only while it waits for a key, to re-read the width, as
   libedit's own handler does. */
void kitchen_sigwinch_install(void);
void kitchen_sigwinch_set_callback(void (*fn)(void *ctx), void *ctx);

#endif
