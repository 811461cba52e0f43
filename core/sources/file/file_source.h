#pragma once

#include "sources/source.h"

#include <memory>
#include <string>

namespace sluice::core {

// The built-in `file` source (SPEC §7): a .csv or .jsonl (.ndjson) file, or a folder of them with one
// stream per file named by its base name. Full refresh resumes at a byte offset within the same job;
// incremental reads go through CursorFilter on a user-chosen cursor column.
//
// States: full refresh {"position": {"offset": BYTES, "line": N}} mid-read and {} once done; incremental
// CursorFilter's state with the same position object while mid-read.
class FileSource : public Source {
public:
    // `format`: "auto" (by extension), "csv" or "jsonl" (forces the parser whatever the extension).
    FileSource(std::string path, std::string format);

    Status check() override;
    Result<std::vector<StreamInfo>> discover() override;
    Status read(const ReadRequest& request, RecordSink& sink) override;

private:
    struct StreamFile; // a data file and the stream it makes

    Status validateConfig() const;
    Result<std::vector<StreamFile>> listFiles() const;
    Status readStream(size_t index, const StreamReadSpec& spec, const StreamFile& file, int64_t interval,
                      RecordSink& sink) const;

    std::string m_path;
    std::string m_format;
};

// The source for a validated configuration object, e.g. {"path": "/abs/x.csv", "format": "auto"}.
std::unique_ptr<Source> makeFileSource(const std::string& configJson);

} // namespace sluice::core
