/* Status codes returned by every public microinterp (mi_) function.
 *
 * Why one enum: a bad model, an unsupported op and a too-small arena must be
 * told apart by the caller without any logging, so every failure path returns
 * a distinct code; mi_status_str() turns it into one line of text. */
#ifndef MI_STATUS_H
#define MI_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mi_status {
    MI_OK = 0,
    MI_ERR_NULL_ARG,          /* a required pointer argument is NULL */
    MI_ERR_BAD_STATE,         /* functions called in the wrong order */
    MI_ERR_MODEL_TRUNCATED,   /* the model is shorter than its header needs */
    MI_ERR_MODEL_IDENTIFIER,  /* the file identifier is not "TFL3" */
    MI_ERR_MODEL_CORRUPT,     /* an offset, length or index points outside the model */
    MI_ERR_MODEL_INVALID,     /* well-formed flatbuffer, inconsistent model (shapes, sizes) */
    MI_ERR_MODEL_MISALIGNED,  /* constant data is not aligned for its element type */
    MI_ERR_MODEL_TOO_LARGE,   /* more tensors/ops/bytes than the port's limits */
    MI_ERR_UNSUPPORTED_OP,    /* an operator has no registered kernel */
    MI_ERR_UNSUPPORTED_TYPE,  /* a kernel does not support this tensor type combination */
    MI_ERR_UNSUPPORTED_SHAPE, /* a kernel does not support this rank/shape/parameter */
    MI_ERR_BAD_PARAM,         /* a kernel rejected the operator's parameters */
    MI_ERR_ARENA_TOO_SMALL,   /* the tensor arena cannot hold the plan */
    MI_ERR_BAD_INDEX,         /* input/output/tensor index out of range */
    MI_ERR_BAD_SIZE,          /* a buffer passed in has the wrong number of bytes */
    MI_STATUS_COUNT
} mi_status_t;

/* One line of text naming the status (never NULL, never needs freeing). */
const char *mi_status_str(mi_status_t status);

#ifdef __cplusplus
}
#endif

#endif /* MI_STATUS_H */
