// The merge behind `diff`: keys ordered as SQLite orders them, one pass over two generations, an error
// (not a wrong diff) when a destination hands rows out of key order, and the sorted path PostgreSQL takes.
#include "destinations/generation_diff.h"

#include <QtTest>

using namespace sluice::core;

namespace {
StreamInfo people() {
    StreamInfo s;
    s.name = "people";
    s.columns = {{"id", ColumnType::Integer}, {"name", ColumnType::String}};
    return s;
}

using Rows = std::vector<std::vector<Value>>;

NextRow walk(Rows& rows) {
    return [&rows, i = size_t{0}](std::vector<Value>& row) mutable -> Result<bool> {
        if (i == rows.size())
            return false;
        row = rows[i++];
        return true;
    };
}

std::vector<Value> person(int64_t id, const char* name) {
    return {Value::integer(id), Value::text(name)};
}
std::vector<Value> person(const char* id, const char* name) {
    return {Value::text(id), Value::text(name)};
}

QStringList ids(const std::vector<RowData>& rows) {
    QStringList out;
    for (const auto& r : rows)
        out << QString::fromStdString(r[0].second.toDisplay());
    return out;
}
} // namespace

class TestDiffMerge : public QObject {
    Q_OBJECT
private slots:
    void keysCompareAsSqliteOrdersThem() {
        const std::vector<int> key{0};
        // NULL first, then numbers by value (an integer and a real alike), then text by bytes.
        QVERIFY(compareKeys({Value::null(), {}}, {Value::integer(-5), {}}, key) < 0);
        QVERIFY(compareKeys({Value::integer(2), {}}, {Value::integer(10), {}}, key) < 0);
        QVERIFY(compareKeys({Value::integer(2), {}}, {Value::real(2.0), {}}, key) == 0);
        QVERIFY(compareKeys({Value::real(1e18), {}}, {Value::text("0"), {}}, key) < 0);
        QVERIFY(compareKeys({Value::text("Z"), {}}, {Value::text("a"), {}}, key) < 0);
        QVERIFY(compareKeys({Value::text("a"), {}}, {Value::text("\xc3\xa9"), {}}, key) < 0);
        // Composite keys compare column by column.
        const std::vector<int> both{1, 0};
        QVERIFY(compareKeys(person(9, "a"), person(1, "b"), both) < 0);
        QVERIFY(compareKeys(person(2, "a"), person(1, "a"), both) > 0);
    }

    void mergesInOnePass() {
        Rows before{person(1, "Ada"), person(2, "Bo"), person(3, "Cy")};
        Rows after{person(2, "Bob"), person(3, "Cy"), person(4, "Di")};
        auto d = diffOrdered(people(), {0}, walk(before), walk(after));
        QVERIFY(d.ok());
        QCOMPARE(ids(d->removed), QStringList{"1"});
        QCOMPARE(ids(d->added), QStringList{"4"});
        QCOMPARE(d->changed.size(), size_t(1));
        QCOMPARE(d->changed[0].key[0].second.i, int64_t(2));
        QCOMPARE(d->changed[0].fields.size(), size_t(1));
        QCOMPARE(d->changed[0].fields[0].from.s, std::string("Bo"));
        QCOMPARE(d->changed[0].fields[0].to.s, std::string("Bob"));
        QVERIFY(d->deleted.empty());
    }

    void rowsOutOfOrderAreAnError() {
        Rows before{person(2, "Bo"), person(1, "Ada")};
        Rows after{person(1, "Ada")};
        auto d = diffOrdered(people(), {0}, walk(before), walk(after));
        QVERIFY(!d.ok());
        QVERIFY2(d.error().message.find("key order") != std::string::npos, d.error().message.c_str());
        Rows twice{person(1, "Ada"), person(1, "Ada")};
        QVERIFY(!diffOrdered(people(), {0}, walk(twice), walk(after)).ok());
    }

    // PostgreSQL's text order is its collation's; its rows are sorted here before they are merged.
    void loadedGenerationsAreSorted() {
        auto load = [](int64_t g) -> Result<Rows> {
            if (g == 0)
                return Rows{person("b", "x"), person("B", "x"), person("a", "x")};
            return Rows{person("a", "y"), person("c", "x"), person("B", "x")};
        };
        auto d = diffGenerations(people(), {0}, 0, 1, load);
        QVERIFY(d.ok());
        QCOMPARE(ids(d->removed), QStringList{"b"});
        QCOMPARE(ids(d->added), QStringList{"c"});
        QCOMPARE(d->changed.size(), size_t(1));
        QCOMPARE(d->changed[0].key[0].second.s, std::string("a"));
    }
};

QTEST_GUILESS_MAIN(TestDiffMerge)
#include "tst_diff_merge.moc"
