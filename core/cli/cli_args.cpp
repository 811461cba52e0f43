#include "cli/cli_args.h"

#include <algorithm>
#include <set>

namespace sluice::core::cli {

namespace {
const std::set<std::string> kValued = {"--home", "--attempt", "--stream", "--mode", "--from",
                                       "--to",   "--limit",   "--cursor", "--file"};
const std::set<std::string> kFlags = {"--json", "--yes", "--help", "--version", "--verbose", "-h", "-y"};
} // namespace

bool Args::flag(const std::string& name) const {
    return std::find(flags.begin(), flags.end(), name) != flags.end();
}

std::optional<std::string> Args::option(const std::string& name) const {
    auto it = options.find(name);
    if (it == options.end() || it->second.empty())
        return std::nullopt;
    return it->second.back();
}

std::vector<std::string> Args::all(const std::string& name) const {
    auto it = options.find(name);
    return it == options.end() ? std::vector<std::string>{} : it->second;
}

Result<std::string> Args::need(size_t i, const std::string& what) const {
    if (i < positional.size())
        return positional[i];
    return Error::invalid("missing " + what + " (see `sluicectl --help`)");
}

Result<Args> parseArgs(int argc, const char* const* argv) {
    Args out;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--") {
            for (++i; i < argc; ++i)
                out.positional.emplace_back(argv[i]);
            break;
        }
        if (a.rfind("--", 0) == 0 && a.find('=') != std::string::npos) {
            const std::string key = a.substr(0, a.find('='));
            if (!kValued.count(key))
                return Error::invalid("unknown option " + key + " (see `sluicectl --help`)");
            out.options[key].push_back(a.substr(a.find('=') + 1));
            continue;
        }
        if (kValued.count(a)) {
            if (i + 1 >= argc)
                return Error::invalid("option " + a + " needs a value");
            out.options[a].emplace_back(argv[++i]);
            continue;
        }
        if (kFlags.count(a)) {
            out.flags.push_back(a == "-h" ? "--help" : a == "-y" ? "--yes" : a);
            continue;
        }
        if (a.size() > 1 && a[0] == '-' && !(a.size() > 1 && std::isdigit(static_cast<unsigned char>(a[1]))))
            return Error::invalid("unknown option " + a + " (see `sluicectl --help`)");
        out.positional.push_back(a);
    }
    return out;
}

} // namespace sluice::core::cli
