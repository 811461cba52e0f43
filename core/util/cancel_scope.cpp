#include "util/cancel_scope.h"

namespace sluice::core {

namespace {
thread_local const std::atomic<bool>* t_flag = nullptr;
} // namespace

CancelScope::CancelScope(const std::atomic<bool>* flag) : m_previous(t_flag) {
    t_flag = flag;
}

CancelScope::~CancelScope() {
    t_flag = m_previous;
}

const std::atomic<bool>* CancelScope::current() {
    return t_flag;
}

} // namespace sluice::core
