#include "engine/stream_state_report.h"

#include "engine/job_planner.h"
#include "engine/state_edit.h"
#include "engine/stream_lookup.h"
#include "store/state_repository.h"

#include <nlohmann/json.hpp>

namespace sluice::core {

namespace {

QString q(const std::string& s) {
    return QString::fromStdString(s);
}

// Stored state JSON, indented for reading.
QString pretty(const std::string& state) {
    if (state.empty())
        return {};
    auto parsed = nlohmann::json::parse(state, nullptr, false);
    return parsed.is_discarded() ? q(state) : q(parsed.dump(2));
}

bool sameState(const QString& a, const std::string& b) {
    auto ja = nlohmann::json::parse(a.toStdString(), nullptr, false);
    auto jb = nlohmann::json::parse(b, nullptr, false);
    if (ja.is_discarded() || jb.is_discarded())
        return a.trimmed().toStdString() == b;
    return ja == jb;
}

} // namespace

StreamStateReport streamStateReport(Database& db, const ConnectionConfig& c, const QString& stream) {
    StreamStateReport out;
    out.connectionId = c.id;
    out.stream = stream;
    const std::string name = stream.toStdString();
    const ConfiguredStreamConfig* cfg = c.findStream(name);
    if (!cfg) {
        out.error =
            q(validateJobRequest(c, JobRequest{JobType::Sync, RefreshKind::Retain, {name}}).error().message);
        return out;
    }
    StateRepository states(db);
    if (auto st = states.state(c.id, cfg->ns, cfg->name); st && st.value()) {
        out.stateJson = pretty(st.value()->stateJson);
        out.generation = st.value()->generation;
        out.updatedAt = q(st.value()->updatedAt);
    } else if (!st) {
        out.error = q(st.error().message);
    }
    out.opaque = c.source.type == "airbyte";
    if (auto resolved = storedStream(db, c, name); resolved && resolved->cursorField.size() == 1) {
        const int col = resolved->stream.columnIndex(resolved->cursorField.front());
        if (col >= 0) {
            out.cursorColumn = q(resolved->cursorField.front());
            out.cursorType =
                QString::fromLatin1(toString(resolved->stream.columns[static_cast<size_t>(col)].type));
        }
    }
    StateEditRepository edits(db);
    if (auto history = edits.history(c.id, cfg->ns, cfg->name); history) {
        for (const auto& e : history.value())
            out.edits.push_back({e.id, q(e.action), pretty(e.previousState), pretty(e.newState), e.generation,
                                 q(e.program), q(e.createdAt)});
    }
    if (auto last = edits.lastUndoable(c.id, cfg->ns, cfg->name); last)
        out.canUndo = last.value().has_value();
    return out;
}

StateEditAnswer answerStateEdit(Database& db, const ConnectionConfig& c, const StateEditQuestion& question) {
    StateEditAnswer out;
    out.token = question.token;
    out.connectionId = c.id;
    out.stream = question.stream;
    const std::string name = question.stream.toStdString();
    Result<StateEditPlan> plan =
        question.undo
            ? planStateUndo(db, c, name)
            : planStateSet(db, c,
                           StateEditInput{
                               name,
                               question.useCursor ? std::optional<std::string>(question.cursor.toStdString())
                                                  : std::nullopt,
                               question.useCursor
                                   ? std::nullopt
                                   : std::optional<std::string>(question.stateJson.toStdString())});
    if (!plan) {
        out.error = q(plan.error().message);
        return out;
    }
    out.previousState = pretty(plan->previousState);
    out.newState = pretty(plan->newState);
    out.explanation = q(plan->explanation);
    if (!question.apply)
        return out;
    // What the user confirmed must still be what gets replaced.
    if (!sameState(question.expectedPrevious, plan->previousState) &&
        !(question.expectedPrevious.isEmpty() && plan->previousState.empty())) {
        out.error =
            QStringLiteral("The state of %1 changed since you looked at it (a job ran): look at it again.")
                .arg(question.stream);
        return out;
    }
    auto done = applyStateEdit(db, c, plan.value(), "gui");
    if (!done) {
        out.error = q(done.error().message);
        return out;
    }
    out.applied = true;
    return out;
}

} // namespace sluice::core
