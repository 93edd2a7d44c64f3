#ifndef KITCHEN_CSIGNALS_H
#define KITCHEN_CSIGNALS_H
void kitchen_sigint_install(void);
int kitchen_sigint_take(void);
void kitchen_sigint_set_callback(void (*fn)(void *), void *ctx);
#endif
