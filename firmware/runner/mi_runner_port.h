/* The runner's I/O port: the only things mi_runner.c needs from a platform.
 *
 * Why a separate, tiny API: the same runner checks a model on the host (stdio
 * files) and inside an emulator (semihosting files), so a port only has to
 * provide open/read/write/close, a console line, an optional linked model and
 * two markers around each inference. Handles are small integers >= 0. */
#ifndef MI_RUNNER_PORT_H
#define MI_RUNNER_PORT_H

#ifdef __cplusplus
extern "C" {
#endif

/* Open `path` for reading (for_writing = 0) or writing, truncating it
 * (for_writing = 1). Returns a handle >= 0, or -1. */
int mi_rp_open(const char *path, int for_writing);

/* Read up to `len` bytes; returns the number read (0 at end of file), or -1. */
long mi_rp_read(int handle, void *buf, unsigned long len);

/* Write `len` bytes; returns the number written, or -1. */
long mi_rp_write(int handle, const void *buf, unsigned long len);

void mi_rp_close(int handle);

/* Print one line of text on the console (`text` has no trailing newline). */
void mi_rp_print(const char *text);

/* The model linked into the image (e.g. .incbin into flash): return 1 and set
 * *data / *size, or return 0 to make the runner load --model from a file. */
int mi_rp_linked_model(const unsigned char **data, unsigned long *size);

/* Called right before and right after each mi_interpreter_invoke(), e.g. to
 * bound an instruction-counting region. */
void mi_rp_measure_begin(void);
void mi_rp_measure_end(void);

#ifdef __cplusplus
}
#endif

#endif /* MI_RUNNER_PORT_H */
