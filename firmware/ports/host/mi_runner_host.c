/* Host implementation of the runner port (runner/mi_runner_port.h): stdio
 * files and stdout. The model is always read from a file on the host. */
#include <stdio.h>

#include "mi_runner_port.h"

#define MAX_FILES 8
static FILE *files[MAX_FILES];

int mi_rp_open(const char *path, int for_writing)
{
    int h;
    for (h = 0; h < MAX_FILES; h++) {
        if (!files[h]) {
            files[h] = fopen(path, for_writing ? "wb" : "rb");
            return files[h] ? h : -1;
        }
    }
    return -1;
}

static FILE *file_of(int h) { return h >= 0 && h < MAX_FILES ? files[h] : NULL; }

long mi_rp_read(int handle, void *buf, unsigned long len)
{
    FILE *f = file_of(handle);
    size_t n;
    if (!f) return -1;
    n = fread(buf, 1, len, f);
    return (n == 0 && ferror(f)) ? -1 : (long)n;
}

long mi_rp_write(int handle, const void *buf, unsigned long len)
{
    FILE *f = file_of(handle);
    if (!f) return -1;
    return (long)fwrite(buf, 1, len, f);
}

void mi_rp_close(int handle)
{
    FILE *f = file_of(handle);
    if (f) {
        fclose(f);
        files[handle] = NULL;
    }
}

void mi_rp_print(const char *text)
{
    fputs(text, stdout);
    fputc('\n', stdout);
    fflush(stdout);
}

int mi_rp_linked_model(const unsigned char **data, unsigned long *size)
{
    (void)data;
    (void)size;
    return 0;
}

void mi_rp_measure_begin(void) {}
void mi_rp_measure_end(void) {}
