#include "sources/file/file_source.h"

#include "sources/cursor_filter.h"
#include "sources/file/buffered_file.h"
#include "sources/file/file_row_reader.h"
#include "sources/file/schema_inference.h"
#include "util/utf8.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

namespace sluice::core {

namespace fs = std::filesystem;

struct FileSource::StreamFile {
    std::string stream;
    std::string path;
    FileFormat format;
};

namespace {

// A first estimate of the stream's size once this many records show the average record length.
constexpr int64_t kEstimateSample = 1000;

std::string lowerExtension(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext;
}

std::optional<FileFormat> formatByExtension(const fs::path& p) {
    const std::string ext = lowerExtension(p);
    if (ext == ".csv")
        return FileFormat::Csv;
    if (ext == ".jsonl" || ext == ".ndjson")
        return FileFormat::Jsonl;
    return std::nullopt;
}

std::optional<FileFormat> forcedFormat(const std::string& format) {
    if (format == "csv")
        return FileFormat::Csv;
    if (format == "jsonl")
        return FileFormat::Jsonl;
    return std::nullopt;
}

// Where a full-refresh read continues: the state's "position", if this is a later attempt of the job.
std::optional<FilePosition> fullRefreshPosition(const std::string& stateJson) {
    if (stateJson.empty())
        return std::nullopt;
    const auto state = nlohmann::json::parse(stateJson, nullptr, false);
    if (!state.is_object() || !state.contains("position"))
        return std::nullopt;
    return positionFromJson(state["position"].dump());
}

} // namespace

FileSource::FileSource(std::string path, std::string format)
    : m_path(std::move(path)), m_format(std::move(format)) {}

Status FileSource::validateConfig() const {
    if (m_path.empty())
        return Error::config("file source: `path` is empty; give a .csv or .jsonl file or a folder of them");
    if (m_format != "auto" && m_format != "csv" && m_format != "jsonl")
        return Error::config("file source: `format` is \"" + m_format + "\"; use auto, csv or jsonl");
    return {};
}

Result<std::vector<FileSource::StreamFile>> FileSource::listFiles() const {
    SLUICE_TRY(validateConfig());
    std::error_code ec;
    const fs::path root(m_path);
    const auto status = fs::status(root, ec);
    const auto forced = forcedFormat(m_format);
    std::vector<StreamFile> files;
    // A missing file is left to the reader, whose "cannot read PATH: reason" is what read() reports.
    if (!fs::is_directory(status)) {
        const auto format = forced ? forced : formatByExtension(root);
        if (!format && !fs::exists(status))
            return Error::config("file source: " + m_path + " does not exist");
        if (!format)
            return Error::config(
                "file source: cannot tell the format of " + m_path +
                " from its extension (.csv, .jsonl or .ndjson); set `format` to csv or jsonl");
        files.push_back({toValidUtf8(root.stem().string()), m_path, *format});
        return files;
    }
    for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path& p = it->path();
        const std::string name = p.filename().string();
        // Hidden files are editors' lock and backup files, not data.
        if (name.empty() || name[0] == '.' || !formatByExtension(p) || !it->is_regular_file(ec))
            continue;
        // A file name that is not UTF-8 names its stream with U+FFFD for the odd bytes; the file is still
        // read by its real name.
        files.push_back(
            {toValidUtf8(p.stem().string()), p.string(), forced ? *forced : *formatByExtension(p)});
    }
    if (ec)
        return Error::config("file source: cannot list " + m_path + ": " + ec.message());
    if (files.empty())
        return Error::config("file source: " + m_path + " contains no .csv, .jsonl or .ndjson file");
    std::sort(files.begin(), files.end(), [](const StreamFile& a, const StreamFile& b) {
        return a.stream != b.stream ? a.stream < b.stream : a.path < b.path;
    });
    for (size_t i = 1; i < files.size(); ++i)
        if (files[i].stream == files[i - 1].stream)
            return Error::config("file source: " + files[i - 1].path + " and " + files[i].path +
                                 " would both be stream `" + files[i].stream + "`; rename one of them");
    return files;
}

Status FileSource::check() {
    SLUICE_TRY(validateConfig());
    std::error_code ec;
    if (!fs::exists(fs::path(m_path), ec))
        return Error::config("file source: " + m_path + " does not exist");
    auto files = listFiles();
    if (!files.ok())
        return files.error();
    for (const auto& f : *files) {
        BufferedFile probe(4096);
        SLUICE_TRY(probe.open(f.path));
    }
    return {};
}

Result<std::vector<StreamInfo>> FileSource::discover() {
    auto files = listFiles();
    if (!files.ok())
        return files.error();
    std::vector<StreamInfo> streams;
    for (const auto& f : *files) {
        auto columns = f.format == FileFormat::Csv ? inferCsvColumns(f.path) : inferJsonlColumns(f.path);
        if (!columns.ok())
            return columns.error();
        StreamInfo s;
        s.name = f.stream;
        s.columns = std::move(*columns);
        s.supportedSyncModes = {SyncMode::FullRefresh, SyncMode::Incremental};
        s.sourceDefinedCursor = false;
        s.isResumable = true;
        streams.push_back(std::move(s));
    }
    return streams;
}

Status FileSource::read(const ReadRequest& request, RecordSink& sink) {
    auto files = listFiles();
    if (!files.ok()) // the path was fine at check time; it may come back (a share, a USB disk)
        return Error::transient(files.error().message);
    const int64_t interval = request.checkpointInterval > 0 ? request.checkpointInterval : 10000;
    for (size_t i = 0; i < request.streams.size(); ++i) {
        const std::string& name = request.streams[i].stream.stream.name;
        const auto file =
            std::find_if(files->begin(), files->end(), [&](const StreamFile& f) { return f.stream == name; });
        // A single file is the stream whatever it was called when discovered.
        if (file == files->end() && files->size() != 1)
            return Error::transient("file source: cannot read stream `" + name + "`: no " + name + ".csv, " +
                                    name + ".jsonl or " + name + ".ndjson in " + m_path);
        SLUICE_TRY(
            readStream(i, request.streams[i], file == files->end() ? files->front() : *file, interval, sink));
    }
    return {};
}

Status FileSource::readStream(size_t index, const StreamReadSpec& spec, const StreamFile& file,
                              int64_t interval, RecordSink& sink) const {
    const ResolvedStream& stream = spec.stream;
    std::optional<CursorFilter> filter;
    int cursorColumn = -1;
    std::optional<FilePosition> resume;
    if (stream.mode.sync == SyncMode::Incremental) {
        const std::string cursor = stream.cursorField.empty() ? std::string() : stream.cursorField.front();
        cursorColumn = stream.stream.columnIndex(cursor);
        if (cursorColumn < 0)
            return Error::config("file source: stream `" + stream.stream.name +
                                 "` is incremental but its cursor `" + cursor +
                                 "` is not one of its columns");
        filter.emplace(spec);
        if (!filter->problem().empty())
            return Error::invalid("file source: " + filter->problem());
        if (!filter->resumePosition().empty())
            resume = positionFromJson(filter->resumePosition());
    } else {
        resume = fullRefreshPosition(spec.stateJson);
    }

    auto reader = makeRowReader(file.format, stream.stream.columns);
    SLUICE_TRY(reader->open(file.path));
    if (resume) {
        SLUICE_TRY(reader->seek(*resume));
        sink.log(LogLevel::Info, "file source: stream `" + stream.stream.name + "` resumes at line " +
                                     std::to_string(resume->line) + " of " + file.path);
    }
    const int64_t startOffset = reader->nextPosition().offset;
    int64_t emitted = 0;
    Row row;
    for (;;) {
        auto got = reader->next(row);
        if (!got.ok())
            return got.error();
        if (!*got)
            break;
        if (filter && !filter->offer(row.values[cursorColumn], hashRecord(reader->raw())))
            continue;
        row.reread = filter && filter->lastWasReread();
        SLUICE_TRY(sink.record(index, std::move(row)));
        ++emitted;
        const FilePosition next = reader->nextPosition();
        if (emitted % interval == 0) {
            const std::string position = positionToJson(next);
            SLUICE_TRY(sink.state(index, filter ? filter->checkpoint(position)
                                                : R"({"position":)" + position + "}"));
        }
        if (!filter && emitted == kEstimateSample) {
            std::error_code ec;
            const auto size = static_cast<int64_t>(fs::file_size(file.path, ec));
            const int64_t perRecord = std::max<int64_t>(1, (next.offset - startOffset) / emitted);
            if (!ec && size >= next.offset)
                sink.estimate(index, emitted + (size - next.offset) / perRecord);
        }
    }
    SLUICE_TRY(sink.state(index, filter ? filter->finalState() : std::string("{}")));
    return sink.streamComplete(index);
}

std::unique_ptr<Source> makeFileSource(const std::string& configJson) {
    const auto config = nlohmann::json::parse(configJson, nullptr, false);
    std::string path, format = "auto";
    if (config.is_object()) {
        if (config.contains("path") && config["path"].is_string())
            path = config["path"].get<std::string>();
        if (config.contains("format") && config["format"].is_string())
            format = config["format"].get<std::string>();
    }
    return std::make_unique<FileSource>(std::move(path), std::move(format));
}

} // namespace sluice::core
