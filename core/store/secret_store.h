#pragma once

#include "util/result.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::core {

// Where the secret values of connection configurations live, so that Sluice's database never holds them:
// the desktop keyring (QtKeychain) when one answers, else <home>/secrets.json, created with mode 0600.
// The database keeps a reference instead, "sluice-secret:<backend>:<id>", which names the backend that
// holds the value: a secret written to the file stays readable when a keyring appears later.
//
// $SLUICE_SECRET_STORE chooses: "file" always uses the file (tests, headless machines), "keyring" refuses to
// work without one, anything else asks the keyring once per process and falls back to the file.
class SecretStore {
public:
    explicit SecretStore(std::string home);

    // Stores a value under a new reference and returns it. References are never reused, so a cached value
    // never goes stale.
    Result<std::string> put(const std::string& value);
    // The value of a reference; nullopt when its backend does not have it (deleted, or another machine).
    Result<std::optional<std::string>> get(const std::string& reference);
    // Forgets references (unknown ones are ignored).
    Status remove(const std::vector<std::string>& references);

    static bool isReference(std::string_view text);
    std::string filePath() const;

private:
    Result<std::optional<std::string>> readFile(const std::string& id);
    Status updateFile(const std::vector<std::pair<std::string, std::string>>& add,
                      const std::vector<std::string>& drop);

    std::string m_home;
};

// The keyring glue (secret_keyring.cpp); each call waits for the keyring's answer, at most a few seconds.
bool keyringAvailable();
Status keyringWrite(const std::string& key, const std::string& value);
Result<std::optional<std::string>> keyringRead(const std::string& key);
Status keyringDelete(const std::string& key);

} // namespace sluice::core
