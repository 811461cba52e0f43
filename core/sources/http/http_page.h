#pragma once

#include "catalog/stream.h"
#include "util/result.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sluice::core {

// One page of an API's response: its records found at the records path, read without exposing the JSON.
class HttpPage {
public:
    // Parses a response body; `url` only names the page in error messages. `notJson` is set when the body is
    // not JSON at all, which a body cut short also is.
    static Result<HttpPage> parse(const std::string& body, const std::string& recordsPath,
                                  const std::string& url, bool* notJson = nullptr);

    HttpPage(HttpPage&&) noexcept;
    HttpPage& operator=(HttpPage&&) noexcept;
    ~HttpPage();

    size_t size() const;
    // Record `i` as a row of `columns` (matched by name); a value that does not fit its column is NULL and
    // listed in the row's changes.
    Row row(size_t i, const std::vector<Column>& columns) const;
    // The value at a field path of record `i` (NULL when absent), as the cursor of an incremental read.
    Value field(size_t i, const FieldPath& path) const;
    // The string or number at a dot path of the whole response (the next-page token); nullopt when absent,
    // null or empty.
    std::optional<std::string> token(const std::string& dotPath) const;
    // Columns of the records' top-level fields in order of first appearance: integer, number (integers and
    // numbers mixed), boolean, string, JSON for objects and arrays; other mixtures and only-null are string.
    std::vector<Column> inferColumns() const;

private:
    struct Data;
    explicit HttpPage(std::unique_ptr<Data> data);
    std::unique_ptr<Data> m_data;
};

} // namespace sluice::core
