"""Golden vectors for firmware tests.

* ``cases``  the case-folder format: run a model, write inputs, outputs and
             layers, read cases back;
* ``diff``   find the first op where two dumps differ.
"""
