#pragma once

#include "cli/cli_args.h"
#include "config/connection_config.h"
#include "store/store.h"

#include <iosfwd>
#include <string>

namespace sluice::core::cli {

enum ExitCode { kExitOk = 0, kExitJobFailed = 1, kExitInvalid = 2 };

// What every command gets: the arguments, the home folder, Sluice's store, and where to print.
struct Context {
    Args args;
    std::string home;
    Store* store = nullptr;
    std::ostream* out = nullptr;
    std::ostream* err = nullptr;
    bool logging = false; // the home's log is open: failures go to it too

    bool json() const { return args.flag("--json"); }
    // Prints the error on stderr (and, once logging is set up, to the "cli" log) and returns the exit code
    // for its kind.
    int fail(const Error& e) const;
};

// The connection named by the first argument after the command (its id or name).
Result<ConnectionConfig> connectionArg(Context& ctx);
// Refreshes, clears and state edits change data for good: they need --yes, or a "y" at an interactive
// prompt. `what` says what will happen.
bool confirmed(Context& ctx, const std::string& what);

int cmdConnection(Context& ctx);
int cmdCheck(Context& ctx);
int cmdDiscover(Context& ctx);
int cmdSync(Context& ctx);
int cmdRefresh(Context& ctx);
int cmdClear(Context& ctx);
int cmdBackfill(Context& ctx);
int cmdJobs(Context& ctx);
int cmdLogs(Context& ctx);
int cmdCancel(Context& ctx);
int cmdState(Context& ctx);
int cmdGenerations(Context& ctx);
int cmdDiff(Context& ctx);

} // namespace sluice::core::cli
