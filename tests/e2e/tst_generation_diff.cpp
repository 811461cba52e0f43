// `diff` and `generations` read the generation index of the SQLite destination: rows merge in key order
// (numbers by value, not as text), a key's winner is its greatest cursor even when an older version was
// written later, soft deletes are reported as such, and the indexes exist from the first sync on.
#include "e2e_home.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

using namespace sluice::test;

namespace {
QByteArray connection() {
    // A numeric cursor with a lookback of 10 re-reads every row, so that a late, older version of a key is
    // delivered in the same generation as its newer one.
    return R"({"name": "people",
      "source": {"type": "file", "config": {"path": "people.jsonl"}},
      "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
      "streams": [{"name": "people", "sync_mode": "incremental", "destination_sync_mode": "append_dedup",
                   "cursor_field": ["version"], "primary_key": [["id"]], "lookback": 10}],
      "settings": {"retry": {"max_attempts": 1}}})";
}

QStringList names(const QJsonValue& rows) {
    QStringList out;
    for (const auto& r : rows.toArray())
        out << QString::number(r.toObject()["id"].toInt()) + ":" + r.toObject()["name"].toString();
    return out;
}
} // namespace

class TestGenerationDiff : public QObject {
    Q_OBJECT
private slots:
    void diffMergesGenerationsInKeyOrder() {
        E2eHome h;
        h.write("people.jsonl", R"({"id": 1, "name": "Ada", "version": 5, "_ab_cdc_deleted_at": null}
{"id": 2, "name": "Bo", "version": 5, "_ab_cdc_deleted_at": null}
{"id": 3, "name": "Cy", "version": 5, "_ab_cdc_deleted_at": null}
{"id": 10, "name": "Jo", "version": 5, "_ab_cdc_deleted_at": null}
)");
        const QString id = h.createConnection(connection());
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        // Generation 0 gets a second version of 1 (older cursor, written later: it loses) and of 2 (newer).
        h.write("people.jsonl", R"J({"id": 1, "name": "Ada (late)", "version": 4, "_ab_cdc_deleted_at": null}
{"id": 2, "name": "Bob", "version": 6, "_ab_cdc_deleted_at": null}
)J");
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(h.rows("SELECT id, name FROM people ORDER BY id"),
                 (Rows{{"1", "Ada"}, {"2", "Bob"}, {"3", "Cy"}, {"10", "Jo"}}));
        QCOMPARE(h.rows("SELECT count(*) FROM _airbyte_raw_people WHERE _airbyte_generation_id = 0"),
                 (Rows{{"6"}}));

        // Generation 1: 1 unchanged, 2 renamed, 3 gone, 10 deleted at the source, 11 and 9 new.
        h.write("people.jsonl", R"({"id": 11, "name": "Kim", "version": 7, "_ab_cdc_deleted_at": null}
{"id": 1, "name": "Ada", "version": 5, "_ab_cdc_deleted_at": null}
{"id": 2, "name": "Bobby", "version": 7, "_ab_cdc_deleted_at": null}
{"id": 10, "name": "Jo", "version": 7, "_ab_cdc_deleted_at": "2024-05-01T00:00:00Z"}
{"id": 9, "name": "Ike", "version": 7, "_ab_cdc_deleted_at": null}
)");
        QCOMPARE(h.cli({"refresh", id, "--mode", "retain", "--yes"}).exitCode, 0);

        auto diff = h.cliJson({"diff", id, "--stream", "people", "--from", "0", "--to", "1"});
        QCOMPARE(names(diff["added"]), (QStringList{"9:Ike", "11:Kim"}));
        QCOMPARE(names(diff["removed"]), (QStringList{"3:Cy"}));
        QCOMPARE(names(diff["deleted"]), (QStringList{"10:Jo"}));
        const QJsonArray changed = diff["changed"].toArray();
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed[0]["key"]["id"].toInt(), 2);
        const QJsonObject fields = changed[0]["fields"].toObject();
        QCOMPARE(fields.keys(), (QStringList{"name", "version"}));
        QCOMPARE(fields["name"]["from"].toString(), QStringLiteral("Bob"));
        QCOMPARE(fields["name"]["to"].toString(), QStringLiteral("Bobby"));
        QCOMPARE(fields["version"]["from"].toInt(), 6);
        QCOMPARE(fields["version"]["to"].toInt(), 7);

        // Backwards: what was added is removed, and the deleted row is a change back to a live one.
        auto back = h.cliJson({"diff", id, "--stream", "people", "--from", "1", "--to", "0"});
        QCOMPARE(names(back["added"]), (QStringList{"3:Cy"}));
        QCOMPARE(names(back["removed"]), (QStringList{"9:Ike", "11:Kim"}));
        QCOMPARE(back["deleted"].toArray().size(), 0);
        const QJsonArray undone = back["changed"].toArray();
        QCOMPARE(undone.size(), 2);
        QCOMPARE(undone[0]["key"]["id"].toInt(), 2);
        QCOMPARE(undone[1]["key"]["id"].toInt(), 10);
        QCOMPARE(undone[1]["fields"].toObject().keys(), (QStringList{"_ab_cdc_deleted_at", "version"}));
        // A generation against itself differs in nothing.
        auto same = h.cliJson({"diff", id, "--stream", "people", "--from", "0", "--to", "0"});
        for (const char* k : {"added", "removed", "changed", "deleted"})
            QVERIFY2(same[k].toArray().isEmpty(), k);

        // Stale rows: 3 was not delivered in generation 1 and is still shown, from generation 0.
        auto gens = h.cliJson({"generations", id, "--stream", "people"});
        QCOMPARE(gens["stale_records"].toInt(), 1);
        QCOMPARE(gens["stale_rows"][0]["id"].toInt(), 3);

        // The indexes those answers read, on the history and the final table.
        QCOMPARE(h.rows("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND name LIKE "
                        "'_airbyte_gen_%' ORDER BY name"),
                 (Rows{{"_airbyte_gen__airbyte_raw_people", "_airbyte_raw_people"},
                       {"_airbyte_gen_people", "people"}}));
        QCOMPARE(
            h.rows("EXPLAIN QUERY PLAN SELECT count(*) FROM _airbyte_raw_people WHERE "
                   "_airbyte_generation_id = 1")[0][3],
            std::string("SEARCH _airbyte_raw_people USING COVERING INDEX _airbyte_gen__airbyte_raw_people "
                        "(_airbyte_generation_id=?)"));
    }

    // A remove refresh swaps in new tables: they get the indexes too, as does the table an overwrite swaps
    // in on every sync.
    void swappedTablesKeepTheirIndexes() {
        E2eHome h;
        h.write("people.jsonl", R"({"id": 1, "name": "Ada", "version": 5, "_ab_cdc_deleted_at": null}
)");
        const QString id = h.createConnection(connection());
        QCOMPARE(h.cli({"sync", id}).exitCode, 0);
        QCOMPARE(h.cli({"refresh", id, "--mode", "remove", "--yes"}).exitCode, 0);
        QCOMPARE(h.rows("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '_airbyte_gen_%' "
                        "ORDER BY name"),
                 (Rows{{"_airbyte_gen__airbyte_raw_people"}, {"_airbyte_gen_people"}}));

        E2eHome f;
        f.write("items.jsonl", "{\"id\": 2, \"name\": \"b\"}\n{\"id\": 1, \"name\": \"a\"}\n");
        const QString items = f.createConnection(R"({"name": "items",
          "source": {"type": "file", "config": {"path": "items.jsonl"}},
          "destination": {"type": "sqlite", "config": {"path": "warehouse.sqlite"}},
          "streams": [{"name": "items", "sync_mode": "full_refresh", "destination_sync_mode": "overwrite",
                       "primary_key": [["id"]]}],
          "settings": {"retry": {"max_attempts": 1}}})");
        QCOMPARE(f.cli({"sync", items}).exitCode, 0);
        QCOMPARE(f.cli({"sync", items}).exitCode, 0);
        QCOMPARE(f.rows("SELECT sql FROM sqlite_master WHERE name = '_airbyte_gen_items'"),
                 (Rows{{"CREATE INDEX \"_airbyte_gen_items\" ON \"items\" (\"_airbyte_generation_id\")"}}));
        auto gens = f.cliJson({"generations", items, "--stream", "items"})["generations"].toArray();
        QCOMPARE(gens.size(), 2);
        QCOMPARE(gens[0].toObject()["records"].toInt(), 0); // generation 1, overwritten
        QCOMPARE(gens[1].toObject()["records"].toInt(), 2);
    }
};

QTEST_GUILESS_MAIN(TestGenerationDiff)
#include "tst_generation_diff.moc"
