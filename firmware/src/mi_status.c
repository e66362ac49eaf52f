/* Status strings and the one diagnostic formatter of the port. */
#include <stdarg.h>

#include "mi/mi_config.h"
#include "mi/mi_kernels.h"
#include "mi/mi_port.h"
#include "mi/mi_status.h"

#if MI_ENABLE_LOG
const char *mi_status_str(mi_status_t status)
{
    switch (status) {
    case MI_OK: return "ok";
    case MI_ERR_NULL_ARG: return "a required argument is NULL";
    case MI_ERR_BAD_STATE: return "call order: init, allocate, then set_input/invoke/get_output";
    case MI_ERR_MODEL_TRUNCATED: return "model truncated: shorter than its header says";
    case MI_ERR_MODEL_IDENTIFIER: return "not a .tflite model: file identifier is not TFL3";
    case MI_ERR_MODEL_CORRUPT: return "corrupt model: an offset, length or index points outside it";
    case MI_ERR_MODEL_INVALID: return "invalid model: inconsistent shapes, sizes or quantization";
    case MI_ERR_MODEL_MISALIGNED: return "model constant data misaligned: place the model on a 16-byte boundary";
    case MI_ERR_MODEL_TOO_LARGE: return "model exceeds the port's limits (tensors, ops, bytes)";
    case MI_ERR_UNSUPPORTED_OP: return "operator not registered in the op resolver";
    case MI_ERR_UNSUPPORTED_TYPE: return "tensor type combination not supported by the kernel";
    case MI_ERR_UNSUPPORTED_SHAPE: return "tensor rank or shape not supported by the kernel";
    case MI_ERR_BAD_PARAM: return "operator parameters rejected by the kernel";
    case MI_ERR_ARENA_TOO_SMALL: return "tensor arena too small (see mi_interpreter_arena_needed_bytes)";
    case MI_ERR_BAD_INDEX: return "index out of range";
    case MI_ERR_BAD_SIZE: return "buffer size does not match the tensor's byte size";
    default: return "unknown status";
    }
}
#else
/* Without MI_ENABLE_LOG the words stay out of flash (about 0.8 KB): the
 * status code itself says what happened (mi_status.h). */
const char *mi_status_str(mi_status_t status)
{
    return status == MI_OK ? "ok" : "see the status code in mi_status.h (built with MI_ENABLE_LOG=0)";
}
#endif

#if MI_ENABLE_LOG
static void put_char(char *buf, unsigned *n, unsigned cap, char c)
{
    if (*n + 1u < cap) buf[(*n)++] = c;
}

static void put_str(char *buf, unsigned *n, unsigned cap, const char *s)
{
    if (!s) s = "(null)";
    while (*s) put_char(buf, n, cap, *s++);
}

static void put_unsigned(char *buf, unsigned *n, unsigned cap, unsigned long v)
{
    char digits[24];
    int k = 0;
    do {
        digits[k++] = (char)('0' + (int)(v % 10u));
        v /= 10u;
    } while (v && k < (int)sizeof digits);
    while (k) put_char(buf, n, cap, digits[--k]);
}

static void put_signed(char *buf, unsigned *n, unsigned cap, long v)
{
    if (v < 0) {
        put_char(buf, n, cap, '-');
        put_unsigned(buf, n, cap, (unsigned long)(-(v + 1)) + 1u);
    } else {
        put_unsigned(buf, n, cap, (unsigned long)v);
    }
}

void mi_logf(const char *format, ...)
{
    char buf[160];
    unsigned n = 0, cap = (unsigned)sizeof buf;
    va_list ap;
    va_start(ap, format);
    while (*format) {
        char c = *format++;
        if (c != '%') {
            put_char(buf, &n, cap, c);
            continue;
        }
        c = *format++;
        if (c == 'l') {
            c = *format++;
            if (c == 'd') put_signed(buf, &n, cap, va_arg(ap, long));
            else if (c == 'u') put_unsigned(buf, &n, cap, va_arg(ap, unsigned long));
            else break;
        } else if (c == 'd') {
            put_signed(buf, &n, cap, va_arg(ap, int));
        } else if (c == 'u') {
            put_unsigned(buf, &n, cap, va_arg(ap, unsigned));
        } else if (c == 's') {
            put_str(buf, &n, cap, va_arg(ap, const char *));
        } else if (c == '%') {
            put_char(buf, &n, cap, '%');
        } else {
            break; /* unknown or truncated conversion: stop */
        }
    }
    va_end(ap);
    buf[n] = '\0';
    mi_port_log(buf);
}
#else
void mi_logf(const char *format, ...) { (void)format; }
#endif
