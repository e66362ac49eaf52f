/*
 * cm_model.S - links a .tflite model into flash, as a device would hold it.
 * Build with -DCM_MODEL_PATH="\"/abs/path/model.tflite\"" (the Makefile does).
 * 16-byte alignment: flatbuffer tables need 4/8-byte alignment and TFLM asks
 * for 16 for the model buffer.
 */
    .syntax unified
    .section .cm_model, "a", %progbits
    .balign 16
    .global cm_model_data
    .type cm_model_data, %object
cm_model_data:
#ifdef CM_MODEL_PATH
    .incbin CM_MODEL_PATH
#endif
    .global cm_model_end
cm_model_end:
    .size cm_model_data, cm_model_end - cm_model_data
    .byte 0
