// The sink between a source and the destination, with the real SQLite destination and store: batches are
// written on another thread than the source's, a state is stored only once its rows committed, and after a
// write failed nothing later is written, for a later state would claim the rows that went down with it.
#include "config/connection_config.h"
#include "destinations/sqlite/sqlite_destination.h"
#include "engine/engine_sink.h"
#include "engine/job_log.h"
#include "store/connection_repository.h"
#include "store/job_repository.h"
#include "store/state_repository.h"
#include "store/store.h"
#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>
#include <thread>

using namespace sluice::core;

namespace {
// The real destination, whose write number `failAt` fails as a full disk would.
class FailingWrites : public Destination {
public:
    FailingWrites(std::unique_ptr<Destination> real, int failAt)
        : m_real(std::move(real)), m_failAt(failAt) {}
    Status check() override { return m_real->check(); }
    Status begin(int64_t id, const std::vector<StreamWritePlan>& plans) override {
        return m_real->begin(id, plans);
    }
    Status write(std::vector<StreamBatch>& batches) override {
        writerThreads.push_back(std::this_thread::get_id());
        if (++m_writes == m_failAt)
            return Error::transient("database or disk is full");
        return m_real->write(batches);
    }
    Status completeStream(StreamBatch& batch) override { return m_real->completeStream(batch); }
    Result<std::optional<DestinationCheckpoint>> lastCheckpoint(int64_t id, const std::string& ns,
                                                                const std::string& name) override {
        return m_real->lastCheckpoint(id, ns, name);
    }
    void bindConnection(const DestinationOwner& owner) override { m_real->bindConnection(owner); }
    Result<GenerationReport> generationReport(const ResolvedStream& s, int64_t g, size_t n) override {
        return m_real->generationReport(s, g, n);
    }
    Result<GenerationDiff> diff(const ResolvedStream& s, int64_t from, int64_t to) override {
        return m_real->diff(s, from, to);
    }
    Result<int64_t> rowCount(const ResolvedStream& s) override { return m_real->rowCount(s); }

    std::vector<std::thread::id> writerThreads;

private:
    std::unique_ptr<Destination> m_real;
    int m_failAt;
    int m_writes = 0;
};

struct Fixture {
    QTemporaryDir dir;
    std::unique_ptr<Store> store;
    int64_t connectionId = 0, jobId = 0;
    ResolvedStream stream;
    std::unique_ptr<FailingWrites> destination;

    explicit Fixture(int failAt) {
        store = std::make_unique<Store>(Store::openInHome(dir.path().toStdString()).value());
        const std::string dest = (dir.path() + "/w.sqlite").toStdString();
        auto c = parseConnectionJson(R"({"name": "sink", "source": {"type": "demo", "config": {}},
            "destination": {"type": "sqlite", "config": {"path": ")" +
                                         dest + R"("}}, "streams": [{"name": "items"}]})",
                                     "test", "/");
        if (!c)
            qFatal("%s", c.error().message.c_str());
        connectionId = ConnectionRepository(store->db()).create(c.value()).value();
        jobId = JobRepository(store->db()).startJob(connectionId, "sync", "").value();
        stream.stream.name = "items";
        stream.stream.columns = {{"id", ColumnType::Integer}};
        stream.mode = StreamMode{SyncMode::Incremental, DestinationSyncMode::Append};
        destination =
            std::make_unique<FailingWrites>(makeSqliteDestination(R"({"path": ")" + dest + "\"}"), failAt);
        destination->bindConnection(DestinationOwner{connectionId, {}, {}, {}, {}});
        if (auto st = destination->begin(connectionId, {StreamWritePlan{stream, 1, 0, jobId}}); !st)
            qFatal("%s", st.error().message.c_str());
    }

    std::vector<EngineSink::StreamTarget> targets() const {
        EngineSink::StreamTarget t;
        t.name = "items";
        t.generation = 1;
        t.columns = stream.stream.columns;
        return {t};
    }

    std::string storedState() {
        auto s = StateRepository(store->db()).state(connectionId, "", "items");
        return s.ok() && s.value() ? s.value()->stateJson : "(none)";
    }
};

Row idRow(int64_t id) {
    Row r;
    r.values = {Value::integer(id)};
    return r;
}

// Ten records, then a state {"at": last id}, `batches` times; the first error of the sink ends it.
Status feed(EngineSink& sink, int batches) {
    for (int b = 0; b < batches; ++b) {
        for (int64_t i = 1; i <= 10; ++i)
            SLUICE_TRY(sink.record(0, idRow(b * 10 + i)));
        SLUICE_TRY(sink.state(0, "{\"at\":" + std::to_string(b * 10 + 10) + "}"));
    }
    return {};
}
} // namespace

class TestEngineSink : public QObject {
    Q_OBJECT
private slots:
    void batchesAreWrittenOffTheSourceThreadAndStatesFollowTheirRows() {
        Fixture f(0);
        JobRepository jobs(f.store->db());
        JobLog log(jobs, f.jobId, nullptr);
        {
            EngineSink sink(*f.store, *f.destination, log, f.connectionId, f.jobId, 1, f.targets(), {}, {});
            SLUICE_VERIFY_OK(feed(sink, 5));
            SLUICE_VERIFY_OK(sink.finish(true));
            QCOMPARE(sink.committed(), int64_t(50));
        }
        QCOMPARE(f.storedState(), std::string("{\"at\":50}"));
        QCOMPARE(f.destination->rowCount(f.stream).value(), int64_t(50));
        QCOMPARE(f.destination->writerThreads.size(), size_t(5));
        for (auto id : f.destination->writerThreads)
            QVERIFY(id != std::this_thread::get_id());
    }

    void nothingIsWrittenAfterAFailedWrite() {
        Fixture f(2); // the batch of ids 11-20 fails
        JobRepository jobs(f.store->db());
        JobLog log(jobs, f.jobId, nullptr);
        Status fed, finished;
        int64_t committed = 0;
        {
            EngineSink sink(*f.store, *f.destination, log, f.connectionId, f.jobId, 1, f.targets(), {}, {});
            fed = feed(sink, 5);
            // The source stopped at the error with ids 21-30 read and covered by their state: a write of
            // them with {"at":30} would store a state that claims the lost ids 11-20.
            finished = sink.finish(false);
            committed = sink.committed();
        }
        QVERIFY(!fed.ok());
        QCOMPARE(QString::fromStdString(fed.error().message), QString("database or disk is full"));
        QVERIFY(!finished.ok());
        QCOMPARE(committed, int64_t(10));
        QCOMPARE(f.storedState(), std::string("{\"at\":10}"));
        QCOMPARE(f.destination->rowCount(f.stream).value(), int64_t(10));
        QCOMPARE(f.destination->writerThreads.size(), size_t(2));
    }
};

QTEST_GUILESS_MAIN(TestEngineSink)
#include "tst_engine_sink.moc"
