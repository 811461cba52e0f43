#include "destinations/generation_diff.h"

#include "util/cancel_scope.h"

#include <algorithm>

namespace sluice::core {

int compareKeys(const std::vector<Value>& a, const std::vector<Value>& b,
                const std::vector<int>& keyColumns) {
    for (int k : keyColumns) {
        const auto i = static_cast<size_t>(k);
        if (const int c = a[i].compare(b[i]); c != 0)
            return c;
    }
    return 0;
}

namespace {

// Sorts the rows of one pair of matched keys (or of a key in one generation only) into the diff.
class DiffCollector {
public:
    DiffCollector(const StreamInfo& stream, const std::vector<int>& keyColumns)
        : m_stream(stream), m_keyColumns(keyColumns), m_cdc(stream.columnIndex("_ab_cdc_deleted_at")) {}

    void onlyBefore(const std::vector<Value>& v) { m_out.removed.push_back(rowData(v)); }

    void onlyAfter(const std::vector<Value>& v) {
        if (isDeleted(v))
            m_out.deleted.push_back(rowData(v));
        else
            m_out.added.push_back(rowData(v));
    }

    void both(const std::vector<Value>& before, const std::vector<Value>& after) {
        if (isDeleted(after)) {
            // A tombstone: deleted now, unless it was deleted already (then nothing happened to it).
            if (!isDeleted(before))
                m_out.deleted.push_back(rowData(after));
            return;
        }
        ChangedRow change;
        for (size_t i = 0; i < after.size(); ++i)
            if (!(after[i] == before[i]) || after[i].isNull() != before[i].isNull())
                change.fields.push_back({m_stream.columns[i].name, before[i], after[i]});
        if (change.fields.empty())
            return;
        for (int k : m_keyColumns)
            change.key.emplace_back(m_stream.columns[static_cast<size_t>(k)].name,
                                    after[static_cast<size_t>(k)]);
        m_out.changed.push_back(std::move(change));
    }

    GenerationDiff take() { return std::move(m_out); }

private:
    RowData rowData(const std::vector<Value>& v) const {
        RowData r;
        for (size_t i = 0; i < v.size(); ++i)
            r.emplace_back(m_stream.columns[i].name, v[i]);
        return r;
    }
    bool isDeleted(const std::vector<Value>& v) const {
        return m_cdc >= 0 && static_cast<size_t>(m_cdc) < v.size() && !v[static_cast<size_t>(m_cdc)].isNull();
    }

    const StreamInfo& m_stream;
    const std::vector<int>& m_keyColumns;
    const int m_cdc;
    GenerationDiff m_out;
};

// One side of the merge: the current row, and the check that keys only go up.
struct Side {
    const NextRow& next;
    std::vector<Value> row, previous;
    bool has = false, started = false;

    Status advance(const std::vector<int>& keyColumns) {
        if (has) {
            previous.swap(row);
            started = true;
        }
        auto r = next(row);
        if (!r)
            return r.error();
        has = r.value();
        if (has && started && compareKeys(previous, row, keyColumns) >= 0)
            return Error::internal("the rows of a generation did not come in key order; the diff stopped "
                                   "rather than report rows that are not there");
        return {};
    }
};

constexpr int kCancelCheckEvery = 4096;

} // namespace

Result<GenerationDiff> diffOrdered(const StreamInfo& stream, const std::vector<int>& keyColumns,
                                   const NextRow& before, const NextRow& after) {
    DiffCollector out(stream, keyColumns);
    Side a{before, {}, {}}, b{after, {}, {}};
    SLUICE_TRY(a.advance(keyColumns));
    SLUICE_TRY(b.advance(keyColumns));
    for (int step = 1; a.has || b.has; ++step) {
        if (step % kCancelCheckEvery == 0 && CancelScope::requested())
            return Error::cancelled();
        const int c = !a.has ? 1 : !b.has ? -1 : compareKeys(a.row, b.row, keyColumns);
        if (c < 0) {
            out.onlyBefore(a.row);
            SLUICE_TRY(a.advance(keyColumns));
        } else if (c > 0) {
            out.onlyAfter(b.row);
            SLUICE_TRY(b.advance(keyColumns));
        } else {
            out.both(a.row, b.row);
            SLUICE_TRY(a.advance(keyColumns));
            SLUICE_TRY(b.advance(keyColumns));
        }
    }
    return out.take();
}

Result<GenerationDiff> diffGenerations(const StreamInfo& stream, const std::vector<int>& keyColumns,
                                       int64_t from, int64_t to, const GenerationLoader& load) {
    auto loadSorted = [&](int64_t g) -> Result<std::vector<std::vector<Value>>> {
        auto rows = load(g);
        if (!rows)
            return rows.error();
        std::sort(rows->begin(), rows->end(),
                  [&](const auto& x, const auto& y) { return compareKeys(x, y, keyColumns) < 0; });
        return rows;
    };
    auto before = loadSorted(from);
    if (!before)
        return before.error();
    // A destination whose reads cannot be interrupted (PostgreSQL) still stops between the two.
    if (CancelScope::requested())
        return Error::cancelled();
    auto after = loadSorted(to);
    if (!after)
        return after.error();
    if (CancelScope::requested())
        return Error::cancelled();
    auto walk = [](std::vector<std::vector<Value>>& rows) {
        return [&rows, i = size_t{0}](std::vector<Value>& row) mutable -> Result<bool> {
            if (i == rows.size())
                return false;
            row = std::move(rows[i++]);
            return true;
        };
    };
    return diffOrdered(stream, keyColumns, walk(before.value()), walk(after.value()));
}

} // namespace sluice::core
