/* TFLite_Detection_PostProcess, the SSD post-processing custom op (TFLM:
 * kernels/detection_postprocess.cc; Python twin: kernels/detection_postprocess.py,
 * which documents the arithmetic reproduced here).
 *
 * Inputs: box encodings (1, N, >=4) as (y, x, h, w), class scores (1, N, C or
 * C+1 with a background class first), anchors (>= 4N values, (y, x, h, w) each).
 * Outputs (float32): boxes, classes, scores, number of detections. Options: a
 * FlexBuffer map read with mi_flexbuffer.h (the keys the Python twin requires).
 *
 *   - decode: centre in double (y / y_scale * anchor_h + anchor_y), half size
 *     0.5 * exp(h / h_scale) * anchor_h in double (libm exp), both rounded to
 *     float, corners in float; a box with ymin >= ymax or xmin >= xmax fails the
 *     invoke (TFLM's ValidateBoxes), as an iou threshold outside (0, 1] does;
 *   - NMS: scores >= threshold, stable decreasing sort (merge sort), greedy
 *     selection dropping later boxes whose float32 IoU is > the threshold;
 *   - the three outputs are cleared first (TFLM leaves unwritten entries as the
 *     arena held them);
 *   - fast: each anchor's top k classes (decreasing score, lower class first on
 *     ties, NaN last as numpy sorts), NMS on the best score, detection i's class
 *     c written at k*(k*i + c) + c (TFLM micro's offsets);
 *   - regular: NMS per class, merged with the survivors so far and cut to
 *     max_detections by a stable decreasing sort; every row written.
 * Refusals match the Python twin: prepare refuses what TFLM would run out of
 * bounds on; invoke refuses regular-NMS candidates beyond max_detections * N.
 *
 * Working memory: TFLM requests eleven scratch buffers; this port allocates
 * its own persistent arrays in prepare instead (the Python twin's MEMORY
 * c_arrays, in this order): decoded boxes, active flags, kept order, merge
 * scratch, selection, then for fast NMS the per-anchor top classes and best
 * scores, for regular NMS the class scores and the merged index, score,
 * order, merge-scratch and sorted-score arrays (max_detections + N entries
 * each). */
#include <math.h>
#include <string.h>

#include "mi/mi_flexbuffer.h"
#include "mi_kernel_util.h"

#define BOX_ENCODINGS 0
#define CLASS_PREDICTIONS 1
#define ANCHORS 2
#define DETECTION_BOXES 0
#define DETECTION_CLASSES 1
#define DETECTION_SCORES 2
#define NUM_DETECTIONS 3
#define DEFAULT_DETECTIONS_PER_CLASS 100 /* TFLM's kNumDetectionsPerClass */

/* op data layout (kernels/detection_postprocess.py MEMORY): 11 pointers, 17 words, 1 byte */
typedef struct op_data {
    float *decoded;     /* N x (ymin, xmin, ymax, xmax) */
    int32_t *order;     /* kept box indices, sorted */
    int32_t *tmp;       /* merge-sort scratch, N */
    int32_t *selected;  /* N */
    float *aux_f;       /* fast: best score per anchor; regular: one class's scores */
    int32_t *aux_i;     /* fast: top k classes per anchor; regular: merged flat indices */
    float *merged_score, *sorted_score;
    int32_t *perm, *perm_tmp;
    uint8_t *active;
    int32_t max_detections, classes_per_anchor, detections_per_class, num_classes;
    int32_t num_boxes, box_stride, label_offset, classes_with_background;
    int32_t out_count[3]; /* elements of the boxes, classes and scores outputs */
    float score_threshold, iou_threshold, y_scale, x_scale, h_scale, w_scale;
    uint8_t regular;
} op_data_t;

static mi_status_t read_options(const mi_options_t *options, op_data_t *d)
{
    mi_flexmap_t m;
    MI_TRY(mi_flexmap_open(&m, options->custom.data, options->custom.size));
    MI_TRY(mi_flexmap_int(&m, "max_detections", &d->max_detections));
    MI_TRY(mi_flexmap_int(&m, "max_classes_per_detection", &d->classes_per_anchor));
    d->detections_per_class = DEFAULT_DETECTIONS_PER_CLASS;
    if (mi_flexmap_has(&m, "detections_per_class"))
        MI_TRY(mi_flexmap_int(&m, "detections_per_class", &d->detections_per_class));
    d->regular = 0;
    if (mi_flexmap_has(&m, "use_regular_nms")) MI_TRY(mi_flexmap_bool(&m, "use_regular_nms", &d->regular));
    MI_TRY(mi_flexmap_float(&m, "nms_score_threshold", &d->score_threshold));
    MI_TRY(mi_flexmap_float(&m, "nms_iou_threshold", &d->iou_threshold));
    MI_TRY(mi_flexmap_int(&m, "num_classes", &d->num_classes));
    MI_TRY(mi_flexmap_float(&m, "y_scale", &d->y_scale));
    MI_TRY(mi_flexmap_float(&m, "x_scale", &d->x_scale));
    MI_TRY(mi_flexmap_float(&m, "h_scale", &d->h_scale));
    return mi_flexmap_float(&m, "w_scale", &d->w_scale);
}

static void *alloc_array(mi_context_t *ctx, uint64_t bytes, mi_status_t *status)
{
    void *p;
    if (*status != MI_OK) return NULL;
    p = bytes <= 0x7fffffffu ? mi_alloc_persistent(ctx, (size_t)bytes) : NULL;
    if (!p) *status = MI_ERR_ARENA_TOO_SMALL;
    return p;
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t boxes, scores, anchors, out[4];
    uint64_t n, needed, k, m;
    mi_status_t status = MI_OK;
    uint32_t i;
    if (mi_node_num_inputs(node) != 3 || mi_node_num_outputs(node) != 4) return MI_ERR_BAD_PARAM;
    MI_TRY(read_options(options, d));
    MI_TRY(mi_node_input_info(ctx, node, BOX_ENCODINGS, &boxes));
    MI_TRY(mi_node_input_info(ctx, node, CLASS_PREDICTIONS, &scores));
    MI_TRY(mi_node_input_info(ctx, node, ANCHORS, &anchors));
    for (i = 0; i < 4; i++) MI_TRY(mi_node_output_info(ctx, node, i, &out[i]));
    if (boxes.rank != 3 || scores.rank != 3 || anchors.rank != 2) return MI_ERR_BAD_PARAM;
    if (boxes.type != MI_TYPE_FLOAT32 || scores.type != MI_TYPE_FLOAT32 || anchors.type != MI_TYPE_FLOAT32)
        return MI_ERR_UNSUPPORTED_TYPE;
    for (i = 0; i < 4; i++)
        if (out[i].type != MI_TYPE_FLOAT32) return MI_ERR_UNSUPPORTED_TYPE;
    if (boxes.dims[0] != 1 || boxes.dims[2] < 4 || boxes.dims[1] < 1) return MI_ERR_BAD_PARAM;
    if (scores.dims[0] != 1 || scores.dims[1] != boxes.dims[1]) return MI_ERR_BAD_PARAM;
    n = (uint64_t)boxes.dims[1];
    if ((uint64_t)anchors.count < 4u * n) return MI_ERR_BAD_PARAM;
    if (d->num_classes < 1 || scores.dims[2] - d->num_classes < 0 || scores.dims[2] - d->num_classes > 1)
        return MI_ERR_BAD_PARAM;
    if (d->max_detections < 1) return MI_ERR_UNSUPPORTED_SHAPE;
    if (d->regular && d->detections_per_class <= 0) return MI_ERR_BAD_PARAM;
    if (!d->regular && d->classes_per_anchor <= 0) return MI_ERR_BAD_PARAM;
    if (d->classes_per_anchor > d->num_classes) d->classes_per_anchor = d->num_classes;
    k = (uint64_t)d->classes_per_anchor;
    needed = d->regular ? (uint64_t)d->max_detections : k * k * (uint64_t)d->max_detections;
    if ((uint64_t)out[0].count < 4u * needed || (uint64_t)out[1].count < needed ||
        (uint64_t)out[2].count < needed || out[3].count < 1)
        return MI_ERR_BAD_PARAM;
    d->num_boxes = (int32_t)n;
    for (i = 0; i < 3; i++) d->out_count[i] = (int32_t)out[i].count;
    d->box_stride = boxes.dims[2];
    d->classes_with_background = scores.dims[2];
    d->label_offset = scores.dims[2] - d->num_classes;
    d->decoded = (float *)alloc_array(ctx, 16u * n, &status);
    d->active = (uint8_t *)alloc_array(ctx, n, &status);
    d->order = (int32_t *)alloc_array(ctx, 4u * n, &status);
    d->tmp = (int32_t *)alloc_array(ctx, 4u * n, &status);
    d->selected = (int32_t *)alloc_array(ctx, 4u * n, &status);
    if (!d->regular) {
        d->aux_i = (int32_t *)alloc_array(ctx, 4u * n * k, &status);
        d->aux_f = (float *)alloc_array(ctx, 4u * n, &status);
        return status;
    }
    m = (uint64_t)d->max_detections + n;
    d->aux_f = (float *)alloc_array(ctx, 4u * n, &status);
    d->aux_i = (int32_t *)alloc_array(ctx, 4u * m, &status);
    d->merged_score = (float *)alloc_array(ctx, 4u * m, &status);
    d->perm = (int32_t *)alloc_array(ctx, 4u * m, &status);
    d->perm_tmp = (int32_t *)alloc_array(ctx, 4u * m, &status);
    d->sorted_score = (float *)alloc_array(ctx, 4u * m, &status);
    return status;
}

/* ------------------------------------------------------------------ decoding */

static void decode(const op_data_t *d, const float *enc, const float *anc)
{
    int32_t i;
    for (i = 0; i < d->num_boxes; i++) {
        const float *e = enc + (size_t)i * (size_t)d->box_stride, *a = anc + 4 * (size_t)i;
        float ycenter = (float)((double)e[0] / (double)d->y_scale * (double)a[2] + (double)a[0]);
        float xcenter = (float)((double)e[1] / (double)d->x_scale * (double)a[3] + (double)a[1]);
        float half_h = (float)(0.5 * exp((double)e[2] / (double)d->h_scale) * (double)a[2]);
        float half_w = (float)(0.5 * exp((double)e[3] / (double)d->w_scale) * (double)a[3]);
        float *box = d->decoded + 4 * (size_t)i;
        box[0] = ycenter - half_h;
        box[1] = xcenter - half_w;
        box[2] = ycenter + half_h;
        box[3] = xcenter + half_w;
    }
}

/* ------------------------------------------------------------------ sorting */

/* a ranks before b (decreasing score; NaN last, as numpy's argsort of -score) */
static int before(float a, float b) { return !isnan(a) && (isnan(b) || a > b); }

/* Stable sort of idx[0..count) by decreasing values[idx] (bottom-up merge sort). */
static void stable_sort(int32_t *idx, int32_t *tmp, int32_t count, const float *values)
{
    int32_t width, lo;
    for (width = 1; width < count; width *= 2) {
        for (lo = 0; lo < count; lo += 2 * width) {
            int32_t mid = lo + width < count ? lo + width : count;
            int32_t hi = lo + 2 * width < count ? lo + 2 * width : count;
            int32_t l = lo, r = mid, o = lo;
            while (o < hi) {
                if (l < mid && (r >= hi || !before(values[idx[r]], values[idx[l]]))) tmp[o++] = idx[l++];
                else tmp[o++] = idx[r++];
            }
        }
        memcpy(idx, tmp, (size_t)count * sizeof *idx);
    }
}

/* ------------------------------------------------------------------ NMS */

static float fmax_std(float a, float b) { return a < b ? b : a; } /* std::max */
static float fmin_std(float a, float b) { return b < a ? b : a; } /* std::min */

static float iou(const float *bi, const float *bj)
{
    float area_i = (bi[2] - bi[0]) * (bi[3] - bi[1]);
    float area_j = (bj[2] - bj[0]) * (bj[3] - bj[1]);
    float inter;
    if (area_i <= 0 || area_j <= 0) return 0.0f;
    inter = fmax_std(fmin_std(bi[2], bj[2]) - fmax_std(bi[0], bj[0]), 0.0f) *
            fmax_std(fmin_std(bi[3], bj[3]) - fmax_std(bi[1], bj[1]), 0.0f);
    return inter / ((area_i + area_j) - inter);
}

/* TFLM's NonMaxSuppressionSingleClassHelper: selected box indices into d->selected. */
static mi_status_t nms_single_class(const op_data_t *d, const float *scores, int32_t max_detections,
                                    int32_t *count)
{
    int32_t i, j, kept = 0, output_size, n = d->num_boxes;
    *count = 0;
    if (!(d->iou_threshold > 0.0f && d->iou_threshold <= 1.0f)) return MI_ERR_BAD_PARAM;
    for (i = 0; i < n; i++) {
        const float *b = d->decoded + 4 * (size_t)i;
        if (b[0] >= b[2] || b[1] >= b[3]) return MI_ERR_BAD_PARAM;
    }
    for (i = 0; i < n; i++)
        if (scores[i] >= d->score_threshold) d->order[kept++] = i;
    stable_sort(d->order, d->tmp, kept, scores);
    output_size = kept < max_detections ? kept : max_detections;
    memset(d->active, 1, (size_t)kept);
    for (i = 0; i < kept && *count < output_size; i++) {
        const float *bi;
        if (!d->active[i]) continue;
        d->selected[(*count)++] = d->order[i];
        d->active[i] = 0;
        bi = d->decoded + 4 * (size_t)d->order[i];
        for (j = i + 1; j < kept; j++)
            if (d->active[j] && iou(bi, d->decoded + 4 * (size_t)d->order[j]) > d->iou_threshold)
                d->active[j] = 0;
    }
    return MI_OK;
}

static void write_box(float *out_boxes, int32_t at, const float *box) { memcpy(out_boxes + 4 * (size_t)at, box, 16); }

static mi_status_t fast(const op_data_t *d, const float *scores, float *boxes, float *classes, float *out_scores,
                        float *count_out)
{
    int32_t row, c, k = d->classes_per_anchor, selected, i, written = 0;
    for (row = 0; row < d->num_boxes; row++) {
        const float *s = scores + (size_t)row * (size_t)d->classes_with_background + d->label_offset;
        int32_t *top = d->aux_i + (size_t)row * (size_t)k;
        /* selection of the top k: each pick is the best class ranked after the previous pick */
        for (c = 0; c < k; c++) {
            int32_t best = -1, j;
            for (j = 0; j < d->num_classes; j++) {
                if (c > 0) { /* ranked after top[c - 1]? */
                    int32_t p = top[c - 1];
                    if (!(before(s[p], s[j]) || (!before(s[j], s[p]) && j > p))) continue;
                }
                if (best < 0 || before(s[j], s[best])) best = j;
            }
            top[c] = best;
        }
        d->aux_f[row] = s[top[0]];
    }
    MI_TRY(nms_single_class(d, d->aux_f, d->max_detections, &selected));
    for (i = 0; i < selected; i++) {
        int32_t anchor = d->selected[i];
        const float *s = scores + (size_t)anchor * (size_t)d->classes_with_background + d->label_offset;
        const int32_t *top = d->aux_i + (size_t)anchor * (size_t)k;
        for (c = 0; c < k; c++) {
            int32_t at = k * written + c; /* TFLM's offset, written already advanced for c > 0 */
            write_box(boxes, at, d->decoded + 4 * (size_t)anchor);
            classes[at] = (float)top[c];
            out_scores[at] = s[top[c]];
            written++;
        }
    }
    *count_out = (float)written;
    return MI_OK;
}

static mi_status_t regular(const op_data_t *d, const float *scores, float *boxes, float *classes, float *out_scores,
                           float *count_out)
{
    int32_t col, row, i, kept = 0, selected, md = d->max_detections, nb = d->classes_with_background;
    int64_t capacity = (int64_t)md * d->num_boxes;
    for (col = 0; col < d->num_classes; col++) {
        int32_t merged;
        for (row = 0; row < d->num_boxes; row++)
            d->aux_f[row] = scores[(size_t)row * (size_t)nb + col + d->label_offset];
        MI_TRY(nms_single_class(d, d->aux_f, d->detections_per_class, &selected));
        merged = kept + selected;
        if ((int64_t)merged > capacity) return MI_ERR_UNSUPPORTED_SHAPE; /* TFLM overflows its scratch */
        for (i = 0; i < selected; i++) {
            d->aux_i[kept + i] = d->selected[i] * nb + col + d->label_offset;
            d->merged_score[kept + i] = d->aux_f[d->selected[i]];
        }
        /* stable decreasing order of the merged positions, cut to max_detections */
        for (i = 0; i < merged; i++) d->perm[i] = i;
        stable_sort(d->perm, d->perm_tmp, merged, d->merged_score);
        kept = merged < md ? merged : md;
        for (i = 0; i < kept; i++) {
            d->perm_tmp[i] = d->aux_i[d->perm[i]];
            d->sorted_score[i] = d->merged_score[d->perm[i]];
        }
        memcpy(d->aux_i, d->perm_tmp, (size_t)kept * sizeof *d->aux_i);
        memcpy(d->merged_score, d->sorted_score, (size_t)kept * sizeof *d->merged_score);
    }
    for (i = 0; i < kept; i++) {
        int32_t anchor = d->aux_i[i] / nb;
        write_box(boxes, i, d->decoded + 4 * (size_t)anchor);
        classes[i] = (float)(d->aux_i[i] - anchor * nb - d->label_offset);
        out_scores[i] = d->merged_score[i];
    }
    *count_out = (float)kept;
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const float *scores = (const float *)mi_node_input_data(ctx, node, CLASS_PREDICTIONS);
    float *boxes = (float *)mi_node_output_data(ctx, node, DETECTION_BOXES);
    float *classes = (float *)mi_node_output_data(ctx, node, DETECTION_CLASSES);
    float *out_scores = (float *)mi_node_output_data(ctx, node, DETECTION_SCORES);
    float *count = (float *)mi_node_output_data(ctx, node, NUM_DETECTIONS);
    memset(boxes, 0, (size_t)d->out_count[0] * sizeof *boxes); /* entries TFLM leaves unwritten are 0 here */
    memset(classes, 0, (size_t)d->out_count[1] * sizeof *classes);
    memset(out_scores, 0, (size_t)d->out_count[2] * sizeof *out_scores);
    decode(d, (const float *)mi_node_input_data(ctx, node, BOX_ENCODINGS),
           (const float *)mi_node_input_data(ctx, node, ANCHORS));
    if (d->regular) return regular(d, scores, boxes, classes, out_scores, count);
    return fast(d, scores, boxes, classes, out_scores, count);
}

const mi_registration_t mi_registration_detection_postprocess = {
    MI_OP_CUSTOM, (uint32_t)sizeof(op_data_t), "TFLite_Detection_PostProcess", prepare, invoke};
