#include "store/settings_repository.h"

namespace sluice::core {

Result<std::optional<std::string>> SettingsRepository::get(const std::string& key) {
    std::optional<std::string> value;
    SLUICE_TRY(m_db.forEachRow(
        "SELECT value FROM settings WHERE key = ?", [&](Statement& st) { value = st.getText(0); }, key));
    return value;
}

Status SettingsRepository::set(const std::string& key, const std::string& value) {
    return m_db.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        key, value);
}

} // namespace sluice::core
