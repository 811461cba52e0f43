// Which tables a connection may write in a shared destination (planClaims), with SQLite's naming rules and
// PostgreSQL's: refusals name both connections, companions count, prefixes move streams, legacy rows are
// adopted, and a second home's connection 1 gets a number of its own.
#include "destinations/postgres/pg_table_names.h"
#include "destinations/sqlite/sqlite_table_names.h"

#include <QtTest>

using namespace sluice::core;

namespace {
DestinationOwner owner(int64_t id, const std::string& name, const std::string& home = "h1",
                       const std::string& prefix = {}) {
    DestinationOwner o;
    o.connectionId = id;
    o.homeId = home;
    o.homePath = "/home/" + home;
    o.name = name;
    o.prefix = prefix;
    return o;
}

TableClaim claim(const DestinationOwner& o, const std::string& stream, const std::string& table,
                 int64_t localId = 0) {
    return {localId ? localId : o.connectionId, "", stream, table, o.key(), o.name, o.homePath};
}

// "a, b, c": what QCOMPARE shows when the tables differ.
QString joined(const std::vector<std::string>& names) {
    QStringList out;
    for (const auto& n : names)
        out << QString::fromStdString(n);
    return out.join(", ");
}

const TableNaming kSqlite = SqliteTableNames::naming("SQLite destination /w.sqlite");
const TableNaming kPg = PgTableNames::naming("PostgreSQL destination d at h:5432, schema `public`");
} // namespace

class TestTableClaims : public QObject {
    Q_OBJECT
private slots:
    void anotherConnectionsTableIsRefused() {
        const auto first = owner(1, "first"), second = owner(2, "second");
        auto plan =
            planClaims({claim(first, "products", "products")}, second, {{"", "products"}}, kSqlite, 1);
        QVERIFY(!plan.ok());
        QVERIFY(plan.error().kind == ErrorKind::Refused);
        const QString msg = QString::fromStdString(plan.error().message);
        for (const char* part :
             {"SQLite destination /w.sqlite: table `products` belongs to connection `first` (id 1)",
              "connection `second` does not write into it", "\"prefix\": \"second_\"",
              "sluicectl connection delete first"})
            QVERIFY2(msg.contains(part), qPrintable(msg));
        QVERIFY2(!msg.contains("home"), qPrintable(msg)); // same home: no need to say which
        // SQLite takes "PRODUCTS" for the same table; PostgreSQL does not.
        QVERIFY(
            !planClaims({claim(first, "products", "products")}, second, {{"", "PRODUCTS"}}, kSqlite, 1).ok());
        auto pg = planClaims({claim(first, "products", "products")}, second, {{"", "PRODUCTS"}}, kPg, 1);
        QVERIFY(pg.ok());
        QCOMPARE(joined(pg->tables), joined(std::vector<std::string>{"PRODUCTS"}));
    }

    void companionsBelongToTheirTable() {
        const auto first = owner(1, "first"), second = owner(2, "second");
        // `second`'s dedupe history would be first's table, and the other way round.
        auto history =
            planClaims({claim(first, "raw", "_airbyte_raw_users")}, second, {{"", "users"}}, kSqlite, 0);
        QVERIFY(!history.ok());
        QVERIFY2(
            QString::fromStdString(history.error().message).contains("table `_airbyte_raw_users` belongs"),
            history.error().message.c_str());
        QVERIFY(
            !planClaims({claim(first, "users", "users")}, second, {{"", "_airbyte_tmp_users"}}, kSqlite, 0)
                 .ok());
    }

    void prefixGivesTablesOfItsOwn() {
        const auto first = owner(1, "first"), crm = owner(2, "crm", "h1", "crm_");
        auto plan = planClaims({claim(first, "products", "products")}, crm, {{"", "products"}, {"", "users"}},
                               kSqlite, 1);
        QVERIFY2(plan.ok(), plan.ok() ? "" : plan.error().message.c_str());
        QCOMPARE(joined(plan->tables), joined(std::vector<std::string>{"crm_products", "crm_users"}));
        QCOMPARE(plan->localId, int64_t(2));
        QCOMPARE(plan->added.size(), size_t(2));
        QCOMPARE(*plan->added[0].owner, crm.key());

        // A changed prefix moves the stream to a new table; the old claim goes (its table keeps its data).
        auto moved = owner(2, "crm", "h1", "sales_");
        auto again =
            planClaims({claim(first, "products", "products"), claim(crm, "products", "crm_products")}, moved,
                       {{"", "products"}}, kSqlite, 2);
        QVERIFY(again.ok());
        QCOMPARE(joined(again->tables), joined(std::vector<std::string>{"sales_products"}));
        QCOMPARE(again->dropped.size(), size_t(1));
        QCOMPARE(again->dropped[0].table, std::string("crm_products"));
        // The same prefix keeps the table, suffixed or not.
        auto kept =
            planClaims({claim(crm, "products", "crm_products_1")}, crm, {{"", "products"}}, kSqlite, 2);
        QVERIFY(kept.ok());
        QCOMPARE(joined(kept->tables), joined(std::vector<std::string>{"crm_products_1"}));
        QVERIFY(kept->added.empty() && kept->dropped.empty());
    }

    // users_1 takes _airbyte_raw_users_1 as its history, so the stream of that name moves on to _2.
    void streamsOfOneConnectionGetSuffixes() {
        const auto c = owner(1, "c");
        auto plan = planClaims({}, c,
                               {{"", "Users"},
                                {"", "users"},
                                {"", "_airbyte_raw_users"},
                                {"a", "x"},
                                {"b", "x"},
                                {"", "sqlite_master"},
                                {"", "_airbyte_sluice_tables"}},
                               kSqlite, 0);
        QVERIFY(plan.ok());
        QCOMPARE(joined(plan->tables),
                 joined(std::vector<std::string>{"Users", "users_1", "_airbyte_raw_users_2", "x", "x_1",
                                                 "_sqlite_master", "_airbyte_sluice_tables_1"}));
        // PostgreSQL keeps 63 bytes: a suffix fits inside them, with room for the history table's prefix.
        const std::string longName(70, 'n');
        auto pg = planClaims({}, c, {{"a", longName}, {"b", longName}}, kPg, 0);
        QVERIFY(pg.ok());
        QCOMPARE(joined(pg->tables),
                 joined(std::vector<std::string>{std::string(63, 'n'), std::string(48, 'n') + "_1"}));
    }

    // Each home numbers its connections from 1: the second home's connection 1 gets a number of its own,
    // so that checkpoints never mix.
    void secondHomeGetsANumberOfItsOwn() {
        const auto a = owner(1, "alpha", "hA"), b = owner(1, "beta", "hB", "b_");
        const std::vector<TableClaim> claims = {claim(a, "products", "products")};
        QCOMPARE(localIdOf(claims, b), std::optional<int64_t>());
        auto plan = planClaims(claims, b, {{"", "products"}}, kSqlite, 3);
        QVERIFY(plan.ok());
        QCOMPARE(plan->localId, int64_t(4)); // above every connection id in use, checkpoints included
        QCOMPARE(joined(plan->tables), joined(std::vector<std::string>{"b_products"}));
        auto refused = planClaims(claims, owner(1, "beta", "hB"), {{"", "products"}}, kSqlite, 1);
        QVERIFY(!refused.ok());
        QVERIFY2(QString::fromStdString(refused.error().message)
                     .contains("`alpha` (id 1) of the Sluice home /home/hA"),
                 refused.error().message.c_str());
        QVERIFY(QString::fromStdString(refused.error().message).contains("--home /home/hA"));
    }

    // Rows an earlier Sluice wrote carry no owner: the connection with their id takes them over.
    void legacyRowsAreAdopted() {
        TableClaim legacy{3, "", "users", "users", std::nullopt, "", ""};
        const auto c = owner(3, "c");
        QCOMPARE(localIdOf({legacy}, c), std::optional<int64_t>(3));
        auto plan = planClaims({legacy}, c, {{"", "users"}}, kSqlite, 3);
        QVERIFY(plan.ok());
        QVERIFY(plan->adoptLegacy);
        QCOMPARE(joined(plan->tables), joined(std::vector<std::string>{"users"}));
        QVERIFY(plan->added.empty());
        auto other = planClaims({legacy}, owner(4, "d"), {{"", "users"}}, kSqlite, 3);
        QVERIFY(!other.ok());
        QVERIFY2(QString::fromStdString(other.error().message).contains("connection id 3"),
                 other.error().message.c_str());
    }

    void readingNeverTakesAnotherConnectionsTable() {
        const auto first = owner(1, "first"), second = owner(2, "second"),
                   crm = owner(3, "crm", "h1", "crm_");
        const std::vector<TableClaim> claims = {claim(first, "products", "products")};
        QCOMPARE(tableToRead(claims, first, "", "products", kSqlite), std::optional<std::string>("products"));
        QCOMPARE(tableToRead(claims, second, "", "products", kSqlite), std::optional<std::string>());
        QCOMPARE(tableToRead(claims, crm, "", "products", kSqlite),
                 std::optional<std::string>("crm_products"));
        QCOMPARE(tableToRead(claims, second, "", "sqlite_x", kSqlite),
                 std::optional<std::string>("_sqlite_x"));
    }
};

QTEST_GUILESS_MAIN(TestTableClaims)
#include "tst_table_claims.moc"
