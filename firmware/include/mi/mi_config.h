/* Every build-time switch of the C port, in one place (micropython/Lua style).
 *
 * Override any of them with -D on the compiler command line or by defining
 * them before including a mi_ header; nothing else in the port is
 * configured any other way. */
#ifndef MI_CONFIG_H
#define MI_CONFIG_H

/* Largest tensor rank the port handles (TFLM's kernels go up to 5-6). */
#ifndef MI_MAX_DIMS
#define MI_MAX_DIMS 6
#endif

/* Largest number of inputs or outputs one operator may list. Caps the work
 * a malicious model can ask the validator to do. */
#ifndef MI_MAX_OP_IO
#define MI_MAX_OP_IO 256
#endif

/* Largest number of tensors / operators in the main subgraph (16-bit indices
 * in the runtime structures). */
#ifndef MI_MAX_TENSORS
#define MI_MAX_TENSORS 65535
#endif

/* Control flow (IF, WHILE, CALL_ONCE over a model's subgraphs). At most
 * MI_MAX_SUBGRAPHS subgraphs; subgraph calls nested at most
 * MI_MAX_SUBGRAPH_DEPTH deep (each level is a stack frame of the invoke) and a
 * lifetime walk of at most MI_MAX_SUBGRAPH_VISITS subgraph visits from any
 * subgraph (twins of model.MAX_SUBGRAPH_DEPTH and MAX_SUBGRAPH_VISITS, which
 * also refuse recursion); a WHILE stopped after MI_MAX_WHILE_ITERATIONS
 * iterations (graph.MAX_WHILE_ITERATIONS; TFLM would hang). */
#ifndef MI_MAX_SUBGRAPHS
#define MI_MAX_SUBGRAPHS 256
#endif
#define MI_MAX_SUBGRAPH_DEPTH 16
#define MI_MAX_SUBGRAPH_VISITS 4096
#define MI_MAX_WHILE_ITERATIONS 65536L

/* Largest tensor the reader accepts, in bytes, counting an empty dimension as 1
 * (a corrupt shape such as [1, 134217736, 0, 8] must not drive a kernel's loops
 * over 134 million rows). Twin of model.MAX_TENSOR_BYTES. */
#ifndef MI_MAX_TENSOR_BYTES
#define MI_MAX_TENSOR_BYTES (1ul << 28)
#endif

/* Code that runs once per model, never per element (the kernels' prepare steps,
 * the scale arithmetic of mi_quant.c): GCC's cold attribute compiles a function
 * for size, as -Os does, next to the -O2 inner loops of the same file. */
#if defined(__GNUC__)
#define MI_COLD __attribute__((cold))
#else
#define MI_COLD
#endif

/* 1: compile the float32 paths of the kernels. */
#ifndef MI_ENABLE_FLOAT
#define MI_ENABLE_FLOAT 1
#endif

/* 1: compile the int16 paths of the kernels. */
#ifndef MI_ENABLE_INT16
#define MI_ENABLE_INT16 1
#endif

/* Kernel paths a model may not use (1, the default of every library, host and
 * fuzz build, keeps them all). An image built for one model (fw/kernel_select.py
 * path_features(), make KERNEL_FEATURES=...) compiles its kernels with 0 for the
 * paths none of its operators takes; an operator that would need one is then
 * refused in prepare (MI_ERR_UNSUPPORTED_SHAPE), never run otherwise. Every path
 * computes the same int32 sums, so which one runs never changes an output.
 *   MI_ENABLE_INT8_REFERENCE: the int8 reference loops of CONV_2D,
 *     DEPTHWISE_CONV_2D and FULLY_CONNECTED (the twins of the Python kernels and
 *     the fallback of their fast paths: grouped or width-dilated convolutions,
 *     depth multipliers above 1, asymmetric FC weights, zero points or
 *     multipliers the fast output stage does not take).
 *   MI_ENABLE_CONV_RUNS: CONV_2D's general fast path over contiguous runs
 *     (conv_int8_fast: 1x1 convolutions without the DSP pair path, windows
 *     beyond the im2col column); with 0 those take the reference loop. */
#ifndef MI_ENABLE_INT8_REFERENCE
#define MI_ENABLE_INT8_REFERENCE 1
#endif
#ifndef MI_ENABLE_CONV_RUNS
#define MI_ENABLE_CONV_RUNS 1
#endif

/* 1: keep the per-operator hook (layer dumps, per-op cycle counts). */
#ifndef MI_ENABLE_OP_HOOK
#define MI_ENABLE_OP_HOOK 1
#endif

/* Framework features a model may not use. 1 (the default of every library, host
 * and fuzz build) keeps them all. A firmware image built for one model
 * (fw/kernel_select.py framework_features(), make FEATURES=...) compiles the
 * framework objects with 0 for what its model lacks, as it links only the
 * kernels the model uses; a model that needs a feature compiled out is then
 * refused (a status, never a silent difference). None of them changes a struct
 * layout, so the kernels of the library serve every feature set.
 *   MI_ENABLE_SUBGRAPHS: more than one subgraph (IF, WHILE, CALL_ONCE); 0 refuses
 *     a model with several subgraphs (MI_ERR_UNSUPPORTED_OP).
 *   MI_ENABLE_VARIABLES: variable (state) tensors, kept across invokes and
 *     cleared by mi_interpreter_reset; 0 refuses one (MI_ERR_UNSUPPORTED_TYPE).
 *     Also resource variables: with 0, a VAR_HANDLE's output is planned like
 *     any tensor, so the arena differs from memory/firmware_arena.py's.
 *   MI_ENABLE_METADATA: the metadata entries the port reads (TFLM's offline plan
 *     OfflineMemoryAllocation, the ahead-of-time image microinterp_aot of
 *     fw/aot.py); 0 finds none and refuses a model carrying either
 *     (MI_ERR_UNSUPPORTED_OP).
 *   MI_ENABLE_CUSTOM: custom operators (resolved by their custom code). */
#ifndef MI_ENABLE_SUBGRAPHS
#define MI_ENABLE_SUBGRAPHS 1
#endif
#ifndef MI_ENABLE_VARIABLES
#define MI_ENABLE_VARIABLES 1
#endif
#ifndef MI_ENABLE_METADATA
#define MI_ENABLE_METADATA 1
#endif
#ifndef MI_ENABLE_CUSTOM
#define MI_ENABLE_CUSTOM 1
#endif

/* 1: in a model that opts in (a "microinterp_overlap" metadata entry, which needs
 * MI_ENABLE_METADATA), an operator's output may overlap an input that dies at it,
 * where its kernel says so (mi_allow_overlap); 0: every live tensor has bytes of its
 * own (the arena of an opted-in model then differs from memory/firmware_arena.py's
 * prediction). The per-model images (fw/kernel_select.py) compile it, framework and
 * kernels, only for a model that opts in and has such a kernel. */
#ifndef MI_ENABLE_OVERLAP
#define MI_ENABLE_OVERLAP 1
#endif

/* 1: report errors in words through mi_port_log(); 0: status codes only. */
#ifndef MI_ENABLE_LOG
#define MI_ENABLE_LOG 1
#endif

/* Planned (head) buffers are padded and aligned to this many bytes, as
 * TFLM's MicroArenaBufferAlignment() and memory/planner.py BUFFER_ALIGNMENT.
 * Not configurable: the Python plan predicts offsets with it. */
#define MI_BUFFER_ALIGN 16

/* Every persistent (tail) allocation is rounded up to and aligned on this
 * many bytes, on every target, so the Python prediction (memory/firmware_arena.py) is a
 * plain sum. Variable tensors use MI_BUFFER_ALIGN. */
#define MI_PERSISTENT_ALIGN 8

#endif /* MI_CONFIG_H */
