#include "cli/cli_app.h"

#include "cli/cli_context.h"
#include "cli/cli_help.h"
#include "sluice_version.h"
#include "util/home.h"
#include "util/logging.h"

#include <exception>
#include <functional>
#include <map>
#include <ostream>
#include <spdlog/spdlog.h>

namespace sluice::core::cli {

int Context::fail(const Error& e) const {
    *err << "sluicectl: " << redactSecrets(e.message) << "\n";
    // At info: stderr has the message already, and the console sink shows warnings too.
    if (logging)
        logger("cli")->info("sluicectl {} failed: {}", args.positional.empty() ? "" : args.positional.front(),
                            e.message);
    switch (e.kind) {
    case ErrorKind::Invalid:
    case ErrorKind::Refused:
    case ErrorKind::Config:
        return kExitInvalid;
    default:
        return kExitJobFailed;
    }
}

namespace {
int runCommand(int argc, const char* const* argv, std::ostream& out, std::ostream& err);
} // namespace

int runCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    // A bug must still not print a secret: what an exception says (a parser quoting its input) is redacted
    // like every other line, instead of std::terminate printing it raw.
    try {
        return runCommand(argc, argv, out, err);
    } catch (const std::exception& e) {
        err << "sluicectl: internal error: " << redactSecrets(e.what()) << "\n";
    } catch (...) {
        err << "sluicectl: internal error\n";
    }
    return kExitJobFailed;
}

namespace {
int runCommand(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    auto parsed = parseArgs(argc, argv);
    Context ctx;
    ctx.out = &out;
    ctx.err = &err;
    if (!parsed)
        return ctx.fail(parsed.error());
    ctx.args = std::move(parsed.value());

    if (ctx.args.flag("--version")) {
        out << "sluicectl " << SLUICE_VERSION << "\n";
        return kExitOk;
    }
    if (ctx.args.flag("--help") || ctx.args.positional.empty()) {
        if (ctx.args.positional.empty() && !ctx.args.flag("--help")) {
            err << usageText();
            return kExitInvalid;
        }
        out << usageText();
        return kExitOk;
    }

    using Command = std::function<int(Context&)>;
    static const std::map<std::string, Command> commands = {
        {"connection", cmdConnection},
        {"check", cmdCheck},
        {"discover", cmdDiscover},
        {"sync", cmdSync},
        {"refresh", cmdRefresh},
        {"clear", cmdClear},
        {"backfill", cmdBackfill},
        {"jobs", cmdJobs},
        {"logs", cmdLogs},
        {"cancel", cmdCancel},
        {"state", cmdState},
        {"generations", cmdGenerations},
        {"diff", cmdDiff},
    };
    const std::string name = ctx.args.positional.front();
    auto it = commands.find(name);
    if (it == commands.end())
        return ctx.fail(Error::invalid("unknown command `" + name + "` (see `sluicectl --help`)"));

    auto home = resolveHome(ctx.args.option("--home"));
    if (!home)
        return ctx.fail(home.error());
    ctx.home = home.value();
    initLogging(ctx.home, ctx.args.flag("--verbose"));
    ctx.logging = true;
    // The command and its ids (never option values: a file's contents or a path is all they are, but the log
    // need not carry them), so sluice.log tells which sluicectl ran a job and how it ended.
    std::string command = "sluicectl";
    for (const auto& word : ctx.args.positional)
        command += " " + word;
    logger("cli")->info("{} started in {}", command, ctx.home);
    auto store = Store::openInHome(ctx.home);
    if (!store)
        return ctx.fail(store.error());
    ctx.store = &store.value();
    const int code = it->second(ctx);
    logger("cli")->info("{} ended with exit status {}", command, code);
    return code;
}
} // namespace

} // namespace sluice::core::cli
