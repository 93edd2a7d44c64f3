#ifndef KITCHEN_CEDITLINE_SHIM_H
#define KITCHEN_CEDITLINE_SHIM_H

/*
 * Thin wrappers over libedit's native API (el_gets + history).
 * el_set / el_get / history are variadic, so Swift cannot call them: each use gets a
 * typed static inline helper here. The readline-compat header is deliberately not
 * included: Kitchen uses el_gets (see NOTES.md for why).
 */
#include <stdio.h>
#include <stdlib.h>
#include <histedit.h>

/* Swift 6 rejects references to C's mutable globals stdin/stdout/stderr. */
static inline FILE *kitchen_stdout(void) { return stdout; }
static inline FILE *kitchen_stderr(void) { return stderr; }

static inline EditLine *kitchen_el_init(const char *prog) {
    return el_init(prog, stdin, stdout, stderr);
}

static inline int kitchen_el_set_prompt(EditLine *el, char *(*fn)(EditLine *)) {
    return el_set(el, EL_PROMPT, fn);
}
static inline int kitchen_el_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}
/* 0 = leave signal dispositions alone (Kitchen's own SIGINT handler stays in charge). */
static inline int kitchen_el_set_signal(EditLine *el, int on) {
    return el_set(el, EL_SIGNAL, on);
}
static inline int kitchen_el_set_history(EditLine *el, History *h) {
    return el_set(el, EL_HIST, history, h);
}
static inline int kitchen_el_set_clientdata(EditLine *el, void *data) {
    return el_set(el, EL_CLIENTDATA, data);
}
static inline void *kitchen_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    return el_get(el, EL_CLIENTDATA, &data) == 0 ? data : NULL;
}
static inline int kitchen_el_addfn(EditLine *el, const char *name, const char *help,
                                   unsigned char (*fn)(EditLine *, int)) {
    return el_set(el, EL_ADDFN, name, help, fn);
}
static inline int kitchen_el_bind(EditLine *el, const char *key, const char *fn) {
    return el_set(el, EL_BIND, key, fn, NULL);
}

static inline int kitchen_history_setsize(History *h, int size) {
    HistEvent ev;
    return history(h, &ev, H_SETSIZE, size);
}
static inline int kitchen_history_setunique(History *h, int unique) {
    HistEvent ev;
    return history(h, &ev, H_SETUNIQUE, unique);
}
static inline int kitchen_history_enter(History *h, const char *line) {
    HistEvent ev;
    return history(h, &ev, H_ENTER, line);
}
static inline int kitchen_history_load(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_LOAD, path);
}
static inline int kitchen_history_save(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_SAVE, path);
}

#endif
