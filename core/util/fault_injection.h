#pragma once

namespace sluice::core {

// Crash tests need to kill Sluice at exact moments (between the destination's commit and the state's, during
// a swap). When $SLUICE_FAULT is "NAME:N", the N-th time the point NAME is reached the process SIGKILLs
// itself; with "NAME:N:throw" it throws a std::runtime_error there instead, once, which is how tests prove
// that an exception ends a job as failed (or an engine request with an error) and nothing else.
// Without the variable this is a single cached check.
void faultPoint(const char* name);

} // namespace sluice::core
