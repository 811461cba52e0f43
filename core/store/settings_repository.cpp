#include "store/settings_repository.h"

namespace sluice::core {

Result<std::optional<std::string>> SettingsRepository::get(const std::string& key) {
    auto st = m_db.prepare("SELECT value FROM settings WHERE key = ?");
    if (!st)
        return st.error();
    st->bind(1, key);
    auto r = st->step();
    if (!r)
        return r.error();
    if (!r.value())
        return std::optional<std::string>{};
    return std::optional<std::string>{st->getText(0)};
}

Status SettingsRepository::set(const std::string& key, const std::string& value) {
    auto st = m_db.prepare("INSERT INTO settings (key, value) VALUES (?, ?) "
                           "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!st)
        return st.error();
    st->bind(1, key).bind(2, value);
    return st->run();
}

} // namespace sluice::core
