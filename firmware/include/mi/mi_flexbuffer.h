/* Custom-op options: a bounds-checked reader of FlexBuffer maps.
 *
 * C twin of src/microinterp/flexbuffer.py (FlexMap): the same rules, so both
 * accept and refuse the same bytes. TFLM's kernels read custom options with
 * tflite::FlexbufferWrapper (tensorflow/lite/micro/flatbuffer_utils.cc), by
 * element index; kernels here look values up by the keys TFLM's kernels name.
 * Every read is checked against the buffer length; malformed options give
 * MI_ERR_MODEL_CORRUPT (a read or offset outside the bytes), a missing key or a
 * value of another type MI_ERR_BAD_PARAM. Nothing is allocated or copied. */
#ifndef MI_FLEXBUFFER_H
#define MI_FLEXBUFFER_H

#include <stdint.h>

#include "mi_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* flexbuffer.py MAX_KEYS / MAX_KEY_BYTES */
#define MI_FLEX_MAX_KEYS 256u
#define MI_FLEX_MAX_KEY_BYTES 64u

typedef struct mi_flexmap {
    const uint8_t *buf;
    uint32_t size;        /* bytes at buf */
    uint32_t vec;         /* position of the values vector */
    uint32_t count;       /* number of keys */
    uint32_t keys;        /* position of the keys vector */
    uint8_t width;        /* byte width of the values */
    uint8_t keys_width;   /* byte width of the key offsets */
} mi_flexmap_t;

/* A typed vector of ints inside the map (mi_flexmap_ints). */
typedef struct mi_flexints {
    uint32_t pos;
    uint32_t count;
    uint8_t width;
} mi_flexints_t;

/* Open `size` bytes at `buf` as a map (size 0: MI_ERR_BAD_PARAM). */
mi_status_t mi_flexmap_open(mi_flexmap_t *map, const uint8_t *buf, uint32_t size);
/* 1 when the map holds `key` (a malformed key counts as absent). */
int mi_flexmap_has(const mi_flexmap_t *map, const char *key);
/* An inline INT, UINT or BOOL that fits int32. */
mi_status_t mi_flexmap_int(const mi_flexmap_t *map, const char *key, int32_t *out);
/* An inline INT, UINT or BOOL that fits uint32. */
mi_status_t mi_flexmap_uint(const mi_flexmap_t *map, const char *key, uint32_t *out);
/* An inline BOOL, INT or UINT: 1 when non-zero. */
mi_status_t mi_flexmap_bool(const mi_flexmap_t *map, const char *key, uint8_t *out);
/* An inline FLOAT of 4 or 8 bytes, as float. */
mi_status_t mi_flexmap_float(const mi_flexmap_t *map, const char *key, float *out);
/* A typed vector of ints (at most max_count); read element i with mi_flexints_get. */
mi_status_t mi_flexmap_ints(const mi_flexmap_t *map, const char *key, uint32_t max_count, mi_flexints_t *out);
/* Element i of a vector from mi_flexmap_ints (0 when out of range). */
int64_t mi_flexints_get(const mi_flexmap_t *map, const mi_flexints_t *vec, uint32_t i);

#ifdef __cplusplus
}
#endif

#endif /* MI_FLEXBUFFER_H */
