/* Cross-check of the FlexBuffer map reader (mi_flexbuffer.c) against its
 * Python twin (src/microinterp/flexbuffer.py), driven by
 * tests/firmware/test_fw_flexbuffer.py:
 *
 *   test_flexbuffer KEY...   reads one hex-encoded options buffer per stdin line
 *                            and prints, per line, "open=S" then for each KEY
 *                            " KEY:int=S,V uint=S,V bool=S,V float=S,BITS ints=S,V1;V2;..."
 *                            (S a status code, V a value printed only when S is 0)
 *
 * Each buffer gets a malloc of exactly its size, so any over-read is caught
 * under ASan. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mi/mi_flexbuffer.h"

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static void one(const uint8_t *buf, uint32_t size, int nkeys, char **keys)
{
    mi_flexmap_t map;
    int k;
    mi_status_t s = mi_flexmap_open(&map, buf, size);
    printf("open=%d", (int)s);
    if (s == MI_OK) {
        for (k = 0; k < nkeys; k++) {
            int32_t i32 = 0;
            uint32_t u32 = 0, bits = 0;
            uint8_t b = 0;
            float f = 0.0f;
            mi_flexints_t v;
            uint32_t j;
            printf(" %s:", keys[k]);
            s = mi_flexmap_int(&map, keys[k], &i32);
            printf("int=%d,%ld", (int)s, s == MI_OK ? (long)i32 : 0L);
            s = mi_flexmap_uint(&map, keys[k], &u32);
            printf(" uint=%d,%lu", (int)s, s == MI_OK ? (unsigned long)u32 : 0UL);
            s = mi_flexmap_bool(&map, keys[k], &b);
            printf(" bool=%d,%d", (int)s, s == MI_OK ? (int)b : 0);
            s = mi_flexmap_float(&map, keys[k], &f);
            if (s == MI_OK) memcpy(&bits, &f, sizeof bits);
            printf(" float=%d,%lu", (int)s, (unsigned long)bits);
            s = mi_flexmap_ints(&map, keys[k], 1u << 16, &v);
            printf(" ints=%d,", (int)s);
            if (s == MI_OK)
                for (j = 0; j < v.count; j++) printf("%s%lld", j ? ";" : "", (long long)mi_flexints_get(&map, &v, j));
        }
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    static char line[1 << 16];
    while (fgets(line, sizeof line, stdin)) {
        size_t n = strcspn(line, "\r\n"), i;
        uint8_t *buf = (uint8_t *)malloc(n / 2 + 1);
        if (!buf) return 2;
        for (i = 0; i + 1 < n; i += 2) {
            int hi = hexval(line[i]), lo = hexval(line[i + 1]);
            if (hi < 0 || lo < 0) return 2;
            buf[i / 2] = (uint8_t)(hi * 16 + lo);
        }
        one(n / 2 ? buf : NULL, (uint32_t)(n / 2), argc - 1, argv + 1);
        free(buf);
    }
    return 0;
}
