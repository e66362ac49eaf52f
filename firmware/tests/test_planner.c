/* Drives mi_planner.c from stdin so tests/firmware/test_fw_planner.py can
 * compare it with memory/planner.py plan_greedy on the same lifetime sets.
 * Input: "case N" then N lines "size first last offline_offset [overlaps distance]".
 * Output per case: "plan SIZE OFFSET0 OFFSET1 ...". Work memory comes from a
 * static buffer: the planner itself never allocates. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mi/mi_planner.h"

#define MAX_BUFFERS 4096
static mi_plan_buffer_t buffers[MAX_BUFFERS];
static int32_t work[2 * MAX_BUFFERS];

int main(void)
{
    char line[256];
    while (fgets(line, sizeof line, stdin)) {
        unsigned n = 0, i;
        uint32_t size = 0;
        mi_status_t st;
        if (sscanf(line, "case %u", &n) != 1 || n > MAX_BUFFERS) continue;
        for (i = 0; i < n; i++) {
            long s, f, l, o, v = -1, d = 0;
            if (!fgets(line, sizeof line, stdin) || sscanf(line, "%ld %ld %ld %ld %ld %ld", &s, &f, &l, &o, &v, &d) < 4)
                return 2;
            buffers[i].size = (int32_t)s;
            buffers[i].first_use = (int32_t)f;
            buffers[i].last_use = (int32_t)l;
            buffers[i].offset = (int32_t)o;
            buffers[i].overlaps = (int32_t)v;
            buffers[i].distance = (int32_t)d;
        }
        st = mi_plan_greedy(buffers, n, work, &size);
        if (st != MI_OK) {
            printf("error %d\n", (int)st);
            continue;
        }
        printf("plan %" PRIu32, size);
        for (i = 0; i < n; i++) printf(" %" PRId32, buffers[i].offset);
        printf("\n");
    }
    return 0;
}
