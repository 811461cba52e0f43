// Job statuses and stream actions are enums in the code and text in Sluice's database and `--json` output:
// the text of each value is pinned, and text this version does not know is an error, never a guess.
#include "store/job_status.h"

#include <QtTest>

using namespace sluice::core;

class TestJobStatus : public QObject {
    Q_OBJECT
private slots:
    void jobStatusesKeepTheirText() {
        const std::pair<JobStatus, const char*> all[] = {{JobStatus::Running, "running"},
                                                         {JobStatus::Succeeded, "succeeded"},
                                                         {JobStatus::Failed, "failed"},
                                                         {JobStatus::Cancelled, "cancelled"}};
        for (const auto& [value, text] : all) {
            QCOMPARE(std::string(toText(value)), std::string(text));
            QCOMPARE(jobStatusFromText(text).value(), value);
        }
    }

    void streamStatusesKeepTheirText() {
        const std::pair<JobStreamStatus, const char*> all[] = {
            {JobStreamStatus::Pending, "pending"},     {JobStreamStatus::Running, "running"},
            {JobStreamStatus::Succeeded, "succeeded"}, {JobStreamStatus::Failed, "failed"},
            {JobStreamStatus::Blocked, "blocked"},     {JobStreamStatus::Cancelled, "cancelled"}};
        for (const auto& [value, text] : all) {
            QCOMPARE(std::string(toText(value)), std::string(text));
            QCOMPARE(jobStreamStatusFromText(text).value(), value);
        }
    }

    void streamActionsKeepTheirText() {
        const std::pair<StreamAction, const char*> all[] = {{StreamAction::Sync, "sync"},
                                                            {StreamAction::FullRefresh, "full_refresh"},
                                                            {StreamAction::RefreshRetain, "refresh_retain"},
                                                            {StreamAction::RefreshRemove, "refresh_remove"},
                                                            {StreamAction::Clear, "clear"}};
        for (const auto& [value, text] : all) {
            QCOMPARE(std::string(toText(value)), std::string(text));
            QCOMPARE(streamActionFromText(text).value(), value);
        }
    }

    void unknownTextIsAnErrorNamingIt() {
        auto status = jobStatusFromText("paused");
        QVERIFY(!status);
        QCOMPARE(
            status.error().message,
            std::string("Sluice's database holds the job status `paused`, which this version does not know "
                        "(known: running, succeeded, failed, cancelled); was it written by a newer Sluice?"));
        QVERIFY(!jobStreamStatusFromText("Succeeded")); // exact text only
        QVERIFY(!streamActionFromText("refresh"));
        QVERIFY(!streamActionFromText(""));
    }
};

QTEST_GUILESS_MAIN(TestJobStatus)
#include "tst_job_status.moc"
