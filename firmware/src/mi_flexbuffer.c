/* Custom-op options: a bounds-checked FlexBuffer map reader.
 * C twin of src/microinterp/flexbuffer.py; see include/mi/mi_flexbuffer.h. */
#include "mi/mi_flexbuffer.h"

#include <string.h>

enum { FLEX_INT = 1, FLEX_UINT = 2, FLEX_FLOAT = 3, FLEX_MAP = 9, FLEX_VECTOR_INT = 11, FLEX_BOOL = 26 };

/* Little-endian unsigned of `width` bytes at `pos`, if inside the buffer. */
static mi_status_t read_uint(const uint8_t *buf, uint32_t size, int64_t pos, uint32_t width, uint64_t *out)
{
    uint64_t v = 0;
    uint32_t k;
    if ((width != 1 && width != 2 && width != 4 && width != 8) || pos < 0 || pos + (int64_t)width > (int64_t)size)
        return MI_ERR_MODEL_CORRUPT;
    for (k = width; k-- > 0;) v = (v << 8) | buf[pos + (int64_t)k];
    *out = v;
    return MI_OK;
}

static int64_t as_signed(uint64_t v, uint32_t width)
{
    if (width == 8) return (int64_t)v; /* two's complement on every target the port builds for */
    if (v >> (8 * width - 1)) return (int64_t)v - ((int64_t)1 << (8 * width));
    return (int64_t)v;
}

/* The position an offset at `pos` points to (offsets count backwards). */
static mi_status_t indirect(const uint8_t *buf, uint32_t size, int64_t pos, uint32_t width, uint32_t *out)
{
    uint64_t off;
    int64_t target;
    mi_status_t s = read_uint(buf, size, pos, width, &off);
    if (s != MI_OK) return s;
    if (off > (uint64_t)pos) return MI_ERR_MODEL_CORRUPT;
    target = pos - (int64_t)off;
    if (target >= (int64_t)size) return MI_ERR_MODEL_CORRUPT;
    *out = (uint32_t)target;
    return MI_OK;
}

mi_status_t mi_flexmap_open(mi_flexmap_t *map, const uint8_t *buf, uint32_t size)
{
    uint64_t count, keys_width, keys_count;
    uint32_t root_width, width, vec, keys;
    uint8_t root_packed;
    mi_status_t s;
    if (!map || (!buf && size)) return MI_ERR_NULL_ARG;
    memset(map, 0, sizeof *map);
    if (size < 3) return size == 0 ? MI_ERR_BAD_PARAM : MI_ERR_MODEL_CORRUPT;
    root_width = buf[size - 1];
    root_packed = buf[size - 2];
    if ((root_packed >> 2) != FLEX_MAP) return MI_ERR_MODEL_CORRUPT;
    width = 1u << (root_packed & 3u);
    if ((s = indirect(buf, size, (int64_t)size - 2 - (int64_t)root_width, root_width, &vec)) != MI_OK) return s;
    if ((s = read_uint(buf, size, (int64_t)vec - width, width, &count)) != MI_OK) return s;
    if (count > MI_FLEX_MAX_KEYS) return MI_ERR_MODEL_CORRUPT;
    if ((s = read_uint(buf, size, (int64_t)vec - 2 * (int64_t)width, width, &keys_width)) != MI_OK) return s;
    if ((s = indirect(buf, size, (int64_t)vec - 3 * (int64_t)width, width, &keys)) != MI_OK) return s;
    if (keys_width != 1 && keys_width != 2 && keys_width != 4 && keys_width != 8) return MI_ERR_MODEL_CORRUPT;
    if ((s = read_uint(buf, size, (int64_t)keys - (int64_t)keys_width, (uint32_t)keys_width, &keys_count)) != MI_OK)
        return s;
    if (keys_count != count) return MI_ERR_MODEL_CORRUPT;
    if (count) { /* the packed types byte of the last value must be inside the buffer too */
        uint64_t last;
        s = read_uint(buf, size, (int64_t)vec + (int64_t)count * width + (int64_t)count - 1, 1, &last);
        if (s != MI_OK) return s;
    }
    map->buf = buf;
    map->size = size;
    map->vec = vec;
    map->count = (uint32_t)count;
    map->keys = keys;
    map->width = (uint8_t)width;
    map->keys_width = (uint8_t)keys_width;
    return MI_OK;
}

/* Key i equals `key`: 1, differs: 0, malformed: a status through *s. */
static int key_is(const mi_flexmap_t *map, uint32_t i, const char *key, mi_status_t *s)
{
    uint32_t at, n, k;
    *s = indirect(map->buf, map->size, (int64_t)map->keys + (int64_t)i * map->keys_width, map->keys_width, &at);
    if (*s != MI_OK) return 0;
    n = (uint32_t)strlen(key);
    /* the stored key must be NUL-terminated within MI_FLEX_MAX_KEY_BYTES, as flexbuffer.py checks */
    for (k = 0; k <= MI_FLEX_MAX_KEY_BYTES; k++) {
        if ((uint64_t)at + k >= map->size) break;
        if (map->buf[at + k] == 0) return k == n && memcmp(map->buf + at, key, n) == 0;
    }
    *s = MI_ERR_MODEL_CORRUPT;
    return 0;
}

/* Position, packed type of `key`'s value. */
static mi_status_t find(const mi_flexmap_t *map, const char *key, int64_t *pos, uint8_t *packed)
{
    uint32_t i;
    if (!map || !map->buf || !key) return MI_ERR_NULL_ARG;
    for (i = 0; i < map->count; i++) {
        mi_status_t s;
        int hit = key_is(map, i, key, &s);
        if (s != MI_OK) return s;
        if (hit) {
            *pos = (int64_t)map->vec + (int64_t)i * map->width;
            *packed = map->buf[map->vec + map->count * map->width + i];
            return MI_OK;
        }
    }
    return MI_ERR_BAD_PARAM;
}

int mi_flexmap_has(const mi_flexmap_t *map, const char *key)
{
    int64_t pos;
    uint8_t packed;
    return find(map, key, &pos, &packed) == MI_OK;
}

/* An inline INT (signed) / UINT / BOOL (unsigned) value as int64. */
static mi_status_t integer(const mi_flexmap_t *map, const char *key, int64_t *out)
{
    int64_t pos;
    uint8_t packed;
    uint64_t raw;
    mi_status_t s = find(map, key, &pos, &packed);
    if (s != MI_OK) return s;
    if ((packed >> 2) != FLEX_INT && (packed >> 2) != FLEX_UINT && (packed >> 2) != FLEX_BOOL) return MI_ERR_BAD_PARAM;
    if ((s = read_uint(map->buf, map->size, pos, map->width, &raw)) != MI_OK) return s;
    if ((packed >> 2) == FLEX_INT) {
        *out = as_signed(raw, map->width);
    } else {
        if (raw > (uint64_t)INT64_MAX) return MI_ERR_BAD_PARAM;
        *out = (int64_t)raw;
    }
    return MI_OK;
}

mi_status_t mi_flexmap_int(const mi_flexmap_t *map, const char *key, int32_t *out)
{
    int64_t v;
    mi_status_t s = integer(map, key, &v);
    if (s != MI_OK) return s;
    if (v < INT32_MIN || v > INT32_MAX) return MI_ERR_BAD_PARAM;
    *out = (int32_t)v;
    return MI_OK;
}

mi_status_t mi_flexmap_uint(const mi_flexmap_t *map, const char *key, uint32_t *out)
{
    int64_t v;
    mi_status_t s = integer(map, key, &v);
    if (s != MI_OK) return s;
    if (v < 0 || v > (int64_t)UINT32_MAX) return MI_ERR_BAD_PARAM;
    *out = (uint32_t)v;
    return MI_OK;
}

mi_status_t mi_flexmap_bool(const mi_flexmap_t *map, const char *key, uint8_t *out)
{
    int64_t pos;
    uint8_t packed;
    uint64_t raw;
    mi_status_t s = find(map, key, &pos, &packed);
    if (s != MI_OK) return s;
    if ((packed >> 2) != FLEX_BOOL && (packed >> 2) != FLEX_INT && (packed >> 2) != FLEX_UINT) return MI_ERR_BAD_PARAM;
    if ((s = read_uint(map->buf, map->size, pos, map->width, &raw)) != MI_OK) return s;
    *out = raw != 0;
    return MI_OK;
}

mi_status_t mi_flexmap_float(const mi_flexmap_t *map, const char *key, float *out)
{
    int64_t pos;
    uint8_t packed;
    uint64_t raw;
    mi_status_t s = find(map, key, &pos, &packed);
    if (s != MI_OK) return s;
    if ((packed >> 2) != FLEX_FLOAT || (map->width != 4 && map->width != 8)) return MI_ERR_BAD_PARAM;
    if ((s = read_uint(map->buf, map->size, pos, map->width, &raw)) != MI_OK) return s;
    if (map->width == 4) {
        uint32_t bits = (uint32_t)raw;
        float f;
        memcpy(&f, &bits, sizeof f);
        *out = f;
    } else {
        double d;
        memcpy(&d, &raw, sizeof d);
        *out = (float)d;
    }
    return MI_OK;
}

mi_status_t mi_flexmap_ints(const mi_flexmap_t *map, const char *key, uint32_t max_count, mi_flexints_t *out)
{
    int64_t pos;
    uint8_t packed;
    uint64_t count;
    uint32_t at, width;
    mi_status_t s = find(map, key, &pos, &packed);
    if (s != MI_OK) return s;
    if (!out) return MI_ERR_NULL_ARG;
    if ((packed >> 2) != FLEX_VECTOR_INT) return MI_ERR_BAD_PARAM;
    width = 1u << (packed & 3u);
    if ((s = indirect(map->buf, map->size, pos, map->width, &at)) != MI_OK) return s;
    if ((s = read_uint(map->buf, map->size, (int64_t)at - width, width, &count)) != MI_OK) return s;
    if (count > max_count) return MI_ERR_BAD_PARAM;
    /* every element inside the buffer (flexbuffer.py reads them all) */
    if (count && (uint64_t)at + count * width > map->size) return MI_ERR_MODEL_CORRUPT;
    out->pos = at;
    out->count = (uint32_t)count;
    out->width = (uint8_t)width;
    return MI_OK;
}

int64_t mi_flexints_get(const mi_flexmap_t *map, const mi_flexints_t *vec, uint32_t i)
{
    uint64_t raw;
    if (!map || !vec || i >= vec->count) return 0;
    if (read_uint(map->buf, map->size, (int64_t)vec->pos + (int64_t)i * vec->width, vec->width, &raw) != MI_OK)
        return 0;
    return as_signed(raw, vec->width);
}
