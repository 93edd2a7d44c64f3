#include "CSignals.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>

/* Lock-free atomics are async-signal-safe; exchange lets take() read-and-clear without
   losing a signal that lands in between. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic int must be lock-free");
_Static_assert(ATOMIC_POINTER_LOCK_FREE == 2, "atomic pointers must be lock-free");

typedef void (*kitchen_callback)(void *);

static atomic_int pending;
static _Atomic(kitchen_callback) callback;
static _Atomic(void *) callback_ctx;
static pthread_t main_thread;

static void on_sigint(int signo) {
    int saved_errno = errno;
    atomic_store(&pending, 1);

    kitchen_callback fn = atomic_load(&callback);
    if (fn != NULL) {
        fn(atomic_load(&callback_ctx));
    }
    /* The kernel may pick any thread (e.g. a server thread). The prompt's read() only
       returns EINTR if the main thread itself takes the signal, so forward it there.
       The second run on the main thread just sets the flag again. */
    if (!pthread_equal(pthread_self(), main_thread)) {
        pthread_kill(main_thread, signo);
    }
    errno = saved_errno;
}

void kitchen_sigint_install(void) {
    main_thread = pthread_self();
    struct sigaction sa;
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a blocking read() must fail with EINTR */
    sigaction(SIGINT, &sa, NULL);
    /* A parent may have started us with SIGINT blocked (Foundation's Process does); unblock it. */
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, SIGINT);
    pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);
}

int kitchen_sigint_take(void) {
    return atomic_exchange(&pending, 0);
}

void kitchen_sigint_set_callback(kitchen_callback fn, void *ctx) {
    /* Clear first, then publish ctx before fn: a handler that sees the new fn also sees
       its ctx. */
    atomic_store(&callback, NULL);
    atomic_store(&callback_ctx, ctx);
    atomic_store(&callback, fn);
}

/* SIGWINCH: the window was resized. The handler runs the callback (the line editor's resize,
   as libedit's own handler does). SA_RESTART, so a blocking read() goes on. Output needs no flag:
   Kitchen reads the width whenever it writes. */
static _Atomic(kitchen_callback) resize_callback;
static _Atomic(void *) resize_ctx;

static void on_sigwinch(int signo) {
    int saved_errno = errno;
    /* The resize touches the line editor's buffers: do it on the main thread, which is then
       blocked in read() waiting for a key, never on a server thread that may be mid-malloc. */
    if (main_thread != 0 && !pthread_equal(pthread_self(), main_thread)) {
        pthread_kill(main_thread, signo);
        errno = saved_errno;
        return;
    }
    kitchen_callback fn = atomic_load(&resize_callback);
    if (fn != NULL) {
        fn(atomic_load(&resize_ctx));
    }
    errno = saved_errno;
}

void kitchen_sigwinch_install(void) {
    struct sigaction sa;
    sa.sa_handler = on_sigwinch;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGWINCH, &sa, NULL);
}

void kitchen_sigwinch_set_callback(kitchen_callback fn, void *ctx) {
    atomic_store(&resize_callback, NULL);
    atomic_store(&resize_ctx, ctx);
    atomic_store(&resize_callback, fn);
}
