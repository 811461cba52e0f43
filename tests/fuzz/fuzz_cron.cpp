// The cron parser on any text; an expression it accepts must answer next() and matches() consistently.
#include "config/cron_expression.h"

#include <string_view>

using namespace sluice::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto cron = CronExpression::parse(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!cron)
        return 0;
    using namespace std::chrono;
    const CronExpression::TimePoint start = sys_days(year(2026) / 2 / 28) + hours(23) + minutes(59);
    auto next = cron->next(start);
    if (next && (!cron->matches(*next) || *next <= start))
        __builtin_trap();
    if (next)
        (void)cron->next(*next);
    return 0;
}
