// The retry rule of SPEC §5, pinned: the waits between attempts, and when a job gives up.
#include "engine/backoff.h"

#include <QtTest>

using namespace sluice::core;

namespace {
RetryPolicy policy(int maxAttempts, int maxConsecutive, int backoff) {
    RetryPolicy p;
    p.maxAttempts = maxAttempts;
    p.maxConsecutiveFailures = maxConsecutive;
    p.backoffSeconds = backoff;
    return p;
}

// The waits a job makes when every attempt commits nothing, and how many attempts it makes in all.
QList<int> waitsUntilGivingUp(const RetryPolicy& p, int* attempts) {
    QList<int> waits;
    int consecutive = 0;
    for (int number = 1;; ++number) {
        const RetryDecision d = decideRetry(p, {number, 0, true, consecutive});
        consecutive = d.consecutiveFailures;
        if (d.next == RetryDecision::Next::GiveUp) {
            *attempts = number;
            return waits;
        }
        waits << d.waitSeconds;
    }
}
} // namespace

Q_DECLARE_METATYPE(QList<int>)

class TestBackoff : public QObject {
    Q_OBJECT
private slots:
    void waitAfterConsecutiveFailures_data() {
        QTest::addColumn<int>("backoff");
        QTest::addColumn<int>("consecutive");
        QTest::addColumn<int>("seconds");
        QTest::newRow("first failure waits backoff_seconds") << 10 << 1 << 10;
        QTest::newRow("second is tripled") << 10 << 2 << 30;
        QTest::newRow("third") << 10 << 3 << 90;
        QTest::newRow("fourth") << 10 << 4 << 270;
        QTest::newRow("fifth is capped at 5 minutes") << 10 << 5 << 300;
        QTest::newRow("the cap holds for long runs") << 10 << 1000 << 300;
        QTest::newRow("0 means no wait") << 0 << 4 << 0;
        QTest::newRow("a negative setting waits nothing") << -5 << 3 << 0;
        QTest::newRow("a setting above the cap is capped") << 400 << 1 << 300;
        QTest::newRow("1 s") << 1 << 6 << 243;
    }
    void waitAfterConsecutiveFailures() {
        QFETCH(int, backoff);
        QFETCH(int, consecutive);
        QFETCH(int, seconds);
        QCOMPARE(backoffSeconds(policy(20, 1000, backoff), consecutive), seconds);
    }

    // The defaults (20 attempts, 5 in a row, 10 s): 4 waits, then the fifth empty attempt gives up.
    void defaultsGiveUpAfterFiveEmptyAttempts() {
        int attempts = 0;
        QCOMPARE(waitsUntilGivingUp(RetryPolicy{}, &attempts), (QList<int>{10, 30, 90, 270}));
        QCOMPARE(attempts, 5);
        QCOMPARE(decideRetry(RetryPolicy{}, {5, 0, true, 4}).why, RetryDecision::Why::TooManyInARow);
    }

    void maxAttemptsEndsTheJobFirst() {
        int attempts = 0;
        QCOMPARE(waitsUntilGivingUp(policy(3, 5, 10), &attempts), (QList<int>{10, 30}));
        QCOMPARE(attempts, 3);
        QCOMPARE(decideRetry(policy(3, 5, 10), {3, 0, true, 2}).why, RetryDecision::Why::AttemptsExhausted);
        // Even an attempt that made progress is the last one when it is attempt max_attempts.
        QCOMPARE(decideRetry(policy(3, 5, 10), {3, 100, true, 0}).next, RetryDecision::Next::GiveUp);
    }

    void aCommittingAttemptIsRetriedAtOnceAndResetsTheCount() {
        const RetryDecision d = decideRetry(RetryPolicy{}, {4, 7, true, 3});
        QCOMPARE(d.next, RetryDecision::Next::RetryNow);
        QCOMPARE(d.why, RetryDecision::Why::Committed);
        QCOMPARE(d.waitSeconds, 0);
        QCOMPARE(d.consecutiveFailures, 0);
        // The next empty attempt waits backoff_seconds again, not the tripled wait.
        QCOMPARE(decideRetry(RetryPolicy{}, {5, 0, true, d.consecutiveFailures}).waitSeconds, 10);
    }

    void anErrorThatDoesNotFixItselfIsNeverRetried() {
        const RetryDecision d = decideRetry(RetryPolicy{}, {1, 50, false, 0});
        QCOMPARE(d.next, RetryDecision::Next::GiveUp);
        QCOMPARE(d.why, RetryDecision::Why::NotRetryable);
    }

    void withoutBackoffEmptyAttemptsRetryWithoutWaiting() {
        int attempts = 0;
        QCOMPARE(waitsUntilGivingUp(policy(20, 3, 0), &attempts), (QList<int>{0, 0}));
        QCOMPARE(attempts, 3);
    }

    void oneConsecutiveFailureAllowedGivesUpAtTheFirst() {
        const RetryDecision d = decideRetry(policy(20, 1, 10), {1, 0, true, 0});
        QCOMPARE(d.next, RetryDecision::Next::GiveUp);
        QCOMPARE(d.why, RetryDecision::Why::TooManyInARow);
        QCOMPARE(d.consecutiveFailures, 1);
    }
};

QTEST_GUILESS_MAIN(TestBackoff)
#include "tst_backoff.moc"
