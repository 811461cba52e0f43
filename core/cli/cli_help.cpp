#include "cli/cli_help.h"

namespace sluice::core::cli {

const std::string& usageText() {
    static const std::string text = R"(Usage: sluicectl [--home DIR] COMMAND [ARGS] [--json]

Sluice copies data from sources into a destination database, stream by stream.
Both sluicectl and the Sluice desktop app work on the same home folder.

Connections:
  connection create FILE.json          create a connection from a file; prints the new id
  connection update ID FILE.json       replace a connection's configuration
  connection list [--json]             list connections
  connection show ID [--json]          show one connection (secrets masked)
  connection delete ID                 delete a connection and its jobs and state

Syncing:
  check ID                             test the source and destination configurations
  discover ID [--json]                 list the source's streams and their schemas
  sync ID [--stream NAME]... [--json]  run one sync job in the foreground (of the streams named only)
  refresh ID --mode remove|retain [--stream NAME]... [--yes] [--json]
                                       re-import streams; remove or retain the old records
  clear ID [--stream NAME]... [--yes] [--json]
                                       remove the streams' records and state
  backfill ID --stream NAME --from VALUE [--to VALUE] [--yes] [--json]
                                       re-import a cursor range (inclusive; no --to: to the end)
                                       into a new generation; old records and the state are kept
  cancel JOB_ID                        stop a running job (its connector too); committed data stays

Inspecting:
  jobs ID [--json]                     jobs of a connection, newest first
  logs JOB_ID [--attempt N]            the log of a job (or of one attempt)
  state ID [--stream NAME] [--json]    the stored state of each stream (of one, with its edits)
  state set ID --stream NAME --cursor VALUE|--file STATE.json [--yes] [--json]
                                       set where the next sync of the stream starts
  state undo ID --stream NAME [--yes] [--json]
                                       take back the stream's last state edit
  generations ID --stream NAME [--json]
                                       records per generation and stale records
  diff ID --stream NAME --from G --to G [--json]
                                       records added, removed, changed and deleted between generations

Options:
  --home DIR     where Sluice keeps its database and logs (default: $SLUICE_HOME,
                 else ~/.local/share/sluice)
  --json         print one JSON document on stdout
  --yes, -y      confirm a refresh, clear or state edit without asking
  --verbose      print debug logs on stderr
  --version      print the version
  --help, -h     print this help

ID is a connection's numeric id or its name.
Exit status: 0 success, 1 a job failed, 2 invalid input or a refused action.
)";
    return text;
}

} // namespace sluice::core::cli
