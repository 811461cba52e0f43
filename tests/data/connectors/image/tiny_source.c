/* A connector image's whole program, for Sluice's container tests: built static and copied into an image
 * FROM scratch, it speaks just enough of the Airbyte protocol. `check` succeeds only when the config file it
 * is given can be read (the mounted folder works); `read` emits three records of stream `items`, a state
 * and a COMPLETE status, and fails when the catalog file cannot be read. */
#include <stdio.h>
#include <string.h>

static const char* arg(int argc, char** argv, const char* name) {
    for (int i = 1; i + 1 < argc; ++i)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

static int readable(const char* path) {
    FILE* f = path ? fopen(path, "r") : NULL;
    if (!f)
        return 0;
    fclose(f);
    return 1;
}

int main(int argc, char** argv) {
    const char* cmd = argc > 1 ? argv[1] : "";
    if (strcmp(cmd, "spec") == 0) {
        puts("{\"type\":\"SPEC\",\"spec\":{\"connectionSpecification\":{\"type\":\"object\","
             "\"properties\":{\"greeting\":{\"type\":\"string\"}}}}}");
    } else if (strcmp(cmd, "check") == 0) {
        puts(readable(arg(argc, argv, "--config"))
                 ? "{\"type\":\"CONNECTION_STATUS\",\"connectionStatus\":{\"status\":\"SUCCEEDED\"}}"
                 : "{\"type\":\"CONNECTION_STATUS\",\"connectionStatus\":{\"status\":\"FAILED\","
                   "\"message\":\"no config file\"}}");
    } else if (strcmp(cmd, "discover") == 0) {
        puts("{\"type\":\"CATALOG\",\"catalog\":{\"streams\":[{\"name\":\"items\",\"json_schema\":{\"type\":"
             "\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}}},\"supported_sync_modes\":["
             "\"full_refresh\"]}]}}");
    } else if (strcmp(cmd, "read") == 0) {
        if (!readable(arg(argc, argv, "--config")) || !readable(arg(argc, argv, "--catalog"))) {
            fputs("tiny_source: cannot read the config or the catalog\n", stderr);
            return 1;
        }
        for (int i = 1; i <= 3; ++i)
            printf("{\"type\":\"RECORD\",\"record\":{\"stream\":\"items\",\"data\":{\"id\":%d},\"emitted_at\":0}}\n",
                   i);
        puts("{\"type\":\"STATE\",\"state\":{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":{\"name\":"
             "\"items\"},\"stream_state\":{\"done\":true}}}}");
        puts("{\"type\":\"TRACE\",\"trace\":{\"type\":\"STREAM_STATUS\",\"emitted_at\":0,\"stream_status\":{"
             "\"stream_descriptor\":{\"name\":\"items\"},\"status\":\"COMPLETE\"}}}");
    } else {
        fprintf(stderr, "tiny_source: unknown command `%s`\n", cmd);
        return 2;
    }
    return 0;
}
