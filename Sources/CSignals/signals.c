#include "CSignals.h"
#include <signal.h>
#include <stddef.h>
static volatile sig_atomic_t flag = 0;
static void handler(int sig) { (void)sig; flag = 1; }
void kitchen_sigint_install(void) { struct sigaction sa = {0}; sa.sa_handler = handler; sigaction(SIGINT, &sa, NULL); }
int kitchen_sigint_take(void) { int f = flag; flag = 0; return f; }
void kitchen_sigint_set_callback(void (*fn)(void *), void *ctx) { (void)fn; (void)ctx; }
