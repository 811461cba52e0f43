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

namespace sluice::core::cli {

int Context::fail(const Error& e) const {
    *err << "sluicectl: " << redactSecrets(e.message) << "\n";
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
        {"connection", cmdConnection}, {"check", cmdCheck},   {"discover", cmdDiscover},
        {"sync", cmdSync},             {"refresh", cmdRefresh}, {"clear", cmdClear},
        {"jobs", cmdJobs},             {"logs", cmdLogs},       {"cancel", cmdCancel},
        {"state", cmdState},           {"generations", cmdGenerations}, {"diff", cmdDiff},
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
    auto store = Store::openInHome(ctx.home);
    if (!store)
        return ctx.fail(store.error());
    ctx.store = &store.value();
    return it->second(ctx);
}
} // namespace

} // namespace sluice::core::cli
