/*
 * cm_vectors.S - the exception vector table (ARMv6-M and ARMv7-M).
 * Entry 0 is the initial main stack pointer, entry 1 the reset handler; every
 * other exception and 32 external interrupts go to cm_fault_entry, because this
 * firmware enables no interrupt: anything taken besides reset is a fault.
 * The linker places .isr_vector at the start of flash (VTOR resets to 0).
 */
    .syntax unified
    .section .isr_vector, "a", %progbits
    .align 2
    .global cm_vectors
    .type cm_vectors, %object
cm_vectors:
    .word _estack
    .word Reset_Handler
    .rept 46
    .word cm_fault_entry
    .endr
    .size cm_vectors, . - cm_vectors
