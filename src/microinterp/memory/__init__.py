"""Arena memory: what a model needs and where each buffer goes.

* ``planner``         buffer requests, lifetimes and the placement algorithms
                      (TFLM's greedy planner and better ones);
* ``tflm_arena``      TFLM's arena for a model: its per-op allocations, struct
                      sizes of the two TFLM builds and the allocator replay
                      behind ``microinterp plan``;
* ``firmware_arena``  the arena of microinterp's C port (``firmware/``) on a target;
* ``offline_plan``    reading and writing TFLM's ``OfflineMemoryAllocation``;
* ``picture``         ASCII and matplotlib pictures of a plan.
"""
