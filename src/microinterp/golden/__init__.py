"""Golden vectors for firmware tests.

* ``cases``      the case-folder format: run a model, write inputs, outputs and
                 layers, read cases back;
* ``c_headers``  a case as C headers for firmware tests;
* ``tflm_csv``   a case in TFLM's integration-test CSV layout;
* ``diff``       find the first op where two dumps differ.
"""
