/* LOGISTIC's float32 function, shared with the float LSTM (as logistic.py's
 * logistic_float is imported by unidirectional_sequence_lstm.py). Internal
 * header. */
#ifndef MI_LOGISTIC_H
#define MI_LOGISTIC_H

/* TFLM reference_ops::Logistic on one float32: exactly 1.0f above
 * 16.619047f, expf(x) below -9, 1 / (1 + expf(-x)) otherwise (NaN too). */
float mi_logistic_float(float v);

#endif /* MI_LOGISTIC_H */
