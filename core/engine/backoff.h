#pragma once

#include "config/connection_config.h"

#include <cstdint>

namespace sluice::core {

// The retry rule of SPEC §5 as a pure function, so that its numbers are pinned by a test rather than read
// out of the attempt loop: an attempt that committed records is retried at once; one that committed nothing
// is retried after `backoff_seconds`, tripled for each further failure in a row and capped at 5 minutes, at
// most `max_consecutive_failures` in a row; a job makes at most `max_attempts` attempts; an error that does
// not fix itself (configuration, a refused or invalid request, an unexpected exception) is never retried.

inline constexpr int kMaxBackoffSeconds = 300;

// The wait before the next attempt after `consecutiveFailures` (>= 1) attempts in a row committed nothing.
int backoffSeconds(const RetryPolicy& policy, int consecutiveFailures);

struct FailedAttempt {
    int number = 1;                    // 1 for the job's first attempt
    int64_t committed = 0;             // records this attempt committed
    bool retryable = true;             // false: a configuration error or an unexpected exception
    int consecutiveFailuresBefore = 0; // attempts in a row before this one that committed nothing
};

struct RetryDecision {
    enum class Next { RetryNow, RetryAfterWait, GiveUp };
    enum class Why {
        Committed,         // RetryNow: the attempt made progress
        NothingCommitted,  // RetryAfterWait (waitSeconds may be 0 when backoff_seconds is 0)
        NotRetryable,      // GiveUp
        AttemptsExhausted, // GiveUp: max_attempts reached
        TooManyInARow,     // GiveUp: max_consecutive_failures reached
    };
    Next next = Next::GiveUp;
    Why why = Why::NotRetryable;
    int waitSeconds = 0;
    int consecutiveFailures = 0; // the count to pass as consecutiveFailuresBefore of the next attempt
};

// What follows a failed (not cancelled) attempt.
RetryDecision decideRetry(const RetryPolicy& policy, const FailedAttempt& attempt);

} // namespace sluice::core
