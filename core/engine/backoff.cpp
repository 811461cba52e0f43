#include "engine/backoff.h"

#include <algorithm>

namespace sluice::core {

int backoffSeconds(const RetryPolicy& policy, int consecutiveFailures) {
    // Tripled per failure after the first; the loop stops at the cap, so large counts never overflow.
    int wait = std::max(policy.backoffSeconds, 0);
    for (int k = 1; k < consecutiveFailures && wait < kMaxBackoffSeconds; ++k)
        wait *= 3;
    return std::min(wait, kMaxBackoffSeconds);
}

RetryDecision decideRetry(const RetryPolicy& policy, const FailedAttempt& attempt) {
    RetryDecision d;
    d.consecutiveFailures = attempt.consecutiveFailuresBefore;
    if (!attempt.retryable)
        return d; // a configuration error does not fix itself, and the same data would throw again
    if (attempt.number >= policy.maxAttempts) {
        d.why = RetryDecision::Why::AttemptsExhausted;
        return d;
    }
    if (attempt.committed > 0) {
        d.next = RetryDecision::Next::RetryNow;
        d.why = RetryDecision::Why::Committed;
        d.consecutiveFailures = 0;
        return d;
    }
    d.consecutiveFailures = attempt.consecutiveFailuresBefore + 1;
    if (d.consecutiveFailures >= policy.maxConsecutiveFailures) {
        d.why = RetryDecision::Why::TooManyInARow;
        return d;
    }
    d.next = RetryDecision::Next::RetryAfterWait;
    d.why = RetryDecision::Why::NothingCommitted;
    d.waitSeconds = backoffSeconds(policy, d.consecutiveFailures);
    return d;
}

} // namespace sluice::core
